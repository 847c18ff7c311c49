// The peer's commitments: the signer builds each one itself, signs only in
// order (a retry must carry the same content), never holds more than two of
// the peer's commitments unrevoked, checks revealed secrets against the points
// it signed for and against the shachain, and runs the commitment and payment
// rules. Each hostile request is refused with its rule id and no state change.
import { describe, it, expect } from "vitest";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { Signer, Code, SignerError } from "../../host/signer.js";
import { signCounterpartyCommitment, validateCounterpartyRevocation, type ChannelState } from "../../host/commitments.js";
import { perCommitmentSecret } from "../../host/tools/bolt3.js";
import { sighashV0 } from "../../host/tools/bitcoin.js";
import { Reader, Writer } from "../../host/protocol/codec.js";
import { expectRefused } from "./attack.js";
import { channelId, key, peerBasepoints, setup, signer } from "./fixtures.js";
import type { PolicyInput } from "../../host/policy.js";

const INITIAL = (1n << 48n) - 1n;
const PEER_SEED = key("peer/commitment-seed");
const VALUE = 1_000_000n;

/** Channel 1 (we fund it); `push` msat go to the peer at open, so it can offer HTLCs. */
function open(policy?: PolicyInput, push = 0n) {
  const s = signer(push > 0n ? { allowPush: true, ...policy } : policy);
  const id = channelId(1);
  const ours = s.newChannel(id, VALUE);
  s.readyChannel(setup(1, { holderDustLimitSat: 354n, counterpartyDustLimitSat: 354n, pushMsat: push }));
  const secret = (n: bigint) => perCommitmentSecret(s, PEER_SEED, INITIAL - n);
  const point = (n: bigint) => secp256k1.getPublicKey(secret(n), true);
  const state = (n: bigint, over: Partial<ChannelState> = {}): ChannelState => ({
    number: n, point: point(n), feeratePerKw: 1000, toHolderMsat: VALUE * 1000n - push, toCounterpartyMsat: push, htlcs: [], ...over,
  });
  return { s, id, ours, secret, point, state };
}

