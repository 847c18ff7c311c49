// Driving LDK nodes on the synthetic chain: event pumping, waiting, mining,
// BOLT 11 invoices and payments. Shared by the demo scenario and the tests.
import type { VigilKeys } from "./vigil-keys.js";
import { ldk } from "./init.js";
import type { Chain } from "./chain.js";
import type { LdkNode } from "./node.js";
import { eqBytes } from "./tx.js";

export class Harness {
  /** Runs after each block mined through mine() (e.g. the signers' chain followers). */
  onBlock: (() => Promise<void>) | null = null;
  constructor(readonly chain: Chain, public nodes: LdkNode[]) {}

  /** One round: every node handles its events and flushes its peer handler; then yield to the socket I/O. */
  async pump(): Promise<number> {
    let n = 0;
    for (const x of this.nodes) n += x.processEvents();
    await new Promise((r) => setImmediate(r));
    return n;
  }

  async waitFor(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!cond()) {
      if (Date.now() > end) throw new Error(`timeout waiting for ${what}`);
      if ((await this.pump()) === 0) await new Promise((r) => setTimeout(r, 1));
    }
    await this.pump();
  }

  async settle(rounds = 5): Promise<void> {
    for (let i = 0; i < rounds; i++) { await this.pump(); await new Promise((r) => setTimeout(r, 1)); }
  }

  async mine(n: number): Promise<void> {
    for (let i = 0; i < n; i++) { this.chain.mine(1); await this.onBlock?.(); await this.pump(); }
    await this.settle();
  }
}

export const ev = <T>(node: LdkNode, cls: { prototype: T }, pred: (e: T) => boolean = () => true): T[] => node.eventsOf<T>(cls).filter(pred);

export function invoice(node: LdkNode, msat: bigint, desc: string): ldk.Bolt11Invoice {
  // A Vigil node's invoices are signed by its core from the invoice's hrp and data (host/ldk/vigil-keys.ts).
  const k = node.keys as Partial<VigilKeys>;
  if (k.invoice) return k.invoice(node.channelManager, msat, desc);
  const r = ldk.UtilMethods.constructor_create_invoice_from_channelmanager(node.channelManager, ldk.Option_u64Z.constructor_some(msat), desc, 3600, ldk.Option_u16Z.constructor_none());
  if (!(r instanceof ldk.Result_Bolt11InvoiceSignOrCreationErrorZ_OK)) throw new Error(`${node.name}: invoice creation failed`);
  return r.res;
}

/** Pay a BOLT 11 invoice (re-parsed from its string, as a remote payer would). Returns the payment hash (also the payment id). */
export function pay(node: LdkNode, inv: ldk.Bolt11Invoice, attempts = 3): Uint8Array {
  const parsed = ldk.Bolt11Invoice.constructor_from_str(inv.to_str());
  if (!(parsed instanceof ldk.Result_Bolt11InvoiceParseOrSemanticErrorZ_OK)) throw new Error("invoice does not parse");
  const p = ldk.UtilMethods.constructor_payment_parameters_from_invoice(parsed.res);
  if (!(p instanceof ldk.Result_C3Tuple_ThirtyTwoBytesRecipientOnionFieldsRouteParametersZNoneZ_OK)) throw new Error("payment_parameters_from_invoice failed");
  const hash = p.res.get_a();
  // A Vigil node's signer pays only invoices it was shown (policy-commitment-payment-invoiced).
  (node.keys as Partial<VigilKeys>).showInvoice?.(inv.to_str());
  const r = node.channelManager.send_payment(hash, p.res.get_b(), hash, p.res.get_c(), ldk.Retry.constructor_attempts(attempts));
  if (!(r instanceof ldk.Result_NoneRetryableSendFailureZ_OK)) {
    const e = (r as ldk.Result_NoneRetryableSendFailureZ_Err).err;
    throw new Error(`${node.name}: send_payment failed: ${ldk.RetryableSendFailure[e] ?? e}`);
  }
  return hash;
}

export const sent = (node: LdkNode, hash: Uint8Array) => ev(node, ldk.Event_PaymentSent, (e) => eqBytes(e.payment_hash, hash))[0];
export const claimed = (node: LdkNode, hash: Uint8Array) => ev(node, ldk.Event_PaymentClaimed, (e) => eqBytes(e.payment_hash, hash))[0];
export const failedPay = (node: LdkNode, hash: Uint8Array) => ev(node, ldk.Event_PaymentFailed, (e) => e.payment_hash instanceof ldk.Option_ThirtyTwoBytesZ_Some && eqBytes(e.payment_hash.some, hash))[0];
