/* The import contract of docs/imports.md in C, independent of the engine.
 * Every function takes the guest's linear memory (base, size) and the i32
 * arguments of the import; every (ptr, len) is checked against the memory
 * before anything is read or written (BAD_POINTER otherwise), and outputs are
 * written only when the status is VC_OK. */
#ifndef VIGIL_CRYPTO_H
#define VIGIL_CRYPTO_H
#include <stdint.h>
#include <stddef.h>

enum {
  VC_OK = 0, VC_BAD_SECRET = 1, VC_BAD_PUBKEY = 2, VC_BAD_SIGNATURE = 3,
  VC_BAD_TWEAK = 4, VC_BAD_POINTER = 5, VC_BAD_LENGTH = 6
};

/* Guest memory: base and size in bytes. */
typedef struct { uint8_t *base; uint64_t size; } vc_mem;

/* Creates the libsecp256k1 context (static storage, no malloc). 0 on success. */
int vc_init(void);

int32_t vc_sha256(vc_mem m, uint32_t in, uint32_t in_len, uint32_t out32);
int32_t vc_sha256_init(vc_mem m, uint32_t ctx);
int32_t vc_sha256_update(vc_mem m, uint32_t ctx, uint32_t in, uint32_t in_len);
int32_t vc_sha256_final(vc_mem m, uint32_t ctx, uint32_t out32);
int32_t vc_hmac_sha256(vc_mem m, uint32_t key, uint32_t key_len, uint32_t msg, uint32_t msg_len, uint32_t out32);
int32_t vc_hmac_sha512(vc_mem m, uint32_t key, uint32_t key_len, uint32_t msg, uint32_t msg_len, uint32_t out64);
int32_t vc_ripemd160(vc_mem m, uint32_t in, uint32_t in_len, uint32_t out20);
int32_t vc_siphash24(vc_mem m, uint32_t key16, uint32_t in, uint32_t in_len, uint32_t out8);
int32_t vc_ec_pubkey_create(vc_mem m, uint32_t sec32, uint32_t out33);
int32_t vc_ec_pubkey_parse(vc_mem m, uint32_t in, uint32_t in_len, uint32_t out33);
int32_t vc_ecdsa_sign(vc_mem m, uint32_t sec32, uint32_t msg32, uint32_t out64);
int32_t vc_ecdsa_verify(vc_mem m, uint32_t sig64, uint32_t msg32, uint32_t pub33);
int32_t vc_ec_seckey_tweak_add(vc_mem m, uint32_t sec32, uint32_t tweak32, uint32_t out32);
int32_t vc_ec_seckey_tweak_mul(vc_mem m, uint32_t sec32, uint32_t tweak32, uint32_t out32);
int32_t vc_ec_pubkey_tweak_add(vc_mem m, uint32_t pub33, uint32_t tweak32, uint32_t out33);
int32_t vc_ec_pubkey_tweak_mul(vc_mem m, uint32_t pub33, uint32_t tweak32, uint32_t out33);
int32_t vc_ec_pubkey_combine(vc_mem m, uint32_t pubs, uint32_t n, uint32_t out33);
int32_t vc_ecdh(vc_mem m, uint32_t sec32, uint32_t pub33, uint32_t out32);
int32_t vc_schnorr_sign(vc_mem m, uint32_t sec32, uint32_t msg, uint32_t msg_len, uint32_t aux32, uint32_t out64);
int32_t vc_schnorr_verify(vc_mem m, uint32_t sig64, uint32_t msg, uint32_t msg_len, uint32_t xonly32);
int32_t vc_xonly_tweak_add(vc_mem m, uint32_t xonly32, uint32_t tweak32, uint32_t out33);
int32_t vc_keypair_xonly_tweak_add(vc_mem m, uint32_t sec32, uint32_t tweak32, uint32_t out32);

/* The small hashes, for the firmware itself (serial CRC aside). */
typedef struct { uint32_t h[8]; uint64_t total; uint8_t buf[64]; uint32_t pos; } vc_sha256_ctx;
void vc_sha256_begin(vc_sha256_ctx *c);
void vc_sha256_absorb(vc_sha256_ctx *c, const uint8_t *p, size_t n);
void vc_sha256_finish(vc_sha256_ctx *c, uint8_t out[32]);
void vc_sha256_raw(const uint8_t *p, size_t n, uint8_t out[32]);
void vc_sha512_raw(const uint8_t *p, size_t n, uint8_t out[64]);
void vc_hmac256_raw(const uint8_t *k, size_t kl, const uint8_t *m, size_t ml, uint8_t out[32]);
void vc_hmac512_raw(const uint8_t *k, size_t kl, const uint8_t *m, size_t ml, uint8_t out[64]);
void vc_ripemd160_raw(const uint8_t *p, size_t n, uint8_t out[20]);
uint64_t vc_siphash24_raw(const uint8_t key[16], const uint8_t *p, size_t n);

/* Hook for a hardware SHA-256 block function (ESP32): processes one 64-byte
 * block into h[8]. NULL (default) uses the C compression function. */
extern void (*vc_sha256_block_hook)(uint32_t h[8], const uint8_t block[64]);

#endif
