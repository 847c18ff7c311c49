// The node's own copy of a commitment or HTLC transaction, checked against the
// one the core built (bolt3/commitment.ts, bolt3/htlc.ts). The core signs only
// what it built; when the node also sends what it built (LDK's
// CommitmentTransaction, CLN's tx), any difference is a refusal naming the rule
// the difference breaks (policy-commitment-* for BOLT 3 "Commitment
// Transaction", policy-htlc-* for "HTLC-Timeout and HTLC-Success Transactions").
// Byte equality decides; the diagnosis below only chooses the rule id.
import { Tx } from "../bitcoin/tx";
import { ScriptType, classify, decodeScript, p2wshOf, witnessProgramOf } from "../bitcoin/script";
import { hash160 } from "../crypto";
import { CoreError } from "../protocol/errors";
import { Commitment, CommitmentKeys, CommitmentParams, Htlc, OutKind, ANCHOR_SAT, isTrimmed } from "../bolt3/commitment";
import { anchorScript, offeredHtlcScript, receivedHtlcScript, toLocalScript, toRemoteAnchorsScript } from "../bolt3/scripts";
import { Policy } from "./engine";
import { Rule } from "./rules";
import { bytesEqual } from "../codec/bytes";

/** A transaction the node built, with the witness script of each P2WSH output (empty for others). */
export class NodeTx {
  constructor(public tx: Tx, public raw: Uint8Array, public scripts: Uint8Array[]) {}
}

/**
 * Where the first value (push) of `got` differs from `want`'s: -1 same bytes,
 * -2 another shape (opcodes differ), -3 same values in another encoding, else the value's index.
 */
export function scriptDiff(got: Uint8Array, want: Uint8Array): i32 {
  if (bytesEqual(got, want)) return -1;
  const a = decodeScript(got), b = decodeScript(want);
  if (a === null || b === null || a.length != b.length) return -2;
  let k = 0, first = -1;
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    if (x.isValue() != y.isValue() || (!x.isValue() && x.op != y.op)) return -2;
    if (!x.isValue()) continue;
    if (first < 0 && !bytesEqual(x.value!, y.value!)) first = k;
    k++;
  }
  return first >= 0 ? first : -3;
}


/** A refusal collector: every failed check counts as diagnosed, even when filtered to a warning. */
class Diagnosis {
  found: bool = false;
  constructor(public p: Policy) {}
  fail(rule: string, msg: string): CoreError | null {
    this.found = true;
    return this.p.check(rule, false, msg);
  }
}

/** The channel's view of a commitment: who broadcasts, and the keys that tell us from the peer. */
export class CommitmentView {
  constructor(
    public holder: bool, // we broadcast this commitment
    public params: CommitmentParams,
    public built: Commitment,
    public keys: CommitmentKeys,
    public nonStaticRemote: Uint8Array, // countersignatory payment basepoint tweaked by the point (pre-static_remotekey)
  ) {}
}

// Value positions of each BOLT 3 script and the rule a wrong value breaks ("" = a constant: the scripts rule).
const TO_LOCAL_ROLES: string[] = [Rule.COMMITMENT_REVOCATION_PUBKEY, Rule.COMMITMENT_TO_SELF_DELAY_RANGE, Rule.COMMITMENT_BROADCASTER_PUBKEY];
const HTLC_TX_ROLES: string[] = [Rule.HTLC_REVOCATION_PUBKEY, Rule.HTLC_TO_SELF_DELAY, Rule.HTLC_DELAYED_PUBKEY];

/** Shapes a commitment output may take. */
namespace Shape {
  export const UNKNOWN: i32 = 0;
  export const TO_LOCAL: i32 = 1;
  export const TO_REMOTE: i32 = 2;
  export const ANCHOR: i32 = 3;
  export const OFFERED: i32 = 4;
  export const RECEIVED: i32 = 5;
}

const ZERO32 = new Uint8Array(32);

