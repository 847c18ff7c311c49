// Random legal channel histories between the signer (L, "us") and a simulated
// peer (P), driven as BOLT 2 "Normal Operation" drives both sides, and the
// mutations a hostile node may make to one request of such a history. Used by
// test/policy/property.test.ts.
//
// The model (BOLT 2 §Normal Operation, "Updating Fees", "Committing Updates So Far"):
// each side proposes updates (update_add_htlc, update_fulfill_htlc,
// update_fail_htlc, update_fee from the funder only) that travel in order on a
// FIFO link. A commitment_signed from X covers every update X has sent and
// the updates of Y that X has acknowledged (received in a commitment_signed of
// Y and revoked its previous commitment for); X sends no other
// commitment_signed until the revoke_and_ack for the last one arrives; an HTLC
// is removed only once its add is irrevocably committed on both sides; the
// funder keeps its reserve and the fee (at the highest feerate used here);
// every add keeps the sender above its reserve counting credits only once the
// removal that pays them is in both latest commitments. The signer (L) is
// driven through its requests: show_invoice before each payment of ours
// (policy-commitment-payment-invoiced is *not* filtered: every payment has an
// invoice), sign_counterparty_commitment when L sends commitment_signed
// (sometimes with the node's own txs in the trailer), validate_holder_commitment
// + revoke_holder_commitment when it receives one, validate_counterparty_revocation
// on revoke_and_ack, htlc_preimage on update_fulfill_htlc of one of our HTLCs,
// retransmissions of the last request (same bytes: same reply), and sometimes a
// force close at the end (sign_holder_commitment, sign_holder_htlc_tx).
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bech32 } from "@scure/base";
import * as btc from "@scure/btc-signer";
import { Signer, SignerError, Code, type Basepoints, type ChannelSetup } from "../../host/signer.js";
import { CodeName } from "../../host/protocol/envelope.js";
import { Reader, Writer } from "../../host/protocol/codec.js";
import { htlcPreimage, perCommitmentPoint, revokeHolderCommitment, signCounterpartyCommitment, signHolderCommitment, signHolderHtlcTx, validateCounterpartyRevocation, validateHolderCommitment, type ChannelState, type HolderState, type NodeTxs, type StateHtlc } from "../../host/commitments.js";
import { showInvoice } from "../../host/payments.js";
import { derivePubkey, fundingScript, perCommitmentSecret, revocationPubkey } from "../../host/tools/bolt3.js";
import { bolt11SignWithKey } from "../../host/tools/lightning.js";
import { sighashV0 } from "../../host/tools/bitcoin.js";
import { commitmentToolRequest, readCommitmentTool } from "./fixtures.js";

// ---------------------------------------------------------------- randomness

