// Byte-string comparisons for public data (not constant-time: never use them on secrets).

/** a == b, byte for byte (different lengths are unequal). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] != b[i]) return false;
  return true;
}

/**
 * Lexicographic order (negative, 0, positive; only the sign is meaningful).
 * The common-length prefix is compared byte by byte as by memcmp, then the
 * shorter string sorts first. That is exactly what BOLT 3 "Transaction Output
 * Ordering" asks for scriptPubKeys (the BIP69 output order after the value),
 * and what sorted keys need (the funding script's compressed keys, PSBT keys).
 */
export function compareBytes(a: Uint8Array, b: Uint8Array): i32 {
  for (let i = 0; i < a.length && i < b.length; i++) if (a[i] != b[i]) return <i32>a[i] - <i32>b[i];
  return a.length - b.length;
}
