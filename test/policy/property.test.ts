// Property test of the policy engine (issue #7): random legal request
// sequences between the signer and a simulated peer, both sides driven as
// BOLT 2 drives them (test/policy/sequences.ts), produce no refusal; in each
// sequence one request at a random point is preceded by one mutation of it
// (or of the state it is in) that makes it illegal, and that mutation gets a
// typed error — never a signature or a secret — with the signer's state
// digest unchanged; the legal sequence then goes on and still sees no refusal.
//
//   VIGIL_PROPERTY_SEQUENCES  histories (default 300; the acceptance figure is 10 000)
//   VIGIL_PROPERTY_SEED       first seed (default 1); a run is deterministic from (seed, count)
//   VIGIL_PROPERTY_ACTIONS    longest history, in protocol actions (default 40)
//   VIGIL_PROPERTY_KNOWN_GAPS=0  leave out the flows and mutations of the gaps this test found (fixed; on by default)
//   VIGIL_PROPERTY_REPORT     write the figures (JSON) to this file
import { describe, it, expect } from "vitest";
import { writeFileSync } from "node:fs";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { Signer, SignerError, Code } from "../../host/signer.js";
import { signCounterpartyCommitment, signHolderCommitment, validateCounterpartyRevocation, validateHolderCommitment, type ChannelState, type StateHtlc } from "../../host/commitments.js";
import { showInvoice } from "../../host/payments.js";
import { perCommitmentSecret } from "../../host/tools/bolt3.js";
import { channelId, key, peerSignatures, setup, signer } from "./fixtures.js";
import { MUTATION_KINDS, PAYEE, invoice, newStats, runHistory, type Stats } from "./sequences.js";

const env = process.env;
const N = Number(env.VIGIL_PROPERTY_SEQUENCES ?? 300);
const SEED = Number(env.VIGIL_PROPERTY_SEED ?? 1);
const ACTIONS = Number(env.VIGIL_PROPERTY_ACTIONS ?? 40);
const GAPS = env.VIGIL_PROPERTY_KNOWN_GAPS !== "0";

/** Mutation kinds of the gaps found by this test (fixed in the core; regression tests below). */
const KNOWN_GAPS = ["payment-duplicated", "holder-htlc-never-offered"];

const total = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);
const table = (m: Record<string, number>) => Object.entries(m).sort((a, b) => b[1] - a[1]).map(([k, v]) => `    ${String(v).padStart(6)}  ${k}`).join("\n");

function report(st: Stats, ms: number): string {
  return [
    `property: ${st.sequences} histories, ${st.actions} protocol actions, ${total(st.requests)} signer requests, ${st.htlcs} HTLCs (${st.dustHtlcs} dust, ${st.multipart} multi-part payments, ${st.retries} retries), ${st.trailers} node-tx trailers, ${st.forceCloses} force closes, ${(ms / 1000).toFixed(1)} s (${(ms / Math.max(1, st.sequences)).toFixed(0)} ms per history)`,
    `  requests:\n${table(st.requests)}`,
    `  mutations (${total(st.mutations)}):\n${table(st.mutations)}`,
    `  refusals by rule id / code (${total(st.refusals)}):\n${table(st.refusals)}`,
    ...(st.failures.length ? [`  FAILURES (${st.failures.length}):\n${st.failures.slice(0, 20).map((f) => `    ${f.message}`).join("\n")}`] : []),
  ].join("\n");
}

