// tools/crypto (0x8000-0x80ff): each import of the contract applied to caller
// data, so hosts and tests can check every import through the core. No signer
// key or state is touched. A non-OK import status becomes INVALID_ARGUMENT
// whose message names the status (e.g. "ecdsa_sign: BAD_SECRET").
import * as imp from "../crypto/imports";
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { Code, CoreError, malformed, invalidArgument } from "../protocol/errors";

export namespace CryptoTool {
  export const SHA256: u16 = 0x8000;
  export const SHA256_STREAM: u16 = 0x8001;
  export const HMAC_SHA256: u16 = 0x8002;
  export const HMAC_SHA512: u16 = 0x8003;
  export const RIPEMD160: u16 = 0x8004;
  export const PUBKEY_CREATE: u16 = 0x8005;
  export const PUBKEY_PARSE: u16 = 0x8006;
  export const ECDSA_SIGN: u16 = 0x8007;
  export const ECDSA_VERIFY: u16 = 0x8008;
  export const SECKEY_TWEAK_ADD: u16 = 0x8009;
  export const SECKEY_TWEAK_MUL: u16 = 0x800a;
  export const PUBKEY_TWEAK_ADD: u16 = 0x800b;
  export const PUBKEY_TWEAK_MUL: u16 = 0x800c;
  export const PUBKEY_COMBINE: u16 = 0x800d;
  export const ECDH: u16 = 0x800e;
  export const SCHNORR_SIGN: u16 = 0x800f;
  export const SCHNORR_VERIFY: u16 = 0x8010;
  export const XONLY_TWEAK_ADD: u16 = 0x8011;
  export const KEYPAIR_XONLY_TWEAK_ADD: u16 = 0x8012;
  export const SIPHASH24: u16 = 0x8013;
}

const MAX_DATA: i32 = 16384;
const MAX_KEYS: i32 = 64;

const STATUS_NAMES: string[] = ["OK", "BAD_SECRET", "BAD_PUBKEY", "BAD_SIGNATURE", "BAD_TWEAK", "BAD_POINTER", "BAD_LENGTH"];

function statusError(name: string, s: i32): CoreError {
  const label = s >= 0 && s < STATUS_NAMES.length ? STATUS_NAMES[s] : "STATUS_" + s.toString();
  return invalidArgument(name + ": " + label);
}

@inline function p(a: Uint8Array): usize { return a.dataStart; }

/** Finish the request, then emit `out` if the import said OK. */
function done(r: Reader, w: Writer, name: string, s: i32, out: Uint8Array): CoreError | null {
  if (s != imp.Status.OK) return statusError(name, s);
  w.bytes(out);
  return null;
}

