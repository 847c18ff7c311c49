// Typed wrappers over the import contract (imports.ts). Hashes cannot fail on
// valid arrays, so a non-OK status there is a host bug and aborts. Curve
// operations can fail on caller-supplied keys: they return null and the caller
// turns that into a typed error (protocol/errors.ts).
import * as imp from "./imports";
export { Status } from "./imports";

@inline function ptr(a: Uint8Array): usize { return a.dataStart; }

function must(status: i32): void {
  if (status != imp.Status.OK) abort("hash import failed");
}

export function sha256(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  must(imp.sha256(ptr(data), data.length, ptr(out)));
  return out;
}

/** SHA-256 over a sub-range of `data` without copying. */
export function sha256Range(data: Uint8Array, start: i32, len: i32): Uint8Array {
  const out = new Uint8Array(32);
  if (start < 0 || len < 0 || start + len > data.length) abort("sha256Range out of range");
  must(imp.sha256(ptr(data) + <usize>start, len, ptr(out)));
  return out;
}

export function sha256d(data: Uint8Array): Uint8Array {
  return sha256(sha256(data));
}

/** Streaming SHA-256; the 128-byte context lives in guest memory. */
export class Sha256 {
  ctx: Uint8Array = new Uint8Array(128);
  constructor() { must(imp.sha256_init(ptr(this.ctx))); }
  update(data: Uint8Array): Sha256 {
    must(imp.sha256_update(ptr(this.ctx), ptr(data), data.length));
    return this;
  }
  updateRange(data: Uint8Array, start: i32, len: i32): Sha256 {
    if (start < 0 || len < 0 || start + len > data.length) abort("updateRange out of range");
    must(imp.sha256_update(ptr(this.ctx), ptr(data) + <usize>start, len));
    return this;
  }
  digest(): Uint8Array {
    const out = new Uint8Array(32);
    must(imp.sha256_final(ptr(this.ctx), ptr(out)));
    return out;
  }
}

/** BIP340 tagged hash: SHA256(SHA256(tag) || SHA256(tag) || msg). */
export function taggedHash(tag: string, msg: Uint8Array): Uint8Array {
  const t = sha256(Uint8Array.wrap(String.UTF8.encode(tag)));
  return new Sha256().update(t).update(t).update(msg).digest();
}

export function hmacSha256(key: Uint8Array, msg: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  must(imp.hmac_sha256(ptr(key), key.length, ptr(msg), msg.length, ptr(out)));
  return out;
}

export function hmacSha512(key: Uint8Array, msg: Uint8Array): Uint8Array {
  const out = new Uint8Array(64);
  must(imp.hmac_sha512(ptr(key), key.length, ptr(msg), msg.length, ptr(out)));
  return out;
}

export function ripemd160(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(20);
  must(imp.ripemd160(ptr(data), data.length, ptr(out)));
  return out;
}

/** SipHash-2-4(key, data) as a u64 (BIP158 hashes set items with it). */
export function siphash24(key: Uint8Array, data: Uint8Array): u64 {
  const out = new Uint8Array(8);
  must(imp.siphash24(ptr(key), ptr(data), data.length, ptr(out)));
  return load<u64>(out.dataStart);
}

/** RIPEMD160(SHA256(x)), as in P2PKH/P2WPKH. */
export function hash160(data: Uint8Array): Uint8Array {
  return ripemd160(sha256(data));
}

function fixed(a: Uint8Array, n: i32): bool { return a.length == n; }

export function pubkeyCreate(sec: Uint8Array): Uint8Array | null {
  if (!fixed(sec, 32)) return null;
  const out = new Uint8Array(33);
  return imp.ec_pubkey_create(ptr(sec), ptr(out)) == imp.Status.OK ? out : null;
}

/** Validate a 33- or 65-byte key and return its compressed form. */
export function pubkeyParse(key: Uint8Array): Uint8Array | null {
  if (key.length != 33 && key.length != 65) return null;
  const out = new Uint8Array(33);
  return imp.ec_pubkey_parse(ptr(key), key.length, ptr(out)) == imp.Status.OK ? out : null;
}

export function ecdsaSign(sec: Uint8Array, msg32: Uint8Array): Uint8Array | null {
  if (!fixed(sec, 32) || !fixed(msg32, 32)) return null;
  const out = new Uint8Array(64);
  return imp.ecdsa_sign(ptr(sec), ptr(msg32), ptr(out)) == imp.Status.OK ? out : null;
}

