// A hostile node sends its own commitment (and HTLC txs) with the state: each
// change to the transaction an honest node builds is refused with the rule it
// breaks (assembly/policy/commitment_tx.ts), and the signer's state does not move.
import { describe, it, expect } from "vitest";
import { sha256 } from "@noble/hashes/sha2.js";
import { ripemd160 } from "@noble/hashes/legacy.js";
import * as btc from "@scure/btc-signer";
import { Code, SignerError } from "../../host/signer.js";
import { perCommitmentPoint, signCounterpartyCommitment, signHolderCommitment, validateHolderCommitment, type NodeTxs } from "../../host/commitments.js";
import { derivePubkey } from "../../host/tools/bolt3.js";
import { expectRefused } from "./attack.js";
import { channelId, honestCommitment, htlcOutputIndex, key, peerBasepoints, peerSignatures, point, scriptValues, setup, signer, type TestState } from "./fixtures.js";

const VALUE = 1_000_000n;
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
type Raw = ReturnType<typeof btc.RawTx.decode>;

const values = scriptValues;

/** Script `s` with value `k` replaced by `data` of the same length. */
function withValue(s: Uint8Array, k: number, data: Uint8Array): Uint8Array {
  const [at, len] = values(s)[k];
  expect(data.length).toBe(len);
  const t = s.slice();
  t.set(data, at);
  return t;
}

const wsh = (script: Uint8Array) => btc.OutScript.encode({ type: "wsh", hash: sha256(script) });
const shapeOf = (script: Uint8Array) => values(script).length;

/** Our commitment 1 of an anchors (or static_remotekey) channel with one HTLC each way and a dust HTLC; commitment 0 validated. */
function scenario(anchors = true) {
  const s = signer({ allowPush: true, filters: ["policy-commitment-payment-invoiced"] });
  const id = channelId(1);
  const ours = s.newChannel(id, VALUE);
  s.readyChannel(setup(1, { holderDustLimitSat: 354n, counterpartyDustLimitSat: 354n, channelType: anchors ? "anchors" : "static-remotekey", pushMsat: 100_000_000n }));
  const st0: TestState = { number: 0n, feeratePerKw: 1000, toHolderMsat: 900_000_000n, toCounterpartyMsat: 100_000_000n, htlcs: [] };
  const s0 = peerSignatures(s, id, ours, st0, anchors);
  validateHolderCommitment(s, id, st0, s0.sig, s0.htlcSigs);
  const st1: TestState = {
    number: 1n, feeratePerKw: 1000, toHolderMsat: 879_700_000n, toCounterpartyMsat: 95_000_000n, htlcs: [
      { ours: true, amountMsat: 20_000_000n, cltvExpiry: 600_100, paymentHash: key("out") },
      { ours: true, amountMsat: 300_000n, cltvExpiry: 600_200, paymentHash: key("dust") },
      { ours: false, amountMsat: 5_000_000n, cltvExpiry: 600_300, paymentHash: key("in") },
    ],
  };
  // BOLT 2: the peer's commitment carries our new HTLCs (signed by us) before ours does.
  for (const st of [st0, st1]) signCounterpartyCommitment(s, id, { ...st, point: point("peer point " + st.number) }, 1_700_000_000n);
  const pt = perCommitmentPoint(s, id, 1n);
  const honest = honestCommitment(s, ours, st1, pt, true, anchors);
  const sigs = peerSignatures(s, id, ours, st1, anchors);
  const validate = (t: NodeTxs) => validateHolderCommitment(s, id, st1, sigs.sig, sigs.htlcSigs, t);
  return { s, id, ours, st1, pt, honest, validate };
}

/** The honest node txs with the commitment changed by `f` (which may also change the scripts list). */
function tampered(h: ReturnType<typeof honestCommitment>, f: (tx: Raw, scripts: Uint8Array[]) => void): NodeTxs {
  const tx = btc.RawTx.decode(h.tx);
  const scripts = h.scripts.map((x) => x.slice());
  f(tx, scripts);
  return { commitment: { tx: btc.RawTx.encode(tx), scripts }, htlcs: h.htlcTxs.map((t, i) => ({ tx: t, scripts: [htlcOutputScript(h, i)] })) };
}

/** The witness script of HTLC tx `i`'s output: the to_local script of the same commitment (BOLT 3: same keys and delay). */
function htlcOutputScript(h: ReturnType<typeof honestCommitment>, _i: number): Uint8Array {
  return h.scripts.find((x) => shapeOf(x) === 3 && x[0] === 0x63)!;
}

