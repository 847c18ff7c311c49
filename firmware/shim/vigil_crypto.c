/* The import contract (docs/imports.md) over libsecp256k1 and hashes.c.
 * Order of checks follows host/crypto/noble.ts exactly, so every status is the
 * same on every host: bounds first, then the arguments in the order listed.
 * Inputs are copied out of guest memory before any output is written, so
 * aliasing pointers behave as on Node. */
#include <string.h>
#include <secp256k1.h>
#include <secp256k1_preallocated.h>
#include <secp256k1_ecdh.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>
#include "vigil_crypto.h"

#define CTX_SIZE 208 /* a preallocated context: 180..208 bytes depending on the build */
static union { uint8_t b[CTX_SIZE]; uint64_t align; } ctx_mem;
static secp256k1_context *ctx;

int vc_init(void) {
  if (ctx) return 0;
  if (secp256k1_context_preallocated_size(SECP256K1_CONTEXT_NONE) > CTX_SIZE) return -1;
  ctx = secp256k1_context_preallocated_create(ctx_mem.b, SECP256K1_CONTEXT_NONE);
  return ctx ? 0 : -1;
}

static int ok(vc_mem m, uint32_t p, uint32_t l) { return (uint64_t)p + (uint64_t)l <= m.size; }
#define CHECK(p, l) do { if (!ok(m, (p), (l))) return VC_BAD_POINTER; } while (0)
#define IN(p) (m.base + (p))
#define ENSURE_CTX() do { if (!ctx && vc_init() != 0) return VC_BAD_LENGTH; } while (0)

static const uint8_t N_BE[32] = {
  0xff,0xff,0xff,0xff,0xff,0xff,0xff,0xff,0xff,0xff,0xff,0xff,0xff,0xff,0xff,0xfe,
  0xba,0xae,0xdc,0xe6,0xaf,0x48,0xa0,0x3b,0xbf,0xd2,0x5e,0x8c,0xd0,0x36,0x41,0x41 };

/* v >= n (big-endian compare); public data only. */
static int ge_n(const uint8_t v[32]) {
  for (int i = 0; i < 32; i++) { if (v[i] != N_BE[i]) return v[i] > N_BE[i]; }
  return 1;
}
static void sub_n(uint8_t v[32]) {
  int borrow = 0;
  for (int i = 31; i >= 0; i--) {
    int d = (int)v[i] - N_BE[i] - borrow;
    borrow = d < 0; v[i] = (uint8_t)(d + (borrow ? 256 : 0));
  }
}
static int is_zero(const uint8_t *v, int n) { uint8_t a = 0; for (int i = 0; i < n; i++) a |= v[i]; return a == 0; }

/* A 33- or 65-byte key as noble accepts it: 02/03 compressed, 04 uncompressed (no hybrid 06/07). */
static int parse_pub(secp256k1_pubkey *pk, const uint8_t *in, size_t len) {
  if (len == 33 && in[0] != 2 && in[0] != 3) return 0;
  if (len == 65 && in[0] != 4) return 0;
  if (len != 33 && len != 65) return 0;
  return secp256k1_ec_pubkey_parse(ctx, pk, in, len);
}
static void ser_pub(uint8_t out[33], const secp256k1_pubkey *pk) {
  size_t n = 33;
  secp256k1_ec_pubkey_serialize(ctx, out, &n, pk, SECP256K1_EC_COMPRESSED);
}

/* ---- hashes ---- */
int32_t vc_sha256(vc_mem m, uint32_t in, uint32_t in_len, uint32_t out) {
  uint8_t d[32];
  CHECK(in, in_len); CHECK(out, 32);
  vc_sha256_raw(IN(in), in_len, d);
  memcpy(IN(out), d, 32);
  return VC_OK;
}

#define SHA_CTX_SIZE 128
#define SHA_CTX_MAGIC 0x56

