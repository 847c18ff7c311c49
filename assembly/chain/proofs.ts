// Methods by which a feeder proves facts about watched outputs (see watch.ts).
//   0x0305 chain_watch        txid[32] | u32 vout | varbytes script → status
//   0x0306 chain_watch_status txid[32] | u32 vout → status
//   0x0307 chain_add_filter   block_hash[32] | varbytes filter | u8 n | n × (u8 oracle | sig[64])
//                             → u32 height | u16 cleared | u16 need_block
//   0x0308 chain_block_begin  block_hash[32] | u32 tx_count
//   0x0309 chain_block_txs    u16 n | n × varbytes tx
//   0x030a chain_block_end    → u32 height | u16 changed
//   0x030b chain_prove_tx     block_hash[32] | u32 index | u8 depth | depth × hash[32] | varbytes tx → status
//   0x030c chain_watch_list   → u16 n | n × (txid[32] | u32 vout | u32 conf_height | u32 spent_height | u32 scanned_height)
//   0x030d chain_locator      u16 max → u16 n | n × (u32 height | hash[32]), newest first (the window the signer holds)
// status = u8 watched | u32 conf_height | u32 depth | u32 spent_height | spend_txid[32] | u32 scanned_height | u8 unspent_at_tip
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { Code, CoreError, malformed, invalidState, invalidArgument } from "../protocol/errors";
import { Rule } from "../policy/rules";
import { SIGNER } from "../signer/state";
import { ChainState } from "./follower";
import { Entry } from "./headers";
import { verifyBranch } from "./merkle";
import { BlockScan, TxView, Watch, acceptFilter, applyFilter, applyTx } from "./watch";
import { parseTxView } from "./txview";
import { bytesEqual } from "../codec/bytes";

export namespace ProofMethod {
  export const CHAIN_WATCH: u16 = 0x0305;
  export const CHAIN_WATCH_STATUS: u16 = 0x0306;
  export const CHAIN_ADD_FILTER: u16 = 0x0307;
  export const CHAIN_BLOCK_BEGIN: u16 = 0x0308;
  export const CHAIN_BLOCK_TXS: u16 = 0x0309;
  export const CHAIN_BLOCK_END: u16 = 0x030a;
  export const CHAIN_PROVE_TX: u16 = 0x030b;
  export const CHAIN_WATCH_LIST: u16 = 0x030c;
  export const CHAIN_LOCATOR: u16 = 0x030d;
}

const MAX_SCRIPT: i32 = 10_000;
const MAX_TX: i32 = 4_000_000;

/** Is the output confirmed at least `minDepth` deep and proven unspent through the tip? */
export function unspentAtTip(c: ChainState, wt: Watch, minDepth: u32): bool {
  const tip = c.tip().height;
  return wt.confHeight != 0 && wt.spentHeight == 0 && wt.scannedHeight == tip && tip - wt.confHeight + 1 >= minDepth;
}

export function findWatch(c: ChainState, txid: Uint8Array, vout: u32): Watch | null {
  for (let i = 0; i < c.watches.length; i++) if (c.watches[i].is(txid, vout)) return c.watches[i];
  return null;
}

/** Watch an output (idempotent). Bounded by 8 watches per channel allowed. */
export function addWatch(c: ChainState, txid: Uint8Array, vout: u32, script: Uint8Array): Watch | null {
  const have = findWatch(c, txid, vout);
  if (have !== null) return have;
  if (<u32>c.watches.length >= SIGNER.limits.maxChannels * 8) return null;
  const wt = new Watch(txid, vout, script);
  c.watches.push(wt);
  SIGNER.touch("chain");
  return wt;
}

function writeStatus(c: ChainState, wt: Watch | null, w: Writer): void {
  if (wt === null) { w.u8(0).u32(0).u32(0).u32(0).bytes(new Uint8Array(32)).u32(0).u8(0); return; }
  const tip = c.tip().height;
  w.u8(1).u32(wt.confHeight).u32(wt.confHeight == 0 ? 0 : tip - wt.confHeight + 1).u32(wt.spentHeight).bytes(wt.spendTxid);
  w.u32(wt.scannedHeight).u8(unspentAtTip(c, wt, 1) ? 1 : 0);
}

