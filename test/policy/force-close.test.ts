// On-chain handling (BOLT 5): our HTLC txs, our delayed outputs, the peer's HTLC
// outputs and a justice sweep of a revoked commitment. The node builds each tx;
// the signer finds every script itself, and the test checks each script hashes
// to the output an honest node's commitment has, and each signature verifies.
import { describe, it, expect } from "vitest";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import * as btc from "@scure/btc-signer";
import { Code, SignerError } from "../../host/signer.js";
import { perCommitmentPoint, revokeHolderCommitment, signCounterpartyCommitment, signAnchorInput, signCounterpartyHtlcSweep, signDelayedSweep, signToRemoteSweep, signHolderHtlcTx, signJusticeSweep, validateCounterpartyRevocation, validateHolderCommitment } from "../../host/commitments.js";
import { allowlistAdd } from "../../host/payments.js";
import { derivePubkey, perCommitmentSecret, revocationPubkey } from "../../host/tools/bolt3.js";
import { sighashV0 } from "../../host/tools/bitcoin.js";
import { expectRefused } from "./attack.js";
import { channelId, honestCommitment, htlcOutputIndex, scriptValues, key, peerSignatures, setup, signer, type TestState } from "./fixtures.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const txid = (raw: Uint8Array) => sha256(sha256(raw)).reverse();
const wsh = (script: Uint8Array) => btc.OutScript.encode({ type: "wsh", hash: sha256(script) });
const wallet = Uint8Array.from([0, 20, ...new Uint8Array(20).fill(0x66)]);
const other = Uint8Array.from([0, 20, ...new Uint8Array(20).fill(0x77)]);
const fail = (f: () => unknown) => { try { f(); } catch (e) { return e as SignerError; } throw new Error("expected an error"); };
const INITIAL = (1n << 48n) - 1n;
const PUSH = 100_000_000n;
const preimage = key("their preimage");
const st1 = (n: bigint): TestState => ({
  number: n, feeratePerKw: 1000, toHolderMsat: 880_000_000n, toCounterpartyMsat: PUSH - 5_000_000n, htlcs: [
    { ours: true, amountMsat: 20_000_000n, cltvExpiry: 600_100, paymentHash: key("out") },
    { ours: false, amountMsat: 5_000_000n, cltvExpiry: 600_300, paymentHash: sha256(preimage) },
  ],
});

/** A channel with push, our commitments 0 and 1 validated (1 has an HTLC each way), 0 revoked; the same states signed for the peer, 0 revoked. */
function closing() {
  const s = signer({ allowPush: true, filters: ["policy-commitment-payment-invoiced"] });
  const id = channelId(1);
  const ours = s.newChannel(id, 1_000_000n);
  s.readyChannel(setup(1, { holderDustLimitSat: 354n, counterpartyDustLimitSat: 354n, pushMsat: PUSH }));
  allowlistAdd(s, "address", btc.Address({ ...btc.TEST_NETWORK, bech32: "bcrt" }).encode(btc.OutScript.decode(wallet)));
  const st0: TestState = { number: 0n, feeratePerKw: 1000, toHolderMsat: 900_000_000n, toCounterpartyMsat: PUSH, htlcs: [] };
  const seed = key("peer seed");
  const peerSecret = (n: bigint) => perCommitmentSecret(s, seed, INITIAL - n);
  const peerPoint = (n: bigint) => secp256k1.getPublicKey(peerSecret(n), true);
  // BOLT 2 order: the peer's commitment (signed by us) carries our new HTLC before ours does.
  for (const st of [st0, st1(1n)]) signCounterpartyCommitment(s, id, { ...st, point: peerPoint(st.number) }, 1_700_000_000n);
  validateCounterpartyRevocation(s, id, 0n, peerSecret(0n));
  for (const st of [st0, st1(1n)]) { const g = peerSignatures(s, id, ours, st); validateHolderCommitment(s, id, st, g.sig, g.htlcSigs); }
  revokeHolderCommitment(s, id, 0n);
  return { s, id, ours, peerPoint, mine: honestCommitment(s, ours, st1(1n), perCommitmentPoint(s, id, 1n), true) };
}

const htlcOut = htlcOutputIndex;

function verifies(s: ReturnType<typeof closing>["s"], tx: Uint8Array, index: number, script: Uint8Array, amount: bigint, sigDer: Uint8Array, pub: Uint8Array) {
  const digest = sighashV0(s, tx, index, script, amount, 1);
  return secp256k1.verify(secp256k1.Signature.fromBytes(sigDer.subarray(0, -1), "der").toBytes("compact"), digest, pub, { prehash: false });
}