static void ctx_encode(uint8_t *o, const vc_sha256_ctx *c) {
  memset(o, 0, SHA_CTX_SIZE);
  for (int i = 0; i < 8; i++) { o[4*i] = c->h[i] >> 24; o[4*i+1] = c->h[i] >> 16; o[4*i+2] = c->h[i] >> 8; o[4*i+3] = c->h[i]; }
  for (int i = 0; i < 8; i++) o[32 + i] = (uint8_t)(c->total >> (8 * i));
  memcpy(o + 40, c->buf, 64);
  o[104] = (uint8_t)c->pos;
  o[105] = SHA_CTX_MAGIC;
}
static int ctx_decode(vc_sha256_ctx *c, const uint8_t *o) {
  if (o[105] != SHA_CTX_MAGIC || o[104] >= 64) return 0;
  for (int i = 0; i < 8; i++) c->h[i] = ((uint32_t)o[4*i] << 24) | ((uint32_t)o[4*i+1] << 16) | ((uint32_t)o[4*i+2] << 8) | o[4*i+3];
  c->total = 0;
  for (int i = 7; i >= 0; i--) c->total = (c->total << 8) | o[32 + i];
  memcpy(c->buf, o + 40, 64);
  c->pos = o[104];
  return 1;
}

int32_t vc_sha256_init(vc_mem m, uint32_t cp) {
  vc_sha256_ctx c;
  CHECK(cp, SHA_CTX_SIZE);
  vc_sha256_begin(&c);
  ctx_encode(IN(cp), &c);
  return VC_OK;
}

int32_t vc_sha256_update(vc_mem m, uint32_t cp, uint32_t in, uint32_t in_len) {
  vc_sha256_ctx c;
  CHECK(cp, SHA_CTX_SIZE); CHECK(in, in_len);
  if (!ctx_decode(&c, IN(cp))) return VC_BAD_LENGTH;
  vc_sha256_absorb(&c, IN(in), in_len); /* the guest context is written only after */
  ctx_encode(IN(cp), &c);
  return VC_OK;
}

int32_t vc_sha256_final(vc_mem m, uint32_t cp, uint32_t out) {
  vc_sha256_ctx c;
  uint8_t d[32];
  CHECK(cp, SHA_CTX_SIZE); CHECK(out, 32);
  if (!ctx_decode(&c, IN(cp))) return VC_BAD_LENGTH;
  vc_sha256_finish(&c, d);
  memcpy(IN(out), d, 32);
  memset(IN(cp), 0, SHA_CTX_SIZE); /* spent */
  return VC_OK;
}

int32_t vc_hmac_sha256(vc_mem m, uint32_t k, uint32_t kl, uint32_t msg, uint32_t ml, uint32_t out) {
  uint8_t d[32];
  CHECK(k, kl); CHECK(msg, ml); CHECK(out, 32);
  vc_hmac256_raw(IN(k), kl, IN(msg), ml, d);
  memcpy(IN(out), d, 32);
  return VC_OK;
}

int32_t vc_hmac_sha512(vc_mem m, uint32_t k, uint32_t kl, uint32_t msg, uint32_t ml, uint32_t out) {
  uint8_t d[64];
  CHECK(k, kl); CHECK(msg, ml); CHECK(out, 64);
  vc_hmac512_raw(IN(k), kl, IN(msg), ml, d);
  memcpy(IN(out), d, 64);
  return VC_OK;
}

int32_t vc_ripemd160(vc_mem m, uint32_t in, uint32_t in_len, uint32_t out) {
  uint8_t d[20];
  CHECK(in, in_len); CHECK(out, 20);
  vc_ripemd160_raw(IN(in), in_len, d);
  memcpy(IN(out), d, 20);
  return VC_OK;
}

int32_t vc_siphash24(vc_mem m, uint32_t key, uint32_t in, uint32_t in_len, uint32_t out) {
  CHECK(key, 16); CHECK(in, in_len); CHECK(out, 8);
  uint64_t h = vc_siphash24_raw(IN(key), IN(in), in_len);
  for (int i = 0; i < 8; i++) IN(out)[i] = (uint8_t)(h >> (8 * i));
  return VC_OK;
}

/* ---- secp256k1 ---- */
int32_t vc_ec_pubkey_create(vc_mem m, uint32_t sec, uint32_t out) {
  uint8_t sk[32], o[33];
  secp256k1_pubkey pk;
  CHECK(sec, 32); CHECK(out, 33); ENSURE_CTX();
  memcpy(sk, IN(sec), 32);
  int r = secp256k1_ec_seckey_verify(ctx, sk) && secp256k1_ec_pubkey_create(ctx, &pk, sk);
  memset(sk, 0, 32);
  if (!r) return VC_BAD_SECRET;
  ser_pub(o, &pk);
  memcpy(IN(out), o, 33);
  return VC_OK;
}