export function ecdsaVerify(sig64: Uint8Array, msg32: Uint8Array, pub33: Uint8Array): bool {
  if (!fixed(sig64, 64) || !fixed(msg32, 32) || !fixed(pub33, 33)) return false;
  return imp.ecdsa_verify(ptr(sig64), ptr(msg32), ptr(pub33)) == imp.Status.OK;
}

export function seckeyTweakAdd(sec: Uint8Array, tweak: Uint8Array): Uint8Array | null {
  if (!fixed(sec, 32) || !fixed(tweak, 32)) return null;
  const out = new Uint8Array(32);
  return imp.ec_seckey_tweak_add(ptr(sec), ptr(tweak), ptr(out)) == imp.Status.OK ? out : null;
}

export function seckeyTweakMul(sec: Uint8Array, tweak: Uint8Array): Uint8Array | null {
  if (!fixed(sec, 32) || !fixed(tweak, 32)) return null;
  const out = new Uint8Array(32);
  return imp.ec_seckey_tweak_mul(ptr(sec), ptr(tweak), ptr(out)) == imp.Status.OK ? out : null;
}

export function pubkeyTweakAdd(pub: Uint8Array, tweak: Uint8Array): Uint8Array | null {
  if (!fixed(pub, 33) || !fixed(tweak, 32)) return null;
  const out = new Uint8Array(33);
  return imp.ec_pubkey_tweak_add(ptr(pub), ptr(tweak), ptr(out)) == imp.Status.OK ? out : null;
}

export function pubkeyTweakMul(pub: Uint8Array, tweak: Uint8Array): Uint8Array | null {
  if (!fixed(pub, 33) || !fixed(tweak, 32)) return null;
  const out = new Uint8Array(33);
  return imp.ec_pubkey_tweak_mul(ptr(pub), ptr(tweak), ptr(out)) == imp.Status.OK ? out : null;
}

export function pubkeyCombine2(a: Uint8Array, b: Uint8Array): Uint8Array | null {
  if (!fixed(a, 33) || !fixed(b, 33)) return null;
  const both = new Uint8Array(66);
  both.set(a, 0);
  both.set(b, 33);
  const out = new Uint8Array(33);
  return imp.ec_pubkey_combine(ptr(both), 2, ptr(out)) == imp.Status.OK ? out : null;
}

export function ecdh(sec: Uint8Array, pub: Uint8Array): Uint8Array | null {
  if (!fixed(sec, 32) || !fixed(pub, 33)) return null;
  const out = new Uint8Array(32);
  return imp.ecdh(ptr(sec), ptr(pub), ptr(out)) == imp.Status.OK ? out : null;
}

export function schnorrSign(sec: Uint8Array, msg: Uint8Array, aux32: Uint8Array): Uint8Array | null {
  if (!fixed(sec, 32) || !fixed(aux32, 32)) return null;
  const out = new Uint8Array(64);
  return imp.schnorr_sign(ptr(sec), ptr(msg), msg.length, ptr(aux32), ptr(out)) == imp.Status.OK ? out : null;
}

export function schnorrVerify(sig64: Uint8Array, msg: Uint8Array, xonly32: Uint8Array): bool {
  if (!fixed(sig64, 64) || !fixed(xonly32, 32)) return false;
  return imp.schnorr_verify(ptr(sig64), ptr(msg), msg.length, ptr(xonly32)) == imp.Status.OK;
}

/** BIP341 output key: parity byte || x of lift_x(P) + tweak*G. */
export function xonlyTweakAdd(xonly32: Uint8Array, tweak32: Uint8Array): Uint8Array | null {
  if (!fixed(xonly32, 32) || !fixed(tweak32, 32)) return null;
  const out = new Uint8Array(33);
  return imp.xonly_tweak_add(ptr(xonly32), ptr(tweak32), ptr(out)) == imp.Status.OK ? out : null;
}

export function keypairXonlyTweakAdd(sec: Uint8Array, tweak32: Uint8Array): Uint8Array | null {
  if (!fixed(sec, 32) || !fixed(tweak32, 32)) return null;
  const out = new Uint8Array(32);
  return imp.keypair_xonly_tweak_add(ptr(sec), ptr(tweak32), ptr(out)) == imp.Status.OK ? out : null;
}