describe("our commitment on chain", () => {
  it("sign_holder_htlc_tx: our signature on the HTLC tx BOLT 3 gives (anchors: fee inputs may be added); never for a revoked commitment", () => {
    const { s, id, ours, mine } = closing();
    const vout = htlcOut(mine.scripts, true);
    const k = mine.scripts.slice(0, vout).filter((x) => scriptValues(x).length >= 7).length;
    const htlcTx = mine.htlcTxs[k];
    const sig = signHolderHtlcTx(s, id, 1n, vout, htlcTx);
    const amount = btc.RawTx.decode(mine.tx).outputs[vout].amount;
    const ourHtlc = derivePubkey(s, ours.htlc, perCommitmentPoint(s, id, 1n));
    expect(verifies(s, htlcTx, 0, mine.scripts[vout], amount, sig, ourHtlc)).toBe(true);
    // Anchors: a fee input and change of the node's own after the HTLC pair.
    const t = btc.RawTx.decode(htlcTx);
    t.inputs.push({ txid: key("wallet utxo"), index: 3, finalScriptSig: new Uint8Array(0), sequence: 0xfffffffd });
    t.outputs.push({ amount: 50_000n, script: other });
    const bumped = btc.RawTx.encode(t);
    expect(verifies(s, bumped, 0, mine.scripts[vout], amount, signHolderHtlcTx(s, id, 1n, vout, bumped), ourHtlc)).toBe(true);
    // The HTLC's value may not leave its delayed output.
    const t2 = btc.RawTx.decode(bumped); t2.outputs[0].amount -= 1000n; t2.outputs[1].amount += 1000n;
    expectRefused(s, "policy-htlc-fee-range", () => signHolderHtlcTx(s, id, 1n, vout, btc.RawTx.encode(t2)));
    expectRefused(s, "policy-commitment-holder-not-revoked", () => signHolderHtlcTx(s, id, 0n, vout, htlcTx));
  });

  it("sign_delayed_sweep also takes the delayed output of our HTLC tx; its script is the commitment's to_local script", () => {
    const { s, id, ours, mine } = closing();
    const k = 0;
    const h = btc.RawTx.decode(mine.htlcTxs[k]);
    const sweep = (seq = 144) => btc.RawTx.encode({ version: 2, segwitFlag: false, lockTime: 0, inputs: [{ txid: txid(mine.htlcTxs[k]), index: 0, finalScriptSig: new Uint8Array(0), sequence: seq }], outputs: [{ amount: h.outputs[0].amount - 1000n, script: wallet }] });
    expectRefused(s, "policy-sweep-sequence", () => signDelayedSweep(s, id, 1n, sweep(1)));
    const signed = btc.RawTx.decode(signDelayedSweep(s, id, 1n, sweep()));
    const [sig, empty, script] = signed.witnesses![0];
    expect(empty.length).toBe(0);
    expect(hex(wsh(script))).toBe(hex(h.outputs[0].script));
    expect(verifies(s, sweep(), 0, script, h.outputs[0].amount, sig, derivePubkey(s, ours.delayedPayment, perCommitmentPoint(s, id, 1n)))).toBe(true);
  });
});

describe("anchors", () => {
  it("sign_anchor_input: our anchor of our latest commitment, signed with our funding key, beside the node's fee inputs", () => {
    const { s, id, ours, mine } = closing();
    const c = btc.RawTx.decode(mine.tx);
    const vout = mine.scripts.findIndex((x) => x.length === 40 && hex(x.subarray(1, 34)) === hex(ours.funding));
    const cpfp = btc.RawTx.encode({ version: 2, segwitFlag: false, lockTime: 0, inputs: [
      { txid: key("wallet utxo"), index: 0, finalScriptSig: new Uint8Array(0), sequence: 0xfffffffd },
      { txid: txid(mine.tx), index: vout, finalScriptSig: new Uint8Array(0), sequence: 0xfffffffd },
    ], outputs: [{ amount: 40_000n, script: wallet }] });
    expect(verifies(s, cpfp, 1, mine.scripts[vout], c.outputs[vout].amount, signAnchorInput(s, id, 1n, cpfp), ours.funding)).toBe(true);
    expect(fail(() => signAnchorInput(s, id, 1n, btc.RawTx.encode({ ...btc.RawTx.decode(cpfp), inputs: [btc.RawTx.decode(cpfp).inputs[0]] }))).code).toBe(Code.INVALID_ARGUMENT);
    expectRefused(s, "policy-commitment-holder-not-revoked", () => signAnchorInput(s, id, 0n, cpfp));
  });
});

