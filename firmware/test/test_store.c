/* Flash store under power cuts, in process (firmware/build.sh store-test):
 * random batches (puts, replacements, deletions, an init frame) committed to a
 * small simulated flash so the ring wraps and snapshots are frequent. For
 * every commit and every write point of it (all of them, or every STORE_STEP-th),
 * the commit is cut there, the store remounted, and its state must be the one
 * before or the one after the commit; then the commit (retried when lost) and
 * the next one must land, and a second cut during the retry must also recover.
 * Also: a fresh mount of each image continues exactly as the running store did
 * (same write points, same bytes), erase counts stay level, and no program
 * ever turns a 0 bit back into 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include "../storage/store.h"
#include "../storage/flash_sim.h"

static uint32_t SS = 512, NS = 8; /* argv: step sector_size sectors seed */
#define MEM_MAX 65536u
#define K 80

static jmp_buf jb;
static void on_cut(void) { longjmp(jb, 1); }
static uint32_t rnd_state = 12345;
static uint32_t rnd(void) { rnd_state ^= rnd_state << 13; rnd_state ^= rnd_state >> 17; rnd_state ^= rnd_state << 5; return rnd_state; }

/* the model: key → (version, value) */
typedef struct { char key[16]; uint64_t ver; uint32_t vlen; uint8_t val[800]; int live; } mrec;
typedef struct { mrec r[8]; uint64_t version; int has_init; uint8_t init[40]; } model;
static const char *KEYS[8] = { "node", "c/1", "c/2", "c/3", "c/4", "c/5", "forgotten", "payments" };

static uint8_t batch[K][8 * 820 + 16]; static uint32_t blen[K]; static int binit[K];
static model states[K + 1];
static uint8_t *images[K + 1]; static uint64_t points[K];

static uint32_t put_bs(uint8_t *p, uint64_t v) { if (v < 0xfd) { p[0] = (uint8_t)v; return 1; } p[0] = 0xfd; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)v; return 3; }
static void put64(uint8_t *p, uint64_t v) { for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (56 - 8 * i)); }

static void make_batches(void) {
  model m; memset(&m, 0, sizeof m);
  states[0] = m;
  for (int k = 0; k < K; k++) {
    m.version++;
    uint8_t *p = batch[k];
    int n = 1 + (int)(rnd() % 3), used[8] = { 0 }, cnt = 0;
    uint32_t off = 12;
    for (int i = 0; i < n; i++) {
      int j = (int)(rnd() % 8);
      if (used[j]) continue;
      used[j] = 1; cnt++;
      int del = m.r[j].live && rnd() % 5 == 0;
      uint32_t vl = del ? 0 : 10 + rnd() % (rnd() % 4 == 0 ? 400 : 120);
      uint32_t kl = (uint32_t)strlen(KEYS[j]);
      off += put_bs(p + off, kl); memcpy(p + off, KEYS[j], kl); off += kl;
      put64(p + off, m.version); off += 8;
      p[off++] = (uint8_t)del;
      off += put_bs(p + off, vl);
      for (uint32_t b = 0; b < vl; b++) p[off + b] = (uint8_t)rnd();
      if (del) m.r[j].live = 0;
      else { strcpy(m.r[j].key, KEYS[j]); m.r[j].ver = m.version; m.r[j].vlen = vl; memcpy(m.r[j].val, p + off, vl); m.r[j].live = 1; }
      off += vl;
    }
    put64(p, m.version); p[8] = p[9] = p[10] = 0; p[11] = (uint8_t)cnt;
    blen[k] = off;
    binit[k] = k == 0 || rnd() % 25 == 0;
    if (binit[k]) { m.has_init = 1; for (int i = 0; i < 40; i++) m.init[i] = (uint8_t)(k + i); }
    states[k + 1] = m;
  }
}

static int equals(const model *m) {
  uint32_t il;
  const uint8_t *in = vs_init_frame(&il);
  if (!!in != m->has_init || (in && (il != 40 || memcmp(in, m->init, 40)))) return 0;
  if (in && vs_state_version() != m->version) return 0;
  int live = 0;
  for (int j = 0; j < 8; j++) live += m->r[j].live;
  int seen = 0;
  for (const vs_rec *r = vs_records(); r; r = r->next, seen++) {
    int j = 0;
    while (j < 8 && !(r->klen == strlen(KEYS[j]) && !memcmp(r->data, KEYS[j], r->klen))) j++;
    if (j == 8 || !m->r[j].live || m->r[j].ver != r->version || m->r[j].vlen != r->vlen || memcmp(m->r[j].val, r->data + r->klen, r->vlen)) return 0;
  }
  return seen == live;
}

static vs_flash fl; static vs_sim_flash sim; static uint8_t mem[MEM_MAX]; static uint32_t erases[256];

static int commit(int k) {
  uint8_t init[40];
  for (int i = 0; i < 40; i++) init[i] = (uint8_t)(k + i);
  return vs_commit(binit[k] ? init : NULL, 40, batch[k], blen[k]);
}

static int fails;
#define CHECK(c, ...) do { if (!(c)) { if (fails++ < 20) { printf("FAIL %s:%d ", __FILE__, __LINE__); printf(__VA_ARGS__); printf("\n"); } } } while (0)

