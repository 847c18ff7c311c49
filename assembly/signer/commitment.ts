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
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { Code, CoreError, malformed, invalidArgument, invalidState } from "../protocol/errors";
import { pubkeyCreate, pubkeyParse, sha256 } from "../crypto";
import { Rule } from "../policy/rules";
import { CommitmentKeys, CommitmentParams, Htlc, buildCommitment, obscuringFactor } from "../bolt3/commitment";
import { derivePrivkey, derivePubkey, revocationPubkey, MAX_INDEX } from "../bolt3/keys";
import { Shachain } from "../bolt3/shachain";
import { signCounterpartyCommitment } from "../bolt3/sign";
import { ChannelType } from "./channel";
import { CounterpartyState, StateHtlc } from "./counterparty_state";
import { findChannel } from "./channels";
import { authorizePayment } from "./payments";
import { SIGNER } from "./state";

export namespace CommitmentMethod {
  export const SIGN_COUNTERPARTY_COMMITMENT: u16 = 0x0400;
  export const VALIDATE_COUNTERPARTY_REVOCATION: u16 = 0x0401;
}

const MAX_HTLCS: i32 = 2 * 483;

function payloadDigest(r: Reader, start: i32, end: i32): Uint8Array {
  return sha256(r.buf.subarray(start, end));
}

function signCounterparty(r: Reader, w: Writer): CoreError | null {
  const start = r.pos;
  const id = r.bytes(32), number = r.u64(), point = r.bytes(33), feerate = r.u32();
  const toHolder = r.u64(), toCounterparty = r.u64();
  const n = <i32>r.u16();
  if (r.ok() && n > MAX_HTLCS) r.fail("at most 966 HTLCs");
  const htlcs = new Array<StateHtlc>();
  for (let i = 0; i < n && r.ok(); i++) htlcs.push(StateHtlc.read(r));
  const contentEnd = r.pos;
  const hostTime = r.u64();
  if (!r.finish()) return malformed(r.err!);
  const c = findChannel(id);
  if (c === null) return invalidArgument("unknown channel");
  if (!c!.isReady()) return invalidState("ready_channel first");
  if (pubkeyParse(point) === null) return invalidArgument("per_commitment_point");
  const st = c!.counterparty;
  const setup = c!.setup!;
  const p = SIGNER.policy;
  const digest = payloadDigest(r, start + 32, contentEnd);
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
  // Value: every msat of the channel is in a balance or an HTLC.
  let total: u64 = toHolder + toCounterparty, inflight: u64 = 0;
  let ours = 0, theirs = 0;
  for (let i = 0; i < htlcs.length; i++) {
    total += htlcs[i].amountMsat;
    inflight += htlcs[i].amountMsat;
    if (htlcs[i].ours) ours++; else theirs++;
  }
  if (total != setup.channelValueSat * 1000) return invalidArgument("balances and HTLCs do not add up to the channel value");
  const cfg = p.cfg;
  e = p.check(Rule.COMMITMENT_FEE_RANGE, feerate >= cfg.commitmentFeerateMin && feerate <= cfg.commitmentFeerateMax,
    "feerate " + feerate.toString() + " outside [" + cfg.commitmentFeerateMin.toString() + ", " + cfg.commitmentFeerateMax.toString() + "]");
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
    const ok = setup.isOutbound ? toHolder == funder && toCounterparty == setup.pushMsat : toCounterparty == funder && toHolder == setup.pushMsat;
    e = p.check(Rule.COMMITMENT_INITIAL_FUNDING_VALUE, ok, "the first commitment does not pay the funder its funding");
    if (e !== null) return e;
  }
  // Payments: each HTLC of ours that the last signed state did not have goes out now.
  if (!retry) {
    for (let i = 0; i < htlcs.length; i++) {
      if (!htlcs[i].ours) continue;
      let known = false;
      for (let k = 0; k < st.lastHtlcs.length && !known; k++) known = st.lastHtlcs[k].same(htlcs[i]);
      if (known) continue;
      e = checkPayment(htlcs[i], hostTime);
      if (e !== null) return e;
    }
  }
  // Build the peer's commitment ourselves and sign it.
  const sec = c!.secrets, cp = setup.counterparty!;
  const params = new CommitmentParams();
  params.anchors = setup.channelType == ChannelType.ANCHORS_ZERO_FEE_HTLC;
  params.fundingTxid = setup.fundingTxid;
  params.fundingVout = setup.fundingVout;
  params.obscuringFactor = setup.isOutbound ? obscuringFactor(sec.paymentBasepoint, cp.payment) : obscuringFactor(cp.payment, sec.paymentBasepoint);
  params.commitmentNumber = number;
  params.toSelfDelay = setup.holderSelectedContestDelay;
  params.dustLimitSat = setup.counterpartyDustLimitSat;
  params.feeratePerKw = <u64>feerate;
  params.toBroadcasterMsat = toCounterparty;
  params.toCountersignatoryMsat = toHolder;
  params.broadcasterIsFunder = !setup.isOutbound;
  for (let i = 0; i < htlcs.length; i++) params.htlcs.push(new Htlc(!htlcs[i].ours, htlcs[i].amountMsat, htlcs[i].cltvExpiry, htlcs[i].paymentHash));
  const rev = revocationPubkey(sec.revocationBasepoint, point), delayed = derivePubkey(cp.delayedPayment, point);
  const theirHtlc = derivePubkey(cp.htlc, point), ourHtlc = derivePubkey(sec.htlcBasepoint, point);
  const ourHtlcSecret = derivePrivkey(sec.htlcBase, point);
  if (rev === null || delayed === null || theirHtlc === null || ourHtlc === null || ourHtlcSecret === null) return invalidArgument("per_commitment_point");
  const keys = new CommitmentKeys(rev!, delayed!, sec.paymentBasepoint, theirHtlc!, ourHtlc!, cp.funding, sec.fundingPub);
  const built = buildCommitment(params, keys);
  const sigs = signCounterpartyCommitment(params, built, keys, setup.channelValueSat, sec.funding, ourHtlcSecret!);
  if (sigs === null) return new CoreError(Code.INTERNAL, "signing failed");
  // Record before the signatures leave (write-ahead).
  if (!retry) {
    st.next = number + 1;
    st.prevPoint = st.lastPoint;
    st.lastPoint = point;
    st.lastDigest = digest;
    st.lastHtlcs = htlcs;
    SIGNER.touch("c/" + idHex(id));
  }
  w.varbytes(sigs![0]).u16(<u16>(sigs!.length - 1));
  for (let i = 1; i < sigs!.length; i++) w.varbytes(sigs![i]);
  return null;
}

