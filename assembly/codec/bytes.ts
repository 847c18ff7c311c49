// Byte-string comparisons for public data (not constant-time: never use them on secrets).

/** a == b, byte for byte. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] != b[i]) return false;
  return true;
}

/**
 * Lexicographic order, a proper prefix first: the order of BIP69 scriptPubKeys,
 * BOLT 3 output ordering and sorted compressed keys (negative, 0, positive).
 */
export function compareBytes(a: Uint8Array, b: Uint8Array): i32 {
  for (let i = 0; i < a.length && i < b.length; i++) if (a[i] != b[i]) return <i32>a[i] - <i32>b[i];
  return a.length - b.length;
}
