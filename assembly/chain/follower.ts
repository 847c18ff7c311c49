// The signer's chain view and its methods. The operator sets a checkpoint
// (chain_init); a feeder then offers headers (chain_add_headers) from a fork
// point inside the window. A branch with more work becomes the tip if the fork
// is at most `reorgDepth` deep; a deeper one is refused
// (policy-chain-reorg-depth) and signing pauses until the operator resumes.
// The pause is an alarm, not durable state: after a restart the feeder offers
// the deep branch again and the signer pauses again.
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { Code, CoreError, malformed, invalidState } from "../protocol/errors";
import { Rule } from "../policy/rules";
import { SIGNER } from "../signer/state";
import { ChainError, ChainParams, Entry, HEADER_SIZE, chainParams, connect, parseHeader } from "./headers";
import { U256 } from "./u256";
import { schnorrSign, taggedHash } from "../crypto";
import { BlockScan, Watch } from "./watch";
import { ProofMethod, handleProof } from "./proofs";
import { bytesEqual } from "../codec/bytes";

export namespace ChainMethod {
  export const CHAIN_INIT: u16 = 0x0300;
  export const CHAIN_ADD_HEADERS: u16 = 0x0301;
  export const CHAIN_TIP: u16 = 0x0302;
  export const CHAIN_RESUME: u16 = 0x0303;
  export const CHAIN_HEARTBEAT: u16 = 0x0304;
  /** tip_hash[32]: the tip the node's following requests believe in (must be in the signer's window) */
  export const CHAIN_NODE_TIP: u16 = 0x030e;
}

const MAX_BATCH: i32 = 2016;
const MTP_SPAN: i32 = 11;

export class ChainState {
  window: Entry[] = [];
  paused: bool = false; // volatile alarm (see file comment)
  lastHostTime: u32 = 0; // latest time a heartbeat request claimed (monotone)
  watches: Watch[] = [];
  scan: BlockScan | null = null; // volatile: a block being streamed
  nodeTip: Uint8Array = new Uint8Array(0); // volatile: the tip the node declared it believes in (chain_node_tip)
  constructor(public params: ChainParams) {}

  /** The window entry with this hash, or null. */
  find(hash: Uint8Array): Entry | null {
    for (let i = this.window.length - 1; i >= 0; i--) if (bytesEqual(this.window[i].hash, hash)) return this.window[i];
    return null;
  }

  /** The entry at `height`, or null outside the window. */
  at(height: u32): Entry | null {
    const first = this.window[0].height;
    if (height < first || height > this.tip().height) return null;
    return this.window[<i32>(height - first)];
  }
  tip(): Entry { return this.window[this.window.length - 1]; }

  /** Keep enough entries for the reorg depth and the median-time rule. */
  trim(reorgDepth: u32): void {
    const keep = <i32>reorgDepth + MTP_SPAN + 1;
    if (this.window.length > keep) this.window = this.window.slice(this.window.length - keep);
  }

  write(w: Writer): void {
    w.u32(this.window.length);
    for (let i = 0; i < this.window.length; i++) this.window[i].write(w);
    w.u32(this.lastHostTime);
    w.u32(this.watches.length);
    for (let i = 0; i < this.watches.length; i++) this.watches[i].write(w);
  }
}

function writeTip(c: ChainState, w: Writer): void {
  const t = c.tip();
  w.u32(t.height).bytes(t.hash).bytes(t.work.toLE()).u8(c.paused ? 1 : 0);
}

/**
 * chain_init: u32 height | header[80] | chainwork[32, LE] | u32 period_start_time |
 * u32 last_real_bits | u8 n | n × u32 times of the preceding headers (newest
 * first, up to 10) [| filter_header[32] of the checkpoint block (BIP157)] → tip.
 * An operator-trusted checkpoint; only once.
 */
function chainInit(r: Reader, w: Writer): CoreError | null {
  const height = r.u32();
  const hdr = parseHeader(r);
  const work = r.bytes(32);
  const periodStart = r.u32();
  const lastReal = r.u32();
  const n = <i32>r.u8();
  if (r.ok() && n > MTP_SPAN - 1) r.fail("at most 10 preceding times");
  const times: u32[] = [];
  for (let i = 0; i < n && r.ok(); i++) times.push(r.u32());
  const fh: Uint8Array | null = r.ok() && r.remaining() == 32 ? r.bytes(32) : null;
  if (hdr === null || !r.finish()) return malformed(r.err!);
  if (!SIGNER.initialized()) return new CoreError(Code.NOT_INITIALIZED, "init first");
  if (SIGNER.chain !== null) return invalidState("chain already initialised");
  const c = new ChainState(chainParams(SIGNER.network));
  // Preceding headers are known only by time (for the median rule); they cannot be fork points.
  for (let i = times.length - 1; i >= 0; i--) {
    c.window.push(new Entry(new Uint8Array(32), height - 1 - <u32>i, times[i], hdr!.bits, U256.zero(), periodStart, lastReal));
  }
  const cp = new Entry(hdr!.hash(), height, hdr!.time, hdr!.bits, U256.fromLE(work), periodStart, lastReal, hdr!.merkleRoot);
  cp.filterHeader = fh;
  c.window.push(cp);
  SIGNER.chain = c;
  SIGNER.touch("chain");
  writeTip(c, w);
  return null;
}

