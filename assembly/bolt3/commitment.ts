// BOLT 3 "Commitment Transaction" and "Commitment Transaction Construction":
// the signer builds every commitment itself from the channel's parameters and
// state, for option_static_remotekey and option_anchors_zero_fee_htlc_tx.
import { sha256 } from "../crypto";
import { Tx, TxIn, TxOut } from "../bitcoin/tx";
import { p2wpkh, p2wshOf } from "../bitcoin/script";
import { hash160 } from "../crypto";
import { anchorScript, offeredHtlcScript, receivedHtlcScript, toLocalScript, toRemoteAnchorsScript } from "./scripts";
import { compareBytes } from "../codec/bytes";

export const ANCHOR_SAT: u64 = 330;

/** An HTLC seen from the broadcaster of the commitment: offered (it pays out) or received. */
export class Htlc {
  constructor(public offered: bool, public amountMsat: u64, public cltvExpiry: u32, public paymentHash: Uint8Array) {}
}

/** The keys of one commitment (already derived for its per-commitment point). */
export class CommitmentKeys {
  constructor(
    public revocation: Uint8Array, // revocationpubkey
    public broadcasterDelayed: Uint8Array, // local_delayedpubkey
    public countersignatory: Uint8Array, // remotepubkey (static: the peer's payment basepoint)
    public broadcasterHtlc: Uint8Array,
    public countersignatoryHtlc: Uint8Array,
    public broadcasterFunding: Uint8Array,
    public countersignatoryFunding: Uint8Array,
  ) {}
}

export class CommitmentParams {
  anchors: bool = false;
  fundingTxid: Uint8Array = new Uint8Array(32);
  fundingVout: u32 = 0;
  /** lower 48 bits of SHA256(opener payment_basepoint || accepter payment_basepoint) */
  obscuringFactor: u64 = 0;
  commitmentNumber: u64 = 0;
  toSelfDelay: u32 = 0; // the broadcaster's delay, chosen by the countersignatory
  dustLimitSat: u64 = 0; // the broadcaster's
  feeratePerKw: u64 = 0;
  toBroadcasterMsat: u64 = 0;
  toCountersignatoryMsat: u64 = 0;
  broadcasterIsFunder: bool = true;
  htlcs: Htlc[] = [];
}

/** Output kinds of a built commitment. */
export namespace OutKind {
  export const TO_LOCAL: u8 = 0;
  export const TO_REMOTE: u8 = 1;
  export const ANCHOR_LOCAL: u8 = 2;
  export const ANCHOR_REMOTE: u8 = 3;
  export const HTLC: u8 = 4;
}

export class BuiltOutput {
  constructor(public kind: u8, public value: u64, public script: Uint8Array, public witnessScript: Uint8Array, public htlc: i32, public cltv: u32) {}
}

export class Commitment {
  private id: Uint8Array | null = null;
  constructor(public tx: Tx, public outputs: BuiltOutput[], public fee: u64) {}
  /** txid, computed once (every HTLC tx spends it). */
  txid(): Uint8Array {
    if (this.id === null) this.id = this.tx.txid();
    return this.id!;
  }
  /** Output index of HTLC `i` of the params, or -1 if trimmed. */
  htlcOutput(i: i32): i32 {
    for (let k = 0; k < this.outputs.length; k++) if (this.outputs[k].kind == OutKind.HTLC && this.outputs[k].htlc == i) return k;
    return -1;
  }
}

/** Obscuring factor of the commitment number ("Commitment Transaction": locktime and sequence). */
export function obscuringFactor(openerPaymentBasepoint: Uint8Array, accepterPaymentBasepoint: Uint8Array): u64 {
  const b = new Uint8Array(66);
  b.set(openerPaymentBasepoint, 0);
  b.set(accepterPaymentBasepoint, 33);
  const h = sha256(b);
  let v: u64 = 0;
  for (let i = 26; i < 32; i++) v = (v << 8) | <u64>h[i];
  return v;
}

/** Weights of "Fees": 724 / 1124 (anchors) plus 172 per untrimmed HTLC; HTLC txs 663 (timeout) / 703 (success). */
export function commitmentFee(feeratePerKw: u64, anchors: bool, untrimmedHtlcs: i32): u64 {
  return feeratePerKw * ((anchors ? 1124 : 724) + 172 * <u64>untrimmedHtlcs) / 1000;
}

export function htlcTimeoutFee(feeratePerKw: u64, anchors: bool): u64 { return anchors ? 0 : feeratePerKw * 663 / 1000; }
export function htlcSuccessFee(feeratePerKw: u64, anchors: bool): u64 { return anchors ? 0 : feeratePerKw * 703 / 1000; }