/** The shape of a P2WSH witness script, by opcode skeleton (values are wildcards). */
function shapeOf(ws: Uint8Array, v: CommitmentView): i32 {
  const k = v.keys, a = v.params.anchors;
  if (scriptDiff(ws, toLocalScript(k.revocation, k.broadcasterDelayed, 144)) != -2) return Shape.TO_LOCAL;
  if (scriptDiff(ws, anchorScript(k.broadcasterFunding)) != -2) return Shape.ANCHOR;
  if (scriptDiff(ws, toRemoteAnchorsScript(k.countersignatory)) != -2) return Shape.TO_REMOTE;
  if (scriptDiff(ws, offeredHtlcScript(k.revocation, k.broadcasterHtlc, k.countersignatoryHtlc, ZERO32, a)) != -2) return Shape.OFFERED;
  if (scriptDiff(ws, receivedHtlcScript(k.revocation, k.broadcasterHtlc, k.countersignatoryHtlc, ZERO32, 500_000, a)) != -2) return Shape.RECEIVED;
  return Shape.UNKNOWN;
}

/** The rule for a wrong value at `index` of an HTLC output script. */
function htlcRole(v: CommitmentView, offered: bool, index: i32): string {
  // offered: h160(revocation), countersignatory htlc, 32, 2, broadcaster htlc, 2, ripemd(hash)[, 1]
  // received: h160(revocation), countersignatory htlc, 32, ripemd(hash), 2, broadcaster htlc, 2, cltv[, 1]
  if (index == 0) return Rule.COMMITMENT_HTLC_REVOCATION_PUBKEY;
  const broadcasterKey = offered ? 4 : 5;
  if (index == 1) return v.holder ? Rule.COMMITMENT_HTLC_COUNTERPARTY_HTLC_PUBKEY : Rule.COMMITMENT_HTLC_HOLDER_HTLC_PUBKEY;
  if (index == broadcasterKey) return v.holder ? Rule.COMMITMENT_HTLC_HOLDER_HTLC_PUBKEY : Rule.COMMITMENT_HTLC_COUNTERPARTY_HTLC_PUBKEY;
  return Rule.COMMITMENT_SCRIPTS;
}

/**
 * The node's commitment tx against ours. null when identical (or every
 * difference is filtered to a warning); else the refusal.
 */
export function checkNodeCommitment(p: Policy, v: CommitmentView, node: NodeTx): CoreError | null {
  const want = v.built.tx, got = node.tx;
  const d = new Diagnosis(p);
  let e: CoreError | null = null;
  if (bytesEqual(node.raw, want.serialize(false))) {
    // Our transaction; the scripts the node claims for it must be its outputs' too.
    for (let i = 0; i < got.outputs.length; i++) {
      const ws = i < node.scripts.length ? node.scripts[i] : new Uint8Array(0);
      const ok = classify(got.outputs[i].script) == ScriptType.P2WSH ? bytesEqual(p2wshOf(ws), got.outputs[i].script) : ws.length == 0;
      if (!ok) { e = d.fail(Rule.COMMITMENT_SCRIPTS, "the witness script does not hash to output " + i.toString()); if (e !== null) return e; }
    }
    return null;
  }
  // Header and input: "Commitment Transaction" version 2, the funding outpoint, obscured number in locktime/sequence.
  if (got.version != want.version) { e = d.fail(Rule.COMMITMENT_VERSION, "version " + got.version.toString() + ", BOLT 3 says 2"); if (e !== null) return e; }
  if (got.inputs.length != 1) { e = d.fail(Rule.COMMITMENT_INPUT_SINGLE, got.inputs.length.toString() + " inputs"); if (e !== null) return e; }
  if (got.inputs.length > 0) {
    const i0 = got.inputs[0], w0 = want.inputs[0];
    if (!bytesEqual(i0.prevTxid, w0.prevTxid) || i0.vout != w0.vout) { e = d.fail(Rule.COMMITMENT_INPUT_MATCH_FUNDING, "the input is not the funding outpoint"); if (e !== null) return e; }
    if (i0.sequence != w0.sequence) { e = d.fail(Rule.COMMITMENT_SEQUENCE, "sequence " + i0.sequence.toString() + " does not carry the obscured commitment number"); if (e !== null) return e; }
    if (i0.scriptSig.length > 0) { e = d.fail(Rule.COMMITMENT_OTHER, "a scriptSig on the funding input"); if (e !== null) return e; }
  }
  if (got.locktime != want.locktime) { e = d.fail(Rule.COMMITMENT_LOCKTIME, "locktime " + got.locktime.toString() + " does not carry the obscured commitment number"); if (e !== null) return e; }
  e = checkOutputs(d, v, node);
  if (e !== null) return e;
  if (!d.found) return d.fail(Rule.COMMITMENT_OTHER, "the transaction differs from the one BOLT 3 gives for this state (output order or encoding)");
  return null;
}

