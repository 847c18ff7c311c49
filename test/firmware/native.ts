// Shared by the firmware tests: is the native toolchain here, and is the
// linux-sim build current (its core.wasm snapshot equal to build/core.wasm)?
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "../..");
export const SIM = (engine: string) => join(ROOT, "build/firmware/linux-sim", `vigil-sim-${engine}`);
export const SIM_CORE = join(ROOT, "build/firmware/linux-sim/core.wasm");

export function has(tool: string): boolean {
  try { execFileSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" }); return true; } catch { return false; }
}

let cached: string | null | undefined;
/** Builds linux-sim when missing or stale; null when ready, else why the tests skip. */
export function ensureLinuxSim(): string | null {
  if (cached !== undefined) return cached;
  const built = existsSync(SIM("wasm3")) && existsSync(SIM("wasm2c")) && existsSync(SIM_CORE);
  const core = join(ROOT, "build/core.wasm");
  const stale = built && existsSync(core) && !readFileSync(core).equals(readFileSync(SIM_CORE));
  if (built && !stale) return (cached = null);
  for (const [tool, pkg] of [["gcc", "build-essential"], ["wasm2c", "wabt"], ["apt-get", "apt"]]) {
    if (!has(tool)) return (cached = built ? null : `${tool} not installed (apt-get install ${pkg})`);
  }
  try {
    execFileSync(join(ROOT, "firmware/build.sh"), ["linux-sim", "both"], { stdio: "inherit", timeout: 600_000 });
  } catch (e) {
    // a stale build still compares like with like (the Node side runs its snapshot)
    return (cached = built ? null : `firmware/build.sh linux-sim failed: ${(e as Error).message}`);
  }
  return (cached = null);
}
