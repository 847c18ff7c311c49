// Header-chain follower: the signer's own view of the best chain. Headers are
// accepted only if they link, carry valid proof of work for the difficulty the
// consensus rules demand (retargeting every 2016 blocks, testnet's 20-minute
// rule, regtest's fixed target), and have a timestamp above the median of the
// previous 11. A bounded window of recent headers allows reorgs up to the
// configured depth (bitcoin/src/pow.cpp, validation.cpp ContextualCheckBlockHeader).
import { sha256d } from "../crypto";
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { U256, fromCompact, toCompact, workOf } from "./u256";
import { bytesEqual } from "../codec/bytes";

export const HEADER_SIZE: i32 = 80;
const INTERVAL: u32 = 2016;
const TIMESPAN: u32 = 14 * 24 * 60 * 60;
const SPACING: u32 = 600;
const MTP_SPAN: i32 = 11;

export class ChainParams {
  constructor(public powLimitBits: u32, public noRetargeting: bool, public allowMinDifficulty: bool) {}
  powLimit(): U256 { return fromCompact(this.powLimitBits)!; }
}

/** Consensus parameters per signer network (state.ts Network order). */
export function chainParams(network: u8): ChainParams {
  if (network == 0) return new ChainParams(0x1d00ffff, false, false); // bitcoin
  if (network == 1) return new ChainParams(0x1d00ffff, false, true); // testnet3
  if (network == 2) return new ChainParams(0x1e0377ae, false, false); // signet
  return new ChainParams(0x207fffff, true, true); // regtest
}

export class Header {
  constructor(
    public raw: Uint8Array,
    public version: u32,
    public prev: Uint8Array,
    public merkleRoot: Uint8Array,
    public time: u32,
    public bits: u32,
    public nonce: u32,
  ) {}
  hash(): Uint8Array { return sha256d(this.raw); }
}

export function parseHeader(r: Reader): Header | null {
  const start = r.pos;
  const version = r.u32le();
  const prev = r.bytes(32);
  const merkle = r.bytes(32);
  const time = r.u32le();
  const bits = r.u32le();
  const nonce = r.u32le();
  if (!r.ok()) return null;
  return new Header(r.buf.slice(start, start + HEADER_SIZE), version, prev, merkle, time, bits, nonce);
}

/** One accepted header, with what the next header's checks need. */
export class Entry {
  constructor(
    public hash: Uint8Array,
    public height: u32,
    public time: u32,
    public bits: u32,
    public work: U256, // cumulative chain work up to and including this header
    public periodStartTime: u32, // time of the first header of this header's 2016-block period
    public lastRealBits: u32, // testnet: bits of the last header not mined under the 20-minute rule
    public merkleRoot: Uint8Array = new Uint8Array(32),
  ) {}
  /** BIP157 filter header of this block, once a filter for it was accepted (null: not yet). */
  filterHeader: Uint8Array | null = null;

  write(w: Writer): void {
    w.bytes(this.hash).u32(this.height).u32(this.time).u32(this.bits).bytes(this.work.toLE()).u32(this.periodStartTime).u32(this.lastRealBits);
    w.bytes(this.merkleRoot).u8(this.filterHeader !== null ? 1 : 0);
    if (this.filterHeader !== null) w.bytes(this.filterHeader!);
  }

  static read(r: Reader): Entry {
    const e = new Entry(r.bytes(32), r.u32(), r.u32(), r.u32(), U256.fromLE(r.bytes(32)), r.u32(), r.u32(), r.bytes(32));
    if (r.u8() == 1) e.filterHeader = r.bytes(32);
    return e;
  }
}

/** The bits a header at `height` on top of `prev` must carry (pow.cpp GetNextWorkRequired). */
export function requiredBits(p: ChainParams, prev: Entry, height: u32, time: u32): u32 {
  if (p.noRetargeting) return prev.bits;
  if (height % INTERVAL != 0) {
    if (p.allowMinDifficulty) {
      if (time > prev.time + SPACING * 2) return p.powLimitBits;
      return prev.lastRealBits;
    }
    return prev.bits;
  }
  let actual = prev.time - prev.periodStartTime;
  if (<i64>prev.time - <i64>prev.periodStartTime < <i64>(TIMESPAN / 4)) actual = TIMESPAN / 4;
  if (<i64>prev.time - <i64>prev.periodStartTime > <i64>(TIMESPAN * 4)) actual = TIMESPAN * 4;
  const old = fromCompact(prev.bits)!;
  const limit = p.powLimit();
  const scaled = old.mulSmall(actual);
  let next = scaled === null ? limit : scaled.divSmall(TIMESPAN);
  if (next.cmp(limit) > 0) next = limit;
  return toCompact(next);
}

/** Why connect() refused a header. */
export class ChainError {
  msg: string = "";
}

/**
 * Validate `h` as the child of `window[window.length-1]`; `window` holds the
 * preceding entries (at least the last 11 when available). Returns the new
 * entry, or null with the reason in `err`.
 */
export function connect(p: ChainParams, window: Entry[], h: Header, err: ChainError): Entry | null {
  const prev = window[window.length - 1];
  if (!bytesEqual(h.prev, prev.hash)) { err.msg = "header does not link to its parent"; return null; }
  const height = prev.height + 1;
  const want = requiredBits(p, prev, height, h.time);
  if (h.bits != want) { err.msg = "wrong difficulty bits at height " + height.toString(); return null; }
  const target = fromCompact(h.bits);
  if (target === null || target.isZero() || target.cmp(p.powLimit()) > 0) { err.msg = "bits out of range"; return null; }
  const hash = h.hash();
  if (U256.fromLE(hash).cmp(target) > 0) { err.msg = "proof of work above target"; return null; }
  // Median time past of the previous 11 headers.
  const n = min(window.length, MTP_SPAN);
  const times = new Array<u32>(n);
  for (let i = 0; i < n; i++) times[i] = window[window.length - 1 - i].time;
  times.sort((a, b) => <i32>(a > b) - <i32>(a < b));
  if (h.time <= times[n / 2]) { err.msg = "timestamp not above the median of the last 11"; return null; }
  const periodStart = height % INTERVAL == 0 ? h.time : prev.periodStartTime;
  const lastReal = p.allowMinDifficulty && height % INTERVAL != 0 && h.bits == p.powLimitBits ? prev.lastRealBits : h.bits;
  return new Entry(hash, height, h.time, h.bits, prev.work.add(workOf(target)), periodStart, lastReal, h.merkleRoot);
}
