// How value moves between states (BOLT 2 add / fulfill / fail) and forwarding:
// a hostile node that moves balances without HTLCs, settles our HTLC without
// the preimage, forwards at a loss or into a later expiry, or forwards from a
// closed channel is refused with the rule's id and no state change.
import { describe, it, expect } from "vitest";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { Signer, Code, SignerError } from "../../host/signer.js";
import { htlcPreimage, perCommitmentPoint, revokeHolderCommitment, signCounterpartyCommitment, validateCounterpartyRevocation, validateHolderCommitment, type ChannelState, type StateHtlc } from "../../host/commitments.js";
import { perCommitmentSecret } from "../../host/tools/bolt3.js";
import { expectRefused } from "./attack.js";
import { channelId, key, peerBasepoints, peerSignatures, setup, signer } from "./fixtures.js";
import type { PolicyInput } from "../../host/policy.js";

const INITIAL = (1n << 48n) - 1n;
const PUSH = 100_000_000n;
const fail = (f: () => unknown) => { try { f(); } catch (e) { return e as SignerError; } throw new Error("expected an error"); };

/** A peer-side channel driver: signs the peer's commitments in order and takes its revocations. */
function channel(s: Signer, n: number, fundingTxid?: Uint8Array) {
  const id = channelId(n);
  s.newChannel(id, 1_000_000n);
  s.readyChannel(setup(n, { holderDustLimitSat: 354n, counterpartyDustLimitSat: 354n, pushMsat: PUSH, ...(fundingTxid ? { fundingTxid } : {}) }));
  const seed = key("peer seed " + n);
  const secret = (k: bigint) => perCommitmentSecret(s, seed, INITIAL - k);
  let next = 0n;
  const state = (over: Partial<ChannelState> = {}): ChannelState => ({ number: next, point: secp256k1.getPublicKey(secret(next), true), feeratePerKw: 1000, toHolderMsat: 900_000_000n, toCounterpartyMsat: PUSH, htlcs: [], ...over });
  /** Sign the peer's next commitment, then take its revocation of the one before. */
  const sign = (over: Partial<ChannelState> = {}) => {
    const r = signCounterpartyCommitment(s, id, state(over), 1_700_000_000n);
    if (next > 0n) validateCounterpartyRevocation(s, id, next - 1n, secret(next - 1n));
    next++;
    return r;
  };
  const attempt = (over: Partial<ChannelState> = {}) => () => signCounterpartyCommitment(s, id, state(over), 1_700_000_000n);
  return { id, sign, attempt };
}

const preimage = key("preimage");
const H = sha256(preimage);
const out = (amountMsat: bigint, cltvExpiry = 600_000, paymentHash = H): StateHtlc => ({ ours: true, amountMsat, cltvExpiry, paymentHash });
const inc = (amountMsat: bigint, cltvExpiry = 600_100, paymentHash = H): StateHtlc => ({ ours: false, amountMsat, cltvExpiry, paymentHash });
const payer = (p: PolicyInput = {}) => signer({ allowPush: true, filters: ["policy-commitment-payment-invoiced"], ...p });

