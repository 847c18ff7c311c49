// PSBT mutation fuzzer: `npx tsx test/fuzz/psbt.ts [N=1000000] [seed]`.
// Mutates BIP174's vectors and random @scure/btc-signer PSBTs (bit flips,
// truncation, insertion, deletion, boundary bytes, record splices between
// PSBTs) and feeds them to the core's PSBT_PARSE (and PSBT_SIGN for 1 in 16).
// Every reply must be a success that re-serializes the input unchanged, or a
// typed error (MALFORMED / INVALID_ARGUMENT); a trap is a failure.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { keyPool, randPsbt, rng, Rng } from "../unit/wallet-gen.js";

/** BIP174 vectors (valid, signer-check and workflow PSBTs) and 64 random btc-signer PSBTs. */
export function fuzzCorpus(): Uint8Array[] {
  const v = JSON.parse(readFileSync(new URL("../vectors/bip174/vectors.json", import.meta.url), "utf8"));
  const b = (h: string) => new Uint8Array(Buffer.from(h, "hex"));
  const out: Uint8Array[] = [...v.valid, ...v.signerFails, ...v.invalid].map((c: any) => b(c.hex));
  v.workflow.forEach((c: any, i: number) => { if (i !== 7) out.push(b(c.hex)); });
  const r = rng(0xc0de);
  const keys = keyPool(r, 16);
  for (let i = 0; i < 64; i++) out.push(randPsbt(r, keys));
  return out;
}

const SPECIAL = [0x00, 0xff, 0xfd, 0xfe, 0xfc, 0x01, 0x80, 0x20, 0x21, 0x41];

/** 1..4 random edits of `p`. */
export function mutate(r: Rng, p: Uint8Array, corpus?: Uint8Array[]): Uint8Array {
  let b = p.slice();
  const edits = 1 + r.int(4);
  for (let e = 0; e < edits; e++) {
    const at = r.int(b.length + 1);
    switch (r.int(7)) {
      case 0: if (b.length) b[at % b.length] ^= 1 << r.int(8); break;
      case 1: b = b.slice(0, at); break;
      case 2: b = Uint8Array.from([...b.subarray(0, at), r.int(256), ...b.subarray(at)]); break;
      case 3: b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + 1 + r.int(8))]); break;
      case 4: if (b.length) b[at % b.length] = SPECIAL[r.int(SPECIAL.length)]; break;
      case 5: { const n = 1 + r.int(40); b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at, at + n), ...b.subarray(at)]); break; } // duplicate a span
      default: if (corpus) { const o = corpus[r.int(corpus.length)]; const f = r.int(o.length); b = Uint8Array.from([...b.subarray(0, at), ...o.subarray(f, f + 1 + r.int(80))]); }
    }
  }
  return b;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { Core } = await import("../../host/core/core.js");
  const { InProcessTransport } = await import("../../host/transport.js");
  const { Signer, SignerError, Code } = await import("../../host/signer.js");
  const { psbtParse, psbtSign } = await import("../../host/tools/wallet.js");
  const N = Number(process.argv[2] ?? 1_000_000);
  const r = rng(Number(process.argv[3] ?? 0xf1e1d));
  const core = new Core();
  const s = new Signer(new InProcessTransport(core));
  const corpus = fuzzCorpus();
  const seed = new Uint8Array(32).fill(3);
  const codes: Record<number, number> = {};
  let accepted = 0, lossy = 0, untyped = 0;
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const m = mutate(r, corpus[r.int(corpus.length)], corpus);
    try {
      const got = psbtParse(s, m);
      accepted++;
      if (Buffer.compare(Buffer.from(got.psbt), Buffer.from(m)) !== 0) lossy++;
      if (i % 16 === 0) psbtSign(s, seed, m);
    } catch (e) {
      if (!(e instanceof SignerError) || (e.code !== Code.MALFORMED && e.code !== Code.INVALID_ARGUMENT)) { untyped++; continue; }
      codes[e.code] = (codes[e.code] ?? 0) + 1;
    }
    if ((i + 1) % 100_000 === 0) console.log(`${i + 1} … ${((performance.now() - t0) / 1000).toFixed(1)} s, traps ${core.traps}`);
  }
  const secs = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ n: N, seconds: +secs.toFixed(1), accepted, lossy, untyped, refusedByCode: codes, traps: core.traps }));
  process.exit(core.traps || lossy || untyped ? 1 : 0);
}
