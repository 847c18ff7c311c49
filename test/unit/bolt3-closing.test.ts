// Closing transactions. Legacy (closing_signed): the core against LDK's
// ClosingTransaction builder on 500 random closes (LDK takes the values after
// the fee and applies no dust rule, so those are given to it as BOLT 3 says
// the core computes them). option_simple_close: the shape BOLT 3 specifies,
// read back with @scure/btc-signer.
import { describe, it, expect } from "vitest";
import * as btc from "@scure/btc-signer";
import { initLdk, ldk } from "../../host/ldk/init.js";
import { Signer, SignerError } from "../../host/signer.js";
import { Reader, Writer } from "../../host/protocol/codec.js";
import { rng } from "./wallet-gen.js";

await initLdk();
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

function legacy(s: Signer, o: { txid: Uint8Array; vout: number; h: bigint; c: bigint; funder: boolean; fee: bigint; hs: Uint8Array; cs: Uint8Array; dust: bigint; omit?: boolean }) {
  const w = new Writer().bytes(o.txid).u32(o.vout).u64(o.h).u64(o.c).u8(o.funder ? 1 : 0).u64(o.fee).varbytes(o.hs).varbytes(o.cs).u64(o.dust).u8(o.omit ? 1 : 0);
  return new Reader(s.request(0x8213, w.finish())).varbytes();
}

function simple(s: Signer, o: { txid: Uint8Array; vout: number; locktime: number; closer: bigint; closee: bigint; fee: bigint; cs: Uint8Array | null; es: Uint8Array | null }) {
  const w = new Writer().bytes(o.txid).u32(o.vout).u32(o.locktime).u64(o.closer).u64(o.closee).u64(o.fee);
  if (o.cs) w.u8(1).varbytes(o.cs); else w.u8(0);
  if (o.es) w.u8(1).varbytes(o.es); else w.u8(0);
  return new Reader(s.request(0x8214, w.finish())).varbytes();
}

describe("closing transactions", () => {
  it("legacy: 500 random closes identical to LDK's ClosingTransaction", () => {
    const s = new Signer();
    const r = rng(0xc105e);
    for (let i = 0; i < 500; i++) {
      const script = () => r.pick([Uint8Array.from([0, 20, ...r.bytes(20)]), Uint8Array.from([0, 32, ...r.bytes(32)]), Uint8Array.from([0x51, 32, ...r.bytes(32)])]);
      const o = { txid: r.bytes(32), vout: r.int(4), h: BigInt(r.int(900_000_000)) + 600_000n, c: BigInt(r.int(900_000_000)) + 600_000n, funder: r.bool(), fee: BigInt(r.int(500)), hs: script(), cs: script(), dust: 546n };
      const tx = legacy(s, o);
      const hv = o.h / 1000n - (o.funder ? o.fee : 0n), cv = o.c / 1000n - (o.funder ? 0n : o.fee);
      const l = ldk.ClosingTransaction.constructor_new(hv, cv, o.hs, o.cs, ldk.OutPoint.constructor_new(o.txid, o.vout));
      expect(hex(tx), `close ${i}`).toBe(hex(l.trust().built_transaction()));
    }
  });

  it("legacy: outputs below our dust limit are removed, our own output may be omitted, a fee above the funder's balance is refused", () => {
    const s = new Signer();
    const base = { txid: new Uint8Array(32).fill(1), vout: 0, funder: true, fee: 1000n, hs: Uint8Array.from([0, 20, ...new Uint8Array(20).fill(2)]), cs: Uint8Array.from([0, 20, ...new Uint8Array(20).fill(3)]), dust: 546n };
    const outs = (raw: Uint8Array) => btc.RawTx.decode(raw).outputs.map((x) => Number(x.amount));
    expect(outs(legacy(s, { ...base, h: 2_000_000n, c: 545_999n }))).toEqual([1000]); // counterparty 545 sat < dust
    expect(outs(legacy(s, { ...base, h: 9_000_000n, c: 7_000_000n, omit: true }))).toEqual([7000]);
    expect(() => legacy(s, { ...base, h: 999_000n, c: 7_000_000n })).toThrow(SignerError);
  });

  it("option_simple_close: closer pays the fee, OP_RETURN outputs carry 0, sequence 0xFFFFFFFD, the given locktime, BIP69 order", () => {
    const s = new Signer();
    const cs = Uint8Array.from([0, 20, ...new Uint8Array(20).fill(9)]), es = Uint8Array.from([0, 32, ...new Uint8Array(32).fill(4)]);
    const t = btc.RawTx.decode(simple(s, { txid: new Uint8Array(32).fill(7), vout: 1, locktime: 800_123, closer: 5_000_000n, closee: 3_000_999n, fee: 700n, cs, es }));
    expect(t.lockTime).toBe(800_123);
    expect(t.inputs[0].sequence).toBe(0xfffffffd);
    expect(t.outputs.map((x) => [Number(x.amount), hex(x.script)])).toEqual([[3000, hex(es)], [4300, hex(cs)]]);
    const ret = btc.RawTx.decode(simple(s, { txid: new Uint8Array(32).fill(7), vout: 1, locktime: 0, closer: 1_000n, closee: 3_000_000n, fee: 700n, cs: Uint8Array.of(0x6a), es }));
    expect(ret.outputs.map((x) => Number(x.amount))).toEqual([0, 3000]);
    expect(btc.RawTx.decode(simple(s, { txid: new Uint8Array(32).fill(7), vout: 1, locktime: 0, closer: 1_000_000n, closee: 3_000_000n, fee: 700n, cs: null, es })).outputs).toHaveLength(1);
  });
});
