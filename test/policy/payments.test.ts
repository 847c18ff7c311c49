// Payment rules: invoices shown to the signer, the per-HTLC check (invoiced
// amount and fee budget, expiry, payee allowlist, velocity window, operator
// approval) and the allowlist of addresses, node ids and xpub ranges. Hostile
// requests are refused with exactly the rule id and no state change.
import { describe, it, expect } from "vitest";
import { bech32 } from "@scure/base";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { HDKey } from "@scure/bip32";
import * as btc from "@scure/btc-signer";
import { Signer, Code, SignerError } from "../../host/signer.js";
import { InProcessTransport } from "../../host/transport.js";
import { Core } from "../../host/core/core.js";
import { MemoryStore } from "../../host/state/store.js";
import { bolt11SignWithKey } from "../../host/tools/lightning.js";
import { allowlist, allowlistAdd, allowlistRemove, approvals, authorizePayment, decidePayment, showInvoice } from "../../host/payments.js";
import { expectRefused } from "./attack.js";
import type { PolicyInput } from "../../host/policy.js";

const PAYEE_SEC = sha256(new TextEncoder().encode("payee"));
const PAYEE = secp256k1.getPublicKey(PAYEE_SEC, true);
const T0 = 1_750_000_000n;
const hash = (n: number) => sha256(Uint8Array.of(n));

/** 5-bit words of a big-endian integer in `n` words. */
const intWords = (v: bigint, n: number) => Array.from({ length: n }, (_, i) => Number((v >> BigInt(5 * (n - 1 - i))) & 31n));
const field = (type: number, words: number[]) => [type, words.length >> 5, words.length & 31, ...words];

/** A regtest invoice signed by the payee key (with the core's BOLT 11 signing tool). */
function invoice(s: Signer, o: { hash: Uint8Array; amount?: string; time?: bigint; expiry?: number; withN?: boolean }): string {
  const hrp = "lnbcrt" + (o.amount ?? "");
  const words = [...intWords(o.time ?? T0, 7),
    ...field(1, bech32.toWords(o.hash)), ...field(16, bech32.toWords(new Uint8Array(32).fill(0x11))),
    ...(o.expiry !== undefined ? field(6, intWords(BigInt(o.expiry), 3)) : []),
    ...(o.withN ? field(19, bech32.toWords(PAYEE)) : [])];
  const sig = bolt11SignWithKey(s, PAYEE_SEC, hrp, words); // recid | r | s
  return bech32.encode(hrp, [...words, ...bech32.toWords(Uint8Array.from([...sig.subarray(1), sig[0]]))], 2000);
}

function signer(policy: PolicyInput = {}, store = new MemoryStore()) {
  const s = new Signer(new InProcessTransport(new Core(), store));
  s.start({ secret: new Uint8Array(32).fill(0x5a), network: "regtest", policy });
  return s;
}

const fail = (f: () => unknown) => { try { f(); } catch (e) { return e as SignerError; } throw new Error("expected an error"); };

describe("invoices shown to the signer", () => {
  it("decodes and remembers an invoice; payee from n or verified against the named key", () => {
    const s = signer();
    expect(showInvoice(s, invoice(s, { hash: hash(1), amount: "10u" }), PAYEE, T0 + 5n)).toMatchObject({ amountMsat: 1_000_000n, expiresAt: T0 + 3600n });
    expect(showInvoice(s, invoice(s, { hash: hash(2), amount: "1m", withN: true }), undefined, T0 + 5n).amountMsat).toBe(100_000_000n);
    expect(fail(() => showInvoice(s, invoice(s, { hash: hash(3) }), secp256k1.getPublicKey(hash(9), true), T0)).code).toBe(Code.INVALID_ARGUMENT);
  });

  it("policy-invoice-not-expired: an expired invoice is refused", () => {
    const s = signer();
    const inv = invoice(s, { hash: hash(1), amount: "10u", expiry: 60 });
    expectRefused(s, "policy-invoice-not-expired", () => showInvoice(s, inv, PAYEE, T0 + 61n));
  });

  it("an invoice for another network is refused", () => {
    const s = new Signer();
    s.init({ secret: new Uint8Array(32).fill(0x5b), network: "bitcoin" });
    expect(fail(() => showInvoice(s, invoice(s, { hash: hash(1) }), PAYEE, T0)).code).toBe(Code.INVALID_ARGUMENT);
  });

  it("memory for invoices is configuration (max_invoices)", () => {
    const s = new Signer();
    s.init({ secret: new Uint8Array(32).fill(0x5c), network: "regtest", maxInvoices: 2 });
    showInvoice(s, invoice(s, { hash: hash(1), expiry: 100 }), PAYEE, T0);
    showInvoice(s, invoice(s, { hash: hash(2), expiry: 100 }), PAYEE, T0);
    expect(fail(() => showInvoice(s, invoice(s, { hash: hash(3) }), PAYEE, T0)).code).toBe(Code.INVALID_STATE);
    showInvoice(s, invoice(s, { hash: hash(4), time: T0 + 200n }), PAYEE, T0 + 200n); // the expired ones make room
  });
});

