// The import contract (docs/imports.md) implemented with @noble/curves and
// @noble/hashes, for the core running under Node. Every pointer/length pair is
// checked against linear memory first: out of range is BAD_POINTER, never a
// read or write outside the guest. Outputs are written only on OK.
import { secp256k1, schnorr } from "@noble/curves/secp256k1.js";
import { sha256 as nobleSha256, sha512 } from "@noble/hashes/sha2.js";
import { hmac } from "@noble/hashes/hmac.js";
import { ripemd160 as nobleRipemd160 } from "@noble/hashes/legacy.js";
import { siphash24 } from "./siphash.js";

export const Status = {
  OK: 0,
  BAD_SECRET: 1,
  BAD_PUBKEY: 2,
  BAD_SIGNATURE: 3,
  BAD_TWEAK: 4,
  BAD_POINTER: 5,
  BAD_LENGTH: 6,
} as const;

const Point = secp256k1.Point;
const N = Point.CURVE().n;
const SHA256_CTX_SIZE = 128;
const SHA256_CTX_MAGIC = 0x56; // byte 105 of an initialised context

export class GuestTrap extends Error {}

function toBig(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

function fromBig(v: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** A scalar in [1, n-1], or null. */
function secret(b: Uint8Array): bigint | null {
  const v = toBig(b);
  return v > 0n && v < N ? v : null;
}

function point(b: Uint8Array) {
  try {
    if (b.length !== 33 && b.length !== 65) return null;
    const p = Point.fromBytes(b);
    p.assertValidity();
    return p;
  } catch {
    return null;
  }
}

function liftX(x: Uint8Array) {
  try {
    return schnorr.utils.lift_x(toBig(x));
  } catch {
    return null;
  }
}

/**
 * Builds the `vigil` import object for an instance whose memory is returned by
 * `memory()` (bound after instantiation).
 */
export function nobleImports(memory: () => WebAssembly.Memory) {
  const mem = () => new Uint8Array(memory().buffer);
  const inRange = (ptr: number, len: number) => {
    const size = memory().buffer.byteLength;
    return Number.isInteger(ptr) && Number.isInteger(len) && ptr >= 0 && len >= 0 && ptr + len <= size;
  };
  // Reads copy out of guest memory so later writes cannot alias inputs.
  const read = (ptr: number, len: number) => mem().slice(ptr, ptr + len);
  const write = (ptr: number, data: Uint8Array) => mem().set(data, ptr);
  // ptr >>> 0: pointers arrive as i32 and are unsigned in the guest.
  const checked = (spans: Array<[number, number]>) => spans.every(([p, l]) => inRange(p >>> 0, l >>> 0));

  const vigil = {
    sha256(inPtr: number, inLen: number, out: number): number {
      if (!checked([[inPtr, inLen], [out, 32]])) return Status.BAD_POINTER;
      write(out >>> 0, nobleSha256(read(inPtr >>> 0, inLen >>> 0)));
      return Status.OK;
    },

    sha256_init(ctx: number): number {
      if (!checked([[ctx, SHA256_CTX_SIZE]])) return Status.BAD_POINTER;
      write(ctx >>> 0, encodeCtx(nobleSha256.create()));
      return Status.OK;
    },

    sha256_update(ctx: number, inPtr: number, inLen: number): number {
      if (!checked([[ctx, SHA256_CTX_SIZE], [inPtr, inLen]])) return Status.BAD_POINTER;
      const h = decodeCtx(read(ctx >>> 0, SHA256_CTX_SIZE));
      if (!h) return Status.BAD_LENGTH;
      h.update(read(inPtr >>> 0, inLen >>> 0));
      write(ctx >>> 0, encodeCtx(h));
      return Status.OK;
    },

    sha256_final(ctx: number, out: number): number {
      if (!checked([[ctx, SHA256_CTX_SIZE], [out, 32]])) return Status.BAD_POINTER;
      const h = decodeCtx(read(ctx >>> 0, SHA256_CTX_SIZE));
      if (!h) return Status.BAD_LENGTH;
      write(out >>> 0, h.digest());
      write(ctx >>> 0, new Uint8Array(SHA256_CTX_SIZE)); // a finished context is spent
      return Status.OK;
    },

    hmac_sha256(k: number, kl: number, m: number, ml: number, out: number): number {
      if (!checked([[k, kl], [m, ml], [out, 32]])) return Status.BAD_POINTER;
      write(out >>> 0, hmac(nobleSha256, read(k >>> 0, kl >>> 0), read(m >>> 0, ml >>> 0)));
      return Status.OK;
    },

    hmac_sha512(k: number, kl: number, m: number, ml: number, out: number): number {
      if (!checked([[k, kl], [m, ml], [out, 64]])) return Status.BAD_POINTER;
      write(out >>> 0, hmac(sha512, read(k >>> 0, kl >>> 0), read(m >>> 0, ml >>> 0)));
      return Status.OK;
    },

    ripemd160(inPtr: number, inLen: number, out: number): number {
      if (!checked([[inPtr, inLen], [out, 20]])) return Status.BAD_POINTER;
      write(out >>> 0, nobleRipemd160(read(inPtr >>> 0, inLen >>> 0)));
      return Status.OK;
    },

    siphash24(key: number, inPtr: number, inLen: number, out: number): number {
      if (!checked([[key, 16], [inPtr, inLen], [out, 8]])) return Status.BAD_POINTER;
      const h = siphash24(read(key >>> 0, 16), read(inPtr >>> 0, inLen >>> 0));
      const o = new Uint8Array(8);
      new DataView(o.buffer).setBigUint64(0, h, true);
      write(out >>> 0, o);
      return Status.OK;
    },

    ec_pubkey_create(sec: number, out: number): number {
      if (!checked([[sec, 32], [out, 33]])) return Status.BAD_POINTER;
      const d = secret(read(sec >>> 0, 32));
      if (d === null) return Status.BAD_SECRET;
      write(out >>> 0, Point.BASE.multiply(d).toBytes(true));
      return Status.OK;
    },

    ec_pubkey_parse(inPtr: number, inLen: number, out: number): number {
      if (!checked([[inPtr, inLen], [out, 33]])) return Status.BAD_POINTER;
      if (inLen !== 33 && inLen !== 65) return Status.BAD_LENGTH;
      const p = point(read(inPtr >>> 0, inLen));
      if (!p) return Status.BAD_PUBKEY;
      write(out >>> 0, p.toBytes(true));
      return Status.OK;
    },

    ecdsa_sign(sec: number, msg: number, out: number): number {
      if (!checked([[sec, 32], [msg, 32], [out, 64]])) return Status.BAD_POINTER;
      const sk = read(sec >>> 0, 32);
      if (secret(sk) === null) return Status.BAD_SECRET;
      // RFC 6979 deterministic nonce, low-S, compact r||s (noble defaults, no prehash).
      write(out >>> 0, secp256k1.sign(read(msg >>> 0, 32), sk, { prehash: false, lowS: true }));
      return Status.OK;
    },

    ecdsa_verify(sig: number, msg: number, pub: number): number {
      if (!checked([[sig, 64], [msg, 32], [pub, 33]])) return Status.BAD_POINTER;
      const pk = read(pub >>> 0, 33);
      if (!point(pk)) return Status.BAD_PUBKEY;
      try {
        const ok = secp256k1.verify(read(sig >>> 0, 64), read(msg >>> 0, 32), pk, { prehash: false, lowS: true });
        return ok ? Status.OK : Status.BAD_SIGNATURE;
      } catch {
        return Status.BAD_SIGNATURE;
      }
    },

    ec_seckey_tweak_add(sec: number, tweak: number, out: number): number {
      if (!checked([[sec, 32], [tweak, 32], [out, 32]])) return Status.BAD_POINTER;
      const d = secret(read(sec >>> 0, 32));
      if (d === null) return Status.BAD_SECRET;
      const t = toBig(read(tweak >>> 0, 32));
      if (t >= N) return Status.BAD_TWEAK;
      const r = (d + t) % N;
      if (r === 0n) return Status.BAD_TWEAK;
      write(out >>> 0, fromBig(r));
      return Status.OK;
    },

    ec_seckey_tweak_mul(sec: number, tweak: number, out: number): number {
      if (!checked([[sec, 32], [tweak, 32], [out, 32]])) return Status.BAD_POINTER;
      const d = secret(read(sec >>> 0, 32));
      if (d === null) return Status.BAD_SECRET;
      const t = secret(read(tweak >>> 0, 32));
      if (t === null) return Status.BAD_TWEAK;
      write(out >>> 0, fromBig((d * t) % N));
      return Status.OK;
    },

    ec_pubkey_tweak_add(pub: number, tweak: number, out: number): number {
      if (!checked([[pub, 33], [tweak, 32], [out, 33]])) return Status.BAD_POINTER;
      const p = point(read(pub >>> 0, 33));
      if (!p) return Status.BAD_PUBKEY;
      const t = toBig(read(tweak >>> 0, 32));
      if (t >= N) return Status.BAD_TWEAK;
      const r = t === 0n ? p : p.add(Point.BASE.multiply(t));
      if (r.is0()) return Status.BAD_TWEAK;
      write(out >>> 0, r.toBytes(true));
      return Status.OK;
    },

    ec_pubkey_tweak_mul(pub: number, tweak: number, out: number): number {
      if (!checked([[pub, 33], [tweak, 32], [out, 33]])) return Status.BAD_POINTER;
      const p = point(read(pub >>> 0, 33));
      if (!p) return Status.BAD_PUBKEY;
      const t = secret(read(tweak >>> 0, 32));
      if (t === null) return Status.BAD_TWEAK;
      write(out >>> 0, p.multiply(t).toBytes(true));
      return Status.OK;
    },

    ec_pubkey_combine(pubs: number, n: number, out: number): number {
      if (n >>> 0 === 0 || n >>> 0 > 1024) return Status.BAD_LENGTH;
      if (!checked([[pubs, (n >>> 0) * 33], [out, 33]])) return Status.BAD_POINTER;
      let acc = Point.ZERO;
      for (let i = 0; i < n >>> 0; i++) {
        const p = point(read((pubs >>> 0) + i * 33, 33));
        if (!p) return Status.BAD_PUBKEY;
        acc = acc.add(p);
      }
      if (acc.is0()) return Status.BAD_TWEAK;
      write(out >>> 0, acc.toBytes(true));
      return Status.OK;
    },

    ecdh(sec: number, pub: number, out: number): number {
      if (!checked([[sec, 32], [pub, 33], [out, 32]])) return Status.BAD_POINTER;
      const d = secret(read(sec >>> 0, 32));
      if (d === null) return Status.BAD_SECRET;
      const p = point(read(pub >>> 0, 33));
      if (!p) return Status.BAD_PUBKEY;
      write(out >>> 0, nobleSha256(p.multiply(d).toBytes(true)));
      return Status.OK;
    },

    schnorr_sign(sec: number, msg: number, msgLen: number, aux: number, out: number): number {
      if (!checked([[sec, 32], [msg, msgLen], [aux, 32], [out, 64]])) return Status.BAD_POINTER;
      const sk = read(sec >>> 0, 32);
      if (secret(sk) === null) return Status.BAD_SECRET;
      write(out >>> 0, schnorr.sign(read(msg >>> 0, msgLen >>> 0), sk, read(aux >>> 0, 32)));
      return Status.OK;
    },

    schnorr_verify(sig: number, msg: number, msgLen: number, xonly: number): number {
      if (!checked([[sig, 64], [msg, msgLen], [xonly, 32]])) return Status.BAD_POINTER;
      const x = read(xonly >>> 0, 32);
      if (!liftX(x)) return Status.BAD_PUBKEY;
      try {
        return schnorr.verify(read(sig >>> 0, 64), read(msg >>> 0, msgLen >>> 0), x) ? Status.OK : Status.BAD_SIGNATURE;
      } catch {
        return Status.BAD_SIGNATURE;
      }
    },

    xonly_tweak_add(xonly: number, tweak: number, out: number): number {
      if (!checked([[xonly, 32], [tweak, 32], [out, 33]])) return Status.BAD_POINTER;
      const p = liftX(read(xonly >>> 0, 32));
      if (!p) return Status.BAD_PUBKEY;
      const t = toBig(read(tweak >>> 0, 32));
      if (t >= N) return Status.BAD_TWEAK;
      const q = t === 0n ? p : p.add(Point.BASE.multiply(t));
      if (q.is0()) return Status.BAD_TWEAK;
      write(out >>> 0, q.toBytes(true));
      return Status.OK;
    },

    keypair_xonly_tweak_add(sec: number, tweak: number, out: number): number {
      if (!checked([[sec, 32], [tweak, 32], [out, 32]])) return Status.BAD_POINTER;
      let d = secret(read(sec >>> 0, 32));
      if (d === null) return Status.BAD_SECRET;
      if (Point.BASE.multiply(d).toAffine().y % 2n !== 0n) d = N - d;
      const t = toBig(read(tweak >>> 0, 32));
      if (t >= N) return Status.BAD_TWEAK;
      const r = (d + t) % N;
      if (r === 0n) return Status.BAD_TWEAK;
      write(out >>> 0, fromBig(r));
      return Status.OK;
    },

    abort(msg: number, file: number, line: number, col: number): void {
      throw new GuestTrap(`core abort: ${readAsString(mem(), msg)} at ${readAsString(mem(), file)}:${line}:${col}`);
    },
  };
  return vigil;
}

/** An AssemblyScript string (UTF-16, byte length at ptr-4) for abort messages. */
function readAsString(m: Uint8Array, ptr: number): string {
  if (!ptr || ptr < 4 || ptr > m.length) return "?";
  const len = new DataView(m.buffer).getUint32(ptr - 4, true);
  if (ptr + len > m.length || len > 4096) return "?";
  return Buffer.from(m.subarray(ptr, ptr + len)).toString("utf16le");
}

type Sha256Hash = ReturnType<typeof nobleSha256.create>;
type Md = { get(): number[]; set(...w: number[]): void; length: number; pos: number; buffer: Uint8Array };

/** Context layout (docs/imports.md): H0..H7 BE | total u64 LE | block[64] | pending u8 | magic u8. */
function encodeCtx(h: Sha256Hash): Uint8Array {
  const md = h as unknown as Md;
  const out = new Uint8Array(SHA256_CTX_SIZE);
  const v = new DataView(out.buffer);
  md.get().forEach((w, i) => v.setUint32(i * 4, w >>> 0, false));
  v.setBigUint64(32, BigInt(md.length), true);
  out.set(md.buffer.subarray(0, 64), 40);
  out[104] = md.pos;
  out[105] = SHA256_CTX_MAGIC;
  return out;
}

function decodeCtx(ctx: Uint8Array): Sha256Hash | null {
  if (ctx[105] !== SHA256_CTX_MAGIC || ctx[104] >= 64) return null;
  const v = new DataView(ctx.buffer, ctx.byteOffset, ctx.byteLength);
  const h = nobleSha256.create();
  const md = h as unknown as Md;
  md.set(...Array.from({ length: 8 }, (_, i) => v.getUint32(i * 4, false)));
  md.length = Number(v.getBigUint64(32, true));
  md.pos = ctx[104];
  md.buffer.set(ctx.subarray(40, 104));
  return h;
}
