// Our own commitments: the peer's signatures are verified on the commitment
// the signer builds itself; a secret is released only once the next
// commitment is validated; a revoked commitment is never signed.
import { describe, it, expect } from "vitest";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { Signer, Code, SignerError, type Basepoints } from "../../host/signer.js";
import { perCommitmentPoint, revokeHolderCommitment, signCounterpartyCommitment, signHolderCommitment, validateHolderCommitment, type HolderState } from "../../host/commitments.js";
import { expectRefused } from "./attack.js";
import { channelId, key, peerSignatures, setup, signer } from "./fixtures.js";

const VALUE = 1_000_000n;
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const fail = (f: () => unknown) => { try { f(); } catch (e) { return e as SignerError; } throw new Error("expected an error"); };

function open() {
  const s = signer({ filters: ["policy-commitment-payment-invoiced"] });
  const id = channelId(1);
  const ours = s.newChannel(id, VALUE);
  s.readyChannel(setup(1, { holderDustLimitSat: 354n, counterpartyDustLimitSat: 354n }));
  const state = (n: bigint, over: Partial<HolderState> = {}): HolderState => ({ number: n, feeratePerKw: 1000, toHolderMsat: VALUE * 1000n, toCounterpartyMsat: 0n, htlcs: [], ...over });
  return { s, id, ours, state };
}

const peerSigs = (s: Signer, id: Uint8Array, ours: Basepoints, st: HolderState) => peerSignatures(s, id, ours, st);

/** BOLT 2 order: we sign the peer's commitments 0..n of the same states (our new HTLCs appear there first). */
function peerFirst(s: Signer, id: Uint8Array, states: HolderState[]) {
  for (const st of states) signCounterpartyCommitment(s, id, { ...st, point: secp256k1.getPublicKey(key("peer point " + st.number), true) }, 1_700_000_000n);
}

describe("our commitments", () => {
  it("the peer's signature must verify on the commitment the signer builds", () => {
    const { s, id, ours, state } = open();
    const good = peerSigs(s, id, ours, state(0n));
    const before = hex(s.stateDigest());
    expect(fail(() => validateHolderCommitment(s, id, state(0n, { feeratePerKw: 1001 }), good.sig, [])).code).toBe(Code.INVALID_ARGUMENT);
    expect(hex(s.stateDigest())).toBe(before);
    validateHolderCommitment(s, id, state(0n), good.sig, good.htlcSigs);
  });

  it("policy-revoke-new-commitment-signed: no secret before the next commitment is validated; then the right one", () => {
    const { s, id, ours, state } = open();
    const s0 = peerSigs(s, id, ours, state(0n));
    validateHolderCommitment(s, id, state(0n), s0.sig, s0.htlcSigs);
    expectRefused(s, "policy-revoke-new-commitment-signed", () => revokeHolderCommitment(s, id, 0n));
    const st1 = state(1n, { toHolderMsat: VALUE * 1000n - 8_000_000n, htlcs: [{ ours: true, amountMsat: 8_000_000n, cltvExpiry: 600_000, paymentHash: key("in") }] });
    peerFirst(s, id, [state(0n), st1]);
    const s1 = peerSigs(s, id, ours, st1);
    expect(s1.htlcSigs).toHaveLength(1);
    expect(fail(() => validateHolderCommitment(s, id, st1, s1.sig, [])).code).toBe(Code.INVALID_ARGUMENT); // HTLC signature missing
    validateHolderCommitment(s, id, st1, s1.sig, s1.htlcSigs);
    const secret = revokeHolderCommitment(s, id, 0n);
    expect(hex(secp256k1.getPublicKey(secret, true))).toBe(hex(perCommitmentPoint(s, id, 0n)));
    expect(hex(revokeHolderCommitment(s, id, 0n))).toBe(hex(secret)); // asked again: the same secret
  });

  it("policy-commitment-holder-not-revoked: a revoked commitment is never signed or re-validated (hard)", () => {
    const { s, id, ours, state } = open();
    const s0 = peerSigs(s, id, ours, state(0n));
    validateHolderCommitment(s, id, state(0n), s0.sig, s0.htlcSigs);
    const s1 = peerSigs(s, id, ours, state(1n));
    validateHolderCommitment(s, id, state(1n), s1.sig, s1.htlcSigs);
    revokeHolderCommitment(s, id, 0n);
    expectRefused(s, "policy-commitment-holder-not-revoked", () => signHolderCommitment(s, id, 0n));
    const sig = signHolderCommitment(s, id, 1n);
    expect(sig.length).toBeGreaterThan(60);
  });

  it("policy-commitment-retry-same on a re-validation with other content; out-of-order numbers are typed errors", () => {
    const { s, id, ours, state } = open();
    const s0 = peerSigs(s, id, ours, state(0n));
    validateHolderCommitment(s, id, state(0n), s0.sig, s0.htlcSigs);
    validateHolderCommitment(s, id, state(0n), s0.sig, s0.htlcSigs); // same retry
    const other = state(0n, { feeratePerKw: 2000 });
    expectRefused(s, "policy-commitment-retry-same", () => validateHolderCommitment(s, id, other, peerSigs(s, id, ours, other).sig, []));
    expect(fail(() => validateHolderCommitment(s, id, state(3n), s0.sig, [])).code).toBe(Code.INVALID_STATE);
  });
});

