// Payment rules' memory: invoices the node showed, the payee allowlist, the
// operator's approval decisions, and the log of outgoing value for velocity
// windows. `authorize` is the check each new outgoing HTLC passes before the
// signer signs a commitment that adds it (issue: commitment state machine).
//
// Time: velocity windows run on the validated chain tip's time when the signer
// follows a chain (a node cannot slide a window faster than blocks come; without
// a chain, on the host's claimed time, which only moves forward), and expiry
// checks use the later of the two (a host can only make invoices look more
// expired).
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { Rule } from "./rules";
import { CoreError } from "../protocol/errors";
import { Policy } from "./engine";
import { Invoice } from "../lightning/bolt11";
import { bytesEqual } from "../codec/bytes";

export namespace AllowKind {
  export const SCRIPT: u8 = 0; // an address, kept as its scriptPubKey
  export const NODE: u8 = 1; // a payee node id
  export const XPUB: u8 = 2; // P2WPKH scripts of children from..from+count of an xpub
}


export class ShownInvoice {
  paidMsat: u64 = 0;
  constructor(public paymentHash: Uint8Array, public hasAmount: bool, public amountMsat: u64, public expiresAt: u64, public payee: Uint8Array) {}
  write(w: Writer): void {
    w.bytes(this.paymentHash).u8(this.hasAmount ? 1 : 0).u64(this.amountMsat).u64(this.expiresAt).bytes(this.payee).u64(this.paidMsat);
  }
  static read(r: Reader): ShownInvoice {
    const s = new ShownInvoice(r.bytes(32), r.u8() == 1, r.u64(), r.u64(), r.bytes(33));
    s.paidMsat = r.u64();
    return s;
  }
}

export class AllowEntry {
  // For XPUB: the P2WPKH scripts of the range, derived once when added.
  scripts: Uint8Array[] = [];
  constructor(public kind: u8, public value: Uint8Array, public from: u32, public count: u32) {}
  write(w: Writer): void {
    w.u8(this.kind).varbytes(this.value).u32(this.from).u32(this.count).u16(<u16>this.scripts.length);
    for (let i = 0; i < this.scripts.length; i++) w.varbytes(this.scripts[i]);
  }
  static read(r: Reader): AllowEntry {
    const e = new AllowEntry(r.u8(), r.varbytes(200), r.u32(), r.u32());
    const n = <i32>r.u16();
    for (let i = 0; i < n && r.ok(); i++) e.scripts.push(r.varbytes(64));
    return e;
  }
  matchesScript(s: Uint8Array): bool {
    if (this.kind == AllowKind.SCRIPT) return bytesEqual(this.value, s);
    if (this.kind == AllowKind.XPUB) { for (let i = 0; i < this.scripts.length; i++) if (bytesEqual(this.scripts[i], s)) return true; }
    return false;
  }
}

export class Decision {
  constructor(public paymentHash: Uint8Array, public amountMsat: u64, public approved: bool) {}
}

export class Pending {
  constructor(public paymentHash: Uint8Array, public amountMsat: u64, public payee: Uint8Array, public since: u64) {}
}

/** One entry of a velocity log: when, how much, and (funding log) the txid that moved it. */
export class Send {
  constructor(public time: u64, public amountMsat: u64, public txid: Uint8Array = new Uint8Array(0)) {}
}

/** The value a velocity log moved in the `window` seconds up to `now`. */
export function valueIn(log: Send[], now: u64, window: u64): u64 {
  let v: u64 = 0;
  for (let i = 0; i < log.length; i++) if (log[i].time + window > now) v += log[i].amountMsat;
  return v;
}

/** The entries of a log still inside the window (bounded memory). */
export function inWindow(log: Send[], now: u64, window: u64): Send[] {
  const keep = new Array<Send>();
  for (let i = 0; i < log.length; i++) if (log[i].time + window > now) keep.push(log[i]);
  return keep;
}

