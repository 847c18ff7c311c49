// Layer 1 for the demo nodes: each node's Vigil signer (its seed, LDK key
// scheme: the same node id) follows the demo chain through a ChainFeeder over
// DemoChainSource — headers checked by the core, BIP158 filters attested by a
// demo oracle, a block streamed only when its filter matches a watched script —
// and watches the funding output of every channel the node is in. The state
// the core proves is what policy-commitment-spends-active-utxo reads
// (confirmed min_funding_depth deep and unspent at the signer's tip).
import { Signer } from "../signer.js";
import { InProcessTransport } from "../transport.js";
import { Core } from "../core/core.js";
import { MemoryStore } from "../state/store.js";
import { chainHeartbeat, chainTip, chainWatch, chainWatchStatus, type Heartbeat, type Tip, type WatchStatus } from "../chain/client.js";
import { ChainFeeder } from "../chain/feeder.js";
import { DemoChainSource } from "../chain/sources.js";
import { KeyOracle } from "../chain/oracle.js";
import type { Chain } from "./chain.js";
import { sha256 } from "@noble/hashes/sha2.js";

export interface FollowStats { syncs: number; headers: number; filters: number; blocks: number; proofs: number; reorgs: number }

/** One node's signer and its feeder; restartable from its store. */
export class NodeFollower {
  signer!: Signer;
  feeder!: ChainFeeder;
  readonly store = new MemoryStore();
  readonly stats: FollowStats = { syncs: 0, headers: 0, filters: 0, blocks: 0, proofs: 0, reorgs: 0 };

  constructor(readonly name: string, private readonly seed: Uint8Array, private readonly source: DemoChainSource, private readonly oracle: KeyOracle) {
    this.open();
  }

  private open(from?: { height: number; hash: Uint8Array }) {
    this.signer = new Signer(new InProcessTransport(new Core(), this.store));
    this.signer.start({ secret: this.seed, network: "regtest", scheme: "ldk", policy: { oracles: [Buffer.from(this.oracle.publicKey).toString("hex")], oracleQuorum: 1 } });
    this.feeder = new ChainFeeder(this.signer, this.source, { filters: { source: this.source, oracles: [this.oracle], from } });
  }

  /** A new core from the durable records (the feeder resumes filters where the signer left them). */
  restart() {
    const from = this.feeder.filterTip ?? undefined;
    this.signer.close();
    this.open(from);
  }

  async sync() {
    const r = await this.feeder.sync();
    const s = this.stats;
    s.syncs++; s.headers += r.headers; s.filters += r.filters; s.blocks += r.blocks; s.proofs += r.proofs; if (r.reorgDepth) s.reorgs++;
    return r;
  }
}

/** The followers of a demo network, synced after every block. */
export class Followers {
  readonly source: DemoChainSource;
  readonly oracle: KeyOracle;
  readonly nodes = new Map<string, NodeFollower>();

  constructor(readonly chain: Chain, seeds: Record<string, Uint8Array>) {
    this.source = new DemoChainSource(chain);
    this.oracle = new KeyOracle(0, sha256(new TextEncoder().encode("vigil-demo-filter-oracle")), this.source);
    for (const [name, seed] of Object.entries(seeds)) this.nodes.set(name, new NodeFollower(name, seed, this.source, this.oracle));
  }

  get(name: string): NodeFollower { return this.nodes.get(name)!; }

  /** Checkpoint every signer at the chain's current tip (regtest: 2 units of work per block). */
  async start(): Promise<void> {
    for (const f of this.nodes.values()) await f.feeder.checkpoint(this.chain.height, 2n * BigInt(this.chain.height + 1));
  }

  async sync(): Promise<void> { for (const f of this.nodes.values()) await f.sync(); }

  /** `name`'s signer watches an output of a transaction the chain knows (mempool or block). */
  watch(name: string, txid: Uint8Array, vout: number): WatchStatus {
    const out = this.chain.findOutput(txid, vout);
    if (!out) throw new Error(`${name}: unknown output to watch`);
    return chainWatch(this.get(name).signer, txid, vout, out.script);
  }

  status(name: string, txid: Uint8Array, vout: number): WatchStatus { return chainWatchStatus(this.get(name).signer, txid, vout); }
  tip(name: string): Tip { return chainTip(this.get(name).signer); }
  heartbeat(name: string): Heartbeat { return chainHeartbeat(this.get(name).signer, this.chain.tipTime); }
}
