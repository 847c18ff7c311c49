// policy-attacks: one row per rule id of the catalogue (../shared/policy-rules.md).
// A row passes when at least one hostile request was refused with exactly that
// id and the signer's state digest unchanged (test/policy/attack.ts expectRefused,
// which logs each verified refusal), and every attack test passed.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Suite } from "../suite.js";

/** The test files whose hostile requests go through expectRefused. */
const ATTACK_TESTS = ["test/policy", "test/chain/hostile-feeder.test.ts", "test/chain/follower.test.ts", "test/chain/watch.test.ts", "test/chain/mainnet.test.ts"];

const catalogue = readFileSync(new URL("../../../../shared/policy-rules.md", import.meta.url), "utf8");
const ids = [...new Set(catalogue.match(/`policy-[a-z0-9-]+`/g)!.map((s) => s.slice(1, -1)))];

let run: { refused: Map<string, number>; failed: string } | null = null;

/** One vitest run of every attack test with the refusal log on (memoized). */
function attacksRun() {
  if (run) return run;
  const log = join(mkdtempSync(join(tmpdir(), "vigil-attacks-")), "refused.log");
  const r = spawnSync("npx", ["vitest", "run", ...ATTACK_TESTS, "--reporter=dot"], { env: { ...process.env, VIGIL_ATTACK_LOG: log }, encoding: "utf8" });
  const refused = new Map<string, number>();
  let lines: string[] = [];
  try { lines = readFileSync(log, "utf8").split("\n").filter(Boolean); } catch { /* none logged */ }
  for (const id of lines) refused.set(id, (refused.get(id) ?? 0) + 1);
  run = { refused, failed: r.status === 0 ? "" : `attack tests failed (exit ${r.status}): ${(r.stdout + r.stderr).split("\n").filter((l) => /FAIL|×/.test(l)).slice(0, 5).join(" | ")}` };
  return run;
}

const suite: Suite & { external: true } = {
  name: "policy-attacks",
  external: true,
  cases: () => ids.map((id) => ({
    id,
    run() {
      const r = attacksRun();
      if (r.failed) throw new Error(r.failed);
      if (!r.refused.get(id)) throw new Error(`no hostile request was refused with ${id}`);
    },
  })),
};
export default suite;
