// The counterparty side of a channel's commitment state machine: signing the
// peer's commitments (commitment_signed we send) and taking its revocations.
// The core builds every commitment itself (bolt3/commitment.ts) from the
// channel setup, the state the node describes and keys it derives, checks the
// state against the rules, and signs only what it built.
//
//   0x0400 sign_counterparty_commitment
//     id[32] | u64 commitment_number | per_commitment_point[33] | u32 feerate_per_kw |
//     u64 to_holder_msat | u64 to_counterparty_msat | u16 n | n × (u8 offered_by_us | u64 amount_msat |
//     u32 cltv_expiry | payment_hash[32]) | u64 host_time
//     → varbytes commitment_sig (DER+ALL) | u16 m | m × varbytes htlc_sig (output order)
//   0x0401 validate_counterparty_revocation
//     id[32] | u64 commitment_number | per_commitment_secret[32]
//   0x0410 / 0x0413: 0x0400 / 0x0403 with the state described by the commitment's
//     outputs, as LDK's CommitmentTransaction gives it: to_holder_sat and
//     to_counterparty_sat are the to_local / to_remote output values (after the
//     fee and anchors, 0 when trimmed) and the HTLCs are the untrimmed ones. The
//     core restores the msat state (fromOutputs) and keeps the rest, trimmed
//     HTLCs and msat rounding, as the state's dust (bounded: dustUntrackedMaxMsat).
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { Code, CoreError, malformed, invalidArgument, invalidState } from "../protocol/errors";
import { pubkeyCreate, pubkeyParse, sha256 } from "../crypto";
import { Rule } from "../policy/rules";
import { ANCHOR_SAT, Commitment, CommitmentKeys, CommitmentParams, Htlc, OutKind, buildCommitment, commitmentFee, obscuringFactor } from "../bolt3/commitment";
import { buildHtlcTx } from "../bolt3/htlc";
import { fundingScript, toLocalScript } from "../bolt3/scripts";
import { legacyClosing } from "../bolt3/closing";
import { Tx, TxIn, TxOut, parseTx } from "../bitcoin/tx";
import { CommitmentView, HtlcTxView, NodeTx, checkDescribedUntrimmed, checkNodeCommitment, checkNodeHtlcTx } from "../policy/commitment_tx";
import { SigHash } from "../bitcoin/sighash";
import { derivePrivkey, derivePubkey, perCommitmentSecret, revocationPubkey, MAX_INDEX } from "../bolt3/keys";
import { signCounterpartyCommitment, signInput, verifyInput } from "../bolt3/sign";
import { Channel, ChannelSetup, ChannelType, MAX_SCRIPT, MAX_SETTLED } from "./channel";
import { CounterpartyState, HolderState, StateHtlc } from "./counterparty_state";
import { findChannel, idKey } from "./channels";
import { paymentAllowed, recordPayment, unrecordPayment, velocityClock } from "./payments";
import { FlowState, Incoming, checkDeltas, checkForward, checkHolderOffered, htlcsMinus, outflow } from "../policy/htlc_flow";
import { Send, checkMerchant, inWindow, valueIn } from "../policy/payments";
import { bytesEqual, compareBytes } from "../codec/bytes";
import { findWatch, unspentAtTip } from "../chain/proofs";
import { checkNodeView } from "../chain/follower";
import { SIGNER } from "./state";
import { isOwnScript } from "./node_sign";
import { handleForceClose } from "./force_close";

export namespace CommitmentMethod {
  export const SIGN_COUNTERPARTY_COMMITMENT: u16 = 0x0400;
  export const VALIDATE_COUNTERPARTY_REVOCATION: u16 = 0x0401;
  /** id[32] | u64 commitment_number → per_commitment_point[33] */
  export const GET_PER_COMMITMENT_POINT: u16 = 0x0402;
  /** id[32] | preimage[32]: the preimage of an HTLC we offered on this channel (update_fulfill_htlc received) */
  export const HTLC_PREIMAGE: u16 = 0x0408;
  /**
   * id[32] | u64 commitment_number | u32 feerate_per_kw | u64 to_holder_msat | u64 to_counterparty_msat |
   * u16 n | n × htlc | varbytes counterparty_sig | u16 m | m × varbytes htlc_sig (output order)
   */
  export const VALIDATE_HOLDER_COMMITMENT: u16 = 0x0403;
  /** id[32] | u64 commitment_number → per_commitment_secret[32] (revoke_and_ack) */
  export const REVOKE_HOLDER_COMMITMENT: u16 = 0x0404;
  /** id[32] | u64 commitment_number → varbytes our signature on our commitment (force close) */
  export const SIGN_HOLDER_COMMITMENT: u16 = 0x0405;
  /**
   * Legacy mutual close (closing_signed): id[32] | u64 to_holder_sat | u64 to_counterparty_sat | u64 fee_sat |
   * varbytes holder_script | varbytes counterparty_script → varbytes signature (DER+ALL)
   */
  export const SIGN_MUTUAL_CLOSE: u16 = 0x0406;
  /**
   * Sweep our delayed to_local output of our commitment `number` after to_self_delay: the node's
   * unsigned tx, checked and signed. id[32] | u64 commitment_number | varbytes tx → varbytes signed tx
   */
  export const SIGN_DELAYED_SWEEP: u16 = 0x0407;
  /** 0x0400 with the state described by the commitment's outputs (sat, untrimmed HTLCs) */
  export const SIGN_COUNTERPARTY_COMMITMENT_TX: u16 = 0x0410;
  /** 0x0403 with the state described by the commitment's outputs (sat, untrimmed HTLCs) */
  export const VALIDATE_HOLDER_COMMITMENT_TX: u16 = 0x0413;
}

const MAX_HTLCS: i32 = 2 * 483;
export const MAX_NODE_TX: i32 = 400_000;

