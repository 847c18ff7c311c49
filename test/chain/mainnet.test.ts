// Real Bitcoin mainnet headers (test/vectors/headers, source in its README)
// through the core's follower: the retarget at 824544 accepted with the bits
// and chain work mainnet has, tampered copies refused
// (policy-chain-headers-valid) with no state change, the first difficulty
// change (32256) from a checkpoint, and every retarget up to 832608 against
// the core's difficulty rule.
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { Signer } from "../../host/signer.js";
import { chainAddHeaders, chainInit, chainTip, nextBits, type Checkpoint } from "../../host/chain/client.js";
import { headerHash, targetOf } from "../../host/chain/headers.js";
import { expectRefused } from "../policy/attack.js";
import { hex, unhex } from "../helpers.js";

const DIR = new URL("../vectors/headers/", import.meta.url);
const V = JSON.parse(readFileSync(new URL("mainnet-retarget-824544.json", DIR), "utf8")) as {
  retargetHeight: number; firstHeight: number; headers: string[];
  periodStart: { height: number; header: string }; chainwork: Record<string, string>; hashes: Record<string, string>;
};
const PAIRS = new Uint8Array(readFileSync(new URL("mainnet-retarget-pairs.bin", DIR)));

const H = V.headers.map(unhex);
const at = (h: number) => H[h - V.firstHeight];
const field = (b: Uint8Array, off: number) => new DataView(b.buffer, b.byteOffset).getUint32(off, true);
const time = (b: Uint8Array) => field(b, 68);
const bits = (b: Uint8Array) => field(b, 72);
const display = (b: Uint8Array) => hex(Uint8Array.from(b).reverse());
const work = (b: number) => (1n << 256n) / (targetOf(b) + 1n); // Bitcoin Core's GetBlockProof
const RULE = "policy-chain-headers-valid";
const R = V.retargetHeight;

/** A mainnet signer whose checkpoint is the header at `height` of the vector file. */
function signerAt(height: number, over: Partial<Checkpoint> = {}): Signer {
  const s = new Signer();
  s.init({ secret: new Uint8Array(32).fill(0x5a), network: "bitcoin" });
  const preceding: number[] = [];
  for (let h = height - 1; h >= height - 10; h--) preceding.push(time(at(h)));
  const cw = BigInt("0x" + V.chainwork[String(R - 1)]) - BigInt(R - 1 - height) * work(bits(at(R - 1)));
  chainInit(s, { height, header: at(height), chainwork: cw, periodStartTime: time(unhex(V.periodStart.header)), lastRealBits: bits(at(height)), precedingTimes: preceding, ...over });
  return s;
}
const range = (from: number, to: number) => H.slice(from - V.firstHeight, to - V.firstHeight + 1);

describe("mainnet headers around the retarget at 824544", () => {
  it("the vectors link and hash to the known blocks", () => {
    for (let h = V.firstHeight + 1; h <= V.firstHeight + H.length - 1; h++) expect(hex(at(h).subarray(4, 36))).toBe(hex(headerHash(at(h - 1))));
    expect(display(headerHash(at(R)))).toBe("00000000000000000001b7f8d0289c6e15e5a6c9a59894b955afcf7dd8f9b1fe");
    expect(display(headerHash(unhex(V.periodStart.header)))).toBe(V.hashes[String(V.periodStart.height)]);
    expect([bits(at(R - 1)), bits(at(R))]).toEqual([0x1703e8b3, 0x1703d869]);
  });

  it("the follower takes the first header of the new period with mainnet's bits and chain work", () => {
    const s = signerAt(R - 1);
    const t = chainAddHeaders(s, headerHash(at(R - 1)), [at(R)]);
    expect(t.height).toBe(R);
    expect(display(t.hash)).toBe(V.hashes[String(R)]);
    expect(t.work).toBe(BigInt("0x" + V.chainwork[String(R)]));
    // The core's rule, asked directly: the period 822528..824543 gives 0x1703d869.
    expect(nextBits(s, "bitcoin", R, time(at(R)), { bits: bits(at(R - 1)), time: time(at(R - 1)), periodStartTime: time(unhex(V.periodStart.header)), lastRealBits: bits(at(R - 1)) })).toBe(0x1703d869);
  });

  it("one batch from 824530 crosses the boundary to 824575", () => {
    const s = signerAt(824530);
    const t = chainAddHeaders(s, headerHash(at(824530)), range(824531, 824575));
    expect(display(t.hash)).toBe(V.hashes["824575"]);
    expect(t.work).toBe(BigInt("0x" + V.chainwork[String(R)]) + 31n * work(0x1703d869));
  });

  describe("tampered copies are refused (policy-chain-headers-valid) and change nothing", () => {
    const tampered = (h: number, f: (b: Uint8Array) => void) => { const b = Uint8Array.from(at(h)); f(b); return b; };
    const setU32 = (b: Uint8Array, off: number, v: number) => new DataView(b.buffer, b.byteOffset).setUint32(off, v, true);

    const cases: Array<[string, () => Uint8Array[], RegExp]> = [
      ["824544 keeping the old bits (no retarget)", () => [tampered(R, (b) => setU32(b, 72, 0x1703e8b3))], /wrong difficulty bits at height 824544/],
      ["824544 claiming an easier target", () => [tampered(R, (b) => setU32(b, 72, 0x1704d869))], /wrong difficulty bits/],
      ["824544 with another nonce", () => [tampered(R, (b) => { b[76] ^= 1; })], /proof of work above target/],
      ["824550's time moved by one second", () => [...range(R, 824549), tampered(824550, (b) => setU32(b, 68, time(b) + 1))], /proof of work above target/],
      ["824548 left out", () => [...range(R, 824547), ...range(824549, 824552)], /does not link/],
    ];
    for (const [name, batch, why] of cases) {
      it(name, () => {
        const s = signerAt(R - 1);
        const err = expectRefused(s, RULE, () => chainAddHeaders(s, headerHash(at(R - 1)), batch()));
        expect(err.message).toMatch(why);
        expect(chainTip(s).height).toBe(R - 1);
      });
    }

    it("a checkpoint with the wrong period start time makes the real 824544 fail the retarget", () => {
      const s = signerAt(R - 1, { periodStartTime: time(unhex(V.periodStart.header)) + 3600 });
      expect(expectRefused(s, RULE, () => chainAddHeaders(s, headerHash(at(R - 1)), [at(R)])).message).toMatch(/wrong difficulty bits/);
    });
  });
});

