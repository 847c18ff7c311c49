// The one table of policy rule ids (../shared/policy-rules.md, in its order).
// Each id is checked in exactly one place (grep the constant), returned in the
// refusal, attacked in test/policy/, and filterable unless it is hard.
// test/policy/rules.test.ts fails when this table and the catalogue differ.

export class RuleInfo {
  constructor(public id: string, public hard: bool, public optional: bool) {}
}

export namespace Rule {
  // Channel opening
  export const CHANNEL_CONTEST_DELAY_RANGE_HOLDER = "policy-channel-contest-delay-range-holder";
  export const CHANNEL_CONTEST_DELAY_RANGE_COUNTERPARTY = "policy-channel-contest-delay-range-counterparty";
  export const CHANNEL_SAFE_MODE = "policy-channel-safe-mode";
  export const CHANNEL_ORIGINAL_CHANNEL_ID_REUSE = "policy-channel-original-channel-id-reuse";
  // On-chain transactions (funding, wallet spends, sweeps)
  export const ONCHAIN_OUTPUT_SCRIPTPUBKEY = "policy-onchain-output-scriptpubkey";
  export const ONCHAIN_OUTPUT_MATCH_COMMITMENT = "policy-onchain-output-match-commitment";
  export const ONCHAIN_INITIAL_COMMITMENT_COUNTERSIGNED = "policy-onchain-initial-commitment-countersigned";
  export const ONCHAIN_NO_UNKNOWN_OUTPUTS = "policy-onchain-no-unknown-outputs";
  export const ONCHAIN_NO_CHANNEL_PUSH = "policy-onchain-no-channel-push";
  export const ONCHAIN_NO_FUND_INBOUND = "policy-onchain-no-fund-inbound";
  export const ONCHAIN_WALLET_PATH_PREDICTABLE = "policy-onchain-wallet-path-predictable";
  export const ONCHAIN_FEE_RANGE = "policy-onchain-fee-range";
  export const ONCHAIN_FORMAT_STANDARD = "policy-onchain-format-standard";
  export const ONCHAIN_FUNDING_NON_MALLEABLE = "policy-onchain-funding-non-malleable";
  export const ONCHAIN_MAX_SIZE = "policy-onchain-max-size";
  // Commitment transactions (before signing the peer's, or accepting a signature on ours)
  export const COMMITMENT_INPUT_SINGLE = "policy-commitment-input-single";
  export const COMMITMENT_INPUT_MATCH_FUNDING = "policy-commitment-input-match-funding";
  export const COMMITMENT_INITIAL_FUNDING_VALUE = "policy-commitment-initial-funding-value";
  export const COMMITMENT_VERSION = "policy-commitment-version";
  export const COMMITMENT_LOCKTIME = "policy-commitment-locktime";
  export const COMMITMENT_SEQUENCE = "policy-commitment-sequence";
  export const COMMITMENT_SCRIPTS = "policy-commitment-scripts";
  export const COMMITMENT_OTHER = "policy-commitment-other";
  export const COMMITMENT_SINGULAR_TO_HOLDER = "policy-commitment-singular-to-holder";
  export const COMMITMENT_SINGULAR_TO_COUNTERPARTY = "policy-commitment-singular-to-counterparty";
  export const COMMITMENT_NO_UNRECOGNIZED_OUTPUTS = "policy-commitment-no-unrecognized-outputs";
  export const COMMITMENT_SPENDS_ACTIVE_UTXO = "policy-commitment-spends-active-utxo";
  export const COMMITMENT_FIRST_NO_HTLCS = "policy-commitment-first-no-htlcs";
  export const COMMITMENT_HTLC_INFLIGHT_LIMIT = "policy-commitment-htlc-inflight-limit";
  export const COMMITMENT_FEE_RANGE = "policy-commitment-fee-range";
  export const COMMITMENT_HTLC_COUNT_LIMIT = "policy-commitment-htlc-count-limit";
  export const COMMITMENT_HTLC_ROUTING_BALANCE = "policy-commitment-htlc-routing-balance";
  export const COMMITMENT_HTLC_RECEIVED_SPENDS_ACTIVE_UTXO = "policy-commitment-htlc-received-spends-active-utxo";
  export const COMMITMENT_REVOCATION_PUBKEY = "policy-commitment-revocation-pubkey";
  export const COMMITMENT_BROADCASTER_PUBKEY = "policy-commitment-broadcaster-pubkey";
  export const COMMITMENT_COUNTERSIGNATORY_PUBKEY = "policy-commitment-countersignatory-pubkey";
  export const COMMITMENT_HTLC_REVOCATION_PUBKEY = "policy-commitment-htlc-revocation-pubkey";
  export const COMMITMENT_HTLC_COUNTERPARTY_HTLC_PUBKEY = "policy-commitment-htlc-counterparty-htlc-pubkey";
  export const COMMITMENT_HTLC_HOLDER_HTLC_PUBKEY = "policy-commitment-htlc-holder-htlc-pubkey";
  export const COMMITMENT_TO_SELF_DELAY_RANGE = "policy-commitment-to-self-delay-range";
  export const COMMITMENT_HTLC_CLTV_RANGE = "policy-commitment-htlc-cltv-range";
  export const COMMITMENT_HTLC_OFFERED_HASH_MATCHES = "policy-commitment-htlc-offered-hash-matches";
  export const COMMITMENT_OUTPUTS_TRIMMED = "policy-commitment-outputs-trimmed";
  export const COMMITMENT_PREVIOUS_REVOKED = "policy-commitment-previous-revoked";
  export const COMMITMENT_HOLDER_NOT_REVOKED = "policy-commitment-holder-not-revoked";
  export const COMMITMENT_RETRY_SAME = "policy-commitment-retry-same";
  export const COMMITMENT_ANCHORS_NOT_WHEN_OFF = "policy-commitment-anchors-not-when-off";
  export const COMMITMENT_ANCHOR_TO_HOLDER = "policy-commitment-anchor-to-holder";
  export const COMMITMENT_ANCHOR_TO_COUNTERPARTY = "policy-commitment-anchor-to-counterparty";
  export const COMMITMENT_ANCHOR_AMOUNT = "policy-commitment-anchor-amount";
  export const COMMITMENT_ANCHOR_STATIC_REMOTEKEY = "policy-commitment-anchor-static-remotekey";
  export const COMMITMENT_ANCHOR_MATCH_FUNDINGKEY = "policy-commitment-anchor-match-fundingkey";
  // Payments
  export const COMMITMENT_PAYMENT_SETTLED_PREIMAGE = "policy-commitment-payment-settled-preimage";
  export const COMMITMENT_PAYMENT_ALLOWLISTED = "policy-commitment-payment-allowlisted";
  export const COMMITMENT_PAYMENT_VELOCITY = "policy-commitment-payment-velocity";
  export const COMMITMENT_PAYMENT_APPROVED = "policy-commitment-payment-approved";
  export const COMMITMENT_PAYMENT_INVOICED = "policy-commitment-payment-invoiced";
  export const INVOICE_NOT_EXPIRED = "policy-invoice-not-expired";
  export const NO_ROUTING = "policy-no-routing";
  // Revocation (before releasing a per-commitment secret)
  export const REVOKE_NEW_COMMITMENT_SIGNED = "policy-revoke-new-commitment-signed";
  export const REVOKE_NEW_COMMITMENT_VALID = "policy-revoke-new-commitment-valid";
  export const REVOKE_NOT_CLOSED = "policy-revoke-not-closed";
  // HTLC second-stage transactions
  export const HTLC_VERSION = "policy-htlc-version";
  export const HTLC_LOCKTIME = "policy-htlc-locktime";
  export const HTLC_SEQUENCE = "policy-htlc-sequence";
  export const HTLC_OTHER = "policy-htlc-other";
  export const HTLC_CLTV_RANGE = "policy-htlc-cltv-range";
  export const HTLC_REVOCATION_PUBKEY = "policy-htlc-revocation-pubkey";
  export const HTLC_DELAYED_PUBKEY = "policy-htlc-delayed-pubkey";
  export const HTLC_TO_SELF_DELAY = "policy-htlc-to-self-delay";
  export const HTLC_FEE_RANGE = "policy-htlc-fee-range";
  // Mutual close
  export const MUTUAL_DESTINATION_ALLOWLISTED = "policy-mutual-destination-allowlisted";
  export const MUTUAL_VALUE_MATCHES_COMMITMENT = "policy-mutual-value-matches-commitment";
  export const MUTUAL_FEE_RANGE = "policy-mutual-fee-range";
  export const MUTUAL_NO_PENDING_HTLCS = "policy-mutual-no-pending-htlcs";
  // Sweeps (delayed outputs, HTLC outputs, justice)
  export const SWEEP_VERSION = "policy-sweep-version";
  export const SWEEP_SEQUENCE = "policy-sweep-sequence";
  export const SWEEP_LOCKTIME = "policy-sweep-locktime";
  export const SWEEP_DESTINATION_ALLOWLISTED = "policy-sweep-destination-allowlisted";
  export const SWEEP_FEE_RANGE = "policy-sweep-fee-range";
  // Optional and use-case rules
  export const FUNDING_MAX = "policy-funding-max";
  export const VELOCITY_FUNDING = "policy-velocity-funding";
  export const VELOCITY_TRANSFERRED = "policy-velocity-transferred";
  export const MERCHANT_NO_SENDS = "policy-merchant-no-sends";
  export const ROUTING_BALANCED = "policy-routing-balanced";
  export const ROUTING_DELTAS_ONLY_HTLC = "policy-routing-deltas-only-htlc";
  // Layer 1 (chain state)
  export const CHAIN_HEADERS_VALID = "policy-chain-headers-valid";
  export const CHAIN_ORACLE_PROOF = "policy-chain-oracle-proof";
  export const CHAIN_REORG_DEPTH = "policy-chain-reorg-depth";
  export const HEARTBEAT_FRESH = "policy-heartbeat-fresh";
}

