/* Simulated NOR flash over a memory buffer (a file mapping on linux-sim, a
 * heap buffer in the store test) with power cuts: every byte programmed or
 * erased is one write point; with cut_at = N the first N write points
 * complete and write point N is left half done (a program clears only some
 * of its bits; an erase has set a pseudo-random subset of the sector's bytes
 * to 0xFF, and one byte partly), then on_cut runs and must not return (the
 * process dies, or the test longjmps). Programming a 0 bit back to 1 is a
 * store bug: counted in `violations` and refused. */
#ifndef VIGIL_FLASH_SIM_H
#define VIGIL_FLASH_SIM_H
#include <stdint.h>
#include "flash.h"

typedef struct {
  uint8_t *mem;
  uint32_t sector_size, sectors;
  uint64_t count;       /* write points so far */
  uint64_t cut_at;      /* UINT64_MAX: never */
  uint32_t seed;        /* how the torn byte and the erase order come out */
  uint32_t *erases;     /* per sector (optional) */
  uint32_t violations;
  void (*on_cut)(void);
  void (*on_op)(char op, uint32_t addr, uint32_t n, uint64_t first_point); /* optional log */
} vs_sim_flash;

void vs_sim_flash_init(vs_flash *f, vs_sim_flash *s);
#endif