export class PaymentBook {
  invoices: ShownInvoice[] = [];
  allow: AllowEntry[] = [];
  decisions: Decision[] = [];
  sends: Send[] = [];
  funded: Send[] = []; // policy-velocity-funding: (time, sat, funding txid) of the funding txs signed
  transferred: Send[] = []; // policy-velocity-transferred: (time, msat) settled out of our channels
  hostTime: u64 = 0;
  pending: Pending[] = []; // volatile: the node's retry re-creates an entry after a restart

  write(w: Writer): void {
    w.u64(this.hostTime).u32(this.invoices.length);
    for (let i = 0; i < this.invoices.length; i++) this.invoices[i].write(w);
    w.u32(this.allow.length);
    for (let i = 0; i < this.allow.length; i++) this.allow[i].write(w);
    w.u32(this.decisions.length);
    for (let i = 0; i < this.decisions.length; i++) w.bytes(this.decisions[i].paymentHash).u64(this.decisions[i].amountMsat).u8(this.decisions[i].approved ? 1 : 0);
    w.u32(this.sends.length);
    for (let i = 0; i < this.sends.length; i++) w.u64(this.sends[i].time).u64(this.sends[i].amountMsat);
    w.u32(this.funded.length);
    for (let i = 0; i < this.funded.length; i++) w.u64(this.funded[i].time).u64(this.funded[i].amountMsat).bytes(this.funded[i].txid);
    w.u32(this.transferred.length);
    for (let i = 0; i < this.transferred.length; i++) w.u64(this.transferred[i].time).u64(this.transferred[i].amountMsat);
  }

  static read(r: Reader): PaymentBook | null {
    const b = new PaymentBook();
    b.hostTime = r.u64();
    let n = r.u32();
    if (n > 100_000) r.fail("invoice count");
    for (let i: u32 = 0; i < n && r.ok(); i++) b.invoices.push(ShownInvoice.read(r));
    n = r.u32();
    if (n > 100_000) r.fail("allowlist size");
    for (let i: u32 = 0; i < n && r.ok(); i++) b.allow.push(AllowEntry.read(r));
    n = r.u32();
    if (n > 100_000) r.fail("decision count");
    for (let i: u32 = 0; i < n && r.ok(); i++) b.decisions.push(new Decision(r.bytes(32), r.u64(), r.u8() == 1));
    n = r.u32();
    if (n > 1_000_000) r.fail("send log size");
    for (let i: u32 = 0; i < n && r.ok(); i++) b.sends.push(new Send(r.u64(), r.u64()));
    n = r.ok() && r.remaining() > 0 ? r.u32() : 0; // absent in records written before the funding log
    if (n > 1_000_000) r.fail("funding log size");
    for (let i: u32 = 0; i < n && r.ok(); i++) b.funded.push(new Send(r.u64(), r.u64(), r.bytes(32)));
    n = r.ok() && r.remaining() > 0 ? r.u32() : 0; // absent in records written before the transfer log
    if (n > 1_000_000) r.fail("transfer log size");
    for (let i: u32 = 0; i < n && r.ok(); i++) b.transferred.push(new Send(r.u64(), r.u64()));
    return r.ok() ? b : null;
  }

  invoice(hash: Uint8Array): ShownInvoice | null {
    for (let i = 0; i < this.invoices.length; i++) if (bytesEqual(this.invoices[i].paymentHash, hash)) return this.invoices[i];
    return null;
  }

  decision(hash: Uint8Array, amount: u64): Decision | null {
    for (let i = 0; i < this.decisions.length; i++) {
      const d = this.decisions[i];
      if (bytesEqual(d.paymentHash, hash) && d.amountMsat == amount) return d;
    }
    return null;
  }

  allowsNode(node: Uint8Array): bool {
    for (let i = 0; i < this.allow.length; i++) if (this.allow[i].kind == AllowKind.NODE && bytesEqual(this.allow[i].value, node)) return true;
    return false;
  }

  allowsScript(s: Uint8Array): bool {
    for (let i = 0; i < this.allow.length; i++) if (this.allow[i].matchesScript(s)) return true;
    return false;
  }

