// Regtest blocks for test chains and the demo feeder: transactions, merkle
// trees and mined headers. Independent of the core (the core checks them).
import { sha256 } from "@noble/hashes/sha2.js";
import { headerHash, mine } from "./headers.js";

const sha256d = (b: Uint8Array) => sha256(sha256(b));
const cat = (...p: Uint8Array[]) => { const o = new Uint8Array(p.reduce((a, x) => a + x.length, 0)); let i = 0; for (const x of p) { o.set(x, i); i += x.length; } return o; };
const le = (v: number | bigint, n: number) => { const o = new Uint8Array(n); let x = BigInt(v); for (let i = 0; i < n; i++) { o[i] = Number(x & 0xffn); x >>= 8n; } return o; };
const cs = (n: number) => n < 0xfd ? Uint8Array.of(n) : n <= 0xffff ? cat(Uint8Array.of(0xfd), le(n, 2)) : cat(Uint8Array.of(0xfe), le(n, 4));
const vs = (b: Uint8Array) => cat(cs(b.length), b);

export interface In { txid: Uint8Array; vout: number; witness?: Uint8Array[]; scriptSig?: Uint8Array; sequence?: number }
export interface Out { value: bigint; script: Uint8Array }

/** A version-2 transaction, segwit-serialized when any input has a witness. */
export function rawTx(ins: In[], outs: Out[], locktime = 0): Uint8Array {
  const segwit = ins.some((i) => i.witness?.length);
  const parts: Uint8Array[] = [le(2, 4)];
  if (segwit) parts.push(Uint8Array.of(0, 1));
  parts.push(cs(ins.length));
  for (const i of ins) parts.push(i.txid, le(i.vout, 4), vs(i.scriptSig ?? new Uint8Array(0)), le(i.sequence ?? 0xffffffff, 4));
  parts.push(cs(outs.length));
  for (const o of outs) parts.push(le(o.value, 8), vs(o.script));
  if (segwit) for (const i of ins) { parts.push(cs(i.witness?.length ?? 0)); for (const w of i.witness ?? []) parts.push(vs(w)); }
  parts.push(le(locktime, 4));
  return cat(...parts);
}

/** Bitcoin's CompactSize at `p` in `raw`: its value and the position after it. */
function compactSize(raw: Uint8Array, p: number): [number, number] {
  const f = raw[p];
  if (f < 0xfd) return [f, p + 1];
  const n = f === 0xfd ? 2 : f === 0xfe ? 4 : 8;
  let v = 0;
  for (let i = 0; i < n; i++) v += raw[p + 1 + i] * 2 ** (8 * i);
  return [v, p + 1 + n];
}

/**
 * Byte layout of the transaction at `start` in `raw` (BIP144 when marker 0 and
 * flag 1 follow the version): where its outputs end and where it ends.
 */
function txLayout(raw: Uint8Array, start: number): { segwit: boolean; outputsEnd: number; end: number } {
  let p = start + 4;
  const rd = () => { const [v, next] = compactSize(raw, p); p = next; return v; };
  const skip = () => { const l = rd(); p += l; };
  const segwit = raw[p] === 0 && raw[p + 1] === 1;
  if (segwit) p += 2;
  const nin = rd();
  for (let i = 0; i < nin; i++) { p += 36; skip(); p += 4; }
  const nout = rd();
  for (let i = 0; i < nout; i++) { p += 8; skip(); }
  const outputsEnd = p;
  if (segwit) for (let i = 0; i < nin; i++) { const k = rd(); for (let j = 0; j < k; j++) skip(); }
  return { segwit, outputsEnd, end: p + 4 };
}

/** txid (internal order) of a raw transaction: hash of the serialization without witnesses. */
export function txidOf(raw: Uint8Array): Uint8Array {
  const t = txLayout(raw, 0);
  if (!t.segwit) return sha256d(raw);
  // Strip marker, flag and witnesses.
  return sha256d(cat(raw.slice(0, 4), raw.slice(6, t.outputsEnd), raw.slice(raw.length - 4)));
}

/** A coinbase paying `value` to `script`, unique per height. */
export function coinbase(height: number, script: Uint8Array, value = 50_0000_0000n): Uint8Array {
  return rawTx([{ txid: new Uint8Array(32), vout: 0xffffffff, scriptSig: cat(Uint8Array.of(3), le(height, 3), Uint8Array.of(0x51)) }], [{ value, script }]);
}

const pair = (a: Uint8Array, b: Uint8Array) => sha256d(cat(a, b));

/** Bitcoin's merkle root (odd levels pair the last hash with itself). */
export function merkleRoot(txids: Uint8Array[]): Uint8Array {
  let level = txids;
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(pair(level[i], level[i + 1] ?? level[i]));
    level = next;
  }
  return level[0];
}

/** Sibling hashes from leaf `index` up to the root. */
export function merkleBranch(txids: Uint8Array[], index: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let level = txids, i = index;
  while (level.length > 1) {
    out.push(level[i ^ 1] ?? level[i]);
    const next: Uint8Array[] = [];
    for (let k = 0; k < level.length; k += 2) next.push(pair(level[k], level[k + 1] ?? level[k]));
    level = next; i >>= 1;
  }
  return out;
}

export interface Block { header: Uint8Array; hash: Uint8Array; txs: Uint8Array[]; raw: Uint8Array }

/** A mined regtest block on top of `prev` holding `txs` (the first should be a coinbase). */
export function regtestBlock(prev: Uint8Array, time: number, txs: Uint8Array[]): Block {
  const header = mine({ version: 0x20000000, prev, merkleRoot: merkleRoot(txs.map(txidOf)), time, bits: 0x207fffff });
  return { header, hash: headerHash(header), txs, raw: cat(header, cs(txs.length), ...txs) };
}

/** Split a serialized block into its header and transactions (byte ranges only; the signer parses them). */
export function splitBlock(raw: Uint8Array): { header: Uint8Array; txs: Uint8Array[] } {
  let [n, p] = compactSize(raw, 80);
  const txs: Uint8Array[] = [];
  for (let t = 0; t < n; t++) {
    const start = p;
    p = txLayout(raw, start).end;
    if (p > raw.length) throw new Error("truncated block");
    txs.push(raw.subarray(start, p));
  }
  if (p !== raw.length) throw new Error("trailing bytes after the block's transactions");
  return { header: raw.subarray(0, 80), txs };
}
