// Client of the core's chain follower (assembly/chain/follower.ts, methods
// 0x0300-0x0303) and chain tools (assembly/tools/chain.ts, 0x8400-0x8401).
import { Reader, Writer } from "../protocol/codec.js";
import { Network, NetworkName, Signer } from "../signer.js";

export const ChainMethod = { CHAIN_INIT: 0x0300, CHAIN_ADD_HEADERS: 0x0301, CHAIN_TIP: 0x0302, CHAIN_RESUME: 0x0303, CHAIN_HEARTBEAT: 0x0304 } as const;
export const ChainTool = { NEXT_BITS: 0x8400, WORK: 0x8401, BIP158_BASIC_FILTER: 0x8402, BIP158_MATCH: 0x8403 } as const;

export interface Tip { height: number; hash: Uint8Array; work: bigint; paused: boolean }

/** An operator-trusted checkpoint: the header at `height` and what the rules need about its past. */
export interface Checkpoint {
  height: number;
  header: Uint8Array; // 80 bytes
  chainwork: bigint;
  periodStartTime: number; // time of the first header of its 2016-block period
  lastRealBits: number; // testnet: bits of the last header not mined under the 20-minute rule
  precedingTimes: number[]; // times of up to 10 preceding headers, newest first
  filterHeader?: Uint8Array; // BIP157 filter header of the checkpoint block (internal order)
}

const le32 = (b: Uint8Array) => { let v = 0n; for (let i = 31; i >= 0; i--) v = (v << 8n) | BigInt(b[i]); return v; };
const toLe32 = (v: bigint) => { const o = new Uint8Array(32); for (let i = 0; i < 32; i++) { o[i] = Number(v & 0xffn); v >>= 8n; } return o; };

function readTip(r: Reader): Tip {
  return { height: r.u32(), hash: r.bytes(32), work: le32(r.bytes(32)), paused: r.u8() === 1 };
}

export function chainInit(s: Signer, c: Checkpoint): Tip {
  const w = new Writer().u32(c.height).bytes(c.header).bytes(toLe32(c.chainwork)).u32(c.periodStartTime).u32(c.lastRealBits).u8(c.precedingTimes.length);
  for (const t of c.precedingTimes) w.u32(t);
  if (c.filterHeader) w.bytes(c.filterHeader);
  const r = new Reader(s.request(ChainMethod.CHAIN_INIT, w.finish()));
  const tip = readTip(r); r.finish(); return tip;
}

/** Offer headers that extend the block `fork` (internal byte order). Returns the tip and the reorg depth. */
export function chainAddHeaders(s: Signer, fork: Uint8Array, headers: Uint8Array[]): Tip & { reorgDepth: number } {
  const w = new Writer().bytes(fork).u16(headers.length);
  for (const h of headers) w.bytes(h);
  const r = new Reader(s.request(ChainMethod.CHAIN_ADD_HEADERS, w.finish()));
  const tip = readTip(r); const reorgDepth = r.u32(); r.finish();
  return { ...tip, reorgDepth };
}

export function chainTip(s: Signer): Tip { const r = new Reader(s.request(ChainMethod.CHAIN_TIP)); const t = readTip(r); r.finish(); return t; }
export function chainResume(s: Signer): Tip { const r = new Reader(s.request(ChainMethod.CHAIN_RESUME)); const t = readTip(r); r.finish(); return t; }

/** The bits the core requires at `height` (time `time`) after a header with the given fields. */
export function nextBits(s: Signer, network: NetworkName, height: number, time: number, prev: { bits: number; time: number; periodStartTime: number; lastRealBits: number }): number {
  const w = new Writer().u8(Network[network]).u32(height).u32(time).u32(prev.bits).u32(prev.time).u32(prev.periodStartTime).u32(prev.lastRealBits);
  return new Reader(s.request(ChainTool.NEXT_BITS, w.finish())).u32();
}

export function workOfBits(s: Signer, bits: number): bigint {
  return le32(s.request(ChainTool.WORK, new Writer().u32(bits).finish()));
}

export interface Heartbeat { message: Uint8Array; signature: Uint8Array; height: number; tipHash: Uint8Array; tipTime: number; hostTime: number; fresh: boolean }

/** The tip the node believes in, declared before its signing requests (refused unless the signer validated it). */
export function chainNodeTip(s: Signer, tipHash: Uint8Array): void { s.request(0x030e, tipHash); }

/** The signer's signed statement of the tip it validated, at the host's claimed time. */
export function chainHeartbeat(s: Signer, hostTime: number): Heartbeat {
  const body = s.request(ChainMethod.CHAIN_HEARTBEAT, new Writer().u32(hostTime).finish());
  const message = body.subarray(0, body.length - 64), signature = body.subarray(body.length - 64);
  const r = new Reader(message);
  const tag = new TextDecoder().decode(r.bytes(15));
  if (tag !== "vigil-heartbeat") throw new Error("not a heartbeat");
  r.u8();
  const height = r.u32(), tipHash = r.bytes(32), tipTime = r.u32(), ht = r.u32(), fresh = r.u8() === 1;
  r.finish();
  return { message, signature, height, tipHash, tipTime, hostTime: ht, fresh };
}

export const ProofMethod = {
  CHAIN_WATCH: 0x0305, CHAIN_WATCH_STATUS: 0x0306, CHAIN_ADD_FILTER: 0x0307,
  CHAIN_BLOCK_BEGIN: 0x0308, CHAIN_BLOCK_TXS: 0x0309, CHAIN_BLOCK_END: 0x030a, CHAIN_PROVE_TX: 0x030b,
  CHAIN_WATCH_LIST: 0x030c, CHAIN_LOCATOR: 0x030d,
} as const;

