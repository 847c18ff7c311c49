// Client of the core's payment methods (assembly/signer/payments.ts, 0x0800-0x0806):
// invoices shown to the signer, the per-HTLC payment check, the approval queue
// and the payee allowlist.
import { Reader, Writer } from "./protocol/codec.js";
import { Signer } from "./signer.js";

export const PaymentMethod = {
  SHOW_INVOICE: 0x0800, PAYMENT_AUTHORIZE: 0x0801, APPROVALS_LIST: 0x0802, APPROVAL_DECIDE: 0x0803,
  ALLOWLIST_ADD: 0x0804, ALLOWLIST_REMOVE: 0x0805, ALLOWLIST_LIST: 0x0806,
} as const;
export const AllowKind = { address: 0, node: 1, xpub: 2 } as const;
export type AllowKindName = keyof typeof AllowKind;

const now = () => BigInt(Math.floor(Date.now() / 1000));
const utf8 = (s: string) => new TextEncoder().encode(s);

/** Show the signer an invoice the node intends to pay. `payee` is needed when the invoice has no `n` field. */
export function showInvoice(s: Signer, invoice: string, payee?: Uint8Array, hostTime = now()): { paymentHash: Uint8Array; amountMsat: bigint; expiresAt: bigint } {
  const w = new Writer().varbytes(utf8(invoice));
  if (payee) w.u8(1).bytes(payee); else w.u8(0);
  const r = new Reader(s.request(PaymentMethod.SHOW_INVOICE, w.u64(hostTime).finish()));
  const out = { paymentHash: r.bytes(32), amountMsat: r.u64(), expiresAt: r.u64() };
  r.finish();
  return out;
}

/** The payment rules for one outgoing HTLC (what commitment signing runs for it). */
export function authorizePayment(s: Signer, paymentHash: Uint8Array, amountMsat: bigint, hostTime = now()): void {
  s.request(PaymentMethod.PAYMENT_AUTHORIZE, new Writer().bytes(paymentHash).u64(amountMsat).u64(hostTime).finish());
}

export interface PendingPayment { paymentHash: Uint8Array; amountMsat: bigint; payee: Uint8Array; since: bigint }
export interface PaymentDecision { paymentHash: Uint8Array; amountMsat: bigint; approved: boolean }

export function approvals(s: Signer): { pending: PendingPayment[]; decisions: PaymentDecision[] } {
  const r = new Reader(s.request(PaymentMethod.APPROVALS_LIST));
  const pending: PendingPayment[] = [], decisions: PaymentDecision[] = [];
  for (let i = 0, n = r.u16(); i < n; i++) pending.push({ paymentHash: r.bytes(32), amountMsat: r.u64(), payee: r.bytes(33), since: r.u64() });
  for (let i = 0, n = r.u16(); i < n; i++) decisions.push({ paymentHash: r.bytes(32), amountMsat: r.u64(), approved: r.u8() === 1 });
  r.finish();
  return { pending, decisions };
}

export function decidePayment(s: Signer, paymentHash: Uint8Array, amountMsat: bigint, approve: boolean): void {
  s.request(PaymentMethod.APPROVAL_DECIDE, new Writer().bytes(paymentHash).u64(amountMsat).u8(approve ? 1 : 0).finish());
}

const allowValue = (kind: AllowKindName, value: string | Uint8Array) => (typeof value === "string" && kind !== "node" ? utf8(value) : typeof value === "string" ? new Uint8Array(Buffer.from(value, "hex")) : value);

/** Allow an address, a node id (hex), or children [from, from+count) of an xpub (P2WPKH). */
export function allowlistAdd(s: Signer, kind: AllowKindName, value: string | Uint8Array, range: { from: number; count: number } = { from: 0, count: 0 }): void {
  s.request(PaymentMethod.ALLOWLIST_ADD, new Writer().u8(AllowKind[kind]).varbytes(allowValue(kind, value)).u32(range.from).u32(range.count).finish());
}

export function allowlistRemove(s: Signer, kind: AllowKindName, value: string | Uint8Array): void {
  s.request(PaymentMethod.ALLOWLIST_REMOVE, new Writer().u8(AllowKind[kind]).varbytes(allowValue(kind, value)).finish());
}

export interface AllowEntry { kind: AllowKindName; value: string; from: number; count: number }

export function allowlist(s: Signer): AllowEntry[] {
  const r = new Reader(s.request(PaymentMethod.ALLOWLIST_LIST));
  const out: AllowEntry[] = [];
  const names = Object.keys(AllowKind) as AllowKindName[];
  for (let i = 0, n = r.u16(); i < n; i++) {
    const kind = names[r.u8()], v = r.varbytes();
    out.push({ kind, value: kind === "xpub" ? new TextDecoder().decode(v) : Buffer.from(v).toString("hex"), from: r.u32(), count: r.u32() });
  }
  r.finish();
  return out;
}
