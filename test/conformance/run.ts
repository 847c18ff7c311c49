// npm run conformance: every suite, a table, and conformance.json.
import { writeFileSync } from "node:fs";
import { loadSuites, runSuite } from "./suite.js";

const suites = await loadSuites();
const results = [];
for (const s of suites) results.push(await runSuite(s));
const w = Math.max(...results.map((r) => r.name.length), 5);
console.log(`${"suite".padEnd(w)}  passed  failed`);
for (const r of results) {
  console.log(`${r.name.padEnd(w)}  ${String(r.passed).padStart(6)}  ${String(r.failed).padStart(6)}`);
  for (const f of r.failures.slice(0, 5)) console.log(`    ${f}`);
}
writeFileSync("conformance.json", JSON.stringify({ suites: results.map(({ name, passed, failed }) => ({ name, passed, failed })) }, null, 2) + "\n");
const failed = results.reduce((a, r) => a + r.failed, 0);
console.log(`conformance: ${results.length} suites, ${results.reduce((a, r) => a + r.passed, 0)} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
