// How value may move between two successive states of a channel (BOLT 2
// "Normal Operation": update_add_htlc, update_fulfill_htlc, update_fail_htlc),
// and the rules on forwarding (an offered HTLC that pays on a received one).
// Pure over the states the node describes; the signer supplies what it knows
// (preimages it was shown, received HTLCs on other channels).
import { CoreError } from "../protocol/errors";
import { StateHtlc } from "../signer/counterparty_state";
import { bytesEqual } from "../codec/bytes";
import { Policy } from "./engine";
import { Rule } from "./rules";

/** Largest set whose subset sums are enumerated exactly; beyond it only the bounds are checked. */
const EXACT_SUBSETS: i32 = 16;

/** The HTLCs of `a` that are not in `b` (as multisets). */
export function htlcsMinus(a: StateHtlc[], b: StateHtlc[]): StateHtlc[] {
  const taken = new Array<bool>(b.length).fill(false);
  const out = new Array<StateHtlc>();
  for (let i = 0; i < a.length; i++) {
    let found = false;
    for (let k = 0; k < b.length && !found; k++) if (!taken[k] && a[i].same(b[k])) { taken[k] = true; found = true; }
    if (!found) out.push(a[i]);
  }
  return out;
}

function contains(list: Uint8Array[], h: Uint8Array): bool {
  for (let i = 0; i < list.length; i++) if (bytesEqual(list[i], h)) return true;
  return false;
}

/**
 * Is some subset sum of `amounts` in [lo, hi]? (exact up to EXACT_SUBSETS items, else
 * only against the bounds 0 ≤ sum ≤ the total)
 */
function subsetSum(amounts: u64[], lo: u64, hi: u64): bool {
  let total: u64 = 0;
  for (let i = 0; i < amounts.length; i++) total += amounts[i];
  if (lo > total) return false;
  if (amounts.length > EXACT_SUBSETS) return true;
  const n = amounts.length;
  for (let m = 0; m < (1 << n); m++) {
    let s: u64 = 0;
    for (let i = 0; i < n; i++) if (m & (1 << i)) s += amounts[i];
    if (s >= lo && s <= hi) return true;
  }
  return false;
}

/**
 * A state the node described: our balance (msat, before fees), the HTLCs in flight and,
 * for a commitment described by its outputs, the value in no output (`dustMsat`: trimmed
 * HTLCs and outputs, msat rounding; 0 when the node gave the msat state).
 */
export class FlowState {
  constructor(public toHolderMsat: u64, public htlcs: StateHtlc[], public dustMsat: u64 = 0) {}
  /** What we can still claim: our balance plus the HTLCs we offered that are not settled yet. */
  claim(): u64 {
    let c = this.toHolderMsat;
    for (let i = 0; i < this.htlcs.length; i++) if (this.htlcs[i].ours) c += this.htlcs[i].amountMsat;
    return c;
  }
}

/**
 * From `prev` to `next`, our balance changes only as HTLCs come and go:
 * minus each HTLC we add, plus each of ours that fails back, plus each of
 * theirs that is fulfilled. One of ours settled to the peer needs its
 * preimage shown to us (its hash in `known`), else policy-commitment-payment-settled-preimage;
 * any other change is policy-routing-deltas-only-htlc.
 *
 * A state described by its outputs (sat, untrimmed HTLCs only) rounds our
 * balance down to the sat and hides trimmed HTLCs in its dust: our balance may
 * then also fall by up to 999 msat plus the next state's dust (a trimmed HTLC
 * we add), and rise by up to 999 msat plus the previous state's dust (a
 * trimmed HTLC settled to us); the dust itself is bounded by configuration
 * (dustUntrackedMaxMsat).
 */
