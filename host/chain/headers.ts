// Block headers for test chains: serialization and regtest mining (the target
// 0x207fffff is met by about half of all hashes). Not used to decide anything:
// the core validates every header itself.
import { sha256 } from "@noble/hashes/sha2.js";

export interface HeaderFields { version: number; prev: Uint8Array; merkleRoot: Uint8Array; time: number; bits: number; nonce: number }

export function serializeHeader(h: HeaderFields): Uint8Array {
  const b = new Uint8Array(80); const v = new DataView(b.buffer);
  v.setUint32(0, h.version >>> 0, true); b.set(h.prev, 4); b.set(h.merkleRoot, 36);
  v.setUint32(68, h.time >>> 0, true); v.setUint32(72, h.bits >>> 0, true); v.setUint32(76, h.nonce >>> 0, true);
  return b;
}

export const headerHash = (raw: Uint8Array) => sha256(sha256(raw));

/** Compact bits → target (bitcoin/src/arith_uint256.cpp SetCompact, non-negative). */
export function targetOf(bits: number): bigint {
  const exp = bits >>> 24, mant = BigInt(bits & 0x007fffff);
  return exp <= 3 ? mant >> BigInt(8 * (3 - exp)) : mant << BigInt(8 * (exp - 3));
}

export const hashValue = (hash: Uint8Array) => { let v = 0n; for (let i = 31; i >= 0; i--) v = (v << 8n) | BigInt(hash[i]); return v; };

/** Finds a nonce meeting (or, with `invalid`, missing) the target of `bits`. */
export function mine(h: Omit<HeaderFields, "nonce">, invalid = false): Uint8Array {
  const t = targetOf(h.bits);
  for (let nonce = 0; ; nonce++) {
    const raw = serializeHeader({ ...h, nonce });
    if ((hashValue(headerHash(raw)) <= t) !== invalid) return raw;
  }
}

/** Regtest genesis (bitcoin/src/kernel/chainparams.cpp CRegTestParams). */
export const REGTEST_GENESIS: HeaderFields = {
  version: 1, prev: new Uint8Array(32),
  merkleRoot: Uint8Array.from(Buffer.from("4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b", "hex").reverse()),
  time: 1296688602, bits: 0x207fffff, nonce: 2,
};

/** A chain of `n` regtest headers on top of `prevHash`, spaced `spacing` seconds from `time`. */
export function regtestChain(prevHash: Uint8Array, time: number, n: number, opts: { spacing?: number; tag?: number } = {}): Uint8Array[] {
  const out: Uint8Array[] = [];
  let prev = prevHash;
  for (let i = 0; i < n; i++) {
    const merkleRoot = sha256(Uint8Array.of(opts.tag ?? 0, i & 0xff, i >> 8));
    const raw = mine({ version: 0x20000000, prev, merkleRoot, time: time + (i + 1) * (opts.spacing ?? 600), bits: 0x207fffff });
    out.push(raw); prev = headerHash(raw);
  }
  return out;
}