/** Deterministic PRNG (mulberry32): a failure is reproduced from its seed. */
export class Rng {
  private x: number;
  constructor(seed: number) { this.x = (seed * 0x9e3779b1) >>> 0 || 1; }
  u32(): number {
    let t = (this.x = (this.x + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** Uniform in [lo, hi]. */
  int(lo: number, hi: number): number { return lo + Math.floor((this.u32() / 0x1_0000_0000) * (hi - lo + 1)); }
  big(lo: bigint, hi: bigint): bigint {
    const span = hi - lo + 1n;
    const r = (BigInt(this.u32()) << 32n) | BigInt(this.u32());
    return lo + (r % span);
  }
  chance(p: number): boolean { return this.u32() / 0x1_0000_0000 < p; }
  pick<T>(a: readonly T[]): T { return a[this.int(0, a.length - 1)]; }
  bytes(n: number): Uint8Array { return Uint8Array.from({ length: n }, () => this.u32() & 0xff); }
  shuffle<T>(a: T[]): T[] {
    for (let i = a.length - 1; i > 0; i--) { const j = this.int(0, i); [a[i], a[j]] = [a[j], a[i]]; }
    return a;
  }
}

// ---------------------------------------------------------------- constants

const utf8 = (x: string) => new TextEncoder().encode(x);
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const key = (label: string) => sha256(utf8(label));
const INITIAL = (1n << 48n) - 1n; // BOLT 3: the first per-commitment secret's index
/** HTLCs in flight per direction (keeps every removal set under the core's exact subset-sum bound of 16). */
const MAX_HTLCS = 6;
const RATE_MIN = 253, RATE_MAX = 10_000; // feerates used by the honest sides
const POLICY_RATE_MIN = 253, POLICY_RATE_MAX = 250_000; // the policy's defaults (assembly/policy/config.ts)
const INVOICE_BUDGET_PPM = 50_000n; // policy default invoiceFeeBudgetPpm
/** What the funder keeps for the fee at RATE_MAX with every HTLC in flight, and both anchors (BOLT 3 weights). */
const FEE_RESERVE_SAT = BigInt(Math.ceil(RATE_MAX * (1124 + 172 * 2 * MAX_HTLCS) / 1000)) + 660n;
const PAYEE_SEC = key("property payee");
export const PAYEE = secp256k1.getPublicKey(PAYEE_SEC, true);

type Side = "L" | "P";
const other = (x: Side): Side => (x === "L" ? "P" : "L");

interface Htlc {
  id: number; from: Side; amountMsat: bigint; cltv: number; preimage: Uint8Array; hash: Uint8Array;
  add: Update; removal?: Update; pay?: Payment; tryNo: number;
}
/** A payment of ours: its invoice (amount or none) and the HTLCs that carry it (parts, retries). */
interface Payment { hash: Uint8Array; preimage: Uint8Array; invoiceMsat: bigint | null; parts: Htlc[]; tries: number }
interface Update { by: Side; index: number; kind: "add" | "fulfill" | "fail" | "fee"; htlc?: Htlc; rate?: number }
type Inc = Record<Side, number>;
/** One commitment: the updates of each side it covers, and the state they give. */
interface Commit { number: bigint; inc: Inc; view: View }
interface View { feerate: number; toL: bigint; toP: bigint; htlcs: Htlc[] }

/** A signature request for our commitment `number` (validate_holder_commitment) as the peer sends it. */
interface VhcReq { st: HolderState; sig: Uint8Array; htlcSigs: Uint8Array[]; nodeTxs?: NodeTxs }
type Msg =
  | { t: "update"; u: Update }
  | { t: "commit"; c: Commit; req?: VhcReq }
  | { t: "raa"; number: bigint };

// ---------------------------------------------------------------- outcomes

export interface Stats {
  sequences: number; actions: number; requests: Record<string, number>; mutations: Record<string, number>;
  refusals: Record<string, number>; htlcs: number; dustHtlcs: number; multipart: number; retries: number; trailers: number; forceCloses: number;
  failures: Array<{ seed: number; message: string }>;
}
export const newStats = (): Stats => ({ sequences: 0, actions: 0, requests: {}, mutations: {}, refusals: {}, htlcs: 0, dustHtlcs: 0, multipart: 0, retries: 0, trailers: 0, forceCloses: 0, failures: [] });
const bump = (m: Record<string, number>, k: string, n = 1) => { m[k] = (m[k] ?? 0) + n; };

/** What a mutated request must get: a typed error with one of `codes`, or POLICY with one of `rules` (or an id starting with one of `rulePrefixes`). */
type Expect = { codes?: number[]; rules?: string[]; rulePrefixes?: string[] };
const E = {
  rule: (...rules: string[]): Expect => ({ rules }),
  code: (...codes: number[]): Expect => ({ codes }),
};
const VALUE_FLOW = ["policy-routing-deltas-only-htlc", "policy-commitment-payment-settled-preimage"];
const NODE_TX: Expect = { codes: [Code.MALFORMED, Code.INVALID_ARGUMENT], rulePrefixes: ["policy-commitment-", "policy-htlc-"] };

/**
 * Every mutation kind and why the request it makes is illegal. Balance changes
 * are checked against the test's own oracle (explainable): a change that some
 * outcome of the HTLCs in flight would explain is not used.
 */
export const MUTATION_KINDS: Record<string, string> = {
  "balance-moved-without-htlc": "a commitment moves more msat between the balances than all HTLCs of it and the previous one together: no add/fulfill/fail explains it (commitment 0: not the funding split)",
  "value-not-conserved": "balances and HTLCs add up to 1..999 msat more than the channel value",
  "feerate-out-of-range": "feerate_per_kw below 253 or above 250 000 (the policy's commitment fee range)",
  "htlc-settled-without-preimage": "an HTLC of ours leaves the commitment paying the peer while its preimage was never shown to the signer",
  "their-htlc-paid-by-us": "a new HTLC of the peer whose amount is taken out of our balance",
  "htlc-count-over-limit": "the peer's HTLCs go to 484, one over BOLT 2's max_accepted_htlcs bound (the policy default)",
  "first-commitment-with-htlc": "commitment 0 carries an HTLC (BOLT 2: nothing can be added before the channel is open)",
  "commitment-number-skipped": "a commitment number past the next one",
  "commitment-number-reused": "the last commitment number again with another state (a retry must be the same content)",
  "per-commitment-point-invalid": "a per-commitment point that is not a point of the curve",
  "payment-without-invoice": "a new HTLC of ours for a payment hash no invoice was shown for",
  "payment-over-invoice": "a new HTLC of ours that alone pays more than its invoice plus the fee budget",
  "payment-duplicated": "a copy of an HTLC of ours (same hash, amount, expiry) that makes the payment exceed its invoice plus budget",
  "node-tx-byte-flipped": "one byte of the node's commitment tx, HTLC tx or witness script (not the framing) differs from BOLT 3's",
  "node-tx-field-changed": "the node's commitment tx with another version, locktime, sequence, funding outpoint or output amount, or one HTLC tx left out",
  "node-tx-stale": "the node sends the txs of the previous commitment with the new state",
  "peer-signature-invalid": "the peer's commitment signature is the previous commitment's, or has a bit flipped",
  "htlc-signature-invalid": "an HTLC signature is missing, swapped with another, or has a bit flipped",
  "holder-htlc-never-offered": "our commitment adds an HTLC of ours that no commitment we signed for the peer had, and no invoice was shown",
  "revocation-secret-wrong": "the peer's revocation carries random bytes, the next commitment's secret, or the secret with a bit flipped",
  "revocation-out-of-order": "the peer revokes the commitment after (not yet superseded) or before (already revoked) the next one",
  "preimage-of-no-htlc-of-ours": "htlc_preimage with a random preimage, or the preimage of an HTLC the peer offered",
  "invoice-expired": "an invoice shown after its expiry",
  "revoke-before-next-validated": "revoke our latest commitment: its successor has no valid signature of the peer yet",
  "sign-revoked-holder": "sign (force close) one of our commitments we already revoked",
  "peer-commitment-while-awaiting-revocation": "sign a new commitment of the peer while the one before the last is not revoked (a third unrevoked one)",
  "holder-htlc-tx-tampered": "at force close, our HTLC tx with version 1, another locktime or another sequence",
};

/** A mutation of one request: built lazily (null when this history gives it no illegal form). */
interface Mutant { kind: string; build(): { run: () => unknown; expect: Expect; what: string } | null }

export class Failure extends Error {}

// ---------------------------------------------------------------- BOLT 11

const intWords = (v: bigint, n: number) => Array.from({ length: n }, (_, i) => Number((v >> BigInt(5 * (n - 1 - i))) & 31n));
const field = (type: number, words: number[]) => [type, words.length >> 5, words.length & 31, ...words];

/** A regtest invoice for `hash` signed by the payee (amount in msat with the `p` multiplier, or none). */
export function invoice(s: Signer, hash: Uint8Array, amountMsat: bigint | null, time: bigint): string {
  const hrp = "lnbcrt" + (amountMsat === null ? "" : `${amountMsat * 10n}p`);
  const words = [...intWords(time, 7), ...field(1, bech32.toWords(hash)), ...field(16, bech32.toWords(key("secret " + hex(hash))))];
  const sig = bolt11SignWithKey(s, PAYEE_SEC, hrp, words); // recid | r | s
  return bech32.encode(hrp, [...words, ...bech32.toWords(Uint8Array.from([...sig.subarray(1), sig[0]]))], 4000);
}

// ---------------------------------------------------------------- BOLT 3 helpers (the honest node's view)

/** Minimal CScriptNum push of a small positive number. */
function pushNum(n: number): number[] {
  if (n <= 16) return [0x50 + n];
  const b: number[] = [];
  for (let v = n; v > 0; v >>= 8) b.push(v & 0xff);
  if (b[b.length - 1] & 0x80) b.push(0);
  return [b.length, ...b];
}

/** BOLT 3 to_local script (also the output script of the HTLC txs). */
function toLocalScript(revocation: Uint8Array, delayed: Uint8Array, delay: number): Uint8Array {
  return Uint8Array.from([0x63, 0x21, ...revocation, 0x67, ...pushNum(delay), 0xb2, 0x75, 0x21, ...delayed, 0x68, 0xac]);
}

const htlcKey = (h: StateHtlc) => `${h.ours}/${h.amountMsat}/${h.cltvExpiry}/${hex(h.paymentHash)}`;

/** The same state (HTLCs as a multiset)? */
function stateEq(a: Omit<HolderState, "number">, b: Omit<HolderState, "number">): boolean {
  if (a.feeratePerKw !== b.feeratePerKw || a.toHolderMsat !== b.toHolderMsat || a.toCounterpartyMsat !== b.toCounterpartyMsat || a.htlcs.length !== b.htlcs.length) return false;
  const x = a.htlcs.map(htlcKey).sort(), y = b.htlcs.map(htlcKey).sort();
  return x.every((v, i) => v === y[i]);
}

/** Multiset difference a − b of HTLC lists. */
function minus(a: StateHtlc[], b: StateHtlc[]): StateHtlc[] {
  const left = new Map<string, number>();
  for (const h of b) left.set(htlcKey(h), (left.get(htlcKey(h)) ?? 0) + 1);
  const out: StateHtlc[] = [];
  for (const h of a) { const n = left.get(htlcKey(h)) ?? 0; if (n > 0) left.set(htlcKey(h), n - 1); else out.push(h); }
  return out;
}

/**
 * The test's oracle for BOLT 2 value flow: can some outcome of the HTLCs that
 * left between `prev` and `next` (ours: failed back, or settled if its preimage
 * was shown; theirs: failed back or fulfilled to us) give `next`'s balance?
 * Brute force over the outcomes, independent of the core's implementation.
 */
export function explainable(prev: { toHolderMsat: bigint; htlcs: StateHtlc[] }, next: { toHolderMsat: bigint; htlcs: StateHtlc[] }, shown: Set<string>): boolean {
  const added = minus(next.htlcs, prev.htlcs), removed = minus(prev.htlcs, next.htlcs);
  let base = prev.toHolderMsat;
  for (const h of added) if (h.ours) base -= h.amountMsat;
  const optional: bigint[] = [];
  for (const h of removed) {
    if (h.ours && !shown.has(hex(h.paymentHash))) base += h.amountMsat; // must fail back to us
    else optional.push(h.amountMsat);
  }
  if (optional.length > 20) throw new Error("oracle: too many removed HTLCs");
  for (let m = 0; m < 1 << optional.length; m++) {
    let v = base;
    for (let i = 0; i < optional.length; i++) if (m & (1 << i)) v += optional[i];
    if (v === next.toHolderMsat) return true;
  }
  return false;
}

// ---------------------------------------------------------------- one history

/**
 * `knownGaps`: also the flows and mutations of the gaps this test found (fixed
 * in the core; on by default): payment retries after a failure and
 * retransmissions listing the HTLCs in another order (legal), a duplicated HTLC
 * of ours and an HTLC of ours that appears first on our own commitment (illegal).
 */
export interface Options { maxActions: number; trailerRate: number; forceCloseRate: number; mutate: boolean; knownGaps: boolean }

/**
 * One random legal history of one channel on a fresh signer (seed `seed`),
 * with one mutated request at a random point when `mutate`.
 */
export class History {
  readonly rng: Rng;
  readonly s: Signer;
  readonly id: Uint8Array;
  readonly setup: ChannelSetup;
  readonly ours: Basepoints;
  readonly peer: { bp: Basepoints; fundingSec: Uint8Array; htlcSec: Uint8Array; seed: Uint8Array };
  readonly funder: Side;
  readonly anchors: boolean;
  readonly valueMsat: bigint;
  readonly init: Record<Side, bigint>;
  readonly initRate: number;
  readonly reserveMsat: Record<Side, bigint>;

  updates: Record<Side, Update[]> = { L: [], P: [] };
  htlcs: Htlc[] = [];
  payments: Payment[] = [];
  cp: Commit[] = []; // the peer's commitments, signed by us in order
  cpReq: ChannelState[] = []; // the exact sign_counterparty_commitment content of each
  hc: Commit[] = []; // our commitments, signed by the peer in order
  hcReq: VhcReq[] = []; // the exact validate_holder_commitment request of each we validated
  cpRecv = 0; // peer commitments the peer has received
  lRevokedByP = 0; // our revocations the peer has received
  hcRecv = 0; // our commitments we validated
  lRevealed = 0; // our commitments we revoked
  pRevokedByL = 0; // peer revocations we took
  toP: Msg[] = [];
  toL: Msg[] = [];
  shown = new Set<string>(); // payment hashes of our HTLCs whose preimage the signer was shown
  hostTime: bigint;
  lastSigs = new Map<bigint, { sig: Uint8Array; htlcSigs: Uint8Array[] }>(); // our signatures per peer commitment
  lastSecrets = new Map<bigint, Uint8Array>(); // our released secrets
  private pointCache = new Map<bigint, Uint8Array>();
  private peerSecretCache = new Map<bigint, Uint8Array>();

  action = 0;
  requests = 0;
  readonly actions: number;
  readonly forceCloses: boolean;
  mutateAtAction: number;
  mutated = false;
  closed = false;

  constructor(readonly seed: number, readonly opts: Options, readonly stats: Stats) {
    const rng = (this.rng = new Rng(seed));
    this.s = new Signer();
    this.s.init({ secret: key("property signer " + seed), network: "regtest", policy: { allowPush: true } });
    this.id = key("property channel " + seed);
    const tag = "property peer " + seed;
    const sec = (x: string) => key(tag + "/" + x);
    const pub = (x: string) => secp256k1.getPublicKey(sec(x), true);
    this.peer = {
      bp: { funding: pub("funding"), revocation: pub("revocation"), payment: pub("payment"), delayedPayment: pub("delayed"), htlc: pub("htlc") },
      fundingSec: sec("funding"), htlcSec: sec("htlc"), seed: sec("commitment seed"),
    };
    const valueSat = BigInt(rng.int(500_000, 5_000_000));
    this.valueMsat = valueSat * 1000n;
    this.funder = rng.chance(0.5) ? "L" : "P";
    this.anchors = rng.chance(0.7);
    const push = this.valueMsat * BigInt(rng.int(10, 60)) / 100n + BigInt(rng.int(0, 999));
    const nonFunder = other(this.funder);
    this.init = { [this.funder]: this.valueMsat - push, [nonFunder]: push } as Record<Side, bigint>;
    this.initRate = rng.int(RATE_MIN, 5000);
    const reserve = valueSat / 100n;
    this.reserveMsat = { [this.funder]: (reserve + FEE_RESERVE_SAT) * 1000n, [nonFunder]: reserve * 1000n } as Record<Side, bigint>;
    this.hostTime = 1_750_000_000n + BigInt(seed % 1_000_000);
    this.ours = this.s.newChannel(this.id, valueSat);
    this.setup = {
      id: this.id, isOutbound: this.funder === "L", channelValueSat: valueSat, pushMsat: push,
      fundingTxid: key("property funding " + seed), fundingVout: rng.int(0, 3),
      holderSelectedContestDelay: rng.int(144, 1000), counterpartySelectedContestDelay: rng.int(144, 1000),
      holderDustLimitSat: BigInt(rng.int(354, 2000)), counterpartyDustLimitSat: BigInt(rng.int(354, 2000)),
      counterparty: this.peer.bp, channelType: this.anchors ? "anchors" : "static-remotekey",
    };
    this.s.readyChannel(this.setup);
    // The history's length; the mutation comes at the first request at or after a random action (the last: the end).
    this.actions = rng.int(Math.min(10, opts.maxActions), opts.maxActions);
    this.mutateAtAction = !opts.mutate ? -1 : rng.chance(0.1) ? 0 : rng.int(0, this.actions); // 0: at the channel's opening
    // Some histories end in a force close; a quarter of those keep their mutation for it.
    this.forceCloses = rng.chance(opts.forceCloseRate);
    if (this.forceCloses && opts.mutate && rng.chance(0.25)) this.mutateAtAction = this.actions;
  }

  // ------------------------------------------------------------ keys and points

  ourPoint(n: bigint): Uint8Array {
    let p = this.pointCache.get(n);
    if (!p) { p = perCommitmentPoint(this.s, this.id, n); this.pointCache.set(n, p); }
    return p;
  }
  peerSecret(n: bigint): Uint8Array {
    let x = this.peerSecretCache.get(n);
    if (!x) { x = perCommitmentSecret(this.s, this.peer.seed, INITIAL - n); this.peerSecretCache.set(n, x); }
    return x;
  }
  peerPoint(n: bigint): Uint8Array { return secp256k1.getPublicKey(this.peerSecret(n), true); }

  // ------------------------------------------------------------ states

  /** The state of a commitment covering `inc` updates of each side. */
  view(inc: Inc): View {
    let feerate = this.initRate;
    const bal: Record<Side, bigint> = { ...this.init };
    const live = new Map<number, Htlc>();
    for (const side of ["L", "P"] as Side[]) for (let i = 0; i < inc[side]; i++) {
      const u = this.updates[side][i];
      if (u.kind === "add") { live.set(u.htlc!.id, u.htlc!); bal[side] -= u.htlc!.amountMsat; }
      if (u.kind === "fee") feerate = u.rate!;
    }
    for (const side of ["L", "P"] as Side[]) for (let i = 0; i < inc[side]; i++) {
      const u = this.updates[side][i];
      if (u.kind !== "fulfill" && u.kind !== "fail") continue;
      const h = u.htlc!;
      if (!live.delete(h.id)) throw new Error(`model: removal of HTLC ${h.id} whose add is not covered`);
      bal[u.kind === "fulfill" ? u.by : h.from] += h.amountMsat;
    }
    if (bal.L < 0n || bal.P < 0n) throw new Error("model: negative balance");
    return { feerate, toL: bal.L, toP: bal.P, htlcs: [...live.values()].sort((a, b) => a.id - b.id) };
  }

  /** The request form of a state (HTLCs in random order: the signer must not care). */
  stateOf(c: Commit): HolderState {
    const htlcs = c.view.htlcs.map((h) => ({ ours: h.from === "L", amountMsat: h.amountMsat, cltvExpiry: h.cltv, paymentHash: h.hash }));
    return { number: c.number, feeratePerKw: c.view.feerate, toHolderMsat: c.view.toL, toCounterpartyMsat: c.view.toP, htlcs: this.rng.shuffle(htlcs) };
  }

  /** Is removal `u` in both latest commitments (so every later one has it)? */
  private inBoth(u: Update): boolean {
    const a = this.cp[this.cp.length - 1], b = this.hc[this.hc.length - 1];
    return !!a && !!b && u.index < a.inc[u.by] && u.index < b.inc[u.by];
  }

  /** The least balance side `x` can have in any later commitment (debits at once, credits once in both). */
  private projected(x: Side): bigint {
    let v = this.init[x];
    for (const h of this.htlcs) {
      if (h.from === x) v -= h.amountMsat;
      const u = h.removal;
      if (u && this.inBoth(u) && (u.kind === "fulfill" ? u.by : h.from) === x) v += h.amountMsat;
    }
    return v;
  }

  private inFlight(x: Side): number {
    return this.htlcs.filter((h) => h.from === x && !(h.removal && this.inBoth(h.removal))).length;
  }

  // ------------------------------------------------------------ requests

  /** Every legal request goes through here: counted, maybe preceded by the one mutation, and never refused. */
  private legal<T>(label: string, f: () => T, mutants: () => Mutant[] = () => []): T {
    if (this.opts.mutate && !this.mutated && this.action >= this.mutateAtAction) this.mutate([...mutants(), ...this.injected()]);
    this.requests++;
    bump(this.stats.requests, label);
    try { return f(); } catch (e) {
      throw new Failure(`seed ${this.seed} action ${this.action} request ${this.requests} ${label}: a legal request was refused: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /**
   * Run one of `list` (a mutation of the next request, or one injected from the
   * state): the kinds this run has used least come first (ties in random order),
   * so every kind gets its share; a kind with no illegal form here is skipped.
   */
  mutate(list: Mutant[]) {
    const used = (m: Mutant) => this.stats.mutations[m.kind] ?? 0;
    this.rng.shuffle(list).sort((a, b) => used(a) - used(b));
    for (const m of list) {
      const b = m.build();
      if (!b) continue;
      this.mutated = true;
      bump(this.stats.mutations, m.kind);
      const before = hex(this.s.stateDigest());
      let err: unknown = null, reply: unknown;
      try { reply = b.run(); } catch (e) { err = e; }
      const where = `seed ${this.seed} action ${this.action} mutation ${m.kind} (${b.what})`;
      if (err === null) throw new Failure(`${where}: accepted${reply instanceof Uint8Array || (reply && typeof reply === "object") ? " (a signature/secret came back)" : ""}`);
      if (!(err instanceof SignerError)) throw new Failure(`${where}: ${String(err)}`);
      const x = b.expect;
      const ok = (x.codes ?? []).includes(err.code) || (err.code === Code.POLICY && ((x.rules ?? []).includes(err.rule) || (x.rulePrefixes ?? []).some((p) => err.rule.startsWith(p))));
      if (!ok) throw new Failure(`${where}: unexpected refusal ${err.message}`);
      if (hex(this.s.stateDigest()) !== before) throw new Failure(`${where}: refused (${err.message}) but the state digest moved`);
      bump(this.stats.refusals, err.code === Code.POLICY ? err.rule : CodeName[err.code]);
      return;
    }
    throw new Failure(`seed ${this.seed}: no mutation applies`);
  }

  // ------------------------------------------------------------ the node's transactions

  /** The 0x8212/0x8215 payload for commitment `st` broadcast by us (`holder`) or by the peer. */
  private toolPayload(holder: boolean, st: HolderState, point: Uint8Array): Writer {
    return commitmentToolRequest(this.ours, st, point, holder, this.anchors, 1, this.setup, this.peer.bp);
  }

  /** The commitment and HTLC txs an honest node builds for `st` (the core's BOLT 3 tool), as the request trailer. */
  honestTxs(holder: boolean, st: HolderState, point: Uint8Array): NodeTxs {
    const { tx, scripts, htlcTxs } = readCommitmentTool(this.s.request(0x8212, this.toolPayload(holder, st, point).finish()), st.htlcs.length);
    // The HTLC txs pay the broadcaster's to_local script (BOLT 3), keyed by this commitment's point.
    const [revBase, delayedBase, delay] = holder
      ? [this.peer.bp.revocation, this.ours.delayedPayment, this.setup.counterpartySelectedContestDelay]
      : [this.ours.revocation, this.peer.bp.delayedPayment, this.setup.holderSelectedContestDelay];
    const ws = htlcTxs.length ? toLocalScript(revocationPubkey(this.s, revBase, point), derivePubkey(this.s, delayedBase, point), delay) : new Uint8Array(0);
    return { commitment: { tx, scripts }, htlcs: htlcTxs.map((t) => ({ tx: t, scripts: [ws] })) };
  }

  /** The payment of ours an HTLC of a request belongs to. */
  paymentOf(x: StateHtlc): Payment | undefined {
    return x.ours ? this.payments.find((p) => hex(p.hash) === hex(x.paymentHash)) : undefined;
  }

  /** The peer's signatures on our commitment `st` (the core's tool with the peer's secrets, as the peer computes them). */
  peerSigns(st: HolderState, point = this.ourPoint(st.number)): { sig: Uint8Array; htlcSigs: Uint8Array[] } {
    const w = this.toolPayload(true, st, point).bytes(this.peer.fundingSec).bytes(this.peer.htlcSec).u64(this.setup.channelValueSat);
    const r = new Reader(this.s.request(0x8215, w.finish()));
    const sig = r.varbytes();
    const htlcSigs: Uint8Array[] = [];
    for (let i = 0, n = r.u16(); i < n; i++) htlcSigs.push(r.varbytes());
    return { sig, htlcSigs };
  }

  /** Does DER+type signature `der` by `pub` verify on input 0 of `tx` spending the funding output? */
  private verifiesFunding(tx: Uint8Array, der: Uint8Array, pub: Uint8Array): boolean {
    const script = fundingScript(this.s, this.ours.funding, this.peer.bp.funding);
    const digest = sighashV0(this.s, tx, 0, script, this.setup.channelValueSat, 1);
    return der[der.length - 1] === 1 && secp256k1.verify(secp256k1.Signature.fromBytes(der.subarray(0, -1), "der").toBytes("compact"), digest, pub, { prehash: false });
  }

  // ------------------------------------------------------------ the history

  run(): void {
    this.open();
    for (this.action = 0; this.action < this.actions && !this.closed; this.action++) this.step();
    this.stats.actions += this.action;
    if (this.forceCloses) this.forceClose();
    // A mutation point past the last request: mutate the state the history ended in.
    if (this.opts.mutate && !this.mutated) this.mutate(this.injected());
  }

  /** funding_created / funding_signed: both commitments 0, the funder's first. */
  private open() {
    const c0: Commit = { number: 0n, inc: { L: 0, P: 0 }, view: this.view({ L: 0, P: 0 }) };
    const first = [() => this.signPeer(c0), () => this.receiveCommit({ ...c0 }, this.peerRequest({ ...c0 }))];
    if (this.funder === "P") first.reverse();
    for (const f of first) f();
    this.cpRecv = 1;
  }

  private step() {
    const rng = this.rng;
    const acts: Array<[number, () => void]> = [];
    for (const x of ["L", "P"] as Side[]) {
      const avail = this.projected(x) - this.reserveMsat[x];
      if (avail > 2000n && this.inFlight(x) < MAX_HTLCS) acts.push([2, () => this.add(x, avail)]);
      if (this.removable(x).length) acts.push([4, () => this.remove(x)]);
    }
    if (rng.chance(0.15)) acts.push([1, () => this.fee()]);
    if (this.canSignPeer()) acts.push([5, () => this.signPeer()]);
    if (this.peerCanSign()) acts.push([5, () => this.peerSendsCommit()]);
    if (this.toP.length) acts.push([6, () => this.deliverToP()]);
    if (this.toL.length) acts.push([6, () => this.deliverToL()]);
    if (this.lRevealed < this.hcRecv - 1) acts.push([3, () => this.revoke()]);
    acts.push([0.4, () => this.retransmit()]);
    let total = 0;
    for (const [w] of acts) total += w;
    let r = (rng.u32() / 0x1_0000_0000) * total;
    for (const [w, f] of acts) { if ((r -= w) < 0) { f(); break; } }
    this.hostTime += BigInt(rng.int(1, 20));
  }

  /** An amount for a new HTLC: dust, around the dust limits, or larger; at most `avail`. */
  private amount(avail: bigint): bigint {
    const rng = this.rng;
    const max = avail < this.valueMsat / 5n ? avail : this.valueMsat / 5n;
    const bucket = rng.int(0, 9);
    let amount: bigint;
    if (bucket < 2) amount = rng.big(1_000n, 300_000n); // dust on both sides
    else if (bucket < 4) amount = rng.big(300_000n, 3_000_000n); // around the dust limits (HTLC tx fees without anchors)
    else amount = rng.big(3_000_000n, max > 3_000_000n ? max : 3_000_000n);
    return amount > avail ? avail : amount;
  }

  /** update_add_htlc from `x`: the peer's HTLC, or a payment of ours (one part or several, or a retry). */
  private add(x: Side, avail: bigint) {
    if (x === "P") {
      const preimage = key(`property preimage ${this.seed} ${this.htlcs.length}`);
      this.offer("P", this.amount(avail), preimage);
      return;
    }
    const rng = this.rng;
    // A payment that failed completely is retried with the same hash and invoice (as LDK's retries do).
    const failed = this.payments.filter((p) => p.tries < 3 && p.parts.every((h) => h.removal?.kind === "fail" && this.inBoth(h.removal)));
    if (this.opts.knownGaps && failed.length && rng.chance(0.5)) {
      const p = rng.pick(failed);
      const total = p.parts.filter((h) => h.tryNo === p.tries - 1).reduce((a, h) => a + h.amountMsat, 0n);
      if (total <= avail) {
        p.tries++;
        this.stats.retries++;
        this.offer("L", total, p.preimage, p);
        return;
      }
    }
    const parts = this.inFlight("L") + 3 <= MAX_HTLCS && rng.chance(0.15) ? rng.int(2, 3) : 1;
    const total = this.amount(avail);
    if (total < BigInt(parts) * 1000n) return;
    // The invoice asks what reaches the payee: the HTLCs carry up to 1% more (routing fees), or it names no amount.
    let invoiceMsat: bigint | null = rng.chance(0.85) ? total - total * BigInt(rng.int(0, 10_000)) / 1_000_000n : null;
    if (invoiceMsat === 0n) invoiceMsat = null;
    const preimage = key(`property preimage ${this.seed} ${this.htlcs.length}`);
    const p: Payment = { hash: sha256(preimage), preimage, invoiceMsat, parts: [], tries: 1 };
    const inv = invoice(this.s, p.hash, invoiceMsat, this.hostTime);
    this.legal("show_invoice", () => showInvoice(this.s, inv, PAYEE, this.hostTime), () => [{
      kind: "invoice-expired", build: () => {
        const old = invoice(this.s, key(`expired ${this.seed} ${this.htlcs.length}`), invoiceMsat, this.hostTime - 3601n - BigInt(rng.int(0, 100_000)));
        return { what: "an invoice past its expiry", run: () => showInvoice(this.s, old, PAYEE, this.hostTime), expect: E.rule("policy-invoice-not-expired") };
      },
    }]);
    this.payments.push(p);
    if (parts > 1) this.stats.multipart++;
    this.offer("L", total, preimage, p, parts);
  }

  /** Send `total` msat in `parts` HTLCs (same hash) from `x`. */
  private offer(x: Side, total: bigint, preimage: Uint8Array, pay?: Payment, parts = 1) {
    const rng = this.rng;
    let left = total;
    for (let k = 0; k < parts; k++) {
      const amountMsat = k === parts - 1 ? left : left / BigInt(parts - k) + rng.big(0n, 999n) - 500n;
      left -= amountMsat;
      const h: Htlc = { id: this.htlcs.length, from: x, amountMsat, cltv: rng.int(500_000, 600_000), preimage, hash: sha256(preimage), add: undefined as unknown as Update, pay, tryNo: pay ? pay.tries - 1 : 0 };
      if (amountMsat / 1000n < 354n) this.stats.dustHtlcs++;
      this.stats.htlcs++;
      const u: Update = { by: x, index: this.updates[x].length, kind: "add", htlc: h };
      h.add = u;
      pay?.parts.push(h);
      this.htlcs.push(h);
      this.updates[x].push(u);
      (x === "L" ? this.toP : this.toL).push({ t: "update", u });
    }
  }

  /** HTLCs offered by the other side that `x` may now fulfill or fail (irrevocably committed on both sides, as `x` knows). */
  private removable(x: Side): Htlc[] {
    return this.htlcs.filter((h) => {
      if (h.from === x || h.removal) return false;
      const a = h.add.index;
      if (x === "L") {
        if (this.lRevealed !== this.hcRecv - 1) return false;
        return this.hc[this.hcRecv - 1].inc.P > a && this.cp[this.pRevokedByL].inc.P > a;
      }
      return this.cp[this.cpRecv - 1].inc.L > a && this.hc[this.lRevokedByP].inc.L > a;
    });
  }

  /** update_fulfill_htlc / update_fail_htlc from `x`. */
  private remove(x: Side) {
    const h = this.rng.pick(this.removable(x));
    const u: Update = { by: x, index: this.updates[x].length, kind: this.rng.chance(0.65) ? "fulfill" : "fail", htlc: h };
    h.removal = u;
    this.updates[x].push(u);
    (x === "L" ? this.toP : this.toL).push({ t: "update", u });
  }

  /** update_fee from the funder. */
  private fee() {
    const f = this.funder;
    let last = this.initRate;
    for (const u of this.updates[f]) if (u.kind === "fee") last = u.rate!;
    let rate = this.rng.int(RATE_MIN, RATE_MAX);
    if (rate === last) rate = rate === RATE_MAX ? rate - 1 : rate + 1;
    const u: Update = { by: f, index: this.updates[f].length, kind: "fee", rate };
    this.updates[f].push(u);
    (f === "L" ? this.toP : this.toL).push({ t: "update", u });
  }

  private canSignPeer(): boolean {
    if (this.pRevokedByL !== this.cp.length - 1 || this.lRevealed !== this.hcRecv - 1) return false;
    const last = this.cp[this.cp.length - 1];
    return this.updates.L.length > last.inc.L || this.hc[this.hcRecv - 1].inc.P > last.inc.P;
  }

  private peerCanSign(): boolean {
    if (this.lRevokedByP !== this.hc.length - 1) return false;
    const last = this.hc[this.hc.length - 1];
    return this.updates.P.length > last.inc.P || this.cp[this.cpRecv - 1].inc.L > last.inc.L;
  }

  /** We send commitment_signed: sign_counterparty_commitment for the peer's next commitment. */
  private signPeer(c?: Commit) {
    if (!c) {
      const inc = { L: this.updates.L.length, P: this.hc[this.hcRecv - 1].inc.P };
      c = { number: BigInt(this.cp.length), inc, view: this.view(inc) };
    }
    const n = c.number;
    const st: ChannelState = { ...this.stateOf(c), point: this.peerPoint(n) };
    // The node's own txs go in the trailer sometimes (built only then: the BOLT 3 tool costs signatures' time).
    const txs = this.rng.chance(this.opts.trailerRate) ? this.honestTxs(false, st, st.point) : null;
    if (txs) this.stats.trailers++;
    const t = this.hostTime;
    const sigs = this.legal("sign_counterparty_commitment", () => signCounterpartyCommitment(this.s, this.id, st, t, txs ?? undefined),
      () => this.sccMutants(st, () => txs ?? this.honestTxs(false, st, st.point), t));
    // The peer checks what it got: our signature on the commitment it builds, one per HTLC tx.
    if (txs && !this.verifiesFunding(txs.commitment.tx, sigs.sig, this.ours.funding)) throw new Failure(`seed ${this.seed}: our signature on peer commitment ${n} does not verify`);
    if (txs && sigs.htlcSigs.length !== txs.htlcs.length) throw new Failure(`seed ${this.seed}: ${sigs.htlcSigs.length} HTLC signatures for ${txs.htlcs.length} HTLC txs`);
    this.cp.push(c);
    this.cpReq.push(st);
    this.lastSigs.set(n, sigs);
    if (n > 0n) this.toP.push({ t: "commit", c });
  }

  /** The peer sends commitment_signed for our next commitment (it signs now). */
  private peerSendsCommit() {
    const inc = { L: this.cp[this.cpRecv - 1].inc.L, P: this.updates.P.length };
    const c: Commit = { number: BigInt(this.hc.length), inc, view: this.view(inc) };
    this.hc.push(c);
    this.toL.push({ t: "commit", c, req: this.peerRequest(c) });
  }

  private peerRequest(c: Commit): VhcReq {
    const st = this.stateOf(c);
    const g = this.peerSigns(st);
    return { st, sig: g.sig, htlcSigs: g.htlcSigs };
  }

  private deliverToP() {
    const m = this.toP.shift()!;
    if (m.t === "commit") {
      this.cpRecv = Number(m.c.number) + 1;
      // revoke_and_ack at once: the secret of its previous commitment.
      this.toL.push({ t: "raa", number: m.c.number - 1n });
    } else if (m.t === "raa") this.lRevokedByP = Number(m.number) + 1;
  }

  private deliverToL() {
    const m = this.toL.shift()!;
    if (m.t === "update") {
      const u = m.u;
      if (u.kind === "fulfill" && u.htlc!.from === "L") {
        const h = u.htlc!;
        this.legal("htlc_preimage", () => htlcPreimage(this.s, this.id, h.preimage), () => this.preimageMutants());
        this.shown.add(hex(h.hash));
      }
    } else if (m.t === "commit") {
      this.receiveCommit(m.c, m.req!);
      if (this.rng.chance(0.75)) this.revoke();
    } else {
      const n = m.number, secret = this.peerSecret(n);
      this.legal("validate_counterparty_revocation", () => validateCounterpartyRevocation(this.s, this.id, n, secret), () => this.vcrMutants(n, secret));
      this.pRevokedByL = Number(n) + 1;
    }
  }

  /** validate_holder_commitment: the peer's signatures on our commitment. */
  private receiveCommit(c: Commit, req: VhcReq) {
    if (this.hc.length <= Number(c.number)) this.hc.push(c);
    if (this.rng.chance(this.opts.trailerRate)) { req.nodeTxs = this.honestTxs(true, req.st, this.ourPoint(c.number)); this.stats.trailers++; }
    this.legal("validate_holder_commitment", () => validateHolderCommitment(this.s, this.id, req.st, req.sig, req.htlcSigs, req.nodeTxs), () => this.vhcMutants(req));
    this.hcReq.push(req);
    this.hcRecv = Number(c.number) + 1;
  }

  /** revoke_and_ack: the secret of our previous commitment. */
  private revoke() {
    const n = BigInt(this.lRevealed);
    const secret = this.legal("revoke_holder_commitment", () => revokeHolderCommitment(this.s, this.id, n));
    if (hex(secp256k1.getPublicKey(secret, true)) !== hex(this.ourPoint(n))) throw new Failure(`seed ${this.seed}: the secret of our commitment ${n} does not match its point`);
    this.lastSecrets.set(n, secret);
    this.lRevealed++;
    this.toP.push({ t: "raa", number: n });
  }

  /** Retransmission after a reconnection (BOLT 2 "Message Retransmission"): the same request, the same reply. */
  private retransmit() {
    const k = this.rng.int(0, 2);
    // With knownGaps, a retransmission may list the same HTLCs in another order (the same state).
    const reorder = <T extends { htlcs: StateHtlc[] }>(x: T): T => (this.opts.knownGaps && x.htlcs.length > 1 && this.rng.chance(0.5) ? { ...x, htlcs: this.rng.shuffle([...x.htlcs]) } : x);
    if (k === 0) {
      const n = this.cp.length - 1, st = reorder(this.cpReq[n]);
      const sigs = this.legal("sign_counterparty_commitment (retry)", () => signCounterpartyCommitment(this.s, this.id, st, this.hostTime));
      const was = this.lastSigs.get(BigInt(n))!;
      if (hex(sigs.sig) !== hex(was.sig) || sigs.htlcSigs.map(hex).join() !== was.htlcSigs.map(hex).join()) throw new Failure(`seed ${this.seed}: a retried signature differs`);
    } else if (k === 1) {
      const r = this.hcReq[this.hcRecv - 1], st = reorder(r.st);
      this.legal("validate_holder_commitment (retry)", () => validateHolderCommitment(this.s, this.id, st, r.sig, r.htlcSigs, r.nodeTxs));
    } else if (this.lRevealed > 0) {
      const n = BigInt(this.lRevealed - 1);
      const secret = this.legal("revoke_holder_commitment (retry)", () => revokeHolderCommitment(this.s, this.id, n));
      if (hex(secret) !== hex(this.lastSecrets.get(n)!)) throw new Failure(`seed ${this.seed}: a retried revocation gives another secret`);
    }
  }

  /** Force close: our signature on our latest commitment and on each of its HTLC txs. */
  private forceClose() {
    this.stats.forceCloses++;
    const r = this.hcReq[this.hcRecv - 1], n = r.st.number, point = this.ourPoint(n);
    const txs = this.honestTxs(true, r.st, point);
    const trailer = this.rng.chance(0.5);
    const sig = this.legal("sign_holder_commitment", () => signHolderCommitment(this.s, this.id, n, trailer ? txs : undefined), () => [
      ...txs.htlcs.map((t) => this.htlcTxMutant(n, t.tx)),
      ...this.nodeTxMutants(() => txs, null, (t) => () => signHolderCommitment(this.s, this.id, n, t)),
    ]);
    if (!this.verifiesFunding(txs.commitment.tx, sig, this.ours.funding)) throw new Failure(`seed ${this.seed}: our signature on our commitment ${n} does not verify`);
    const ourHtlc = derivePubkey(this.s, this.ours.htlc, point);
    const ctx = btc.RawTx.decode(txs.commitment.tx);
    for (const t of txs.htlcs) {
      const vout = btc.RawTx.decode(t.tx).inputs[0].index;
      const htlcSig = this.legal("sign_holder_htlc_tx", () => signHolderHtlcTx(this.s, this.id, n, vout, t.tx), () => [this.htlcTxMutant(n, t.tx)]);
      const digest = sighashV0(this.s, t.tx, 0, txs.commitment.scripts[vout], ctx.outputs[vout].amount, 1);
      if (!secp256k1.verify(secp256k1.Signature.fromBytes(htlcSig.subarray(0, -1), "der").toBytes("compact"), digest, ourHtlc, { prehash: false })) throw new Failure(`seed ${this.seed}: our HTLC tx signature does not verify`);
    }
    this.closed = true;
  }

  // ------------------------------------------------------------ mutations

  /** Our HTLC tx of commitment `n` (force close) with one field changed. */
  private htlcTxMutant(n: bigint, tx: Uint8Array): Mutant {
    return {
      kind: "holder-htlc-tx-tampered", build: () => {
        const d = btc.RawTx.decode(tx), vout = d.inputs[0].index;
        const f = this.rng.int(0, 2);
        if (f === 0) d.version = 1; else if (f === 1) d.lockTime = d.lockTime === 0 ? 1 : d.lockTime + 1; else d.inputs[0].sequence = (d.inputs[0].sequence ^ 1) >>> 0;
        return { what: ["version 1", "locktime", "sequence"][f], run: () => signHolderHtlcTx(this.s, this.id, n, vout, btc.RawTx.encode(d)), expect: { rulePrefixes: ["policy-htlc-"] } };
      },
    };
  }

  /** Mutations that need no particular next request: injected from the state the history is in. */
  private injected(): Mutant[] {
    const out: Mutant[] = [];
    const s = this.s, id = this.id;
    out.push({
      kind: "revoke-before-next-validated", build: () => {
        if (this.hcRecv === 0) return null;
        const n = BigInt(this.hcRecv - 1);
        return { what: `revoke ${n}, our latest validated commitment`, run: () => revokeHolderCommitment(s, id, n), expect: E.rule("policy-revoke-new-commitment-signed") };
      },
    });
    out.push({
      kind: "sign-revoked-holder", build: () => {
        if (this.lRevealed === 0) return null;
        const n = BigInt(this.rng.int(0, this.lRevealed - 1));
        return { what: `sign our revoked commitment ${n}`, run: () => signHolderCommitment(s, id, n), expect: E.rule("policy-commitment-holder-not-revoked") };
      },
    });
    out.push({
      kind: "peer-commitment-while-awaiting-revocation", build: () => {
        // We signed the peer's latest commitment and its previous one is not revoked yet: a third unrevoked one.
        if (this.cp.length - 1 <= this.pRevokedByL) return null;
        const last = this.cpReq[this.cpReq.length - 1];
        const st: ChannelState = { ...last, number: BigInt(this.cp.length), point: this.peerPoint(BigInt(this.cp.length)) };
        return { what: `sign peer commitment ${st.number} with ${this.pRevokedByL} revoked`, run: () => signCounterpartyCommitment(s, id, st, this.hostTime), expect: E.rule("policy-commitment-previous-revoked") };
      },
    });
    out.push({
      kind: "commitment-number-skipped", build: () => {
        if (!this.cpReq.length) return null;
        const last = this.cpReq[this.cpReq.length - 1];
        const n = BigInt(this.cp.length + this.rng.int(1, 5));
        const st: ChannelState = { ...last, number: n, point: this.peerPoint(n) };
        return { what: `sign peer commitment ${n}, next is ${this.cp.length}`, run: () => signCounterpartyCommitment(s, id, st, this.hostTime), expect: E.code(Code.INVALID_STATE) };
      },
    });
    return out;
  }

  /** Mutations of a sign_counterparty_commitment request `st` (honest trailer `txs`). */
  private sccMutants(st: ChannelState, txs: () => NodeTxs, t: bigint): Mutant[] {
    const s = this.s, id = this.id, rng = this.rng, n = st.number;
    const prev = n > 0n ? this.cpReq[Number(n) - 1] : null;
    const sign = (x: ChannelState, trailer?: NodeTxs) => () => signCounterpartyCommitment(s, id, x, t, trailer);
    return [
      ...this.stateMutants(st, prev, (x) => sign({ ...st, ...x })),
      {
        kind: "commitment-number-reused", build: () => {
          if (!prev || stateEq(prev, st)) return null;
          return { what: `sign ${n - 1n} again with the content of ${n}`, run: sign({ ...st, number: n - 1n, point: prev.point }), expect: E.rule("policy-commitment-retry-same") };
        },
      },
      {
        kind: "per-commitment-point-invalid", build: () => {
          const point = Uint8Array.from([rng.pick([2, 3, 4, 0]), ...new Uint8Array(32).fill(0xff)]);
          return { what: "a point not on the curve", run: sign({ ...st, point }), expect: E.code(Code.INVALID_ARGUMENT) };
        },
      },
      {
        kind: "payment-without-invoice", build: () => {
          if (n === 0n) return null;
          const amount = rng.big(1_000n, st.toHolderMsat / 4n > 1_000n ? st.toHolderMsat / 4n : 1_000n);
          if (amount > st.toHolderMsat) return null;
          const h = { ours: true, amountMsat: amount, cltvExpiry: rng.int(500_000, 600_000), paymentHash: key(`unknown ${this.seed} ${this.action}`) };
          return { what: `a new HTLC of ours of ${amount} msat with no invoice shown`, run: sign({ ...st, toHolderMsat: st.toHolderMsat - amount, htlcs: [...st.htlcs, h] }), expect: E.rule("policy-commitment-payment-invoiced") };
        },
      },
      {
        kind: "payment-over-invoice", build: () => {
          // A new HTLC of ours in this state whose invoice has an amount: alone it pays more than the invoice plus the fee budget.
          const known = new Set((prev?.htlcs ?? []).map(htlcKey));
          const fresh = st.htlcs.filter((h) => h.ours && !known.has(htlcKey(h))).map((x) => ({ x, pay: this.paymentOf(x) })).filter((p) => p.pay?.invoiceMsat);
          if (!fresh.length) return null;
          const h = rng.pick(fresh), inv = h.pay!.invoiceMsat!;
          const extra = inv + inv * INVOICE_BUDGET_PPM / 1_000_000n - h.x.amountMsat + 1n + rng.big(0n, 1000n);
          if (extra > st.toHolderMsat) return null;
          const htlcs = st.htlcs.map((y) => (y === h.x ? { ...y, amountMsat: y.amountMsat + extra } : y));
          return { what: `an HTLC of ${h.x.amountMsat + extra} msat for an invoice of ${inv}`, run: sign({ ...st, toHolderMsat: st.toHolderMsat - extra, htlcs }), expect: E.rule("policy-commitment-payment-invoiced") };
        },
      },
      ...(this.opts.knownGaps ? [{
        kind: "payment-duplicated", build: () => {
          // A second HTLC identical to one of ours (same hash, amount, expiry): with it the payment's live HTLCs pay more than the invoice and its budget.
          if (n === 0n) return null;
          const cands = st.htlcs.filter((x) => {
            const pay = this.paymentOf(x);
            if (!x.ours || !pay?.invoiceMsat || x.amountMsat > st.toHolderMsat) return false;
            const live = pay.parts.filter((h) => h.removal?.kind !== "fail").reduce((a, h) => a + h.amountMsat, 0n);
            return live + x.amountMsat > pay.invoiceMsat + pay.invoiceMsat * INVOICE_BUDGET_PPM / 1_000_000n;
          });
          if (!cands.length) return null;
          const h = rng.pick(cands);
          return { what: `a copy of our HTLC of ${h.amountMsat} msat (same hash, amount, expiry)`, run: sign({ ...st, toHolderMsat: st.toHolderMsat - h.amountMsat, htlcs: [...st.htlcs, { ...h }] }), expect: E.rule("policy-commitment-payment-invoiced") };
        },
      }] : []),
      ...this.nodeTxMutants(txs, prev ? () => this.honestTxs(false, prev, prev.point) : null, (x) => sign(st, x)),
    ];
  }

  /**
   * Mutations of a commitment state shared by both sides: `make` turns changed
   * fields into the request. Each is checked illegal by the test's oracle
   * (explainable) before it is used.
   */
  private stateMutants(st: HolderState, prev: HolderState | null, make: (x: Partial<HolderState>, resign?: boolean) => () => unknown): Mutant[] {
    const rng = this.rng, n = st.number;
    const theirs = (amountMsat: bigint): StateHtlc => ({ ours: false, amountMsat, cltvExpiry: rng.int(500_000, 600_000), paymentHash: rng.bytes(32) });
    return [
      {
        kind: "their-htlc-paid-by-us", build: () => {
          // A new HTLC of the peer whose value comes out of our balance.
          if (n === 0n) return null;
          const amount = rng.big(1_000n, st.toHolderMsat / 2n > 1_000n ? st.toHolderMsat / 2n : 1_000n);
          if (amount > st.toHolderMsat) return null;
          const m = { toHolderMsat: st.toHolderMsat - amount, htlcs: [...st.htlcs, theirs(amount)] };
          if (explainable(prev!, { ...st, ...m }, this.shown)) return null;
          return { what: `an HTLC of the peer of ${amount} msat taken from our balance`, run: make(m), expect: E.rule(...VALUE_FLOW) };
        },
      },
      {
        kind: "htlc-count-over-limit", build: () => {
          // The peer floods: one more HTLC than BOLT 2's 483 (the policy default), 1 msat each, from its balance.
          const k = 484 - st.htlcs.filter((h) => !h.ours).length;
          if (st.toCounterpartyMsat < BigInt(k)) return null;
          const m = { toCounterpartyMsat: st.toCounterpartyMsat - BigInt(k), htlcs: [...st.htlcs, ...Array.from({ length: k }, () => theirs(1n))] };
          return { what: `${k} more HTLCs of the peer`, run: make(m, false), expect: E.rule("policy-commitment-htlc-count-limit") };
        },
      },
      {
        kind: "first-commitment-with-htlc", build: () => {
          if (n !== 0n) return null;
          const amount = rng.big(1_000n, 1_000_000n);
          if (st.toCounterpartyMsat < amount) return null;
          return { what: "an HTLC in commitment 0", run: make({ toCounterpartyMsat: st.toCounterpartyMsat - amount, htlcs: [theirs(amount)] }), expect: E.rule("policy-commitment-first-no-htlcs") };
        },
      },
      {
        kind: "balance-moved-without-htlc", build: () => {
          // More than every HTLC of both states together: no outcome of theirs explains it.
          let sum = 0n;
          for (const h of [...st.htlcs, ...(prev?.htlcs ?? [])]) sum += h.amountMsat;
          const x = sum + 1n + rng.big(0n, 1_000_000n);
          const toUs = rng.chance(0.5);
          const dirs = toUs ? [true, false] : [false, true];
          for (const up of dirs) {
            if ((up ? st.toCounterpartyMsat : st.toHolderMsat) < x) continue;
            const m = { toHolderMsat: st.toHolderMsat + (up ? x : -x), toCounterpartyMsat: st.toCounterpartyMsat + (up ? -x : x) };
            if (prev && explainable(prev, { ...st, ...m }, this.shown)) throw new Error("oracle: a balance shift over every HTLC is explainable");
            return { what: `${x} msat moved ${up ? "to us" : "to the peer"}`, run: make(m), expect: n === 0n ? E.rule("policy-commitment-initial-funding-value") : E.rule(...VALUE_FLOW) };
          }
          return null;
        },
      },
      {
        kind: "value-not-conserved", build: () => {
          const d = rng.big(1n, 999n);
          const m = rng.chance(0.5) ? { toHolderMsat: st.toHolderMsat + d } : { toCounterpartyMsat: st.toCounterpartyMsat + d };
          return { what: `${d} msat more than the channel holds`, run: make(m), expect: E.code(Code.INVALID_ARGUMENT) };
        },
      },
      {
        kind: "feerate-out-of-range", build: () => {
          const feeratePerKw = rng.chance(0.5) ? rng.int(0, POLICY_RATE_MIN - 1) : rng.int(POLICY_RATE_MAX + 1, 2_000_000);
          return { what: `feerate ${feeratePerKw}`, run: make({ feeratePerKw }), expect: E.rule("policy-commitment-fee-range") };
        },
      },
      {
        kind: "htlc-settled-without-preimage", build: () => {
          // One of our HTLCs of the previous state, its preimage never shown, leaves paying the peer.
          if (!prev) return null;
          const cands = prev.htlcs.filter((h) => h.ours && !this.shown.has(hex(h.paymentHash)));
          if (!cands.length) return null;
          const h = rng.pick(cands);
          const i = st.htlcs.findIndex((x) => htlcKey(x) === htlcKey(h));
          // Still in flight: it leaves now, paid to the peer; failed back in this state: its value goes to the peer instead.
          const m: Partial<HolderState> = i >= 0
            ? { htlcs: st.htlcs.filter((_, k) => k !== i), toCounterpartyMsat: st.toCounterpartyMsat + h.amountMsat }
            : { toHolderMsat: st.toHolderMsat - h.amountMsat, toCounterpartyMsat: st.toCounterpartyMsat + h.amountMsat };
          if ((m.toHolderMsat ?? 0n) < 0n) return null;
          if (explainable(prev, { ...st, ...m }, this.shown)) return null; // another outcome gives the same numbers: not illegal
          return { what: `our HTLC of ${h.amountMsat} msat settled to the peer, no preimage shown`, run: make(m), expect: E.rule(...VALUE_FLOW) };
        },
      },
      {
        kind: "commitment-number-skipped", build: () => {
          const k = BigInt(rng.int(1, 4));
          return { what: `number ${n + k} for ${n}`, run: make({ number: n + k }), expect: E.code(Code.INVALID_STATE) };
        },
      },
    ];
  }

  /** Tampered node txs (the trailer) for a commitment request; `stale`: the txs of the previous commitment. */
  private nodeTxMutants(honest: () => NodeTxs, stale: (() => NodeTxs) | null, make: (t: NodeTxs) => () => unknown): Mutant[] {
    const rng = this.rng;
    const copy = (t: NodeTxs): NodeTxs => ({ commitment: { tx: t.commitment.tx.slice(), scripts: t.commitment.scripts.map((x) => x.slice()) }, htlcs: t.htlcs.map((h) => ({ tx: h.tx.slice(), scripts: h.scripts.map((x) => x.slice()) })) });
    return [
      {
        kind: "node-tx-byte-flipped", build: () => {
          // One byte of the commitment tx, an HTLC tx or a witness script the node sends (not the framing).
          const t = copy(honest());
          const targets: Array<[string, Uint8Array]> = [["commitment tx", t.commitment.tx]];
          t.commitment.scripts.forEach((x, i) => x.length && targets.push([`script of output ${i}`, x]));
          t.htlcs.forEach((h, i) => { targets.push([`HTLC tx ${i}`, h.tx]); targets.push([`HTLC tx ${i} script`, h.scripts[0]]); });
          const [what, b] = rng.pick(targets);
          const at = rng.int(0, b.length - 1);
          b[at] ^= rng.int(1, 255);
          return { what: `${what} byte ${at}`, run: make(t), expect: NODE_TX };
        },
      },
      {
        kind: "node-tx-field-changed", build: () => {
          const t = copy(honest());
          const d = btc.RawTx.decode(t.commitment.tx);
          const f = rng.int(0, 5);
          let what: string;
          if (f === 0) { d.version = rng.pick([1, 3]); what = "version"; }
          else if (f === 1) { d.lockTime = (d.lockTime ^ (1 << rng.int(0, 23))) >>> 0; what = "locktime"; }
          else if (f === 2) { d.inputs[0].sequence = (d.inputs[0].sequence ^ (1 << rng.int(0, 23))) >>> 0; what = "sequence"; }
          else if (f === 3) { const o = d.outputs[rng.int(0, d.outputs.length - 1)]; o.amount += rng.chance(0.5) || o.amount === 0n ? 1n : -1n; what = "an output amount"; }
          else if (f === 4) { d.inputs[0].index ^= 1; what = "the funding outpoint"; }
          else {
            if (t.htlcs.length === 0) return null;
            t.htlcs.splice(rng.int(0, t.htlcs.length - 1), 1);
            return { what: "an HTLC tx left out", run: make(t), expect: NODE_TX };
          }
          t.commitment.tx = btc.RawTx.encode(d);
          return { what, run: make(t), expect: NODE_TX };
        },
      },
      {
        kind: "node-tx-stale", build: () => {
          if (!stale) return null;
          const t = stale();
          if (hex(t.commitment.tx) === hex(honest().commitment.tx)) return null;
          return { what: "the txs of the previous commitment", run: make(t), expect: NODE_TX };
        },
      },
    ];
  }

  /** Mutations of a validate_holder_commitment request (the peer signs what the node sends: a colluding peer). */
  private vhcMutants(req: VhcReq): Mutant[] {
    const s = this.s, id = this.id, rng = this.rng, st = req.st, n = st.number;
    const prev = n > 0n ? this.hcReq[Number(n) - 1].st : null;
    const signed = (x: HolderState) => { const g = this.peerSigns(x); return () => validateHolderCommitment(s, id, x, g.sig, g.htlcSigs); };
    return [
      ...this.stateMutants(st, prev, (x, resign = true) => {
        const m = { ...st, ...x };
        // The peer countersigns the changed state too (a colluding peer), unless it is too large to sign or no builder can make it.
        let g: { sig: Uint8Array; htlcSigs: Uint8Array[] } = req;
        if (resign) try { g = this.peerSigns(m); } catch { /* the honest signature */ }
        return () => validateHolderCommitment(s, id, m, g.sig, g.htlcSigs);
      }),
      ...(this.opts.knownGaps ? [{
        kind: "holder-htlc-never-offered", build: () => {
          // A new HTLC of ours on our own commitment that no commitment we signed for the peer had, with no invoice:
          // BOLT 2 adds ours to the peer's commitment first; here the payment rules never ran (a force close pays it).
          if (n === 0n) return null;
          const amount = rng.big(1_000n, st.toHolderMsat / 2n > 1_000n ? st.toHolderMsat / 2n : 1_000n);
          const x = { ...st, toHolderMsat: st.toHolderMsat - amount, htlcs: [...st.htlcs, { ours: true, amountMsat: amount, cltvExpiry: rng.int(500_000, 600_000), paymentHash: rng.bytes(32) }] };
          return { what: `an HTLC of ours of ${amount} msat, never offered, no invoice`, run: signed(x), expect: { rulePrefixes: ["policy-"] } };
        },
      }] : []),
      {
        kind: "commitment-number-reused", build: () => {
          if (!prev || stateEq(prev, st)) return null;
          const x = { ...st, number: n - 1n };
          return { what: `validate ${n - 1n} again with the content of ${n}`, run: signed(x), expect: E.rule("policy-commitment-retry-same") };
        },
      },
      {
        kind: "peer-signature-invalid", build: () => {
          const f = rng.int(0, 2);
          if (f === 0 && prev) return { what: "the signature of the previous commitment", run: () => validateHolderCommitment(s, id, st, this.hcReq[Number(n) - 1].sig, req.htlcSigs), expect: E.code(Code.INVALID_ARGUMENT, Code.MALFORMED) };
          const sig = req.sig.slice();
          sig[rng.int(4, sig.length - 2)] ^= 1 << rng.int(0, 7);
          return { what: "a bit flipped in the peer's signature", run: () => validateHolderCommitment(s, id, st, sig, req.htlcSigs), expect: E.code(Code.INVALID_ARGUMENT, Code.MALFORMED) };
        },
      },
      {
        kind: "htlc-signature-invalid", build: () => {
          if (!req.htlcSigs.length) return null;
          const sigs = req.htlcSigs.map((x) => x.slice());
          const f = rng.int(0, 2);
          let what: string;
          if (f === 0) { sigs.splice(rng.int(0, sigs.length - 1), 1); what = "an HTLC signature missing"; }
          else if (f === 1 && sigs.length > 1 && hex(sigs[0]) !== hex(sigs[1])) { [sigs[0], sigs[1]] = [sigs[1], sigs[0]]; what = "two HTLC signatures swapped"; }
          else { const k = rng.int(0, sigs.length - 1); sigs[k][rng.int(4, sigs[k].length - 2)] ^= 1 << rng.int(0, 7); what = "a bit flipped in an HTLC signature"; }
          return { what, run: () => validateHolderCommitment(s, id, st, req.sig, sigs), expect: E.code(Code.INVALID_ARGUMENT, Code.MALFORMED) };
        },
      },
      ...this.nodeTxMutants(() => req.nodeTxs ?? this.honestTxs(true, st, this.ourPoint(n)), prev ? () => this.honestTxs(true, prev, this.ourPoint(n - 1n)) : null,
        (t) => () => validateHolderCommitment(s, id, st, req.sig, req.htlcSigs, t)),
    ];
  }

  /** Mutations of validate_counterparty_revocation(n, secret). */
  private vcrMutants(n: bigint, secret: Uint8Array): Mutant[] {
    const s = this.s, id = this.id, rng = this.rng;
    return [
      {
        kind: "revocation-secret-wrong", build: () => {
          const f = rng.int(0, 2);
          let bad: Uint8Array, what: string;
          if (f === 0) { bad = rng.bytes(32); what = "random bytes"; }
          else if (f === 1) { bad = this.peerSecret(n + 1n); what = "the secret of the next commitment"; }
          else { bad = secret.slice(); bad[rng.int(0, 31)] ^= 1 << rng.int(0, 7); what = "a bit flipped"; }
          return { what, run: () => validateCounterpartyRevocation(s, id, n, bad), expect: E.rule("policy-commitment-previous-revoked") };
        },
      },
      {
        kind: "revocation-out-of-order", build: () => {
          const m = rng.chance(0.5) || n === 0n ? n + 1n : n - 1n;
          return { what: `revocation of ${m} when ${n} is next`, run: () => validateCounterpartyRevocation(s, id, m, this.peerSecret(m)), expect: E.code(Code.INVALID_STATE) };
        },
      },
    ];
  }

  /** Mutations of htlc_preimage. */
  private preimageMutants(): Mutant[] {
    const s = this.s, id = this.id, rng = this.rng;
    return [{
      kind: "preimage-of-no-htlc-of-ours", build: () => {
        const theirs = this.htlcs.filter((h) => h.from === "P");
        const [what, x] = theirs.length && rng.chance(0.5) ? ["the preimage of an HTLC the peer offered", rng.pick(theirs).preimage] : ["a random preimage", rng.bytes(32)];
        return { what, run: () => htlcPreimage(s, id, x), expect: E.code(Code.INVALID_ARGUMENT) };
      },
    }];
  }
}

/** Run one history; a failure is recorded with its seed, never thrown. */
export function runHistory(seed: number, opts: Options, stats: Stats): void {
  try {
    new History(seed, opts, stats).run();
  } catch (e) {
    stats.failures.push({ seed, message: e instanceof Error ? e.message : String(e) });
  }
  stats.sequences++;
}