/** A transaction the node built: varbytes tx | u16 n | n × varbytes witness_script (per output, empty if not P2WSH). */
function readNodeTx(r: Reader): NodeTx | null {
  const raw = r.varbytes(MAX_NODE_TX);
  const n = <i32>r.u16();
  const scripts = new Array<Uint8Array>();
  for (let i = 0; i < n && r.ok(); i++) scripts.push(r.varbytes(MAX_SCRIPT));
  if (!r.ok()) return null;
  const tx = parseTx(raw);
  if (tx === null) { r.fail("the node's transaction does not parse"); return null; }
  return new NodeTx(tx!, tx!.serialize(false), scripts);
}

/** The node's own commitment tx and its HTLC txs (in output order). */
class NodeTxs {
  constructor(public commitment: NodeTx, public htlcs: NodeTx[]) {}
}

/** Optional trailer of the commitment requests: node tx | u16 m | m × node HTLC tx. */
function readNodeTxs(r: Reader): NodeTxs | null {
  if (!r.ok() || r.remaining() == 0) return null;
  const c = readNodeTx(r);
  const m = <i32>r.u16();
  if (r.ok() && m > MAX_HTLCS) r.fail("at most 966 HTLC txs");
  const hs = new Array<NodeTx>();
  for (let i = 0; i < m && r.ok(); i++) { const h = readNodeTx(r); if (h !== null) hs.push(h!); }
  return c === null || !r.ok() ? null : new NodeTxs(c!, hs);
}

/** The node's transactions against the ones the core built for the same state (policy/commitment_tx.ts). */
function checkNodeTxs(c: Channel, holder: bool, params: CommitmentParams, built: Commitment, keys: CommitmentKeys, point: Uint8Array, t: NodeTxs): CoreError | null {
  const p = SIGNER.policy;
  const countersignatoryBase = holder ? c.setup!.counterparty!.payment : c.secrets.paymentBasepoint;
  const nonStatic = derivePubkey(countersignatoryBase, point);
  if (nonStatic === null) return invalidArgument("per_commitment_point");
  let e = checkNodeCommitment(p, new CommitmentView(holder, params, built, keys, nonStatic!), t.commitment);
  if (e !== null) return e;
  const chain = SIGNER.chain;
  const maxLocktime: u32 = chain !== null ? chain!.tip().height + p.cfg.cltvWindow : 499_999_999;
  const ws = toLocalScript(keys.revocation, keys.broadcasterDelayed, params.toSelfDelay);
  let k = 0;
  for (let o = 0; o < built.outputs.length; o++) {
    const out = built.outputs[o];
    if (out.kind != OutKind.HTLC) continue;
    if (k >= t.htlcs.length) return invalidArgument("one node HTLC tx per HTLC output");
    const h = params.htlcs[out.htlc];
    const tx = buildHtlcTx(built, o, h, params.feeratePerKw, params.anchors, keys.revocation, keys.broadcasterDelayed, params.toSelfDelay);
    e = checkNodeHtlcTx(p, new HtlcTxView(tx, ws, h.offered, out.value, maxLocktime), t.htlcs[k]);
    if (e !== null) return e;
    k++;
  }
  if (k != t.htlcs.length) return invalidArgument("one node HTLC tx per HTLC output");
  return null;
}


/**
 * The rules every commitment state passes, whichever side broadcasts it:
 * value conservation, fee range, HTLC count and in-flight limits, and the
 * first commitment's shape.
 */
function checkState(setup: ChannelSetup, number: u64, feerate: u32, toHolder: u64, toCounterparty: u64, htlcs: StateHtlc[], dust: u64): CoreError | null {
  const p = SIGNER.policy;
  let e: CoreError | null = null;
  // Value: every msat of the channel is in a balance, an HTLC or (a state described by its outputs) the dust.
  let total: u64 = toHolder + toCounterparty + dust, inflight: u64 = 0;
  let ours = 0, theirs = 0;
  for (let i = 0; i < htlcs.length; i++) {
    total += htlcs[i].amountMsat;
    inflight += htlcs[i].amountMsat;
    if (htlcs[i].ours) ours++; else theirs++;
  }
  if (total != setup.channelValueSat * 1000) return invalidArgument("balances and HTLCs do not add up to the channel value");
  const cfg = p.cfg;
  e = p.check(Rule.COMMITMENT_HTLC_INFLIGHT_LIMIT, dust <= cfg.dustUntrackedMaxMsat,
    dust.toString() + " msat in no output (trimmed HTLCs and outputs), limit " + cfg.dustUntrackedMaxMsat.toString());
  if (e !== null) return e;
  e = checkFeerate(feerate);
  if (e !== null) return e;
  e = p.check(Rule.COMMITMENT_HTLC_COUNT_LIMIT, <u32>ours <= cfg.htlcCountMax && <u32>theirs <= cfg.htlcCountMax,
    "HTLCs " + ours.toString() + " offered / " + theirs.toString() + " received, limit " + cfg.htlcCountMax.toString());
  if (e !== null) return e;
  e = p.check(Rule.COMMITMENT_HTLC_INFLIGHT_LIMIT, inflight <= cfg.htlcInflightMaxMsat, "in flight " + inflight.toString() + " msat over " + cfg.htlcInflightMaxMsat.toString());
  if (e !== null) return e;
  if (number == 0) {
    e = p.check(Rule.COMMITMENT_FIRST_NO_HTLCS, htlcs.length == 0, "the first commitment has HTLCs");
    if (e !== null) return e;
    const funder = setup.channelValueSat * 1000 - setup.pushMsat;
    let wantHolder = setup.isOutbound ? funder : setup.pushMsat, wantCounterparty = setup.isOutbound ? setup.pushMsat : funder;
    // Described by its outputs, each balance is rounded down to the sat and the rest is dust.
    if (dust > 0) { wantHolder -= wantHolder % 1000; wantCounterparty -= wantCounterparty % 1000; }
    const ok = toHolder == wantHolder && toCounterparty == wantCounterparty;
    e = p.check(Rule.COMMITMENT_INITIAL_FUNDING_VALUE, ok, "the first commitment does not pay the funder its funding");
    if (e !== null) return e;
  }
  // Layer 1, when the signer follows a chain: the funding output is confirmed and
  // proven unspent through the tip, and HTLC expiries are near the tip.
  const chain = SIGNER.chain;
  if (chain !== null) {
    e = checkNodeView(chain!);
    if (e !== null) return e;
    const wt = findWatch(chain!, setup.fundingTxid, setup.fundingVout);
    e = p.check(Rule.COMMITMENT_SPENDS_ACTIVE_UTXO, wt !== null && unspentAtTip(chain!, wt!, cfg.minFundingDepth),
      "the funding output is not proven confirmed (" + cfg.minFundingDepth.toString() + " deep) and unspent at the signer's tip");
    if (e !== null) return e;
    const tip = chain!.tip().height;
    for (let i = 0; i < htlcs.length; i++) {
      const x = htlcs[i].cltvExpiry;
      e = p.check(Rule.COMMITMENT_HTLC_CLTV_RANGE, x > tip && x <= tip + cfg.cltvWindow,
        "HTLC expiry " + x.toString() + " outside (" + tip.toString() + ", " + (tip + cfg.cltvWindow).toString() + "]");
      if (e !== null) return e;
    }
  }
  return null;
}

