#include <string.h>
#include <stdlib.h>
#include "device.h"
#include "../engine/vigil_engine.h"
#include "../storage/store.h"

#ifndef DEV_REPLY_MAX
#define DEV_REPLY_MAX (1u << 20)
#endif
#ifndef DEV_INTERNAL_MAX
#define DEV_INTERNAL_MAX (1u << 16)
#endif

enum { M_INIT = 0x0003, M_STATE_EXPORT = 0x0009, M_STATE_ACK = 0x000a, M_STATE_IMPORT = 0x000b };
enum { C_TOO_LARGE = 4, C_INTERNAL = 11 };

static uint32_t internal_id = 0x80000000u;
static uint8_t reply[DEV_REPLY_MAX];
uint32_t dev_executed;
dev_counters dev_last;
__attribute__((weak)) uint64_t board_insns(void) { return 0; }
static int have_store;
/* the core could not be given the durable state back (after a trap, or a
 * failed commit): it must not run on a partial state, so every request is
 * refused until reset (a reboot retries the restore from flash) */
static int halted;

static int restore(void);

__attribute__((weak)) const vs_flash *board_flash(void) { return NULL; }

/* Boot: the engine, then the store (docs/firmware.md §Flash store) and the
 * state it holds: init with the stored seed, state_import of every record. */
int dev_init(void) {
  if (ve_load()) return -1;
  have_store = vs_mount(board_flash()) == VS_OK;
  halted = restore() != 0; /* answered with INTERNAL "halted" rather than silence */
  return 0;
}

static void put16(uint8_t *p, uint32_t v) { p[0] = v >> 8; p[1] = v; }
static void put32(uint8_t *p, uint32_t v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v; }
static void put64(uint8_t *p, uint64_t v) { put32(p, v >> 32); put32(p + 4, (uint32_t)v); }
static uint64_t get64(const uint8_t *p) { uint64_t v = 0; for (int i = 0; i < 8; i++) v = (v << 8) | p[i]; return v; }

/* Host-made error reply, as host/core/core.ts hostError. */
static uint32_t host_error(const uint8_t *req, uint32_t len, uint16_t code, const char *msg) {
  uint32_t id = len >= 5 ? ((uint32_t)req[1] << 24 | (uint32_t)req[2] << 16 | (uint32_t)req[3] << 8 | req[4]) : 0;
  uint32_t ml = (uint32_t)strlen(msg);
  reply[0] = 1; put32(reply + 1, id); reply[5] = 1; put16(reply + 6, code); put16(reply + 8, 0); put16(reply + 10, ml);
  memcpy(reply + 12, msg, ml);
  return 12 + ml;
}

/* core.call: one frame through the engine; the reply copied to `reply`. */
static uint32_t core_call(const uint8_t *req, uint32_t len, int *trapped) {
  *trapped = 0;
  uint8_t *in = ve_input(len);
  if (!in) {
    if (ve_trap_message()[0]) goto trap;
    return host_error(req, len, C_TOO_LARGE, "request over max_message");
  }
  memcpy(in, req, len);
  int32_t n = ve_handle(len);
  if (n < 0) goto trap;
  const uint8_t *out = ve_output((uint32_t)n);
  if (!out || (uint32_t)n > sizeof reply) goto trap;
  memcpy(reply, out, (uint32_t)n);
  return (uint32_t)n;
trap:
  *trapped = 1;
  if (ve_load() || restore()) halted = 1;
  return host_error(req, len, C_INTERNAL, "core trapped; instance rebuilt");
}

/* An internal request: body into `reply` + 6; returns body length or -1. */
static int32_t internal(uint16_t method, const uint8_t *payload, uint32_t plen) {
  static uint8_t buf[DEV_INTERNAL_MAX];
  uint8_t *f = plen + 7 <= sizeof buf ? buf : malloc(plen + 7);
  int tr;
  if (!f) return -1;
  f[0] = 1; put32(f + 1, internal_id++); put16(f + 5, method);
  memcpy(f + 7, payload, plen);
  uint32_t n = core_call(f, plen + 7, &tr);
  if (f != buf) free(f);
  if (tr || n < 6 || (reply[5] != 0 && reply[5] != 2)) return -1;
  return (int32_t)(n - 6);
}

