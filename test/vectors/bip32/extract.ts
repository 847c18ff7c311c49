// Extracts BIP32's test vectors 1-5 (../shared/specs/bips/bip-0032.mediawiki)
// into vectors.json: per set the seed and each chain's path, xpub and xprv;
// the invalid extended keys of vector 5 with their reasons.
// Run: npx tsx test/vectors/bip32/extract.ts
import { readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";

const src = new URL("../../../../shared/specs/bips/bip-0032.mediawiki", import.meta.url);
const text = readFileSync(src, "utf8");
const sets: any[] = [];
const invalid: any[] = [];
let set: any = null, chain: any = null, inV5 = false;
for (const line of text.split("\n")) {
  let m: RegExpMatchArray | null;
  if ((m = line.match(/^===Test vector (\d)===/))) { inV5 = m[1] === "5"; if (!inV5) { set = { name: `vector ${m[1]}`, chains: [] }; sets.push(set); } continue; }
  if (/^==[^=]/.test(line)) inV5 = false;
  if ((m = line.match(/^Seed \(hex\): ([0-9a-f]+)/))) set.seed = m[1];
  if ((m = line.match(/^\* Chain (m.*)$/))) {
    const parts = m[1].replace(/<sub>H<\/sub>/g, "H").split("/").slice(1);
    chain = { name: m[1].replace(/<sub>H<\/sub>/g, "H"), path: parts.map((p) => (p.endsWith("H") ? (parseInt(p) | 0x80000000) >>> 0 : parseInt(p))) };
    set.chains.push(chain);
  }
  if ((m = line.match(/^\*\* ext pub: (\w+)/))) chain.xpub = m[1];
  if ((m = line.match(/^\*\* ext prv: (\w+)/))) chain.xprv = m[1];
  if (inV5 && (m = line.match(/^\* (\w+) \((.*)\)$/))) invalid.push({ key: m[1], reason: m[2] });
}
writeFileSync(new URL("./vectors.json", import.meta.url), JSON.stringify({ source: "bip-0032.mediawiki", sourceSha256: createHash("sha256").update(readFileSync(src)).digest("hex"), sets, invalid }, null, 1) + "\n");
console.log(sets.map((s) => `${s.name}: ${s.chains.length} chains`).join(", "), `; invalid ${invalid.length}`);