/** Every rule: id, hard (never downgraded by a filter), optional (off unless configured). */
export const RULES: RuleInfo[] = [
  new RuleInfo(Rule.CHANNEL_CONTEST_DELAY_RANGE_HOLDER, false, false),
  new RuleInfo(Rule.CHANNEL_CONTEST_DELAY_RANGE_COUNTERPARTY, false, false),
  new RuleInfo(Rule.CHANNEL_SAFE_MODE, false, false),
  new RuleInfo(Rule.CHANNEL_ORIGINAL_CHANNEL_ID_REUSE, false, false),
  new RuleInfo(Rule.ONCHAIN_OUTPUT_SCRIPTPUBKEY, false, false),
  new RuleInfo(Rule.ONCHAIN_OUTPUT_MATCH_COMMITMENT, false, false),
  new RuleInfo(Rule.ONCHAIN_INITIAL_COMMITMENT_COUNTERSIGNED, true, false),
  new RuleInfo(Rule.ONCHAIN_NO_UNKNOWN_OUTPUTS, false, false),
  new RuleInfo(Rule.ONCHAIN_NO_CHANNEL_PUSH, false, false),
  new RuleInfo(Rule.ONCHAIN_NO_FUND_INBOUND, false, false),
  new RuleInfo(Rule.ONCHAIN_WALLET_PATH_PREDICTABLE, false, false),
  new RuleInfo(Rule.ONCHAIN_FEE_RANGE, false, false),
  new RuleInfo(Rule.ONCHAIN_FORMAT_STANDARD, false, false),
  new RuleInfo(Rule.ONCHAIN_FUNDING_NON_MALLEABLE, false, false),
  new RuleInfo(Rule.ONCHAIN_MAX_SIZE, false, false),
  new RuleInfo(Rule.COMMITMENT_INPUT_SINGLE, false, false),
  new RuleInfo(Rule.COMMITMENT_INPUT_MATCH_FUNDING, false, false),
  new RuleInfo(Rule.COMMITMENT_INITIAL_FUNDING_VALUE, false, false),
  new RuleInfo(Rule.COMMITMENT_VERSION, false, false),
  new RuleInfo(Rule.COMMITMENT_LOCKTIME, false, false),
  new RuleInfo(Rule.COMMITMENT_SEQUENCE, false, false),
  new RuleInfo(Rule.COMMITMENT_SCRIPTS, false, false),
  new RuleInfo(Rule.COMMITMENT_OTHER, false, false),
  new RuleInfo(Rule.COMMITMENT_SINGULAR_TO_HOLDER, false, false),
  new RuleInfo(Rule.COMMITMENT_SINGULAR_TO_COUNTERPARTY, false, false),
  new RuleInfo(Rule.COMMITMENT_NO_UNRECOGNIZED_OUTPUTS, false, false),
  new RuleInfo(Rule.COMMITMENT_SPENDS_ACTIVE_UTXO, false, false),
  new RuleInfo(Rule.COMMITMENT_FIRST_NO_HTLCS, false, false),
  new RuleInfo(Rule.COMMITMENT_HTLC_INFLIGHT_LIMIT, false, false),
  new RuleInfo(Rule.COMMITMENT_FEE_RANGE, false, false),
  new RuleInfo(Rule.COMMITMENT_HTLC_COUNT_LIMIT, false, false),
  new RuleInfo(Rule.COMMITMENT_HTLC_ROUTING_BALANCE, false, false),
  new RuleInfo(Rule.COMMITMENT_HTLC_RECEIVED_SPENDS_ACTIVE_UTXO, false, false),
  new RuleInfo(Rule.COMMITMENT_REVOCATION_PUBKEY, false, false),
  new RuleInfo(Rule.COMMITMENT_BROADCASTER_PUBKEY, false, false),
  new RuleInfo(Rule.COMMITMENT_COUNTERSIGNATORY_PUBKEY, false, false),
  new RuleInfo(Rule.COMMITMENT_HTLC_REVOCATION_PUBKEY, false, false),
  new RuleInfo(Rule.COMMITMENT_HTLC_COUNTERPARTY_HTLC_PUBKEY, false, false),
  new RuleInfo(Rule.COMMITMENT_HTLC_HOLDER_HTLC_PUBKEY, false, false),
  new RuleInfo(Rule.COMMITMENT_TO_SELF_DELAY_RANGE, false, false),
  new RuleInfo(Rule.COMMITMENT_HTLC_CLTV_RANGE, false, false),
  new RuleInfo(Rule.COMMITMENT_HTLC_OFFERED_HASH_MATCHES, false, false),
  new RuleInfo(Rule.COMMITMENT_OUTPUTS_TRIMMED, false, false),
  new RuleInfo(Rule.COMMITMENT_PREVIOUS_REVOKED, true, false),
  new RuleInfo(Rule.COMMITMENT_HOLDER_NOT_REVOKED, true, false),
  new RuleInfo(Rule.COMMITMENT_RETRY_SAME, false, false),
  new RuleInfo(Rule.COMMITMENT_ANCHORS_NOT_WHEN_OFF, false, false),
  new RuleInfo(Rule.COMMITMENT_ANCHOR_TO_HOLDER, false, false),
  new RuleInfo(Rule.COMMITMENT_ANCHOR_TO_COUNTERPARTY, false, false),
  new RuleInfo(Rule.COMMITMENT_ANCHOR_AMOUNT, false, false),
  new RuleInfo(Rule.COMMITMENT_ANCHOR_STATIC_REMOTEKEY, false, false),
  new RuleInfo(Rule.COMMITMENT_ANCHOR_MATCH_FUNDINGKEY, false, false),
  new RuleInfo(Rule.COMMITMENT_PAYMENT_SETTLED_PREIMAGE, false, false),
  new RuleInfo(Rule.COMMITMENT_PAYMENT_ALLOWLISTED, false, true),
  new RuleInfo(Rule.COMMITMENT_PAYMENT_VELOCITY, false, true),
  new RuleInfo(Rule.COMMITMENT_PAYMENT_APPROVED, false, true),
  new RuleInfo(Rule.COMMITMENT_PAYMENT_INVOICED, false, false),
  new RuleInfo(Rule.INVOICE_NOT_EXPIRED, false, false),
  new RuleInfo(Rule.NO_ROUTING, false, false),
  new RuleInfo(Rule.REVOKE_NEW_COMMITMENT_SIGNED, true, false),
  new RuleInfo(Rule.REVOKE_NEW_COMMITMENT_VALID, true, false),
  new RuleInfo(Rule.REVOKE_NOT_CLOSED, false, false),
  new RuleInfo(Rule.HTLC_VERSION, false, false),
  new RuleInfo(Rule.HTLC_LOCKTIME, false, false),
  new RuleInfo(Rule.HTLC_SEQUENCE, false, false),
  new RuleInfo(Rule.HTLC_OTHER, false, false),
  new RuleInfo(Rule.HTLC_CLTV_RANGE, false, false),
  new RuleInfo(Rule.HTLC_REVOCATION_PUBKEY, false, false),
  new RuleInfo(Rule.HTLC_DELAYED_PUBKEY, false, false),
  new RuleInfo(Rule.HTLC_TO_SELF_DELAY, false, false),
  new RuleInfo(Rule.HTLC_FEE_RANGE, false, false),
  new RuleInfo(Rule.MUTUAL_DESTINATION_ALLOWLISTED, false, false),
  new RuleInfo(Rule.MUTUAL_VALUE_MATCHES_COMMITMENT, false, false),
  new RuleInfo(Rule.MUTUAL_FEE_RANGE, false, false),
  new RuleInfo(Rule.MUTUAL_NO_PENDING_HTLCS, false, false),
  new RuleInfo(Rule.SWEEP_VERSION, false, false),
  new RuleInfo(Rule.SWEEP_SEQUENCE, false, false),
  new RuleInfo(Rule.SWEEP_LOCKTIME, false, false),
  new RuleInfo(Rule.SWEEP_DESTINATION_ALLOWLISTED, false, false),
  new RuleInfo(Rule.SWEEP_FEE_RANGE, false, false),
  new RuleInfo(Rule.FUNDING_MAX, false, true),
  new RuleInfo(Rule.VELOCITY_FUNDING, false, true),
  new RuleInfo(Rule.VELOCITY_TRANSFERRED, false, true),
  new RuleInfo(Rule.MERCHANT_NO_SENDS, false, true),
  new RuleInfo(Rule.ROUTING_BALANCED, false, true),
  new RuleInfo(Rule.ROUTING_DELTAS_ONLY_HTLC, false, true),
  new RuleInfo(Rule.CHAIN_HEADERS_VALID, false, false),
  new RuleInfo(Rule.CHAIN_ORACLE_PROOF, false, false),
  new RuleInfo(Rule.CHAIN_REORG_DEPTH, false, false),
  new RuleInfo(Rule.HEARTBEAT_FRESH, false, false),
];

export function findRule(id: string): RuleInfo | null {
  for (let i = 0; i < RULES.length; i++) if (RULES[i].id == id) return RULES[i];
  return null;
}