function checkOutputs(d: Diagnosis, v: CommitmentView, node: NodeTx): CoreError | null {
  const got = node.tx, outs = v.built.outputs, k = v.keys;
  const used = new Array<bool>(outs.length).fill(false);
  let toLocal = 0, toRemote = 0, anchorUs = 0, anchorPeer = 0;
  const ourFunding = v.holder ? k.broadcasterFunding : k.countersignatoryFunding;
  const peerFunding = v.holder ? k.countersignatoryFunding : k.broadcasterFunding;
  let e: CoreError | null = null;
  for (let i = 0; i < got.outputs.length; i++) {
    const o = got.outputs[i];
    const ws = i < node.scripts.length ? node.scripts[i] : new Uint8Array(0);
    const type = classify(o.script);
    const at = " (output " + i.toString() + ")";
    if (type == ScriptType.P2WPKH && !v.params.anchors) {
      // to_remote of option_static_remotekey: P2WPKH of the countersignatory's payment basepoint.
      if (++toRemote > 1) { e = singular(d, v, false, at); if (e !== null) return e; continue; }
      if (!bytesEqual(witnessProgramOf(o.script), hash160(k.countersignatory))) { e = d.fail(Rule.COMMITMENT_COUNTERSIGNATORY_PUBKEY, "to_remote pays another key" + at); if (e !== null) return e; }
      e = matchKind(d, v, used, OutKind.TO_REMOTE, o.value, at);
      if (e !== null) return e;
      continue;
    }
    if (type != ScriptType.P2WSH) { e = d.fail(Rule.COMMITMENT_NO_UNRECOGNIZED_OUTPUTS, "an output that is not a BOLT 3 output" + at); if (e !== null) return e; continue; }
    if (ws.length == 0 || !bytesEqual(p2wshOf(ws), o.script)) { e = d.fail(Rule.COMMITMENT_SCRIPTS, "the witness script does not hash to the output" + at); if (e !== null) return e; continue; }
    const shape = shapeOf(ws, v);
    if (shape == Shape.TO_LOCAL) {
      if (++toLocal > 1) { e = singular(d, v, true, at); if (e !== null) return e; continue; }
      const x = scriptDiff(ws, toLocalScript(k.revocation, k.broadcasterDelayed, v.params.toSelfDelay));
      if (x != -1) { e = d.fail(x >= 0 ? TO_LOCAL_ROLES[x] : Rule.COMMITMENT_SCRIPTS, "to_local script" + at); if (e !== null) return e; }
      e = matchKind(d, v, used, OutKind.TO_LOCAL, o.value, at);
    } else if (shape == Shape.TO_REMOTE) {
      if (!v.params.anchors) { e = d.fail(Rule.COMMITMENT_NO_UNRECOGNIZED_OUTPUTS, "an anchors-style to_remote in a channel without anchors" + at); if (e !== null) return e; continue; }
      if (++toRemote > 1) { e = singular(d, v, false, at); if (e !== null) return e; continue; }
      if (scriptDiff(ws, toRemoteAnchorsScript(k.countersignatory)) != -1) {
        const stale = scriptDiff(ws, toRemoteAnchorsScript(v.nonStaticRemote)) == -1;
        e = d.fail(stale ? Rule.COMMITMENT_ANCHOR_STATIC_REMOTEKEY : Rule.COMMITMENT_COUNTERSIGNATORY_PUBKEY,
          stale ? "to_remote uses a per-commitment key; anchors need static_remotekey" + at : "to_remote pays another key" + at);
        if (e !== null) return e;
      }
      e = matchKind(d, v, used, OutKind.TO_REMOTE, o.value, at);
    } else if (shape == Shape.ANCHOR) {
      if (!v.params.anchors) { e = d.fail(Rule.COMMITMENT_ANCHORS_NOT_WHEN_OFF, "an anchor output in a channel without anchors" + at); if (e !== null) return e; continue; }
      const ours = scriptDiff(ws, anchorScript(ourFunding)) == -1, theirs = scriptDiff(ws, anchorScript(peerFunding)) == -1;
      if (!ours && !theirs) { e = d.fail(Rule.COMMITMENT_ANCHOR_MATCH_FUNDINGKEY, "an anchor locked to neither funding key" + at); if (e !== null) return e; continue; }
      if (o.value != ANCHOR_SAT) { e = d.fail(Rule.COMMITMENT_ANCHOR_AMOUNT, "anchor of " + o.value.toString() + " sat, not 330" + at); if (e !== null) return e; }
      if (ours) anchorUs++; else anchorPeer++;
      const kind = ours == v.holder ? OutKind.ANCHOR_LOCAL : OutKind.ANCHOR_REMOTE;
      for (let j = 0; j < outs.length; j++) if (!used[j] && outs[j].kind == kind) { used[j] = true; break; }
    } else if (shape == Shape.OFFERED || shape == Shape.RECEIVED) {
      e = matchHtlc(d, v, used, shape == Shape.OFFERED, ws, o.value, at);
    } else {
      e = d.fail(Rule.COMMITMENT_NO_UNRECOGNIZED_OUTPUTS, "a script that is not a BOLT 3 output" + at);
    }
    if (e !== null) return e;
  }
  // Anchors exactly as "Commitment Transaction Construction" step 8 places them.
  let wantUs = 0, wantPeer = 0;
  for (let j = 0; j < outs.length; j++) {
    if (outs[j].kind == OutKind.ANCHOR_LOCAL) { if (v.holder) wantUs++; else wantPeer++; }
    if (outs[j].kind == OutKind.ANCHOR_REMOTE) { if (v.holder) wantPeer++; else wantUs++; }
  }
  if (anchorUs != wantUs) { e = d.fail(Rule.COMMITMENT_ANCHOR_TO_HOLDER, anchorUs.toString() + " anchors to us, BOLT 3 gives " + wantUs.toString()); if (e !== null) return e; }
  if (anchorPeer != wantPeer) { e = d.fail(Rule.COMMITMENT_ANCHOR_TO_COUNTERPARTY, anchorPeer.toString() + " anchors to the peer, BOLT 3 gives " + wantPeer.toString()); if (e !== null) return e; }
  // Every untrimmed output of the state must be there.
  for (let j = 0; j < outs.length; j++) {
    if (used[j] || outs[j].kind == OutKind.ANCHOR_LOCAL || outs[j].kind == OutKind.ANCHOR_REMOTE) continue;
    e = d.fail(Rule.COMMITMENT_OUTPUTS_TRIMMED, "an output of " + outs[j].value.toString() + " sat above the dust limit is missing");
    if (e !== null) return e;
  }
  return null;
}