describe("the peer's commitment on chain", () => {
  it("sign_justice_sweep: the revoked commitment's to_local and HTLCs with the revocation key, scripts equal to the commitment's outputs", () => {
    const { s, id, ours, peerPoint } = closing();
    // The peer's revoked commitment 0 (we are the funder: its to_local is the pushed 100 000 sat).
    const theirs0 = honestCommitment(s, ours, { number: 0n, feeratePerKw: 1000, toHolderMsat: 900_000_000n, toCounterpartyMsat: PUSH, htlcs: [] }, peerPoint(0n), false);
    const c0 = btc.RawTx.decode(theirs0.tx);
    const vout = theirs0.scripts.findIndex((x) => x[0] === 0x63);
    const justice = (script = wallet) => btc.RawTx.encode({ version: 2, segwitFlag: false, lockTime: 0, inputs: [{ txid: txid(theirs0.tx), index: vout, finalScriptSig: new Uint8Array(0), sequence: 0xfffffffd }], outputs: [{ amount: c0.outputs[vout].amount - 2000n, script }] });
    const input = [{ kind: "to_local" as const, amountSat: c0.outputs[vout].amount }];
    expectRefused(s, "policy-sweep-destination-allowlisted", () => signJusticeSweep(s, id, 0n, justice(other), input));
    expect(fail(() => signJusticeSweep(s, id, 1n, justice(), input)).code).toBe(Code.INVALID_STATE); // 1 is not revoked
    const signed = btc.RawTx.decode(signJusticeSweep(s, id, 0n, justice(), input));
    const [sig, one, script] = signed.witnesses![0];
    expect(hex(one)).toBe("01");
    expect(hex(wsh(script))).toBe(hex(c0.outputs[vout].script));
    expect(verifies(s, justice(), 0, script, c0.outputs[vout].amount, sig, revocationPubkey(s, ours.revocation, peerPoint(0n)))).toBe(true);
  });

  it("sign_to_remote_sweep: our to_remote on the peer's commitment (anchors: <key> OP_CHECKSIGVERIFY 1 OP_CSV, sequence 1)", () => {
    const { s, id, ours, peerPoint } = closing();
    const theirs1 = honestCommitment(s, ours, st1(1n), peerPoint(1n), false);
    const c1 = btc.RawTx.decode(theirs1.tx);
    const vout = theirs1.scripts.findIndex((x) => x.length === 37 && x[34] === 0xad);
    const amount = c1.outputs[vout].amount;
    const sweep = (sequence: number) => btc.RawTx.encode({ version: 2, segwitFlag: false, lockTime: 0, inputs: [{ txid: txid(theirs1.tx), index: vout, finalScriptSig: new Uint8Array(0), sequence }], outputs: [{ amount: amount - 1000n, script: wallet }] });
    expectRefused(s, "policy-sweep-sequence", () => signToRemoteSweep(s, id, sweep(0), [amount]));
    const signed = btc.RawTx.decode(signToRemoteSweep(s, id, sweep(1), [amount]));
    const [sig, script] = signed.witnesses![0];
    expect(hex(wsh(script))).toBe(hex(c1.outputs[vout].script));
    expect(verifies(s, sweep(1), 0, script, amount, sig, ours.payment)).toBe(true);
  });

  it("sign_counterparty_htlc_sweep: the HTLC the peer offered us, with its preimage, from its current commitment", () => {
    const { s, id, ours, peerPoint } = closing();
    const theirs1 = honestCommitment(s, ours, st1(1n), peerPoint(1n), false);
    const c1 = btc.RawTx.decode(theirs1.tx);
    const vout = htlcOut(theirs1.scripts, true); // offered by the peer (the broadcaster)
    const amount = c1.outputs[vout].amount;
    const claim = (lockTime = 0) => btc.RawTx.encode({ version: 2, segwitFlag: false, lockTime, inputs: [{ txid: txid(theirs1.tx), index: vout, finalScriptSig: new Uint8Array(0), sequence: 1 }], outputs: [{ amount: amount - 1000n, script: wallet }] });
    const input = (p?: Uint8Array) => [{ offeredByPeer: true, amountSat: amount, paymentHash: sha256(preimage), cltvExpiry: 600_300, preimage: p }];
    expect(fail(() => signCounterpartyHtlcSweep(s, id, 1n, claim(), input(key("wrong")))).code).toBe(Code.INVALID_ARGUMENT);
    expectRefused(s, "policy-sweep-version", () => signCounterpartyHtlcSweep(s, id, 1n, btc.RawTx.encode({ ...btc.RawTx.decode(claim()), version: 1 }), input(preimage)));
    const signed = btc.RawTx.decode(signCounterpartyHtlcSweep(s, id, 1n, claim(), input(preimage)));
    const [sig, pre, script] = signed.witnesses![0];
    expect(hex(pre)).toBe(hex(preimage));
    expect(hex(wsh(script))).toBe(hex(c1.outputs[vout].script));
    expect(verifies(s, claim(), 0, script, amount, sig, derivePubkey(s, ours.htlc, peerPoint(1n)))).toBe(true);
    // Our HTLC on their commitment times out: the locktime must reach its expiry.
    const ourVout = htlcOut(theirs1.scripts, false);
    const timeout = (lockTime: number) => btc.RawTx.encode({ version: 2, segwitFlag: false, lockTime, inputs: [{ txid: txid(theirs1.tx), index: ourVout, finalScriptSig: new Uint8Array(0), sequence: 1 }], outputs: [{ amount: c1.outputs[ourVout].amount - 1000n, script: wallet }] });
    const ourInput = [{ offeredByPeer: false, amountSat: c1.outputs[ourVout].amount, paymentHash: key("out"), cltvExpiry: 600_100 }];
    expectRefused(s, "policy-sweep-locktime", () => signCounterpartyHtlcSweep(s, id, 1n, timeout(600_099), ourInput));
    const t = btc.RawTx.decode(signCounterpartyHtlcSweep(s, id, 1n, timeout(600_100), ourInput));
    expect(hex(wsh(t.witnesses![0][2]))).toBe(hex(c1.outputs[ourVout].script));
  });
});