/**
 * chain_add_headers: fork_hash[32] | u16 n | n × header[80] → tip | u32 reorg depth.
 * Every header is checked before anything changes.
 */
function chainAdd(r: Reader, w: Writer): CoreError | null {
  const fork = r.bytes(32);
  const n = <i32>r.u16();
  if (r.ok() && (n < 1 || n > MAX_BATCH)) r.fail("1 to 2016 headers per batch");
  const headers = new Array<Uint8Array>();
  for (let i = 0; i < n && r.ok(); i++) headers.push(r.bytes(HEADER_SIZE));
  if (!r.finish()) return malformed(r.err!);
  const c = SIGNER.chain;
  if (c === null) return invalidState("chain_init first");
  const p = SIGNER.policy;
  let at = -1;
  for (let i = c.window.length - 1; i >= 0; i--) if (bytesEqual(c.window[i].hash, fork)) { at = i; break; }
  let e = p.check(Rule.CHAIN_HEADERS_VALID, at >= 0, "fork point is not in the signer's window");
  if (e !== null) return e;
  if (at < 0) return invalidState("fork point unknown");
  const branch = c.window.slice(0, at + 1);
  for (let i = 0; i < headers.length; i++) {
    const h = parseHeader(new Reader(headers[i]));
    if (h === null) return malformed("header " + i.toString());
    const why = new ChainError();
    const next = connect(c.params, branch, h!, why);
    if (next === null) {
      e = p.check(Rule.CHAIN_HEADERS_VALID, false, why.msg);
      if (e !== null) return e;
      return invalidState("a filtered invalid header still cannot be connected");
    }
    branch.push(next!);
  }
  const tip = c.tip();
  const newTip = branch[branch.length - 1];
  let depth: u32 = 0;
  if (newTip.work.cmp(tip.work) > 0) {
    depth = tip.height - c.window[at].height;
    if (at < c.window.length - 1) {
      // A reorg: refuse one deeper than configured and raise the alarm.
      if (depth > SIGNER.policy.cfg.reorgDepth) c.paused = true;
      e = p.check(Rule.CHAIN_REORG_DEPTH, depth <= SIGNER.policy.cfg.reorgDepth,
        "reorg of " + depth.toString() + " blocks, more than " + SIGNER.policy.cfg.reorgDepth.toString());
      if (e !== null) return e;
    } else depth = 0;
    c.window = branch;
    c.trim(SIGNER.policy.cfg.reorgDepth);
    // What the replaced blocks proved about watched outputs no longer holds.
    for (let i = 0; i < c.watches.length; i++) c.watches[i].rewind(branch[at].height);
    c.scan = null;
    SIGNER.touch("chain");
  }
  writeTip(c, w);
  w.u32(depth);
  return null;
}

function chainTip(r: Reader, w: Writer): CoreError | null {
  if (!r.finish()) return malformed(r.err!);
  if (SIGNER.chain === null) return invalidState("chain_init first");
  writeTip(SIGNER.chain!, w);
  return null;
}

/** chain_resume: the operator clears the reorg alarm. */
function chainResume(r: Reader, w: Writer): CoreError | null {
  if (!r.finish()) return malformed(r.err!);
  if (SIGNER.chain === null) return invalidState("chain_init first");
  SIGNER.chain!.paused = false;
  writeTip(SIGNER.chain!, w);
  return null;
}

/**
 * chain_heartbeat: u32 host_time → message | sig[64]. The message is
 * "vigil-heartbeat" | u8 network | u32 tip height | tip hash[32] | u32 tip time |
 * u32 host_time | u8 fresh, signed (BIP340) by the node key over
 * tagged_hash("vigil/heartbeat", message). fresh = the tip is at most
 * heartbeat_max_age older than the host's time. A host time older than one
 * already claimed is a replay and is refused (policy-heartbeat-fresh).
 */