/** "at most one to_local, one to_remote", from the signer's side: to_local is ours on our commitment. */
function singular(d: Diagnosis, v: CommitmentView, toLocal: bool, at: string): CoreError | null {
  return toLocal == v.holder
    ? d.fail(Rule.COMMITMENT_SINGULAR_TO_HOLDER, "a second output to us" + at)
    : d.fail(Rule.COMMITMENT_SINGULAR_TO_COUNTERPARTY, "a second output to the peer" + at);
}

/** Pair a to_local / to_remote with ours: absent from ours means BOLT 3 trims it. */
function matchKind(d: Diagnosis, v: CommitmentView, used: bool[], kind: u8, value: u64, at: string): CoreError | null {
  const outs = v.built.outputs;
  for (let j = 0; j < outs.length; j++) {
    if (used[j] || outs[j].kind != kind) continue;
    used[j] = true;
    if (outs[j].value != value) return d.fail(Rule.COMMITMENT_OTHER, "pays " + value.toString() + " sat, the state gives " + outs[j].value.toString() + at);
    return null;
  }
  return d.fail(Rule.COMMITMENT_OUTPUTS_TRIMMED, "an output the dust limit trims (or the state does not have)" + at);
}

/** Pair an HTLC output with ours by direction and payment hash; a trimmed or unknown HTLC is refused. */
function matchHtlc(d: Diagnosis, v: CommitmentView, used: bool[], offered: bool, ws: Uint8Array, value: u64, at: string): CoreError | null {
  const outs = v.built.outputs, hs = v.params.htlcs;
  // The RIPEMD160 of the payment hash is value 6 (offered) or 3 (received) of the script.
  const hashIndex = offered ? 6 : 3;
  let best = -1;
  for (let j = 0; j < outs.length; j++) {
    if (used[j] || outs[j].kind != OutKind.HTLC || hs[outs[j].htlc].offered != offered) continue;
    const x = scriptDiff(ws, outs[j].witnessScript);
    if (x == hashIndex) continue; // another payment
    if (best < 0 || (x == -1 && outs[j].value == value)) best = j;
    if (x == -1 && outs[j].value == value) break;
  }
  if (best < 0) {
    // Not an HTLC output of the state: trimmed by BOLT 3, or unknown.
    for (let i = 0; i < hs.length; i++) {
      if (hs[i].offered != offered || v.built.htlcOutput(i) >= 0) continue;
      const ws2 = offered
        ? offeredHtlcScript(v.keys.revocation, v.keys.broadcasterHtlc, v.keys.countersignatoryHtlc, hs[i].paymentHash, v.params.anchors)
        : receivedHtlcScript(v.keys.revocation, v.keys.broadcasterHtlc, v.keys.countersignatoryHtlc, hs[i].paymentHash, hs[i].cltvExpiry, v.params.anchors);
      const x = scriptDiff(ws, ws2);
      if (x != hashIndex && x != -2) return d.fail(Rule.COMMITMENT_OUTPUTS_TRIMMED, "an HTLC output below the dust limit" + at);
    }
    return d.fail(Rule.COMMITMENT_NO_UNRECOGNIZED_OUTPUTS, "an HTLC output that is not in the state" + at);
  }
  used[best] = true;
  const x = scriptDiff(ws, outs[best].witnessScript);
  let e: CoreError | null = null;
  if (x != -1) { e = d.fail(x >= 0 ? htlcRole(v, offered, x) : Rule.COMMITMENT_SCRIPTS, "HTLC script" + at); if (e !== null) return e; }
  if (outs[best].value != value) return d.fail(Rule.COMMITMENT_OTHER, "HTLC output of " + value.toString() + " sat, the state gives " + outs[best].value.toString() + at);
  return null;
}