/** "Trimmed Outputs": an HTLC below the dust limit plus the fee of its second-stage tx is not an output. */
export function isTrimmed(h: Htlc, feeratePerKw: u64, dustLimitSat: u64, anchors: bool): bool {
  const fee = h.offered ? htlcTimeoutFee(feeratePerKw, anchors) : htlcSuccessFee(feeratePerKw, anchors);
  return h.amountMsat / 1000 < dustLimitSat + fee;
}

/** "Transaction Output Ordering": BIP69 by value then scriptPubKey, identical HTLC outputs by cltv_expiry. */
function order(a: BuiltOutput, b: BuiltOutput): i32 {
  if (a.value != b.value) return a.value < b.value ? -1 : 1;
  const c = compareBytes(a.script, b.script);
  if (c != 0) return c;
  return a.cltv < b.cltv ? -1 : a.cltv > b.cltv ? 1 : 0;
}

/** Build the commitment ("Commitment Transaction Construction", steps 1-8). */
export function buildCommitment(p: CommitmentParams, k: CommitmentKeys): Commitment {
  const outs = new Array<BuiltOutput>();
  let untrimmed = 0;
  for (let i = 0; i < p.htlcs.length; i++) {
    const h = p.htlcs[i];
    if (isTrimmed(h, p.feeratePerKw, p.dustLimitSat, p.anchors)) continue;
    untrimmed++;
    const ws = h.offered
      ? offeredHtlcScript(k.revocation, k.broadcasterHtlc, k.countersignatoryHtlc, h.paymentHash, p.anchors)
      : receivedHtlcScript(k.revocation, k.broadcasterHtlc, k.countersignatoryHtlc, h.paymentHash, h.cltvExpiry, p.anchors);
    outs.push(new BuiltOutput(OutKind.HTLC, h.amountMsat / 1000, p2wshOf(ws), ws, i, h.cltvExpiry));
  }
  // The funder pays the fee (and, with anchors, both anchors) from its balance.
  const fee = commitmentFee(p.feeratePerKw, p.anchors, untrimmed);
  const funderCost = fee + (p.anchors ? 2 * ANCHOR_SAT : 0);
  let toLocal = p.toBroadcasterMsat / 1000, toRemote = p.toCountersignatoryMsat / 1000;
  if (p.broadcasterIsFunder) toLocal = toLocal > funderCost ? toLocal - funderCost : 0;
  else toRemote = toRemote > funderCost ? toRemote - funderCost : 0;
  const hasLocal = toLocal >= p.dustLimitSat, hasRemote = toRemote >= p.dustLimitSat;
  if (hasLocal) {
    const ws = toLocalScript(k.revocation, k.broadcasterDelayed, p.toSelfDelay);
    outs.push(new BuiltOutput(OutKind.TO_LOCAL, toLocal, p2wshOf(ws), ws, -1, 0));
  }
  if (hasRemote) {
    if (p.anchors) {
      const ws = toRemoteAnchorsScript(k.countersignatory);
      outs.push(new BuiltOutput(OutKind.TO_REMOTE, toRemote, p2wshOf(ws), ws, -1, 0));
    } else outs.push(new BuiltOutput(OutKind.TO_REMOTE, toRemote, p2wpkh(hash160(k.countersignatory)), new Uint8Array(0), -1, 0));
  }
  if (p.anchors) {
    // An anchor for each side that has an output, or for both while HTLCs are untrimmed.
    if (hasLocal || untrimmed > 0) { const ws = anchorScript(k.broadcasterFunding); outs.push(new BuiltOutput(OutKind.ANCHOR_LOCAL, ANCHOR_SAT, p2wshOf(ws), ws, -1, 0)); }
    if (hasRemote || untrimmed > 0) { const ws = anchorScript(k.countersignatoryFunding); outs.push(new BuiltOutput(OutKind.ANCHOR_REMOTE, ANCHOR_SAT, p2wshOf(ws), ws, -1, 0)); }
  }
  outs.sort(order);
  const obscured = (p.commitmentNumber ^ p.obscuringFactor) & 0xffffffffffff;
  const tx = new Tx(2, 0x20000000 | <u32>(obscured & 0xffffff));
  tx.inputs.push(new TxIn(p.fundingTxid, p.fundingVout, new Uint8Array(0), 0x80000000 | <u32>(obscured >> 24)));
  for (let i = 0; i < outs.length; i++) tx.outputs.push(new TxOut(outs[i].value, outs[i].script));
  return new Commitment(tx, outs, fee);
}
