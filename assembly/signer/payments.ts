// Payment methods (0x0800-0x08ff): invoices the node shows, the payment check
// run for each new outgoing HTLC, the operator's approval queue and the payee
// allowlist.
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { Code, CoreError, malformed, invalidArgument, invalidState } from "../protocol/errors";
import { hash160, pubkeyParse } from "../crypto";
import { DecodeError } from "../bitcoin/bech32";
import { addressToScript } from "../bitcoin/address";
import { parseKey } from "../bitcoin/bip32";
import { p2wpkh } from "../bitcoin/script";
import { decodeInvoice } from "../lightning/bolt11";
import { AllowEntry, AllowKind, Decision, Pending, Send, ShownInvoice, authorize, checkShownInvoice } from "../policy/payments";
import { SIGNER } from "./state";
import { bytesEqual } from "../codec/bytes";

export namespace PaymentMethod {
  /** varbytes invoice | u8 has_payee [payee[33]] | u64 host_time → payment_hash[32] | u64 amount_msat | u64 expires_at */
  export const SHOW_INVOICE: u16 = 0x0800;
  /** payment_hash[32] | u64 amount_msat | u64 host_time → (ok) — the check commitment signing runs per new outgoing HTLC. */
  export const PAYMENT_AUTHORIZE: u16 = 0x0801;
  /** → u16 n | n × (hash[32] | u64 amount | payee[33] | u64 since) | u16 m | m × (hash[32] | u64 amount | u8 approved) */
  export const APPROVALS_LIST: u16 = 0x0802;
  /** payment_hash[32] | u64 amount_msat | u8 approve */
  export const APPROVAL_DECIDE: u16 = 0x0803;
  /** u8 kind | varbytes value | u32 from | u32 count */
  export const ALLOWLIST_ADD: u16 = 0x0804;
  /** u8 kind | varbytes value */
  export const ALLOWLIST_REMOVE: u16 = 0x0805;
  /** → u16 n | n × (u8 kind | varbytes value | u32 from | u32 count) */
  export const ALLOWLIST_LIST: u16 = 0x0806;
}

const MAX_XPUB_RANGE: u32 = 1000;


/** The validated chain's time (0 without a chain) and the host's monotone claimed time. */
function chainNow(): u64 { return SIGNER.chain !== null ? <u64>SIGNER.chain!.tip().time : 0; }

/** A host time only moves forward; a later one is remembered (state) by the caller. */
function hostNow(claimed: u64): u64 { return claimed > SIGNER.payments.hostTime ? claimed : SIGNER.payments.hostTime; }

/** Velocity clock: the chain's time when following one, else the host's monotone time. */
export function velocityClock(t: u64): u64 { return SIGNER.chain !== null ? chainNow() : hostNow(t); }

/** Expiry clock: the later of the two. */
function expiryClock(t: u64): u64 { const c = chainNow(), h = hostNow(t); return c > h ? c : h; }

function showInvoice(r: Reader, w: Writer): CoreError | null {
  const s = r.varbytes(7089);
  const payee = r.u8() == 1 ? r.bytes(33) : null;
  const t = r.u64();
  if (!r.finish()) return malformed(r.err!);
  const err = new DecodeError();
  const inv = decodeInvoice(s, payee, err);
  if (inv === null) return invalidArgument("invoice: " + err.msg);
  if (inv!.network != SIGNER.network) return invalidArgument("invoice for another network");
  const now = expiryClock(t);
  const e = checkShownInvoice(SIGNER.policy, inv!, now);
  if (e !== null) return e;
  const book = SIGNER.payments;
  const have = book.invoice(inv!.paymentHash);
  if (have === null) {
    if (<u32>book.invoices.length >= SIGNER.limits.maxInvoices) {
      // Forget the expired ones first; refuse if still full.
      const keep = new Array<ShownInvoice>();
      for (let i = 0; i < book.invoices.length; i++) if (book.invoices[i].expiresAt > now) keep.push(book.invoices[i]);
      if (<u32>keep.length >= SIGNER.limits.maxInvoices) return invalidState("invoice memory full (max_invoices)");
      book.invoices = keep;
    }
    book.invoices.push(new ShownInvoice(inv!.paymentHash, inv!.hasAmount, inv!.amountMsat, inv!.expiresAt(), inv!.payee));
  }
  if (t > book.hostTime) book.hostTime = t;
  SIGNER.touch("payments");
  w.bytes(inv!.paymentHash).u64(inv!.amountMsat).u64(inv!.expiresAt());
  return null;
}