int main(int argc, char **argv) {
  uint32_t step = argc > 1 ? (uint32_t)atoi(argv[1]) : 1;
  if (argc > 3) { SS = (uint32_t)atoi(argv[2]); NS = (uint32_t)atoi(argv[3]); }
  if (argc > 4) rnd_state = (uint32_t)atoi(argv[4]);
  if (SS * NS > MEM_MAX || NS > 256) { printf("geometry too large\n"); return 2; }
  printf("geometry %u sectors of %u bytes, seed %u\n", NS, SS, rnd_state);
  make_batches();
  sim.mem = mem; sim.sector_size = SS; sim.sectors = NS; sim.cut_at = UINT64_MAX; sim.on_cut = on_cut; sim.erases = erases;
  vs_sim_flash_init(&fl, &sim);
  memset(mem, 0xff, (size_t)SS * NS);
  CHECK(vs_mount(&fl) == 0 && equals(&states[0]), "blank mount");
  /* reference run */
  for (int k = 0; k < K; k++) {
    images[k] = malloc((size_t)SS * NS); memcpy(images[k], mem, (size_t)SS * NS);
    uint64_t c0 = sim.count;
    { int rc = commit(k); CHECK(rc == 0, "commit %d: %d", k, rc); }
    points[k] = sim.count - c0;
    CHECK(equals(&states[k + 1]), "state after commit %d", k);
  }
  images[K] = malloc((size_t)SS * NS); memcpy(images[K], mem, (size_t)SS * NS);
  const vs_stats *st = vs_get_stats();
  uint32_t emin = ~0u, emax = 0, total = 0;
  for (uint32_t s = 0; s < NS; s++) { emin = erases[s] < emin ? erases[s] : emin; emax = erases[s] > emax ? erases[s] : emax; total += erases[s]; }
  printf("reference: %d commits (%u batches, %u snapshots), %u erases (per sector %u..%u), %u bytes programmed\n",
    K, st->batches, st->snapshots, total, emin, emax, st->programmed);
  CHECK(emax - emin <= 1, "wear not level: %u..%u", emin, emax);
  CHECK(st->snapshots >= 2 && st->batches >= 20, "both entry kinds used");

  uint64_t cuts = 0, before = 0, after = 0, doubles = 0;
  for (int k = 0; k < K; k++) {
    /* a fresh mount continues as the running store did */
    memcpy(mem, images[k], (size_t)SS * NS); sim.count = 0; sim.cut_at = UINT64_MAX;
    CHECK(vs_mount(&fl) == 0 && equals(&states[k]), "mount image %d", k);
    CHECK(commit(k) == 0 && sim.count == points[k] && !memcmp(mem, images[k + 1], (size_t)SS * NS), "remounted commit %d differs", k);
    for (uint64_t c = 0; c < points[k]; c += step) {
      memcpy(mem, images[k], (size_t)SS * NS);
      vs_mount(&fl);
      sim.count = 0; sim.cut_at = c; sim.seed = (uint32_t)(c * 2654435761u + (uint32_t)k);
      if (!setjmp(jb)) { commit(k); CHECK(0, "commit %d not cut at %llu", k, (unsigned long long)c); continue; }
      cuts++;
      sim.cut_at = UINT64_MAX;
      CHECK(vs_mount(&fl) == 0, "mount after cut %d/%llu", k, (unsigned long long)c);
      int was_after = equals(&states[k + 1]);
      CHECK(was_after || equals(&states[k]), "cut %d/%llu: state is neither before nor after", k, (unsigned long long)c);
      if (was_after) after++; else before++;
      uint8_t *torn = malloc((size_t)SS * NS); memcpy(torn, mem, (size_t)SS * NS);
      if (!was_after) { int rc = commit(k); CHECK(rc == 0 && equals(&states[k + 1]), "retry %d/%llu: %d", k, (unsigned long long)c, rc); }
      if (k + 1 < K) { int rc = commit(k + 1); CHECK(rc == 0 && equals(&states[k + 2]), "next commit after cut %d/%llu: %d", k, (unsigned long long)c, rc); }
      CHECK(vs_mount(&fl) == 0 && equals(&states[k + 1 < K ? k + 2 : k + 1]), "remount after recovery %d/%llu", k, (unsigned long long)c);
      /* a second cut while the retry (or the next commit) is written */
      memcpy(mem, torn, (size_t)SS * NS); vs_mount(&fl);
      int j = was_after ? k + 1 : k;
      if (j < K) {
        sim.count = 0; sim.cut_at = rnd() % (points[j] + 64); sim.seed = rnd();
        if (setjmp(jb)) {
          doubles++;
          sim.cut_at = UINT64_MAX;
          CHECK(vs_mount(&fl) == 0 && (equals(&states[j]) || equals(&states[j + 1])), "double cut %d/%llu", k, (unsigned long long)c);
        } else {
          commit(j);
          sim.cut_at = UINT64_MAX;
          CHECK(vs_mount(&fl) == 0 && equals(&states[j + 1]), "uncut retry %d", k);
        }
      }
      free(torn);
    }
  }
  printf("power cuts: %llu (every %u-th write point of %d commits): %llu recovered the state before, %llu after; %llu second cuts during recovery\n",
    (unsigned long long)cuts, step, K, (unsigned long long)before, (unsigned long long)after, (unsigned long long)doubles);
  CHECK(sim.violations == 0, "%u programs over cleared bits", sim.violations);
  /* ENOSPC: a state larger than the flash can hold is refused, and nothing changes */
  memcpy(mem, images[K], (size_t)SS * NS); vs_mount(&fl);
  uint32_t bl = SS * NS; /* one value as large as the whole flash */
  uint8_t *big = calloc(1, bl + 64);
  uint32_t o = 12;
  o += put_bs(big + o, 3); memcpy(big + o, "big", 3); o += 3; put64(big + o, 999); o += 8; big[o++] = 0;
  if (bl > 0xffff) bl = 0xffff;
  o += put_bs(big + o, bl); o += bl;
  put64(big, 999); big[11] = 1;
  CHECK(vs_commit(NULL, 0, big, o) == VS_ENOSPC && equals(&states[K]), "oversized state refused");
  free(big);
  printf("%s\n", fails ? "store test FAILED" : "store test passed");
  return fails != 0;
}
