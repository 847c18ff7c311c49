/* qemu virt rv32: the 16550 UART at 0x10000000 carries the serial framing. */
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include "../../firmware/serial/serial.h"
#include "../../firmware/device/device.h"
#include "../../firmware/storage/flash.h"

#define UART ((volatile uint8_t *)0x10000000u)
#define THR 0
#define RBR 0
#define LSR 5

void ser_write(const uint8_t *p, uint32_t n) {
  while (n--) { while (!(UART[LSR] & 0x20)) {} UART[THR] = *p++; }
}
void vigil_fatal(const char *msg) { (void)msg; for (;;) {} }
void _exit(int code) { (void)code; for (;;) {} }

static int no_put(char c, FILE *f) { (void)c; (void)f; return 0; }
static FILE null_stream = FDEV_SETUP_STREAM(no_put, NULL, NULL, _FDEV_SETUP_WRITE);
FILE *const stdin = &null_stream;
FILE *const stdout = &null_stream;
FILE *const stderr = &null_stream;
int getpid(void) { return 1; }
int kill(int pid, int sig) { (void)pid; (void)sig; for (;;) {} }

/* The state's flash: a 64 KiB RAM region (16 × 4 KiB sectors) with NOR
 * semantics (firmware/storage/flash_ram.c); it lasts until qemu exits. An
 * ESP32-C3 would put the same store on its SPI flash. */
const vs_flash *board_flash(void) {
  static vs_flash f;
  static vs_ram_flash r;
  static uint8_t mem[16 * 4096] __attribute__((section(".ramflash"))); /* not counted as RAM: a device's flash */
  if (!f.sectors) vs_ram_flash_init(&f, &r, mem, 4096, 16, 1);
  return &f;
}

/* Retired instructions (minstret/minstreth, M-mode): exact under qemu's
 * `-icount shift=0`, host ticks without it. */
uint64_t board_insns(void) {
  uint32_t hi, lo, hi2;
  do {
    __asm__ volatile(".option push\n.option arch, +zicsr\ncsrr %0, minstreth\ncsrr %1, minstret\ncsrr %2, minstreth\n.option pop"
                     : "=r"(hi), "=r"(lo), "=r"(hi2));
  } while (hi != hi2);
  return (uint64_t)hi << 32 | lo;
}

int main(void) {
  if (dev_init() != 0) { static const uint8_t m[] = "engine load failed\n"; ser_write(m, sizeof m - 1); for (;;) {} }
  uint32_t idle = 0;
  for (;;) {
    if (UART[LSR] & 1) {
      uint8_t b = UART[RBR];
      ser_feed(&b, 1);
      idle = 0;
    } else if (++idle == 2000000u) {
      ser_idle();
      idle = 0;
    }
  }
}

/* heap high-water mark (picolibc's malloc only grows the break) */
extern char __heap_start[];
void *sbrk(ptrdiff_t);
uint32_t ser_heap_used(void) { return (uint32_t)((char *)sbrk(0) - __heap_start); }
