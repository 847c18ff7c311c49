/* STM32F4 internal flash as the store's NOR flash (RM0090 / RM0430 §Embedded
 * flash memory): sector erase (SER + SNB + STRT), byte programming (PG with
 * PSIZE x8, any supply voltage), reads through the memory map. The CPU stalls
 * on flash reads while an operation runs, so code may stay in the same bank.
 * Untested on hardware: qemu maps the F405's flash as a ROM with no flash
 * interface (writes are dropped), so the qemu board uses flash_semihost.c. */
#include <string.h>
#include "flash.h"

#define FLASH_R 0x40023C00u
#define KEYR (*(volatile uint32_t *)(FLASH_R + 0x04))
#define SR (*(volatile uint32_t *)(FLASH_R + 0x0C))
#define CR (*(volatile uint32_t *)(FLASH_R + 0x10))
#define SR_BSY (1u << 16)
#define SR_ERR 0xF2u /* PGSERR PGPERR PGAERR WRPERR OPERR */
#define CR_PG (1u << 0)
#define CR_SER (1u << 1)
#define CR_STRT (1u << 16)
#define CR_LOCK (1u << 31)

typedef struct { uintptr_t base; uint32_t first, sector_size; } f4_flash;
static f4_flash f4;

static int done(void) {
  while (SR & SR_BSY) {}
  uint32_t e = SR & SR_ERR;
  SR = e | 1u; /* write 1 to clear (and EOP) */
  return e ? -1 : 0;
}
static void unlock(void) {
  if (CR & CR_LOCK) { KEYR = 0x45670123u; KEYR = 0xCDEF89ABu; }
}
static int f4_erase(void *ctx, uint32_t sector) {
  (void)ctx;
  unlock();
  if (done()) return -1;
  CR = (CR & ~((0x1Fu << 3) | (3u << 8) | CR_PG)) | CR_SER | ((f4.first + sector) << 3);
  CR |= CR_STRT;
  int rc = done();
  CR &= ~CR_SER;
  return rc;
}
static int f4_program(void *ctx, uint32_t addr, const uint8_t *p, uint32_t n) {
  (void)ctx;
  unlock();
  if (done()) return -1;
  CR = (CR & ~((3u << 8) | CR_SER)) | CR_PG; /* PSIZE x8 */
  volatile uint8_t *d = (volatile uint8_t *)(f4.base + addr);
  int rc = 0;
  for (uint32_t i = 0; i < n && !rc; i++) { d[i] = p[i]; rc = done(); }
  CR &= ~CR_PG;
  return rc;
}
static int f4_read(void *ctx, uint32_t addr, uint8_t *p, uint32_t n) {
  (void)ctx;
  memcpy(p, (const void *)(f4.base + addr), n);
  return 0;
}

int vs_stm32f4_flash_init(vs_flash *f, uintptr_t base, uint32_t first, uint32_t count, uint32_t sector_size) {
  f4.base = base; f4.first = first; f4.sector_size = sector_size;
  f->sector_size = sector_size; f->sectors = count;
  f->erase = f4_erase; f->program = f4_program; f->read = f4_read; f->ctx = &f4;
  return 0;
}
