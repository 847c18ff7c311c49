/* Small hashes for the firmware: SHA-256 (with the streaming order of the
 * Node host, so a guest-owned context is byte-identical on every host),
 * SHA-512, HMAC over both, RIPEMD-160 and SipHash-2-4. Written for size. */
#include <string.h>
#include "vigil_crypto.h"

/* Generated: fractional parts of cube/square roots of the first primes (FIPS 180-4 4.2.2, 4.2.3, 5.3.3, 5.3.5). */
static const uint32_t K256[64] = {
0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u,
0x3956c25bu, 0x59f111f1u, 0x923f82a4u, 0xab1c5ed5u,
0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u,
0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u,
0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu,
0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u,
0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u,
0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u,
0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u,
0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u,
0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u,
0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u,
0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u,
};
static const uint32_t IV256[8] = {
0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u,
};
static const uint64_t K512[80] = {
0x428a2f98d728ae22ULL, 0x7137449123ef65cdULL, 0xb5c0fbcfec4d3b2fULL, 0xe9b5dba58189dbbcULL,
0x3956c25bf348b538ULL, 0x59f111f1b605d019ULL, 0x923f82a4af194f9bULL, 0xab1c5ed5da6d8118ULL,
0xd807aa98a3030242ULL, 0x12835b0145706fbeULL, 0x243185be4ee4b28cULL, 0x550c7dc3d5ffb4e2ULL,
0x72be5d74f27b896fULL, 0x80deb1fe3b1696b1ULL, 0x9bdc06a725c71235ULL, 0xc19bf174cf692694ULL,
0xe49b69c19ef14ad2ULL, 0xefbe4786384f25e3ULL, 0x0fc19dc68b8cd5b5ULL, 0x240ca1cc77ac9c65ULL,
0x2de92c6f592b0275ULL, 0x4a7484aa6ea6e483ULL, 0x5cb0a9dcbd41fbd4ULL, 0x76f988da831153b5ULL,
0x983e5152ee66dfabULL, 0xa831c66d2db43210ULL, 0xb00327c898fb213fULL, 0xbf597fc7beef0ee4ULL,
0xc6e00bf33da88fc2ULL, 0xd5a79147930aa725ULL, 0x06ca6351e003826fULL, 0x142929670a0e6e70ULL,
0x27b70a8546d22ffcULL, 0x2e1b21385c26c926ULL, 0x4d2c6dfc5ac42aedULL, 0x53380d139d95b3dfULL,
0x650a73548baf63deULL, 0x766a0abb3c77b2a8ULL, 0x81c2c92e47edaee6ULL, 0x92722c851482353bULL,
0xa2bfe8a14cf10364ULL, 0xa81a664bbc423001ULL, 0xc24b8b70d0f89791ULL, 0xc76c51a30654be30ULL,
0xd192e819d6ef5218ULL, 0xd69906245565a910ULL, 0xf40e35855771202aULL, 0x106aa07032bbd1b8ULL,
0x19a4c116b8d2d0c8ULL, 0x1e376c085141ab53ULL, 0x2748774cdf8eeb99ULL, 0x34b0bcb5e19b48a8ULL,
0x391c0cb3c5c95a63ULL, 0x4ed8aa4ae3418acbULL, 0x5b9cca4f7763e373ULL, 0x682e6ff3d6b2b8a3ULL,
0x748f82ee5defb2fcULL, 0x78a5636f43172f60ULL, 0x84c87814a1f0ab72ULL, 0x8cc702081a6439ecULL,
0x90befffa23631e28ULL, 0xa4506cebde82bde9ULL, 0xbef9a3f7b2c67915ULL, 0xc67178f2e372532bULL,
0xca273eceea26619cULL, 0xd186b8c721c0c207ULL, 0xeada7dd6cde0eb1eULL, 0xf57d4f7fee6ed178ULL,
0x06f067aa72176fbaULL, 0x0a637dc5a2c898a6ULL, 0x113f9804bef90daeULL, 0x1b710b35131c471bULL,
0x28db77f523047d84ULL, 0x32caab7b40c72493ULL, 0x3c9ebe0a15c9bebcULL, 0x431d67c49c100d4cULL,
0x4cc5d4becb3e42b6ULL, 0x597f299cfc657e2aULL, 0x5fcb6fab3ad6faecULL, 0x6c44198c4a475817ULL,
};
static const uint64_t IV512[8] = {
0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL,
};

void (*vc_sha256_block_hook)(uint32_t h[8], const uint8_t block[64]) = 0;