/** policy-commitment-fee-range: the commitment's feerate within the configured bounds. */
function checkFeerate(feerate: u32): CoreError | null {
  const cfg = SIGNER.policy.cfg;
  return SIGNER.policy.check(Rule.COMMITMENT_FEE_RANGE, feerate >= cfg.commitmentFeerateMin && feerate <= cfg.commitmentFeerateMax,
    "feerate " + feerate.toString() + " outside [" + cfg.commitmentFeerateMin.toString() + ", " + cfg.commitmentFeerateMax.toString() + "]");
}

/**
 * A state in canonical form: its fields with the HTLCs sorted, so a retransmission that lists
 * the same HTLCs in another order is the same content (policy-commitment-retry-same).
 */
function canonicalState(number: u64, point: Uint8Array, feerate: u32, toHolder: u64, toCounterparty: u64, htlcs: StateHtlc[], dust: u64): Uint8Array {
  const sorted = htlcs.slice(0);
  sorted.sort(compareHtlcs);
  const w = new Writer(72 + 45 * sorted.length);
  w.u64(number).bytes(point).u32(feerate).u64(toHolder).u64(toCounterparty).u16(<u16>sorted.length);
  for (let i = 0; i < sorted.length; i++) sorted[i].write(w);
  return w.u64(dust).finish();
}

/**
 * The msat state of a commitment described by its outputs (0x0410 / 0x0413,
 * LDK's CommitmentTransaction): BOLT 3 "Fees" and "Trimmed Outputs" undone.
 * The funder's balance is its output plus the fee of the untrimmed HTLCs and
 * the anchors; what no balance or HTLC holds is dust. The HTLCs must be
 * untrimmed and each output at least the broadcaster's dust limit
 * (policy-commitment-outputs-trimmed), and the outputs cannot hold more than
 * the channel. `f` is updated in place (toHolder/toCounterparty in msat, dust).
 */
function fromOutputs(c: Channel, holder: bool, f: StateFields): CoreError | null {
  const setup = c.setup!;
  const anchors = setup.channelType == ChannelType.ANCHORS_ZERO_FEE_HTLC;
  const dustLimit = holder ? setup.holderDustLimitSat : setup.counterpartyDustLimitSat;
  // The feerate decides which HTLCs are trimmed: its range first.
  const e1 = checkFeerate(f.feerate);
  if (e1 !== null) return e1;
  let htlcSum: u64 = 0;
  const seen = new Array<Htlc>();
  for (let i = 0; i < f.htlcs.length; i++) {
    const h = f.htlcs[i];
    htlcSum += h.amountMsat;
    seen.push(new Htlc(h.ours == holder, h.amountMsat, h.cltvExpiry, h.paymentHash));
  }
  const e = holder ? checkDescribedUntrimmed(SIGNER.policy, seen, f.toHolder, f.toCounterparty, <u64>f.feerate, dustLimit, anchors)
    : checkDescribedUntrimmed(SIGNER.policy, seen, f.toCounterparty, f.toHolder, <u64>f.feerate, dustLimit, anchors);
  if (e !== null) return e;
  const funderCost = commitmentFee(<u64>f.feerate, anchors, f.htlcs.length) + (anchors ? 2 * ANCHOR_SAT : 0);
  const value = setup.channelValueSat;
  if (f.toHolder > value || f.toCounterparty > value || f.toHolder + f.toCounterparty + funderCost > value) return invalidArgument("the outputs hold more than the channel");
  let toHolder = f.toHolder * 1000, toCounterparty = f.toCounterparty * 1000;
  if (setup.isOutbound) toHolder += funderCost * 1000; else toCounterparty += funderCost * 1000;
  if (toHolder + toCounterparty + htlcSum > value * 1000) return invalidArgument("balances and HTLCs exceed the channel value");
  f.dust = value * 1000 - toHolder - toCounterparty - htlcSum;
  f.toHolder = toHolder;
  f.toCounterparty = toCounterparty;
  return null;
}

function compareHtlcs(a: StateHtlc, b: StateHtlc): i32 {
  if (a.ours != b.ours) return a.ours ? -1 : 1;
  if (a.amountMsat != b.amountMsat) return a.amountMsat < b.amountMsat ? -1 : 1;
  if (a.cltvExpiry != b.cltvExpiry) return a.cltvExpiry < b.cltvExpiry ? -1 : 1;
  return compareBytes(a.paymentHash, b.paymentHash);
}

