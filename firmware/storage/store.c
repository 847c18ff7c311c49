/* Flash store: layout and recovery (docs/firmware.md §Flash store).
 *
 * Sector (erase unit); each sector opened gets the next number `seq`:
 *   u32 magic "VGS1" | u32 seq | u32 first | u32 crc32(the 12 bytes)   (16 bytes)
 *   then the log stream; `first` is where the first entry starting in this
 *   sector begins. The log is the sectors in `seq` order; an entry runs on
 *   across a sector end into the sector numbered seq+1.
 * Entry (4-byte aligned):
 *   u8 type (1 batch, 2 snapshot) | u8 ~type | u16 0 | u32 len | u32 commit seq |
 *   body[len] | u32 crc32(type..body)
 *   body = u8 flags (1: init frame) | [u32 n | init frame] | u64 state_version |
 *          u32 n | n × (varbytes key | u64 version | u8 deleted | varbytes value)
 *   (the state_export encoding of docs/protocol.md; a snapshot holds every live
 *   record and the init frame, a batch the records of one commit.)
 * Integers big-endian. The state is the newest complete snapshot plus the
 * batches after it with consecutive commit numbers. A commit is one entry: a
 * batch, or a snapshot of the whole new state when the free space would no
 * longer hold a batch, a snapshot and a sector's slack. Sectors holding no
 * byte of a live entry are free: the writer takes the next free one in
 * physical ring order (wear levelling), erasing it if it is not blank.
 * Power cuts: a torn entry fails its CRC and ends its sector for the reader;
 * the writer never appends after it (the next entry opens a fresh sector),
 * and the sectors holding only torn bytes are free again, so repeated cuts
 * cost at most the rest of one sector. */
#include <string.h>
#include <stdlib.h>
#include "store.h"

#define MAGIC 0x56475331u
#define SHDR 16u
#define EHDR 12u
#define ETRL 4u
enum { E_BATCH = 1, E_SNAP = 2 };

static const vs_flash *F;
static uint32_t SS, NS;
static vs_rec *records;
static uint64_t version;
static uint8_t *init_frame; static uint32_t init_len;
static uint32_t cseq;            /* commit number of the last durable entry */
static int have_snap;            /* a live snapshot exists (tail_s valid) */
static uint32_t tail_s;          /* sector where the live snapshot starts */
static uint32_t head_s, head_o;  /* next write position; head_o == SS: the next byte opens a new sector */
static uint32_t max_seq;         /* highest sector number on the flash */
static uint8_t *live;            /* per sector: holds bytes of a live entry */
static uint8_t *wmark;           /* per sector: holds bytes of the entry being written */
static vs_stats st;

static uint32_t crc32_upd(uint32_t c, const uint8_t *p, uint32_t n) {
  c = ~c;
  while (n--) { c ^= *p++; for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u))); }
  return ~c;
}
static void put32(uint8_t *p, uint32_t v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v; }
static uint32_t get32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static uint64_t get64(const uint8_t *p) { return (uint64_t)get32(p) << 32 | get32(p + 4); }
static uint32_t nxt(uint32_t s) { return s + 1 == NS ? 0 : s + 1; }
static uint32_t align4(uint32_t n) { return (n + 3u) & ~3u; }
static uint32_t esize(uint32_t body) { return align4(EHDR + body + ETRL); }
static uint32_t bigsize_len(uint64_t v) { return v < 0xfd ? 1 : v <= 0xffff ? 3 : v <= 0xffffffffu ? 5 : 9; }
static uint32_t put_bigsize(uint8_t *p, uint64_t v) {
  uint32_t n = bigsize_len(v);
  if (n == 1) { p[0] = (uint8_t)v; return 1; }
  p[0] = n == 3 ? 0xfd : n == 5 ? 0xfe : 0xff;
  for (uint32_t i = 1; i < n; i++) p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
  return n;
}
/* BOLT 1 BigSize, minimal */
static int get_bigsize(const uint8_t *p, uint32_t len, uint32_t *off, uint64_t *v) {
  if (*off >= len) return -1;
  uint8_t b = p[(*off)++];
  uint32_t k = b == 0xfd ? 2 : b == 0xfe ? 4 : b == 0xff ? 8 : 0;
  if (!k) { *v = b; return 0; }
  if (len - *off < k) return -1;
  *v = 0;
  for (uint32_t i = 0; i < k; i++) *v = (*v << 8) | p[(*off)++];
  return bigsize_len(*v) == k + 1 ? 0 : -1;
}

