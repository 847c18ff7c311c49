// Hostile-node attack harness: a request that breaks exactly one rule must be
// refused with exactly that rule id, and the signer's state digest must not
// move. Every attack registers here; test/policy/attacks.test.ts runs them all
// (and, once every catalogue id has one, the `policy-attacks` conformance suite).
import { Signer, SignerError, Code } from "../../host/signer.js";

export interface Attack { rule: string; name: string; run(): void }
export const attacks: Attack[] = [];
export function attack(rule: string, name: string, run: () => void) { attacks.push({ rule, name, run }); }

/** Runs `f` against `s`; asserts a POLICY refusal naming `rule` and no state change. */
export function expectRefused(s: Signer, rule: string, f: () => unknown): SignerError {
  const before = Buffer.from(s.stateDigest()).toString("hex");
  let err: unknown = null;
  try { f(); } catch (e) { err = e; }
  if (!(err instanceof SignerError)) throw new Error(`expected refusal by ${rule}, got ${err ? String(err) : "a signature/success"}`);
  if (err.code !== Code.POLICY || err.rule !== rule) throw new Error(`expected POLICY [${rule}], got ${err.message}`);
  const after = Buffer.from(s.stateDigest()).toString("hex");
  if (before !== after) throw new Error(`state changed on refusal by ${rule}`);
  return err;
}