function signCounterparty(r: Reader, w: Writer, described: bool): CoreError | null {
  const id = r.bytes(32), number = r.u64(), point = r.bytes(33), feerate = r.u32();
  let toHolder = r.u64(), toCounterparty = r.u64();
  const n = <i32>r.u16();
  if (r.ok() && n > MAX_HTLCS) r.fail("at most 966 HTLCs");
  const htlcs = new Array<StateHtlc>();
  for (let i = 0; i < n && r.ok(); i++) htlcs.push(StateHtlc.read(r));
  const hostTime = r.u64();
  const nodeTxs = readNodeTxs(r);
  if (!r.finish()) return malformed(r.err!);
  const c = findChannel(id);
  if (c === null) return invalidArgument("unknown channel");
  if (!c!.isReady()) return invalidState("ready_channel first");
  if (pubkeyParse(point) === null) return invalidArgument("per_commitment_point");
  const st = c!.counterparty;
  const setup = c!.setup!;
  const p = SIGNER.policy;
  let dust: u64 = 0;
  if (described) {
    const f = new StateFields(number, feerate, toHolder, toCounterparty, htlcs);
    const e0 = fromOutputs(c!, false, f);
    if (e0 !== null) return e0;
    toHolder = f.toHolder; toCounterparty = f.toCounterparty; dust = f.dust;
  }
  const digest = sha256(canonicalState(number, point, feerate, toHolder, toCounterparty, htlcs, dust));
  // Order: the next number, or a retry of the last one with the same content.
  const retry = st.next > 0 && number == st.next - 1;
  if (!retry && number != st.next) return invalidState("commitment " + number.toString() + " out of order (next is " + st.next.toString() + ")");
  if (retry) {
    let same = true;
    for (let i = 0; i < 32; i++) if (digest[i] != st.lastDigest[i]) same = false;
    const e = p.check(Rule.COMMITMENT_RETRY_SAME, same, "a retry of commitment " + number.toString() + " with different content");
    if (e !== null) return e;
  }
  // At most two unrevoked commitments of the peer: n needs n-2 revoked (hard).
  let e = p.check(Rule.COMMITMENT_PREVIOUS_REVOKED, number < st.revokedCount + 2,
    "commitment " + number.toString() + " while " + (number >= 2 ? (number - 2).toString() : "0") + " is not revoked");
  if (e !== null) return e;
  e = checkState(setup, number, feerate, toHolder, toCounterparty, htlcs, dust);
  if (e !== null) return e;
  // Value flow since the last commitment we signed for the peer, and each HTLC of ours that goes out now.
  let out: u64 = 0;
  const payments = new Array<StateHtlc>();
  let failedBack = new Array<StateHtlc>();
  if (!retry) {
    if (st.next > 0) {
      const prev = new FlowState(c!.lastToHolderMsat, st.lastHtlcs, c!.lastDustMsat), next = new FlowState(toHolder, htlcs, dust);
      e = checkDeltas(p, prev, next, c!.settled);
      if (e !== null) return e;
      out = outflow(prev, next);
      e = checkTransferred(out, hostTime);
      if (e !== null) return e;
    }
    // New HTLCs of ours: those not in the last state we signed (as multisets: a copy is new).
    const added = htlcsMinus(htlcs, st.lastHtlcs);
    for (let i = 0; i < added.length; i++) {
      if (!added[i].ours) continue;
      e = checkOffered(c!, added[i], payments);
      if (e !== null) return e;
    }
    // The payment rules per payment hash, every new part at once (a duplicate cannot pay twice).
    for (let i = 0; i < payments.length; i++) {
      e = paymentAllowed(payments[i].paymentHash, payments[i].amountMsat, hostTime);
      if (e !== null) return e;
    }
    // An HTLC of ours that failed back pays nothing: the invoice may be paid again (a retry).
    if (st.next > 0) failedBack = failedPayments(htlcsMinus(st.lastHtlcs, htlcs), c!.settled);
  }
  // Build the peer's commitment ourselves and sign it.
  const sec = c!.secrets, cp = setup.counterparty!;
  const params = commitmentParams(c!, false, number, feerate, toHolder, toCounterparty, htlcs);
  const rev = revocationPubkey(sec.revocationBasepoint, point), delayed = derivePubkey(cp.delayedPayment, point);
  const theirHtlc = derivePubkey(cp.htlc, point), ourHtlc = derivePubkey(sec.htlcBasepoint, point);
  const ourHtlcSecret = derivePrivkey(sec.htlcBase, point);
  if (rev === null || delayed === null || theirHtlc === null || ourHtlc === null || ourHtlcSecret === null) return invalidArgument("per_commitment_point");
  const keys = new CommitmentKeys(rev!, delayed!, sec.paymentBasepoint, theirHtlc!, ourHtlc!, cp.funding, sec.fundingPub);
  const built = buildCommitment(params, keys);
  if (nodeTxs !== null) {
    e = checkNodeTxs(c!, false, params, built, keys, point, nodeTxs!);
    if (e !== null) return e;
  }
  const sigs = signCounterpartyCommitment(params, built, keys, setup.channelValueSat, sec.funding, ourHtlcSecret!);
  if (sigs === null) return new CoreError(Code.INTERNAL, "signing failed");
  // Record before the signatures leave (write-ahead).
  if (!retry) {
    for (let i = 0; i < failedBack.length; i++) unrecordPayment(failedBack[i].paymentHash, failedBack[i].amountMsat);
    for (let i = 0; i < payments.length; i++) recordPayment(payments[i].paymentHash, payments[i].amountMsat, hostTime);
    if (out > 0) {
      const book = SIGNER.payments, clock = velocityClock(hostTime);
      book.transferred = inWindow(book.transferred, clock, <u64>SIGNER.policy.cfg.velocityWindowSecs); // bounded memory
      book.transferred.push(new Send(clock, out));
      SIGNER.touch("payments");
    }
    c!.lastToHolderMsat = toHolder;
    c!.lastDustMsat = dust;
    st.next = number + 1;
    st.prevPoint = st.lastPoint;
    st.lastPoint = point;
    st.lastDigest = digest;
    st.lastHtlcs = htlcs;
    pruneSettled(c!);
    SIGNER.touch("c/" + idKey(id));
  }
  w.varbytes(sigs![0]).u16(<u16>(sigs!.length - 1));
  for (let i = 1; i < sigs!.length; i++) w.varbytes(sigs![i]);
  return null;
}


/** policy-velocity-transferred: value settled out of our channels per window, when a limit is set. */
function checkTransferred(out: u64, hostTime: u64): CoreError | null {
  const cfg = SIGNER.policy.cfg;
  if (cfg.velocityTransferMaxMsat == 0 || out == 0) return null;
  const sent = valueIn(SIGNER.payments.transferred, velocityClock(hostTime), <u64>cfg.velocityWindowSecs);
  return SIGNER.policy.check(Rule.VELOCITY_TRANSFERRED, sent + out <= cfg.velocityTransferMaxMsat,
    "would settle " + (sent + out).toString() + " msat out in the window, limit " + cfg.velocityTransferMaxMsat.toString());
}

