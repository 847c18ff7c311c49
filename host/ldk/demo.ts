// `tsx host/ldk/demo.ts [--traced]`: runs the A—B—C scenario and prints it step by step.
// --traced: A and C use NodeKeys built with new_impl that delegate to KeysManager and
// record every signer call (the adapter shape Vigil will fill in); B uses KeysManager.
import { initLdk } from "./init.js";
import { keysManagerKeys } from "./keys.js";
import { runScenario } from "./scenario.js";
import { tracedKeys, type SignerCall } from "./traced-keys.js";

await initLdk();
const traced = process.argv.includes("--traced");
const calls: Record<string, SignerCall[]> = { A: [], C: [] };
const report = await runScenario({
  print: (l) => console.log(l),
  ldkLog: process.env.LDK_LOG === "1",
  makeKeys: traced ? (name, seed, inc) => (name === "B" ? keysManagerKeys(seed) : tracedKeys(seed, calls[name], "traced KeysManager", inc)) : undefined,
});
console.log("\nstep                                                                         ms");
for (const s of report.steps) console.log(`${s.name.padEnd(76)} ${String(s.ms).padStart(6)}`);
console.log(`total ${report.totalMs} ms, ${report.blocks} blocks, ${report.confirmedTxs} txs confirmed, ${report.broadcasts.length} broadcasts, ${report.invalid.length} invalid`);
if (traced) {
  for (const n of ["A", "C"]) {
    const counts = new Map<string, number>();
    for (const c of calls[n]) counts.set(c.method, (counts.get(c.method) ?? 0) + 1);
    console.log(`signer calls ${n}: ${[...counts].map(([m, k]) => `${m}×${k}`).join(", ")}`);
  }
  if (process.env.TRACE_CALLS === "1") for (const n of ["A", "C"]) for (const c of calls[n]) console.log(n, c.method, JSON.stringify(c.info));
}
for (const e of report.callbackErrors) console.log(`callback error: ${e}`);
for (const i of report.invalid) console.log(`INVALID tx ${i.txid} from ${i.from}: ${i.error}`);
console.log(report.ok ? "OK" : "FAILED");
process.exit(report.ok ? 0 : 1);