/* ---- RAM state ---- */

static void clear_state(void) {
  while (records) { vs_rec *r = records; records = r->next; free(r); }
  free(init_frame); init_frame = NULL; init_len = 0;
  version = 0;
}

static int put_rec(const uint8_t *key, uint32_t kl, uint64_t ver, int deleted, const uint8_t *val, uint32_t vl) {
  vs_rec **pp = &records;
  for (; *pp; pp = &(*pp)->next)
    if ((*pp)->klen == kl && !memcmp((*pp)->data, key, kl)) break;
  if (deleted) {
    if (*pp) { vs_rec *r = *pp; *pp = r->next; free(r); }
    return 0;
  }
  vs_rec *r = malloc(sizeof(vs_rec) + kl + vl);
  if (!r) return VS_ENOMEM;
  r->version = ver; r->klen = kl; r->vlen = vl;
  memcpy(r->data, key, kl); memcpy(r->data + kl, val, vl);
  if (*pp) { r->next = (*pp)->next; free(*pp); *pp = r; } else { r->next = NULL; *pp = r; }
  return 0;
}

/* Checks (apply = 0) or applies (apply = 1) an export body. */
static int records_pass(const uint8_t *b, uint32_t len, int apply) {
  if (len < 12) return VS_EFORMAT;
  uint32_t n = get32(b + 8), off = 12;
  for (uint32_t i = 0; i < n; i++) {
    uint64_t kl, vl;
    if (get_bigsize(b, len, &off, &kl) || kl > len - off || len - off - kl < 9) return VS_EFORMAT;
    const uint8_t *key = b + off; off += (uint32_t)kl;
    uint64_t ver = get64(b + off); off += 8;
    uint8_t del = b[off++];
    if (del > 1 || get_bigsize(b, len, &off, &vl) || vl > len - off) return VS_EFORMAT;
    if (apply && put_rec(key, (uint32_t)kl, ver, del, b + off, (uint32_t)vl)) return VS_ENOMEM;
    off += (uint32_t)vl;
  }
  if (off != len) return VS_EFORMAT;
  if (apply) version = get64(b);
  return 0;
}

static int set_init(const uint8_t *p, uint32_t n) {
  uint8_t *c = malloc(n ? n : 1);
  if (!c) return VS_ENOMEM;
  memcpy(c, p, n);
  free(init_frame); init_frame = c; init_len = n;
  return 0;
}

/* An entry body: flags | [init] | export body. A snapshot replaces the state. */
static int apply_body(const uint8_t *b, uint32_t len, int snapshot) {
  uint32_t off = 1, il = 0;
  if (len < 1 || b[0] > 1) return VS_EFORMAT;
  if (b[0] & 1) {
    if (len < 5 || (il = get32(b + 1)) > len - 5) return VS_EFORMAT;
    off = 5 + il;
  }
  int rc = records_pass(b + off, len - off, 0);
  if (rc) return rc;
  if (snapshot) clear_state();
  if ((b[0] & 1) && (rc = set_init(b + 5, il))) return rc;
  return records_pass(b + off, len - off, 1);
}

/* Body length of a snapshot of the current state. */
static uint32_t snapshot_len(void) {
  uint32_t n = 1 + (init_frame ? 4 + init_len : 0) + 12;
  for (vs_rec *r = records; r; r = r->next) n += bigsize_len(r->klen) + r->klen + 9 + bigsize_len(r->vlen) + r->vlen;
  return n;
}