describe("payment rules for an outgoing HTLC", () => {
  it("policy-commitment-payment-invoiced: no invoice, or more than the invoice plus the fee budget", () => {
    const s = signer({ invoiceFeeBudgetPpm: 10_000 });
    expectRefused(s, "policy-commitment-payment-invoiced", () => authorizePayment(s, hash(1), 1000n, T0));
    showInvoice(s, invoice(s, { hash: hash(1), amount: "10u" }), PAYEE, T0);
    expectRefused(s, "policy-commitment-payment-invoiced", () => authorizePayment(s, hash(1), 1_010_001n, T0));
    authorizePayment(s, hash(1), 600_000n, T0); // a part (MPP)
    authorizePayment(s, hash(1), 410_000n, T0); // the rest, within 1% fees
    expectRefused(s, "policy-commitment-payment-invoiced", () => authorizePayment(s, hash(1), 1n, T0));
  });

  it("policy-invoice-not-expired: paying an invoice after it expired", () => {
    const s = signer();
    showInvoice(s, invoice(s, { hash: hash(1), amount: "10u", expiry: 60 }), PAYEE, T0);
    expectRefused(s, "policy-invoice-not-expired", () => authorizePayment(s, hash(1), 1000n, T0 + 60n));
  });

  it("policy-commitment-payment-allowlisted: only allowlisted payees when allowlist_only is on", () => {
    const s = signer({ allowlistOnly: true });
    showInvoice(s, invoice(s, { hash: hash(1), amount: "10u" }), PAYEE, T0);
    expectRefused(s, "policy-commitment-payment-allowlisted", () => authorizePayment(s, hash(1), 1000n, T0));
    allowlistAdd(s, "node", PAYEE);
    authorizePayment(s, hash(1), 1000n, T0);
  });

  it("policy-commitment-payment-velocity: value per window, the window sliding with time", () => {
    const s = signer({ velocitySendMaxMsat: 1_500_000n, velocityWindowSecs: 3600 });
    for (const n of [1, 2, 3]) showInvoice(s, invoice(s, { hash: hash(n), amount: "10u", expiry: 90_000 }), PAYEE, T0);
    authorizePayment(s, hash(1), 1_000_000n, T0);
    expectRefused(s, "policy-commitment-payment-velocity", () => authorizePayment(s, hash(2), 600_000n, T0 + 10n));
    authorizePayment(s, hash(2), 500_000n, T0 + 10n);
    authorizePayment(s, hash(3), 1_000_000n, T0 + 3600n); // the first send left the window
  });

  it("policy-commitment-payment-approved: a payment above the threshold waits in the queue until approved", () => {
    const s = signer({ approvalAboveMsat: 500_000n });
    showInvoice(s, invoice(s, { hash: hash(1), amount: "10u" }), PAYEE, T0);
    showInvoice(s, invoice(s, { hash: hash(2), amount: "10u" }), PAYEE, T0);
    authorizePayment(s, hash(1), 400_000n, T0); // under the threshold
    const before = Buffer.from(s.stateDigest()).toString("hex");
    const e = fail(() => authorizePayment(s, hash(2), 1_000_000n, T0));
    expect([e.code, e.rule]).toEqual([Code.PENDING_APPROVAL, "policy-commitment-payment-approved"]);
    expect(Buffer.from(s.stateDigest()).toString("hex")).toBe(before);
    const q = approvals(s);
    expect(q.pending).toHaveLength(1);
    expect(q.pending[0]).toMatchObject({ amountMsat: 1_000_000n });
    expect(Buffer.from(q.pending[0].payee).toString("hex")).toBe(Buffer.from(PAYEE).toString("hex"));
    decidePayment(s, hash(2), 1_000_000n, true);
    expect(approvals(s).pending).toHaveLength(0);
    authorizePayment(s, hash(2), 1_000_000n, T0); // the node's retry passes
  });

  it("a declined payment is refused with the rule id", () => {
    const s = signer({ approvalAboveMsat: 500_000n });
    showInvoice(s, invoice(s, { hash: hash(1), amount: "10u" }), PAYEE, T0);
    fail(() => authorizePayment(s, hash(1), 1_000_000n, T0));
    decidePayment(s, hash(1), 1_000_000n, false);
    expectRefused(s, "policy-commitment-payment-approved", () => authorizePayment(s, hash(1), 1_000_000n, T0));
  });

  it("decisions, the allowlist and the send log survive a restart", () => {
    const store = new MemoryStore();
    const s = signer({ approvalAboveMsat: 500_000n }, store);
    showInvoice(s, invoice(s, { hash: hash(1), amount: "10u" }), PAYEE, T0);
    decidePayment(s, hash(1), 1_000_000n, true);
    allowlistAdd(s, "node", PAYEE);
    const again = signer({ approvalAboveMsat: 500_000n }, store);
    expect(Buffer.from(again.stateDigest()).toString("hex")).toBe(Buffer.from(s.stateDigest()).toString("hex"));
    authorizePayment(again, hash(1), 1_000_000n, T0);
  });
});