/**
 * A new HTLC we offer: a forward of a received HTLC on another channel (the
 * routing rules), or a payment of ours (the payment rules; `payments` collects
 * it to be recorded once the commitment is signed).
 */
function checkOffered(c: Channel, h: StateHtlc, payments: StateHtlc[]): CoreError | null {
  const p = SIGNER.policy;
  let e = checkMerchant(p, h.amountMsat, "an HTLC we offer");
  if (e !== null) return e;
  const inc = findIncoming(c, h.paymentHash);
  if (inc !== null) return checkForward(p, h, inc!);
  if (p.cfg.routing && SIGNER.payments.invoice(h.paymentHash) === null) {
    e = p.check(Rule.COMMITMENT_HTLC_OFFERED_HASH_MATCHES, false, "an offered HTLC that neither forwards a received one nor pays a shown invoice");
    if (e !== null) return e;
  }
  // A payment: its parts with the same hash are summed (payments holds one entry per hash).
  for (let i = 0; i < payments.length; i++) {
    if (!bytesEqual(payments[i].paymentHash, h.paymentHash)) continue;
    payments[i] = new StateHtlc(true, payments[i].amountMsat + h.amountMsat, h.cltvExpiry, h.paymentHash);
    return null;
  }
  payments.push(h);
  return null;
}

/** Our HTLCs gone without a preimage shown: failed back to us (their payment did not happen). */
function failedPayments(removed: StateHtlc[], settled: Uint8Array[]): StateHtlc[] {
  const out = new Array<StateHtlc>();
  for (let i = 0; i < removed.length; i++) {
    if (!removed[i].ours) continue;
    let shown = false;
    for (let k = 0; k < settled.length && !shown; k++) shown = bytesEqual(settled[k], removed[i].paymentHash);
    if (!shown) out.push(removed[i]);
  }
  return out;
}

/** A received HTLC with `hash` on another ready channel (our latest view of either commitment), or null. */
function findIncoming(c: Channel, hash: Uint8Array): Incoming | null {
  const chans = SIGNER.channels.values();
  for (let i = 0; i < chans.length; i++) {
    const o = chans[i];
    if (o === c || !o.isReady()) continue;
    let found: StateHtlc | null = receivedWith(o.counterparty.lastHtlcs, hash);
    if (found === null && o.holder.validated > 0) found = receivedWith(storedFields(o.holder.last).htlcs, hash);
    if (found === null) continue;
    const chain = SIGNER.chain, setup = o.setup!;
    let active = true;
    if (chain !== null) {
      const wt = findWatch(chain!, setup.fundingTxid, setup.fundingVout);
      active = wt !== null && unspentAtTip(chain!, wt!, SIGNER.policy.cfg.minFundingDepth);
    }
    return new Incoming(found!.amountMsat, found!.cltvExpiry, active);
  }
  return null;
}

function receivedWith(list: StateHtlc[], hash: Uint8Array): StateHtlc | null {
  for (let i = 0; i < list.length; i++) if (!list[i].ours && bytesEqual(list[i].paymentHash, hash)) return list[i];
  return null;
}

function offeredWith(list: StateHtlc[], hash: Uint8Array): bool {
  for (let i = 0; i < list.length; i++) if (list[i].ours && bytesEqual(list[i].paymentHash, hash)) return true;
  return false;
}

/** Our HTLCs in the latest state of either commitment. */
function holderHtlcs(c: Channel): StateHtlc[] {
  return c.holder.validated > 0 ? storedFields(c.holder.last).htlcs : new Array<StateHtlc>();
}

/** A settled hash is kept until its HTLC is gone from both commitments. */
function pruneSettled(c: Channel): void {
  const mine = holderHtlcs(c);
  const keep = new Array<Uint8Array>();
  for (let i = 0; i < c.settled.length; i++) {
    if (offeredWith(c.counterparty.lastHtlcs, c.settled[i]) || offeredWith(mine, c.settled[i])) keep.push(c.settled[i]);
  }
  c.settled = keep;
}

/** htlc_preimage: the node shows the preimage of an HTLC we offered (the peer fulfilled it). */
function htlcPreimage(r: Reader, w: Writer): CoreError | null {
  const id = r.bytes(32), preimage = r.bytes(32);
  if (!r.finish()) return malformed(r.err!);
  const why = new Array<CoreError>();
  const c = readyChannel(id, why);
  if (c === null) return why[0];
  const hash = sha256(preimage);
  if (!offeredWith(c!.counterparty.lastHtlcs, hash) && !offeredWith(holderHtlcs(c!), hash)) return invalidArgument("no HTLC of ours with this payment hash");
  for (let i = 0; i < c!.settled.length; i++) if (bytesEqual(c!.settled[i], hash)) return null;
  if (c!.settled.length >= MAX_SETTLED) return invalidState("settled hashes full");
  c!.settled.push(hash);
  SIGNER.touch("c/" + idKey(id));
  return null;
}

/** The peer revokes commitment `number`: its secret must be the next one and consistent (BOLT 3 shachain). */
function validateRevocation(r: Reader, w: Writer): CoreError | null {
  const id = r.bytes(32), number = r.u64(), secret = r.bytes(32);
  if (!r.finish()) return malformed(r.err!);
  const c = findChannel(id);
  if (c === null) return invalidArgument("unknown channel");
  if (!c!.isReady()) return invalidState("ready_channel first");
  const st = c!.counterparty;
  if (number != st.revokedCount) return invalidState("revocation of " + number.toString() + " out of order (next is " + st.revokedCount.toString() + ")");
  if (number + 1 >= st.next) return invalidState("revocation of a commitment not yet superseded");
  const pt = pubkeyCreate(secret);
  const want = number + 2 == st.next ? st.prevPoint : st.lastPoint;
  let matches = pt !== null;
  for (let i = 0; i < 33 && matches; i++) matches = pt![i] == want[i];
  // insert() leaves the storage unchanged when the secret does not derive the stored ones.
  const ok = matches && st.secrets.insert(MAX_INDEX - number, secret);
  const e = SIGNER.policy.check(Rule.COMMITMENT_PREVIOUS_REVOKED, ok, "the revealed secret is not consistent with the earlier ones");
  if (e !== null) return e;
  if (!ok) return invalidArgument("secret");
  st.revokedCount = number + 1;
  SIGNER.touch("c/" + idKey(id));
  return null;
}