function chainHeartbeat(r: Reader, w: Writer): CoreError | null {
  const hostTime = r.u32();
  if (!r.finish()) return malformed(r.err!);
  if (SIGNER.chain === null) return invalidState("chain_init first");
  const c = SIGNER.chain!;
  const e = SIGNER.policy.check(Rule.HEARTBEAT_FRESH, hostTime >= c.lastHostTime,
    "host time " + hostTime.toString() + " is older than one already claimed (" + c.lastHostTime.toString() + ")");
  if (e !== null) return e;
  const t = c.tip();
  const m = new Writer(96);
  m.bytes(Uint8Array.wrap(String.UTF8.encode("vigil-heartbeat"))).u8(SIGNER.network).u32(t.height).bytes(t.hash).u32(t.time).u32(hostTime);
  m.u8(isFresh(c, hostTime) ? 1 : 0);
  const msg = m.finish();
  const sig = schnorrSign(SIGNER.keys!.nodeSecret, taggedHash("vigil/heartbeat", msg), new Uint8Array(32));
  if (sig === null) return new CoreError(Code.INTERNAL, "heartbeat signature");
  if (hostTime > c.lastHostTime) { c.lastHostTime = hostTime; SIGNER.touch("chain"); }
  w.bytes(msg).bytes(sig!);
  return null;
}

/** Is the signer's tip recent relative to the latest host time (policy-heartbeat-fresh)? */
export function isFresh(c: ChainState, hostTime: u32): bool {
  return <u64>c.tip().time + <u64>SIGNER.policy.cfg.heartbeatMaxAgeSecs >= <u64>hostTime;
}

/**
 * The view the node's signing requests carry: the tip it believes in (declared
 * with chain_node_tip). Refused while a deep reorg paused signing
 * (policy-chain-reorg-depth), and (policy-heartbeat-fresh) when the signer's own
 * tip is stale against the latest host time, or the node's tip is not in the
 * signer's window. Used by the commitment rules when the signer follows a chain.
 */
export function checkNodeView(c: ChainState): CoreError | null {
  const p = SIGNER.policy;
  let e = p.check(Rule.CHAIN_REORG_DEPTH, !c.paused, "signing is paused after a reorg deeper than reorg_depth, until an operator resumes (chain_resume)");
  if (e !== null) return e;
  e = p.check(Rule.HEARTBEAT_FRESH, isFresh(c, c.lastHostTime), "the signer's tip is older than heartbeat_max_age");
  if (e !== null) return e;
  return p.check(Rule.HEARTBEAT_FRESH, c.nodeTip.length == 32 && c.find(c.nodeTip) !== null, "the node's tip is not in the signer's chain");
}

/** chain_node_tip: the node declares its tip; one the signer has not validated is refused at once. */
function chainNodeTip(r: Reader, w: Writer): CoreError | null {
  const tip = r.bytes(32);
  if (!r.finish()) return malformed(r.err!);
  const c = SIGNER.chain;
  if (c === null) return invalidState("chain_init first");
  const e = SIGNER.policy.check(Rule.HEARTBEAT_FRESH, c!.find(tip) !== null, "the node's tip is not in the signer's chain");
  if (e !== null) return e;
  c!.nodeTip = tip;
  return null;
}

/** Decode the durable "chain" record. */
export function readChain(r: Reader, network: u8): ChainState | null {
  const n = r.u32();
  if (r.ok() && (n < 1 || n > 100_000)) r.fail("chain window size");
  const c = new ChainState(chainParams(network));
  for (let i: u32 = 0; i < n && r.ok(); i++) c.window.push(Entry.read(r));
  c.lastHostTime = r.u32();
  const nw = r.u32();
  if (r.ok() && nw > 100_000) r.fail("watch count");
  for (let i: u32 = 0; i < nw && r.ok(); i++) c.watches.push(Watch.read(r));
  return r.ok() ? c : null;
}

export function handleChain(method: u16, r: Reader, w: Writer): CoreError | null {
  if (method == ChainMethod.CHAIN_INIT) return chainInit(r, w);
  if (method == ChainMethod.CHAIN_ADD_HEADERS) return chainAdd(r, w);
  if (method == ChainMethod.CHAIN_TIP) return chainTip(r, w);
  if (method == ChainMethod.CHAIN_RESUME) return chainResume(r, w);
  if (method == ChainMethod.CHAIN_HEARTBEAT) return chainHeartbeat(r, w);
  if (method == ChainMethod.CHAIN_NODE_TIP) return chainNodeTip(r, w);
  if (method >= ProofMethod.CHAIN_WATCH && method <= ProofMethod.CHAIN_LOCATOR) return handleProof(method, r, w);
  return new CoreError(Code.UNKNOWN_METHOD, "unknown method");
}
