/* wasm2c back end: core.wasm translated to C at build time (core_w2c.c, made
 * by Debian wabt's wasm2c) and linked with wabt's runtime. Traps longjmp back
 * to ve_handle; the instance is then freed and rebuilt by ve_load. */
#include <string.h>
#include <stdio.h>
#include "vigil_engine.h"
#include "imports.h"
#include "../shim/vigil_crypto.h"
#include "core_w2c.h"
#include "wasm-rt-impl.h"

struct Z_vigil_instance_t { Z_core_instance_t *core; };
static Z_core_instance_t inst;
static struct Z_vigil_instance_t host = { &inst };
static int live = 0, rt_ready = 0;
static char trap_msg[96];
uint64_t ve_import_insns;
uint32_t ve_import_calls;

static vc_mem mem_of(struct Z_vigil_instance_t *h) {
  vc_mem m = { h->core->w2c_memory.data, h->core->w2c_memory.size };
  return m;
}

#define A1 u32 a
#define A2 u32 a, u32 b
#define A3 u32 a, u32 b, u32 c
#define A4 u32 a, u32 b, u32 c, u32 d
#define A5 u32 a, u32 b, u32 c, u32 d, u32 e
#define P1 a
#define P2 a, b
#define P3 a, b, c
#define P4 a, b, c, d
#define P5 a, b, c, d, e
#define DEF(name, n, sig) \
  u32 Z_vigilZ_##name(struct Z_vigil_instance_t *h, A##n) { return (u32)VE_TIMED_IMPORT(vc_##name(mem_of(h), P##n)); }
VIGIL_IMPORTS(DEF)

void Z_vigilZ_abort(struct Z_vigil_instance_t *h, u32 msg, u32 file, u32 line, u32 col) {
  (void)h; (void)msg; (void)file;
  snprintf(trap_msg, sizeof trap_msg, "core abort at line %u col %u", (unsigned)line, (unsigned)col);
  wasm_rt_trap(WASM_RT_TRAP_UNREACHABLE);
}

int ve_load(void) {
  if (vc_init()) return -1;
  if (!rt_ready) { wasm_rt_init(); Z_core_init_module(); rt_ready = 1; }
  if (live) { Z_core_free(&inst); live = 0; }
  memset(&inst, 0, sizeof inst);
  if (wasm_rt_impl_try() != 0) return -1;
  Z_core_instantiate(&inst, &host);
  live = 1;
  return 0;
}

static void trapped(int code) {
  if (!trap_msg[0]) snprintf(trap_msg, sizeof trap_msg, "wasm2c trap %d", code);
  if (live) { Z_core_free(&inst); live = 0; }
}

uint8_t *ve_input(uint32_t len) {
  if (!live) return NULL;
  trap_msg[0] = 0;
  int code = wasm_rt_impl_try();
  if (code != 0) { trapped(code); return NULL; }
  u32 p = Z_coreZ_vigil_input(&inst, len);
  if (p == 0 || (uint64_t)p + len > inst.w2c_memory.size) return NULL;
  return inst.w2c_memory.data + p;
}

int32_t ve_handle(uint32_t len) {
  if (!live) return -1;
  trap_msg[0] = 0;
  int code = wasm_rt_impl_try();
  if (code != 0) { trapped(code); return -1; }
  return (int32_t)Z_coreZ_vigil_handle(&inst, len);
}

const uint8_t *ve_output(uint32_t n) {
  if (!live) return NULL;
  int code = wasm_rt_impl_try();
  if (code != 0) { trapped(code); return NULL; }
  u32 p = Z_coreZ_vigil_output(&inst);
  if ((uint64_t)p + n > inst.w2c_memory.size) return NULL;
  return inst.w2c_memory.data + p;
}

uint32_t ve_memory_pages(void) { return live ? inst.w2c_memory.pages : 0; }
const char *ve_name(void) { return "wasm2c"; }
const char *ve_trap_message(void) { return trap_msg; }
