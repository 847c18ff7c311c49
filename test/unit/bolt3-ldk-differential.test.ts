// BOLT 3 commitments: the core against LDK (lightningdevkit 0.1) on 1 000
// random channel states, both channel types. LDK's TypeScript bindings expose
// no CommitmentTransaction constructor, but CommitmentTransaction.verify()
// rebuilds the transaction itself from the channel parameters, the keys it
// derives from the basepoints and the per-commitment point, the values and
// the HTLCs, and compares txids. So each state is built by the core (keys
// derived in the core, fee and trimming computed by the core), wrapped in
// LDK's serialization, and LDK's own construction must produce the same
// transaction. Fee computation and trimming decisions are not rebuilt by
// verify(); they are checked against a restatement of BOLT 3's formulas here
// and against Appendices C and F (the conformance suites).
import { describe, it, expect } from "vitest";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { initLdk, ldk } from "../../host/ldk/init.js";
import { Signer } from "../../host/signer.js";
import { Reader, Writer } from "../../host/protocol/codec.js";
import { rng } from "./wallet-gen.js";

await initLdk();
const INITIAL = (1n << 48n) - 1n;

const bigsize = (n: number) => (n < 0xfd ? [n] : [0xfd, n >> 8, n & 0xff]);
const rec = (t: number, v: Uint8Array) => [...bigsize(t), ...bigsize(v.length), ...v];
const be = (v: bigint, n: number) => { const o = new Uint8Array(n); for (let i = n - 1; i >= 0; i--) { o[i] = Number(v & 0xffn); v >>= 8n; } return o; };
const lenPrefixed = (body: number[]) => Uint8Array.from([...bigsize(body.length), ...body]);

interface H { offered: boolean; amountMsat: bigint; cltv: number; hash: Uint8Array }