describe("every mainnet retarget to 832608", () => {
  const header = (i: number) => PAIRS.subarray(80 * i, 80 * i + 80); // 0: genesis, 2k−1: height 2016k−1, 2k: height 2016k
  const K = (PAIRS.length / 80 - 1) / 2;

  it("the pairs link, and start at genesis and the first difficulty change", () => {
    expect(K).toBe(413);
    expect(display(headerHash(header(0)))).toBe("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
    expect(display(headerHash(header(32)))).toBe("000000004f2886a170adb7204cb0c7a824217dd24d11a74423d564c4e0904967"); // k = 16: height 32256
    for (let k = 1; k <= K; k++) expect(hex(header(2 * k).subarray(4, 36)), `pair ${k}`).toBe(hex(headerHash(header(2 * k - 1))));
  });

  it("the core's difficulty rule gives mainnet's bits at all 413", () => {
    const s = new Signer();
    s.init({ secret: new Uint8Array(32).fill(0x5b), network: "bitcoin" });
    let changed = 0;
    for (let k = 1; k <= K; k++) {
      const last = header(2 * k - 1), first = header(2 * k), start = header(2 * k - 2);
      const got = nextBits(s, "bitcoin", 2016 * k, time(first), { bits: bits(last), time: time(last), periodStartTime: time(start), lastRealBits: bits(last) });
      expect(got, `height ${2016 * k}`).toBe(bits(first));
      if (bits(first) !== bits(last)) changed++;
    }
    expect(changed).toBe(398);
  });

  it("the follower accepts 32256, the first difficulty change, from a checkpoint at 32255", () => {
    const s = new Signer();
    s.init({ secret: new Uint8Array(32).fill(0x5c), network: "bitcoin" });
    const last = header(31), first = header(32), start = header(30);
    chainInit(s, { height: 32255, header: last, chainwork: 1n << 40n, periodStartTime: time(start), lastRealBits: bits(last), precedingTimes: [] });
    const t = chainAddHeaders(s, headerHash(last), [first]);
    expect(t.height).toBe(32256);
    expect(bits(first)).toBe(0x1d00d86a);
    expect(t.work).toBe((1n << 40n) + work(0x1d00d86a));
    const wrong = Uint8Array.from(first);
    new DataView(wrong.buffer).setUint32(72, 0x1d00ffff, true);
    const s2 = new Signer();
    s2.init({ secret: new Uint8Array(32).fill(0x5c), network: "bitcoin" });
    chainInit(s2, { height: 32255, header: last, chainwork: 1n << 40n, periodStartTime: time(start), lastRealBits: bits(last), precedingTimes: [] });
    expectRefused(s2, RULE, () => chainAddHeaders(s2, headerHash(last), [wrong]));
  });
});