int32_t vc_ec_pubkey_parse(vc_mem m, uint32_t in, uint32_t in_len, uint32_t out) {
  uint8_t buf[65], o[33];
  secp256k1_pubkey pk;
  CHECK(in, in_len); CHECK(out, 33); ENSURE_CTX();
  if (in_len != 33 && in_len != 65) return VC_BAD_LENGTH;
  memcpy(buf, IN(in), in_len);
  if (!parse_pub(&pk, buf, in_len)) return VC_BAD_PUBKEY;
  ser_pub(o, &pk);
  memcpy(IN(out), o, 33);
  return VC_OK;
}

int32_t vc_ecdsa_sign(vc_mem m, uint32_t sec, uint32_t msg, uint32_t out) {
  uint8_t sk[32], h[32], o[64];
  secp256k1_ecdsa_signature sig;
  CHECK(sec, 32); CHECK(msg, 32); CHECK(out, 64); ENSURE_CTX();
  memcpy(sk, IN(sec), 32);
  memcpy(h, IN(msg), 32);
  if (!secp256k1_ec_seckey_verify(ctx, sk)) { memset(sk, 0, 32); return VC_BAD_SECRET; }
  /* RFC 6979 seeds its DRBG with bits2octets(h) = h mod n; libsecp256k1 feeds
   * the raw digest, so reduce it first (differs only when h >= n). */
  if (ge_n(h)) sub_n(h);
  int r = secp256k1_ecdsa_sign(ctx, &sig, h, sk, NULL, NULL); /* RFC 6979, low-S */
  memset(sk, 0, 32);
  if (!r) return VC_BAD_SECRET;
  secp256k1_ecdsa_signature_serialize_compact(ctx, o, &sig);
  memcpy(IN(out), o, 64);
  return VC_OK;
}

int32_t vc_ecdsa_verify(vc_mem m, uint32_t sigp, uint32_t msg, uint32_t pub) {
  uint8_t s[64], h[32], p[33];
  secp256k1_pubkey pk;
  secp256k1_ecdsa_signature sig;
  CHECK(sigp, 64); CHECK(msg, 32); CHECK(pub, 33); ENSURE_CTX();
  memcpy(s, IN(sigp), 64); memcpy(h, IN(msg), 32); memcpy(p, IN(pub), 33);
  if (!parse_pub(&pk, p, 33)) return VC_BAD_PUBKEY;
  if (!secp256k1_ecdsa_signature_parse_compact(ctx, &sig, s)) return VC_BAD_SIGNATURE;
  /* libsecp256k1 verify rejects high-S, as noble's lowS: true */
  return secp256k1_ecdsa_verify(ctx, &sig, h, &pk) ? VC_OK : VC_BAD_SIGNATURE;
}

int32_t vc_ec_seckey_tweak_add(vc_mem m, uint32_t sec, uint32_t tw, uint32_t out) {
  uint8_t sk[32], t[32];
  CHECK(sec, 32); CHECK(tw, 32); CHECK(out, 32); ENSURE_CTX();
  memcpy(sk, IN(sec), 32); memcpy(t, IN(tw), 32);
  if (!secp256k1_ec_seckey_verify(ctx, sk)) { memset(sk, 0, 32); return VC_BAD_SECRET; }
  if (ge_n(t) || !secp256k1_ec_seckey_tweak_add(ctx, sk, t)) { memset(sk, 0, 32); return VC_BAD_TWEAK; }
  memcpy(IN(out), sk, 32);
  memset(sk, 0, 32);
  return VC_OK;
}

int32_t vc_ec_seckey_tweak_mul(vc_mem m, uint32_t sec, uint32_t tw, uint32_t out) {
  uint8_t sk[32], t[32];
  CHECK(sec, 32); CHECK(tw, 32); CHECK(out, 32); ENSURE_CTX();
  memcpy(sk, IN(sec), 32); memcpy(t, IN(tw), 32);
  if (!secp256k1_ec_seckey_verify(ctx, sk)) { memset(sk, 0, 32); return VC_BAD_SECRET; }
  if (is_zero(t, 32) || ge_n(t) || !secp256k1_ec_seckey_tweak_mul(ctx, sk, t)) { memset(sk, 0, 32); return VC_BAD_TWEAK; }
  memcpy(IN(out), sk, 32);
  memset(sk, 0, 32);
  return VC_OK;
}