/** What the signer has proven about a watched output. */
export interface WatchStatus { watched: boolean; confHeight: number; depth: number; spentHeight: number; spendTxid: Uint8Array; scannedHeight: number; unspentAtTip: boolean }

function readStatus(b: Uint8Array): WatchStatus {
  const r = new Reader(b);
  const st = { watched: r.u8() === 1, confHeight: r.u32(), depth: r.u32(), spentHeight: r.u32(), spendTxid: r.bytes(32), scannedHeight: r.u32(), unspentAtTip: r.u8() === 1 };
  r.finish();
  return st;
}

/** txid in internal byte order. */
export function chainWatch(s: Signer, txid: Uint8Array, vout: number, script: Uint8Array): WatchStatus {
  return readStatus(s.request(ProofMethod.CHAIN_WATCH, new Writer().bytes(txid).u32(vout).varbytes(script).finish()));
}

export function chainWatchStatus(s: Signer, txid: Uint8Array, vout: number): WatchStatus {
  return readStatus(s.request(ProofMethod.CHAIN_WATCH_STATUS, new Writer().bytes(txid).u32(vout).finish()));
}

/** A merkle branch proving `tx` at `index` in the block `blockHash`. */
export function chainProveTx(s: Signer, blockHash: Uint8Array, index: number, branch: Uint8Array[], tx: Uint8Array): WatchStatus {
  const w = new Writer().bytes(blockHash).u32(index).u8(branch.length);
  for (const h of branch) w.bytes(h);
  return readStatus(s.request(ProofMethod.CHAIN_PROVE_TX, w.varbytes(tx).finish()));
}

/** Streams a whole block's transactions, `batch` per request. Returns the number of watches it changed. */
export function chainStreamBlock(s: Signer, blockHash: Uint8Array, txs: Uint8Array[], batch = 64): { height: number; changed: number } {
  s.request(ProofMethod.CHAIN_BLOCK_BEGIN, new Writer().bytes(blockHash).u32(txs.length).finish());
  for (let i = 0; i < txs.length; i += batch) {
    const part = txs.slice(i, i + batch);
    const w = new Writer().u16(part.length);
    for (const t of part) w.varbytes(t);
    s.request(ProofMethod.CHAIN_BLOCK_TXS, w.finish());
  }
  const r = new Reader(s.request(ProofMethod.CHAIN_BLOCK_END));
  const out = { height: r.u32(), changed: r.u16() };
  r.finish();
  return out;
}

/** A BIP158 basic filter for a block, with oracle attestations (oracle index, BIP340 signature). */
export function chainAddFilter(s: Signer, blockHash: Uint8Array, filter: Uint8Array, sigs: Array<[number, Uint8Array]> = []): { height: number; cleared: number; needBlock: number } {
  const w = new Writer().bytes(blockHash).varbytes(filter).u8(sigs.length);
  for (const [i, sig] of sigs) w.u8(i).bytes(sig);
  const r = new Reader(s.request(ProofMethod.CHAIN_ADD_FILTER, w.finish()));
  const out = { height: r.u32(), cleared: r.u16(), needBlock: r.u16() };
  r.finish();
  return out;
}

/** The core's BIP158 basic filter of a block (given the scripts its inputs spend) and its filter header. */
export function basicFilter(s: Signer, block: Uint8Array, spentScripts: Uint8Array[], prevHeader: Uint8Array): { filter: Uint8Array; header: Uint8Array } {
  const w = new Writer().varbytes(block).u16(spentScripts.length);
  for (const sc of spentScripts) w.varbytes(sc);
  const r = new Reader(s.request(ChainTool.BIP158_BASIC_FILTER, w.bytes(prevHeader).finish()));
  const out = { filter: r.varbytes(), header: r.bytes(32) };
  r.finish();
  return out;
}

/** Does the filter of block `blockHash` (internal order) match any item? */
export function filterMatches(s: Signer, blockHash: Uint8Array, filter: Uint8Array, items: Uint8Array[]): boolean {
  const w = new Writer().bytes(blockHash).varbytes(filter).u16(items.length);
  for (const i of items) w.varbytes(i);
  return s.request(ChainTool.BIP158_MATCH, w.finish())[0] === 1;
}

export interface WatchEntry { txid: Uint8Array; vout: number; confHeight: number; spentHeight: number; scannedHeight: number }

export function chainWatchList(s: Signer): WatchEntry[] {
  const r = new Reader(s.request(ProofMethod.CHAIN_WATCH_LIST));
  const n = r.u16(), out: WatchEntry[] = [];
  for (let i = 0; i < n; i++) out.push({ txid: r.bytes(32), vout: r.u32(), confHeight: r.u32(), spentHeight: r.u32(), scannedHeight: r.u32() });
  r.finish();
  return out;
}

/** The hashes the signer holds, newest first. */
export function chainLocator(s: Signer, max = 64): Array<{ height: number; hash: Uint8Array }> {
  const r = new Reader(s.request(ProofMethod.CHAIN_LOCATOR, new Writer().u16(max).finish()));
  const n = r.u16(), out: Array<{ height: number; hash: Uint8Array }> = [];
  for (let i = 0; i < n; i++) out.push({ height: r.u32(), hash: r.bytes(32) });
  r.finish();
  return out;
}