describe("BOLT 3 commitments vs LDK", () => {
  it("1 000 random states (both channel types, dust and duplicate HTLCs): LDK rebuilds the core's transaction", async () => {
    const s = new Signer();
    const r = rng(0x1d1c);
    const key = () => secp256k1.utils.randomSecretKey(r.bytes(48));
    const pub = (k: Uint8Array) => secp256k1.getPublicKey(k, true);
    let checked = 0, withHtlcs = 0, trimmed = 0, anchorsCases = 0;
    for (let i = 0; i < 1000; i++) {
      if (i % 100 === 99) await new Promise<void>((r) => setImmediate(r)); // keep the vitest worker's RPC answered on a loaded machine
      const anchors = i % 2 === 1;
      const b = { pay: pub(key()), rev: pub(key()), delayed: pub(key()), htlc: pub(key()), funding: pub(key()) };
      const c = { pay: pub(key()), rev: pub(key()), delayed: pub(key()), htlc: pub(key()), funding: pub(key()) };
      const delay = 6 + r.int(2000), dust = BigInt(354 + r.int(800)), feerate = BigInt(r.pick([253, 1000, 2500, 5000, 15000, r.int(20000)]));
      const index = INITIAL - BigInt(r.int(1_000_000));
      const pcp = pub(key());
      const fundingTxid = r.bytes(32), vout = r.int(3);
      const funder = r.bool();
      const htlcs: H[] = [];
      const nH = r.pick([0, 0, 1, 3, 8, 20]);
      for (let k = 0; k < nH; k++) {
        const dup = k > 0 && r.int(5) === 0 ? htlcs[k - 1] : null;
        htlcs.push(dup ? { ...dup, cltv: dup.cltv + r.int(3) } : { offered: r.bool(), amountMsat: BigInt(r.pick([100_000, 500_000, 1_000_000 + r.int(50_000_000), r.int(3_000_000)])), cltv: 500_000 + r.int(1000), hash: r.bytes(32) });
      }
      const toB = BigInt(r.int(2_000_000_000)), toC = BigInt(r.int(2_000_000_000));
      // The core builds it.
      const w = new Writer().u8(anchors ? 1 : 0).bytes(fundingTxid).u32(vout).u64(INITIAL - index).u32(delay).u64(dust).u64(feerate).u64(toB).u64(toC).u8(funder ? 1 : 0).bytes(pcp);
      for (const k of [b.pay, b.delayed, b.htlc, b.funding, c.pay, c.rev, c.htlc, c.funding]) w.bytes(k);
      w.u16(htlcs.length);
      for (const h of htlcs) w.u8(h.offered ? 1 : 0).u64(h.amountMsat).u32(h.cltv).bytes(h.hash);
      const out = new Reader(s.request(0x8212, w.finish()));
      const tx = out.varbytes(), vB = out.u64(), vC = out.u64(), fee = out.u64();
      const idx = htlcs.map(() => out.u32());
      // BOLT 3 "Fees" and "Trimmed Outputs", restated.
      const untrimmed = htlcs.filter((h) => h.amountMsat / 1000n >= dust + (anchors ? 0n : (feerate * (h.offered ? 663n : 703n)) / 1000n));
      expect(fee).toBe((feerate * BigInt((anchors ? 1124 : 724) + 172 * untrimmed.length)) / 1000n);
      expect(idx.filter((x) => x !== 0xffffffff).length).toBe(untrimmed.length);
      // LDK's view of the same channel and state.
      const keys = (x: typeof b) => ldk.ChannelPublicKeys.constructor_new(x.funding, ldk.RevocationBasepoint.constructor_new(x.rev), x.pay, ldk.DelayedPaymentBasepoint.constructor_new(x.delayed), ldk.HtlcBasepoint.constructor_new(x.htlc));
      const features = anchors ? ldk.ChannelTypeFeatures.constructor_anchors_zero_htlc_fee_and_dependencies() : ldk.ChannelTypeFeatures.constructor_only_static_remote_key();
      const params = ldk.ChannelTransactionParameters.constructor_new(keys(b), 144, funder, ldk.CounterpartyChannelTransactionParameters.constructor_new(keys(c), delay), ldk.OutPoint.constructor_new(fundingTxid, vout), features);
      const txKeys = ldk.TxCreationKeys.constructor_from_channel_static_keys(pcp, keys(b), keys(c));
      const built = lenPrefixed([...rec(0, tx), ...rec(2, sha256(sha256(tx)))]);
      const htlcRecs: number[] = [];
      htlcs.forEach((h, k) => { if (idx[k] !== 0xffffffff) htlcRecs.push(...lenPrefixed([...rec(0, Uint8Array.of(h.offered ? 1 : 0)), ...rec(2, be(h.amountMsat, 8)), ...rec(4, be(BigInt(h.cltv), 4)), ...rec(6, h.hash), ...rec(8, be(BigInt(idx[k]), 4))])); });
      const body = [...rec(0, be(index, 8)), ...rec(1, be(BigInt(delay), 2)), ...rec(2, be(vB, 8)), ...rec(4, be(vC, 8)), ...rec(6, be(feerate, 4)),
        ...rec(8, txKeys.write()), ...rec(10, built), ...rec(12, Uint8Array.from(htlcRecs)), ...rec(15, features.write())];
      const ct = ldk.CommitmentTransaction.constructor_read(lenPrefixed(body));
      if (!(ct instanceof ldk.Result_CommitmentTransactionDecodeErrorZ_OK)) throw new Error(`state ${i}: LDK cannot read the commitment`);
      const ok = Boolean(ct.res.verify(params.as_holder_broadcastable(), keys(b), keys(c)).is_ok());
      expect(ok, `state ${i}: LDK builds a different transaction`).toBe(true);
      // The check can fail: one value off and LDK's rebuild differs.
      if (i % 100 === 0) {
        const bad = ldk.CommitmentTransaction.constructor_read(lenPrefixed([...rec(0, be(index, 8)), ...rec(1, be(BigInt(delay), 2)), ...rec(2, be(vB + 1n, 8)), ...body.slice(rec(0, be(index, 8)).length + rec(1, be(BigInt(delay), 2)).length + rec(2, be(vB, 8)).length)]));
        expect(Boolean((bad as ldk.Result_CommitmentTransactionDecodeErrorZ_OK).res.verify(params.as_holder_broadcastable(), keys(b), keys(c)).is_ok())).toBe(false);
      }
      checked++; if (untrimmed.length) withHtlcs++; if (untrimmed.length < htlcs.length) trimmed++; if (anchors) anchorsCases++;
    }
    expect(checked).toBe(1000);
    expect(withHtlcs).toBeGreaterThan(300);
    expect(trimmed).toBeGreaterThan(100);
    expect(anchorsCases).toBe(500);
  });
});
