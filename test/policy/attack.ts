// Hostile-node attack harness: a request that breaks exactly one rule must be
// refused with exactly that rule id, and the signer's state digest must not
// move. With VIGIL_ATTACK_LOG set, each refusal verified here is logged by id:
// the `policy-attacks` conformance suite (test/conformance/suites/policy-attacks.ts)
// runs every attack test that way and needs each catalogue id logged.
import { appendFileSync } from "node:fs";
import { Signer, SignerError, Code } from "../../host/signer.js";

export interface Attack { rule: string; name: string; run(): void }
export const attacks: Attack[] = [];
export function attack(rule: string, name: string, run: () => void) { attacks.push({ rule, name, run }); }

/** Runs `f` against `s`; asserts a POLICY refusal naming `rule` and no state change. */
export function expectRefused(s: Signer, rule: string, f: () => unknown): SignerError {
  const before = Buffer.from(s.stateDigest()).toString("hex");
  let err: unknown = null;
  try { f(); } catch (e) { err = e; }
  return verdict(s, rule, before, err);
}

/** expectRefused for an async `f` (a chain feeder's sync, for instance). */
export async function expectRefusedAsync(s: Signer, rule: string, f: () => Promise<unknown>): Promise<SignerError> {
  const before = Buffer.from(s.stateDigest()).toString("hex");
  let err: unknown = null;
  try { await f(); } catch (e) { err = e; }
  return verdict(s, rule, before, err);
}

function verdict(s: Signer, rule: string, before: string, err: unknown): SignerError {
  if (!(err instanceof SignerError)) throw new Error(`expected refusal by ${rule}, got ${err ? String(err) : "a signature/success"}`);
  if (err.code !== Code.POLICY || err.rule !== rule) throw new Error(`expected POLICY [${rule}], got ${err.message}`);
  const after = Buffer.from(s.stateDigest()).toString("hex");
  if (before !== after) throw new Error(`state changed on refusal by ${rule}`);
  // The policy-attacks conformance suite counts the ids refused this way.
  if (process.env.VIGIL_ATTACK_LOG) appendFileSync(process.env.VIGIL_ATTACK_LOG, rule + "\n");
  return err;
}
