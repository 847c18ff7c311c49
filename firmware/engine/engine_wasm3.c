/* wasm3 back end: core.wasm (embedded as bytes, core_wasm.c) interpreted by
 * wasm3; the `vigil` imports are linked with m3_LinkRawFunction and call the
 * shim with wasm3's current memory. A trap (including the abort import)
 * discards the runtime; ve_load builds a new one. */
#include <string.h>
#include <stdio.h>
#include "vigil_engine.h"
#include "imports.h"
#include "../shim/vigil_crypto.h"
#include "wasm3.h"
#ifdef VE_WASM3_MEMORY_LIMIT
#include "m3_env.h" /* M3Runtime.memoryLimit: the linear memory allocated is capped below its page count */
#endif

extern const uint8_t vigil_core_wasm[];
extern const uint32_t vigil_core_wasm_len;

#ifndef VE_WASM3_STACK
#define VE_WASM3_STACK (32 * 1024)
#endif

static IM3Environment env;
static IM3Runtime rt;
static IM3Function f_input, f_handle, f_output, f_pages;
static char trap_msg[96];
uint64_t ve_import_insns;
uint32_t ve_import_calls;

static vc_mem mem_of(IM3Runtime r) {
  uint32_t size = 0;
  uint8_t *base = m3_GetMemory(r, &size, 0);
  vc_mem m = { base, base ? size : 0 };
  return m;
}

#define ARGS1 m3ApiGetArg(uint32_t, a)
#define ARGS2 ARGS1; m3ApiGetArg(uint32_t, b)
#define ARGS3 ARGS2; m3ApiGetArg(uint32_t, c)
#define ARGS4 ARGS3; m3ApiGetArg(uint32_t, d)
#define ARGS5 ARGS4; m3ApiGetArg(uint32_t, e)
#define P1 a
#define P2 a, b
#define P3 a, b, c
#define P4 a, b, c, d
#define P5 a, b, c, d, e
#define DEF(name, n, sig) \
  static m3ApiRawFunction(imp_##name) { \
    (void)_ctx; (void)_mem; \
    m3ApiReturnType(int32_t); ARGS##n; \
    m3ApiReturn(VE_TIMED_IMPORT(vc_##name(mem_of(runtime), P##n))); \
  }
VIGIL_IMPORTS(DEF)

static m3ApiRawFunction(imp_abort) {
  (void)_ctx; (void)_mem; (void)runtime;
  m3ApiGetArg(uint32_t, msg); m3ApiGetArg(uint32_t, file); m3ApiGetArg(uint32_t, line); m3ApiGetArg(uint32_t, col);
  (void)msg; (void)file;
  snprintf(trap_msg, sizeof trap_msg, "core abort at line %u col %u", (unsigned)line, (unsigned)col);
  m3ApiTrap(m3Err_trapAbort);
}

static void drop(void) {
  if (rt) { m3_FreeRuntime(rt); rt = NULL; }
}

static int fail(M3Result r) {
  if (r && !trap_msg[0]) snprintf(trap_msg, sizeof trap_msg, "wasm3: %s", r);
  drop();
  return -1;
}

int ve_load(void) {
  M3Result r;
  IM3Module mod;
  if (vc_init()) return -1;
  drop();
  if (!env && !(env = m3_NewEnvironment())) return -1;
  if (!(rt = m3_NewRuntime(env, VE_WASM3_STACK, NULL))) return -1;
#ifdef VE_WASM3_MEMORY_LIMIT
  rt->memoryLimit = VE_WASM3_MEMORY_LIMIT; /* accesses past it trap (bounds-checked) */
#endif
  if ((r = m3_ParseModule(env, &mod, vigil_core_wasm, vigil_core_wasm_len))) return fail(r);
  if ((r = m3_LoadModule(rt, mod))) { m3_FreeModule(mod); return fail(r); }
#define LINK(name, n, sig) \
  r = m3_LinkRawFunction(mod, "vigil", #name, sig, &imp_##name); \
  if (r && r != m3Err_functionLookupFailed) return fail(r);
  VIGIL_IMPORTS(LINK)
  r = m3_LinkRawFunction(mod, "vigil", "abort", "v(iiii)", &imp_abort);
  if (r && r != m3Err_functionLookupFailed) return fail(r);
  if ((r = m3_FindFunction(&f_input, rt, "vigil_input"))) return fail(r);
  if ((r = m3_FindFunction(&f_handle, rt, "vigil_handle"))) return fail(r);
  if ((r = m3_FindFunction(&f_output, rt, "vigil_output"))) return fail(r);
  if ((r = m3_FindFunction(&f_pages, rt, "vigil_memory_pages"))) return fail(r);
  /* run the start function / static initialisers now, not in the first request */
  if ((r = m3_RunStart(mod))) return fail(r);
  return 0;
}

static M3Result call1(IM3Function f, uint32_t arg, uint32_t *ret, int has_arg) {
  M3Result r = has_arg ? m3_CallV(f, arg) : m3_CallV(f);
  if (r) return r;
  return m3_GetResultsV(f, ret);
}

uint8_t *ve_input(uint32_t len) {
  uint32_t p = 0;
  if (!rt) return NULL;
  trap_msg[0] = 0;
  M3Result r = call1(f_input, len, &p, 1);
  if (r) { fail(r); return NULL; }
  vc_mem m = mem_of(rt);
  if (p == 0 || (uint64_t)p + len > m.size) return NULL;
  return m.base + p;
}

int32_t ve_handle(uint32_t len) {
  uint32_t n = 0;
  if (!rt) return -1;
  trap_msg[0] = 0;
  M3Result r = call1(f_handle, len, &n, 1);
  if (r) { fail(r); return -1; }
  return (int32_t)n;
}

const uint8_t *ve_output(uint32_t n) {
  uint32_t p = 0;
  if (!rt) return NULL;
  M3Result r = call1(f_output, 0, &p, 0);
  if (r) { fail(r); return NULL; }
  vc_mem m = mem_of(rt);
  if ((uint64_t)p + n > m.size) return NULL;
  return m.base + p;
}

uint32_t ve_memory_pages(void) {
  uint32_t p = 0;
  if (!rt || call1(f_pages, 0, &p, 0)) return 0;
  return p;
}
const char *ve_name(void) { return "wasm3"; }
const char *ve_trap_message(void) { return trap_msg; }