const honestTxs = (h: ReturnType<typeof honestCommitment>): NodeTxs => tampered(h, () => {});

/** Index of the output whose witness script has `n` values and starts with `op`. */
const outputOf = (h: ReturnType<typeof honestCommitment>, n: number, op?: number) => h.scripts.findIndex((x) => shapeOf(x) === n && (op === undefined || x[0] === op));

describe("the node's commitment tx is checked against the signer's", () => {
  it("the honest node's commitment and HTLC txs are accepted (and every attack below leaves the state untouched)", () => {
    const { s, id, honest, validate } = scenario();
    expect(honest.htlcTxs).toHaveLength(2); // the dust HTLC is trimmed
    validate(honestTxs(honest));
    expect(signHolderCommitment(s, id, 1n, honestTxs(honest)).length).toBeGreaterThan(8);
  });

  const attacks: Array<[string, string, (h: ReturnType<typeof honestCommitment>, ctx: ReturnType<typeof scenario>) => NodeTxs]> = [
    ["policy-commitment-version", "version 1", (h) => tampered(h, (tx) => { tx.version = 1; })],
    ["policy-commitment-input-single", "a second input", (h) => tampered(h, (tx) => { tx.inputs.push({ ...tx.inputs[0], index: 7 }); })],
    ["policy-commitment-input-match-funding", "another outpoint", (h) => tampered(h, (tx) => { tx.inputs[0].index = 1; })],
    ["policy-commitment-sequence", "sequence without the obscured number", (h) => tampered(h, (tx) => { tx.inputs[0].sequence = 0xfffffffd; })],
    ["policy-commitment-locktime", "locktime 0", (h) => tampered(h, (tx) => { tx.lockTime = 0; })],
    ["policy-commitment-other", "outputs out of BIP69 order", (h) => tampered(h, (tx, sc) => { tx.outputs.reverse(); sc.reverse(); })],
    ["policy-commitment-scripts", "a witness script that does not hash to its output", (h) => tampered(h, (tx, sc) => { const i = outputOf(h, 3, 0x63); sc[i] = sc[i].slice(0, -1); })],
    ["policy-commitment-no-unrecognized-outputs", "an extra P2WPKH output", (h) => tampered(h, (tx, sc) => { tx.outputs.push({ amount: 1000n, script: Uint8Array.from([0, 20, ...new Uint8Array(20).fill(9)]) }); sc.push(new Uint8Array(0)); })],
    ["policy-commitment-singular-to-holder", "two to_local outputs", (h) => tampered(h, (tx, sc) => { const i = outputOf(h, 3, 0x63); tx.outputs.push(tx.outputs[i]); sc.push(sc[i]); })],
    ["policy-commitment-singular-to-counterparty", "two to_remote outputs", (h) => tampered(h, (tx, sc) => { const i = toRemoteIndex(h); tx.outputs.push(tx.outputs[i]); sc.push(sc[i]); })],
    ["policy-commitment-revocation-pubkey", "to_local revocable by another key", (h) => retarget(h, outputOf(h, 3, 0x63), 0, point("attacker"))],
    ["policy-commitment-to-self-delay-range", "to_local delay 145", (h) => retarget(h, outputOf(h, 3, 0x63), 1, Uint8Array.of(145, 0))],
    ["policy-commitment-broadcaster-pubkey", "to_local delayed key replaced", (h) => retarget(h, outputOf(h, 3, 0x63), 2, point("attacker"))],
    ["policy-commitment-countersignatory-pubkey", "to_remote to another key", (h) => retarget(h, toRemoteIndex(h), 0, point("attacker"))],
    ["policy-commitment-anchor-static-remotekey", "to_remote to the per-commitment payment key", (h, c) => retarget(h, toRemoteIndex(h), 0, derivePubkey(c.s, peerBasepoints().payment, c.pt))],
    ["policy-commitment-anchor-match-fundingkey", "an anchor locked to another key", (h) => retarget(h, anchorIndex(h), 0, point("attacker"))],
    ["policy-commitment-anchor-amount", "a 331 sat anchor", (h) => tampered(h, (tx) => { tx.outputs[anchorIndex(h)].amount = 331n; })],
    ["policy-commitment-anchor-to-holder", "our anchor removed", (h, c) => dropAnchor(h, c.ours.funding)],
    ["policy-commitment-anchor-to-counterparty", "the peer's anchor removed", (h) => dropAnchor(h, peerBasepoints().funding)],
    ["policy-commitment-htlc-revocation-pubkey", "an HTLC revocable by another key", (h) => retarget(h, htlcIndex(h, true), 0, ripemd160(sha256(point("attacker"))))],
    ["policy-commitment-htlc-counterparty-htlc-pubkey", "the peer's HTLC key replaced", (h) => retarget(h, htlcIndex(h, true), 1, point("attacker"))],
    ["policy-commitment-htlc-holder-htlc-pubkey", "our HTLC key replaced", (h) => retarget(h, htlcIndex(h, true), 4, point("attacker"))],
    ["policy-commitment-outputs-trimmed", "the dust HTLC kept as an output", (h) => {
      const i = htlcIndex(h, true);
      const script = withValue(h.scripts[i], 6, ripemd160(key("dust")));
      return tampered(h, (tx, sc) => { tx.outputs.push({ amount: 300n, script: wsh(script) }); sc.push(script); });
    }],
    ["policy-commitment-outputs-trimmed", "an HTLC output left out", (h) => tampered(h, (tx, sc) => { const i = htlcIndex(h, false); tx.outputs.splice(i, 1); sc.splice(i, 1); })],
  ];

  for (const [rule, what, make] of attacks) {
    it(`${rule}: ${what}`, () => {
      const c = scenario();
      expectRefused(c.s, rule, () => c.validate(make(c.honest, c)));
    });
  }

  it("policy-commitment-anchors-not-when-off: an anchor output in a static_remotekey channel", () => {
    const c = scenario(false);
    const anchorScript = Uint8Array.from([33, ...c.ours.funding, 0xac, 0x73, 0x64, 0x60, 0xb2, 0x68]);
    expectRefused(c.s, "policy-commitment-anchors-not-when-off", () => c.validate(tampered(c.honest, (tx, sc) => { tx.outputs.push({ amount: 330n, script: wsh(anchorScript) }); sc.push(anchorScript); })));
    c.validate(honestTxs(c.honest));
  });

  it("the peer's commitment (we countersign): to_remote is ours there, so a second one breaks policy-commitment-singular-to-holder", () => {
    const s = signer();
    const id = channelId(1);
    const ours = s.newChannel(id, VALUE);
    s.readyChannel(setup(1, { holderDustLimitSat: 354n, counterpartyDustLimitSat: 354n }));
    const pt = point("peer point 0");
    const st0: TestState = { number: 0n, feeratePerKw: 1000, toHolderMsat: VALUE * 1000n, toCounterpartyMsat: 0n, htlcs: [] };
    const h = honestCommitment(s, ours, st0, pt, false);
    const bad = tampered(h, (tx, sc) => { const i = toRemoteIndex(h); tx.outputs.push(tx.outputs[i]); sc.push(sc[i]); });
    expectRefused(s, "policy-commitment-singular-to-holder", () => signCounterpartyCommitment(s, id, { ...st0, point: pt }, 1n, bad));
    expect(signCounterpartyCommitment(s, id, { ...st0, point: pt }, 1n, honestTxs(h)).sig.length).toBeGreaterThan(8);
  });

  it("bad trailers are typed errors, never a signature", () => {
    const c = scenario();
    const short = honestTxs(c.honest);
    short.htlcs.pop();
    const e = (() => { try { c.validate(short); } catch (x) { return x as SignerError; } throw new Error("accepted"); })();
    expect(e.code).toBe(Code.INVALID_ARGUMENT);
    const junk = { commitment: { tx: Uint8Array.of(1, 2, 3), scripts: [] }, htlcs: [] };
    const e2 = (() => { try { c.validate(junk); } catch (x) { return x as SignerError; } throw new Error("accepted"); })();
    expect(e2.code).toBe(Code.MALFORMED);
  });
});

