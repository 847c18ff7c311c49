/* NOR flash as the store sees it (firmware/storage/store.c): `sectors` erase
 * units of `sector_size` bytes. Erase sets a whole sector to 0xFF; program
 * only clears bits (the stored byte becomes old & new, NOR semantics: 1→0);
 * read is plain. Every call returns 0 when done, nonzero on a flash error.
 * A program or erase that returns 0 is durable. Backends: flash_ram.c (a RAM
 * region, any board), boards/linux-sim (a file, with power cuts),
 * flash_semihost.c (a host file through qemu semihosting), flash_stm32f4.c
 * (the STM32F4 internal flash). */
#ifndef VIGIL_FLASH_H
#define VIGIL_FLASH_H
#include <stdint.h>
#include <stddef.h>

typedef struct vs_flash {
  uint32_t sector_size;  /* bytes, a multiple of 4, ≥ 256 */
  uint32_t sectors;      /* ≥ 2 */
  int (*erase)(void *ctx, uint32_t sector);
  int (*program)(void *ctx, uint32_t addr, const uint8_t *p, uint32_t n);
  int (*read)(void *ctx, uint32_t addr, uint8_t *p, uint32_t n);
  void *ctx;
} vs_flash;

/* A RAM region as flash (flash_ram.c): NOR semantics kept, so the store code
 * runs unchanged; contents last until reset. `mem` holds sector_size × sectors bytes. */
typedef struct { uint8_t *mem; uint32_t sector_size; } vs_ram_flash;
void vs_ram_flash_init(vs_flash *f, vs_ram_flash *r, uint8_t *mem, uint32_t sector_size, uint32_t sectors, int blank);

/* A host file through qemu semihosting (flash_semihost.c); 0 on success. */
int vs_semihost_flash_init(vs_flash *f, const char *name, uint32_t sector_size, uint32_t sectors);

/* The STM32F4 internal flash (flash_stm32f4.c): `count` equal sectors from
 * sector number `first` at address `base`. */
int vs_stm32f4_flash_init(vs_flash *f, uintptr_t base, uint32_t first, uint32_t count, uint32_t sector_size);

/* Board hook (weak default: none): the flash the device keeps its state in. */
const vs_flash *board_flash(void);
#endif
