/* STM32F405 on qemu netduinoplus2: vector table, reset, USART1 polling,
 * SysTick cycle counter, the wasm linear memory in the 128 KiB SRAM, the
 * state's flash. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <stdlib.h>
#include "../../firmware/serial/serial.h"
#include "../../firmware/device/device.h"
#include "../../firmware/engine/vigil_engine.h"
#include "../../firmware/storage/flash.h"

#define REG(a) (*(volatile uint32_t *)(a))
#define USART1 0x40011000u
#define USART_SR REG(USART1 + 0x00)
#define USART_DR REG(USART1 + 0x04)
#define USART_BRR REG(USART1 + 0x08)
#define USART_CR1 REG(USART1 + 0x0c)
#define RCC_APB2ENR REG(0x40023844u)
#define SYST_CSR REG(0xE000E010u)
#define SYST_RVR REG(0xE000E014u)
#define SYST_CVR REG(0xE000E018u)

extern uint32_t __data_load, __data_start, __data_end, __bss_start, __bss_end, __stack_top;
extern uint8_t __wasm_mem[];
int main(void);

void reset_handler(void) {
  memcpy(&__data_start, &__data_load, (uintptr_t)&__data_end - (uintptr_t)&__data_start);
  memset(&__bss_start, 0, (uintptr_t)&__bss_end - (uintptr_t)&__bss_start);
  main();
  for (;;) {}
}
static void fault(void) { for (;;) {} }
__attribute__((section(".vectors"), used)) static const void *vectors[16] = {
  &__stack_top, reset_handler, fault, fault, fault, fault, fault, 0, 0, 0, 0, fault, fault, 0, fault, fault };

void ser_write(const uint8_t *p, uint32_t n) {
  while (n--) { while (!(USART_SR & (1u << 7))) {} USART_DR = *p++; }
}

void vigil_fatal(const char *msg) { (void)msg; for (;;) {} }
void _exit(int code) { (void)code; for (;;) {} }

/* The linear memory lives in its own RAM region (.wasmmem, WASM_MEM_MAX bytes);
 * wasm-rt-impl.c's calloc/realloc/free are routed here (-D in build.sh), other
 * allocations go to the heap. Growing stays in place up to the region's end. */
#ifndef WASM_MEM_MAX
#define WASM_MEM_MAX (128u * 1024u)
#endif
void *vb_calloc(size_t n, size_t sz) {
  if (n * sz >= 65536u && n * sz % 65536u == 0) {
    if (n * sz > WASM_MEM_MAX) return NULL;
    memset(__wasm_mem, 0, n * sz);
    return __wasm_mem;
  }
  return calloc(n, sz);
}
void *vb_realloc(void *p, size_t sz) {
  if (p == __wasm_mem) return sz <= WASM_MEM_MAX ? p : NULL;
  return realloc(p, sz);
}
void vb_free(void *p) { if (p != __wasm_mem) free(p); }

/* The state's flash (firmware/storage): on a real part the last two 128 KiB
 * sectors (VIGIL_STM32_FLASH, boards/stm32f413); in qemu a host file through
 * semihosting, 4 × 16 KiB (qemu's flash is a ROM without a flash interface). */
const vs_flash *board_flash(void) {
  static vs_flash f;
#ifdef VIGIL_STM32_FLASH
  vs_stm32f4_flash_init(&f, VIGIL_STM32_FLASH_BASE, VIGIL_STM32_FLASH_FIRST, 2, 128u * 1024u);
  return &f;
#else
  return vs_semihost_flash_init(&f, "vigil-flash.bin", 16384, 4) == 0 ? &f : NULL;
#endif
}

/* Retired instructions: TIM2 counts qemu's virtual nanoseconds (the SoC
 * clocks its timers at 1 GHz), which under `-icount shift=0` advance by one
 * per guest instruction; the Cortex-M4's DWT cycle counter is not emulated.
 * 32 bits wrap every 4.3 s of emulated time: extended in software, so it must
 * be read at least that often (it is, per request). Meaningless without icount. */
#define TIM2_CR1 REG(0x40000000u)
#define TIM2_CNT REG(0x40000024u)
#define TIM2_PSC REG(0x40000028u)
#define TIM2_ARR REG(0x4000002Cu)
#define RCC_APB1ENR REG(0x40023840u)
uint64_t board_insns(void) {
  static uint32_t last, wraps;
  uint32_t now = TIM2_CNT;
  if (now < last) wraps++;
  last = now;
  return (uint64_t)wraps << 32 | now;
}

int main(void) {
  RCC_APB1ENR |= 1u; /* TIM2 clock */
  TIM2_PSC = 0; TIM2_ARR = 0xFFFFFFFFu; TIM2_CR1 = 1;
  RCC_APB2ENR |= 1u << 4; /* USART1 clock */
#ifndef USART_BRR_VALUE
#define USART_BRR_VALUE 0x16d
#endif
  USART_BRR = USART_BRR_VALUE;
  USART_CR1 = (1u << 13) | (1u << 3) | (1u << 2); /* UE, TE, RE */
  SYST_RVR = 0xFFFFFFu; SYST_CVR = 0; SYST_CSR = 5; /* CPU clock, no interrupt */
  if (dev_init() != 0) { static const uint8_t m[] = "engine load failed\n"; ser_write(m, sizeof m - 1); for (;;) {} }
  uint32_t idle = 0;
  for (;;) {
    if (USART_SR & (1u << 5)) {
      uint8_t b = (uint8_t)USART_DR;
      ser_feed(&b, 1);
      idle = 0;
    } else if (++idle == 2000000u) {
      ser_idle();
      idle = 0;
    }
  }
}

/* picolibc pieces pulled in by assert/abort: no console on this board */
#include <stdio.h>
static int no_put(char c, FILE *f) { (void)c; (void)f; return 0; }
static FILE null_stream = FDEV_SETUP_STREAM(no_put, NULL, NULL, _FDEV_SETUP_WRITE);
FILE *const stdin = &null_stream;
FILE *const stdout = &null_stream;
FILE *const stderr = &null_stream;
int getpid(void) { return 1; }
int kill(int pid, int sig) { (void)pid; (void)sig; for (;;) {} }

/* heap high-water mark (picolibc's malloc only grows the break) */
extern char __heap_start[];
void *sbrk(ptrdiff_t);
uint32_t ser_heap_used(void) { return (uint32_t)((char *)sbrk(0) - __heap_start); }
