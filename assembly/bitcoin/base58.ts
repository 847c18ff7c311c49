// Base58 and Base58Check (Bitcoin's legacy address and extended key encoding).
import { sha256d } from "../crypto";

const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

export function base58Encode(data: Uint8Array): Uint8Array {
  let zeros = 0;
  while (zeros < data.length && data[zeros] == 0) zeros++;
  // log(256)/log(58) < 1.37
  const size = (data.length - zeros) * 138 / 100 + 1;
  const b58 = new Uint8Array(size);
  let length = 0;
  for (let i = zeros; i < data.length; i++) {
    let carry = <u32>data[i];
    let k = 0;
    for (let j = size - 1; (carry != 0 || k < length) && j >= 0; j--, k++) {
      carry += 256 * <u32>b58[j];
      b58[j] = <u8>(carry % 58);
      carry /= 58;
    }
    length = k;
  }
  let start = size - length;
  while (start < size && b58[start] == 0) start++;
  const out = new Uint8Array(zeros + size - start);
  for (let i = 0; i < zeros; i++) out[i] = 0x31;
  for (let i = start; i < size; i++) out[zeros + i - start] = <u8>ALPHABET.charCodeAt(b58[i]);
  return out;
}

export function base58Decode(s: Uint8Array): Uint8Array | null {
  let zeros = 0;
  while (zeros < s.length && s[zeros] == 0x31) zeros++;
  const size = (s.length - zeros) * 733 / 1000 + 1; // log(58)/log(256)
  const b256 = new Uint8Array(size);
  let length = 0;
  for (let i = zeros; i < s.length; i++) {
    let carry: i32 = -1;
    for (let a = 0; a < 58; a++) if (<u8>ALPHABET.charCodeAt(a) == s[i]) { carry = a; break; }
    if (carry < 0) return null;
    let k = 0;
    for (let j = size - 1; (carry != 0 || k < length) && j >= 0; j--, k++) {
      carry += 58 * <i32>b256[j];
      b256[j] = <u8>(carry & 0xff);
      carry >>= 8;
    }
    length = k;
  }
  let start = size - length;
  while (start < size && b256[start] == 0) start++;
  const out = new Uint8Array(zeros + size - start);
  out.set(b256.subarray(start), zeros);
  return out;
}

/** payload || first 4 bytes of SHA256d(payload), base58. */
export function base58CheckEncode(payload: Uint8Array): Uint8Array {
  const h = sha256d(payload);
  const b = new Uint8Array(payload.length + 4);
  b.set(payload, 0);
  b.set(h.subarray(0, 4), payload.length);
  return base58Encode(b);
}

export function base58CheckDecode(s: Uint8Array): Uint8Array | null {
  const b = base58Decode(s);
  if (b === null || b!.length < 4) return null;
  const payload = b!.slice(0, b!.length - 4);
  const h = sha256d(payload);
  for (let i = 0; i < 4; i++) if (h[i] != b![b!.length - 4 + i]) return null;
  return payload;
}
