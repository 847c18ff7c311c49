// Keeps the signer's chain view current from a ChainSource: headers (with the
// common ancestor found from the signer's own locator, so reorgs are offered
// as such), then proofs for the outputs the signer watches: a merkle branch
// for a confirmation, then the spend status block by block through the tip —
// a BIP158 filter per block when filters and oracles are configured (the block
// itself only when its filter matches a watched script), else every block.
import { Signer } from "../signer.js";
import { chainAddFilter, chainAddHeaders, chainInit, chainLocator, chainProveTx, chainStreamBlock, chainTip, chainWatchList, type Tip } from "./client.js";
import { merkleBranch, splitBlock, txidOf } from "./blocks.js";
import type { ChainSource, FilterSource } from "./sources.js";
import type { FilterOracle } from "./oracle.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

export interface SyncReport { tip: Tip; headers: number; reorgDepth: number; proofs: number; blocks: number; filters: number }

export interface FeederOptions {
  headerBatch?: number;
  txBatch?: number;
  /**
   * Filters and the oracles attesting their headers (the signer's policy names
   * the oracles' keys and quorum). `from`: the highest block whose filter the
   * signer already accepted, for a feeder started over a signer that kept its
   * state (else checkpoint() sets it).
   */
  filters?: { source: FilterSource; oracles: FilterOracle[]; from?: { height: number; hash: Uint8Array } };
}

export class ChainFeeder {
  private filtered: { height: number; hash: Uint8Array } | null;
  private margin = 0;

  constructor(readonly signer: Signer, readonly source: ChainSource, readonly opts: FeederOptions = {}) {
    this.filtered = opts.filters?.from ?? null;
  }

  /** Highest block on the signer's chain whose filter it accepted (filters only). */
  get filterTip() { return this.filtered; }

  /**
   * Trust the source's block at `height` as the checkpoint (an operator
   * decision). Regtest-style work: `chainwork` must be given for other
   * networks. With filters, the checkpoint carries the block's filter header.
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
    const filterHeader = this.opts.filters ? (await this.opts.filters.source.filter(hash)).header : undefined;
    const tip = chainInit(this.signer, { height, header, chainwork, periodStartTime, lastRealBits: bits, precedingTimes: preceding, filterHeader });
    if (filterHeader) this.filtered = { height, hash };
    return tip;
  }

  /** Offer the source's best chain from the latest block both know. */
  async syncHeaders(): Promise<{ tip: Tip; headers: number; reorgDepth: number; blocks: number; filters: number }> {
    const best = await this.source.height();
    let fork: { height: number; hash: Uint8Array } | null = null;
    for (const l of chainLocator(this.signer, 256)) {
      if (l.height <= best && hex(await this.source.hashAt(l.height)) === hex(l.hash)) { fork = l; break; }
    }
    if (!fork) throw new Error("the source's chain shares no block with the signer's window (reorg deeper than the window, or another network)");
    let tip = chainTip(this.signer), headers = 0, reorgDepth = 0, blocks = 0, filters = 0;
    // A competing branch is offered whole (up to 2016 headers): the signer
    // keeps no side branches, so a first part with less work would be dropped.
    // With filters, forward batches stay within the signer's window (its reorg
    // depth) so each block gets its filter while its parent's filter header is held.
    let batch = fork.height < tip.height ? 2016 : this.opts.headerBatch ?? 2000;
    if (this.filtered && fork.height === tip.height) batch = Math.min(batch, this.windowMargin());
    for (let from = fork.height + 1, prev = fork.hash; from <= best; from += batch) {
      const hs: Uint8Array[] = [];
      for (let h = from; h < Math.min(best + 1, from + batch); h++) hs.push(await this.source.header(await this.source.hashAt(h)));
      const r = chainAddHeaders(this.signer, prev, hs);
      reorgDepth = Math.max(reorgDepth, r.reorgDepth);
      headers += hs.length;
      tip = r;
      prev = await this.source.hashAt(from + hs.length - 1);
      // The filters above the fork were for blocks the reorg replaced.
      if (this.filtered && r.reorgDepth > 0 && this.filtered.height > fork.height) this.filtered = fork;
      if (this.filtered && from + batch <= best) {
        const s = await this.scan(this.filtered.height + 1, tip.height);
        blocks += s.blocks; filters += s.filters;
      }
    }
    return { tip, headers, reorgDepth, blocks, filters };
  }

  /**
   * Prove confirmation and spend status of every watched output through the
   * signer's tip: a merkle branch for each unconfirmed one the source has in a
   * block, then each block from the lowest proven height on (a block or a
   * filter advances every watch that was current up to its parent).
   */
  async proveWatches(): Promise<{ proofs: number; blocks: number; filters: number }> {
    const tip = chainTip(this.signer).height;
    let proofs = 0, list = chainWatchList(this.signer);
    for (const w of list) {
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
    if (proofs) list = chainWatchList(this.signer);
    const open = list.filter((w) => w.confHeight !== 0 && w.spentHeight === 0 && w.scannedHeight < tip);
    return { proofs, ...(await this.scan(open.length ? Math.min(...open.map((w) => w.scannedHeight)) + 1 : tip + 1, tip)) };
  }

  /**
   * Heights from..to: with filters, every block's filter from the last one
   * the signer accepted (its filter-header chain must not break), the block
   * streamed only when the filter matches a watched script; else every block.
   */
  private async scan(from: number, to: number): Promise<{ blocks: number; filters: number }> {
    const f = this.filtered ? this.opts.filters! : null;
    if (f) from = Math.min(from, this.filtered!.height + 1);
    let blocks = 0, filters = 0;
    for (let h = from; h <= to; h++) {
      const hash = await this.source.hashAt(h);
      if (f) {
        const { filter } = await f.source.filter(hash);
        const sigs = await Promise.all(f.oracles.map(async (o) => [o.index, await o.attest(hash)] as [number, Uint8Array]));
        const r = chainAddFilter(this.signer, hash, filter, sigs);
        filters++;
        if (h > this.filtered!.height) this.filtered = { height: h, hash };
        if (r.needBlock === 0) continue;
      }
      chainStreamBlock(this.signer, hash, splitBlock(await this.source.block(hash)).txs, this.opts.txBatch ?? 64);
      blocks++;
    }
    return { blocks, filters };
  }

  private windowMargin(): number {
    if (this.margin === 0) this.margin = Math.max(1, Number(this.signer.policy().reorgDepth ?? 6));
    return this.margin;
  }

  async sync(): Promise<SyncReport> {
    const h = await this.syncHeaders();
    const p = await this.proveWatches();
    return { ...h, ...p, blocks: h.blocks + p.blocks, filters: h.filters + p.filters };
  }
}