/**
 * The payment rules for one outgoing HTLC; on success the send is recorded
 * (velocity log, invoice paid amount). A payment waiting for approval enters
 * the (volatile) queue and is refused with PENDING_APPROVAL.
 */
/** The payment rules for one outgoing payment; a PENDING_APPROVAL refusal queues it for the operator. Nothing else changes. */
export function paymentAllowed(hash: Uint8Array, amount: u64, t: u64): CoreError | null {
  const book = SIGNER.payments;
  const e = authorize(SIGNER.policy, book, hash, amount, velocityClock(t), expiryClock(t));
  if (e !== null && e.code == Code.PENDING_APPROVAL) {
    let queued = false;
    for (let i = 0; i < book.pending.length; i++) if (bytesEqual(book.pending[i].paymentHash, hash) && book.pending[i].amountMsat == amount) queued = true;
    if (!queued) {
      const inv = book.invoice(hash);
      book.pending.push(new Pending(hash, amount, inv !== null ? inv!.payee : new Uint8Array(33), hostNow(t)));
    }
  }
  return e;
}

/** Record a payment that passed paymentAllowed (velocity log, invoice paid). */
export function recordPayment(hash: Uint8Array, amount: u64, t: u64): void {
  const book = SIGNER.payments;
  const clock = velocityClock(t);
  book.prune(clock, <u64>SIGNER.policy.cfg.velocityWindowSecs);
  book.sends.push(new Send(clock, amount));
  const inv = book.invoice(hash);
  if (inv !== null) inv!.paidMsat += amount;
  if (t > book.hostTime) book.hostTime = t;
  SIGNER.touch("payments");
}

/** An HTLC of ours failed back: what it paid towards its invoice is paid no more (the velocity log keeps it). */
export function unrecordPayment(hash: Uint8Array, amount: u64): void {
  const inv = SIGNER.payments.invoice(hash);
  if (inv === null) return;
  inv!.paidMsat = inv!.paidMsat > amount ? inv!.paidMsat - amount : 0;
  SIGNER.touch("payments");
}

export function authorizePayment(hash: Uint8Array, amount: u64, t: u64): CoreError | null {
  const e = paymentAllowed(hash, amount, t);
  if (e === null) recordPayment(hash, amount, t);
  return e;
}

function paymentAuthorize(r: Reader, w: Writer): CoreError | null {
  const hash = r.bytes(32), amount = r.u64(), t = r.u64();
  if (!r.finish()) return malformed(r.err!);
  if (amount == 0) return invalidArgument("amount");
  return authorizePayment(hash, amount, t);
}

function approvalsList(r: Reader, w: Writer): CoreError | null {
  if (!r.finish()) return malformed(r.err!);
  const b = SIGNER.payments;
  w.u16(<u16>b.pending.length);
  for (let i = 0; i < b.pending.length; i++) {
    const p = b.pending[i];
    w.bytes(p.paymentHash).u64(p.amountMsat).bytes(p.payee).u64(p.since);
  }
  w.u16(<u16>b.decisions.length);
  for (let i = 0; i < b.decisions.length; i++) w.bytes(b.decisions[i].paymentHash).u64(b.decisions[i].amountMsat).u8(b.decisions[i].approved ? 1 : 0);
  return null;
}

function approvalDecide(r: Reader, w: Writer): CoreError | null {
  const hash = r.bytes(32), amount = r.u64(), approve = r.u8();
  if (!r.finish()) return malformed(r.err!);
  if (approve > 1) return invalidArgument("approve is 0 or 1");
  const b = SIGNER.payments;
  const d = b.decision(hash, amount);
  if (d !== null) d!.approved = approve == 1;
  else {
    if (<u32>b.decisions.length >= SIGNER.limits.maxInvoices) return invalidState("decision memory full (max_invoices)");
    b.decisions.push(new Decision(hash, amount, approve == 1));
  }
  const keep = new Array<Pending>();
  for (let i = 0; i < b.pending.length; i++) if (!(bytesEqual(b.pending[i].paymentHash, hash) && b.pending[i].amountMsat == amount)) keep.push(b.pending[i]);
  b.pending = keep;
  SIGNER.touch("payments");
  return null;
}

