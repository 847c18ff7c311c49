/* Simulated NOR flash with power cuts (flash_sim.h). */
#include <string.h>
#include "flash_sim.h"

static uint32_t mix(uint32_t x) { x ^= x >> 16; x *= 0x7feb352dU; x ^= x >> 15; x *= 0x846ca68bU; x ^= x >> 16; return x; }
static uint32_t gcd(uint32_t a, uint32_t b) { while (b) { uint32_t t = a % b; a = b; b = t; } return a; }

static void cut(vs_sim_flash *s) { s->on_cut(); for (;;) {} }

static int sim_erase(void *ctx, uint32_t sector) {
  vs_sim_flash *s = ctx;
  uint8_t *m = s->mem + (size_t)sector * s->sector_size;
  if (s->on_op) s->on_op('E', sector * s->sector_size, s->sector_size, s->count);
  if (s->erases) s->erases[sector]++;
  if (s->cut_at >= s->count + s->sector_size) {
    memset(m, 0xff, s->sector_size);
    s->count += s->sector_size;
    return 0;
  }
  /* torn erase: bytes go to 0xFF in a scattered order (a stride coprime with the size) */
  uint32_t n = (uint32_t)(s->cut_at - s->count), ss = s->sector_size;
  uint32_t stride = (mix(s->seed ^ 0x5eed) % ss) | 1;
  while (gcd(stride, ss) != 1) stride += 2;
  uint32_t at = mix(s->seed) % ss;
  for (uint32_t i = 0; i < n; i++, at = (at + stride) % ss) m[at] = 0xff;
  m[at] |= (uint8_t)mix(s->seed + n);
  s->count = s->cut_at;
  cut(s);
  return -1;
}

static int sim_program(void *ctx, uint32_t addr, const uint8_t *p, uint32_t n) {
  vs_sim_flash *s = ctx;
  uint8_t *m = s->mem + addr;
  if (s->on_op) s->on_op('P', addr, n, s->count);
  for (uint32_t i = 0; i < n; i++) if (p[i] & ~m[i]) { s->violations++; return -1; }
  if (s->cut_at >= s->count + n) {
    for (uint32_t i = 0; i < n; i++) m[i] &= p[i];
    s->count += n;
    return 0;
  }
  uint32_t k = (uint32_t)(s->cut_at - s->count);
  for (uint32_t i = 0; i < k; i++) m[i] &= p[i];
  m[k] &= p[k] | (uint8_t)mix(s->seed + k); /* some of the bits to clear are cleared */
  s->count = s->cut_at;
  cut(s);
  return -1;
}

static int sim_read(void *ctx, uint32_t addr, uint8_t *p, uint32_t n) {
  memcpy(p, ((vs_sim_flash *)ctx)->mem + addr, n);
  return 0;
}

void vs_sim_flash_init(vs_flash *f, vs_sim_flash *s) {
  f->sector_size = s->sector_size; f->sectors = s->sectors;
  f->erase = sim_erase; f->program = sim_program; f->read = sim_read;
  f->ctx = s;
}
