// A conformance suite runs one spec's official vectors through the core.
// Suites live in test/conformance/suites/*.ts and export `default` a Suite;
// `npm run conformance` runs them all and writes conformance.json, and
// test/conformance.test.ts runs them under vitest with 0 failures required.
import { Signer } from "../../host/signer.js";

export interface Case { id: string; run(signer: Signer): void | Promise<void> }
export interface Suite { name: string; cases(): Case[] }
export interface SuiteResult { name: string; passed: number; failed: number; failures: string[] }

export async function runSuite(suite: Suite, signer: Signer = new Signer()): Promise<SuiteResult> {
  const res: SuiteResult = { name: suite.name, passed: 0, failed: 0, failures: [] };
  for (const c of suite.cases()) {
    try {
      await c.run(signer);
      res.passed++;
    } catch (e) {
      res.failed++;
      res.failures.push(`${c.id}: ${(e as Error).message}`);
    }
  }
  return res;
}

export async function loadSuites(): Promise<Suite[]> {
  const { readdirSync } = await import("node:fs");
  const { fileURLToPath, pathToFileURL } = await import("node:url");
  const { dirname, join } = await import("node:path");
  const dir = join(dirname(fileURLToPath(import.meta.url)), "suites");
  const files = readdirSync(dir).filter((f) => f.endsWith(".ts")).sort();
  const out: Suite[] = [];
  for (const f of files) {
    const mod = await import(pathToFileURL(join(dir, f)).href);
    const s = mod.default;
    out.push(...(Array.isArray(s) ? s : [s]));
  }
  return out;
}

/** Throws unless a and b are equal byte strings (shown as hex on failure). */
export function expectBytes(actual: Uint8Array, expected: Uint8Array | string, what = "bytes") {
  const a = Buffer.from(actual).toString("hex");
  const e = typeof expected === "string" ? expected.toLowerCase() : Buffer.from(expected).toString("hex");
  if (a !== e) throw new Error(`${what}: got ${a.slice(0, 160)}, want ${e.slice(0, 160)}`);
}

export function expect(cond: boolean, msg: string) { if (!cond) throw new Error(msg); }
