// Rules checked when a channel's parameters are fixed (ready_channel):
// ../shared/policy-rules.md §Channel opening, and the optional funding limit.
import { CoreError } from "../protocol/errors";
import { Policy } from "./engine";
import { Rule } from "./rules";
import { checkMerchant } from "./payments";
import { ChannelSetup, ChannelType } from "../signer/channel";

/** new_channel: an id that a forgotten channel used can never come back. */
export function checkNewChannel(p: Policy, forgotten: bool): CoreError | null {
  return p.check(Rule.CHANNEL_ORIGINAL_CHANNEL_ID_REUSE, !forgotten, "channel id was used by a forgotten channel");
}

/** ready_channel: the negotiated parameters. */
export function checkChannelSetup(p: Policy, s: ChannelSetup): CoreError | null {
  const c = p.cfg;
  let e: CoreError | null;
  const ours = <u32>s.counterpartySelectedContestDelay;
  e = p.check(Rule.CHANNEL_CONTEST_DELAY_RANGE_HOLDER, ours >= c.delayHolderMin && ours <= c.delayHolderMax,
    "to_self_delay on our outputs " + ours.toString() + " outside [" + c.delayHolderMin.toString() + ", " + c.delayHolderMax.toString() + "]");
  if (e !== null) return e;
  const theirs = <u32>s.holderSelectedContestDelay;
  e = p.check(Rule.CHANNEL_CONTEST_DELAY_RANGE_COUNTERPARTY, theirs >= c.delayCounterpartyMin && theirs <= c.delayCounterpartyMax,
    "to_self_delay on the peer's outputs " + theirs.toString() + " outside [" + c.delayCounterpartyMin.toString() + ", " + c.delayCounterpartyMax.toString() + "]");
  if (e !== null) return e;
  e = p.check(Rule.CHANNEL_SAFE_MODE, s.channelType == ChannelType.STATIC_REMOTEKEY || s.channelType == ChannelType.ANCHORS_ZERO_FEE_HTLC,
    "channel type is not static_remotekey or anchors_zero_fee_htlc_tx");
  if (e !== null) return e;
  if (c.fundingMaxSat > 0) {
    e = p.check(Rule.FUNDING_MAX, s.channelValueSat <= c.fundingMaxSat,
      "channel value " + s.channelValueSat.toString() + " sat over " + c.fundingMaxSat.toString());
    if (e !== null) return e;
  }
  if (s.isOutbound) {
    e = p.check(Rule.ONCHAIN_NO_CHANNEL_PUSH, s.pushMsat == 0 || c.allowPush, "push_msat " + s.pushMsat.toString() + " to the peer");
    if (e !== null) return e;
    e = checkMerchant(p, s.pushMsat, "a push");
    if (e !== null) return e;
  }
  return null;
}
