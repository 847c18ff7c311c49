// Extracts BOLT 3 Appendix D (per-commitment secret generation and storage)
// and Appendix E (key derivation) from ../shared/specs/bolts/03-transactions.md
// into appendix-d.json and appendix-e.json. Run: npx tsx test/vectors/bolt3/extract.ts
import { readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";

const src = new URL("../../../../shared/specs/bolts/03-transactions.md", import.meta.url);
const text = readFileSync(src, "utf8");
const section = (from: string, to: string) => text.slice(text.indexOf(from), text.indexOf(to, text.indexOf(from) + 1));
const sourceSha256 = createHash("sha256").update(readFileSync(src)).digest("hex");
const num = (v: string) => (v.startsWith("0x") ? BigInt(v).toString() : v);

// Appendix D
const d = section("# Appendix D", "# Appendix E");
const generation: any[] = [], storage: any[] = [];
let cur: any = null;
const gen = d.slice(d.indexOf("## Generation Tests"), d.indexOf("## Storage Tests"));
for (const line of gen.split("\n").map((l) => l.trim())) {
  let m: RegExpMatchArray | null;
  if ((m = line.match(/^name: (.*)/))) { cur = { name: m[1] }; generation.push(cur); }
  else if ((m = line.match(/^seed: 0x([0-9A-Fa-f]{64})/))) cur.seed = m[1].toLowerCase();
  else if ((m = line.match(/^I: (\S+)/))) cur.index = num(m[1]);
  else if ((m = line.match(/^output: 0x([0-9a-f]{64})/))) cur.output = m[1];
}
const sto = d.slice(d.indexOf("## Storage Tests"));
for (const line of sto.split("\n").map((l) => l.trim())) {
  let m: RegExpMatchArray | null;
  if ((m = line.match(/^name: (.*)/))) { cur = { name: m[1], steps: [] }; storage.push(cur); }
  else if ((m = line.match(/^I: (\S+)/))) cur.steps.push({ index: num(m[1]) });
  else if ((m = line.match(/^secret: 0x([0-9a-f]{64})/))) cur.steps[cur.steps.length - 1].secret = m[1];
  else if ((m = line.match(/^output: (OK|ERROR)/))) cur.steps[cur.steps.length - 1].ok = m[1] === "OK";
}
writeFileSync(new URL("./appendix-d.json", import.meta.url), JSON.stringify({ source: "03-transactions.md Appendix D", sourceSha256, generation, storage }, null, 1) + "\n");

// Appendix E
const e = section("# Appendix E", "# Appendix F");
const field = (k: string) => e.match(new RegExp(`${k}: 0x([0-9a-f]+)`))![1];
const keys = {
  base_secret: field("base_secret"), per_commitment_secret: field("per_commitment_secret"),
  base_point: field("base_point"), per_commitment_point: field("per_commitment_point"),
  localpubkey: field("localpubkey"), localprivkey: field("localprivkey"),
  revocationpubkey: field("revocationpubkey"), revocationprivkey: field("revocationprivkey"),
};
writeFileSync(new URL("./appendix-e.json", import.meta.url), JSON.stringify({ source: "03-transactions.md Appendix E", sourceSha256, ...keys }, null, 1) + "\n");
console.log(`D: ${generation.length} generation, ${storage.length} storage sequences; E: ${Object.keys(keys).length} fields`);
