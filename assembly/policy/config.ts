// Policy configuration: every limit is configuration with a documented default
// (docs/policy.md). Encoded as a TLV stream (type = field below) so the host,
// the CLI and a device share one format; the core owns defaults and presets.
import { Reader, readTlvStream } from "../codec/reader";
import { Writer } from "../codec/writer";
import { findRule } from "./rules";

export namespace Preset {
  export const PERSONAL: u8 = 0; // the default: a home node that pays and receives
  export const MERCHANT: u8 = 1; // receives only: sends are refused
  export const ROUTING_HUB: u8 = 2; // forwards: routing rules on, larger limits
}

// TLV types (odd: an older core ignores a field it does not know).
namespace T {
  export const PRESET: u64 = 1;
  export const DELAY_HOLDER_MIN: u64 = 3;
  export const DELAY_HOLDER_MAX: u64 = 5;
  export const DELAY_COUNTERPARTY_MIN: u64 = 7;
  export const DELAY_COUNTERPARTY_MAX: u64 = 9;
  export const COMMITMENT_FEERATE_MIN: u64 = 11;
  export const COMMITMENT_FEERATE_MAX: u64 = 13;
  export const HTLC_COUNT_MAX: u64 = 15;
  export const HTLC_INFLIGHT_MAX_MSAT: u64 = 17;
  export const CLTV_WINDOW: u64 = 19;
  export const FUNDING_MAX_SAT: u64 = 21;
  export const ONCHAIN_FEERATE_MIN: u64 = 23;
  export const ONCHAIN_FEERATE_MAX: u64 = 25;
  export const ONCHAIN_FEE_MAX_SAT: u64 = 27;
  export const MAX_TX_WEIGHT: u64 = 29;
  export const WALLET_GAP: u64 = 31;
  export const REORG_DEPTH: u64 = 33;
  export const ALLOW_PUSH: u64 = 35;
  export const ROUTING: u64 = 37;
  export const MERCHANT: u64 = 39;
  export const VELOCITY_WINDOW_SECS: u64 = 41;
  export const VELOCITY_SEND_MAX_MSAT: u64 = 43;
  export const VELOCITY_FUNDING_MAX_SAT: u64 = 45;
  export const APPROVAL_ABOVE_MSAT: u64 = 47;
  export const ALLOWLIST_ONLY: u64 = 49;
  export const MIN_FUNDING_DEPTH: u64 = 51;
  export const HEARTBEAT_MAX_AGE_SECS: u64 = 53;
  export const FILTER: u64 = 55; // repeated in one value: u16-prefixed patterns
  export const INVOICE_FEE_BUDGET_PPM: u64 = 57;
  export const ORACLE_QUORUM: u64 = 59;
  export const ORACLE_KEYS: u64 = 61; // concatenated 32-byte x-only keys
  export const VELOCITY_TRANSFER_MAX_MSAT: u64 = 63;
  export const DUST_UNTRACKED_MAX_MSAT: u64 = 65;
}