static uint32_t put_bigsize(uint8_t *p, uint64_t v) {
  if (v < 0xfd) { p[0] = (uint8_t)v; return 1; }
  if (v <= 0xffff) { p[0] = 0xfd; put16(p + 1, (uint32_t)v); return 3; }
  if (v <= 0xffffffffu) { p[0] = 0xfe; put32(p + 1, (uint32_t)v); return 5; }
  p[0] = 0xff; put64(p + 1, v); return 9;
}

/* state_export(0) → one atomic, durable commit to the store → state_ack(version). */
static int persist(const uint8_t *init, uint32_t init_len) {
  uint8_t zero = 0, ack[8];
  if (!have_store) return -1;
  int32_t n = internal(M_STATE_EXPORT, &zero, 1);
  if (n < 12) return -1;
  /* the export reply is committed as it is: copy it, as the next call reuses `reply` */
  uint8_t *b = malloc((uint32_t)n);
  if (!b) return -1;
  memcpy(b, reply + 6, (uint32_t)n);
  uint64_t version = get64(b);
  uint64_t t0 = board_insns();
  int rc = vs_commit(init, init_len, b, (uint32_t)n);
  dev_last.store_insns = board_insns() - t0;
  free(b);
  if (rc != VS_OK) return -1;
  put64(ack, version);
  return internal(M_STATE_ACK, ack, 8) < 0 ? -1 : 0;
}

/* After boot or a trap: init with the stored seed, import every durable record. */
static int restore_state(void) {
  int tr;
  uint32_t init_len, size = 12, cnt = 0;
  const uint8_t *init = vs_init_frame(&init_len);
  if (!init) return 0;
  core_call(init, init_len, &tr);
  if (tr) return -1;
  for (const vs_rec *r = vs_records(); r; r = r->next) { size += 9 + r->klen + 8 + 9 + r->vlen; cnt++; }
  uint8_t *w = malloc(size), *p = w;
  if (!w) return -1;
  uint64_t version = vs_state_version();
  put64(p, version); put32(p + 8, cnt); p += 12;
  for (const vs_rec *r = vs_records(); r; r = r->next) {
    p += put_bigsize(p, r->klen); memcpy(p, r->data, r->klen); p += r->klen;
    put64(p, r->version); p += 8;
    p += put_bigsize(p, r->vlen); memcpy(p, r->data + r->klen, r->vlen); p += r->vlen;
  }
  int32_t ok = internal(M_STATE_IMPORT, w, (uint32_t)(p - w));
  free(w);
  uint8_t ack[8]; put64(ack, version);
  if (ok >= 0) internal(M_STATE_ACK, ack, 8);
  return ok < 0 ? -1 : 0;
}
static int restore(void) {
  static int restoring;
  if (restoring) return -1; /* the core trapped inside the restore itself: no recursion */
  restoring = 1;
  int rc = restore_state();
  restoring = 0;
  return rc;
}

static uint8_t saved[DEV_REPLY_MAX];

static const uint8_t *request(const uint8_t *req, uint32_t len, uint32_t *reply_len);

const uint8_t *dev_request(const uint8_t *req, uint32_t len, uint32_t *reply_len) {
  uint64_t t0 = board_insns(), i0 = ve_import_insns;
  uint32_t c0 = ve_import_calls;
  dev_last.store_insns = 0;
  const uint8_t *r = request(req, len, reply_len);
  dev_last.insns = board_insns() - t0;
  dev_last.import_insns = ve_import_insns - i0;
  dev_last.import_calls = ve_import_calls - c0;
  return r;
}

static const uint8_t *request(const uint8_t *req, uint32_t len, uint32_t *reply_len) {
  int tr;
  dev_executed++;
  if (halted) {
    *reply_len = host_error(req, len, C_INTERNAL, "state restore failed: device halted until reset");
    return reply;
  }
  uint32_t n = core_call(req, len, &tr);
  if (n > 5 && reply[5] == 2) {
    int is_init = len >= 7 && ((req[5] << 8) | req[6]) == M_INIT;
    memcpy(saved, reply, n); /* persist reuses the reply buffer */
    if (persist(is_init ? req : NULL, len) != 0) {
      /* not durable: the reply must not go out, and the core goes back to the durable state */
      if (ve_load() || restore()) halted = 1;
      n = host_error(req, len, C_INTERNAL, "state not durable");
      *reply_len = n;
      return reply;
    }
    memcpy(reply, saved, n);
  }
  *reply_len = n;
  return reply;
}