function chain(): ChainState | null { return SIGNER.chain; }

function watch(r: Reader, w: Writer): CoreError | null {
  const txid = r.bytes(32), vout = r.u32(), script = r.varbytes(MAX_SCRIPT);
  if (!r.finish()) return malformed(r.err!);
  const c = chain();
  if (c === null) return invalidState("chain_init first");
  const wt = addWatch(c!, txid, vout, script);
  if (wt === null) return invalidArgument("too many watched outputs");
  writeStatus(c!, wt, w);
  return null;
}

function status(r: Reader, w: Writer): CoreError | null {
  const txid = r.bytes(32), vout = r.u32();
  if (!r.finish()) return malformed(r.err!);
  const c = chain();
  if (c === null) return invalidState("chain_init first");
  writeStatus(c!, findWatch(c!, txid, vout), w);
  return null;
}

function addFilter(r: Reader, w: Writer): CoreError | null {
  const hash = r.bytes(32), filter = r.varbytes(MAX_TX);
  const n = <i32>r.u8();
  const idx = new Array<u8>(), sigs = new Array<Uint8Array>();
  for (let i = 0; i < n && r.ok(); i++) { idx.push(r.u8()); sigs.push(r.bytes(64)); }
  if (!r.finish()) return malformed(r.err!);
  const c = chain();
  if (c === null) return invalidState("chain_init first");
  const e = c!.find(hash);
  if (e === null) return invalidState("block not in the signer's window");
  const parent = c!.at(e!.height - 1);
  if (parent === null || parent.filterHeader === null) return invalidState("the parent block has no filter header yet");
  const fh = acceptFilter(parent!, e!, filter, idx, sigs);
  const err = SIGNER.policy.check(Rule.CHAIN_ORACLE_PROOF, fh !== null,
    SIGNER.policy.cfg.oracleQuorum == 0 ? "no oracles configured: prove spends with the block" : "filter header not attested by the oracle quorum");
  if (err !== null) return err;
  if (fh === null) return invalidState("unattested filter");
  const res = applyFilter(c!.watches, e!, filter);
  e!.filterHeader = fh;
  SIGNER.touch("chain");
  w.u32(e!.height).u16(<u16>res[0]).u16(<u16>res[1]);
  return null;
}

function blockBegin(r: Reader, w: Writer): CoreError | null {
  const hash = r.bytes(32), count = r.u32();
  if (!r.finish()) return malformed(r.err!);
  const c = chain();
  if (c === null) return invalidState("chain_init first");
  const e = c!.find(hash);
  if (e === null) return invalidState("block not in the signer's window");
  if (count == 0) return invalidArgument("a block has at least one transaction");
  c!.scan = new BlockScan(e!, count, c!.watches);
  w.u32(e!.height);
  return null;
}

function blockTxs(r: Reader, w: Writer): CoreError | null {
  const n = <i32>r.u16();
  const raws = new Array<Uint8Array>();
  for (let i = 0; i < n && r.ok(); i++) raws.push(r.varbytes(MAX_TX));
  if (!r.finish()) return malformed(r.err!);
  const c = chain();
  if (c === null || c!.scan === null) return invalidState("chain_block_begin first");
  const s = c!.scan!;
  if (s.seen + <u32>n > s.count) { c!.scan = null; return invalidArgument("more transactions than the block announced"); }
  for (let i = 0; i < raws.length; i++) {
    const tx = parseTxView(raws[i]);
    if (tx === null) { c!.scan = null; return malformed("transaction " + (s.seen + <u32>i).toString()); }
    s.acc.add(tx!.txid);
    applyTx(s.pending, tx!, s.entry.height, false);
  }
  s.seen += <u32>n;
  w.u32(s.seen);
  return null;
}

function blockEnd(r: Reader, w: Writer): CoreError | null {
  if (!r.finish()) return malformed(r.err!);
  const c = chain();
  if (c === null || c!.scan === null) return invalidState("chain_block_begin first");
  const s = c!.scan!;
  c!.scan = null;
  const root = s.acc.root();
  const ok = s.seen == s.count && root !== null && !s.acc.mutated && bytesEqual(root!, s.entry.merkleRoot);
  const e = SIGNER.policy.check(Rule.CHAIN_ORACLE_PROOF, ok, "the transactions do not hash to the header's merkle root");
  if (e !== null) return e;
  if (!ok) return invalidState("unproven block");
  s.finish();
  let changed = 0;
  for (let i = 0; i < s.pending.length; i++) if (!sameWatch(s.pending[i], c!.watches[i])) changed++;
  c!.watches = s.pending;
  if (changed > 0) SIGNER.touch("chain");
  w.u32(s.entry.height).u16(<u16>changed);
  return null;
}

