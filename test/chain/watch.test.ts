// Watched outputs: confirmation and spend status proven by merkle branches,
// whole blocks streamed to the signer, or BIP158 filters attested by an oracle
// quorum; hostile feeders refused with policy-chain-oracle-proof and no state
// change; a reorg rewinds what the replaced blocks proved.
import { describe, it, expect } from "vitest";
import { schnorr } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { Signer, Code, SignerError } from "../../host/signer.js";
import { chainAddFilter, chainAddHeaders, chainInit, chainProveTx, chainStreamBlock, chainWatch, chainWatchStatus, basicFilter } from "../../host/chain/client.js";
import { REGTEST_GENESIS, headerHash, serializeHeader } from "../../host/chain/headers.js";
import { Block, coinbase, merkleBranch, rawTx, regtestBlock, txidOf } from "../../host/chain/blocks.js";
import { expectRefused } from "../policy/attack.js";
import { hex } from "../helpers.js";

const genesis = serializeHeader(REGTEST_GENESIS);
const G = headerHash(genesis);
const T0 = REGTEST_GENESIS.time;
const FUNDING_SCRIPT = Uint8Array.from([0x00, 0x20, ...sha256(new TextEncoder().encode("2-of-2"))]);
const MINER = Uint8Array.from([0x00, 0x14, ...new Uint8Array(20).fill(7)]);
const ORACLES = [1, 2, 3].map((i) => sha256(Uint8Array.of(0x0a, i)));
const CHECKPOINT_FH = new Uint8Array(32).fill(0xfc);

const funding = rawTx([{ txid: sha256(Uint8Array.of(1)), vout: 1, witness: [new Uint8Array(72), new Uint8Array(33)] }], [{ value: 1_000_000n, script: FUNDING_SCRIPT }, { value: 5_000n, script: MINER }]);
const FTXID = txidOf(funding);
const spend = rawTx([{ txid: FTXID, vout: 0, witness: [new Uint8Array(0), new Uint8Array(72), new Uint8Array(72), new Uint8Array(71)] }], [{ value: 990_000n, script: MINER }]);
const other = rawTx([{ txid: FTXID, vout: 1, witness: [new Uint8Array(72), new Uint8Array(33)] }], [{ value: 4_000n, script: MINER }]);

/** Blocks 1..n on genesis; block `fundAt` holds the funding tx, block `spendAt` its spend. */
function blocks(n: number, fundAt: number, spendAt: number, from = { hash: G, height: 0, time: T0 }, tag = 0): Block[] {
  const out: Block[] = [];
  let prev = from.hash;
  for (let h = from.height + 1; h <= n; h++) {
    const txs = [coinbase(h * 16 + tag, MINER)];
    if (h === fundAt) txs.push(funding, other);
    if (h === spendAt) txs.push(spend);
    const b = regtestBlock(prev, from.time + (h - from.height) * 600 + tag, txs);
    out.push(b); prev = b.hash;
  }
  return out;
}

function signer(policy?: Record<string, unknown>) {
  const s = new Signer();
  s.init({ secret: new Uint8Array(32).fill(0x44), network: "regtest", policy: policy as never });
  chainInit(s, { height: 0, header: genesis, chainwork: 2n, periodStartTime: T0, lastRealBits: 0x207fffff, precedingTimes: [], filterHeader: CHECKPOINT_FH });
  return s;
}

const fail = (f: () => unknown) => { try { f(); } catch (e) { return e as SignerError; } throw new Error("expected an error"); };

