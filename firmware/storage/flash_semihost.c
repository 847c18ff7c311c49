/* Flash kept in a host file through ARM semihosting (`bkpt 0xab`), for the
 * stm32f405-qemu board: qemu's STM32F405 flash is a ROM
 * whose controller is not emulated (docs/firmware.md §Flash store), and the
 * F405's RAM has no room for a RAM flash beside 128 KiB of linear memory.
 * NOR semantics are kept here (erase → 0xFF, program ANDs), so the store
 * behaves as on real flash; the file survives qemu restarts. qemu must run
 * with `-semihosting-config enable=on,target=native`; without it the first
 * call traps (a debug exception with no debugger), so boards call
 * vs_semihost_flash_init only when built for qemu. */
#include <string.h>
#include "flash.h"

enum { SYS_OPEN = 0x01, SYS_WRITE = 0x05, SYS_READ = 0x06, SYS_SEEK = 0x0a, SYS_FLEN = 0x0c };
enum { MODE_RB_PLUS = 3, MODE_WB_PLUS = 7 };

static long sh_call(int op, void *arg) {
#if defined(__arm__)
  register long r0 __asm__("r0") = op;
  register void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
#else
#error "semihosting: ARM only"
#endif
}

typedef struct { long fd; uint32_t sector_size; } sh_flash;
static sh_flash shf;

static int sh_seek(long pos) { long a[2] = { shf.fd, pos }; return sh_call(SYS_SEEK, a) == 0 ? 0 : -1; }
static int sh_read(void *ctx, uint32_t addr, uint8_t *p, uint32_t n) {
  (void)ctx;
  long a[3] = { shf.fd, (long)p, (long)n };
  return sh_seek((long)addr) || sh_call(SYS_READ, a) != 0 ? -1 : 0;
}
static int sh_write(uint32_t addr, const uint8_t *p, uint32_t n) {
  long a[3] = { shf.fd, (long)p, (long)n };
  return sh_seek((long)addr) || sh_call(SYS_WRITE, a) != 0 ? -1 : 0;
}
static int sh_erase(void *ctx, uint32_t sector) {
  uint8_t ff[256];
  (void)ctx;
  memset(ff, 0xff, sizeof ff);
  for (uint32_t o = 0; o < shf.sector_size; o += sizeof ff)
    if (sh_write(sector * shf.sector_size + o, ff, sizeof ff)) return -1;
  return 0;
}
static int sh_program(void *ctx, uint32_t addr, const uint8_t *p, uint32_t n) {
  uint8_t buf[64];
  while (n) {
    uint32_t k = n < sizeof buf ? n : sizeof buf;
    if (sh_read(ctx, addr, buf, k)) return -1;
    for (uint32_t i = 0; i < k; i++) buf[i] &= p[i];
    if (sh_write(addr, buf, k)) return -1;
    addr += k; p += k; n -= k;
  }
  return 0;
}

/* Opens (or creates, blank) `name` in qemu's working directory. 0 on success. */
int vs_semihost_flash_init(vs_flash *f, const char *name, uint32_t sector_size, uint32_t sectors) {
  long a[3] = { (long)name, MODE_RB_PLUS, (long)strlen(name) };
  long fd = sh_call(SYS_OPEN, a);
  shf.sector_size = sector_size;
  f->sector_size = sector_size; f->sectors = sectors;
  f->erase = sh_erase; f->program = sh_program; f->read = sh_read; f->ctx = &shf;
  if (fd != -1) {
    long l[1] = { fd };
    shf.fd = fd;
    if (sh_call(SYS_FLEN, l) == (long)sector_size * (long)sectors) return 0;
  } else {
    a[1] = MODE_WB_PLUS;
    if ((fd = sh_call(SYS_OPEN, a)) == -1) return -1;
    shf.fd = fd;
  }
  for (uint32_t s = 0; s < sectors; s++) if (sh_erase(f, s)) return -1;
  return 0;
}