export function checkDeltas(p: Policy, prev: FlowState, next: FlowState, known: Uint8Array[]): CoreError | null {
  const added = htlcsMinus(next.htlcs, prev.htlcs), removed = htlcsMinus(prev.htlcs, next.htlcs);
  const rounded = prev.dustMsat > 0 || next.dustMsat > 0;
  const down: i64 = rounded ? 999 + <i64>next.dustMsat : 0, up: i64 = rounded ? 999 + <i64>prev.dustMsat : 0;
  // Base: every removed HTLC of ours without a preimage failed back to us; nothing of theirs fulfilled.
  let base: i64 = <i64>prev.toHolderMsat;
  for (let i = 0; i < added.length; i++) if (added[i].ours) base -= <i64>added[i].amountMsat;
  const unproven = new Array<u64>(), favourable = new Array<u64>();
  for (let i = 0; i < removed.length; i++) {
    const h = removed[i];
    if (h.ours && !contains(known, h.paymentHash)) { base += <i64>h.amountMsat; unproven.push(h.amountMsat); }
    else favourable.push(h.amountMsat); // theirs fulfilled, or ours failed although a preimage is known
  }
  const excess = <i64>next.toHolderMsat - base;
  if (excess < -down) {
    const settled = subsetSum(unproven, <u64>max<i64>(0, -excess - down), <u64>(-excess + up));
    return p.check(settled ? Rule.COMMITMENT_PAYMENT_SETTLED_PREIMAGE : Rule.ROUTING_DELTAS_ONLY_HTLC, false,
      settled ? "an HTLC we offered is gone as settled but its preimage was never shown to the signer"
        : "our balance fell by " + (-excess).toString() + " msat that no HTLC explains");
  }
  if (excess <= up) return null;
  return p.check(Rule.ROUTING_DELTAS_ONLY_HTLC, subsetSum(favourable, <u64>max<i64>(0, excess - up), <u64>(excess + down)),
    "our balance rose by " + excess.toString() + " msat that no settled HTLC explains");
}

/** Value that left us between two states (settled HTLCs of ours net of theirs), for policy-velocity-transferred. */
export function outflow(prev: FlowState, next: FlowState): u64 {
  const a = prev.claim(), b = next.claim();
  return a > b ? a - b : 0;
}

/** A received HTLC on another channel with the payment hash of an offered one (the HTLC it forwards). */
export class Incoming {
  constructor(public amountMsat: u64, public cltvExpiry: u32, public channelActive: bool) {}
}

/**
 * A new offered HTLC that forwards `inc`: forwarding must be on
 * (policy-no-routing), it may not pay out more than it takes in
 * (policy-commitment-htlc-routing-balance), the incoming HTLC must stay
 * claimable after the outgoing one can be claimed from us (policy-routing-balanced:
 * its expiry is later), and the incoming channel must be open on chain
 * (policy-commitment-htlc-received-spends-active-utxo).
 */
export function checkForward(p: Policy, out: StateHtlc, inc: Incoming): CoreError | null {
  let e = p.check(Rule.NO_ROUTING, p.cfg.routing, "forwarding is off (routing rules not enabled)");
  if (e !== null) return e;
  e = p.check(Rule.COMMITMENT_HTLC_ROUTING_BALANCE, out.amountMsat <= inc.amountMsat,
    "forwards " + out.amountMsat.toString() + " msat for " + inc.amountMsat.toString() + " received");
  if (e !== null) return e;
  e = p.check(Rule.ROUTING_BALANCED, inc.cltvExpiry > out.cltvExpiry,
    "incoming expiry " + inc.cltvExpiry.toString() + " is not after the outgoing " + out.cltvExpiry.toString());
  if (e !== null) return e;
  return p.check(Rule.COMMITMENT_HTLC_RECEIVED_SPENDS_ACTIVE_UTXO, inc.channelActive, "the incoming channel is not proven open on chain");
}

/**
 * New HTLCs of ours on our own commitment: each must be in the last commitment we signed for the
 * peer (BOLT 2: update_add_htlc, then commitment_signed for the peer's commitment first), where
 * the payment or routing rules authorized it; else it is an offered HTLC nothing balances
 * (policy-commitment-htlc-routing-balance).
 */
export function checkHolderOffered(p: Policy, added: StateHtlc[], signedForPeer: StateHtlc[]): CoreError | null {
  const unsigned = htlcsMinus(added, signedForPeer);
  for (let i = 0; i < unsigned.length; i++) {
    if (!unsigned[i].ours) continue;
    return p.check(Rule.COMMITMENT_HTLC_ROUTING_BALANCE, false,
      "an HTLC of ours (" + unsigned[i].amountMsat.toString() + " msat) that no commitment we signed for the peer carried");
  }
  return null;
}
