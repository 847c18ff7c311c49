// tools/chain (0x8400-0x84ff): consensus arithmetic on caller data.
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { Code, CoreError, malformed, invalidArgument } from "../protocol/errors";
import { Entry, HEADER_SIZE, chainParams, requiredBits } from "../chain/headers";
import { decodeFilter, encodeFilter, filterHeader, filterKey, matchAny } from "../chain/bip158";
import { readTx } from "../bitcoin/tx";
import { sha256d } from "../crypto";
import { U256, workOf, fromCompact } from "../chain/u256";

export namespace ChainTool {
  /** u8 network | u32 height | u32 time | prev: u32 bits, u32 time, u32 period_start_time, u32 last_real_bits → u32 bits. */
  export const NEXT_BITS: u16 = 0x8400;
  /** u32 bits → work[32, LE] = 2^256 / (target + 1). */
  export const WORK: u16 = 0x8401;
  /** varbytes block | u16 n | n × varbytes spent script | prev_filter_header[32] → varbytes filter | filter_header[32]. */
  export const BIP158_BASIC_FILTER: u16 = 0x8402;
  /** block_hash[32] | varbytes filter | u16 n | n × varbytes item → u8 any matched (MALFORMED for a bad filter). */
  export const BIP158_MATCH: u16 = 0x8403;
}

const MAX_BLOCK: i32 = 4_000_000;

/** BIP158 basic filter items of a block: output scripts (not empty, not OP_RETURN) and the scripts its inputs spend. */
function basicFilter(block: Uint8Array, spent: Uint8Array[]): Uint8Array | null {
  const r = new Reader(block);
  r.skip(HEADER_SIZE);
  const n = r.compactSize();
  if (!r.ok() || n == 0 || n > <u64>(block.length / 60)) return null;
  const items = new Array<Uint8Array>();
  for (let i: u64 = 0; i < n; i++) {
    const tx = readTx(r);
    if (tx === null) return null;
    for (let k = 0; k < tx!.outputs.length; k++) {
      const s = tx!.outputs[k].script;
      if (s.length > 0 && s[0] != 0x6a) items.push(s);
    }
  }
  if (!r.finish()) return null;
  for (let i = 0; i < spent.length; i++) if (spent[i].length > 0) items.push(spent[i]);
  return encodeFilter(filterKey(sha256d(block.slice(0, HEADER_SIZE))), items);
}

export function handleChainTool(method: u16, r: Reader, w: Writer): CoreError | null {
  if (method == ChainTool.NEXT_BITS) {
    const network = r.u8();
    const height = r.u32();
    const time = r.u32();
    const bits = r.u32(), ptime = r.u32(), pstart = r.u32(), lastReal = r.u32();
    if (!r.finish()) return malformed(r.err!);
    if (network > 3 || height == 0) return invalidArgument("network 0-3, height > 0");
    if (fromCompact(bits) === null) return invalidArgument("bad prev bits");
    const prev = new Entry(new Uint8Array(32), height - 1, ptime, bits, U256.zero(), pstart, lastReal);
    w.u32(requiredBits(chainParams(network), prev, height, time));
    return null;
  }
  if (method == ChainTool.WORK) {
    const bits = r.u32();
    if (!r.finish()) return malformed(r.err!);
    const t = fromCompact(bits);
    if (t === null || t.isZero()) return invalidArgument("bad bits");
    w.bytes(workOf(t!).toLE());
    return null;
  }
  if (method == ChainTool.BIP158_BASIC_FILTER) {
    const block = r.varbytes(MAX_BLOCK);
    const n = <i32>r.u16();
    const spent = new Array<Uint8Array>();
    for (let i = 0; i < n && r.ok(); i++) spent.push(r.varbytes(10_000));
    const prev = r.bytes(32);
    if (!r.finish()) return malformed(r.err!);
    const f = basicFilter(block, spent);
    if (f === null) return malformed("block");
    w.varbytes(f!).bytes(filterHeader(f!, prev));
    return null;
  }
  if (method == ChainTool.BIP158_MATCH) {
    const hash = r.bytes(32);
    const f = r.varbytes(MAX_BLOCK);
    const n = <i32>r.u16();
    const items = new Array<Uint8Array>();
    for (let i = 0; i < n && r.ok(); i++) items.push(r.varbytes(10_000));
    if (!r.finish()) return malformed(r.err!);
    const values = decodeFilter(f, 1_000_000);
    if (values === null) return malformed("filter");
    w.u8(matchAny(filterKey(hash), values!, items) ? 1 : 0);
    return null;
  }
  return new CoreError(Code.UNKNOWN_METHOD, "unknown method");
}