int32_t vc_ec_pubkey_tweak_add(vc_mem m, uint32_t pub, uint32_t tw, uint32_t out) {
  uint8_t p[33], t[32], o[33];
  secp256k1_pubkey pk;
  CHECK(pub, 33); CHECK(tw, 32); CHECK(out, 33); ENSURE_CTX();
  memcpy(p, IN(pub), 33); memcpy(t, IN(tw), 32);
  if (!parse_pub(&pk, p, 33)) return VC_BAD_PUBKEY;
  if (ge_n(t) || !secp256k1_ec_pubkey_tweak_add(ctx, &pk, t)) return VC_BAD_TWEAK;
  ser_pub(o, &pk);
  memcpy(IN(out), o, 33);
  return VC_OK;
}

int32_t vc_ec_pubkey_tweak_mul(vc_mem m, uint32_t pub, uint32_t tw, uint32_t out) {
  uint8_t p[33], t[32], o[33];
  secp256k1_pubkey pk;
  CHECK(pub, 33); CHECK(tw, 32); CHECK(out, 33); ENSURE_CTX();
  memcpy(p, IN(pub), 33); memcpy(t, IN(tw), 32);
  if (!parse_pub(&pk, p, 33)) return VC_BAD_PUBKEY;
  if (is_zero(t, 32) || ge_n(t) || !secp256k1_ec_pubkey_tweak_mul(ctx, &pk, t)) return VC_BAD_TWEAK;
  ser_pub(o, &pk);
  memcpy(IN(out), o, 33);
  return VC_OK;
}

/* Sum of n keys in chunks (bounded stack); an accumulator that reaches
 * infinity midway is tracked, as noble's running sum allows it. Every key is
 * validated (BAD_PUBKEY) before the sum's infinity (BAD_TWEAK) is reported. */
#define COMBINE_CHUNK 8
int32_t vc_ec_pubkey_combine(vc_mem m, uint32_t pubs, uint32_t n, uint32_t out) {
  secp256k1_pubkey keys[COMBINE_CHUNK + 1], acc;
  const secp256k1_pubkey *ptrs[COMBINE_CHUNK + 1];
  uint8_t p[33], o[33];
  int have_acc = 0;
  if (n == 0 || n > 1024) return VC_BAD_LENGTH;
  CHECK(pubs, n * 33); CHECK(out, 33); ENSURE_CTX();
  for (uint32_t i = 0; i < n; i += COMBINE_CHUNK) {
    uint32_t k = n - i < COMBINE_CHUNK ? n - i : COMBINE_CHUNK, c = 0;
    if (have_acc) { keys[c] = acc; ptrs[c] = &keys[c]; c++; }
    for (uint32_t j = 0; j < k; j++) {
      memcpy(p, IN(pubs + (i + j) * 33), 33);
      if (!parse_pub(&keys[c], p, 33)) return VC_BAD_PUBKEY;
      ptrs[c] = &keys[c]; c++;
    }
    have_acc = secp256k1_ec_pubkey_combine(ctx, &acc, ptrs, c);
  }
  if (!have_acc) return VC_BAD_TWEAK;
  ser_pub(o, &acc);
  memcpy(IN(out), o, 33);
  return VC_OK;
}

int32_t vc_ecdh(vc_mem m, uint32_t sec, uint32_t pub, uint32_t out) {
  uint8_t sk[32], p[33], o[32];
  secp256k1_pubkey pk;
  CHECK(sec, 32); CHECK(pub, 33); CHECK(out, 32); ENSURE_CTX();
  memcpy(sk, IN(sec), 32); memcpy(p, IN(pub), 33);
  if (!secp256k1_ec_seckey_verify(ctx, sk)) { memset(sk, 0, 32); return VC_BAD_SECRET; }
  if (!parse_pub(&pk, p, 33)) { memset(sk, 0, 32); return VC_BAD_PUBKEY; }
  /* default hash: SHA256(0x02|0x03 || x), i.e. of the compressed point (BOLT 8) */
  int r = secp256k1_ecdh(ctx, o, &pk, sk, NULL, NULL);
  memset(sk, 0, 32);
  if (!r) return VC_BAD_SECRET;
  memcpy(IN(out), o, 32);
  return VC_OK;
}

