// ChainFeeder over the LDK demo chain with BIP158 filters attested by an
// oracle: an honest run (blocks streamed only where a filter matches the
// watched script), then hostile sources and oracles, each refused by the
// signer with its rule id and no change to its state digest.
import { describe, it, expect } from "vitest";
import { sha256 } from "@noble/hashes/sha2.js";
import { Signer } from "../../host/signer.js";
import { basicFilter, chainTip, chainWatch, chainWatchStatus } from "../../host/chain/client.js";
import { splitBlock, txidOf } from "../../host/chain/blocks.js";
import { headerHash, mine, regtestChain } from "../../host/chain/headers.js";
import { DemoChainSource, type ChainSource, type FilterSource } from "../../host/chain/sources.js";
import { ChainFeeder } from "../../host/chain/feeder.js";
import { KeyOracle, type FilterOracle } from "../../host/chain/oracle.js";
import { Chain, Wallet } from "../../host/ldk/chain.js";
import { expectRefusedAsync as refused } from "../policy/attack.js";
import { hex } from "../helpers.js";

const key = (i: number) => sha256(Uint8Array.of(0x0c, i));

/** A demo chain with a wallet output the signer watches, confirmed at 102. */
function world(opts: { quorum?: number; oracles?: (src: FilterSource) => FilterOracle[]; reorgDepth?: number } = {}) {
  const chain = new Chain();
  const payer = new Wallet(chain, "hostile-payer"), owner = new Wallet(chain, "hostile-owner");
  chain.mine(1, [{ script: payer.script, amount: 1_000_000n }]);
  chain.mine(100);
  const src = new DemoChainSource(chain);
  const honest = [new KeyOracle(0, key(0), src), new KeyOracle(1, key(1), src)];
  const oracles = opts.oracles?.(src) ?? [honest[0]];
  const s = new Signer();
  s.init({ secret: new Uint8Array(32).fill(0x6d), network: "regtest", policy: { oracles: honest.map((o) => hex(o.publicKey)), oracleQuorum: opts.quorum ?? 1, reorgDepth: opts.reorgDepth ?? 6 } });
  const fund = payer.pay([{ script: owner.script, amount: 500_000n }]);
  chain.broadcast(fund, "payer");
  return { chain, src, s, owner, oracles, watched: { txid: txidOf(fund), vout: 0, script: owner.script } };
}

/** A feeder from 101 (with filters, unless `filters` is null) that proved the watched output at 102. */
async function following(w: ReturnType<typeof world>, source: ChainSource = w.src, filters: FilterSource | null = w.src) {
  const f = new ChainFeeder(w.s, source, filters ? { filters: { source: filters, oracles: w.oracles } } : {});
  await f.checkpoint(w.chain.height, 2n * BigInt(w.chain.height + 1));
  w.chain.mine(1); // 102: the watched output
  chainWatch(w.s, w.watched.txid, w.watched.vout, w.watched.script);
  const r = await f.sync();
  return { f, r };
}

/** A block's filter as if it held only its coinbase (the spend and its scripts hidden), chained to the honest parent header. */
async function hidingFilter(w: ReturnType<typeof world>, tools: Signer, hash: Uint8Array) {
  const { header, txs } = splitBlock(await w.src.block(hash));
  const parent = await w.src.filter(w.chain.blocks[w.chain.height - 1].hash);
  return basicFilter(tools, new Uint8Array(Buffer.concat([header, Uint8Array.of(1), txs[0]])), [], parent.header);
}

/** The spend of the watched output, mined at the next height. */
function spend(w: ReturnType<typeof world>) {
  w.chain.broadcast(w.owner.pay([{ script: Uint8Array.of(0x00, 0x14, ...new Uint8Array(20).fill(9)), amount: 400_000n }]), "owner");
  return w.chain.mine(1)[0];
}

describe("feeder with BIP158 filters attested by an oracle", () => {
  it("proves the output confirmed, clears later blocks by filter alone, and sees the spend in the one matching block", async () => {
    const w = world();
    const { f, r } = await following(w);
    expect(r).toMatchObject({ headers: 1, proofs: 1, filters: 1, blocks: 1 }); // its own block matches its script
    expect(chainWatchStatus(w.s, w.watched.txid, 0)).toMatchObject({ confHeight: 102, unspentAtTip: true });
    w.chain.mine(5);
    expect(await f.sync()).toMatchObject({ headers: 5, filters: 5, blocks: 0 });
    expect(chainWatchStatus(w.s, w.watched.txid, 0)).toMatchObject({ scannedHeight: 107, unspentAtTip: true });
    const b = spend(w);
    expect(await f.sync()).toMatchObject({ headers: 1, filters: 1, blocks: 1 });
    const st = chainWatchStatus(w.s, w.watched.txid, 0);
    expect(st).toMatchObject({ spentHeight: 108, unspentAtTip: false });
    expect(hex(st.spendTxid)).toBe(hex(b.txs[1].txid));
  });

  it("many blocks at once: header batches stay inside the signer's window so every block gets its filter", async () => {
    const w = world({ reorgDepth: 3 });
    const { f } = await following(w);
    w.chain.mine(40);
    expect(await f.sync()).toMatchObject({ headers: 40, filters: 40, blocks: 0 });
    expect(chainWatchStatus(w.s, w.watched.txid, 0)).toMatchObject({ scannedHeight: 142, unspentAtTip: true });
  });
});