describe("the node's HTLC txs are checked against the signer's", () => {
  /** The honest txs with HTLC tx `k` changed by `f` (its output witness script in `sc`). */
  function htlcTampered(h: ReturnType<typeof honestCommitment>, k: number, f: (tx: Raw, sc: Uint8Array[]) => void): NodeTxs {
    const t = honestTxs(h);
    const tx = btc.RawTx.decode(t.htlcs[k].tx);
    const sc = [t.htlcs[k].scripts[0].slice()];
    f(tx, sc);
    t.htlcs[k] = { tx: btc.RawTx.encode(tx), scripts: sc };
    return t;
  }
  /** Which HTLC tx is the timeout (locktime = cltv) and which the success (locktime 0). */
  const timeoutOf = (h: ReturnType<typeof honestCommitment>) => h.htlcTxs.findIndex((t) => btc.RawTx.decode(t).lockTime !== 0);
  const successOf = (h: ReturnType<typeof honestCommitment>) => h.htlcTxs.findIndex((t) => btc.RawTx.decode(t).lockTime === 0);
  const retargetHtlc = (h: ReturnType<typeof honestCommitment>, k: number, v: number, data: Uint8Array) => htlcTampered(h, k, (tx, sc) => { sc[0] = withValue(sc[0], v, data); tx.outputs[0].script = wsh(sc[0]); });

  const attacks: Array<[string, string, (h: ReturnType<typeof honestCommitment>) => NodeTxs]> = [
    ["policy-htlc-version", "version 1", (h) => htlcTampered(h, 0, (tx) => { tx.version = 1; })],
    ["policy-htlc-locktime", "an HTLC-success tx with a locktime", (h) => htlcTampered(h, successOf(h), (tx) => { tx.lockTime = 100; })],
    ["policy-htlc-locktime", "an HTLC-timeout tx one block early", (h) => htlcTampered(h, timeoutOf(h), (tx) => { tx.lockTime -= 1; })],
    ["policy-htlc-cltv-range", "an HTLC-timeout locked by time, not height", (h) => htlcTampered(h, timeoutOf(h), (tx) => { tx.lockTime = 600_000_000; })],
    ["policy-htlc-sequence", "sequence 0 with anchors", (h) => htlcTampered(h, 0, (tx) => { tx.inputs[0].sequence = 0; })],
    ["policy-htlc-other", "a second output", (h) => htlcTampered(h, 0, (tx) => { tx.outputs.push({ amount: 1n, script: tx.outputs[0].script }); })],
    ["policy-htlc-other", "spends another output", (h) => htlcTampered(h, 0, (tx) => { tx.inputs[0].index ^= 1; })],
    ["policy-htlc-revocation-pubkey", "output revocable by another key", (h) => retargetHtlc(h, 0, 0, point("attacker"))],
    ["policy-htlc-to-self-delay", "output delay 145", (h) => retargetHtlc(h, 0, 1, Uint8Array.of(145, 0))],
    ["policy-htlc-delayed-pubkey", "output delayed key replaced", (h) => retargetHtlc(h, 0, 2, point("attacker"))],
    ["policy-htlc-fee-range", "a fee on a zero-fee anchors HTLC tx", (h) => htlcTampered(h, 0, (tx) => { tx.outputs[0].amount -= 500n; })],
  ];
  for (const [rule, what, make] of attacks) {
    it(`${rule}: ${what}`, () => {
      const c = scenario();
      expectRefused(c.s, rule, () => c.validate(make(c.honest)));
    });
  }
});

