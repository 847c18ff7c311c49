#include <string.h>
#include "serial.h"
#include "../device/device.h"
#include "../engine/vigil_engine.h"

#ifndef SER_MAX
#define SER_MAX (1u << 20)
#endif
#define RX_CAP (SER_HDR + SER_MAX + 4)

static uint8_t rx[RX_CAP];
static uint32_t rx_len;
static uint32_t last_seq, last_req_crc; static int have_last;
static uint8_t cache[SER_HDR + SER_MAX + 4]; static uint32_t cache_len;
uint32_t ser_nacks, ser_replays;

__attribute__((weak)) uint32_t ser_heap_used(void) { return 0; }

uint32_t ser_crc32(uint32_t crc, const uint8_t *p, uint32_t n) {
  crc = ~crc;
  while (n--) {
    crc ^= *p++;
    for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

static void put32(uint8_t *p, uint32_t v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v; }
static uint32_t get32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

/* Builds a device→host frame in `out`; returns its length. */
static uint32_t frame(uint8_t *out, uint8_t kind, uint32_t seq, const uint8_t *pl, uint32_t n) {
  out[0] = SER_MAGIC_REP >> 8; out[1] = SER_MAGIC_REP & 0xff; out[2] = kind;
  put32(out + 3, seq); put32(out + 7, n);
  if (n && pl != out + SER_HDR) memmove(out + SER_HDR, pl, n);
  put32(out + SER_HDR + n, ser_crc32(0, out + 2, SER_HDR - 2 + n));
  return SER_HDR + n + 4;
}

static void nack(uint32_t seq, uint8_t reason) {
  uint8_t f[SER_HDR + 1 + 4];
  ser_nacks++;
  ser_write(f, frame(f, SER_NACK, seq, &reason, 1));
}

static void execute(uint8_t kind, uint32_t seq, const uint8_t *pl, uint32_t n, uint32_t crc) {
  if (kind == SER_HELLO) {
    /* u8 framing version | u8 protocol | varbytes engine (short) | u32 max payload */
    uint8_t f[SER_HDR + 64 + 4], *p = f + SER_HDR;
    const char *e = ve_name();
    uint8_t el = (uint8_t)strlen(e);
    p[0] = 1; p[1] = 1; p[2] = el; memcpy(p + 3, e, el); put32(p + 3 + el, SER_MAX);
    ser_write(f, frame(f, SER_HELLO_REPLY, seq, p, 7u + el));
    return;
  }
  if (kind == SER_STATS) {
    /* u32 executed | u32 nacks | u32 replays | u32 heap bytes in use (0: unknown) | u32 wasm pages |
     * the last request in guest instructions (0: no counter): u64 all | u64 in crypto imports |
     * u32 import calls | u64 in the flash store commit */
    uint8_t f[SER_HDR + 48 + 4], *p = f + SER_HDR;
    put32(p, dev_executed); put32(p + 4, ser_nacks); put32(p + 8, ser_replays);
    put32(p + 12, ser_heap_used()); put32(p + 16, ve_memory_pages());
    put32(p + 20, (uint32_t)(dev_last.insns >> 32)); put32(p + 24, (uint32_t)dev_last.insns);
    put32(p + 28, (uint32_t)(dev_last.import_insns >> 32)); put32(p + 32, (uint32_t)dev_last.import_insns);
    put32(p + 36, dev_last.import_calls);
    put32(p + 40, (uint32_t)(dev_last.store_insns >> 32)); put32(p + 44, (uint32_t)dev_last.store_insns);
    ser_write(f, frame(f, SER_STATS_REPLY, seq, p, 48));
    return;
  }
  if (kind != SER_REQ) { nack(seq, NACK_KIND); return; }
  if (have_last && seq == last_seq) {
    if (crc != last_req_crc) { nack(seq, NACK_SEQ_REUSED); return; }
    ser_replays++;
    ser_write(cache, cache_len); /* retried: the cached reply, not a second execution */
    return;
  }
  uint32_t rl;
  const uint8_t *r = dev_request(pl, n, &rl);
  if (rl > SER_MAX) rl = 0;
  /* the reply is cached before it leaves: a lost reply is answered from here */
  memcpy(cache + SER_HDR, r, rl);
  cache_len = frame(cache, SER_REPLY, seq, cache + SER_HDR, rl);
  last_seq = seq; last_req_crc = crc; have_last = 1;
  ser_write(cache, cache_len);
}

static void drop(uint32_t k) { memmove(rx, rx + k, rx_len - k); rx_len -= k; }

static void process(void) {
  for (;;) {
    uint32_t i = 0;
    while (i + 1 < rx_len && !(rx[i] == (SER_MAGIC_REQ >> 8) && rx[i + 1] == (SER_MAGIC_REQ & 0xff))) i++;
    if (i) drop(i);
    if (rx_len < SER_HDR) {
      if (rx_len == 1 && rx[0] != (SER_MAGIC_REQ >> 8)) rx_len = 0;
      return;
    }
    uint32_t seq = get32(rx + 3), n = get32(rx + 7);
    if (n > SER_MAX) { nack(seq, NACK_TOO_LARGE); drop(1); continue; }
    if (rx_len < SER_HDR + n + 4) return; /* wait; a cut frame fails its CRC once later bytes fill it */
    uint32_t crc = ser_crc32(0, rx + 2, SER_HDR - 2 + n);
    if (crc != get32(rx + SER_HDR + n)) { nack(seq, NACK_CRC); drop(1); continue; }
    execute(rx[2], seq, rx + SER_HDR, n, crc);
    drop(SER_HDR + n + 4);
  }
}

void ser_idle(void) {
  if (rx_len == 0) return;
  drop(1);
  process();
}

void ser_feed(const uint8_t *p, uint32_t n) {
  while (n) {
    uint32_t k = RX_CAP - rx_len;
    if (k == 0) { drop(1); continue; }
    if (k > n) k = n;
    memcpy(rx + rx_len, p, k); rx_len += k; p += k; n -= k;
    process();
  }
}