/** The expectations of one HTLC second-stage tx. */
export class HtlcTxView {
  constructor(public built: Tx, public witnessScript: Uint8Array, public offered: bool, public inputValue: u64, public maxLocktime: u32) {}
}

/**
 * A holder HTLC tx with more than its one input and output: only with anchors (zero-fee HTLC txs,
 * the peer signed SINGLE|ANYONECANPAY), where the node adds fee inputs and change after the
 * HTLC's own input `k` and its output at the same index.
 */
export function checkHtlcExtras(p: Policy, anchors: bool, inputs: i32, outputs: i32, k: i32): CoreError | null {
  if (inputs == 1 && outputs == 1) return null;
  return p.check(Rule.HTLC_OTHER, anchors && k < outputs, "only an anchors HTLC tx may carry fee inputs");
}

/** The node's HTLC-timeout / HTLC-success tx against ours ("HTLC-Timeout and HTLC-Success Transactions"). */
export function checkNodeHtlcTx(p: Policy, v: HtlcTxView, node: NodeTx): CoreError | null {
  const want = v.built, got = node.tx;
  const d = new Diagnosis(p);
  let e: CoreError | null = null;
  if (bytesEqual(node.raw, want.serialize(false))) {
    const ok = node.scripts.length == 1 && bytesEqual(node.scripts[0], v.witnessScript);
    return ok ? null : d.fail(Rule.HTLC_OTHER, "the witness script is not the output's");
  }
  if (got.version != want.version) { e = d.fail(Rule.HTLC_VERSION, "version " + got.version.toString() + ", BOLT 3 says 2"); if (e !== null) return e; }
  if (v.offered && (got.locktime >= 500_000_000 || got.locktime > v.maxLocktime)) {
    e = d.fail(Rule.HTLC_CLTV_RANGE, "HTLC-timeout locktime " + got.locktime.toString() + " is not a height within the window");
    if (e !== null) return e;
  }
  if (got.locktime != want.locktime) { e = d.fail(Rule.HTLC_LOCKTIME, "locktime " + got.locktime.toString() + ", BOLT 3 gives " + want.locktime.toString()); if (e !== null) return e; }
  if (got.inputs.length != 1 || got.outputs.length != 1) { return d.fail(Rule.HTLC_OTHER, "an HTLC tx has one input and one output"); }
  const i0 = got.inputs[0], w0 = want.inputs[0];
  if (i0.sequence != w0.sequence) { e = d.fail(Rule.HTLC_SEQUENCE, "sequence " + i0.sequence.toString() + ", BOLT 3 gives " + w0.sequence.toString()); if (e !== null) return e; }
  if (!bytesEqual(i0.prevTxid, w0.prevTxid) || i0.vout != w0.vout || i0.scriptSig.length > 0) { e = d.fail(Rule.HTLC_OTHER, "the input is not the commitment's HTLC output"); if (e !== null) return e; }
  const o = got.outputs[0];
  const ws = node.scripts.length > 0 ? node.scripts[0] : new Uint8Array(0);
  if (ws.length == 0 || !bytesEqual(p2wshOf(ws), o.script)) { e = d.fail(Rule.HTLC_OTHER, "the witness script does not hash to the output"); if (e !== null) return e; }
  else {
    const x = scriptDiff(ws, v.witnessScript);
    if (x != -1) { e = d.fail(x >= 0 ? HTLC_TX_ROLES[x] : Rule.HTLC_OTHER, "the output script"); if (e !== null) return e; }
  }
  if (o.value != want.outputs[0].value) {
    const fee = v.inputValue > o.value ? v.inputValue - o.value : 0;
    e = d.fail(Rule.HTLC_FEE_RANGE, "fee " + fee.toString() + " sat, BOLT 3 gives " + (v.inputValue - want.outputs[0].value).toString());
    if (e !== null) return e;
  }
  if (!d.found) return d.fail(Rule.HTLC_OTHER, "the transaction differs from the one BOLT 3 gives");
  return null;
}

/**
 * A commitment described by its outputs (0x0410 / 0x0413): each HTLC listed must
 * be above the dust limit plus its second-stage fee, and each balance output
 * present (non-zero) at least the dust limit (BOLT 3 "Trimmed Outputs").
 * `htlcs` are seen from the broadcaster.
 */
export function checkDescribedUntrimmed(p: Policy, htlcs: Htlc[], toBroadcasterSat: u64, toCountersignatorySat: u64, feeratePerKw: u64, dustLimitSat: u64, anchors: bool): CoreError | null {
  for (let i = 0; i < htlcs.length; i++) {
    const e = p.check(Rule.COMMITMENT_OUTPUTS_TRIMMED, !isTrimmed(htlcs[i], feeratePerKw, dustLimitSat, anchors),
      "an HTLC of " + htlcs[i].amountMsat.toString() + " msat is below the dust limit and cannot be an output");
    if (e !== null) return e;
  }
  return p.check(Rule.COMMITMENT_OUTPUTS_TRIMMED, (toBroadcasterSat == 0 || toBroadcasterSat >= dustLimitSat) && (toCountersignatorySat == 0 || toCountersignatorySat >= dustLimitSat),
    "an output below the dust limit " + dustLimitSat.toString() + " sat");
}