/* ---- reading the log (mount only) ---- */

typedef struct { uint32_t k, o; } pos;  /* k: index in seq order */
static uint32_t *hseq, *hfirst, *order, nord;

static int read_at(pos *c, uint8_t *p, uint32_t n, uint32_t *crc) {
  while (n) {
    if (c->o >= SS) {
      /* the stream goes on only into the sector numbered one more */
      if (c->k + 1 >= nord || hseq[order[c->k + 1]] != hseq[order[c->k]] + 1) return 1;
      c->k++; c->o = SHDR;
    }
    uint32_t k = SS - c->o < n ? SS - c->o : n;
    if (F->read(F->ctx, order[c->k] * SS + c->o, p, k)) return VS_EFLASH;
    if (crc) *crc = crc32_upd(*crc, p, k);
    c->o += k; p += k; n -= k;
  }
  return 0;
}

/* The entry at *c: 1 valid (type, len, seq set, *c moved past it), 0 not an entry, <0 flash error. */
static int entry_at(pos *c, uint8_t *type, uint32_t *len, uint32_t *seq) {
  uint8_t h[EHDR], buf[64];
  uint32_t crc = 0;
  int rc = read_at(c, h, EHDR, &crc);
  if (rc) return rc < 0 ? rc : 0;
  if ((h[0] != E_BATCH && h[0] != E_SNAP) || h[0] + h[1] != 0xff || h[2] || h[3]) return 0;
  uint32_t n = get32(h + 4);
  if (n > NS * SS) return 0;
  *type = h[0]; *len = n; *seq = get32(h + 8);
  while (n) {
    uint32_t k = n < sizeof buf ? n : sizeof buf;
    if ((rc = read_at(c, buf, k, &crc))) return rc < 0 ? rc : 0;
    n -= k;
  }
  if ((rc = read_at(c, buf, ETRL, NULL))) return rc < 0 ? rc : 0;
  if (get32(buf) != crc) return 0;
  if (c->o < SS) c->o = align4(c->o);
  return 1;
}

/* Walks the log from c; fn gets each valid entry (start, end) and returns
 * nonzero to stop. Anything else (blank, torn) ends its sector: the walk
 * resumes at the next sector's `first`. */
typedef int (*entry_fn)(pos at, pos end, uint8_t type, uint32_t len, uint32_t seq);
static int walk(pos c, entry_fn fn) {
  for (;;) {
    if (c.o < SS) {
      pos e = c;
      uint8_t type; uint32_t len, seq;
      int rc = entry_at(&e, &type, &len, &seq);
      if (rc < 0) return rc;
      if (rc == 1) {
        if (fn(c, e, type, len, seq)) return 0;
        c = e;
        continue;
      }
    }
    if (++c.k >= nord) return 0;
    c.o = hfirst[order[c.k]];
  }
}

static int best_found; static uint32_t best_seq; static pos best_at;
static int find_snapshot(pos at, pos end, uint8_t type, uint32_t len, uint32_t seq) {
  (void)end; (void)len;
  if (type == E_SNAP && (!best_found || seq > best_seq)) { best_found = 1; best_seq = seq; best_at = at; }
  return 0;
}

static int replay_err, replay_anomaly; static pos replay_end;
static int replay(pos at, pos end, uint8_t type, uint32_t len, uint32_t seq) {
  int first = !have_snap;
  if (first ? !(type == E_SNAP && seq == best_seq) : !(type == E_BATCH && seq == cseq + 1)) { replay_anomaly = 1; return 1; }
  uint8_t *b = malloc(len ? len : 1);
  if (!b) { replay_err = VS_ENOMEM; return 1; }
  pos c = at;
  uint8_t hdr[EHDR];
  int rc = read_at(&c, hdr, EHDR, NULL);
  if (!rc) rc = read_at(&c, b, len, NULL);
  if (!rc) rc = apply_body(b, len, type == E_SNAP);
  free(b);
  if (rc) { replay_err = rc < 0 ? rc : VS_EFORMAT; return 1; }
  if (first) { have_snap = 1; tail_s = order[at.k]; }
  for (uint32_t k = at.k; k <= end.k; k++) live[order[k]] = 1;
  cseq = seq; replay_end = end;
  return 0;
}

