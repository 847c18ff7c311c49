// BOLT 3 "Key Derivation" and "Per-commitment Secret Requirements".
import { pubkeyCombine2, pubkeyCreate, pubkeyTweakAdd, pubkeyTweakMul, seckeyTweakAdd, seckeyTweakMul, sha256 } from "../crypto";

/** Commitment numbers count up from 0; secret indexes count down from 2^48 - 1. */
export const MAX_INDEX: u64 = (<u64>1 << 48) - 1;

function cat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const o = new Uint8Array(a.length + b.length);
  o.set(a, 0);
  o.set(b, a.length);
  return o;
}

/** generate_from_seed(seed, I): flip bit B of P and hash it, for each set bit B of I from 47 down. */
export function perCommitmentSecret(seed: Uint8Array, index: u64): Uint8Array {
  return deriveSecret(seed, 48, index);
}

/** The shachain step shared by generation and storage: bits below `bits` of `index`, from the top. */
export function deriveSecret(base: Uint8Array, bits: i32, index: u64): Uint8Array {
  let p = base.slice();
  for (let b = bits - 1; b >= 0; b--) {
    if ((index >> <u64>b) & 1) {
      p[b >> 3] ^= <u8>(1 << <u8>(b & 7));
      p = sha256(p);
    }
  }
  return p;
}

export function perCommitmentPoint(seed: Uint8Array, index: u64): Uint8Array | null {
  return pubkeyCreate(perCommitmentSecret(seed, index));
}

/** pubkey = basepoint + SHA256(per_commitment_point || basepoint)·G (localpubkey, htlcpubkey, delayedpubkey…). */
export function derivePubkey(basepoint: Uint8Array, pcPoint: Uint8Array): Uint8Array | null {
  return pubkeyTweakAdd(basepoint, sha256(cat(pcPoint, basepoint)));
}

/** privkey = basepoint_secret + SHA256(per_commitment_point || basepoint). */
export function derivePrivkey(baseSecret: Uint8Array, pcPoint: Uint8Array): Uint8Array | null {
  const basepoint = pubkeyCreate(baseSecret);
  if (basepoint === null) return null;
  return seckeyTweakAdd(baseSecret, sha256(cat(pcPoint, basepoint!)));
}

/**
 * revocationpubkey = revocation_basepoint·SHA256(revocation_basepoint || per_commitment_point)
 *                  + per_commitment_point·SHA256(per_commitment_point || revocation_basepoint)
 */
export function revocationPubkey(revBasepoint: Uint8Array, pcPoint: Uint8Array): Uint8Array | null {
  const a = pubkeyTweakMul(revBasepoint, sha256(cat(revBasepoint, pcPoint)));
  const b = pubkeyTweakMul(pcPoint, sha256(cat(pcPoint, revBasepoint)));
  if (a === null || b === null) return null;
  return pubkeyCombine2(a!, b!);
}

/** The matching secret, once the per-commitment secret is known (a revoked commitment). */
export function revocationPrivkey(revBaseSecret: Uint8Array, pcSecret: Uint8Array): Uint8Array | null {
  const revBasepoint = pubkeyCreate(revBaseSecret), pcPoint = pubkeyCreate(pcSecret);
  if (revBasepoint === null || pcPoint === null) return null;
  const a = seckeyTweakMul(revBaseSecret, sha256(cat(revBasepoint!, pcPoint!)));
  const b = seckeyTweakMul(pcSecret, sha256(cat(pcPoint!, revBasepoint!)));
  if (a === null || b === null) return null;
  return seckeyTweakAdd(a!, b!);
}
