// `npm start`: the A—B—C LDK network on a synthetic chain in one process. A and C
// sign through Vigil (createVigilKeys over the core, in-process; `--tcp` puts each
// core behind a TCP server and reaches it through the remote transport), B uses
// LDK's KeysManager. Prints each step with its timing and a summary table.
//   --keysmanager  all three on KeysManager (no Vigil)
//   --traced       A and C on KeysManager wrapped to record every signer call
import { initLdk } from "./init.js";
import { keysManagerKeys } from "./keys.js";
import { runScenario, seedOf, type ScenarioOptions } from "./scenario.js";
import { tracedKeys, type SignerCall } from "./traced-keys.js";
import { vigilFactory } from "./vigil-factory.js";
import { serveCores, type CoreServers } from "./serve-cores.js";

await initLdk();
const argv = process.argv.slice(2);
const traced = argv.includes("--traced"), km = argv.includes("--keysmanager"), tcp = argv.includes("--tcp");
const calls: Record<string, SignerCall[]> = { A: [], C: [] };
const VELOCITY_MSAT = 100_000_000n; // A's signer: at most 100 000 sat sent per window
const opts: ScenarioOptions = { print: (l) => console.log(l), ldkLog: process.env.LDK_LOG === "1" };
let servers: CoreServers | null = null;
const vigil = !traced && !km;
const factory = vigil ? vigilFactory({
  policy: { velocitySendMaxMsat: VELOCITY_MSAT },
  transport: tcp ? (name) => servers!.transport(name) : undefined,
}) : null;
if (tcp) servers = await serveCores({ A: seedOf("A"), C: seedOf("C") });
if (factory) {
  opts.makeKeys = factory.makeKeys;
  opts.follow = false;
  opts.blocked = { msat: 60_000_000n, rule: "policy-commitment-payment-velocity", refusals: () => factory.keys.get("A")!.refusals };
} else if (traced) opts.makeKeys = (name, seed, inc) => (name === "B" ? keysManagerKeys(seed) : tracedKeys(seed, calls[name], "traced KeysManager", inc));

console.log(vigil ? `A and C sign through Vigil (${tcp ? "remote, TCP" : "in-process"}), B through LDK's KeysManager; A's signer allows ${VELOCITY_MSAT / 1000n} sat of payments per window\n` : "");
const report = await runScenario(opts);
console.log("\nstep                                                                         ms");
for (const s of report.steps) console.log(`${s.name.padEnd(76)} ${String(s.ms).padStart(6)}`);
console.log(`total ${report.totalMs} ms, ${report.blocks} blocks, ${report.confirmedTxs} txs confirmed, ${report.broadcasts.length} broadcasts, ${report.invalid.length} invalid, ${report.checks.filter((c) => c.ok).length}/${report.checks.length} checks ok`);
if (factory) {
  console.log("\nsigner  incarnations  round trips  refusals");
  for (const n of ["A", "C"]) {
    const ks = factory.incarnations.get(n) ?? [];
    const refusals = ks.flatMap((k) => k.refusals);
    console.log(`${n.padEnd(7)} ${String(ks.length).padStart(12)}  ${String(ks.reduce((t, k) => t + k.roundTrips(), 0)).padStart(11)}  ${refusals.map((r) => `${r.method}: ${r.rule}`).join("; ") || "none"}`);
  }
}
if (traced) {
  for (const n of ["A", "C"]) {
    const counts = new Map<string, number>();
    for (const c of calls[n]) counts.set(c.method, (counts.get(c.method) ?? 0) + 1);
    console.log(`signer calls ${n}: ${[...counts].map(([m, k]) => `${m}×${k}`).join(", ")}`);
  }
}
for (const e of report.callbackErrors) console.log(`callback error: ${e}`);
for (const i of report.invalid) console.log(`INVALID tx ${i.txid} from ${i.from}: ${i.error}`);
for (const k of factory?.keys.values() ?? []) k.close();
await servers?.close();
console.log(report.ok ? "OK" : "FAILED");
process.exit(report.ok ? 0 : 1);
