// Client of the core's chain follower (assembly/chain/follower.ts, methods
// 0x0300-0x0303) and chain tools (assembly/tools/chain.ts, 0x8400-0x8401).
import { Reader, Writer } from "../protocol/codec.js";
import { Network, NetworkName, Signer } from "../signer.js";

export const ChainMethod = { CHAIN_INIT: 0x0300, CHAIN_ADD_HEADERS: 0x0301, CHAIN_TIP: 0x0302, CHAIN_RESUME: 0x0303, CHAIN_HEARTBEAT: 0x0304 } as const;
export const ChainTool = { NEXT_BITS: 0x8400, WORK: 0x8401 } as const;

export interface Tip { height: number; hash: Uint8Array; work: bigint; paused: boolean }

/** An operator-trusted checkpoint: the header at `height` and what the rules need about its past. */
export interface Checkpoint {
  height: number;
  header: Uint8Array; // 80 bytes
  chainwork: bigint;
  periodStartTime: number; // time of the first header of its 2016-block period
  lastRealBits: number; // testnet: bits of the last header not mined under the 20-minute rule
  precedingTimes: number[]; // times of up to 10 preceding headers, newest first
}

const le32 = (b: Uint8Array) => { let v = 0n; for (let i = 31; i >= 0; i--) v = (v << 8n) | BigInt(b[i]); return v; };
const toLe32 = (v: bigint) => { const o = new Uint8Array(32); for (let i = 0; i < 32; i++) { o[i] = Number(v & 0xffn); v >>= 8n; } return o; };

function readTip(r: Reader): Tip {
  return { height: r.u32(), hash: r.bytes(32), work: le32(r.bytes(32)), paused: r.u8() === 1 };
}

export function chainInit(s: Signer, c: Checkpoint): Tip {
  const w = new Writer().u32(c.height).bytes(c.header).bytes(toLe32(c.chainwork)).u32(c.periodStartTime).u32(c.lastRealBits).u8(c.precedingTimes.length);
  for (const t of c.precedingTimes) w.u32(t);
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