static inline uint32_t ror32(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }
static inline uint64_t ror64(uint64_t x, unsigned n) { return (x >> n) | (x << (64 - n)); }
static inline uint32_t rol32(uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }
static inline uint64_t rol64(uint64_t x, unsigned n) { return (x << n) | (x >> (64 - n)); }
static inline uint32_t be32(const uint8_t *p) { return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3]; }
static inline uint32_t le32(const uint8_t *p) { return ((uint32_t)p[3] << 24) | ((uint32_t)p[2] << 16) | ((uint32_t)p[1] << 8) | p[0]; }
static inline uint64_t be64(const uint8_t *p) { return ((uint64_t)be32(p) << 32) | be32(p + 4); }
static inline uint64_t le64(const uint8_t *p) { return ((uint64_t)le32(p + 4) << 32) | le32(p); }
static inline void put_be32(uint8_t *p, uint32_t v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v; }
static inline void put_be64(uint8_t *p, uint64_t v) { put_be32(p, v >> 32); put_be32(p + 4, (uint32_t)v); }
static inline void put_le32(uint8_t *p, uint32_t v) { p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24; }

/* ---- SHA-256 ---- */
static void sha256_block_c(uint32_t h[8], const uint8_t *blk) {
  uint32_t w[64], a, b, c, d, e, f, g, hh;
  for (int i = 0; i < 16; i++) w[i] = be32(blk + 4 * i);
  for (int i = 16; i < 64; i++) {
    uint32_t s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  a = h[0]; b = h[1]; c = h[2]; d = h[3]; e = h[4]; f = h[5]; g = h[6]; hh = h[7];
  for (int i = 0; i < 64; i++) {
    uint32_t t1 = hh + (ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25)) + ((e & f) ^ (~e & g)) + K256[i] + w[i];
    uint32_t t2 = (ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
  }
  h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

static void sha256_block(uint32_t h[8], const uint8_t *blk) {
  if (vc_sha256_block_hook) vc_sha256_block_hook(h, blk); else sha256_block_c(h, blk);
}

void vc_sha256_begin(vc_sha256_ctx *c) {
  memcpy(c->h, IV256, sizeof c->h);
  c->total = 0; c->pos = 0;
  memset(c->buf, 0, sizeof c->buf);
}

/* Same order as the Node host: whole blocks straight from the input when the
 * buffer is empty, the buffer keeps stale bytes after it is processed. */
void vc_sha256_absorb(vc_sha256_ctx *c, const uint8_t *p, size_t n) {
  size_t i = 0;
  while (i < n) {
    size_t take = 64 - c->pos;
    if (take > n - i) take = n - i;
    if (take == 64) {
      for (; n - i >= 64; i += 64) sha256_block(c->h, p + i);
      continue;
    }
    memcpy(c->buf + c->pos, p + i, take);
    c->pos += (uint32_t)take; i += take;
    if (c->pos == 64) { sha256_block(c->h, c->buf); c->pos = 0; }
  }
  c->total += n;
}

void vc_sha256_finish(vc_sha256_ctx *c, uint8_t out[32]) {
  uint32_t pos = c->pos;
  c->buf[pos++] = 0x80;
  memset(c->buf + pos, 0, 64 - pos);
  if (pos > 56) { sha256_block(c->h, c->buf); memset(c->buf, 0, 64); }
  put_be64(c->buf + 56, c->total * 8);
  sha256_block(c->h, c->buf);
  for (int i = 0; i < 8; i++) put_be32(out + 4 * i, c->h[i]);
}

void vc_sha256_raw(const uint8_t *p, size_t n, uint8_t out[32]) {
  vc_sha256_ctx c;
  vc_sha256_begin(&c); vc_sha256_absorb(&c, p, n); vc_sha256_finish(&c, out);
}

/* ---- SHA-512 ---- */
typedef struct { uint64_t h[8]; uint64_t total; uint8_t buf[128]; uint32_t pos; } sha512_ctx;

static void sha512_block(uint64_t h[8], const uint8_t *blk) {
  uint64_t w[80], a, b, c, d, e, f, g, hh;
  for (int i = 0; i < 16; i++) w[i] = be64(blk + 8 * i);
  for (int i = 16; i < 80; i++) {
    uint64_t s0 = ror64(w[i - 15], 1) ^ ror64(w[i - 15], 8) ^ (w[i - 15] >> 7);
    uint64_t s1 = ror64(w[i - 2], 19) ^ ror64(w[i - 2], 61) ^ (w[i - 2] >> 6);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  a = h[0]; b = h[1]; c = h[2]; d = h[3]; e = h[4]; f = h[5]; g = h[6]; hh = h[7];
  for (int i = 0; i < 80; i++) {
    uint64_t t1 = hh + (ror64(e, 14) ^ ror64(e, 18) ^ ror64(e, 41)) + ((e & f) ^ (~e & g)) + K512[i] + w[i];
    uint64_t t2 = (ror64(a, 28) ^ ror64(a, 34) ^ ror64(a, 39)) + ((a & b) ^ (a & c) ^ (b & c));
    hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
  }
  h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

static void sha512_begin(sha512_ctx *c) { memcpy(c->h, IV512, sizeof c->h); c->total = 0; c->pos = 0; }
static void sha512_absorb(sha512_ctx *c, const uint8_t *p, size_t n) {
  c->total += n;
  while (n) {
    size_t take = 128 - c->pos;
    if (take > n) take = n;
    memcpy(c->buf + c->pos, p, take);
    c->pos += (uint32_t)take; p += take; n -= take;
    if (c->pos == 128) { sha512_block(c->h, c->buf); c->pos = 0; }
  }
}
static void sha512_finish(sha512_ctx *c, uint8_t out[64]) {
  uint32_t pos = c->pos;
  c->buf[pos++] = 0x80;
  memset(c->buf + pos, 0, 128 - pos);
  if (pos > 112) { sha512_block(c->h, c->buf); memset(c->buf, 0, 128); }
  put_be64(c->buf + 112, c->total >> 61);
  put_be64(c->buf + 120, c->total << 3);
  sha512_block(c->h, c->buf);
  for (int i = 0; i < 8; i++) put_be64(out + 8 * i, c->h[i]);
}
void vc_sha512_raw(const uint8_t *p, size_t n, uint8_t out[64]) {
  sha512_ctx c; sha512_begin(&c); sha512_absorb(&c, p, n); sha512_finish(&c, out);
}

/* ---- HMAC (RFC 2104) ---- */
void vc_hmac256_raw(const uint8_t *k, size_t kl, const uint8_t *m, size_t ml, uint8_t out[32]) {
  uint8_t key[64] = {0}, pad[64], inner[32];
  vc_sha256_ctx c;
  if (kl > 64) vc_sha256_raw(k, kl, key); else memcpy(key, k, kl);
  for (int i = 0; i < 64; i++) pad[i] = key[i] ^ 0x36;
  vc_sha256_begin(&c); vc_sha256_absorb(&c, pad, 64); vc_sha256_absorb(&c, m, ml); vc_sha256_finish(&c, inner);
  for (int i = 0; i < 64; i++) pad[i] = key[i] ^ 0x5c;
  vc_sha256_begin(&c); vc_sha256_absorb(&c, pad, 64); vc_sha256_absorb(&c, inner, 32); vc_sha256_finish(&c, out);
  memset(key, 0, sizeof key); memset(pad, 0, sizeof pad); memset(&c, 0, sizeof c);
}

void vc_hmac512_raw(const uint8_t *k, size_t kl, const uint8_t *m, size_t ml, uint8_t out[64]) {
  uint8_t key[128] = {0}, pad[128], inner[64];
  sha512_ctx c;
  if (kl > 128) vc_sha512_raw(k, kl, key); else memcpy(key, k, kl);
  for (int i = 0; i < 128; i++) pad[i] = key[i] ^ 0x36;
  sha512_begin(&c); sha512_absorb(&c, pad, 128); sha512_absorb(&c, m, ml); sha512_finish(&c, inner);
  for (int i = 0; i < 128; i++) pad[i] = key[i] ^ 0x5c;
  sha512_begin(&c); sha512_absorb(&c, pad, 128); sha512_absorb(&c, inner, 64); sha512_finish(&c, out);
  memset(key, 0, sizeof key); memset(pad, 0, sizeof pad); memset(&c, 0, sizeof c);
}

/* ---- RIPEMD-160 ---- */
static const uint8_t RL[80] = {
  0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15, 7,4,13,1,10,6,15,3,12,0,9,5,2,14,11,8,
  3,10,14,4,9,15,8,1,2,7,0,6,13,11,5,12, 1,9,11,10,0,8,12,4,13,3,7,15,14,5,6,2,
  4,0,5,9,7,12,2,10,14,1,3,8,11,6,15,13 };
static const uint8_t RR[80] = {
  5,14,7,0,9,2,11,4,13,6,15,8,1,10,3,12, 6,11,3,7,0,13,5,10,14,15,8,12,4,9,1,2,
  15,5,1,3,7,14,6,9,11,8,12,2,10,0,4,13, 8,6,4,1,3,11,15,0,5,12,2,13,9,7,10,14,
  12,15,10,4,1,5,8,7,6,2,13,14,0,3,9,11 };
static const uint8_t SL[80] = {
  11,14,15,12,5,8,7,9,11,13,14,15,6,7,9,8, 7,6,8,13,11,9,7,15,7,12,15,9,11,7,13,12,
  11,13,6,7,14,9,13,15,14,8,13,6,5,12,7,5, 11,12,14,15,14,15,9,8,9,14,5,6,8,6,5,12,
  9,15,5,11,6,8,13,12,5,12,13,14,11,8,5,6 };
static const uint8_t SR[80] = {
  8,9,9,11,13,15,15,5,7,7,8,11,14,14,12,6, 9,13,15,7,12,8,9,11,7,7,12,7,6,15,13,11,
  9,7,15,11,8,6,6,14,12,13,5,14,13,13,7,5, 15,5,8,11,14,14,6,14,6,9,12,9,12,5,15,8,
  8,5,12,9,12,5,14,6,8,13,6,5,15,13,11,11 };
static const uint32_t KL[5] = { 0, 0x5A827999u, 0x6ED9EBA1u, 0x8F1BBCDCu, 0xA953FD4Eu };
static const uint32_t KR[5] = { 0x50A28BE6u, 0x5C4DD124u, 0x6D703EF3u, 0x7A6D76E9u, 0 };

static uint32_t rmd_f(int j, uint32_t x, uint32_t y, uint32_t z) {
  switch (j / 16) {
    case 0: return x ^ y ^ z;
    case 1: return (x & y) | (~x & z);
    case 2: return (x | ~y) ^ z;
    case 3: return (x & z) | (y & ~z);
    default: return x ^ (y | ~z);
  }
}

static void rmd_block(uint32_t h[5], const uint8_t *blk) {
  uint32_t x[16];
  for (int i = 0; i < 16; i++) x[i] = le32(blk + 4 * i);
  uint32_t al = h[0], bl = h[1], cl = h[2], dl = h[3], el = h[4];
  uint32_t ar = al, br = bl, cr = cl, dr = dl, er = el, t;
  for (int j = 0; j < 80; j++) {
    t = rol32(al + rmd_f(j, bl, cl, dl) + x[RL[j]] + KL[j / 16], SL[j]) + el;
    al = el; el = dl; dl = rol32(cl, 10); cl = bl; bl = t;
    t = rol32(ar + rmd_f(79 - j, br, cr, dr) + x[RR[j]] + KR[j / 16], SR[j]) + er;
    ar = er; er = dr; dr = rol32(cr, 10); cr = br; br = t;
  }
  t = h[1] + cl + dr; h[1] = h[2] + dl + er; h[2] = h[3] + el + ar;
  h[3] = h[4] + al + br; h[4] = h[0] + bl + cr; h[0] = t;
}

void vc_ripemd160_raw(const uint8_t *p, size_t n, uint8_t out[20]) {
  uint32_t h[5] = { 0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u, 0xC3D2E1F0u };
  uint8_t buf[64];
  size_t i = 0;
  for (; n - i >= 64; i += 64) rmd_block(h, p + i);
  size_t rest = n - i;
  memcpy(buf, p + i, rest);
  buf[rest++] = 0x80;
  memset(buf + rest, 0, 64 - rest);
  if (rest > 56) { rmd_block(h, buf); memset(buf, 0, 64); }
  put_le32(buf + 56, (uint32_t)(n << 3));
  put_le32(buf + 60, (uint32_t)((uint64_t)n >> 29));
  rmd_block(h, buf);
  for (int k = 0; k < 5; k++) put_le32(out + 4 * k, h[k]);
}

/* ---- SipHash-2-4 ---- */
#define SIPROUND do { \
  v0 += v1; v1 = rol64(v1, 13); v1 ^= v0; v0 = rol64(v0, 32); \
  v2 += v3; v3 = rol64(v3, 16); v3 ^= v2; \
  v0 += v3; v3 = rol64(v3, 21); v3 ^= v0; \
  v2 += v1; v1 = rol64(v1, 17); v1 ^= v2; v2 = rol64(v2, 32); } while (0)

uint64_t vc_siphash24_raw(const uint8_t key[16], const uint8_t *p, size_t n) {
  uint64_t k0 = le64(key), k1 = le64(key + 8);
  uint64_t v0 = k0 ^ 0x736f6d6570736575ULL, v1 = k1 ^ 0x646f72616e646f6dULL;
  uint64_t v2 = k0 ^ 0x6c7967656e657261ULL, v3 = k1 ^ 0x7465646279746573ULL;
  size_t i = 0;
  for (; n - i >= 8; i += 8) {
    uint64_t m = le64(p + i);
    v3 ^= m; SIPROUND; SIPROUND; v0 ^= m;
  }
  uint64_t b = (uint64_t)n << 56;
  for (size_t j = 0; j < n - i; j++) b |= (uint64_t)p[i + j] << (8 * j);
  v3 ^= b; SIPROUND; SIPROUND; v0 ^= b;
  v2 ^= 0xff;
  SIPROUND; SIPROUND; SIPROUND; SIPROUND;
  return v0 ^ v1 ^ v2 ^ v3;
}
