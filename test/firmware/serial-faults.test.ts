// Serial fault test: a proxy between the host link and the device corrupts,
// drops, duplicates and truncates bytes in both directions. Every request is
// answered with the byte-identical reply of the Node core, and the device
// executed each request exactly once (retries answered from its reply cache).
import { describe, it, expect, beforeAll } from "vitest";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SerialLink, childStream, ByteStream } from "../../host/serial/link.js";
import { recordWorkload, Exchange } from "./workload.js";
import { ROOT, SIM, ensureLinuxSim } from "./native.js";

const BIN = SIM;

const skip = ensureLinuxSim();
if (skip) console.warn(`serial fault tests skipped: ${skip}`);

/** xorshift32 */
function rng(seed: number) { let x = seed >>> 0 || 1; return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x / 2 ** 32; }; }

type Faults = { corrupt: number; drop: number; dup: number; truncate: number };
const counts = { corrupt: 0, drop: 0, dup: 0, truncate: 0, chunks: 0 };

/** Damages each chunk written through it with the given probabilities. */
function damage(b: Uint8Array, f: Faults, rnd: () => number): Uint8Array[] {
  counts.chunks++;
  const r = rnd();
  if (r < f.drop) { counts.drop++; return []; }
  if (r < f.drop + f.truncate) { counts.truncate++; return [b.slice(0, Math.floor(rnd() * b.length))]; }
  if (r < f.drop + f.truncate + f.corrupt) {
    counts.corrupt++;
    const c = Uint8Array.from(b);
    c[Math.floor(rnd() * c.length)] ^= 1 << Math.floor(rnd() * 8);
    return [c];
  }
  if (r < f.drop + f.truncate + f.corrupt + f.dup) { counts.dup++; return [b, b]; }
  return [b];
}

function faultyStream(inner: ByteStream, f: Faults, seed: number): ByteStream {
  const up = rng(seed), down = rng(seed ^ 0x9e3779b9);
  return {
    write: (b) => damage(b, f, up).forEach((x) => inner.write(x)),
    onData: (cb) => inner.onData((b) => damage(b, f, down).forEach((x) => cb(x))),
    onClose: (cb) => inner.onClose(cb),
    close: () => inner.close(),
  };
}

describe.skipIf(skip !== null)("serial link under faults (linux-sim)", () => {
  let log: Exchange[];
  beforeAll(() => { log = recordWorkload(220, readFileSync(join(ROOT, "build/firmware/linux-sim/core.wasm"))); });

  for (const engine of ["wasm2c", "wasm3"]) {
    it(`${engine}: corrupt/drop/duplicate/truncate, 0 duplicated executions, all replies identical`, async () => {
      const child = spawn(BIN(engine), [], { stdio: ["pipe", "pipe", "ignore"] });
      const clean = new SerialLink(childStream(child), { timeoutMs: 5000 });
      const before = await clean.deviceStats();
      Object.assign(counts, { corrupt: 0, drop: 0, dup: 0, truncate: 0, chunks: 0 });
      // the faulty link shares the child: the clean one only reads the counters at the end
      const faults: Faults = { corrupt: 0.06, drop: 0.05, dup: 0.05, truncate: 0.05 };
      const link = new SerialLink(faultyStream(childStream(child), faults, 0xfa17 + engine.length), { timeoutMs: 150, retries: 40 });
      let wrong = 0;
      for (const x of log) {
        const got = await link.request(x.request);
        if (Buffer.compare(Buffer.from(got), Buffer.from(x.reply)) !== 0) wrong++;
      }
      await new Promise((r) => setTimeout(r, 100)); // let strays settle
      const after = await link.deviceStats();
      console.log(`${engine}: ${log.length} requests, ${JSON.stringify(counts)} injected, retries ${link.stats.retries}, ` +
        `device executed ${after.executed - before.executed}, nacks ${after.nacks}, replays ${after.replays}`);
      expect(wrong).toBe(0);
      expect(after.executed - before.executed).toBe(log.length); // once each: no duplicate, none lost
      expect(counts.corrupt + counts.drop + counts.dup + counts.truncate).toBeGreaterThan(20);
      link.close();
    });
  }
});