const fail = (f: () => unknown) => { try { f(); } catch (e) { return e as SignerError; } throw new Error("expected an error"); };
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("signing the peer's commitments", () => {
  it("signs commitment 0; the signature verifies on the peer's commitment rebuilt from the same state", () => {
    const { s, id, ours, point, state } = open();
    const { sig, htlcSigs } = signCounterpartyCommitment(s, id, state(0n));
    expect(htlcSigs).toHaveLength(0);
    // The peer's commitment: the peer broadcasts, we countersign (build_commitment tool, anchors channel).
    const peer = peerBasepoints();
    const w = new Writer().u8(1).bytes(setup(1).fundingTxid).u32(0).u64(0n).u32(144).u64(354n).u64(1000n).u64(0n).u64(VALUE * 1000n).u8(0).bytes(point(0n));
    for (const k of [peer.payment, peer.delayedPayment, peer.htlc, peer.funding, ours.payment, ours.revocation, ours.htlc, ours.funding]) w.bytes(k);
    const tx = new Reader(s.request(0x8212, w.u16(0).finish())).varbytes();
    const sorted = [ours.funding, peer.funding].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const script = Uint8Array.from([0x52, 33, ...sorted[0], 33, ...sorted[1], 0x52, 0xae]);
    const digest = sighashV0(s, tx, 0, script, VALUE, 1);
    expect(secp256k1.verify(secp256k1.Signature.fromBytes(sig.subarray(0, -1), "der").toBytes("compact"), digest, ours.funding, { prehash: false })).toBe(true);
  });

  it("a retry of the last commitment gets the same signatures; with other content it is refused (policy-commitment-retry-same)", () => {
    const { s, id, state } = open();
    const a = signCounterpartyCommitment(s, id, state(0n));
    expect(hex(signCounterpartyCommitment(s, id, state(0n)).sig)).toBe(hex(a.sig));
    expectRefused(s, "policy-commitment-retry-same", () => signCounterpartyCommitment(s, id, state(0n, { feeratePerKw: 2000 })));
  });

  it("out of order or skipped numbers are typed errors", () => {
    const { s, id, state } = open();
    expect(fail(() => signCounterpartyCommitment(s, id, state(1n))).code).toBe(Code.INVALID_STATE);
    signCounterpartyCommitment(s, id, state(0n));
    expect(fail(() => signCounterpartyCommitment(s, id, state(5n))).code).toBe(Code.INVALID_STATE);
  });

  it("policy-commitment-previous-revoked: no third unrevoked commitment; revocations are checked", () => {
    const { s, id, secret, state } = open();
    signCounterpartyCommitment(s, id, state(0n));
    signCounterpartyCommitment(s, id, state(1n));
    expectRefused(s, "policy-commitment-previous-revoked", () => signCounterpartyCommitment(s, id, state(2n)));
    expectRefused(s, "policy-commitment-previous-revoked", () => validateCounterpartyRevocation(s, id, 0n, key("not the secret")));
    expect(fail(() => validateCounterpartyRevocation(s, id, 1n, secret(1n))).code).toBe(Code.INVALID_STATE); // 1 is current
    validateCounterpartyRevocation(s, id, 0n, secret(0n));
    signCounterpartyCommitment(s, id, state(2n));
    validateCounterpartyRevocation(s, id, 1n, secret(1n));
    signCounterpartyCommitment(s, id, state(3n));
  });

  it("policy-commitment-first-no-htlcs and policy-commitment-initial-funding-value", () => {
    const { s, id, state } = open();
    const h = { ours: false, amountMsat: 5_000_000n, cltvExpiry: 600_000, paymentHash: key("h") };
    expectRefused(s, "policy-commitment-first-no-htlcs", () => signCounterpartyCommitment(s, id, state(0n, { toCounterpartyMsat: 0n, toHolderMsat: VALUE * 1000n - 5_000_000n, htlcs: [h] })));
    expectRefused(s, "policy-commitment-initial-funding-value", () => signCounterpartyCommitment(s, id, state(0n, { toHolderMsat: VALUE * 1000n - 1000n, toCounterpartyMsat: 1000n })));
  });

  it("policy-commitment-fee-range, -htlc-count-limit, -htlc-inflight-limit (limits are configuration)", () => {
    const { s, id, state } = open({ htlcCountMax: 2, htlcInflightMaxMsat: 20_000_000n, commitmentFeerateMax: 5000 }, 100_000_000n);
    signCounterpartyCommitment(s, id, state(0n));
    expectRefused(s, "policy-commitment-fee-range", () => signCounterpartyCommitment(s, id, state(1n, { feeratePerKw: 5001 })));
    const theirs = (i: number, msat = 5_000_000n) => ({ ours: false, amountMsat: msat, cltvExpiry: 600_000 + i, paymentHash: key("t" + i) });
    const three = [theirs(1), theirs(2), theirs(3)];
    expectRefused(s, "policy-commitment-htlc-count-limit", () => signCounterpartyCommitment(s, id, state(1n, { toCounterpartyMsat: 85_000_000n, htlcs: three })));
    expectRefused(s, "policy-commitment-htlc-inflight-limit", () => signCounterpartyCommitment(s, id, state(1n, { toCounterpartyMsat: 70_000_000n, htlcs: [theirs(1, 15_000_000n), theirs(2, 15_000_000n)] })));
    const ok = signCounterpartyCommitment(s, id, state(1n, { toCounterpartyMsat: 90_000_000n, htlcs: [theirs(1), theirs(2)] }));
    expect(ok.htlcSigs).toHaveLength(2);
  });

  it("a state whose balances do not add up to the channel value is an INVALID_ARGUMENT", () => {
    const { s, id, state } = open();
    expect(fail(() => signCounterpartyCommitment(s, id, state(0n, { toHolderMsat: 1n }))).code).toBe(Code.INVALID_ARGUMENT);
  });

  it("a new outgoing HTLC runs the payment rules: no invoice → policy-commitment-payment-invoiced", () => {
    const { s, id, secret, state } = open();
    signCounterpartyCommitment(s, id, state(0n));
    const pay = { ours: true, amountMsat: 7_000_000n, cltvExpiry: 600_100, paymentHash: sha256(Uint8Array.of(1)) };
    expectRefused(s, "policy-commitment-payment-invoiced", () => signCounterpartyCommitment(s, id, state(1n, { toHolderMsat: VALUE * 1000n - 7_000_000n, htlcs: [pay] })));
  });
});

