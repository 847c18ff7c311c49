// npm run bench [-- --quick]: every bench/cases/*.ts in one run, side by side.
// Writes bench/results.json (a list of {name, unit, value, baseline, ratio})
// and bench/report.md. --quick is a smoke run for CI: it checks the harness
// and every case work, with short timings that mean nothing.
import { readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import os from "node:os";
import type { Result } from "./harness.js";

const quick = process.argv.includes("--quick");
const only = process.argv.find((a) => a.startsWith("--only="))?.slice(7);
const here = dirname(fileURLToPath(import.meta.url));
const files = readdirSync(join(here, "cases")).filter((f) => f.endsWith(".ts") && (!only || f.includes(only))).sort();
const all: Result[] = [];
for (const f of files) {
  const t0 = Date.now();
  const mod = await import(pathToFileURL(join(here, "cases", f)).href);
  const res: Result[] = await mod.default({ quick, log: (m: string) => console.log(`  [${f}] ${m}`) });
  all.push(...res);
  console.log(`${f}: ${res.length} results in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
const w = Math.max(...all.map((r) => r.name.length), 4);
const fmt = (x: number | null) => (x === null ? "-" : String(x));
const lines = all.map((r) => `| ${r.name.padEnd(w)} | ${fmt(r.value)} ${r.unit} | ${fmt(r.baseline)} | ${fmt(r.ratio)} | ${r.target ?? ""} ${r.met === undefined ? "" : r.met ? "met" : "NOT met"} |`);
console.log(lines.join("\n"));
writeFileSync(join(here, "results.json"), JSON.stringify(all, null, 2) + "\n");
if (!quick) {
  const machine = `${os.cpus()[0]?.model ?? "cpu"} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
  const md = [`# Vigil benchmark report`, ``, `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}, one run of \`npm run bench\`.`, ``,
    `| measurement | value | baseline | ratio | target |`, `|---|---|---|---|---|`, ...lines, ``].join("\n");
  writeFileSync(join(here, "report.md"), md);
}
console.log(`bench: ${all.length} results from ${files.length} cases${quick ? " (quick)" : ""}`);