static int sector_blank(uint32_t s, uint32_t from) {
  uint8_t buf[64];
  for (uint32_t o = from; o < SS; o += sizeof buf) {
    uint32_t k = SS - o < sizeof buf ? SS - o : sizeof buf;
    if (F->read(F->ctx, s * SS + o, buf, k)) return -1;
    for (uint32_t i = 0; i < k; i++) if (buf[i] != 0xff) return 0;
  }
  return 1;
}

int vs_mount(const vs_flash *f) {
  clear_state();
  F = f; cseq = 0; have_snap = 0; max_seq = 0; tail_s = 0;
  if (!f || f->sectors < 2 || f->sector_size < 256 || f->sector_size % 4) { F = NULL; return VS_EGEOMETRY; }
  SS = f->sector_size; NS = f->sectors;
  head_s = NS - 1; head_o = SS;
  free(live); free(wmark);
  live = calloc(NS, 1); wmark = calloc(NS, 1); hseq = malloc(NS * 4); hfirst = malloc(NS * 4); order = malloc(NS * 4); nord = 0;
  int rc = 0;
  if (!live || !wmark || !hseq || !hfirst || !order) { rc = VS_ENOMEM; goto out; }
  for (uint32_t s = 0; s < NS; s++) {
    uint8_t h[SHDR];
    if (F->read(F->ctx, s * SS, h, SHDR)) { rc = VS_EFLASH; goto out; }
    uint32_t first = get32(h + 8), seq = get32(h + 4);
    if (get32(h) != MAGIC || crc32_upd(0, h, 12) != get32(h + 12) || first < SHDR || first > SS || first % 4) continue;
    hseq[s] = seq; hfirst[s] = first;
    uint32_t i = nord++; /* insertion sort by seq */
    while (i > 0 && hseq[order[i - 1]] > seq) { order[i] = order[i - 1]; i--; }
    order[i] = s;
    if (seq > max_seq) max_seq = seq;
  }
  if (!nord) goto out; /* blank (or nothing readable): empty store */
  head_s = order[nord - 1];
  best_found = 0;
  pos start = { 0, hfirst[order[0]] };
  if ((rc = walk(start, find_snapshot))) goto out;
  if (!best_found) { st.dirty_mounts++; goto out; }
  replay_err = 0; replay_anomaly = 0;
  if ((rc = walk(best_at, replay))) goto out;
  if (replay_err) { rc = replay_err; goto out; }
  /* append after the last entry only if it is in the newest sector and nothing follows it */
  pos e = replay_end;
  head_s = order[e.k];
  int clean = !replay_anomaly && e.k == nord - 1 && (e.o >= SS || sector_blank(head_s, e.o) == 1);
  if (clean) head_o = e.o; else st.dirty_mounts++;
out:
  free(hseq); free(hfirst); free(order); hseq = hfirst = order = NULL;
  if (rc) { clear_state(); have_snap = 0; }
  return rc;
}

/* ---- writing ---- */

static uint32_t free_bytes(void) {
  uint32_t n = 0;
  for (uint32_t s = 0; s < NS; s++) n += !live[s] && s != head_s;
  return (SS - head_o) + n * (SS - SHDR);
}

