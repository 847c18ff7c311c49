/* The `vigil` import list (docs/imports.md): name, arity, wasm3 signature.
 * Both engines expand it; the shim (firmware/shim) does the work. */
#define VIGIL_IMPORTS(X) \
  X(sha256, 3, "i(iii)") \
  X(sha256_init, 1, "i(i)") \
  X(sha256_update, 3, "i(iii)") \
  X(sha256_final, 2, "i(ii)") \
  X(hmac_sha256, 5, "i(iiiii)") \
  X(hmac_sha512, 5, "i(iiiii)") \
  X(ripemd160, 3, "i(iii)") \
  X(siphash24, 4, "i(iiii)") \
  X(ec_pubkey_create, 2, "i(ii)") \
  X(ec_pubkey_parse, 3, "i(iii)") \
  X(ecdsa_sign, 3, "i(iii)") \
  X(ecdsa_verify, 3, "i(iii)") \
  X(ec_seckey_tweak_add, 3, "i(iii)") \
  X(ec_seckey_tweak_mul, 3, "i(iii)") \
  X(ec_pubkey_tweak_add, 3, "i(iii)") \
  X(ec_pubkey_tweak_mul, 3, "i(iii)") \
  X(ec_pubkey_combine, 3, "i(iii)") \
  X(ecdh, 3, "i(iii)") \
  X(schnorr_sign, 5, "i(iiiii)") \
  X(schnorr_verify, 4, "i(iiii)") \
  X(xonly_tweak_add, 3, "i(iii)") \
  X(keypair_xonly_tweak_add, 3, "i(iii)")