export class PolicyConfig {
  preset: u8 = Preset.PERSONAL;
  // policy-channel-contest-delay-range-*: to_self_delay imposed on us / on the peer (blocks)
  delayHolderMin: u32 = 6;
  delayHolderMax: u32 = 2016;
  delayCounterpartyMin: u32 = 144;
  delayCounterpartyMax: u32 = 2016;
  // policy-commitment-fee-range, policy-htlc-fee-range: sat per 1000 weight
  commitmentFeerateMin: u32 = 253;
  commitmentFeerateMax: u32 = 250_000;
  // policy-commitment-htlc-count-limit (never above 483 per direction, BOLT 2)
  htlcCountMax: u32 = 483;
  // policy-commitment-htlc-inflight-limit
  htlcInflightMaxMsat: u64 = 10_000_000_000; // 0.1 BTC
  // policy-commitment-htlc-cltv-range, policy-htlc-cltv-range: blocks ahead of the tip
  cltvWindow: u32 = 2016;
  // policy-funding-max (optional: 0 = off)
  fundingMaxSat: u64 = 0;
  // policy-onchain-fee-range, policy-mutual-fee-range, policy-sweep-fee-range: sat/vB and absolute
  onchainFeerateMin: u32 = 1;
  onchainFeerateMax: u32 = 2_000;
  onchainFeeMaxSat: u64 = 2_000_000;
  // policy-onchain-max-size
  maxTxWeight: u32 = 400_000;
  // policy-onchain-wallet-path-predictable
  walletGap: u32 = 20;
  // policy-chain-reorg-depth
  reorgDepth: u32 = 6;
  // policy-onchain-no-channel-push
  allowPush: bool = false;
  // policy-no-routing / policy-routing-*
  routing: bool = false;
  // policy-merchant-no-sends
  merchant: bool = false;
  // policy-commitment-payment-velocity, policy-velocity-* (optional: 0 = off)
  velocityWindowSecs: u32 = 86_400;
  velocitySendMaxMsat: u64 = 0;
  velocityFundingMaxSat: u64 = 0;
  // policy-velocity-transferred (optional: 0 = off): value settled out of our channels per window
  velocityTransferMaxMsat: u64 = 0;
  // policy-commitment-htlc-inflight-limit, for commitments the node describes by their outputs
  // (0x0410 / 0x0413): value in no output (trimmed HTLCs and outputs, msat rounding)
  dustUntrackedMaxMsat: u64 = 10_000_000;
  // policy-commitment-payment-approved (optional: 0 = off): payments above this need approval
  approvalAboveMsat: u64 = 0;
  // policy-commitment-payment-allowlisted (optional)
  allowlistOnly: bool = false;
  // policy-commitment-spends-active-utxo
  minFundingDepth: u32 = 1;
  // policy-heartbeat-fresh
  heartbeatMaxAgeSecs: u32 = 3_600;
  // policy-commitment-payment-invoiced: routing fee budget over the invoice amount, ppm
  invoiceFeeBudgetPpm: u32 = 50_000;
  // warn-only filters: exact ids, or prefixes ending in '*'
  filters: string[] = [];
  // policy-chain-oracle-proof: k of these BIP340 keys may attest block filter headers (0 = no oracles)
  oracleQuorum: u32 = 0;
  oracleKeys: Uint8Array[] = [];

  static preset(p: u8): PolicyConfig {
    const c = new PolicyConfig();
    c.preset = p;
    if (p == Preset.MERCHANT) c.merchant = true;
    if (p == Preset.ROUTING_HUB) {
      c.routing = true;
      c.htlcInflightMaxMsat = 100_000_000_000; // 1 BTC
      c.fundingMaxSat = 0;
    }
    return c;
  }

  /** Is this rule downgraded to a warning? Hard rules never are. */
  filtered(id: string): bool {
    const info = findRule(id);
    if (info !== null && info.hard) return false;
    for (let i = 0; i < this.filters.length; i++) {
      const f = this.filters[i];
      if (f.endsWith("*")) {
        if (id.startsWith(f.slice(0, f.length - 1))) return true;
      } else if (f == id) return true;
    }
    return false;
  }

