// BIP158 compact block filters: Golomb-coded sets (GCS) of the basic filter
// type (P = 19, M = 784931), item hashing with SipHash-2-4 keyed by the first
// 16 bytes of the block hash, and the filter header chain.
import { sha256d, siphash24 } from "../crypto";
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { bytesEqual } from "../codec/bytes";

export const BASIC_P: i32 = 19;
export const BASIC_M: u64 = 784931;

/** High 64 bits of the 128-bit product a·b ("hash_to_range" in the BIP). */
export function mulHigh64(a: u64, b: u64): u64 {
  const aLo = a & 0xffffffff, aHi = a >> 32, bLo = b & 0xffffffff, bHi = b >> 32;
  const lo = aLo * bLo;
  const mid1 = aHi * bLo + (lo >> 32);
  const mid2 = aLo * bHi + (mid1 & 0xffffffff);
  return aHi * bHi + (mid1 >> 32) + (mid2 >> 32);
}

/** MSB-first bit writer (BIP158 "Golomb-Rice Coding"). */
class BitWriter {
  out: u8[] = [];
  acc: u32 = 0;
  n: i32 = 0;
  bit(b: u32): void {
    this.acc = (this.acc << 1) | (b & 1);
    if (++this.n == 8) { this.out.push(<u8>this.acc); this.acc = 0; this.n = 0; }
  }
  bits(v: u64, count: i32): void { for (let i = count - 1; i >= 0; i--) this.bit(<u32>((v >> <u64>i) & 1)); }
  finish(w: Writer): void {
    if (this.n > 0) this.out.push(<u8>(this.acc << <u32>(8 - this.n)));
    for (let i = 0; i < this.out.length; i++) w.u8(this.out[i]);
  }
}

class BitReader {
  pos: i32 = 0; // in bits
  constructor(public buf: Uint8Array, public start: i32) {}
  /** -1 at the end of the data. */
  bit(): i32 {
    const byte = this.start + (this.pos >> 3);
    if (byte >= this.buf.length) return -1;
    const b = (this.buf[byte] >> <u8>(7 - (this.pos & 7))) & 1;
    this.pos++;
    return b;
  }
}

/** Sorted hashed values of a set's items, for a filter of `n` items keyed by `key`. */
function hashedSet(key: Uint8Array, items: Uint8Array[], n: u64): u64[] {
  const f = n * BASIC_M;
  const out = new Array<u64>(items.length);
  for (let i = 0; i < items.length; i++) out[i] = mulHigh64(siphash24(key, items[i]), f);
  out.sort((a, b) => <i32>(a > b) - <i32>(a < b));
  return out;
}

/** Items deduplicated (a GCS is a set); order does not matter. */
function unique(items: Uint8Array[]): Uint8Array[] {
  const out = new Array<Uint8Array>();
  for (let i = 0; i < items.length; i++) {
    let dup = false;
    for (let j = 0; j < out.length && !dup; j++) dup = bytesEqual(out[j], items[i]);
    if (!dup) out.push(items[i]);
  }
  return out;
}

/** Encode a GCS filter: compactSize N | Golomb-Rice coded deltas. */
export function encodeFilter(key: Uint8Array, items: Uint8Array[]): Uint8Array {
  const set = unique(items);
  const w = new Writer(16 + set.length * 3);
  w.compactSize(<u64>set.length);
  if (set.length == 0) return w.finish();
  const values = hashedSet(key, set, <u64>set.length);
  const bw = new BitWriter();
  let last: u64 = 0;
  for (let i = 0; i < values.length; i++) {
    const delta = values[i] - last;
    last = values[i];
    for (let q = delta >> <u64>BASIC_P; q > 0; q--) bw.bit(1);
    bw.bit(0);
    bw.bits(delta, BASIC_P);
  }
  bw.finish(w);
  return w.finish();
}

/** Decoded filter: its sorted values, or null if the bytes are not a well-formed GCS. */
export function decodeFilter(filter: Uint8Array, maxItems: u64): u64[] | null {
  const r = new Reader(filter);
  const n = r.compactSize();
  if (!r.ok() || n > maxItems || n > <u64>filter.length * 8) return null;
  const values = new Array<u64>(<i32>n);
  const br = new BitReader(filter, r.pos);
  let last: u64 = 0;
  for (let i = 0; i < <i32>n; i++) {
    let q: u64 = 0;
    let b = br.bit();
    while (b == 1) { q++; b = br.bit(); }
    if (b < 0) return null;
    let rem: u64 = 0;
    for (let k = 0; k < BASIC_P; k++) {
      const x = br.bit();
      if (x < 0) return null;
      rem = (rem << 1) | <u64>x;
    }
    last += (q << <u64>BASIC_P) | rem;
    values[i] = last;
  }
  // Only zero padding may follow the last value.
  if (filter.length - r.pos != (br.pos + 7) >> 3) return null;
  for (let b = br.bit(); b >= 0; b = br.bit()) if (b != 0) return null;
  return values;
}

/** Does the filter (decoded to `values`) match any of `items`? False positives at rate 1/M. */
export function matchAny(key: Uint8Array, values: u64[], items: Uint8Array[]): bool {
  if (values.length == 0 || items.length == 0) return false;
  const q = hashedSet(key, items, <u64>values.length);
  let i = 0, j = 0;
  while (i < values.length && j < q.length) {
    if (values[i] == q[j]) return true;
    if (values[i] < q[j]) i++; else j++;
  }
  return false;
}

/** The SipHash key of a block's filter: the first 16 bytes of its hash (internal order). */
export function filterKey(blockHash: Uint8Array): Uint8Array { return blockHash.slice(0, 16); }

/** filter_header = double-SHA256(double-SHA256(filter) || previous filter_header) (BIP157). */
export function filterHeader(filter: Uint8Array, prevHeader: Uint8Array): Uint8Array {
  const b = new Uint8Array(64);
  b.set(sha256d(filter), 0);
  b.set(prevHeader, 32);
  return sha256d(b);
}
