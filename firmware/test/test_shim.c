/* Unit test of the C shim against published vectors (FIPS 180, RFC 4231,
 * RIPEMD-160 paper, SipHash paper, BIP340) and the bounds rule. */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include "../shim/vigil_crypto.h"

static uint8_t mem[65536];
static vc_mem M = { mem, sizeof mem };
static int fails = 0;

static void hex(const char *h, uint8_t *out) { for (size_t i = 0; i < strlen(h) / 2; i++) sscanf(h + 2 * i, "%2hhx", &out[i]); }
static void expect(const char *name, const uint8_t *got, const char *want) {
  uint8_t w[128]; size_t n = strlen(want) / 2; hex(want, w);
  if (memcmp(got, w, n)) {
    printf("FAIL %s: got ", name); for (size_t i = 0; i < n; i++) printf("%02x", got[i]); printf("\n"); fails++;
  } else printf("ok   %s\n", name);
}
static void expect_st(const char *name, int got, int want) {
  if (got != want) { printf("FAIL %s: status %d, want %d\n", name, got, want); fails++; } else printf("ok   %s\n", name);
}

int main(void) {
  if (vc_init()) { printf("vc_init failed\n"); return 1; }
  memcpy(mem, "abc", 3);
  expect_st("sha256 status", vc_sha256(M, 0, 3, 100), 0);
  expect("sha256(abc)", mem + 100, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  /* streaming: 1000 bytes in odd pieces equals one shot */
  for (int i = 0; i < 1000; i++) mem[1000 + i] = (uint8_t)(i * 7);
  vc_sha256(M, 1000, 1000, 200);
  vc_sha256_init(M, 3000);
  uint32_t off = 0, step = 1;
  while (off < 1000) { uint32_t k = step > 1000 - off ? 1000 - off : step; vc_sha256_update(M, 3000, 1000 + off, k); off += k; step = step * 3 + 1; }
  vc_sha256_final(M, 3000, 232);
  if (memcmp(mem + 200, mem + 232, 32)) { printf("FAIL sha256 stream\n"); fails++; } else printf("ok   sha256 stream\n");
  expect_st("sha256_update spent ctx", vc_sha256_update(M, 3000, 0, 1), 6);
  /* RFC 4231 test case 2 */
  memcpy(mem, "Jefe", 4); memcpy(mem + 10, "what do ya want for nothing?", 28);
  vc_hmac_sha256(M, 0, 4, 10, 28, 100);
  expect("hmac-sha256 rfc4231#2", mem + 100, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  vc_hmac_sha512(M, 0, 4, 10, 28, 100);
  expect("hmac-sha512 rfc4231#2", mem + 100, "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
  memset(mem, 0xaa, 131); memcpy(mem + 200, "Test Using Larger Than Block-Size Key - Hash Key First", 54);
  vc_hmac_sha512(M, 0, 131, 200, 54, 300);
  expect("hmac-sha512 rfc4231#6", mem + 300, "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598");
  memcpy(mem, "abc", 3);
  vc_ripemd160(M, 0, 3, 100);
  expect("ripemd160(abc)", mem + 100, "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc");
  vc_ripemd160(M, 0, 0, 100);
  expect("ripemd160()", mem + 100, "9c1185a5c5e9fc54612808977ee8f548b2258d31");
  for (int i = 0; i < 16; i++) mem[i] = i;
  for (int i = 0; i < 15; i++) mem[20 + i] = i;
  vc_siphash24(M, 0, 20, 15, 100);
  expect("siphash24 paper", mem + 100, "e545be4961ca29a1");
  /* secp256k1 */
  memset(mem, 0, 32); mem[31] = 1;
  vc_ec_pubkey_create(M, 0, 100);
  expect("pubkey(1)", mem + 100, "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
  memset(mem, 0, 32);
  expect_st("pubkey(0) BAD_SECRET", vc_ec_pubkey_create(M, 0, 100), 1);
  /* BIP340 vector 1 */
  hex("B7E151628AED2A6ABF7158809CF4F3C762E7160F38B4DA56A784D9045190CFEF", mem);
  hex("243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89", mem + 32);
  hex("0000000000000000000000000000000000000000000000000000000000000001", mem + 64);
  expect_st("schnorr_sign", vc_schnorr_sign(M, 0, 32, 32, 64, 200), 0);
  expect("bip340 #1", mem + 200, "6896BD60EEAE296DB48A229FF71DFE071BDE413E6D43F917DC8DCF8C78DE33418906D11AC976ABCCB20B091292BFF4EA897EFCB639EA871CFA95F6DE339E4B0A");
  hex("DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659", mem + 300);
  expect_st("schnorr_verify", vc_schnorr_verify(M, 200, 32, 32, 300), 0);
  mem[201] ^= 1;
  expect_st("schnorr_verify tampered", vc_schnorr_verify(M, 200, 32, 32, 300), 3);
  /* ECDSA: RFC 6979 low-S round trip; key 1, digest sha256("abc") */
  memset(mem, 0, 32); mem[31] = 1;
  vc_sha256_raw((const uint8_t *)"abc", 3, mem + 32);
  expect_st("ecdsa_sign", vc_ecdsa_sign(M, 0, 32, 400), 0);
  vc_ec_pubkey_create(M, 0, 500);
  expect_st("ecdsa_verify", vc_ecdsa_verify(M, 400, 32, 500), 0);
  /* bounds: nothing written */
  memset(mem + 100, 0x11, 64);
  expect_st("BAD_POINTER out", vc_sha256(M, 0, 3, sizeof mem - 31), 5);
  expect_st("BAD_POINTER wrap", vc_sha256(M, 0xffffffffu, 2, 100), 5);
  expect_st("BAD_POINTER len", vc_ecdsa_sign(M, sizeof mem - 10, 32, 100), 5);
  if (mem[100] != 0x11) { printf("FAIL written on BAD_POINTER\n"); fails++; }
  expect_st("combine n=0", vc_ec_pubkey_combine(M, 500, 0, 100), 6);
  printf(fails ? "%d FAILED\n" : "all passed\n", fails);
  return fails != 0;
}
