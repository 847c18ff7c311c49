// Minimal Bitcoin transaction/block encoding for the synthetic demo chain.
// Txids and block hashes are kept in internal byte order (as serialized, the
// order LDK uses for Txid / BlockHash bytes); `hex(rev(x))` is the display form.
import { mine } from "../chain/headers.js";
import { sha256 } from "@noble/hashes/sha2.js";

export const dsha = (b: Uint8Array) => sha256(sha256(b));
export const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
export const unhex = (s: string) => new Uint8Array(Buffer.from(s, "hex"));
export const rev = (b: Uint8Array) => Uint8Array.from(b).reverse();
export const eqBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

export interface TxIn { txid: Uint8Array; vout: number; scriptSig: Uint8Array; sequence: number; witness: Uint8Array[] }
export interface TxOut { amount: bigint; script: Uint8Array }
export interface Tx { version: number; inputs: TxIn[]; outputs: TxOut[]; locktime: number; raw: Uint8Array; txid: Uint8Array }

class R {
  o = 0;
  constructor(readonly b: Uint8Array) {}
  u8() { if (this.o >= this.b.length) throw new Error("short tx"); return this.b[this.o++]; }
  u32() { const v = (this.b[this.o] | (this.b[this.o + 1] << 8) | (this.b[this.o + 2] << 16)) + this.b[this.o + 3] * 0x1000000; this.o += 4; if (this.o > this.b.length) throw new Error("short tx"); return v; }
  u64() { const lo = BigInt(this.u32()); const hi = BigInt(this.u32()); return lo | (hi << 32n); }
  vi(): number { const f = this.u8(); if (f < 0xfd) return f; if (f === 0xfd) { const v = this.b[this.o] | (this.b[this.o + 1] << 8); this.o += 2; return v; } if (f === 0xfe) return this.u32(); return Number(this.u64()); }
  bytes(n: number) { if (this.o + n > this.b.length) throw new Error("short tx"); const v = this.b.slice(this.o, this.o + n); this.o += n; return v; }
  vb() { return this.bytes(this.vi()); }
}

export class W {
  parts: number[] = [];
  u8(v: number) { this.parts.push(v & 0xff); return this; }
  u32(v: number) { for (let i = 0; i < 4; i++) this.parts.push((v >>> (8 * i)) & 0xff); return this; }
  u64(v: bigint) { for (let i = 0n; i < 8n; i++) this.parts.push(Number((v >> (8n * i)) & 0xffn)); return this; }
  vi(n: number) { if (n < 0xfd) return this.u8(n); if (n <= 0xffff) return this.u8(0xfd).u8(n).u8(n >> 8); return this.u8(0xfe).u32(n); }
  bytes(b: Uint8Array) { for (const x of b) this.parts.push(x); return this; }
  vb(b: Uint8Array) { return this.vi(b.length).bytes(b); }
  finish() { return Uint8Array.from(this.parts); }
}

export function parseTx(raw: Uint8Array): Tx {
  const r = new R(raw);
  const version = r.u32();
  let segwit = false;
  let nIn = r.vi();
  if (nIn === 0) { const flag = r.u8(); if (flag !== 1) throw new Error("bad segwit flag"); segwit = true; nIn = r.vi(); }
  const inputs: TxIn[] = [];
  for (let i = 0; i < nIn; i++) inputs.push({ txid: r.bytes(32), vout: r.u32(), scriptSig: r.vb(), sequence: r.u32(), witness: [] });
  const outputs: TxOut[] = [];
  const nOut = r.vi();
  for (let i = 0; i < nOut; i++) outputs.push({ amount: r.u64(), script: r.vb() });
  if (segwit) for (const inp of inputs) { const n = r.vi(); for (let j = 0; j < n; j++) inp.witness.push(r.vb()); }
  const locktime = r.u32();
  if (r.o !== raw.length) throw new Error("trailing bytes in tx");
  const tx: Tx = { version, inputs, outputs, locktime, raw, txid: new Uint8Array(32) };
  tx.txid = dsha(serializeTx(tx, false));
  return tx;
}

export function serializeTx(tx: Omit<Tx, "raw" | "txid">, withWitness = true): Uint8Array {
  const w = new W().u32(tx.version);
  const segwit = withWitness && tx.inputs.some((i) => i.witness.length > 0);
  if (segwit) w.u8(0).u8(1);
  w.vi(tx.inputs.length);
  for (const i of tx.inputs) w.bytes(i.txid).u32(i.vout).vb(i.scriptSig).u32(i.sequence);
  w.vi(tx.outputs.length);
  for (const o of tx.outputs) w.u64(o.amount).vb(o.script);
  if (segwit) for (const i of tx.inputs) { w.vi(i.witness.length); for (const e of i.witness) w.vb(e); }
  return w.u32(tx.locktime).finish();
}

export function makeTx(t: Omit<Tx, "raw" | "txid">): Tx {
  const raw = serializeTx(t, true);
  return parseTx(raw);
}

export function merkleRoot(txids: Uint8Array[]): Uint8Array {
  let level = txids.slice();
  if (level.length === 0) return new Uint8Array(32);
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const a = level[i], b = level[i + 1] ?? level[i];
      const c = new Uint8Array(64); c.set(a); c.set(b, 32);
      next.push(dsha(c));
    }
    level = next;
  }
  return level[0];
}

/** A regtest header with valid proof of work (the signer's chain follower checks it). */
export function blockHeader(prev: Uint8Array, merkle: Uint8Array, time: number): Uint8Array {
  return mine({ version: 0x20000000, prev, merkleRoot: merkle, time, bits: 0x207fffff });
}