static uint32_t w_crc, w_left, w_written, w_start_s;
static int w_open(void) {
  uint32_t s = nxt(head_s);
  while (live[s] || s == head_s) { s = nxt(s); if (s == nxt(head_s)) return VS_ENOSPC; }
  int b = sector_blank(s, 0);
  if (b < 0) return VS_EFLASH;
  if (!b) { if (F->erase(F->ctx, s)) return VS_EFLASH; st.erases++; }
  uint8_t h[SHDR];
  uint32_t first = w_written == 0 ? SHDR : (SHDR + w_left > SS ? SS : SHDR + w_left);
  put32(h, MAGIC); put32(h + 4, max_seq + 1); put32(h + 8, first); put32(h + 12, crc32_upd(0, h, 12));
  if (F->program(F->ctx, s * SS, h, SHDR)) return VS_EFLASH;
  st.programmed += SHDR;
  max_seq++; head_s = s; head_o = SHDR; live[s] = wmark[s] = 1;
  return 0;
}
static int w_bytes(const uint8_t *p, uint32_t n, int crc) {
  if (crc) w_crc = crc32_upd(w_crc, p, n);
  while (n) {
    if (head_o >= SS) { int rc = w_open(); if (rc) return rc; }
    if (w_written == 0) { w_start_s = head_s; live[head_s] = wmark[head_s] = 1; }
    uint32_t k = SS - head_o < n ? SS - head_o : n;
    if (F->program(F->ctx, head_s * SS + head_o, p, k)) return VS_EFLASH;
    st.programmed += k;
    head_o += k; p += k; n -= k; w_left -= k; w_written += k;
  }
  return 0;
}
static int w_begin(uint8_t type, uint32_t len, uint32_t seq) {
  uint8_t h[EHDR];
  h[0] = type; h[1] = (uint8_t)(0xff - type); h[2] = h[3] = 0; put32(h + 4, len); put32(h + 8, seq);
  w_crc = 0; w_left = esize(len); w_written = 0;
  memset(wmark, 0, NS);
  return w_bytes(h, EHDR, 1);
}
static int w_end(void) {
  uint8_t t[ETRL];
  put32(t, w_crc);
  int rc = w_bytes(t, ETRL, 0);
  if (rc) return rc;
  head_o += w_left; /* padding to 4 bytes stays erased (never crosses a sector end) */
  w_left = 0;
  return 0;
}

static int write_batch(uint32_t seq, const uint8_t *init, uint32_t il, const uint8_t *b, uint32_t n) {
  uint8_t f[5];
  uint32_t len = 1 + (init ? 4 + il : 0) + n;
  int rc = w_begin(E_BATCH, len, seq);
  f[0] = init ? 1 : 0; put32(f + 1, il);
  if (!rc) rc = w_bytes(f, init ? 5 : 1, 1);
  if (!rc && init) rc = w_bytes(init, il, 1);
  if (!rc) rc = w_bytes(b, n, 1);
  return rc ? rc : w_end();
}

static int write_snapshot(uint32_t seq, uint32_t len) {
  uint8_t t[16];
  uint32_t cnt = 0;
  for (vs_rec *r = records; r; r = r->next) cnt++;
  int rc = w_begin(E_SNAP, len, seq);
  t[0] = init_frame ? 1 : 0; put32(t + 1, init_len);
  if (!rc) rc = w_bytes(t, init_frame ? 5 : 1, 1);
  if (!rc && init_frame) rc = w_bytes(init_frame, init_len, 1);
  put32(t, (uint32_t)(version >> 32)); put32(t + 4, (uint32_t)version); put32(t + 8, cnt);
  if (!rc) rc = w_bytes(t, 12, 1);
  for (vs_rec *r = records; r && !rc; r = r->next) {
    uint32_t k = put_bigsize(t, r->klen);
    rc = w_bytes(t, k, 1);
    if (!rc) rc = w_bytes(r->data, r->klen, 1);
    put32(t, (uint32_t)(r->version >> 32)); put32(t + 4, (uint32_t)r->version); t[8] = 0;
    k = 9 + put_bigsize(t + 9, r->vlen);
    if (!rc) rc = w_bytes(t, k, 1);
    if (!rc) rc = w_bytes(r->data + r->klen, r->vlen, 1);
  }
  return rc ? rc : w_end();
}

