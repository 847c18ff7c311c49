// The core's header-chain follower (assembly/chain/): regtest headers mined by
// the test, hostile feeders refused with their rule ids and no state change,
// reorgs within and one past the configured depth, restart from the store.
import { describe, it, expect } from "vitest";
import { Signer, Code, SignerError } from "../../host/signer.js";
import { InProcessTransport } from "../../host/transport.js";
import { Core } from "../../host/core/core.js";
import { MemoryStore } from "../../host/state/store.js";
import { chainAddHeaders, chainHeartbeat, chainInit, chainNodeTip, chainResume, chainTip, type Tip } from "../../host/chain/client.js";

/** Any valid point (the peer's per-commitment point of a test state). */
const REGTEST_POINT = Uint8Array.from(Buffer.from("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798", "hex"));
import { REGTEST_GENESIS, headerHash, mine, regtestChain, serializeHeader } from "../../host/chain/headers.js";
import { expectRefused } from "../policy/attack.js";
import { hex } from "../helpers.js";

const SECRET = new Uint8Array(32).fill(0x33);
const genesis = serializeHeader(REGTEST_GENESIS);
const G = headerHash(genesis);
const checkpoint = { height: 0, header: genesis, chainwork: 2n, periodStartTime: REGTEST_GENESIS.time, lastRealBits: 0x207fffff, precedingTimes: [] };

function started(store = new MemoryStore(), reorgDepth?: number) {
  const s = new Signer(new InProcessTransport(new Core(), store));
  s.start({ secret: SECRET, network: "regtest", policy: reorgDepth === undefined ? undefined : { reorgDepth } });
  return s;
}

/** Signer with a 30-header main chain on top of regtest genesis. */
function withChain(reorgDepth?: number) {
  const s = started(new MemoryStore(), reorgDepth);
  chainInit(s, checkpoint);
  const main = regtestChain(G, REGTEST_GENESIS.time, 30);
  const tip = chainAddHeaders(s, G, main);
  return { s, main, hashes: main.map(headerHash), tip };
}

const fail = (f: () => unknown) => { try { f(); } catch (e) { return e as SignerError; } throw new Error("expected an error"); };

describe("chain follower: accepting headers", () => {
  it("regtest genesis hashes to the chain's genesis block", () => {
    expect(hex(G.slice().reverse())).toBe("0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206");
  });

  it("follows a mined regtest chain; work adds up to 2 per block", () => {
    const { tip, hashes } = withChain();
    expect(tip.height).toBe(30);
    expect(hex(tip.hash)).toBe(hex(hashes[29]));
    expect(tip.work).toBe(2n * 31n);
    expect(tip.reorgDepth).toBe(0);
    expect(tip.paused).toBe(false);
  });

  it("accepts headers in several batches, from the tip", () => {
    const { s, hashes, main } = withChain();
    const more = regtestChain(hashes[29], REGTEST_GENESIS.time + 30 * 600, 5);
    expect(chainAddHeaders(s, hashes[29], more).height).toBe(35);
    void main;
  });

  it("needs chain_init first, and only once", () => {
    const s = started();
    expect(fail(() => chainTip(s)).code).toBe(Code.INVALID_STATE);
    chainInit(s, checkpoint);
    expect(fail(() => chainInit(s, checkpoint)).code).toBe(Code.INVALID_STATE);
  });

  it("malformed batches are typed errors", () => {
    const { s, hashes } = withChain();
    const h = regtestChain(hashes[29], REGTEST_GENESIS.time + 30 * 600, 1)[0];
    expect(fail(() => chainAddHeaders(s, hashes[29], [h.subarray(0, 79)])).code).toBe(Code.MALFORMED);
    expect(fail(() => chainAddHeaders(s, hashes[29], [])).code).toBe(Code.MALFORMED);
  });

  it("the chain survives a restart from the store", () => {
    const store = new MemoryStore();
    const s = started(store);
    chainInit(s, checkpoint);
    const main = regtestChain(G, REGTEST_GENESIS.time, 12);
    chainAddHeaders(s, G, main);
    const again = started(store);
    const t = chainTip(again);
    expect(t.height).toBe(12);
    expect(hex(t.hash)).toBe(hex(headerHash(main[11])));
    expect(hex(again.stateDigest())).toBe(hex(s.stateDigest()));
  });
});

