// Extracts the test vectors of BIP174 §Test Vectors (bip-0174.mediawiki) into
// vectors.json, verbatim: the invalid PSBTs, the valid ones, the ones that fail
// signer checks, and the role workflow (creator → updater → signers →
// combiner → finalizer → extractor, and the unknown-records combiner). Run
// with tsx; the suite checks the spec file's hash so a spec change is noticed.
import { readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";

const path = new URL("../../../../shared/specs/bips/bip-0174.mediawiki", import.meta.url);
const spec = readFileSync(path, "utf8");
const lines = spec.split("\n");
const start = lines.findIndex((l) => l.startsWith("==Test Vectors=="));
const end = lines.findIndex((l) => l.startsWith("==Rationale=="));
type Case = { description: string; hex: string };
const sections: Record<string, Case[]> = { invalid: [], valid: [], signerFails: [], workflow: [] };
let section = "invalid";
let title = "";
for (const l of lines.slice(start, end)) {
  if (l.startsWith("The following are invalid PSBTs")) section = "invalid";
  else if (l.startsWith("The following are valid PSBTs")) section = "valid";
  else if (l.startsWith("Fails Signer checks")) section = "signerFails";
  else if (l.startsWith("The private keys in the tests below")) section = "workflow";
  const c = /^\* Case: (.*)/.exec(l);
  if (c) { title = c[1]; continue; }
  if (section === "workflow" && /^[A-Z]/.test(l)) title = l.trim();
  const h = /^\*+ Bytes in Hex: <pre>([0-9a-f]+)<\/pre>/.exec(l);
  if (h) sections[section].push({ description: title, hex: h[1] });
}
const pre = (label: string) => new RegExp(label + ": <pre>([^<]+)</pre>").exec(spec)![1];
const wif = [...spec.matchAll(/<tt>(c[1-9A-HJ-NP-Za-km-z]{51})<\/tt> \(<tt>(m[/0-9']+)<\/tt>\)/g)].map((m) => ({ wif: m[1], path: m[2] }));
writeFileSync(new URL("./vectors.json", import.meta.url), JSON.stringify({
  source: "bip-0174.mediawiki §Test Vectors",
  sourceSha256: createHash("sha256").update(spec).digest("hex"),
  masterXprv: pre("Extended Private Key"),
  signerKeys: wif,
  ...sections,
}, null, 2) + "\n");
console.log(Object.entries(sections).map(([k, v]) => `${k} ${v.length}`).join(", "), `keys ${wif.length}`);