/** The allowlist entry a request names, checked; null with `why` set. */
function entryOf(kind: u8, value: Uint8Array, from: u32, count: u32, why: DecodeError): AllowEntry | null {
  if (kind == AllowKind.SCRIPT) {
    const s = addressToScript(SIGNER.network, value, why);
    if (s === null) return null;
    return new AllowEntry(kind, s!, 0, 0);
  }
  if (kind == AllowKind.NODE) {
    if (value.length != 33 || pubkeyParse(value) === null) { why.msg = "not a node id"; return null; }
    return new AllowEntry(kind, value, 0, 0);
  }
  if (kind == AllowKind.XPUB) {
    const k = parseKey(value, why);
    if (k === null) return null;
    if (k!.key.secret !== null) { why.msg = "give an xpub, not a private key"; return null; }
    if (count == 0 || count > MAX_XPUB_RANGE || from >= 0x80000000 || from + count > 0x80000000) { why.msg = "range: 1 to 1000 non-hardened children"; return null; }
    const e = new AllowEntry(kind, value, from, count);
    for (let i: u32 = 0; i < count; i++) {
      const c = k!.key.derive(from + i);
      if (c !== null) e.scripts.push(p2wpkh(hash160(c!.pubkey)));
    }
    return e;
  }
  why.msg = "kind: 0 address, 1 node id, 2 xpub range";
  return null;
}

function allowlistEdit(add: bool, r: Reader, w: Writer): CoreError | null {
  const kind = r.u8(), value = r.varbytes(200);
  const from = add ? r.u32() : 0, count = add ? r.u32() : 0;
  if (!r.finish()) return malformed(r.err!);
  const why = new DecodeError();
  const e = entryOf(kind, value, from, count, why);
  if (e === null) return invalidArgument("allowlist entry: " + why.msg);
  const b = SIGNER.payments;
  let at = -1;
  for (let i = 0; i < b.allow.length; i++) if (b.allow[i].kind == e!.kind && bytesEqual(b.allow[i].value, e!.value)) at = i;
  if (add) {
    if (at >= 0) b.allow[at] = e!;
    else {
      if (<u32>b.allow.length >= SIGNER.limits.maxAllowlist) return invalidState("allowlist full (max_allowlist)");
      b.allow.push(e!);
    }
  } else {
    if (at < 0) return invalidArgument("no such allowlist entry");
    b.allow.splice(at, 1);
  }
  SIGNER.touch("payments");
  return null;
}

function allowlistList(r: Reader, w: Writer): CoreError | null {
  if (!r.finish()) return malformed(r.err!);
  const b = SIGNER.payments;
  w.u16(<u16>b.allow.length);
  for (let i = 0; i < b.allow.length; i++) w.u8(b.allow[i].kind).varbytes(b.allow[i].value).u32(b.allow[i].from).u32(b.allow[i].count);
  return null;
}

export function handlePayments(method: u16, r: Reader, w: Writer): CoreError | null {
  if (method > PaymentMethod.ALLOWLIST_LIST) return new CoreError(Code.UNKNOWN_METHOD, "unknown method");
  if (!SIGNER.initialized()) { r.finish(); return new CoreError(Code.NOT_INITIALIZED, "init first"); }
  if (method == PaymentMethod.SHOW_INVOICE) return showInvoice(r, w);
  if (method == PaymentMethod.PAYMENT_AUTHORIZE) return paymentAuthorize(r, w);
  if (method == PaymentMethod.APPROVALS_LIST) return approvalsList(r, w);
  if (method == PaymentMethod.APPROVAL_DECIDE) return approvalDecide(r, w);
  if (method == PaymentMethod.ALLOWLIST_ADD) return allowlistEdit(true, r, w);
  if (method == PaymentMethod.ALLOWLIST_REMOVE) return allowlistEdit(false, r, w);
  if (method == PaymentMethod.ALLOWLIST_LIST) return allowlistList(r, w);
  return new CoreError(Code.UNKNOWN_METHOD, "unknown method");
}
