// Signers behind TCP for the demo's remote mode: one `vigil serve` process per
// node (a software device in its own data directory, seeded with the node's
// seed), reached through the remote transport (worker thread + Atomics.wait).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { VigilTransport } from "./vigil-keys.js";

export interface CoreServers { transport(name: string): VigilTransport; close(): Promise<void> }

export async function serveCores(seeds: Record<string, Uint8Array>, network = "regtest"): Promise<CoreServers> {
  const children: ChildProcess[] = [], dirs: string[] = [];
  const ports = new Map<string, number>();
  for (const [name, seed] of Object.entries(seeds)) {
    const dir = mkdtempSync(join(tmpdir(), `vigil-${name}-`));
    dirs.push(dir);
    writeFileSync(join(dir, "config.json"), JSON.stringify({ network, keyScheme: "ldk" }));
    writeFileSync(join(dir, "seed"), Buffer.from(seed).toString("hex") + "\n", { mode: 0o600 });
    const c = spawn(process.execPath, [new URL("../../bin/vigil.mjs", import.meta.url.replace(/\/dist\/host\//, "/host/")).pathname, "serve", "--data-dir", dir, "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
    children.push(c);
    ports.set(name, await new Promise<number>((resolve, reject) => {
      let out = "";
      c.stdout!.on("data", (d) => { out += d; const m = /on 127\.0\.0\.1:(\d+)/.exec(out); if (m) resolve(Number(m[1])); });
      c.once("exit", (code) => reject(new Error(`vigil serve for ${name} exited ${code}`)));
    }));
  }
  return {
    transport: (name) => ({ kind: "tcp", host: "127.0.0.1", port: ports.get(name)! }),
    async close() {
      for (const c of children) { c.removeAllListeners("exit"); c.kill("SIGTERM"); }
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}
