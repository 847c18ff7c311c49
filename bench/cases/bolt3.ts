// BOLT 3: build + sign a counterparty commitment (what commitment_signed
// needs: the commitment signature and one per HTLC tx) with N = 0, 10, 100,
// 483 HTLCs through the core, against the raw ECDSA signing it needs (N + 1
// noble signatures) in the same run; and the core's linear memory with 483
// HTLCs each way (966 outputs) against the one-page-per-request baseline.
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { Core } from "../../host/core/core.js";
import { Signer } from "../../host/signer.js";
import { InProcessTransport } from "../../host/transport.js";
import { Writer } from "../../host/protocol/codec.js";
import { BenchContext, Result, result, timeUs } from "../harness.js";

const k = (n: number) => sha256(Uint8Array.of(n));
const pub = (n: number) => secp256k1.getPublicKey(k(n), true);

function payload(n: number, anchors: boolean, each = false): Uint8Array {
  const w = new Writer().u8(anchors ? 1 : 0).bytes(k(99)).u32(0).u64(42n).u32(144).u64(354n).u64(253n).u64(4_000_000_000n).u64(4_000_000_000n).u8(1).bytes(pub(50));
  for (let i = 1; i <= 8; i++) w.bytes(pub(i));
  const htlcs = each ? 2 * n : n;
  w.u16(htlcs);
  for (let i = 0; i < htlcs; i++) w.u8(each ? (i < n ? 1 : 0) : i % 2).u64(BigInt(1_000_000 + i * 1000)).u32(600_000 + i).bytes(k(1000 + i));
  return w.bytes(k(8)).bytes(k(7)).u64(10_000_000n).finish();
}

export default async function run(ctx: BenchContext): Promise<Result[]> {
  const out: Result[] = [];
  const core = new Core();
  const s = new Signer(new InProcessTransport(core));
  s.init({ secret: new Uint8Array(32).fill(1) });
  const msg = k(3), sk = k(4);
  const one = timeUs(() => secp256k1.sign(msg, sk, { prehash: false }), ctx.quick ? 20 : 300);
  // The key derivations one commitment needs (BOLT 3 "Key Derivation"): revocationpubkey (2 multiplications
  // and an addition), three derived pubkeys and one derived private key (G multiplications and additions).
  const P = secp256k1.Point, G = P.BASE, n = P.Fn.ORDER;
  const pts = [1, 2, 3, 4, 5].map((i) => P.fromBytes(pub(i)));
  const t = (i: number) => BigInt("0x" + Buffer.from(k(200 + i)).toString("hex")) % n;
  const derivations = timeUs(() => {
    pts[0].multiply(t(0)).add(pts[1].multiply(t(1)));
    for (let i = 2; i < 5; i++) pts[i].add(G.multiply(t(i)));
    G.multiply(t(5));
  }, ctx.quick ? 20 : 300);
  for (const n of ctx.quick ? [0, 10] : [0, 10, 100, 483]) {
    const p = payload(n, true);
    const us = timeUs(() => s.request(0x8215, p), ctx.quick ? 30 : n >= 100 ? 3000 : 800);
    out.push(result(`sign counterparty commitment, ${n} HTLCs (anchors): core vs ${n + 1} raw noble ECDSA signs`, "us", us, one * (n + 1)));
    out.push(result(`sign counterparty commitment, ${n} HTLCs (anchors): core vs ${n + 1} signs + its key derivations (noble)`, "us", us, one * (n + 1) + derivations));
  }
  const before = core.memoryPages();
  s.request(0x8215, payload(483, true, true));
  out.push(result("linear memory: commitment with 483 HTLCs each way (966 HTLC txs signed) vs before", "KiB", core.memoryPages() * 64, before * 64));
  return out;
}
