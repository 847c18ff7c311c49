// SipHash-2-4 (Aumasson, Bernstein: "SipHash: a fast short-input PRF", 2012),
// the host side of the `siphash24` import. 64-bit lanes as BigInt.
const M = (1n << 64n) - 1n;
const rotl = (x: bigint, b: bigint) => ((x << b) | (x >> (64n - b))) & M;

function le64(b: Uint8Array, o: number): bigint {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(b[o + i]);
  return v;
}

export function siphash24(key: Uint8Array, msg: Uint8Array): bigint {
  const k0 = le64(key, 0), k1 = le64(key, 8);
  let v0 = k0 ^ 0x736f6d6570736575n, v1 = k1 ^ 0x646f72616e646f6dn, v2 = k0 ^ 0x6c7967656e657261n, v3 = k1 ^ 0x7465646279746573n;
  const round = () => {
    v0 = (v0 + v1) & M; v1 = rotl(v1, 13n); v1 ^= v0; v0 = rotl(v0, 32n);
    v2 = (v2 + v3) & M; v3 = rotl(v3, 16n); v3 ^= v2;
    v0 = (v0 + v3) & M; v3 = rotl(v3, 21n); v3 ^= v0;
    v2 = (v2 + v1) & M; v1 = rotl(v1, 17n); v1 ^= v2; v2 = rotl(v2, 32n);
  };
  const full = msg.length - (msg.length % 8);
  for (let o = 0; o < full; o += 8) { const m = le64(msg, o); v3 ^= m; round(); round(); v0 ^= m; }
  let last = BigInt(msg.length & 0xff) << 56n;
  for (let i = 0; i < msg.length % 8; i++) last |= BigInt(msg[full + i]) << BigInt(8 * i);
  v3 ^= last; round(); round(); v0 ^= last;
  v2 ^= 0xffn;
  round(); round(); round(); round();
  return (v0 ^ v1 ^ v2 ^ v3) & M;
}
