// 100 000 mutated transactions into the core's parser and sighash (the 1 M run
// is `npx tsx test/fuzz/bitcoin.ts`): never a trap, every reply typed, and an
// accepted transaction re-serializes to exactly its input.
import { describe, it, expect } from "vitest";
import { fuzzTx } from "../fuzz/bitcoin.js";

describe("transaction fuzz", () => {
  it("100 000 mutated transactions: 0 traps, 0 untyped errors, 0 lossy accepts", async () => {
    const r = await fuzzTx(100_000, 0x5eed);
    expect(r).toMatchObject({ traps: 0, untyped: 0, lossy: 0 });
    expect(r.accepted).toBeGreaterThan(1000); // mutations reached past the parser's first checks
  });
});