int32_t vc_schnorr_sign(vc_mem m, uint32_t sec, uint32_t msg, uint32_t ml, uint32_t aux, uint32_t out) {
  uint8_t sk[32], a[32], o[64];
  secp256k1_keypair kp;
  secp256k1_schnorrsig_extraparams ep = SECP256K1_SCHNORRSIG_EXTRAPARAMS_INIT;
  CHECK(sec, 32); CHECK(msg, ml); CHECK(aux, 32); CHECK(out, 64); ENSURE_CTX();
  memcpy(sk, IN(sec), 32); memcpy(a, IN(aux), 32);
  if (!secp256k1_keypair_create(ctx, &kp, sk)) { memset(sk, 0, 32); return VC_BAD_SECRET; }
  memset(sk, 0, 32);
  ep.ndata = a; /* BIP340 nonce with aux rand (default nonce function) */
  /* the message is read from guest memory in place: nothing is written before the end */
  int r = secp256k1_schnorrsig_sign_custom(ctx, o, ml ? IN(msg) : NULL, ml, &kp, &ep);
  memset(&kp, 0, sizeof kp);
  if (!r) return VC_BAD_SECRET;
  memcpy(IN(out), o, 64);
  return VC_OK;
}

int32_t vc_schnorr_verify(vc_mem m, uint32_t sigp, uint32_t msg, uint32_t ml, uint32_t xo) {
  uint8_t s[64], x[32];
  secp256k1_xonly_pubkey pk;
  CHECK(sigp, 64); CHECK(msg, ml); CHECK(xo, 32); ENSURE_CTX();
  memcpy(s, IN(sigp), 64); memcpy(x, IN(xo), 32);
  if (!secp256k1_xonly_pubkey_parse(ctx, &pk, x)) return VC_BAD_PUBKEY;
  if (is_zero(s + 32, 32)) return VC_BAD_SIGNATURE; /* noble refuses s = 0 outright */
  return secp256k1_schnorrsig_verify(ctx, s, ml ? IN(msg) : NULL, ml, &pk) ? VC_OK : VC_BAD_SIGNATURE;
}

int32_t vc_xonly_tweak_add(vc_mem m, uint32_t xo, uint32_t tw, uint32_t out) {
  uint8_t x[32], t[32], o[33];
  secp256k1_xonly_pubkey xp;
  secp256k1_pubkey pk;
  CHECK(xo, 32); CHECK(tw, 32); CHECK(out, 33); ENSURE_CTX();
  memcpy(x, IN(xo), 32); memcpy(t, IN(tw), 32);
  if (!secp256k1_xonly_pubkey_parse(ctx, &xp, x)) return VC_BAD_PUBKEY;
  if (ge_n(t) || !secp256k1_xonly_pubkey_tweak_add(ctx, &pk, &xp, t)) return VC_BAD_TWEAK;
  ser_pub(o, &pk);
  memcpy(IN(out), o, 33);
  return VC_OK;
}

int32_t vc_keypair_xonly_tweak_add(vc_mem m, uint32_t sec, uint32_t tw, uint32_t out) {
  uint8_t sk[32], t[32];
  secp256k1_keypair kp;
  CHECK(sec, 32); CHECK(tw, 32); CHECK(out, 32); ENSURE_CTX();
  memcpy(sk, IN(sec), 32); memcpy(t, IN(tw), 32);
  if (!secp256k1_keypair_create(ctx, &kp, sk)) { memset(sk, 0, 32); return VC_BAD_SECRET; }
  int r = !ge_n(t) && secp256k1_keypair_xonly_tweak_add(ctx, &kp, t) && secp256k1_keypair_sec(ctx, sk, &kp);
  memset(&kp, 0, sizeof kp);
  if (!r) { memset(sk, 0, 32); return VC_BAD_TWEAK; }
  memcpy(IN(out), sk, 32);
  memset(sk, 0, 32);
  return VC_OK;
}