  encode(w: Writer): void {
    w.tlv(T.PRESET, new Writer(1).u8(this.preset).finish());
    const u32s: u64[] = [T.DELAY_HOLDER_MIN, T.DELAY_HOLDER_MAX, T.DELAY_COUNTERPARTY_MIN, T.DELAY_COUNTERPARTY_MAX,
      T.COMMITMENT_FEERATE_MIN, T.COMMITMENT_FEERATE_MAX, T.HTLC_COUNT_MAX];
    const u32v: u32[] = [this.delayHolderMin, this.delayHolderMax, this.delayCounterpartyMin, this.delayCounterpartyMax,
      this.commitmentFeerateMin, this.commitmentFeerateMax, this.htlcCountMax];
    for (let i = 0; i < u32s.length; i++) w.tlv(u32s[i], new Writer(4).u32(u32v[i]).finish());
    w.tlv(T.HTLC_INFLIGHT_MAX_MSAT, new Writer(8).u64(this.htlcInflightMaxMsat).finish());
    w.tlv(T.CLTV_WINDOW, new Writer(4).u32(this.cltvWindow).finish());
    w.tlv(T.FUNDING_MAX_SAT, new Writer(8).u64(this.fundingMaxSat).finish());
    w.tlv(T.ONCHAIN_FEERATE_MIN, new Writer(4).u32(this.onchainFeerateMin).finish());
    w.tlv(T.ONCHAIN_FEERATE_MAX, new Writer(4).u32(this.onchainFeerateMax).finish());
    w.tlv(T.ONCHAIN_FEE_MAX_SAT, new Writer(8).u64(this.onchainFeeMaxSat).finish());
    w.tlv(T.MAX_TX_WEIGHT, new Writer(4).u32(this.maxTxWeight).finish());
    w.tlv(T.WALLET_GAP, new Writer(4).u32(this.walletGap).finish());
    w.tlv(T.REORG_DEPTH, new Writer(4).u32(this.reorgDepth).finish());
    w.tlv(T.ALLOW_PUSH, new Writer(1).u8(this.allowPush ? 1 : 0).finish());
    w.tlv(T.ROUTING, new Writer(1).u8(this.routing ? 1 : 0).finish());
    w.tlv(T.MERCHANT, new Writer(1).u8(this.merchant ? 1 : 0).finish());
    w.tlv(T.VELOCITY_WINDOW_SECS, new Writer(4).u32(this.velocityWindowSecs).finish());
    w.tlv(T.VELOCITY_SEND_MAX_MSAT, new Writer(8).u64(this.velocitySendMaxMsat).finish());
    w.tlv(T.VELOCITY_FUNDING_MAX_SAT, new Writer(8).u64(this.velocityFundingMaxSat).finish());
    w.tlv(T.APPROVAL_ABOVE_MSAT, new Writer(8).u64(this.approvalAboveMsat).finish());
    w.tlv(T.ALLOWLIST_ONLY, new Writer(1).u8(this.allowlistOnly ? 1 : 0).finish());
    w.tlv(T.MIN_FUNDING_DEPTH, new Writer(4).u32(this.minFundingDepth).finish());
    w.tlv(T.HEARTBEAT_MAX_AGE_SECS, new Writer(4).u32(this.heartbeatMaxAgeSecs).finish());
    const f = new Writer(16);
    for (let i = 0; i < this.filters.length; i++) f.bytes16(Uint8Array.wrap(String.UTF8.encode(this.filters[i])));
    w.tlv(T.FILTER, f.finish());
    w.tlv(T.INVOICE_FEE_BUDGET_PPM, new Writer(4).u32(this.invoiceFeeBudgetPpm).finish());
    w.tlv(T.ORACLE_QUORUM, new Writer(4).u32(this.oracleQuorum).finish());
    const k = new Writer(32 * this.oracleKeys.length);
    for (let i = 0; i < this.oracleKeys.length; i++) k.bytes(this.oracleKeys[i]);
    w.tlv(T.ORACLE_KEYS, k.finish());
    w.tlv(T.VELOCITY_TRANSFER_MAX_MSAT, new Writer(8).u64(this.velocityTransferMaxMsat).finish());
    w.tlv(T.DUST_UNTRACKED_MAX_MSAT, new Writer(8).u64(this.dustUntrackedMaxMsat).finish());
  }
}

/**
 * Decode a config TLV stream over a preset's defaults. Unknown odd types are
 * ignored. Returns null with r.err set on malformed input or a bad value
 * (a filter naming no rule, a min above its max, a limit over BOLT 2's).
 */