static uint32_t rec_len(uint32_t kl, uint32_t vl) { return bigsize_len(kl) + kl + 9 + bigsize_len(vl) + vl; }

/* Snapshot body length once batch b (checked) is applied. */
static uint32_t snapshot_len_after(const uint8_t *init, uint32_t il, const uint8_t *b, uint32_t len) {
  int64_t n = snapshot_len();
  if (init) n += (int64_t)il - (init_frame ? init_len : 0) + (init_frame ? 0 : 4);
  uint32_t cnt = get32(b + 8), off = 12;
  for (uint32_t i = 0; i < cnt; i++) {
    uint64_t kl, vl;
    get_bigsize(b, len, &off, &kl);
    const uint8_t *key = b + off; off += (uint32_t)kl + 8;
    int del = b[off++];
    get_bigsize(b, len, &off, &vl); off += (uint32_t)vl;
    for (vs_rec *r = records; r; r = r->next)
      if (r->klen == kl && !memcmp(r->data, key, kl)) { n -= rec_len(r->klen, r->vlen); break; }
    if (!del) n += rec_len((uint32_t)kl, (uint32_t)vl);
  }
  return (uint32_t)n;
}

static int snapshot_now(uint32_t len) {
  int rc = write_snapshot(cseq + 1, len);
  if (rc) return rc;
  cseq++;
  memcpy(live, wmark, NS); /* the older entries are dead: only the snapshot's sectors stay live */
  have_snap = 1; tail_s = w_start_s; st.snapshots++;
  return 0;
}

int vs_commit(const uint8_t *init, uint32_t il, const uint8_t *b, uint32_t n) {
  if (!F || !live || !wmark) return VS_EGEOMETRY;
  int rc = records_pass(b, n, 0);
  if (rc) return rc;
  uint32_t blen = 1 + (init ? 4 + il : 0) + n, s_new = snapshot_len_after(init, il, b, n);
  uint32_t fr = free_bytes();
  if (have_snap && fr >= esize(blen) + esize(s_new) + SS) {
    /* a batch, when a snapshot still fits after it with a sector to spare for a torn write */
    if ((rc = write_batch(cseq + 1, init, il, b, n))) goto fail;
    cseq++; st.batches++;
  } else {
    if (fr < esize(s_new)) {
      /* no room for the new snapshot: first compact the log into a snapshot of the current state */
      uint32_t s_old = snapshot_len();
      if (!have_snap || fr < esize(s_old)) return VS_ENOSPC;
      if ((rc = snapshot_now(s_old))) goto fail;
      if (free_bytes() < esize(s_new)) return VS_ENOSPC; /* the state outgrew the flash; nothing changed */
    }
    /* a snapshot of the new state: applied in RAM first, written from there */
    if ((init && (rc = set_init(init, il))) || (rc = records_pass(b, n, 1))) goto fail;
    if ((rc = snapshot_now(s_new))) goto fail;
    return VS_OK;
  }
  if ((init && (rc = set_init(init, il))) || (rc = records_pass(b, n, 1))) goto fail;
  return VS_OK;
fail: {
    /* RAM back to what the flash holds */
    vs_stats keep = st;
    vs_mount(F);
    st = keep;
    return rc;
  }
}

const vs_rec *vs_records(void) { return records; }
uint64_t vs_state_version(void) { return version; }
const uint8_t *vs_init_frame(uint32_t *len) { *len = init_len; return init_frame; }
const vs_stats *vs_get_stats(void) {
  st.head_sector = head_s; st.tail_sector = tail_s; st.free_bytes = F && live ? free_bytes() : 0;
  st.snapshot_bytes = esize(snapshot_len()); st.max_sector_seq = max_seq; st.commit_seq = cseq;
  return &st;
}