describe("allowlist", () => {
  it("addresses, node ids and xpub ranges; bad entries are typed errors", () => {
    const s = signer();
    const addr = btc.p2wpkh(secp256k1.getPublicKey(hash(7), true), { ...btc.TEST_NETWORK, bech32: "bcrt" }).address!;
    allowlistAdd(s, "address", addr);
    const xpub = HDKey.fromMasterSeed(hash(8)).derive("m/84'/1'/0'/0").publicExtendedKey;
    allowlistAdd(s, "xpub", xpub, { from: 0, count: 20 });
    allowlistAdd(s, "node", PAYEE);
    expect(allowlist(s).map((e) => e.kind)).toEqual(["address", "xpub", "node"]);
    expect(fail(() => allowlistAdd(s, "address", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")).code).toBe(Code.INVALID_ARGUMENT); // mainnet address on regtest
    expect(fail(() => allowlistAdd(s, "node", new Uint8Array(33).fill(5))).code).toBe(Code.INVALID_ARGUMENT);
    expect(fail(() => allowlistAdd(s, "xpub", HDKey.fromMasterSeed(hash(8)).privateExtendedKey, { from: 0, count: 5 })).code).toBe(Code.INVALID_ARGUMENT);
    expect(fail(() => allowlistAdd(s, "xpub", xpub, { from: 0, count: 5000 })).code).toBe(Code.INVALID_ARGUMENT);
    allowlistRemove(s, "node", PAYEE);
    expect(allowlist(s)).toHaveLength(2);
    expect(fail(() => allowlistRemove(s, "node", PAYEE)).code).toBe(Code.INVALID_ARGUMENT);
  });

  it("its size is configuration (max_allowlist)", () => {
    const s = new Signer();
    s.init({ secret: new Uint8Array(32).fill(0x5d), network: "regtest", maxAllowlist: 1 });
    allowlistAdd(s, "node", PAYEE);
    expect(fail(() => allowlistAdd(s, "node", secp256k1.getPublicKey(hash(3), true))).code).toBe(Code.INVALID_STATE);
  });
});