describe("balances change only through HTLCs", () => {
  it("policy-commitment-payment-settled-preimage: our HTLC may leave as settled only once its preimage was shown", () => {
    const s = payer();
    const a = channel(s, 1);
    a.sign();
    a.sign({ toHolderMsat: 890_000_000n, htlcs: [out(10_000_000n)] });
    const settled = { toHolderMsat: 890_000_000n, toCounterpartyMsat: PUSH + 10_000_000n };
    expectRefused(s, "policy-commitment-payment-settled-preimage", a.attempt(settled));
    expect(fail(() => htlcPreimage(s, a.id, key("wrong"))).code).toBe(Code.INVALID_ARGUMENT);
    htlcPreimage(s, a.id, preimage);
    a.sign(settled);
  });

  it("a failed HTLC of ours comes back to us; a fulfilled one of theirs is ours", () => {
    const s = payer();
    const a = channel(s, 1);
    a.sign();
    a.sign({ toHolderMsat: 890_000_000n, toCounterpartyMsat: PUSH - 5_000_000n, htlcs: [out(10_000_000n), inc(5_000_000n, 600_100, key("x"))] });
    a.sign({ toHolderMsat: 905_000_000n, toCounterpartyMsat: PUSH - 5_000_000n }); // ours failed back, theirs fulfilled to us
  });

  it("policy-routing-deltas-only-htlc: balances that move with no HTLC to explain them", () => {
    const s = payer();
    const a = channel(s, 1);
    a.sign();
    expectRefused(s, "policy-routing-deltas-only-htlc", a.attempt({ toHolderMsat: 899_000_000n, toCounterpartyMsat: PUSH + 1_000_000n }));
    a.sign({ toHolderMsat: 900_000_000n, toCounterpartyMsat: PUSH - 7_000_000n, htlcs: [inc(7_000_000n, 600_100, key("y"))] });
    // The HTLC of theirs is fulfilled to us: 7 000 000 msat, not 8 000 000.
    expectRefused(s, "policy-routing-deltas-only-htlc", a.attempt({ toHolderMsat: 908_000_000n, toCounterpartyMsat: PUSH - 8_000_000n }));
    a.sign({ toHolderMsat: 907_000_000n, toCounterpartyMsat: PUSH - 7_000_000n });
  });

  it("our own commitments follow the same rule (validate_holder_commitment)", () => {
    const s = payer();
    const id = channelId(1);
    const ours = s.newChannel(id, 1_000_000n);
    s.readyChannel(setup(1, { holderDustLimitSat: 354n, counterpartyDustLimitSat: 354n, pushMsat: PUSH }));
    const st = (number: bigint, toHolderMsat: bigint) => ({ number, feeratePerKw: 1000, toHolderMsat, toCounterpartyMsat: 1_000_000_000n - toHolderMsat, htlcs: [] });
    const v = (x: ReturnType<typeof st>) => { const g = peerSignatures(s, id, ours, x); validateHolderCommitment(s, id, x, g.sig, g.htlcSigs); };
    v(st(0n, 900_000_000n));
    expectRefused(s, "policy-routing-deltas-only-htlc", () => v(st(1n, 800_000_000n)));
  });

  it("policy-velocity-transferred: value settled out of our channels per window", () => {
    const s = payer({ velocityTransferMaxMsat: 5_000_000n });
    const a = channel(s, 1);
    a.sign();
    a.sign({ toHolderMsat: 890_000_000n, htlcs: [out(10_000_000n)] });
    htlcPreimage(s, a.id, preimage);
    expectRefused(s, "policy-velocity-transferred", a.attempt({ toHolderMsat: 890_000_000n, toCounterpartyMsat: PUSH + 10_000_000n }));
    a.sign({ toHolderMsat: 900_000_000n }); // failed back instead: nothing left us
  });
});

describe("forwarding", () => {
  /** Channel 1 receives H (10 000 000 msat, expiry 600 100); channel 2 is where we forward. */
  function hub(p: PolicyInput = {}) {
    const s = signer({ allowPush: true, ...p });
    const a = channel(s, 1), b = channel(s, 2);
    a.sign();
    a.sign({ toCounterpartyMsat: PUSH - 10_000_000n, htlcs: [inc(10_000_000n)] });
    b.sign();
    return { s, a, b };
  }

  it("policy-no-routing: forwarding is off unless the routing rules are on", () => {
    const { s, b } = hub();
    expectRefused(s, "policy-no-routing", b.attempt({ toHolderMsat: 890_100_000n, htlcs: [out(9_900_000n)] }));
  });

  it("policy-commitment-htlc-routing-balance and policy-routing-balanced: never out more than in, nor past the incoming expiry", () => {
    const { s, b } = hub({ preset: "routing-hub" });
    expectRefused(s, "policy-commitment-htlc-routing-balance", b.attempt({ toHolderMsat: 889_900_000n, htlcs: [out(10_100_000n)] }));
    expectRefused(s, "policy-routing-balanced", b.attempt({ toHolderMsat: 890_100_000n, htlcs: [out(9_900_000n, 600_100)] }));
    b.sign({ toHolderMsat: 890_100_000n, htlcs: [out(9_900_000n)] });
  });

  it("policy-commitment-htlc-offered-hash-matches: with routing on, an HTLC that forwards nothing and pays no invoice", () => {
    const { s, b } = hub({ preset: "routing-hub" });
    expectRefused(s, "policy-commitment-htlc-offered-hash-matches", b.attempt({ toHolderMsat: 899_000_000n, htlcs: [out(1_000_000n, 600_000, key("unknown"))] }));
  });
});

