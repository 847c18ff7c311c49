// The core's transaction layer against @scure/btc-signer (an independent
// implementation) on 10 000 random transactions: parse and re-serialize byte
// for byte, txid, wtxid, weight and vsize, a BIP143 sighash and (where every
// spent output is given) a BIP341 key-path sighash of a random input and type.
import { describe, it, expect } from "vitest";
import * as btc from "@scure/btc-signer";
import { sha256 } from "@noble/hashes/sha2.js";
import { Signer } from "../../host/signer.js";
import { sighashTaproot, sighashV0, txParse } from "../../host/tools/bitcoin.js";
import { rng } from "./wallet-gen.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const V0_TYPES = [0x01, 0x02, 0x03, 0x81, 0x82, 0x83];
const V1_TYPES = [0x00, 0x01, 0x02, 0x03, 0x81, 0x82, 0x83];

function randomTx(r: ReturnType<typeof rng>) {
  const nIn = 1 + r.int(4), nOut = 1 + r.int(4);
  const segwit = r.int(3) > 0;
  const script = () => r.pick([22, 34, 25, 23, 0, 1 + r.int(80)].map((n) => r.bytes(n)));
  const inputs = Array.from({ length: nIn }, () => ({ txid: r.bytes(32), index: r.int(5), finalScriptSig: r.int(4) === 0 ? r.bytes(r.int(110)) : new Uint8Array(0), sequence: r.pick([0xffffffff, 0xfffffffd, 0, r.u32()]) }));
  const outputs = Array.from({ length: nOut }, () => ({ amount: BigInt(r.u32()) * BigInt(1 + r.int(100)), script: script() }));
  const witnesses = segwit ? inputs.map(() => Array.from({ length: r.int(4) }, () => r.bytes(r.pick([0, 33, 64, 72, 1 + r.int(300)])))) : [];
  if (segwit && witnesses.every((w) => w.length === 0)) witnesses[0] = [r.bytes(64)];
  const raw = btc.RawTx.encode({ version: r.pick([1, 2, 3]), segwitFlag: segwit, inputs, outputs, witnesses, lockTime: r.pick([0, r.u32(), 800_000]) });
  return { raw, nIn };
}

describe("bitcoin layer vs @scure/btc-signer", () => {
  it("10 000 random transactions: bytes, ids, weight, BIP143 and BIP341 sighashes identical", () => {
    const s = new Signer();
    const r = rng(0xb17c0);
    let v1 = 0;
    for (let i = 0; i < 10_000; i++) {
      const { raw, nIn } = randomTx(r);
      const t = btc.Transaction.fromRaw(raw, { allowUnknownOutputs: true, allowUnknownInputs: true, disableScriptCheck: true, allowLegacyWitnessUtxo: true });
      const p = txParse(s, raw);
      expect(hex(p.serialized), `tx ${i}`).toBe(hex(raw));
      // Stripped serialization by @scure (decode, drop the witnesses, encode).
      const stripped = btc.RawTx.encode({ ...btc.RawTx.decode(raw), segwitFlag: false, witnesses: undefined });
      expect(hex(p.txid)).toBe(hex(sha256(sha256(stripped))));
      expect(hex(p.wtxid)).toBe(hex(sha256(sha256(raw))));
      expect(p.weight).toBe(stripped.length * 3 + raw.length);
      expect(p.vsize).toBe(Math.ceil(p.weight / 4));
      const idx = r.int(nIn);
      const code = r.bytes(r.pick([25, 71, 1 + r.int(200)]));
      const amount = BigInt(r.u32()) * 1000n;
      const ht = r.pick(V0_TYPES);
      expect(hex(sighashV0(s, raw, idx, code, amount, ht)), `v0 tx ${i}`).toBe(hex(t.preimageWitnessV0(idx, code, ht, amount)));
      if (i % 4 === 0) {
        const spent = Array.from({ length: nIn }, () => ({ amount: BigInt(r.u32()), script: Uint8Array.from([0x51, 0x20, ...r.bytes(32)]) }));
        const ht1 = r.pick(V1_TYPES);
        if ((ht1 & 3) === 3 && idx >= t.outputsLength) continue;
        const annex = r.int(4) === 0 ? Uint8Array.from([0x50, ...r.bytes(r.int(40))]) : undefined;
        const want = t.preimageWitnessV1(idx, spent.map((o) => o.script), ht1, spent.map((o) => o.amount), undefined, undefined, undefined, annex);
        expect(hex(sighashTaproot(s, raw, idx, ht1, spent, { annex })), `v1 tx ${i}`).toBe(hex(want));
        v1++;
      }
    }
    expect(v1).toBeGreaterThan(2000);
  });
});
