// `tsx host/ldk/demo.ts`: runs the A—B—C scenario and prints it step by step.
import { initLdk } from "./init.js";
import { runScenario } from "./scenario.js";

await initLdk();
const report = await runScenario({ print: (l) => console.log(l), ldkLog: process.env.LDK_LOG === "1" });
console.log("\nstep                                                          ms");
for (const s of report.steps) console.log(`${s.name.padEnd(60)} ${String(s.ms).padStart(6)}`);
console.log(`total ${report.totalMs} ms, ${report.blocks} blocks, ${report.confirmedTxs} txs confirmed, ${report.broadcasts.length} broadcasts, ${report.invalid.length} invalid`);
for (const e of report.callbackErrors) console.log(`callback error: ${e}`);
for (const i of report.invalid) console.log(`INVALID tx ${i.txid} from ${i.from}: ${i.error}`);
console.log(report.ok ? "OK" : "FAILED");
process.exit(report.ok ? 0 : 1);