/** The honest txs with value `v` of output `i`'s witness script replaced (and its P2WSH updated). */
function retarget(h: ReturnType<typeof honestCommitment>, i: number, v: number, data: Uint8Array): NodeTxs {
  expect(i).toBeGreaterThanOrEqual(0);
  return tampered(h, (tx, sc) => { sc[i] = withValue(sc[i], v, data); tx.outputs[i].script = wsh(sc[i]); });
}

/** An anchor output: <funding key> OP_CHECKSIG OP_IFDUP ... (2 values, key first, then OP_CHECKSIG). */
function anchorIndex(h: ReturnType<typeof honestCommitment>): number {
  return h.scripts.findIndex((x) => shapeOf(x) === 2 && x[34] === 0xac);
}

function dropAnchor(h: ReturnType<typeof honestCommitment>, funding: Uint8Array): NodeTxs {
  const i = h.scripts.findIndex((x) => shapeOf(x) === 2 && x[34] === 0xac && hex(x.subarray(1, 34)) === hex(funding));
  expect(i).toBeGreaterThanOrEqual(0);
  return tampered(h, (tx, sc) => { tx.outputs.splice(i, 1); sc.splice(i, 1); });
}

const htlcIndex = (h: ReturnType<typeof honestCommitment>, offered: boolean) => htlcOutputIndex(h.scripts, offered);

/** to_remote with anchors: <key> OP_CHECKSIGVERIFY 1 OP_CSV. */
function toRemoteIndex(h: ReturnType<typeof honestCommitment>): number {
  return h.scripts.findIndex((x) => shapeOf(x) === 2 && x[34] === 0xad);
}