describe("layer 1 rules when the signer follows a chain", async () => {
  const { chainAddHeaders, chainHeartbeat, chainInit, chainNodeTip, chainStreamBlock } = await import("../../host/chain/client.js");
  const { REGTEST_GENESIS, headerHash, serializeHeader } = await import("../../host/chain/headers.js");
  const { coinbase, rawTx, regtestBlock, txidOf } = await import("../../host/chain/blocks.js");

  function withChain() {
    const s = signer({ allowPush: true });
    const genesis = serializeHeader(REGTEST_GENESIS);
    chainInit(s, { height: 0, header: genesis, chainwork: 2n, periodStartTime: REGTEST_GENESIS.time, lastRealBits: 0x207fffff, precedingTimes: [] });
    const id = channelId(1);
    const ours = s.newChannel(id, VALUE);
    const peer = peerBasepoints();
    const sorted = [ours.funding, peer.funding].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const script = Uint8Array.from([0x52, 33, ...sorted[0], 33, ...sorted[1], 0x52, 0xae]);
    const funding = rawTx([{ txid: key("wallet utxo"), vout: 0, witness: [new Uint8Array(71), new Uint8Array(33)] }], [{ value: VALUE, script: Uint8Array.from([0, 32, ...sha256(script)]) }]);
    s.readyChannel(setup(1, { fundingTxid: txidOf(funding), fundingVout: 0, holderDustLimitSat: 354n, counterpartyDustLimitSat: 354n, pushMsat: 100_000_000n }));
    const block = regtestBlock(headerHash(genesis), REGTEST_GENESIS.time + 600, [coinbase(1, Uint8Array.of(0x51)), funding]);
    const point = (n: bigint) => secp256k1.getPublicKey(perCommitmentSecret(s, PEER_SEED, INITIAL - n), true);
    return { s, id, block, genesis, point };
  }

  it("policy-commitment-spends-active-utxo: the funding output must be proven confirmed and unspent at the tip", () => {
    const { s, id, block, genesis, point } = withChain();
    const st: ChannelState = { number: 0n, point: point(0n), feeratePerKw: 1000, toHolderMsat: 900_000_000n, toCounterpartyMsat: 100_000_000n, htlcs: [] };
    chainNodeTip(s, headerHash(genesis));
    expectRefused(s, "policy-commitment-spends-active-utxo", () => signCounterpartyCommitment(s, id, st));
    chainAddHeaders(s, headerHash(genesis), [block.header]);
    chainNodeTip(s, block.hash);
    expectRefused(s, "policy-commitment-spends-active-utxo", () => signCounterpartyCommitment(s, id, st)); // the header alone proves nothing
    chainStreamBlock(s, block.hash, block.txs);
    signCounterpartyCommitment(s, id, st);
  });

  it("policy-commitment-htlc-cltv-range: HTLC expiries within cltv_window of the signer's tip", () => {
    const { s, id, block, genesis, point } = withChain();
    chainAddHeaders(s, headerHash(genesis), [block.header]);
    chainStreamBlock(s, block.hash, block.txs);
    chainNodeTip(s, block.hash);
    signCounterpartyCommitment(s, id, { number: 0n, point: point(0n), feeratePerKw: 1000, toHolderMsat: 900_000_000n, toCounterpartyMsat: 100_000_000n, htlcs: [] });
    const h = (cltv: number) => ({ number: 1n, point: point(1n), feeratePerKw: 1000, toHolderMsat: 900_000_000n, toCounterpartyMsat: 95_000_000n, htlcs: [{ ours: false, amountMsat: 5_000_000n, cltvExpiry: cltv, paymentHash: key("c" + cltv) }] });
    expectRefused(s, "policy-commitment-htlc-cltv-range", () => signCounterpartyCommitment(s, id, h(1 + 2016 + 1)));
    expectRefused(s, "policy-commitment-htlc-cltv-range", () => signCounterpartyCommitment(s, id, h(1)));
    signCounterpartyCommitment(s, id, h(1 + 144));
  });

  it("policy-heartbeat-fresh: the node must believe in a tip the signer validated, and the signer's tip must be fresh", () => {
    const { s, id, block, genesis, point } = withChain();
    chainAddHeaders(s, headerHash(genesis), [block.header]);
    chainStreamBlock(s, block.hash, block.txs);
    const st: ChannelState = { number: 0n, point: point(0n), feeratePerKw: 1000, toHolderMsat: 900_000_000n, toCounterpartyMsat: 100_000_000n, htlcs: [] };
    expectRefused(s, "policy-heartbeat-fresh", () => signCounterpartyCommitment(s, id, st)); // no tip declared
    expectRefused(s, "policy-heartbeat-fresh", () => chainNodeTip(s, key("a tip of another chain")));
    chainNodeTip(s, block.hash);
    chainHeartbeat(s, REGTEST_GENESIS.time + 600 + 7200); // the host's clock is two hours past the signer's tip
    expectRefused(s, "policy-heartbeat-fresh", () => signCounterpartyCommitment(s, id, st));
  });
});
