// Transaction mutation fuzzer: `npx tsx test/fuzz/bitcoin.ts [N=1000000] [seed]`.
// Mutates random @scure/btc-signer transactions and the BIP143/BIP341 vector
// transactions (the edits of fuzz/psbt.ts) into the core's TX_PARSE and, for
// 1 in 8, a BIP143 sighash. Every reply is a success whose re-serialization is
// the input (strict parsing admits one encoding), or MALFORMED; a trap fails.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as btc from "@scure/btc-signer";
import { mutate } from "./psbt.js";
import { rng, Rng } from "../unit/wallet-gen.js";

function randomTx(r: Rng): Uint8Array {
  const nIn = 1 + r.int(3), segwit = r.bool();
  const inputs = Array.from({ length: nIn }, () => ({ txid: r.bytes(32), index: r.int(4), finalScriptSig: r.bool() ? r.bytes(r.int(40)) : new Uint8Array(0), sequence: r.u32() }));
  const witnesses = segwit ? inputs.map(() => [r.bytes(1 + r.int(72)), r.bytes(33)]) : [];
  return btc.RawTx.encode({ version: 2, segwitFlag: segwit, inputs, outputs: Array.from({ length: 1 + r.int(3) }, () => ({ amount: BigInt(r.u32()), script: r.bytes(r.pick([22, 34, 25])) })), witnesses, lockTime: r.u32() });
}

export function txCorpus(): Uint8Array[] {
  const b = (h: string) => new Uint8Array(Buffer.from(h, "hex"));
  const out = JSON.parse(readFileSync(new URL("../vectors/bip143/cases.json", import.meta.url), "utf8")).cases.map((c: any) => b(c.tx));
  const v341 = JSON.parse(readFileSync(new URL("../vectors/bip341-wallet-test-vectors.json", import.meta.url), "utf8"));
  out.push(b(v341.keyPathSpending[0].given.rawUnsignedTx), b(v341.keyPathSpending[0].auxiliary.fullySignedTx));
  const r = rng(0x7e57);
  for (let i = 0; i < 64; i++) out.push(randomTx(r));
  return out;
}

export interface FuzzResult { n: number; seconds: number; accepted: number; lossy: number; untyped: number; traps: number }

export async function fuzzTx(n: number, seed: number): Promise<FuzzResult> {
  const { Core } = await import("../../host/core/core.js");
  const { InProcessTransport } = await import("../../host/transport.js");
  const { Signer, SignerError, Code } = await import("../../host/signer.js");
  const { sighashV0, txParse } = await import("../../host/tools/bitcoin.js");
  const r = rng(seed);
  const core = new Core();
  const s = new Signer(new InProcessTransport(core));
  const corpus = txCorpus();
  let accepted = 0, lossy = 0, untyped = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const m = mutate(r, corpus[r.int(corpus.length)], corpus);
    try {
      const got = txParse(s, m);
      accepted++;
      if (Buffer.compare(Buffer.from(got.serialized), Buffer.from(m)) !== 0) lossy++;
      if (i % 8 === 0) sighashV0(s, m, r.int(got.inputs + 1), m.subarray(0, r.int(30)), 1000n, r.pick([1, 2, 3, 0x81, 0x83]));
    } catch (e) {
      if (!(e instanceof SignerError) || (e.code !== Code.MALFORMED && e.code !== Code.INVALID_ARGUMENT)) untyped++;
    }
  }
  return { n, seconds: +((performance.now() - t0) / 1000).toFixed(1), accepted, lossy, untyped, traps: core.traps };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const res = await fuzzTx(Number(process.argv[2] ?? 1_000_000), Number(process.argv[3] ?? 0xf022));
  console.log(JSON.stringify(res));
  process.exit(res.traps || res.lossy || res.untyped ? 1 : 0);
}