describe("revocation", () => {
  it("policy-revoke-new-commitment-valid: no secret while the next commitment fails a rule under the policy in force", () => {
    const s = signer({ commitmentFeerateMax: 5000, filters: ["policy-commitment-fee-range"] });
    const id = channelId(1);
    const ours = s.newChannel(id, 1_000_000n);
    s.readyChannel(setup(1, { holderDustLimitSat: 354n, counterpartyDustLimitSat: 354n }));
    const st = (number: bigint, feeratePerKw: number) => ({ number, feeratePerKw, toHolderMsat: 1_000_000_000n, toCounterpartyMsat: 0n, htlcs: [] });
    for (const x of [st(0n, 1000), st(1n, 6000)]) { const g = peerSignatures(s, id, ours, x); validateHolderCommitment(s, id, x, g.sig, g.htlcSigs); }
    s.setPolicy({ commitmentFeerateMax: 5000 }); // the operator lifts the warning
    expectRefused(s, "policy-revoke-new-commitment-valid", () => revokeHolderCommitment(s, id, 0n));
    s.setPolicy({ commitmentFeerateMax: 10_000 });
    expect(secp256k1.getPublicKey(revokeHolderCommitment(s, id, 0n), true)).toEqual(perCommitmentPoint(s, id, 0n));
  });
});

describe("forwarding when the signer follows a chain", async () => {
  const { chainAddHeaders, chainInit, chainNodeTip, chainStreamBlock } = await import("../../host/chain/client.js");
  const { REGTEST_GENESIS, headerHash, serializeHeader } = await import("../../host/chain/headers.js");
  const { coinbase, rawTx, regtestBlock, txidOf } = await import("../../host/chain/blocks.js");

  it("policy-commitment-htlc-received-spends-active-utxo: no forward from a channel whose funding is spent", () => {
    const s = signer({ allowPush: true, preset: "routing-hub" });
    const genesis = serializeHeader(REGTEST_GENESIS);
    chainInit(s, { height: 0, header: genesis, chainwork: 2n, periodStartTime: REGTEST_GENESIS.time, lastRealBits: 0x207fffff, precedingTimes: [] });
    // Both fundings pay the channels' 2-of-2 (the keys new_channel gives for ids 1 and 2).
    const funding = (n: number) => {
      const ours = s.newChannel(channelId(n), 1_000_000n);
      const keys = [ours.funding, peerBasepoints().funding].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
      const script = Uint8Array.from([0x52, 33, ...keys[0], 33, ...keys[1], 0x52, 0xae]);
      return rawTx([{ txid: key("utxo " + n), vout: 0, witness: [new Uint8Array(71), new Uint8Array(33)] }], [{ value: 1_000_000n, script: Uint8Array.from([0, 32, ...sha256(script)]) }]);
    };
    const f1 = funding(1), f2 = funding(2);
    const a = channel(s, 1, txidOf(f1)), b = channel(s, 2, txidOf(f2));
    const b1 = regtestBlock(headerHash(genesis), REGTEST_GENESIS.time + 600, [coinbase(1, Uint8Array.of(0x51)), f1, f2]);
    chainAddHeaders(s, headerHash(genesis), [b1.header]);
    chainStreamBlock(s, b1.hash, b1.txs);
    chainNodeTip(s, b1.hash);
    a.sign();
    a.sign({ toCounterpartyMsat: PUSH - 10_000_000n, htlcs: [inc(10_000_000n, 200)] });
    b.sign();
    const forward = { toHolderMsat: 890_100_000n, htlcs: [out(9_900_000n, 100)] };
    // The peer of channel 1 closes it: a block spends its funding output.
    const close = rawTx([{ txid: txidOf(f1), vout: 0, witness: [new Uint8Array(0), new Uint8Array(72), new Uint8Array(72), new Uint8Array(71)] }], [{ value: 999_000n, script: Uint8Array.of(0x51) }]);
    const b2 = regtestBlock(b1.hash, REGTEST_GENESIS.time + 1200, [coinbase(2, Uint8Array.of(0x51)), close]);
    chainAddHeaders(s, b1.hash, [b2.header]);
    chainStreamBlock(s, b2.hash, b2.txs);
    chainNodeTip(s, b2.hash);
    expectRefused(s, "policy-commitment-htlc-received-spends-active-utxo", b.attempt(forward));
  });
});