describe("property: random legal histories, one mutation each (issue #7)", () => {
  it(`${N} histories: no legal request refused; every mutation refused with a typed error, no signature, state unchanged`, async () => {
    const stats = newStats();
    const t0 = performance.now();
    for (let i = 0; i < N; i++) {
      runHistory(SEED + i, { maxActions: ACTIONS, trailerRate: 0.3, forceCloseRate: 0.2, mutate: true, knownGaps: GAPS }, stats);
      if (i % 10 === 9) await new Promise((r) => setImmediate(r)); // let the vitest worker answer its RPC during a long run
    }
    const ms = performance.now() - t0;
    if (env.VIGIL_PROPERTY_REPORT) writeFileSync(env.VIGIL_PROPERTY_REPORT, JSON.stringify({ ...stats, ms }, null, 1));
    console.log(report(stats, ms));
    expect(stats.failures.slice(0, 10)).toEqual([]);
    expect(stats.sequences).toBe(N);
    expect(total(stats.mutations)).toBe(N);
    expect(total(stats.refusals)).toBe(N);
    for (const k of Object.keys(stats.mutations)) expect(Object.keys(MUTATION_KINDS)).toContain(k);
    if (N >= 300) {
      // Every kind had its turn, and the histories did what BOLT 2 histories do.
      for (const k of Object.keys(MUTATION_KINDS)) if (GAPS || !KNOWN_GAPS.includes(k)) expect(stats.mutations[k] ?? 0, k).toBeGreaterThan(0);
      for (const r of ["show_invoice", "sign_counterparty_commitment", "validate_holder_commitment", "revoke_holder_commitment", "validate_counterparty_revocation",
        "htlc_preimage", "sign_holder_commitment", "sign_holder_htlc_tx", "sign_counterparty_commitment (retry)", "validate_holder_commitment (retry)", "revoke_holder_commitment (retry)"]) {
        expect(stats.requests[r] ?? 0, r).toBeGreaterThan(0);
      }
      for (const x of [stats.dustHtlcs, stats.multipart, stats.trailers, stats.forceCloses]) expect(x).toBeGreaterThan(0);
    }
  }, Math.max(120_000, N * 2_000)); // a long run (VIGIL_PROPERTY_SEQUENCES) gets the time it needs
});

// ---------------------------------------------------------------- gaps found
// Found by this property test, fixed in the core; their minimal reproductions
// stay as regression tests.

const INITIAL = (1n << 48n) - 1n;
const PUSH = 100_000_000n;
const T = 1_750_000_000n;
const ours = (amountMsat: bigint, cltvExpiry: number, paymentHash: Uint8Array): StateHtlc => ({ ours: true, amountMsat, cltvExpiry, paymentHash });
const outcome = (f: () => unknown): SignerError | "accepted" => { try { f(); return "accepted"; } catch (e) { if (e instanceof SignerError) return e; throw e; } };

/** Channel 1 (outbound, push): sign the peer's commitments in order, taking each revocation of the one before. */
function peerSide(s: Signer) {
  const id = channelId(1);
  const basepoints = s.newChannel(id, 1_000_000n);
  s.readyChannel(setup(1, { holderDustLimitSat: 354n, counterpartyDustLimitSat: 354n, pushMsat: PUSH }));
  const secret = (k: bigint) => perCommitmentSecret(s, key("peer seed"), INITIAL - k);
  let next = 0n;
  const state = (over: Partial<ChannelState>): ChannelState => ({ number: next, point: secp256k1.getPublicKey(secret(next), true), feeratePerKw: 1000, toHolderMsat: 1_000_000_000n - PUSH, toCounterpartyMsat: PUSH, htlcs: [], ...over });
  const sign = (over: Partial<ChannelState> = {}) => {
    signCounterpartyCommitment(s, id, state(over), T);
    if (next > 0n) validateCounterpartyRevocation(s, id, next - 1n, secret(next - 1n));
    next++;
  };
  return { id, basepoints, sign, attempt: (over: Partial<ChannelState>) => () => signCounterpartyCommitment(s, id, state(over), T) };
}

