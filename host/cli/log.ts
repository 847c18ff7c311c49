// Structured JSON logs (pino) to <data dir>/vigil.log: one line per request
// with request id, method, channel, duration and the rule id of a refusal.
// Secrets are never passed to the logger; the redact list is a second fence.
import pino from "pino";
import { join } from "node:path";
import { Method, NodeMethod, ChannelMethod } from "../protocol/envelope.js";

export function logger(dir: string, level = "info") {
  return pino(
    { level, base: { app: "vigil" }, redact: { paths: ["secret", "seed", "mnemonic", "*.secret", "*.seed"], censor: "[redacted]" } },
    pino.destination({ dest: join(dir, "vigil.log"), sync: true, mkdir: true }),
  );
}
export type Logger = ReturnType<typeof logger>;

const NAMES = new Map<number, string>(
  [...Object.entries(Method), ...Object.entries(NodeMethod), ...Object.entries(ChannelMethod)].map(([k, v]) => [v, k.toLowerCase()]),
);
export function methodName(id: number): string {
  return NAMES.get(id) ?? (id >= 0x8000 ? `tool_0x${id.toString(16)}` : `method_0x${id.toString(16).padStart(4, "0")}`);
}