  /** Outgoing value in the `window` seconds up to `now`. */
  sentIn(now: u64, window: u64): u64 { return valueIn(this.sends, now, window); }

  /** Drop sends older than the window (bounded memory). Returns whether anything was dropped. */
  prune(now: u64, window: u64): bool {
    const keep = inWindow(this.sends, now, window);
    const dropped = keep.length != this.sends.length;
    this.sends = keep;
    return dropped;
  }

  /** A funding tx already in the funding log (a retried signature counts once). */
  fundedTx(txid: Uint8Array): bool {
    for (let i = 0; i < this.funded.length; i++) if (bytesEqual(this.funded[i].txid, txid)) return true;
    return false;
  }
}

/** policy-merchant-no-sends: in merchant mode no value leaves us (`what`: a push at open, an HTLC we offer). */
export function checkMerchant(p: Policy, sendMsat: u64, what: string): CoreError | null {
  return p.check(Rule.MERCHANT_NO_SENDS, !p.cfg.merchant || sendMsat == 0, "merchant mode: " + what + " is a send");
}

/** Record an invoice the node showed (policy-invoice-not-expired at `now`). */
export function checkShownInvoice(p: Policy, inv: Invoice, now: u64): CoreError | null {
  return p.check(Rule.INVOICE_NOT_EXPIRED, now < inv.expiresAt(),
    "invoice expired at " + inv.expiresAt().toString() + " (now " + now.toString() + ")");
}

/**
 * The payment rules for one new outgoing HTLC (`amount` msat for `hash`), in
 * catalogue order, with `clock` the velocity clock and `now` the expiry clock
 * (see above). Null when the payment may go out; nothing is changed here (the
 * caller records the send when it signs).
 */
export function authorize(p: Policy, b: PaymentBook, hash: Uint8Array, amount: u64, clock: u64, now: u64): CoreError | null {
  const cfg = p.cfg;
  const inv = b.invoice(hash);
  let e = p.check(Rule.COMMITMENT_PAYMENT_INVOICED, inv !== null, "no invoice was shown for this payment hash");
  if (e !== null) return e;
  if (inv !== null) {
    e = p.check(Rule.INVOICE_NOT_EXPIRED, now < inv!.expiresAt, "invoice expired at " + inv!.expiresAt.toString());
    if (e !== null) return e;
    if (inv!.hasAmount) {
      const budget = inv!.amountMsat + inv!.amountMsat * <u64>cfg.invoiceFeeBudgetPpm / 1_000_000;
      e = p.check(Rule.COMMITMENT_PAYMENT_INVOICED, inv!.paidMsat + amount <= budget,
        "paying " + (inv!.paidMsat + amount).toString() + " msat for an invoice of " + inv!.amountMsat.toString() + " (+ fee budget)");
      if (e !== null) return e;
    }
    if (cfg.allowlistOnly) {
      e = p.check(Rule.COMMITMENT_PAYMENT_ALLOWLISTED, b.allowsNode(inv!.payee), "payee is not on the allowlist");
      if (e !== null) return e;
    }
  }
  if (cfg.velocitySendMaxMsat > 0) {
    const sent = b.sentIn(clock, <u64>cfg.velocityWindowSecs);
    e = p.check(Rule.COMMITMENT_PAYMENT_VELOCITY, sent + amount <= cfg.velocitySendMaxMsat,
      "would send " + (sent + amount).toString() + " msat in the window, limit " + cfg.velocitySendMaxMsat.toString());
    if (e !== null) return e;
  }
  if (cfg.approvalAboveMsat > 0 && amount > cfg.approvalAboveMsat) {
    const d = b.decision(hash, amount);
    if (d === null) return p.pending(Rule.COMMITMENT_PAYMENT_APPROVED, "payment of " + amount.toString() + " msat waits for the operator's approval");
    e = p.check(Rule.COMMITMENT_PAYMENT_APPROVED, d!.approved, "the operator declined this payment");
    if (e !== null) return e;
  }
  return null;
}