describe("chain follower: hostile feeder (policy-chain-headers-valid)", () => {
  const RULE = "policy-chain-headers-valid";
  const after = (hashes: Uint8Array[], i: number, time: number, bits = 0x207fffff) =>
    ({ version: 0x20000000, prev: hashes[i], merkleRoot: new Uint8Array(32).fill(9), time, bits });

  it("bad proof of work", () => {
    const { s, hashes } = withChain();
    const bad = mine(after(hashes, 29, REGTEST_GENESIS.time + 31 * 600), true);
    expectRefused(s, RULE, () => chainAddHeaders(s, hashes[29], [bad]));
  });

  it("wrong difficulty bits (mainnet bits on regtest)", () => {
    const { s, hashes } = withChain();
    const bad = serializeHeader({ ...after(hashes, 29, REGTEST_GENESIS.time + 31 * 600, 0x1d00ffff), nonce: 0 });
    expectRefused(s, RULE, () => chainAddHeaders(s, hashes[29], [bad]));
  });

  it("easier bits than the chain's limit", () => {
    const { s, hashes } = withChain();
    const bad = mine(after(hashes, 29, REGTEST_GENESIS.time + 31 * 600, 0x2100ffff));
    expectRefused(s, RULE, () => chainAddHeaders(s, hashes[29], [bad]));
  });

  it("a header that does not link to the previous one", () => {
    const { s, hashes } = withChain();
    const a = regtestChain(hashes[29], REGTEST_GENESIS.time + 30 * 600, 3);
    const b = regtestChain(hashes[28], REGTEST_GENESIS.time + 30 * 600, 1, { tag: 7 });
    expectRefused(s, RULE, () => chainAddHeaders(s, hashes[29], [a[0], a[1], b[0]]));
    expect(chainTip(s).height).toBe(30); // all-or-nothing: the two good ones were not taken either
  });

  it("a fork point the signer does not know", () => {
    const { s } = withChain();
    const stranger = regtestChain(new Uint8Array(32).fill(1), REGTEST_GENESIS.time, 2);
    expectRefused(s, RULE, () => chainAddHeaders(s, new Uint8Array(32).fill(1), stranger));
  });

  it("a timestamp not above the median of the previous 11", () => {
    const { s, hashes } = withChain();
    const median = REGTEST_GENESIS.time + 25 * 600; // times of heights 20..30 are genesis + 600·h; median is height 25
    const bad = mine(after(hashes, 29, median));
    expectRefused(s, RULE, () => chainAddHeaders(s, hashes[29], [bad]));
    const ok = mine(after(hashes, 29, median + 1));
    expect(chainAddHeaders(s, hashes[29], [ok]).height).toBe(31);
  });
});

describe("chain follower: reorgs (policy-chain-reorg-depth)", () => {
  const branch = (hashes: Uint8Array[], forkHeight: number, n: number, tag = 1) =>
    regtestChain(hashes[forkHeight - 1], REGTEST_GENESIS.time + forkHeight * 600 + 1, n, { tag });

  it("a heavier branch within the configured depth becomes the tip", () => {
    const { s, hashes } = withChain(6);
    const b = branch(hashes, 24, 7); // replaces heights 25..30 (depth 6) with 25..31
    const t = chainAddHeaders(s, hashes[23], b);
    expect(t.reorgDepth).toBe(6);
    expect(t.height).toBe(31);
    expect(hex(t.hash)).toBe(hex(headerHash(b[6])));
  });

  it("a branch with less or equal work does not move the tip", () => {
    const { s, hashes } = withChain(6);
    const before: Tip = chainTip(s);
    const t = chainAddHeaders(s, hashes[26], branch(hashes, 27, 3));
    expect(t.height).toBe(30);
    expect(hex(t.hash)).toBe(hex(before.hash));
  });

  it("a reorg one past the limit is refused and pauses signing until the operator resumes", async () => {
    const { s, hashes } = withChain(6);
    const b = branch(hashes, 23, 9); // depth 7
    expectRefused(s, "policy-chain-reorg-depth", () => chainAddHeaders(s, hashes[22], b));
    const t = chainTip(s);
    expect(t.height).toBe(30);
    expect(t.paused).toBe(true);
    // Paused: no commitment is signed (before any other rule), until the operator resumes.
    const { channelId, setup } = await import("../policy/fixtures.js");
    const { signCounterpartyCommitment } = await import("../../host/commitments.js");
    s.newChannel(channelId(1), 1_000_000n);
    s.readyChannel(setup(1));
    chainNodeTip(s, t.hash);
    const st = { number: 0n, point: REGTEST_POINT, feeratePerKw: 1000, toHolderMsat: 1_000_000_000n, toCounterpartyMsat: 0n, htlcs: [] };
    expectRefused(s, "policy-chain-reorg-depth", () => signCounterpartyCommitment(s, channelId(1), st));
    expect(chainResume(s).paused).toBe(false);
    expectRefused(s, "policy-commitment-spends-active-utxo", () => signCounterpartyCommitment(s, channelId(1), st)); // the funding is not proven
  });

  it("the depth is configuration", () => {
    const { s, hashes } = withChain(2);
    expectRefused(s, "policy-chain-reorg-depth", () => chainAddHeaders(s, hashes[26], branch(hashes, 27, 5)));
    expect(chainAddHeaders(s, hashes[27], branch(hashes, 28, 4)).reorgDepth).toBe(2);
  });
});

describe("heartbeat (policy-heartbeat-fresh)", () => {
  it("is signed by the node key over the validated tip and the host's time", async () => {
    const { schnorr } = await import("@noble/curves/secp256k1.js");
    const { sha256 } = await import("@noble/hashes/sha2.js");
    const { s, hashes } = withChain();
    const hb = chainHeartbeat(s, REGTEST_GENESIS.time + 30 * 600 + 60);
    expect(hb.height).toBe(30);
    expect(hex(hb.tipHash)).toBe(hex(hashes[29]));
    expect(hb.fresh).toBe(true);
    const tag = sha256(new TextEncoder().encode("vigil/heartbeat"));
    const digest = sha256(new Uint8Array([...tag, ...tag, ...hb.message]));
    expect(schnorr.verify(hb.signature, digest, s.nodeId().subarray(1))).toBe(true);
  });

  it("says stale when the tip is older than heartbeat_max_age", () => {
    const { s } = withChain();
    expect(chainHeartbeat(s, REGTEST_GENESIS.time + 30 * 600 + 3601).fresh).toBe(false);
  });

  it("a replayed older host time is refused", () => {
    const { s } = withChain();
    chainHeartbeat(s, REGTEST_GENESIS.time + 30 * 600 + 100);
    chainHeartbeat(s, REGTEST_GENESIS.time + 30 * 600 + 100); // the same time again is fine
    expectRefused(s, "policy-heartbeat-fresh", () => chainHeartbeat(s, REGTEST_GENESIS.time + 30 * 600 + 99));
  });
});
