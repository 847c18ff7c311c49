// Extracts every sighash example of BIP143 (../shared/specs/bips/bip-0143.mediawiki)
// into cases.json: the transaction, the input, scriptCode (without its length
// prefix), amount, hash type and the expected sigHash. Fields come from the
// "hash preimage" line when the BIP prints one (the preimage is parsed), else
// from the latest scriptCode/amount/nHashType/outpoint lines of the example.
// Run: npx tsx test/vectors/bip143/extract.ts
import { readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";

const src = new URL("../../../../shared/specs/bips/bip-0143.mediawiki", import.meta.url);
const text = readFileSync(src, "utf8");
const le = (h: string) => BigInt("0x" + (h.match(/../g) ?? []).reverse().join(""));
const stripLen = (h: string) => { const n = parseInt(h.slice(0, 2), 16); if (n >= 0xfd) throw new Error("long scriptCode"); return h.slice(2); };

function inputs(tx: string): string[] {
  const b = Buffer.from(tx, "hex");
  let p = 4;
  if (b[4] === 0 && b[5] === 1) p = 6;
  const n = b[p++]; const out: string[] = [];
  for (let i = 0; i < n; i++) { out.push(b.subarray(p, p + 36).toString("hex")); p += 36; const l = b[p++]; p += l + 4; }
  return out;
}

const cases: any[] = [];
let prev = "";
let section = "", tx = "", outpoint = "", scriptCode = "", amount = "", hashType = "", preimage = "";
for (const line of text.split("\n")) {
  const t = line.trim();
  let m: RegExpMatchArray | null;
  if ((m = t.match(/^=== (.*) ===$/))) { section = m[1]; preimage = ""; continue; }
  if ((m = t.match(/unsigned transaction: ([0-9a-f]+)/))) tx = m[1];
  if ((m = line.match(/^ {4}([0-9a-f]{100,})$/)) && /unsigned transaction:$/.test(prev)) tx = m[1];
  if ((m = t.match(/FindAndDelete<\/code> examples: ([0-9a-f]+)/))) tx = m[1];
  if ((m = t.match(/^outpoint:\s+([0-9a-f]{72})/))) outpoint = m[1];
  if ((m = t.match(/^scriptCode:\s+([0-9a-f]+)/))) scriptCode = stripLen(m[1]);
  if ((m = t.match(/^amount:\s+([0-9a-f]{16})/))) amount = m[1];
  if ((m = t.match(/^nHashType:\s+([0-9a-f]{8})/))) hashType = m[1];
  if ((m = t.match(/^hash preimage(?: for ([A-Z|]+))?: ([0-9a-f]+)/))) preimage = m[2];
  if ((m = t.match(/^sig[hH]ash:\s+([0-9a-f]{64})/))) {
    let c = { outpoint, scriptCode, amount, hashType };
    if (preimage) {
      const p = Buffer.from(preimage, "hex");
      let o = 4 + 32 + 32;
      const op = p.subarray(o, o + 36).toString("hex"); o += 36;
      const l = p[o++]; const sc = p.subarray(o, o + l).toString("hex"); o += l;
      c = { outpoint: op, scriptCode: sc, amount: p.subarray(o, o + 8).toString("hex"), hashType: p.subarray(p.length - 4).toString("hex") };
      if (createHash("sha256").update(createHash("sha256").update(p).digest()).digest("hex") !== m[1]) throw new Error("preimage does not hash to sigHash in " + section);
      preimage = "";
    }
    const index = inputs(tx).indexOf(c.outpoint);
    if (index < 0) throw new Error("no input for outpoint in " + section);
    cases.push({ name: `${section} #${cases.filter((x) => x.name.startsWith(section)).length + 1}`, tx, index, scriptCode: c.scriptCode, amount: le(c.amount).toString(), hashType: Number(le(c.hashType)), sigHash: m[1] });
  }
  prev = t;
}
writeFileSync(new URL("./cases.json", import.meta.url), JSON.stringify({ source: "bip-0143.mediawiki", sourceSha256: createHash("sha256").update(readFileSync(src)).digest("hex"), cases }, null, 1) + "\n");
console.log(cases.length, "cases:", cases.map((c) => c.name).join("; "));