describe("watched outputs: merkle branches and whole blocks", () => {
  const chain = blocks(8, 6, 8);
  const feed = (s: Signer, upto: number) => chainAddHeaders(s, G, chain.slice(0, upto).map((b) => b.header));

  it("a merkle branch proves confirmation; the block itself proves it unspent through its height", () => {
    const s = signer();
    feed(s, 6);
    expect(chainWatch(s, FTXID, 0, FUNDING_SCRIPT)).toMatchObject({ watched: true, confHeight: 0, unspentAtTip: false });
    const b6 = chain[5];
    const st = chainProveTx(s, b6.hash, 1, merkleBranch(b6.txs.map(txidOf), 1), funding);
    expect(st).toMatchObject({ confHeight: 6, depth: 1, scannedHeight: 5, spentHeight: 0, unspentAtTip: false });
    expect(chainStreamBlock(s, b6.hash, b6.txs, 1).changed).toBe(1);
    expect(chainWatchStatus(s, FTXID, 0)).toMatchObject({ scannedHeight: 6, unspentAtTip: true });
  });

  it("a new block makes the status stale until it is proven; a spend is seen in its block", () => {
    const s = signer();
    feed(s, 8);
    chainWatch(s, FTXID, 0, FUNDING_SCRIPT);
    for (const b of chain.slice(5, 7)) chainStreamBlock(s, b.hash, b.txs);
    expect(chainWatchStatus(s, FTXID, 0)).toMatchObject({ confHeight: 6, depth: 3, scannedHeight: 7, unspentAtTip: false });
    chainStreamBlock(s, chain[7].hash, chain[7].txs);
    const st = chainWatchStatus(s, FTXID, 0);
    expect(st).toMatchObject({ spentHeight: 8, unspentAtTip: false });
    expect(hex(st.spendTxid)).toBe(hex(txidOf(spend)));
  });

  it("a block with a transaction left out does not hash to the header (policy-chain-oracle-proof)", () => {
    const s = signer();
    feed(s, 8);
    chainWatch(s, FTXID, 0, FUNDING_SCRIPT);
    for (const b of chain.slice(5, 7)) chainStreamBlock(s, b.hash, b.txs);
    expectRefused(s, "policy-chain-oracle-proof", () => chainStreamBlock(s, chain[7].hash, chain[7].txs.slice(0, 1)));
    expectRefused(s, "policy-chain-oracle-proof", () => chainStreamBlock(s, chain[7].hash, [chain[7].txs[0], chain[7].txs[0]]));
  });

  it("a merkle branch to another root is refused", () => {
    const s = signer();
    feed(s, 6);
    chainWatch(s, FTXID, 0, FUNDING_SCRIPT);
    const b6 = chain[5];
    expectRefused(s, "policy-chain-oracle-proof", () => chainProveTx(s, b6.hash, 0, merkleBranch(b6.txs.map(txidOf), 1), funding));
    expectRefused(s, "policy-chain-oracle-proof", () => chainProveTx(s, chain[4].hash, 1, merkleBranch(b6.txs.map(txidOf), 1), funding));
  });

  it("malformed or out-of-order block streams are typed errors", () => {
    const s = signer();
    feed(s, 6);
    expect(fail(() => s.request(0x0309, Uint8Array.of(0, 0))).code).toBe(Code.INVALID_STATE);
    expect(fail(() => chainStreamBlock(s, new Uint8Array(32), chain[5].txs)).code).toBe(Code.INVALID_STATE);
    expect(fail(() => chainStreamBlock(s, chain[5].hash, [funding.subarray(0, 50)])).code).toBe(Code.MALFORMED);
  });

  it("a reorg past the confirmation rewinds it", () => {
    const s = signer();
    feed(s, 6);
    chainWatch(s, FTXID, 0, FUNDING_SCRIPT);
    chainStreamBlock(s, chain[5].hash, chain[5].txs);
    const fork = blocks(8, 0, 0, { hash: chain[3].hash, height: 4, time: T0 + 4 * 600 }, 1);
    expect(chainAddHeaders(s, chain[3].hash, fork.map((b) => b.header)).reorgDepth).toBe(2);
    expect(chainWatchStatus(s, FTXID, 0)).toMatchObject({ confHeight: 0, scannedHeight: 0, unspentAtTip: false });
  });
});

