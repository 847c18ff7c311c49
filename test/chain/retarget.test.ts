// Difficulty rules of the core (assembly/chain/headers.ts requiredBits, U256
// compact encoding) against Bitcoin Core's arithmetic restated with BigInt
// (pow.cpp CalculateNextWorkRequired, arith_uint256.cpp Get/SetCompact).
import { describe, it, expect } from "vitest";
import { Signer } from "../../host/signer.js";
import { nextBits, workOfBits } from "../../host/chain/client.js";
import { targetOf } from "../../host/chain/headers.js";

const T = 14 * 24 * 3600;
const LIMIT = { bitcoin: 0x1d00ffff, testnet: 0x1d00ffff, signet: 0x1e0377ae, regtest: 0x207fffff } as const;

function compactOf(v: bigint): number {
  let size = 0; for (let x = v; x > 0n; x >>= 8n) size++;
  let c = size <= 3 ? Number(v << BigInt(8 * (3 - size))) : Number(v >> BigInt(8 * (size - 3)));
  if (c & 0x00800000) { c >>>= 8; size++; }
  return (c | (size << 24)) >>> 0;
}

function retarget(bits: number, actual: number, limitBits: number): number {
  const a = Math.min(Math.max(actual, T / 4), T * 4);
  let t = (targetOf(bits) * BigInt(a)) / BigInt(T);
  if (t > targetOf(limitBits)) t = targetOf(limitBits);
  return compactOf(t);
}

let seed = 0x1234567;
const rnd = () => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) / 2 ** 32; };

describe("difficulty retargeting", () => {
  const s = new Signer(); s.init({ secret: new Uint8Array(32).fill(7), network: "bitcoin" });

  it("mainnet's first retarget: 0x1d00ffff → 0x1d00d86a at height 32256", () => {
    // Blocks 30240..32255 took 1 022 578 s; only the difference of the two times matters.
    const start = 1_262_000_000;
    expect(nextBits(s, "bitcoin", 32256, start + 1022578 + 600, { bits: 0x1d00ffff, time: start + 1022578, periodStartTime: start, lastRealBits: 0x1d00ffff })).toBe(0x1d00d86a);
  });

  it("inside a period the bits do not change", () => {
    expect(nextBits(s, "bitcoin", 32257, 1, { bits: 0x1d00d86a, time: 0, periodStartTime: 0, lastRealBits: 0x1d00d86a })).toBe(0x1d00d86a);
  });

  it("2 000 random retargets on every network agree with Core's arithmetic, clamps and limit included", () => {
    for (const net of ["bitcoin", "testnet", "signet"] as const) {
      for (let i = 0; i < 700; i++) {
        const exp = 0x17 + Math.floor(rnd() * 8);
        const bits = ((exp << 24) | (0x8000 + Math.floor(rnd() * 0x7f0000))) >>> 0;
        if (targetOf(bits) > targetOf(LIMIT[net]) || (bits & 0x00800000)) continue;
        const start = 1_600_000_000, actual = Math.floor(rnd() * T * 5);
        const got = nextBits(s, net, 2016 * 500, start + actual + 600, { bits, time: start + actual, periodStartTime: start, lastRealBits: bits });
        expect(got, `${net} bits ${bits.toString(16)} actual ${actual}`).toBe(retarget(bits, actual, LIMIT[net]));
      }
    }
  });

  it("testnet's 20-minute rule: minimum difficulty after 20 minutes, else the last real bits", () => {
    const prev = { bits: 0x1d00ffff, time: 1000, periodStartTime: 0, lastRealBits: 0x1c0fffff };
    expect(nextBits(s, "testnet", 5, 1000 + 1201, prev)).toBe(0x1d00ffff);
    expect(nextBits(s, "testnet", 5, 1000 + 1200, prev)).toBe(0x1c0fffff);
    expect(nextBits(s, "bitcoin", 5, 1000 + 99999, { ...prev, bits: 0x1c0fffff })).toBe(0x1c0fffff);
  });

  it("regtest never retargets", () => {
    expect(nextBits(s, "regtest", 2016, 5, { bits: 0x207fffff, time: 1, periodStartTime: 0, lastRealBits: 0x207fffff })).toBe(0x207fffff);
  });

  it("work of a target is 2^256 / (target + 1)", () => {
    for (const bits of [0x1d00ffff, 0x207fffff, 0x1e0377ae, 0x1705ae3a, 0x1b0404cb]) {
      expect(workOfBits(s, bits)).toBe((1n << 256n) / (targetOf(bits) + 1n));
    }
  });
});