describe("hostile feeders are refused with their rule id and change nothing", () => {
  it("a fake filter that hides the spend (policy-chain-oracle-proof)", async () => {
    const w = world();
    let lie: Uint8Array | null = null;
    const tools = new Signer();
    const filters: FilterSource = {
      async filter(hash) {
        const honest = await w.src.filter(hash);
        if (!lie || hex(hash) !== hex(lie)) return honest;
        return { filter: (await hidingFilter(w, tools, hash)).filter, header: honest.header };
      },
    };
    const { f } = await following(w, w.src, filters);
    lie = spend(w).hash;
    await f.syncHeaders();
    await refused(w.s, "policy-chain-oracle-proof", () => f.proveWatches());
    expect(chainWatchStatus(w.s, w.watched.txid, 0)).toMatchObject({ spentHeight: 0, scannedHeight: 102, unspentAtTip: false });
  });

  it("one oracle of a quorum of two attesting the fake filter's header (policy-chain-oracle-proof)", async () => {
    const fake = new Map<string, Uint8Array>(); // block hash → the header of the fake filter
    const liar = (src: FilterSource): FilterOracle =>
      new KeyOracle(1, key(1), { filter: async (h) => ({ filter: new Uint8Array(0), header: fake.get(hex(h)) ?? (await src.filter(h)).header }) });
    const w = world({ quorum: 2, oracles: (src) => [new KeyOracle(0, key(0), src), liar(src)] });
    const tools = new Signer();
    const filters: FilterSource = {
      async filter(hash) { return fake.has(hex(hash)) ? hidingFilter(w, tools, hash) : w.src.filter(hash); },
    };
    const { f } = await following(w, w.src, filters);
    const b = spend(w);
    fake.set(hex(b.hash), (await hidingFilter(w, tools, b.hash)).header);
    await f.syncHeaders();
    await refused(w.s, "policy-chain-oracle-proof", () => f.proveWatches());
  });

  it("a block served with the spend left out (policy-chain-oracle-proof)", async () => {
    const w = world();
    let cut: Uint8Array | null = null;
    const source: ChainSource = Object.assign(Object.create(w.src), {
      async block(hash: Uint8Array) {
        const raw = await w.src.block(hash);
        if (!cut || hex(hash) !== hex(cut)) return raw;
        const { header, txs } = splitBlock(raw);
        return new Uint8Array(Buffer.concat([header, Uint8Array.of(1), txs[0]]));
      },
    });
    const { f } = await following(w, source, null); // every block streamed
    cut = spend(w).hash;
    await f.syncHeaders();
    await refused(w.s, "policy-chain-oracle-proof", () => f.proveWatches());
    expect(chainWatchStatus(w.s, w.watched.txid, 0).spentHeight).toBe(0);
  });

  const tamperedTip = (w: ReturnType<typeof world>, make: (prev: Uint8Array, time: number) => Uint8Array): ChainSource => {
    const bad = () => make(w.chain.blocks[w.chain.height - 1].hash, w.chain.tipTime);
    return Object.assign(Object.create(w.src), {
      async hashAt(h: number) { return h === w.chain.height ? headerHash(bad()) : w.src.hashAt(h); },
      async header(hash: Uint8Array) { return hex(hash) === hex(headerHash(bad())) ? bad() : w.src.header(hash); },
    });
  };
  const fields = (prev: Uint8Array, time: number, bits = 0x207fffff) => ({ version: 0x20000000, prev, merkleRoot: new Uint8Array(32).fill(7), time, bits });

  for (const [name, make, why] of [
    ["a header with bad proof of work", (p: Uint8Array, t: number) => mine(fields(p, t), true), /proof of work/],
    ["a header with wrong bits", (p: Uint8Array, t: number) => mine(fields(p, t, 0x1d00ffff), true), /wrong difficulty bits/],
  ] as const) {
    it(`${name} (policy-chain-headers-valid)`, async () => {
      const w = world();
      const { f } = await following(w, undefined);
      const before = chainTip(w.s);
      w.chain.mine(1);
      const g = new ChainFeeder(w.s, tamperedTip(w, make), {});
      const err = await refused(w.s, "policy-chain-headers-valid", () => g.syncHeaders());
      expect(err.message).toMatch(why);
      expect(chainTip(w.s).height).toBe(before.height);
      expect((await f.sync()).tip.height).toBe(before.height + 1); // the honest source still works
    });
  }

  it("a branch one block deeper than the reorg limit (policy-chain-reorg-depth): refused, signing paused", async () => {
    const w = world({ reorgDepth: 6 });
    const { f } = await following(w);
    w.chain.mine(10); // tip 112
    await f.sync();
    const forkAt = 112 - 7; // replaces 106..112: depth 7
    const t = new DataView(w.chain.blocks[forkAt].header.buffer, w.chain.blocks[forkAt].header.byteOffset).getUint32(68, true);
    const branch = regtestChain(w.chain.blocks[forkAt].hash, t + 1, 8, { tag: 5 });
    const source: ChainSource = Object.assign(Object.create(w.src), {
      async height() { return forkAt + branch.length; },
      async hashAt(h: number) { return h > forkAt ? headerHash(branch[h - forkAt - 1]) : w.src.hashAt(h); },
      async header(hash: Uint8Array) { return branch.find((b) => hex(headerHash(b)) === hex(hash)) ?? w.src.header(hash); },
    });
    const g = new ChainFeeder(w.s, source, {});
    await refused(w.s, "policy-chain-reorg-depth", () => g.syncHeaders());
    expect(chainTip(w.s)).toMatchObject({ height: 112, paused: true });
  });
});