describe("mutual close", async () => {
  const { signMutualClose } = await import("../../host/commitments.js");
  const { allowlistAdd } = await import("../../host/payments.js");
  const btc = await import("@scure/btc-signer");
  const wallet = Uint8Array.from([0, 20, ...new Uint8Array(20).fill(0x77)]);
  const peerOut = Uint8Array.from([0, 20, ...new Uint8Array(20).fill(0x88)]);

  function ready(htlc = false) {
    const { s, id, ours, state } = open();
    const st0 = state(0n);
    const s0 = peerSigs(s, id, ours, st0);
    validateHolderCommitment(s, id, st0, s0.sig, s0.htlcSigs);
    if (htlc) {
      const st1 = state(1n, { toHolderMsat: VALUE * 1000n - 8_000_000n, htlcs: [{ ours: true, amountMsat: 8_000_000n, cltvExpiry: 600_000, paymentHash: key("in") }] });
      peerFirst(s, id, [state(0n), st1]);
      const s1 = peerSigs(s, id, ours, st1);
      validateHolderCommitment(s, id, st1, s1.sig, s1.htlcSigs);
    }
    allowlistAdd(s, "address", btc.Address({ ...btc.TEST_NETWORK, bech32: "bcrt" }).encode(btc.OutScript.decode(wallet)));
    return { s, id };
  }
  const close = (over = {}) => ({ toHolderSat: VALUE - 500n, toCounterpartySat: 0n, feeSat: 500n, holderScript: wallet, counterpartyScript: peerOut, ...over });

  it("signs a close that pays us our last balance minus the fee, to an allowlisted address; then no more revocations", () => {
    const { s, id } = ready();
    expect(signMutualClose(s, id, close()).length).toBeGreaterThan(60);
    expectRefused(s, "policy-revoke-not-closed", () => revokeHolderCommitment(s, id, 0n));
  });

  it("policy-mutual-value-matches-commitment, -fee-range, -destination-allowlisted", () => {
    const { s, id } = ready();
    expectRefused(s, "policy-mutual-value-matches-commitment", () => signMutualClose(s, id, close({ toHolderSat: VALUE - 1000n, toCounterpartySat: 500n })));
    expectRefused(s, "policy-mutual-fee-range", () => signMutualClose(s, id, close({ toHolderSat: VALUE - 600_000n, feeSat: 600_000n })));
    expectRefused(s, "policy-mutual-destination-allowlisted", () => signMutualClose(s, id, close({ holderScript: peerOut })));
  });

  it("policy-mutual-no-pending-htlcs", () => {
    const { s, id } = ready(true);
    expectRefused(s, "policy-mutual-no-pending-htlcs", () => signMutualClose(s, id, close({ toHolderSat: VALUE - 8_000n - 500n })));
  });
});