describe("watched outputs: BIP158 filters attested by oracles", () => {
  const chain = blocks(8, 6, 8);
  const attest = (hash: Uint8Array, fh: Uint8Array, who: number[]) => {
    const tag = sha256(new TextEncoder().encode("vigil/filter-header"));
    const msg = sha256(Uint8Array.from([...tag, ...tag, ...hash, ...fh]));
    return who.map((i) => [i, schnorr.sign(msg, ORACLES[i], new Uint8Array(32))] as [number, Uint8Array]);
  };
  const spentScripts = (b: Block) => b.txs.includes(spend) ? [FUNDING_SCRIPT] : b.txs.includes(other) ? [] : [];
  /** Honest filters and headers for blocks 1..8, chained from the checkpoint's. */
  const honest: Array<{ filter: Uint8Array; header: Uint8Array }> = [];
  const s0 = new Signer();
  let fh = CHECKPOINT_FH;
  for (const b of chain) { const f = basicFilter(s0, b.raw, spentScripts(b), fh); honest.push(f); fh = f.header; }
  const oracles = { oracles: ORACLES.map((k) => hex(schnorr.getPublicKey(k))), oracleQuorum: 2 };

  function proven(upto: number) {
    const s = signer(oracles);
    chainAddHeaders(s, G, chain.map((b) => b.header));
    chainWatch(s, FTXID, 0, FUNDING_SCRIPT);
    for (let h = 1; h <= upto; h++) {
      const b = chain[h - 1];
      const r = chainAddFilter(s, b.hash, honest[h - 1].filter, attest(b.hash, honest[h - 1].header, [0, 2]));
      if (r.needBlock) chainStreamBlock(s, b.hash, b.txs);
    }
    return s;
  }

  it("attested filters that do not match clear blocks; a matching one asks for the block", () => {
    const s = proven(5);
    const b6 = chain[5];
    chainProveTx(s, b6.hash, 1, merkleBranch(b6.txs.map(txidOf), 1), funding);
    expect(chainAddFilter(s, b6.hash, honest[5].filter, attest(b6.hash, honest[5].header, [0, 1]))).toMatchObject({ height: 6, cleared: 0, needBlock: 1 });
    chainStreamBlock(s, b6.hash, b6.txs);
    expect(chainAddFilter(s, chain[6].hash, honest[6].filter, attest(chain[6].hash, honest[6].header, [1, 2]))).toMatchObject({ cleared: 1, needBlock: 0 });
    expect(chainWatchStatus(s, FTXID, 0)).toMatchObject({ scannedHeight: 7, unspentAtTip: false });
  });

  it("a fake filter that hides the spend is refused: its header is not the attested one", () => {
    const s = proven(6);
    chainStreamBlock(s, chain[5].hash, chain[5].txs);
    chainAddFilter(s, chain[6].hash, honest[6].filter, attest(chain[6].hash, honest[6].header, [0, 1]));
    const b8 = chain[7];
    const fake = basicFilter(s0, b8.raw, [], honest[6].header); // leaves the funding script out
    expectRefused(s, "policy-chain-oracle-proof", () => chainAddFilter(s, b8.hash, fake.filter, attest(b8.hash, honest[7].header, [0, 1, 2])));
    // The honest, attested filter matches the funding script: the signer asks for the block.
    expect(chainAddFilter(s, b8.hash, honest[7].filter, attest(b8.hash, honest[7].header, [0, 1])).needBlock).toBe(1);
  });

  it("one oracle short of the quorum, repeated or unknown oracles are refused", () => {
    const s = proven(0);
    const b1 = chain[0];
    expectRefused(s, "policy-chain-oracle-proof", () => chainAddFilter(s, b1.hash, honest[0].filter, attest(b1.hash, honest[0].header, [1])));
    expectRefused(s, "policy-chain-oracle-proof", () => chainAddFilter(s, b1.hash, honest[0].filter, [...attest(b1.hash, honest[0].header, [1]), ...attest(b1.hash, honest[0].header, [1])]));
    expect(fail(() => chainAddFilter(s, b1.hash, honest[0].filter, [[7, new Uint8Array(64)], ...attest(b1.hash, honest[0].header, [1])])).rule).toBe("policy-chain-oracle-proof");
  });

  it("without oracles, filters prove nothing", () => {
    const s = signer();
    chainAddHeaders(s, G, chain.map((b) => b.header));
    expectRefused(s, "policy-chain-oracle-proof", () => chainAddFilter(s, chain[0].hash, honest[0].filter, attest(chain[0].hash, honest[0].header, [0, 1])));
  });
});
