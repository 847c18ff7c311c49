// ECDSA signatures in transactions: strict DER (BIP66) with a trailing sighash
// byte. The import contract signs and verifies compact r||s (64 bytes).

function intDer(x: Uint8Array): Uint8Array {
  let i = 0;
  while (i < 31 && x[i] == 0) i++;
  const pad = x[i] >= 0x80 ? 1 : 0;
  const out = new Uint8Array(32 - i + pad);
  out.set(x.subarray(i), pad);
  return out;
}

/** DER encoding of a compact signature, followed by the sighash byte. */
export function derEncode(sig64: Uint8Array, sighash: u8): Uint8Array {
  const r = intDer(sig64.subarray(0, 32)), s = intDer(sig64.subarray(32, 64));
  const out = new Uint8Array(6 + r.length + s.length + 1);
  out[0] = 0x30; out[1] = <u8>(4 + r.length + s.length);
  out[2] = 0x02; out[3] = <u8>r.length; out.set(r, 4);
  const o = 4 + r.length;
  out[o] = 0x02; out[o + 1] = <u8>s.length; out.set(s, o + 2);
  out[out.length - 1] = sighash;
  return out;
}

function intCompact(der: Uint8Array, start: i32, len: i32, out: Uint8Array, at: i32): bool {
  if (len == 0 || len > 33) return false;
  if (der[start] & 0x80) return false; // negative
  if (len > 1 && der[start] == 0 && !(der[start + 1] & 0x80)) return false; // not minimal
  if (len == 33) { if (der[start] != 0) return false; start++; len--; }
  out.set(der.subarray(start, start + len), at + 32 - len);
  return true;
}

/** Strict DER (BIP66 IsValidSignatureEncoding) + sighash byte → compact r||s, or null. */
export function derDecode(sig: Uint8Array): Uint8Array | null {
  const n = sig.length;
  if (n < 9 || n > 73) return null;
  if (sig[0] != 0x30 || <i32>sig[1] != n - 3) return null;
  const lenR = <i32>sig[3];
  if (sig[2] != 0x02 || 5 + lenR >= n) return null;
  const lenS = <i32>sig[5 + lenR];
  if (lenR + lenS + 7 != n || sig[4 + lenR] != 0x02) return null;
  const out = new Uint8Array(64);
  if (!intCompact(sig, 4, lenR, out, 0) || !intCompact(sig, 6 + lenR, lenS, out, 32)) return null;
  return out;
}
