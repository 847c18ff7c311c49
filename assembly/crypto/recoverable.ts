// Recovery id of a compact ECDSA signature (as BOLT 11 and signed messages
// need), found from public data with the existing imports: R has x = r and
// the parity for which s·R = z·G + r·Q. No secret is involved.
import { pubkeyCombine2, pubkeyCreate, pubkeyTweakMul, ecdsaSign } from "./index";
import { bytesEqual } from "../codec/bytes";

function isZero(b: Uint8Array): bool {
  for (let i = 0; i < b.length; i++) if (b[i] != 0) return false;
  return true;
}

/** 0 or 1 (x(R) < n always holds but with negligible probability); -1 if neither fits. */
export function recoveryId(sig64: Uint8Array, msg32: Uint8Array, pub33: Uint8Array): i32 {
  const r = sig64.slice(0, 32), s = sig64.slice(32, 64);
  const rQ = pubkeyTweakMul(pub33, r);
  if (rQ === null) return -1;
  // z·G + r·Q; z = 0 leaves r·Q. A digest ≥ n maps to z - n, which pubkeyCreate refuses: negligible, reported as -1.
  let rhs: Uint8Array | null = rQ;
  if (!isZero(msg32)) {
    const zG = pubkeyCreate(msg32);
    if (zG === null) return -1;
    rhs = pubkeyCombine2(zG, rQ);
    if (rhs === null) return -1;
  }
  const R = new Uint8Array(33);
  R.set(r, 1);
  for (let parity = 0; parity < 2; parity++) {
    R[0] = <u8>(2 + parity);
    const sR = pubkeyTweakMul(R, s);
    if (sR !== null && bytesEqual(sR!, rhs!)) return parity;
  }
  return -1;
}

/** recid || r || s (65 bytes), or null on a bad key. */
export function signRecoverable(sec: Uint8Array, msg32: Uint8Array): Uint8Array | null {
  const sig = ecdsaSign(sec, msg32);
  const pub = pubkeyCreate(sec);
  if (sig === null || pub === null) return null;
  const id = recoveryId(sig, msg32, pub);
  if (id < 0) return null;
  const out = new Uint8Array(65);
  out[0] = <u8>id;
  out.set(sig!, 1);
  return out;
}