export function decodePolicy(r: Reader): PolicyConfig | null {
  const tlvs = readTlvStream(r);
  if (tlvs === null) return null;
  let c = new PolicyConfig();
  for (let i = 0; i < tlvs.length; i++) {
    const t = tlvs[i].type, v = tlvs[i].value;
    if (t == T.PRESET) {
      if (i != 0) { r.fail("preset must come first"); return null; }
      const p = v.u8();
      if (p > Preset.ROUTING_HUB) { r.fail("unknown preset"); return null; }
      c = PolicyConfig.preset(p);
    } else if (t == T.DELAY_HOLDER_MIN) c.delayHolderMin = v.u32();
    else if (t == T.DELAY_HOLDER_MAX) c.delayHolderMax = v.u32();
    else if (t == T.DELAY_COUNTERPARTY_MIN) c.delayCounterpartyMin = v.u32();
    else if (t == T.DELAY_COUNTERPARTY_MAX) c.delayCounterpartyMax = v.u32();
    else if (t == T.COMMITMENT_FEERATE_MIN) c.commitmentFeerateMin = v.u32();
    else if (t == T.COMMITMENT_FEERATE_MAX) c.commitmentFeerateMax = v.u32();
    else if (t == T.HTLC_COUNT_MAX) c.htlcCountMax = v.u32();
    else if (t == T.HTLC_INFLIGHT_MAX_MSAT) c.htlcInflightMaxMsat = v.u64();
    else if (t == T.CLTV_WINDOW) c.cltvWindow = v.u32();
    else if (t == T.FUNDING_MAX_SAT) c.fundingMaxSat = v.u64();
    else if (t == T.ONCHAIN_FEERATE_MIN) c.onchainFeerateMin = v.u32();
    else if (t == T.ONCHAIN_FEERATE_MAX) c.onchainFeerateMax = v.u32();
    else if (t == T.ONCHAIN_FEE_MAX_SAT) c.onchainFeeMaxSat = v.u64();
    else if (t == T.MAX_TX_WEIGHT) c.maxTxWeight = v.u32();
    else if (t == T.WALLET_GAP) c.walletGap = v.u32();
    else if (t == T.REORG_DEPTH) c.reorgDepth = v.u32();
    else if (t == T.ALLOW_PUSH) c.allowPush = v.u8() != 0;
    else if (t == T.ROUTING) c.routing = v.u8() != 0;
    else if (t == T.MERCHANT) c.merchant = v.u8() != 0;
    else if (t == T.VELOCITY_WINDOW_SECS) c.velocityWindowSecs = v.u32();
    else if (t == T.VELOCITY_SEND_MAX_MSAT) c.velocitySendMaxMsat = v.u64();
    else if (t == T.VELOCITY_FUNDING_MAX_SAT) c.velocityFundingMaxSat = v.u64();
    else if (t == T.APPROVAL_ABOVE_MSAT) c.approvalAboveMsat = v.u64();
    else if (t == T.ALLOWLIST_ONLY) c.allowlistOnly = v.u8() != 0;
    else if (t == T.MIN_FUNDING_DEPTH) c.minFundingDepth = v.u32();
    else if (t == T.HEARTBEAT_MAX_AGE_SECS) c.heartbeatMaxAgeSecs = v.u32();
    else if (t == T.INVOICE_FEE_BUDGET_PPM) c.invoiceFeeBudgetPpm = v.u32();
    else if (t == T.ORACLE_QUORUM) c.oracleQuorum = v.u32();
    else if (t == T.VELOCITY_TRANSFER_MAX_MSAT) c.velocityTransferMaxMsat = v.u64();
    else if (t == T.DUST_UNTRACKED_MAX_MSAT) c.dustUntrackedMaxMsat = v.u64();
    else if (t == T.ORACLE_KEYS) {
      if (v.remaining() % 32 != 0 || v.remaining() > 32 * 16) { r.fail("oracle keys: up to 16 x-only keys of 32 bytes"); return null; }
      const keys = new Array<Uint8Array>();
      while (v.remaining() > 0) keys.push(v.bytes(32));
      c.oracleKeys = keys;
    }
    else if (t == T.FILTER) {
      while (v.ok() && v.remaining() > 0) {
        const pat = String.UTF8.decode(v.bytes16(128).buffer);
        if (!v.ok()) break;
        const base = pat.endsWith("*") ? pat.slice(0, pat.length - 1) : pat;
        if (!pat.endsWith("*") && findRule(pat) === null) { r.fail("filter names no rule: " + pat); return null; }
        if (!base.startsWith("policy-")) { r.fail("filter must start with policy-: " + pat); return null; }
        c.filters.push(pat);
      }
    } else continue; // unknown odd: ignored
    if (!v.finish()) { r.fail("policy field " + t.toString() + ": " + v.err!); return null; }
  }
  if (c.delayHolderMin > c.delayHolderMax || c.delayCounterpartyMin > c.delayCounterpartyMax) { r.fail("delay min above max"); return null; }
  if (c.commitmentFeerateMin > c.commitmentFeerateMax || c.onchainFeerateMin > c.onchainFeerateMax) { r.fail("feerate min above max"); return null; }
  if (c.htlcCountMax > 483) { r.fail("htlc_count_max above 483 (BOLT 2)"); return null; }
  if (c.velocityWindowSecs == 0) { r.fail("velocity window must be > 0"); return null; }
  if (c.oracleQuorum > <u32>c.oracleKeys.length) { r.fail("oracle quorum above the number of oracle keys"); return null; }
  return c;
}
