// BOLT 11 invoice decoding: the signer reads the invoices it is shown so the
// payment rules (invoiced amount, expiry, payee allowlist) can check the
// HTLCs it later signs. The payee is the `n` field, or a key the node names
// that the signature must verify against (no public-key recovery through the
// import contract); a high-S signature is normalised only in that case.
import { ecdsaVerify, sha256 } from "../crypto";
import { recoveryId } from "../crypto/recoverable";
import { Bech32, DecodeError, bech32Decode, convertBits } from "../bitcoin/bech32";

export class Invoice {
  network: u8 = 0;
  hasAmount: bool = false;
  amountMsat: u64 = 0;
  timestamp: u64 = 0;
  expiry: u64 = 3600; // BOLT 11 default
  minFinalCltv: u64 = 18; // BOLT 11 default
  paymentHash: Uint8Array = new Uint8Array(32);
  paymentSecret: Uint8Array = new Uint8Array(32);
  payee: Uint8Array = new Uint8Array(33);
  payeeFromN: bool = false;
  expiresAt(): u64 { return this.timestamp + this.expiry; }
}

// Even feature bits an invoice may require (BOLT 9, context I): var_onion_optin,
// payment_secret, basic_mpp, option_payment_metadata.
const KNOWN_EVEN: i32[] = [8, 14, 16, 48];

const N_HALF: u8[] = [0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0];
const N: u8[] = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
  0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41];

/** s > n/2 (public data: not constant time). */
function highS(sig: Uint8Array): bool {
  for (let i = 0; i < 32; i++) {
    if (sig[32 + i] != N_HALF[i]) return sig[32 + i] > N_HALF[i];
  }
  return false;
}

/** s ← n − s. */
function negateS(sig: Uint8Array): void {
  let borrow: i32 = 0;
  for (let i = 31; i >= 0; i--) {
    let d = <i32>N[i] - <i32>sig[32 + i] - borrow;
    borrow = d < 0 ? 1 : 0;
    if (d < 0) d += 256;
    sig[32 + i] = <u8>d;
  }
}

/**
 * BOLT 11 §Requirements: the signature is over SHA256(hrp as UTF-8 ‖ data
 * words as bits, zero-padded to a byte). Null if hrp is not "ln…" or a word
 * is over 5 bits.
 */
export function invoiceDigest(hrp: Uint8Array, words: Uint8Array): Uint8Array | null {
  if (hrp.length < 3 || hrp[0] != 0x6c || hrp[1] != 0x6e) return null;
  const bytes = new Uint8Array((words.length * 5 + 7) >> 3);
  let acc: u32 = 0, bits: i32 = 0, n = 0;
  for (let i = 0; i < words.length; i++) {
    if (words[i] >= 32) return null;
    acc = (acc << 5) | words[i];
    bits += 5;
    while (bits >= 8) { bits -= 8; bytes[n++] = <u8>(acc >> bits); }
  }
  if (bits > 0) bytes[n++] = <u8>(acc << (8 - bits));
  const msg = new Uint8Array(hrp.length + bytes.length);
  msg.set(hrp, 0);
  msg.set(bytes, hrp.length);
  return sha256(msg);
}

function wordsToInt(w: u8[], from: i32, n: i32): u64 {
  let v: u64 = 0;
  for (let i = 0; i < n; i++) v = (v << 5) | <u64>w[from + i];
  return v;
}

function wordsToBytes(w: u8[], from: i32, n: i32, bytes: i32): Uint8Array | null {
  const b = convertBits(w.slice(from, from + n), 5, 8, true);
  if (b === null || b!.length < bytes) return null;
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) out[i] = b![i];
  return out;
}

