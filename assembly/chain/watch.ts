// Watched outputs: what the signer itself knows about the outputs it depends
// on (funding outpoints, its sweeps, the peer's commitment outputs). The node
// never tells the signer "confirmed" or "unspent"; a feeder proves it:
//   - confirmation: a merkle branch from the transaction to a header in the
//     signer's window, or the whole block streamed and its merkle root checked;
//   - spend status, block by block from the confirmation on: the whole block
//     (every input scanned), or a BIP158 filter that does not match the
//     output's script, when `oracle_quorum` oracle keys attest the filter's
//     header (policy-chain-oracle-proof). A filter cannot be checked against
//     the block without all its spent outputs, so without oracles only blocks
//     count.
// A reorg rewinds everything proven above the fork.
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { schnorrVerify, taggedHash } from "../crypto";
import { SIGNER } from "../signer/state";
import { Entry } from "./headers";
import { decodeFilter, filterHeader, filterKey, matchAny } from "./bip158";
import { MerkleAccumulator } from "./merkle";
import { bytesEqual } from "../codec/bytes";

export class Watch {
  confHeight: u32 = 0; // 0: not proven confirmed
  spentHeight: u32 = 0; // 0: not seen spent
  spendTxid: Uint8Array = new Uint8Array(32);
  scannedHeight: u32 = 0; // spend status proven through this height (0: nothing)
  constructor(public txid: Uint8Array, public vout: u32, public script: Uint8Array) {}

  write(w: Writer): void {
    w.bytes(this.txid).u32(this.vout).varbytes(this.script);
    w.u32(this.confHeight).u32(this.spentHeight).bytes(this.spendTxid).u32(this.scannedHeight);
  }

  static read(r: Reader): Watch {
    const wt = new Watch(r.bytes(32), r.u32(), r.varbytes(10_000));
    wt.confHeight = r.u32();
    wt.spentHeight = r.u32();
    wt.spendTxid = r.bytes(32);
    wt.scannedHeight = r.u32();
    return wt;
  }

  clone(): Watch {
    const c = new Watch(this.txid, this.vout, this.script);
    c.confHeight = this.confHeight;
    c.spentHeight = this.spentHeight;
    c.spendTxid = this.spendTxid;
    c.scannedHeight = this.scannedHeight;
    return c;
  }

  is(txid: Uint8Array, vout: u32): bool { return this.vout == vout && bytesEqual(this.txid, txid); }

  /** Forget what blocks above `height` proved (they left the best chain). */
  rewind(height: u32): void {
    if (this.confHeight > height) { this.confHeight = 0; this.scannedHeight = 0; }
    if (this.spentHeight > height) { this.spentHeight = 0; this.spendTxid = new Uint8Array(32); }
    if (this.scannedHeight > height) this.scannedHeight = height;
  }
}

/** A transaction as the watch logic needs it (filled by the Bitcoin layer's parser). */
export class TxView {
  constructor(public txid: Uint8Array, public prevTxids: Uint8Array[], public prevVouts: u32[], public outScripts: Uint8Array[], public strippedSize: i32) {}
}

/** Effects of one transaction in the block at `height` on the watches. Returns how many changed. */
export function applyTx(watches: Watch[], tx: TxView, height: u32, confirmOnly: bool): i32 {
  let n = 0;
  for (let i = 0; i < watches.length; i++) {
    const wt = watches[i];
    if (wt.confHeight == 0 && bytesEqual(wt.txid, tx.txid) && wt.vout < <u32>tx.outScripts.length && bytesEqual(tx.outScripts[wt.vout], wt.script)) {
      wt.confHeight = height;
      if (wt.scannedHeight == 0) wt.scannedHeight = height - 1; // its own block still needs checking
      n++;
    }
    if (confirmOnly || wt.spentHeight != 0) continue;
    for (let k = 0; k < tx.prevTxids.length; k++) {
      if (tx.prevVouts[k] == wt.vout && bytesEqual(tx.prevTxids[k], wt.txid)) {
        wt.spentHeight = height;
        wt.spendTxid = tx.txid;
        n++;
      }
    }
  }
  return n;
}

/** Oracle attestation message for a block's filter header. */
export function attestation(blockHash: Uint8Array, fh: Uint8Array): Uint8Array {
  const m = new Uint8Array(64);
  m.set(blockHash, 0);
  m.set(fh, 32);
  return taggedHash("vigil/filter-header", m);
}

/** How many distinct configured oracles signed `msg`? sigs: (u8 oracle index, sig[64]) pairs. */
export function countOracles(msg: Uint8Array, idx: u8[], sigs: Uint8Array[]): u32 {
  const keys = SIGNER.policy.cfg.oracleKeys;
  let seen: u32 = 0; // bitmask of counted oracles (at most 16 keys)
  let n: u32 = 0;
  for (let i = 0; i < sigs.length; i++) {
    const k = <i32>idx[i];
    if (k >= keys.length || (seen & (<u32>1 << k)) != 0) continue;
    if (schnorrVerify(sigs[i], msg, keys[k])) { seen |= <u32>1 << k; n++; }
  }
  return n;
}

/**
 * A filter for `e` whose parent `parent` has a filter header: returns the new
 * filter header, or null (with why) when the oracles do not attest it.
 */
export function acceptFilter(parent: Entry, e: Entry, filter: Uint8Array, idx: u8[], sigs: Uint8Array[]): Uint8Array | null {
  const fh = filterHeader(filter, parent.filterHeader!);
  const cfg = SIGNER.policy.cfg;
  if (cfg.oracleQuorum == 0) return null;
  return countOracles(attestation(e.hash, fh), idx, sigs) >= cfg.oracleQuorum ? fh : null;
}

/** Advance the watches a filter for block `e` clears (script absent from the set). Returns [advanced, need block]. */
export function applyFilter(watches: Watch[], e: Entry, filter: Uint8Array): i32[] {
  const values = decodeFilter(filter, 1_000_000);
  const out: i32[] = [0, 0];
  if (values === null) return out;
  const key = filterKey(e.hash);
  for (let i = 0; i < watches.length; i++) {
    const wt = watches[i];
    if (wt.confHeight == 0 || wt.spentHeight != 0 || wt.scannedHeight + 1 != e.height) continue;
    const items = new Array<Uint8Array>(1);
    items[0] = wt.script;
    if (matchAny(key, values!, items)) out[1]++;
    else { wt.scannedHeight = e.height; out[0]++; }
  }
  return out;
}

/**
 * A block being streamed to the signer, transaction by transaction. Effects go
 * to copies of the watches and land only if the merkle root matches the
 * header's. Volatile: after a restart the feeder starts the block again.
 */
export class BlockScan {
  acc: MerkleAccumulator = new MerkleAccumulator();
  seen: u32 = 0;
  pending: Watch[] = [];
  constructor(public entry: Entry, public count: u32, watches: Watch[]) {
    for (let i = 0; i < watches.length; i++) this.pending.push(watches[i].clone());
  }

  /** After the last transaction: the block is proven, every watch that was current is now scanned through it. */
  finish(): void {
    for (let i = 0; i < this.pending.length; i++) {
      const wt = this.pending[i];
      if (wt.confHeight != 0 && wt.scannedHeight + 1 == this.entry.height) wt.scannedHeight = this.entry.height;
    }
  }
}
