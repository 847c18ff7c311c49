// Keeps the signer's chain view current from a ChainSource: headers (with the
// common ancestor found from the signer's own locator, so reorgs are offered
// as such), then proofs for the outputs the signer watches: a merkle branch
// for a confirmation, every later block streamed until the spend status is
// proven through the tip.
import { Signer } from "../signer.js";
import { chainAddHeaders, chainInit, chainLocator, chainProveTx, chainStreamBlock, chainTip, chainWatchList, type Tip } from "./client.js";
import { merkleBranch, splitBlock, txidOf } from "./blocks.js";
import type { ChainSource } from "./sources.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

export interface SyncReport { tip: Tip; headers: number; reorgDepth: number; proofs: number; blocks: number }

export class ChainFeeder {
  constructor(readonly signer: Signer, readonly source: ChainSource, readonly opts: { headerBatch?: number; txBatch?: number } = {}) {}

  /**
   * Trust the source's block at `height` as the checkpoint (an operator
   * decision). Regtest-style work: `chainwork` must be given for other networks.
   */
  async checkpoint(height: number, chainwork: bigint): Promise<Tip> {
    const hash = await this.source.hashAt(height);
    const header = await this.source.header(hash);
    const time = (h: Uint8Array) => new DataView(h.buffer, h.byteOffset).getUint32(68, true);
    const bits = new DataView(header.buffer, header.byteOffset).getUint32(72, true);
    const start = height - (height % 2016);
    const periodStartTime = time(await this.source.header(await this.source.hashAt(start)));
    const preceding: number[] = [];
    for (let h = height - 1; h >= Math.max(0, height - 10); h--) preceding.push(time(await this.source.header(await this.source.hashAt(h))));
    return chainInit(this.signer, { height, header, chainwork, periodStartTime, lastRealBits: bits, precedingTimes: preceding });
  }

  /** Offer the source's best chain from the latest block both know. */
  async syncHeaders(): Promise<{ tip: Tip; headers: number; reorgDepth: number }> {
    const best = await this.source.height();
    let fork: { height: number; hash: Uint8Array } | null = null;
    for (const l of chainLocator(this.signer, 256)) {
      if (l.height <= best && hex(await this.source.hashAt(l.height)) === hex(l.hash)) { fork = l; break; }
    }
    if (!fork) throw new Error("the source's chain shares no block with the signer's window (reorg deeper than the window, or another network)");
    let tip = chainTip(this.signer), headers = 0, reorgDepth = 0;
    // A competing branch is offered whole (up to 2016 headers): the signer
    // keeps no side branches, so a first part with less work would be dropped.
    const batch = fork.height < tip.height ? 2016 : this.opts.headerBatch ?? 2000;
    for (let from = fork.height + 1, prev = fork.hash; from <= best; from += batch) {
      const hs: Uint8Array[] = [];
      for (let h = from; h < Math.min(best + 1, from + batch); h++) hs.push(await this.source.header(await this.source.hashAt(h)));
      const r = chainAddHeaders(this.signer, prev, hs);
      reorgDepth = Math.max(reorgDepth, r.reorgDepth);
      headers += hs.length;
      tip = r;
      prev = await this.source.hashAt(from + hs.length - 1);
    }
    return { tip, headers, reorgDepth };
  }

  /**
   * Prove confirmation and spend status of every watched output through the
   * signer's tip: a merkle branch for each unconfirmed one the source has in a
   * block, then each block from the lowest proven height on, streamed once
   * (a block advances every watch that was current up to its parent).
   */
  async proveWatches(): Promise<{ proofs: number; blocks: number }> {
    const tip = chainTip(this.signer).height;
    let proofs = 0, blocks = 0;
    for (const w of chainWatchList(this.signer)) {
      if (w.confHeight !== 0) continue;
      const loc = await this.source.findTx(w.txid);
      if (!loc || loc.height > tip) continue;
      const { txs } = splitBlock(await this.source.block(loc.blockHash));
      const ids = txs.map(txidOf);
      const index = ids.findIndex((t) => hex(t) === hex(w.txid));
      if (index < 0) continue;
      chainProveTx(this.signer, loc.blockHash, index, merkleBranch(ids, index), txs[index]);
      proofs++;
    }
    const open = chainWatchList(this.signer).filter((w) => w.confHeight !== 0 && w.spentHeight === 0 && w.scannedHeight < tip);
    if (open.length === 0) return { proofs, blocks };
    for (let h = Math.min(...open.map((w) => w.scannedHeight)) + 1; h <= tip; h++) {
      const hash = await this.source.hashAt(h);
      chainStreamBlock(this.signer, hash, splitBlock(await this.source.block(hash)).txs, this.opts.txBatch ?? 64);
      blocks++;
    }
    return { proofs, blocks };
  }

  async sync(): Promise<SyncReport> {
    const h = await this.syncHeaders();
    const p = await this.proveWatches();
    return { ...h, ...p, tip: chainTip(this.signer) };
  }
}
