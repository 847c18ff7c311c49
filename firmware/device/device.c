#include <string.h>
#include <stdlib.h>
#include "device.h"
#include "../engine/vigil_engine.h"

#ifndef DEV_REPLY_MAX
#define DEV_REPLY_MAX (1u << 20)
#endif
#ifndef DEV_INTERNAL_MAX
#define DEV_INTERNAL_MAX (1u << 16)
#endif

enum { M_INIT = 0x0003, M_STATE_EXPORT = 0x0009, M_STATE_ACK = 0x000a, M_STATE_IMPORT = 0x000b };
enum { C_TOO_LARGE = 4, C_INTERNAL = 11 };

typedef struct rec { struct rec *next; uint64_t version; uint32_t klen, vlen; uint8_t data[]; } rec;
static rec *records; /* insertion order, as the Node MemoryStore's Map */
static uint64_t store_version;
static uint8_t *init_frame; static uint32_t init_len;
static uint32_t internal_id = 0x80000000u;
static uint8_t reply[DEV_REPLY_MAX];
uint32_t dev_executed;

__attribute__((weak)) int dev_store_commit(uint64_t v) { (void)v; return 0; }

int dev_init(void) { return ve_load(); }

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

static int restore(void);

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
  ve_load();
  restore();
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

static int bigsize(const uint8_t *p, uint32_t len, uint32_t *off, uint64_t *v) {
  if (*off >= len) return -1;
  uint8_t b = p[(*off)++];
  int k = b == 0xfd ? 2 : b == 0xfe ? 4 : b == 0xff ? 8 : 0;
  if (!k) { *v = b; return 0; }
  if (*off + k > len) return -1;
  *v = 0;
  for (int i = 0; i < k; i++) *v = (*v << 8) | p[(*off)++];
  return 0;
}
static uint32_t put_bigsize(uint8_t *p, uint64_t v) {
  if (v < 0xfd) { p[0] = (uint8_t)v; return 1; }
  if (v <= 0xffff) { p[0] = 0xfd; put16(p + 1, (uint32_t)v); return 3; }
  if (v <= 0xffffffffu) { p[0] = 0xfe; put32(p + 1, (uint32_t)v); return 5; }
  p[0] = 0xff; put64(p + 1, v); return 9;
}

static void store_put(const uint8_t *key, uint32_t kl, uint64_t ver, int deleted, const uint8_t *val, uint32_t vl) {
  rec **pp = &records;
  for (; *pp; pp = &(*pp)->next)
    if ((*pp)->klen == kl && !memcmp((*pp)->data, key, kl)) break;
  if (deleted) {
    if (*pp) { rec *r = *pp; *pp = r->next; free(r); }
    return;
  }
  rec *r = malloc(sizeof(rec) + kl + vl);
  if (!r) return;
  r->version = ver; r->klen = kl; r->vlen = vl;
  memcpy(r->data, key, kl); memcpy(r->data + kl, val, vl);
  if (*pp) { r->next = (*pp)->next; free(*pp); *pp = r; } else { r->next = NULL; *pp = r; }
}

/* state_export(0) → store → state_ack(version). */
static int persist(void) {
  uint8_t zero = 0, ack[8];
  int32_t n = internal(M_STATE_EXPORT, &zero, 1);
  if (n < 12) return -1;
  /* the export reply is parsed in place: copy it, as the next call reuses `reply` */
  uint8_t *b = malloc((uint32_t)n);
  if (!b) return -1;
  memcpy(b, reply + 6, (uint32_t)n);
  uint64_t version = get64(b);
  uint32_t cnt = (uint32_t)b[8] << 24 | (uint32_t)b[9] << 16 | (uint32_t)b[10] << 8 | b[11], off = 12;
  for (uint32_t i = 0; i < cnt; i++) {
    uint64_t kl, vl;
    if (bigsize(b, n, &off, &kl) || off + kl + 9 > (uint32_t)n) break;
    const uint8_t *key = b + off; off += (uint32_t)kl;
    uint64_t ver = get64(b + off); off += 8;
    int del = b[off++] == 1;
    if (bigsize(b, n, &off, &vl) || off + vl > (uint32_t)n) break;
    store_put(key, (uint32_t)kl, ver, del, b + off, (uint32_t)vl); off += (uint32_t)vl;
  }
  free(b);
  store_version = version;
  if (dev_store_commit(version)) return -1;
  put64(ack, version);
  return internal(M_STATE_ACK, ack, 8) < 0 ? -1 : 0;
}

/* After a trap: init with the seed, import every durable record. */
static int restore(void) {
  int tr;
  if (!init_frame) return 0;
  core_call(init_frame, init_len, &tr);
  if (tr) return -1;
  uint32_t size = 12, cnt = 0;
  for (rec *r = records; r; r = r->next) { size += 9 + r->klen + 8 + 9 + r->vlen; cnt++; }
  uint8_t *w = malloc(size), *p = w;
  if (!w) return -1;
  put64(p, store_version); put32(p + 8, cnt); p += 12;
  for (rec *r = records; r; r = r->next) {
    p += put_bigsize(p, r->klen); memcpy(p, r->data, r->klen); p += r->klen;
    put64(p, r->version); p += 8;
    p += put_bigsize(p, r->vlen); memcpy(p, r->data + r->klen, r->vlen); p += r->vlen;
  }
  int32_t ok = internal(M_STATE_IMPORT, w, (uint32_t)(p - w));
  free(w);
  uint8_t ack[8]; put64(ack, store_version);
  if (ok >= 0) internal(M_STATE_ACK, ack, 8);
  return ok < 0 ? -1 : 0;
}

static uint8_t saved[DEV_REPLY_MAX];

const uint8_t *dev_request(const uint8_t *req, uint32_t len, uint32_t *reply_len) {
  int tr;
  dev_executed++;
  uint32_t n = core_call(req, len, &tr);
  if (n > 5 && reply[5] == 2) {
    if (len >= 7 && ((req[5] << 8) | req[6]) == M_INIT) {
      free(init_frame);
      init_frame = malloc(len);
      if (init_frame) { memcpy(init_frame, req, len); init_len = len; }
    }
    memcpy(saved, reply, n); /* persist reuses the reply buffer */
    if (persist() != 0) {
      /* not durable: the reply must not go out */
      n = host_error(req, len, C_INTERNAL, "state not durable");
      *reply_len = n;
      return reply;
    }
    memcpy(reply, saved, n);
  }
  *reply_len = n;
  return reply;
}