/**
 * BOLT 3 parameters of commitment `number` of channel `c`, broadcast by us
 * (`holder`) or by the peer: the broadcaster's delay is the one the other side
 * chose, its dust limit its own, HTLC direction from the broadcaster's view.
 */
export function commitmentParams(c: Channel, holder: bool, number: u64, feerate: u32, toHolder: u64, toCounterparty: u64, htlcs: StateHtlc[]): CommitmentParams {
  const setup = c.setup!, sec = c.secrets, cp = setup.counterparty!;
  const params = new CommitmentParams();
  params.anchors = setup.channelType == ChannelType.ANCHORS_ZERO_FEE_HTLC;
  params.fundingTxid = setup.fundingTxid;
  params.fundingVout = setup.fundingVout;
  params.obscuringFactor = setup.isOutbound ? obscuringFactor(sec.paymentBasepoint, cp.payment) : obscuringFactor(cp.payment, sec.paymentBasepoint);
  params.commitmentNumber = number;
  params.toSelfDelay = holder ? setup.counterpartySelectedContestDelay : setup.holderSelectedContestDelay;
  params.dustLimitSat = holder ? setup.holderDustLimitSat : setup.counterpartyDustLimitSat;
  params.feeratePerKw = <u64>feerate;
  params.toBroadcasterMsat = holder ? toHolder : toCounterparty;
  params.toCountersignatoryMsat = holder ? toCounterparty : toHolder;
  params.broadcasterIsFunder = holder == setup.isOutbound;
  for (let i = 0; i < htlcs.length; i++) params.htlcs.push(new Htlc(htlcs[i].ours == holder, htlcs[i].amountMsat, htlcs[i].cltvExpiry, htlcs[i].paymentHash));
  return params;
}

/** Our commitment `number` for a state (we broadcast), with its keys. */
export class HolderBuild {
  constructor(public params: CommitmentParams, public built: Commitment, public keys: CommitmentKeys, public point: Uint8Array) {}
}

export function buildHolder(c: Channel, number: u64, feerate: u32, toHolder: u64, toCounterparty: u64, htlcs: StateHtlc[]): HolderBuild | null {
  const setup = c.setup!, sec = c.secrets, cp = setup.counterparty!;
  const point = pubkeyCreate(perCommitmentSecret(sec.commitmentSeed, MAX_INDEX - number));
  if (point === null) return null;
  const params = commitmentParams(c, true, number, feerate, toHolder, toCounterparty, htlcs);
  const rev = revocationPubkey(cp.revocation, point!), delayed = derivePubkey(sec.delayedPaymentBasepoint, point!);
  const ourHtlc = derivePubkey(sec.htlcBasepoint, point!), theirHtlc = derivePubkey(cp.htlc, point!);
  if (rev === null || delayed === null || ourHtlc === null || theirHtlc === null) return null;
  const keys = new CommitmentKeys(rev!, delayed!, cp.payment, ourHtlc!, theirHtlc!, sec.fundingPub, cp.funding);
  return new HolderBuild(params, buildCommitment(params, keys), keys, point!);
}

export class StateFields {
  constructor(public number: u64, public feerate: u32, public toHolder: u64, public toCounterparty: u64, public htlcs: StateHtlc[], public dust: u64 = 0) {}
}

/** A state as stored (canonicalState without the point): the fields, then the dust. */
export function storedFields(b: Uint8Array): StateFields {
  const r = new Reader(b);
  const f = readFields(r);
  if (r.ok() && r.remaining() >= 8) f.dust = r.u64();
  return f;
}

export function readFields(r: Reader): StateFields {
  const number = r.u64(), feerate = r.u32(), toHolder = r.u64(), toCounterparty = r.u64();
  const n = <i32>r.u16();
  if (r.ok() && n > MAX_HTLCS) r.fail("at most 966 HTLCs");
  const htlcs = new Array<StateHtlc>();
  for (let i = 0; i < n && r.ok(); i++) htlcs.push(StateHtlc.read(r));
  return new StateFields(number, feerate, toHolder, toCounterparty, htlcs);
}

/** The ready channel `id`, or null with the error in `why[0]`. */
export function readyChannel(id: Uint8Array, why: CoreError[]): Channel | null {
  const c = findChannel(id);
  if (c === null) { why.push(invalidArgument("unknown channel")); return null; }
  if (!c!.isReady()) { why.push(invalidState("ready_channel first")); return null; }
  return c;
}

function getPoint(r: Reader, w: Writer): CoreError | null {
  const id = r.bytes(32), number = r.u64();
  if (!r.finish()) return malformed(r.err!);
  const c = findChannel(id);
  if (c === null) return invalidArgument("unknown channel");
  if (number > MAX_INDEX) return invalidArgument("commitment number");
  w.bytes(pubkeyCreate(perCommitmentSecret(c!.secrets.commitmentSeed, MAX_INDEX - number))!);
  return null;
}