export function handleCryptoTool(method: u16, r: Reader, w: Writer): CoreError | null {
  // Every tool reads its fields, then requires the payload to be consumed exactly.
  let a: Uint8Array, b: Uint8Array, c: Uint8Array;
  let out: Uint8Array;
  let s: i32;
  switch (method) {
    case CryptoTool.SHA256:
    case CryptoTool.RIPEMD160: {
      a = r.varbytes(MAX_DATA);
      if (!r.finish()) return malformed(r.err!);
      out = new Uint8Array(method == CryptoTool.SHA256 ? 32 : 20);
      s = method == CryptoTool.SHA256 ? imp.sha256(p(a), a.length, p(out)) : imp.ripemd160(p(a), a.length, p(out));
      return done(r, w, method == CryptoTool.SHA256 ? "sha256" : "ripemd160", s, out);
    }
    case CryptoTool.SHA256_STREAM: {
      // u16 count | count x varbytes chunk
      const n = <i32>r.u16();
      const ctx = new Uint8Array(128);
      s = imp.sha256_init(p(ctx));
      for (let i = 0; i < n && r.ok() && s == imp.Status.OK; i++) {
        a = r.varbytes(MAX_DATA);
        if (r.ok()) s = imp.sha256_update(p(ctx), p(a), a.length);
      }
      if (!r.finish()) return malformed(r.err!);
      out = new Uint8Array(32);
      if (s == imp.Status.OK) s = imp.sha256_final(p(ctx), p(out));
      return done(r, w, "sha256_stream", s, out);
    }
    case CryptoTool.HMAC_SHA256:
    case CryptoTool.HMAC_SHA512: {
      a = r.varbytes(MAX_DATA);
      b = r.varbytes(MAX_DATA);
      if (!r.finish()) return malformed(r.err!);
      const is256 = method == CryptoTool.HMAC_SHA256;
      out = new Uint8Array(is256 ? 32 : 64);
      s = is256 ? imp.hmac_sha256(p(a), a.length, p(b), b.length, p(out)) : imp.hmac_sha512(p(a), a.length, p(b), b.length, p(out));
      return done(r, w, is256 ? "hmac_sha256" : "hmac_sha512", s, out);
    }
    case CryptoTool.SIPHASH24: {
      a = r.bytes(16);
      b = r.varbytes(MAX_DATA);
      if (!r.finish()) return malformed(r.err!);
      out = new Uint8Array(8);
      return done(r, w, "siphash24", imp.siphash24(p(a), p(b), b.length, p(out)), out);
    }
    case CryptoTool.PUBKEY_CREATE: {
      a = r.bytes(32);
      if (!r.finish()) return malformed(r.err!);
      out = new Uint8Array(33);
      return done(r, w, "ec_pubkey_create", imp.ec_pubkey_create(p(a), p(out)), out);
    }
    case CryptoTool.PUBKEY_PARSE: {
      a = r.varbytes(65);
      if (!r.finish()) return malformed(r.err!);
      out = new Uint8Array(33);
      return done(r, w, "ec_pubkey_parse", imp.ec_pubkey_parse(p(a), a.length, p(out)), out);
    }
    case CryptoTool.ECDSA_SIGN: {
      a = r.bytes(32);
      b = r.bytes(32);
      if (!r.finish()) return malformed(r.err!);
      out = new Uint8Array(64);
      return done(r, w, "ecdsa_sign", imp.ecdsa_sign(p(a), p(b), p(out)), out);
    }
    case CryptoTool.ECDSA_VERIFY: {
      a = r.bytes(64);
      b = r.bytes(32);
      c = r.bytes(33);
      if (!r.finish()) return malformed(r.err!);
      return done(r, w, "ecdsa_verify", imp.ecdsa_verify(p(a), p(b), p(c)), new Uint8Array(0));
    }
    case CryptoTool.SECKEY_TWEAK_ADD:
    case CryptoTool.SECKEY_TWEAK_MUL:
    case CryptoTool.KEYPAIR_XONLY_TWEAK_ADD: {
      a = r.bytes(32);
      b = r.bytes(32);
      if (!r.finish()) return malformed(r.err!);
      out = new Uint8Array(32);
      if (method == CryptoTool.SECKEY_TWEAK_ADD) return done(r, w, "ec_seckey_tweak_add", imp.ec_seckey_tweak_add(p(a), p(b), p(out)), out);
      if (method == CryptoTool.SECKEY_TWEAK_MUL) return done(r, w, "ec_seckey_tweak_mul", imp.ec_seckey_tweak_mul(p(a), p(b), p(out)), out);
      return done(r, w, "keypair_xonly_tweak_add", imp.keypair_xonly_tweak_add(p(a), p(b), p(out)), out);
    }
    case CryptoTool.PUBKEY_TWEAK_ADD:
    case CryptoTool.PUBKEY_TWEAK_MUL: {
      a = r.bytes(33);
      b = r.bytes(32);
      if (!r.finish()) return malformed(r.err!);
      out = new Uint8Array(33);
      if (method == CryptoTool.PUBKEY_TWEAK_ADD) return done(r, w, "ec_pubkey_tweak_add", imp.ec_pubkey_tweak_add(p(a), p(b), p(out)), out);
      return done(r, w, "ec_pubkey_tweak_mul", imp.ec_pubkey_tweak_mul(p(a), p(b), p(out)), out);
    }
    case CryptoTool.PUBKEY_COMBINE: {
      const n = <i32>r.u16();
      if (r.ok() && (n < 1 || n > MAX_KEYS)) r.fail("key count out of range");
      a = r.bytes(n * 33);
      if (!r.finish()) return malformed(r.err!);
      out = new Uint8Array(33);
      return done(r, w, "ec_pubkey_combine", imp.ec_pubkey_combine(p(a), n, p(out)), out);
    }
    case CryptoTool.ECDH: {
      a = r.bytes(32);
      b = r.bytes(33);
      if (!r.finish()) return malformed(r.err!);
      out = new Uint8Array(32);
      return done(r, w, "ecdh", imp.ecdh(p(a), p(b), p(out)), out);
    }
    case CryptoTool.SCHNORR_SIGN: {
      a = r.bytes(32);
      b = r.varbytes(MAX_DATA);
      c = r.bytes(32);
      if (!r.finish()) return malformed(r.err!);
      out = new Uint8Array(64);
      return done(r, w, "schnorr_sign", imp.schnorr_sign(p(a), p(b), b.length, p(c), p(out)), out);
    }
    case CryptoTool.SCHNORR_VERIFY: {
      a = r.bytes(64);
      b = r.varbytes(MAX_DATA);
      c = r.bytes(32);
      if (!r.finish()) return malformed(r.err!);
      return done(r, w, "schnorr_verify", imp.schnorr_verify(p(a), p(b), b.length, p(c)), new Uint8Array(0));
    }
    case CryptoTool.XONLY_TWEAK_ADD: {
      a = r.bytes(32);
      b = r.bytes(32);
      if (!r.finish()) return malformed(r.err!);
      out = new Uint8Array(33);
      return done(r, w, "xonly_tweak_add", imp.xonly_tweak_add(p(a), p(b), p(out)), out);
    }
  }
  return new CoreError(Code.UNKNOWN_METHOD, "unknown method");
}
