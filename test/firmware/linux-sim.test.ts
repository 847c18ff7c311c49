// The same core.wasm natively (boards/linux-sim, wasm3 and wasm2c engines, C
// shim over libsecp256k1) answers a mixed workload byte-identically to the
// Node build (noble imports), through the serial framing.
import { describe, it, expect, beforeAll } from "vitest";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SerialLink, childStream } from "../../host/serial/link.js";
import { recordWorkload, Exchange } from "./workload.js";
import { ROOT, SIM, ensureLinuxSim } from "./native.js";

const BIN = SIM;
const ENGINES = ["wasm3", "wasm2c"];

const skip = ensureLinuxSim();
if (skip) console.warn(`linux-sim tests skipped: ${skip}`);

describe.skipIf(skip !== null)("linux-sim: native core vs Node core", () => {
  let log: Exchange[];
  // the Node side runs the very core.wasm the native build embedded
  beforeAll(() => { log = recordWorkload(240, readFileSync(join(ROOT, "build/firmware/linux-sim/core.wasm"))); });

  for (const engine of ENGINES) {
    it(`${engine}: ≥ 200 mixed requests, byte-identical replies`, async () => {
      const child = spawn(BIN(engine), [], { stdio: ["pipe", "pipe", "ignore"] });
      const link = new SerialLink(childStream(child), { timeoutMs: 10_000, retries: 1 });
      try {
        const hello = await link.hello();
        expect(hello.engine).toBe(engine);
        const mismatches: string[] = [];
        const t0 = performance.now();
        for (const [i, x] of log.entries()) {
          const got = await link.request(x.request);
          if (Buffer.compare(Buffer.from(got), Buffer.from(x.reply)) !== 0) {
            mismatches.push(`#${i} ${x.label}: node ${Buffer.from(x.reply).toString("hex").slice(0, 120)} native ${Buffer.from(got).toString("hex").slice(0, 120)}`);
          }
        }
        const ms = performance.now() - t0;
        console.log(`linux-sim ${engine}: ${log.length} requests, ${log.length - mismatches.length} identical, ${(ms / log.length).toFixed(3)} ms/request`);
        expect(log.length).toBeGreaterThanOrEqual(200);
        expect(mismatches).toEqual([]);
        expect(link.stats.retries).toBe(0);
      } finally {
        link.close();
      }
    });
  }
});

describe.skipIf(skip !== null)("linux-sim through the synchronous SerialTransport", () => {
  // A pty is the natural link (`vigil-sim --pty`); this container's /dev/pts is
  // not usable, so the test drives the simulator's stdin/stdout (same framing).
  it("a Signer over the serial link: the same answers as in process", async () => {
    const { SerialTransport } = await import("../../host/serial/transport.js");
    const { Signer } = await import("../../host/signer.js");
    const { Core } = await import("../../host/core/core.js");
    const { InProcessTransport } = await import("../../host/transport.js");
    {
      const t = new SerialTransport({ kind: "command", command: BIN("wasm2c") }, { retryMs: 2000 });
      expect(t.hello.engine).toBe("wasm2c");
      const wasm = readFileSync(join(ROOT, "build/firmware/linux-sim/core.wasm"));
      const dev = new Signer(t), ref = new Signer(new InProcessTransport(new Core(new WebAssembly.Module(wasm))));
      const opts = { secret: new Uint8Array(32).fill(7), network: "regtest" as const };
      expect(dev.init(opts)).toEqual(ref.init(opts));
      for (let i = 0; i < 20; i++) {
        const m = new TextEncoder().encode(`message ${i}`);
        expect(dev.signMessage(m)).toEqual(ref.signMessage(m));
      }
      t.close();
    }
  });
});