/** The peer's commitment_signed on our next commitment: verify before we may revoke the previous one. */
function validateHolder(r: Reader, w: Writer, described: bool): CoreError | null {
  const id = r.bytes(32);
  const f = readFields(r);
  const sig = r.varbytes(73);
  const m = <i32>r.u16();
  const htlcSigs = new Array<Uint8Array>();
  for (let i = 0; i < m && r.ok(); i++) htlcSigs.push(r.varbytes(73));
  const nodeTxs = readNodeTxs(r);
  if (!r.finish()) return malformed(r.err!);
  const why = new Array<CoreError>();
  const found = readyChannel(id, why);
  if (found === null) return why[0];
  const c = found!;
  const st = c.holder;
  if (described) {
    const e0 = fromOutputs(c, true, f);
    if (e0 !== null) return e0;
  }
  const content = canonicalState(f.number, new Uint8Array(0), f.feerate, f.toHolder, f.toCounterparty, f.htlcs, f.dust);
  const retry = st.validated > 0 && f.number == st.validated - 1;
  if (!retry && f.number != st.validated) return invalidState("holder commitment " + f.number.toString() + " out of order (next is " + st.validated.toString() + ")");
  const p = SIGNER.policy;
  let e: CoreError | null = null;
  if (retry) {
    let same = content.length == st.last.length;
    for (let i = 0; i < content.length && same; i++) same = content[i] == st.last[i];
    e = p.check(Rule.COMMITMENT_RETRY_SAME, same, "a retry of holder commitment " + f.number.toString() + " with different content");
    if (e !== null) return e;
  }
  e = holderNotRevoked(st, f.number);
  if (e !== null) return e;
  e = checkState(c.setup!, f.number, f.feerate, f.toHolder, f.toCounterparty, f.htlcs, f.dust);
  if (e !== null) return e;
  if (!retry) {
    const prevHtlcs = st.validated > 0 ? storedFields(st.last).htlcs : new Array<StateHtlc>();
    if (st.validated > 0) {
      const prev = storedFields(st.last);
      e = checkDeltas(p, new FlowState(prev.toHolder, prev.htlcs, prev.dust), new FlowState(f.toHolder, f.htlcs, f.dust), c.settled);
      if (e !== null) return e;
    }
    // BOLT 2: an HTLC we add is in the peer's commitment (which we signed, under the payment or routing rules) before ours.
    e = checkHolderOffered(p, htlcsMinus(f.htlcs, prevHtlcs), c.counterparty.lastHtlcs);
    if (e !== null) return e;
  }
  const b = buildHolder(c, f.number, f.feerate, f.toHolder, f.toCounterparty, f.htlcs);
  if (b === null) return invalidArgument("keys");
  if (nodeTxs !== null) {
    e = checkNodeTxs(c, true, b!.params, b!.built, b!.keys, b!.point, nodeTxs!);
    if (e !== null) return e;
  }
  const fs = fundingScript(b!.keys.broadcasterFunding, b!.keys.countersignatoryFunding);
  const all: u8[] = [SigHash.ALL];
  if (!verifyInput(b!.built.tx, fs, c.setup!.channelValueSat, c.setup!.counterparty!.funding, sig, all)) return invalidArgument("the counterparty's commitment signature does not verify");
  const htlcType: u8[] = b!.params.anchors ? [<u8>(SigHash.SINGLE | SigHash.ANYONECANPAY)] : all;
  let k = 0;
  for (let o = 0; o < b!.built.outputs.length; o++) {
    const out = b!.built.outputs[o];
    if (out.kind != OutKind.HTLC) continue;
    if (k >= htlcSigs.length) return invalidArgument("one counterparty signature per HTLC output");
    const tx = buildHtlcTx(b!.built, o, b!.params.htlcs[out.htlc], b!.params.feeratePerKw, b!.params.anchors, b!.keys.revocation, b!.keys.broadcasterDelayed, b!.params.toSelfDelay);
    if (!verifyInput(tx, out.witnessScript, out.value, b!.keys.countersignatoryHtlc, htlcSigs[k], htlcType)) return invalidArgument("HTLC signature " + k.toString() + " does not verify");
    k++;
  }
  if (k != htlcSigs.length) return invalidArgument("one counterparty signature per HTLC output");
  if (!retry) {
    st.validated = f.number + 1;
    st.last = content;
    pruneSettled(c);
    SIGNER.touch("c/" + idKey(id));
  }
  return null;
}

/** policy-commitment-holder-not-revoked (hard): nothing is signed for a holder commitment we revoked. */
export function holderNotRevoked(st: HolderState, number: u64): CoreError | null {
  return SIGNER.policy.check(Rule.COMMITMENT_HOLDER_NOT_REVOKED, number >= st.revealed, "holder commitment " + number.toString() + " is revoked");
}

/** A ready channel and a commitment number: the payload `id[32] | u64 number`. */
class Target {
  constructor(public c: Channel, public number: u64) {}
}

function target(r: Reader, why: CoreError[]): Target | null {
  const id = r.bytes(32), number = r.u64();
  if (!r.finish()) { why.push(malformed(r.err!)); return null; }
  const c = readyChannel(id, why);
  return c === null ? null : new Target(c!, number);
}

/** revoke_and_ack: the secret of commitment `number`, only once the next one is validated (hard). */
function revokeHolder(r: Reader, w: Writer): CoreError | null {
  const why = new Array<CoreError>();
  const t = target(r, why);
  if (t === null) return why[0];
  const c = t!.c, number = t!.number, id = c.id;
  const st = c.holder;
  let e = SIGNER.policy.check(Rule.REVOKE_NOT_CLOSED, !st.closed, "we signed a mutual close for this channel");
  if (e !== null) return e;
  e = SIGNER.policy.check(Rule.REVOKE_NEW_COMMITMENT_SIGNED, number + 1 < st.validated,
    "commitment " + (number + 1).toString() + " has no valid counterparty signature yet");
  if (e !== null) return e;
  // The commitment that replaces it passes every commitment rule under the policy in force now (hard).
  const next = storedFields(st.last);
  const bad = checkState(c.setup!, next.number, next.feerate, next.toHolder, next.toCounterparty, next.htlcs, next.dust);
  e = SIGNER.policy.check(Rule.REVOKE_NEW_COMMITMENT_VALID, bad === null,
    "commitment " + next.number.toString() + " does not pass " + (bad !== null ? bad!.rule + ": " + bad!.msg : ""));
  if (e !== null) return e;
  if (number > st.revealed) return invalidState("revocation of " + number.toString() + " skips " + st.revealed.toString());
  if (number == st.revealed) {
    st.revealed = number + 1;
    SIGNER.touch("c/" + idKey(id));
  }
  w.bytes(perCommitmentSecret(c.secrets.commitmentSeed, MAX_INDEX - number));
  return null;
}