function proveTx(r: Reader, w: Writer): CoreError | null {
  const hash = r.bytes(32), index = r.u32();
  const depth = <i32>r.u8();
  const branch = new Array<Uint8Array>();
  for (let i = 0; i < depth && r.ok(); i++) branch.push(r.bytes(32));
  const raw = r.varbytes(MAX_TX);
  if (!r.finish()) return malformed(r.err!);
  const c = chain();
  if (c === null) return invalidState("chain_init first");
  const e = c!.find(hash);
  if (e === null) return invalidState("block not in the signer's window");
  const tx = parseTxView(raw);
  if (tx === null) return malformed("transaction");
  // A 64-byte transaction could pose as an inner node of the tree.
  const ok = tx!.strippedSize != 64 && verifyBranch(tx!.txid, index, branch, e!.merkleRoot);
  const err = SIGNER.policy.check(Rule.CHAIN_ORACLE_PROOF, ok, "merkle branch does not lead to the header's root");
  if (err !== null) return err;
  if (!ok) return invalidState("unproven transaction");
  const changed = applyTx(c!.watches, tx!, e!.height, true);
  if (changed > 0) SIGNER.touch("chain");
  // The status of the first watched output this transaction creates.
  let wt: Watch | null = null;
  for (let i = 0; i < c!.watches.length && wt === null; i++) if (bytesEqual(c!.watches[i].txid, tx!.txid)) wt = c!.watches[i];
  writeStatus(c!, wt, w);
  return null;
}

function sameWatch(a: Watch, b: Watch): bool {
  return a.confHeight == b.confHeight && a.spentHeight == b.spentHeight && a.scannedHeight == b.scannedHeight;
}

export function handleProof(method: u16, r: Reader, w: Writer): CoreError | null {
  if (method == ProofMethod.CHAIN_WATCH) return watch(r, w);
  if (method == ProofMethod.CHAIN_WATCH_STATUS) return status(r, w);
  if (method == ProofMethod.CHAIN_ADD_FILTER) return addFilter(r, w);
  if (method == ProofMethod.CHAIN_BLOCK_BEGIN) return blockBegin(r, w);
  if (method == ProofMethod.CHAIN_BLOCK_TXS) return blockTxs(r, w);
  if (method == ProofMethod.CHAIN_BLOCK_END) return blockEnd(r, w);
  if (method == ProofMethod.CHAIN_PROVE_TX) return proveTx(r, w);
  if (method == ProofMethod.CHAIN_WATCH_LIST || method == ProofMethod.CHAIN_LOCATOR) {
    const max = method == ProofMethod.CHAIN_LOCATOR ? <i32>r.u16() : 0;
    if (!r.finish()) return malformed(r.err!);
    const c = chain();
    if (c === null) return invalidState("chain_init first");
    if (method == ProofMethod.CHAIN_WATCH_LIST) {
      w.u16(<u16>c!.watches.length);
      for (let i = 0; i < c!.watches.length; i++) {
        const wt = c!.watches[i];
        w.bytes(wt.txid).u32(wt.vout).u32(wt.confHeight).u32(wt.spentHeight).u32(wt.scannedHeight);
      }
      return null;
    }
    // Entries before the checkpoint carry only a time (zero hash): not offered.
    const out = new Array<Entry>();
    for (let i = c!.window.length - 1; i >= 0 && out.length < max; i--) {
      const e = c!.window[i];
      let zero = true;
      for (let k = 0; k < 32 && zero; k++) zero = e.hash[k] == 0;
      if (!zero) out.push(e);
    }
    w.u16(<u16>out.length);
    for (let i = 0; i < out.length; i++) w.u32(out[i].height).bytes(out[i].hash);
    return null;
  }
  return new CoreError(Code.UNKNOWN_METHOD, "unknown method");
}