describe("delayed sweep of our to_local", async () => {
  const { signDelayedSweep } = await import("../../host/commitments.js");
  const { allowlistAdd } = await import("../../host/payments.js");
  const { derivePubkey } = await import("../../host/tools/bolt3.js");
  const { sighashV0 } = await import("../../host/tools/bitcoin.js");
  const { honestCommitment } = await import("./fixtures.js");
  const { sha256 } = await import("@noble/hashes/sha2.js");
  const btc = await import("@scure/btc-signer");
  const wallet = Uint8Array.from([0, 20, ...new Uint8Array(20).fill(0x66)]);
  const other = Uint8Array.from([0, 20, ...new Uint8Array(20).fill(0x77)]);

  it("the node's sweep of to_local after to_self_delay to an allowlisted address; each hostile change refused by its rule; the signature is the delayed key's", () => {
    const { s, id, ours, state } = open();
    const st0 = state(0n);
    const sg = peerSigs(s, id, ours, st0);
    validateHolderCommitment(s, id, st0, sg.sig, sg.htlcSigs);
    // The node's view of our commitment 0: to_local is the non-anchor output.
    const c = honestCommitment(s, ours, st0, perCommitmentPoint(s, id, 0n), true);
    const ctx = btc.RawTx.decode(c.tx);
    const vout = ctx.outputs.findIndex((o) => o.amount !== 330n);
    const value = ctx.outputs[vout].amount;
    const txid = sha256(sha256(c.tx)).reverse();
    const sweep = (o: { version?: number; sequence?: number; locktime?: number; script?: Uint8Array; fee?: bigint } = {}) => btc.RawTx.encode({
      version: o.version ?? 2, segwitFlag: false, lockTime: o.locktime ?? 0, witnesses: undefined,
      inputs: [{ txid, index: vout, finalScriptSig: new Uint8Array(0), sequence: o.sequence ?? 144 }],
      outputs: [{ amount: value - (o.fee ?? 1000n), script: o.script ?? wallet }],
    });
    expectRefused(s, "policy-sweep-destination-allowlisted", () => signDelayedSweep(s, id, 0n, sweep()));
    allowlistAdd(s, "address", btc.Address({ ...btc.TEST_NETWORK, bech32: "bcrt" }).encode(btc.OutScript.decode(wallet)));
    expectRefused(s, "policy-sweep-destination-allowlisted", () => signDelayedSweep(s, id, 0n, sweep({ script: other })));
    expectRefused(s, "policy-sweep-fee-range", () => signDelayedSweep(s, id, 0n, sweep({ fee: 900_000n })));
    expectRefused(s, "policy-sweep-locktime", () => signDelayedSweep(s, id, 0n, sweep({ locktime: 600_000_000 })));
    expectRefused(s, "policy-sweep-version", () => signDelayedSweep(s, id, 0n, sweep({ version: 1 })));
    expectRefused(s, "policy-sweep-sequence", () => signDelayedSweep(s, id, 0n, sweep({ sequence: 143 })));
    expect(fail(() => signDelayedSweep(s, id, 0n, sweep().subarray(0, 20))).code).toBe(Code.MALFORMED);
    const raw = signDelayedSweep(s, id, 0n, sweep());
    const tx = btc.RawTx.decode(raw);
    expect(tx.inputs[0].sequence).toBe(144);
    expect(hex(tx.outputs[0].script)).toBe(hex(wallet));
    const [sigDer, empty, script] = tx.witnesses![0];
    expect(empty.length).toBe(0);
    expect(hex(btc.OutScript.encode({ type: "wsh", hash: sha256(script) }))).toBe(hex(ctx.outputs[vout].script));
    const unsigned = btc.RawTx.encode({ ...tx, segwitFlag: false, witnesses: undefined });
    expect(hex(unsigned)).toBe(hex(sweep()));
    const digest = sighashV0(s, unsigned, 0, script, value, 1);
    const delayed = derivePubkey(s, ours.delayedPayment, perCommitmentPoint(s, id, 0n));
    expect(secp256k1.verify(secp256k1.Signature.fromBytes(sigDer.subarray(0, -1), "der").toBytes("compact"), digest, delayed, { prehash: false })).toBe(true);
  });
});
