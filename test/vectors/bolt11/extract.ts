// Extracts the valid example invoices of BOLT 11 §Examples (all signed with
// the spec's priv_key) into examples.json, verbatim. Run with tsx; the test
// checks the spec file's hash so a spec change is noticed.
import { readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";

const path = new URL("../../../../shared/specs/bolts/11-payment-encoding.md", import.meta.url);
const spec = readFileSync(path, "utf8");
const lines = spec.split("\n");
const start = lines.findIndex((l) => l.startsWith("# Examples"));
const end = lines.findIndex((l) => l.startsWith("# Examples of Invalid Invoices"));
const priv = /priv_key`=`([0-9a-f]{64})`/.exec(spec)![1];
const examples: Array<{ title: string; invoice: string }> = [];
let title = "";
for (const l of lines.slice(start, end)) {
  const h = /^> ### (.*)/.exec(l);
  if (h) { title = h[1]; continue; }
  const m = /^(?:> )?(ln[a-z0-9]+1[a-z0-9]+)$/i.exec(l.trim());
  if (m && title) { examples.push({ title, invoice: m[1] }); title = ""; }
}
// Invalid invoices: every heading of §Examples of Invalid Invoices and the string under it.
const invalid: Array<{ reason: string; invoice: string }> = [];
const authors = lines.findIndex((l, i) => i > end && l.startsWith("# Authors"));
let reason = "";
for (const l of lines.slice(end + 1, authors)) {
  const h = /^> #+ (.*)/.exec(l);
  if (h) { reason = h[1]; continue; }
  const m = /^> (\S+)$/.exec(l);
  if (m && reason) { invalid.push({ reason, invoice: m[1] }); reason = ""; }
}
writeFileSync(new URL("./examples.json", import.meta.url), JSON.stringify({
  source: "BOLT 11 (11-payment-encoding.md) §Examples",
  sourceSha256: createHash("sha256").update(spec).digest("hex"),
  privKey: priv,
  examples,
  invalid,
}, null, 2) + "\n");
console.log(`${examples.length} examples, ${invalid.length} invalid`);