/** Payment rules for a new HTLC of ours; a refusal keeps the channel where it was. */
function checkPayment(h: StateHtlc, hostTime: u64): CoreError | null {
  return authorizePayment(h.paymentHash, h.amountMsat, hostTime);
}

function idHex(id: Uint8Array): string {
  let s = "";
  for (let i = 0; i < id.length; i++) s += (<u32>id[i] + 0x100).toString(16).slice(1);
  return s;
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
  const trial = Shachain.read(new Reader(serialize(st.secrets)))!;
  const pt = pubkeyCreate(secret);
  const want = number + 2 == st.next ? st.prevPoint : st.lastPoint;
  let matches = pt !== null;
  for (let i = 0; i < 33 && matches; i++) matches = pt![i] == want[i];
  const ok = matches && trial.insert(MAX_INDEX - number, secret);
  const e = SIGNER.policy.check(Rule.COMMITMENT_PREVIOUS_REVOKED, ok, "the revealed secret is not consistent with the earlier ones");
  if (e !== null) return e;
  if (!ok) return invalidArgument("secret");
  st.secrets = trial;
  st.revokedCount = number + 1;
  SIGNER.touch("c/" + idHex(id));
  return null;
}

function serialize(s: Shachain): Uint8Array {
  const w = new Writer(64);
  s.write(w);
  return w.finish();
}

export function handleCommitment(method: u16, r: Reader, w: Writer): CoreError | null {
  if (method == CommitmentMethod.SIGN_COUNTERPARTY_COMMITMENT) return signCounterparty(r, w);
  if (method == CommitmentMethod.VALIDATE_COUNTERPARTY_REVOCATION) return validateRevocation(r, w);
  return new CoreError(Code.UNKNOWN_METHOD, "unknown method");
}
