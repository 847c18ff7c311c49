// Applying a rule: a failed check is a refusal naming the rule, unless the
// operator's filter downgrades it to a warning (never for hard rules).
// Warnings are counted per rule for `status` and logged by the host.
import { CoreError, Code } from "../protocol/errors";
import { PolicyConfig } from "./config";

export class Policy {
  cfg: PolicyConfig = new PolicyConfig();
  warnings: Map<string, u32> = new Map();
  lastWarning: string = "";

  /** null when the rule holds or is filtered to a warning; else the refusal. */
  check(rule: string, ok: bool, msg: string): CoreError | null {
    if (ok) return null;
    if (this.cfg.filtered(rule)) {
      this.warnings.set(rule, (this.warnings.has(rule) ? this.warnings.get(rule) : 0) + 1);
      this.lastWarning = rule + ": " + msg;
      return null;
    }
    return new CoreError(Code.POLICY, msg, rule);
  }

  /** A refusal that an operator can lift by approving (approval queue). */
  pending(rule: string, msg: string): CoreError {
    return new CoreError(Code.PENDING_APPROVAL, msg, rule);
  }
}