describe("gaps found by the property test (fixed)", () => {
  it("a payment retried after its HTLC failed back is accepted (the failed HTLC no longer counts as paid)", () => {
    const s = signer({ allowPush: true });
    const a = peerSide(s);
    const H = sha256(key("retried payment"));
    showInvoice(s, invoice(s, H, 10_000_000n, T), PAYEE, T);
    a.sign();
    a.sign({ toHolderMsat: 890_000_000n, htlcs: [ours(10_000_000n, 600_000, H)] }); // the first attempt
    a.sign(); // it failed: back to us
    // BOLT 2 allows the retry (LDK retries with the same hash); the invoice has paid nothing.
    expect(outcome(a.attempt({ toHolderMsat: 890_000_000n, htlcs: [ours(10_000_000n, 600_100, H)] }))).toBe("accepted");
  });

  it("an HTLC of ours duplicated (same hash, amount, expiry) cannot pay its invoice twice (policy-commitment-payment-invoiced)", () => {
    const H = sha256(key("paid twice"));
    const fresh = () => {
      const s = signer({ allowPush: true });
      showInvoice(s, invoice(s, H, 10_000_000n, T), PAYEE, T);
      const a = peerSide(s);
      a.sign();
      return a;
    };
    // Both copies are new in the same commitment: each is checked against the invoice as if the other were not there.
    const rule = (e: SignerError | "accepted") => (e !== "accepted" && e.code === Code.POLICY ? e.rule : e);
    expect(rule(outcome(fresh().attempt({ toHolderMsat: 880_000_000n, htlcs: [ours(10_000_000n, 600_000, H), ours(10_000_000n, 600_000, H)] })))).toBe("policy-commitment-payment-invoiced");
    const a = fresh();
    a.sign({ toHolderMsat: 890_000_000n, htlcs: [ours(10_000_000n, 600_000, H)] });
    // A copy of an HTLC already signed is a new HTLC (multiset), so the payment rules see it.
    expect(rule(outcome(a.attempt({ toHolderMsat: 880_000_000n, htlcs: [ours(10_000_000n, 600_000, H), ours(10_000_000n, 600_000, H)] })))).toBe("policy-commitment-payment-invoiced");
  });

  it("our commitment may not add an HTLC of ours that no commitment we signed for the peer had (policy-commitment-htlc-routing-balance)", () => {
    const s = signer({ allowPush: true });
    const a = peerSide(s);
    a.sign();
    const st = (number: bigint, toHolderMsat: bigint, htlcs: StateHtlc[]) => ({ number, feeratePerKw: 1000, toHolderMsat, toCounterpartyMsat: PUSH, htlcs });
    const validate = (x: ReturnType<typeof st>) => { const g = peerSignatures(s, a.id, a.basepoints, x); validateHolderCommitment(s, a.id, x, g.sig, g.htlcSigs); };
    validate(st(0n, 900_000_000n, []));
    // 40% of the channel in an HTLC of ours the payment rules never saw (no invoice, never in a commitment we signed for the peer).
    const e = outcome(() => validate(st(1n, 500_000_000n, [ours(400_000_000n, 600_000, sha256(key("never offered")))])));
    expect(e !== "accepted" && e.code === Code.POLICY ? e.rule : e).toBe("policy-commitment-htlc-routing-balance");
    expect(() => signHolderCommitment(s, a.id, 1n)).toThrow(); // nothing validated for commitment 1
  });

  it("a retransmitted commitment listing the same HTLCs in another order is the same commitment", () => {
    const s = signer({ allowPush: true });
    const a = peerSide(s);
    const h1 = sha256(key("h1")), h2 = sha256(key("h2"));
    for (const h of [h1, h2]) showInvoice(s, invoice(s, h, 5_000_000n, T), PAYEE, T);
    a.sign();
    const htlcs = [ours(5_000_000n, 600_000, h1), ours(5_000_000n, 600_001, h2)];
    a.sign({ toHolderMsat: 890_000_000n, htlcs });
    const retry: ChannelState = { number: 1n, point: secp256k1.getPublicKey(perCommitmentSecret(s, key("peer seed"), INITIAL - 1n), true), feeratePerKw: 1000, toHolderMsat: 890_000_000n, toCounterpartyMsat: PUSH, htlcs: [...htlcs].reverse() };
    expect(outcome(() => signCounterpartyCommitment(s, a.id, retry, T))).toBe("accepted");
  });
});
