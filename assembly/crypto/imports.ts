// The import contract (docs/imports.md). This is the only file in the core that
// declares imports. Every function takes pointers and lengths into linear memory
// and returns a status code (Status below); outputs are written only on OK.
// Hosts: host/crypto/noble.ts (Node), firmware/shim/ (libsecp256k1 + C hashes).

// Status codes shared by every import.
export namespace Status {
  export const OK: i32 = 0;
  export const BAD_SECRET: i32 = 1; // zero or >= n
  export const BAD_PUBKEY: i32 = 2; // not a valid encoding of a curve point
  export const BAD_SIGNATURE: i32 = 3; // verification failed or malformed signature
  export const BAD_TWEAK: i32 = 4; // tweak >= n, or the result is zero / infinity
  export const BAD_POINTER: i32 = 5; // a pointer/length leaves linear memory
  export const BAD_LENGTH: i32 = 6; // a length argument out of range
}

// SHA-256 (FIPS 180-4), one-shot.
@external("vigil", "sha256")
export declare function sha256(inPtr: usize, inLen: usize, out32: usize): i32;

// SHA-256 streaming over a 128-byte context owned by the guest (layout in docs/imports.md).
@external("vigil", "sha256_init")
export declare function sha256_init(ctx: usize): i32;
@external("vigil", "sha256_update")
export declare function sha256_update(ctx: usize, inPtr: usize, inLen: usize): i32;
@external("vigil", "sha256_final")
export declare function sha256_final(ctx: usize, out32: usize): i32;

// HMAC (RFC 2104) over SHA-256 and SHA-512.
@external("vigil", "hmac_sha256")
export declare function hmac_sha256(keyPtr: usize, keyLen: usize, msgPtr: usize, msgLen: usize, out32: usize): i32;
@external("vigil", "hmac_sha512")
export declare function hmac_sha512(keyPtr: usize, keyLen: usize, msgPtr: usize, msgLen: usize, out64: usize): i32;

// RIPEMD-160.
@external("vigil", "ripemd160")
export declare function ripemd160(inPtr: usize, inLen: usize, out20: usize): i32;

// SipHash-2-4 with a 16-byte key; the 64-bit result little-endian (BIP158 item hashing).
@external("vigil", "siphash24")
export declare function siphash24(key16: usize, inPtr: usize, inLen: usize, out8: usize): i32;

// secp256k1: compressed public key (33 bytes) of a 32-byte secret.
@external("vigil", "ec_pubkey_create")
export declare function ec_pubkey_create(sec32: usize, out33: usize): i32;
// Parse a 33- or 65-byte public key and write its 33-byte compressed form.
@external("vigil", "ec_pubkey_parse")
export declare function ec_pubkey_parse(inPtr: usize, inLen: usize, out33: usize): i32;
// ECDSA sign a 32-byte digest: RFC 6979 nonce, low-S, compact r||s.
@external("vigil", "ecdsa_sign")
export declare function ecdsa_sign(sec32: usize, msg32: usize, out64: usize): i32;
// ECDSA verify compact r||s (high-S is rejected) against a 33-byte key.
@external("vigil", "ecdsa_verify")
export declare function ecdsa_verify(sig64: usize, msg32: usize, pub33: usize): i32;
// (sec + tweak) mod n, (sec * tweak) mod n.
@external("vigil", "ec_seckey_tweak_add")
export declare function ec_seckey_tweak_add(sec32: usize, tweak32: usize, out32: usize): i32;
@external("vigil", "ec_seckey_tweak_mul")
export declare function ec_seckey_tweak_mul(sec32: usize, tweak32: usize, out32: usize): i32;
// P + tweak*G, tweak*P.
@external("vigil", "ec_pubkey_tweak_add")
export declare function ec_pubkey_tweak_add(pub33: usize, tweak32: usize, out33: usize): i32;
@external("vigil", "ec_pubkey_tweak_mul")
export declare function ec_pubkey_tweak_mul(pub33: usize, tweak32: usize, out33: usize): i32;
// Sum of n contiguous 33-byte keys.
@external("vigil", "ec_pubkey_combine")
export declare function ec_pubkey_combine(pubs: usize, n: usize, out33: usize): i32;
// ECDH as BOLT 8: SHA-256 of the compressed shared point.
@external("vigil", "ecdh")
export declare function ecdh(sec32: usize, pub33: usize, out32: usize): i32;
// BIP340 Schnorr over a message of any length, with 32 bytes of auxiliary randomness.
@external("vigil", "schnorr_sign")
export declare function schnorr_sign(sec32: usize, msgPtr: usize, msgLen: usize, aux32: usize, out64: usize): i32;
@external("vigil", "schnorr_verify")
export declare function schnorr_verify(sig64: usize, msgPtr: usize, msgLen: usize, xonly32: usize): i32;
// x-only tweak (BIP341): Q = lift_x(P) + tweak*G, out33 = parity byte (0x02/0x03) || x(Q).
@external("vigil", "xonly_tweak_add")
export declare function xonly_tweak_add(xonly32: usize, tweak32: usize, out33: usize): i32;
// The secret key of Q above: (d' + tweak) mod n, with d' = d or n-d so that d'G has even y.
@external("vigil", "keypair_xonly_tweak_add")
export declare function keypair_xonly_tweak_add(sec32: usize, tweak32: usize, out32: usize): i32;

// Called by the AssemblyScript runtime on an unrecoverable error (a bug in the
// core). The host must treat it as a trap: discard the instance and rebuild it.
@external("vigil", "abort")
declare function host_abort(msg: usize, file: usize, line: u32, col: u32): void;

export function vigil_abort(msg: string | null = null, file: string | null = null, line: u32 = 0, col: u32 = 0): void {
  host_abort(changetype<usize>(msg), changetype<usize>(file), line, col);
  unreachable();
}