/** Our signature on our latest validated commitment (a force close), never on a revoked one (hard). */
function signHolder(r: Reader, w: Writer): CoreError | null {
  const id = r.bytes(32), number = r.u64();
  const nodeTxs = readNodeTxs(r);
  if (!r.finish()) return malformed(r.err!);
  const why = new Array<CoreError>();
  const c = readyChannel(id, why);
  if (c === null) return why[0];
  const st = c!.holder;
  const e = holderNotRevoked(st, number);
  if (e !== null) return e;
  if (st.validated == 0 || number != st.validated - 1) return invalidState("only the latest validated holder commitment can be signed");
  const f = storedFields(st.last);
  const b = buildHolder(c!, f.number, f.feerate, f.toHolder, f.toCounterparty, f.htlcs);
  if (b === null) return invalidArgument("keys");
  if (nodeTxs !== null) {
    const e2 = checkNodeTxs(c!, true, b!.params, b!.built, b!.keys, b!.point, nodeTxs!);
    if (e2 !== null) return e2;
  }
  const sig = signInput(b!.built.tx, fundingScript(b!.keys.broadcasterFunding, b!.keys.countersignatoryFunding), c!.setup!.channelValueSat, c!.secrets.funding);
  if (sig === null) return new CoreError(Code.INTERNAL, "signing failed");
  w.varbytes(sig!);
  return null;
}

/** Weight of a two-output legacy closing tx with the 2-of-2 witness (BOLT 3 Appendix A style estimate). */
const CLOSING_WEIGHT: u64 = 4 * (10 + 41 + 2 * 43) + 224;

function signMutualClose(r: Reader, w: Writer): CoreError | null {
  const id = r.bytes(32), toHolder = r.u64(), toCounterparty = r.u64(), fee = r.u64();
  const hs = r.varbytes(10_000), cs = r.varbytes(10_000);
  if (!r.finish()) return malformed(r.err!);
  const why = new Array<CoreError>();
  const c = readyChannel(id, why);
  if (c === null) return why[0];
  const setup = c!.setup!, st = c!.holder, p = SIGNER.policy, cfg = p.cfg;
  if (st.validated == 0) return invalidState("no validated commitment to close from");
  const last = storedFields(st.last);
  let e = p.check(Rule.MUTUAL_NO_PENDING_HTLCS, last.htlcs.length == 0 && c!.counterparty.lastHtlcs.length == 0, "HTLCs are in flight");
  if (e !== null) return e;
  const ours = last.toHolder / 1000 - (setup.isOutbound ? fee : 0);
  const theirs = last.toCounterparty / 1000 - (setup.isOutbound ? 0 : fee);
  // A commitment described by its outputs knows each balance only to the sat (rounded down, the
  // msat in its dust): a close may pay each side up to one sat more, out of that dust.
  const rounded = last.dust > 0 && toHolder >= ours && toHolder <= ours + 1 && toCounterparty >= theirs && toCounterparty <= theirs + 1
    && (toHolder - ours + toCounterparty - theirs) * 1000 <= last.dust;
  e = p.check(Rule.MUTUAL_VALUE_MATCHES_COMMITMENT, (toHolder == ours && toCounterparty == theirs) || rounded,
    "close pays us " + toHolder.toString() + " sat, the last commitment gives " + ours.toString());
  if (e !== null) return e;
  const rate = fee * 4 / CLOSING_WEIGHT;
  e = p.check(Rule.MUTUAL_FEE_RANGE, fee <= cfg.onchainFeeMaxSat && rate >= <u64>cfg.onchainFeerateMin && rate <= <u64>cfg.onchainFeerateMax,
    "fee " + fee.toString() + " sat (" + rate.toString() + " sat/vB) outside the configured range");
  if (e !== null) return e;
  const upfront = setup.holderShutdownScript;
  let dest = SIGNER.payments.allowsScript(hs) || isOwnScript(hs);
  if (upfront.length > 0) { dest = upfront.length == hs.length; for (let i = 0; i < hs.length && dest; i++) dest = upfront[i] == hs[i]; }
  e = p.check(Rule.MUTUAL_DESTINATION_ALLOWLISTED, dest, "our output does not go to the upfront shutdown script or an allowlisted address");
  if (e !== null) return e;
  const tx = legacyClosing(setup.fundingTxid, setup.fundingVout, toHolder * 1000, toCounterparty * 1000, false, 0, hs, cs, setup.holderDustLimitSat, false);
  if (tx === null) return invalidArgument("no output left");
  const sig = signInput(tx!, fundingScript(c!.secrets.fundingPub, setup.counterparty!.funding), setup.channelValueSat, c!.secrets.funding);
  if (sig === null) return new CoreError(Code.INTERNAL, "signing failed");
  if (!st.closed) { st.closed = true; SIGNER.touch("c/" + idKey(id)); }
  w.varbytes(sig!);
  return null;
}

export function handleCommitment(method: u16, r: Reader, w: Writer): CoreError | null {
  if (method == CommitmentMethod.SIGN_COUNTERPARTY_COMMITMENT) return signCounterparty(r, w, false);
  if (method == CommitmentMethod.SIGN_COUNTERPARTY_COMMITMENT_TX) return signCounterparty(r, w, true);
  if (method == CommitmentMethod.VALIDATE_COUNTERPARTY_REVOCATION) return validateRevocation(r, w);
  if (method == CommitmentMethod.GET_PER_COMMITMENT_POINT) return getPoint(r, w);
  if (method == CommitmentMethod.HTLC_PREIMAGE) return htlcPreimage(r, w);
  if (method == CommitmentMethod.VALIDATE_HOLDER_COMMITMENT) return validateHolder(r, w, false);
  if (method == CommitmentMethod.VALIDATE_HOLDER_COMMITMENT_TX) return validateHolder(r, w, true);
  if (method == CommitmentMethod.REVOKE_HOLDER_COMMITMENT) return revokeHolder(r, w);
  if (method == CommitmentMethod.SIGN_HOLDER_COMMITMENT) return signHolder(r, w);
  if (method == CommitmentMethod.SIGN_MUTUAL_CLOSE) return signMutualClose(r, w);
  return handleForceClose(method, r, w);
}