function parseHrp(hrp: Uint8Array, inv: Invoice, err: DecodeError): bool {
  if (hrp.length < 4 || hrp[0] != 0x6c || hrp[1] != 0x6e) { err.msg = "not a lightning invoice"; return false; }
  const s = String.UTF8.decode(hrp.slice(2).buffer);
  let p = 0;
  if (s.startsWith("bcrt")) { inv.network = 3; p = 4; }
  else if (s.startsWith("bc")) { inv.network = 0; p = 2; }
  else if (s.startsWith("tbs")) { inv.network = 2; p = 3; }
  else if (s.startsWith("tb")) { inv.network = 1; p = 2; }
  else { err.msg = "unknown currency"; return false; }
  if (p == s.length) return true;
  let digits: u64 = 0;
  let q = p;
  while (q < s.length && s.charCodeAt(q) >= 0x30 && s.charCodeAt(q) <= 0x39) {
    if (digits > 100_000_000_000_000) { err.msg = "amount too large"; return false; }
    digits = digits * 10 + <u64>(s.charCodeAt(q) - 0x30);
    q++;
  }
  if (q == p) { err.msg = "invalid amount"; return false; }
  if (q < s.length - 1) { err.msg = "invalid amount"; return false; }
  const mult = q < s.length ? s.charAt(q) : "";
  // 1 BTC = 10^11 msat.
  if (mult == "") inv.amountMsat = digits * 100_000_000_000;
  else if (mult == "m") inv.amountMsat = digits * 100_000_000;
  else if (mult == "u") inv.amountMsat = digits * 100_000;
  else if (mult == "n") inv.amountMsat = digits * 100;
  else if (mult == "p") {
    if (digits % 10 != 0) { err.msg = "sub-millisatoshi precision"; return false; }
    inv.amountMsat = digits / 10;
  } else { err.msg = "invalid multiplier"; return false; }
  inv.hasAmount = true;
  return true;
}

/**
 * Decode and authenticate an invoice. `payee` (33 bytes) is required when the
 * invoice has no `n` field; the signature must verify against it.
 */
export function decodeInvoice(s: Uint8Array, payee: Uint8Array | null, err: DecodeError): Invoice | null {
  const d: Bech32 | null = bech32Decode(s, err, 7089);
  if (d === null) return null;
  const words = d!.data;
  if (words.length < 7 + 104) { err.msg = "too short"; return null; }
  const inv = new Invoice();
  if (!parseHrp(d!.hrp, inv, err)) return null;
  inv.timestamp = wordsToInt(words, 0, 7);
  const end = words.length - 104;
  let hasHash = false, hasSecret = false;
  let p = 7;
  while (p < end) {
    if (p + 3 > end) { err.msg = "truncated field"; return null; }
    const t = words[p];
    const len = <i32>words[p + 1] * 32 + <i32>words[p + 2];
    p += 3;
    if (p + len > end) { err.msg = "field longer than the data"; return null; }
    if (t == 1 && len == 52) { inv.paymentHash = wordsToBytes(words, p, len, 32)!; hasHash = true; }
    else if (t == 16 && len == 52) { inv.paymentSecret = wordsToBytes(words, p, len, 32)!; hasSecret = true; }
    else if (t == 19 && len == 53) { inv.payee = wordsToBytes(words, p, len, 33)!; inv.payeeFromN = true; }
    else if (t == 6) { if (len > 12) { err.msg = "expiry too long"; return null; } inv.expiry = wordsToInt(words, p, len); }
    else if (t == 24) { if (len > 12) { err.msg = "cltv too long"; return null; } inv.minFinalCltv = wordsToInt(words, p, len); }
    else if (t == 5) {
      // Feature bits: bit i is bit (i % 5) of word (len - 1 - i / 5).
      for (let i = 0; i < len * 5; i++) {
        const set = (words[p + len - 1 - i / 5] >> <u8>(i % 5)) & 1;
        if (set && (i & 1) == 0 && !KNOWN_EVEN.includes(i)) { err.msg = "unknown required feature " + i.toString(); return null; }
      }
    }
    p += len;
  }
  if (!hasHash) { err.msg = "missing payment hash (p)"; return null; }
  if (!hasSecret) { err.msg = "missing payment secret (s)"; return null; }
  const sig = wordsToBytes(words, end, 104, 65);
  if (sig === null || sig![64] > 3) { err.msg = "signature is not recoverable (recovery id)"; return null; }
  const signed = new Uint8Array(end);
  for (let i = 0; i < end; i++) signed[i] = words[i];
  const digest = invoiceDigest(d!.hrp, signed)!;
  const rs = sig!.slice(0, 64);
  let recid = <i32>sig![64];
  if (!inv.payeeFromN) {
    if (payee === null) { err.msg = "no n field: the payee key must be given"; return null; }
    inv.payee = payee!;
    if (highS(rs)) negateS(rs); // the recovery id below is checked against the normalised signature, as the spec's high-S example requires
  }
  if (!ecdsaVerify(rs, digest, inv.payee)) { err.msg = "signature does not verify for the payee"; return null; }
  // The recovery id must recover the payee (BOLT 11: fail if not recoverable).
  if (recoveryId(rs, digest, inv.payee) != recid) { err.msg = "signature is not recoverable to the payee"; return null; }
  return inv;
}
