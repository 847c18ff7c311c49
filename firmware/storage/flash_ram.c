/* A RAM region behaving as NOR flash (flash.h): erase → 0xFF, program ANDs. */
#include <string.h>
#include "flash.h"

static int ram_erase(void *ctx, uint32_t sector) {
  vs_ram_flash *r = ctx;
  memset(r->mem + (size_t)sector * r->sector_size, 0xff, r->sector_size);
  return 0;
}
static int ram_program(void *ctx, uint32_t addr, const uint8_t *p, uint32_t n) {
  uint8_t *m = ((vs_ram_flash *)ctx)->mem + addr;
  while (n--) *m++ &= *p++;
  return 0;
}
static int ram_read(void *ctx, uint32_t addr, uint8_t *p, uint32_t n) {
  memcpy(p, ((vs_ram_flash *)ctx)->mem + addr, n);
  return 0;
}

void vs_ram_flash_init(vs_flash *f, vs_ram_flash *r, uint8_t *mem, uint32_t sector_size, uint32_t sectors, int blank) {
  r->mem = mem; r->sector_size = sector_size;
  f->sector_size = sector_size; f->sectors = sectors;
  f->erase = ram_erase; f->program = ram_program; f->read = ram_read;
  f->ctx = r;
  if (blank) memset(mem, 0xff, (size_t)sector_size * sectors);
}
