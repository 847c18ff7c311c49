// The operator's config file (<data dir>/config.json), validated with messages
// that name the bad key, plus environment overrides. Defaults make a regtest
// software signer that needs nothing else.
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { POLICY_FIELDS, PRESETS } from "../policy.js";
import { Network, KeyScheme } from "../signer.js";

export class ConfigError extends Error {}

export type SignerLocation = { kind: "software" } | { kind: "serial"; path: string } | { kind: "tcp"; host: string; port: number };

export interface Config {
  network: keyof typeof Network;
  keyScheme: keyof typeof KeyScheme;
  signer: SignerLocation;
  policy: Record<string, unknown>;
  log: { level: "trace" | "debug" | "info" | "warn" | "error" };
  serve: { host: string; port: number };
}

export const DEFAULTS: Config = {
  network: "regtest",
  keyScheme: "ldk",
  signer: { kind: "software" },
  policy: { preset: "personal" },
  log: { level: "info" },
  serve: { host: "127.0.0.1", port: 7701 },
};

export function dataDir(flag?: string): string {
  return resolve(flag ?? process.env.VIGIL_DATA_DIR ?? join(homedir(), ".vigil"));
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const LEVELS = ["trace", "debug", "info", "warn", "error"];

function oneOf<T extends string>(key: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== "string" || !allowed.includes(v as T)) throw new ConfigError(`${key}: expected one of ${allowed.join(", ")}, got ${JSON.stringify(v)}`);
  return v as T;
}

function port(key: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > 65535) throw new ConfigError(`${key}: expected a port number 1-65535, got ${JSON.stringify(v)}`);
  return v;
}

/** Check one policy field's name and value type (the core checks ranges and relations). */
export function validatePolicyField(k: string, v: unknown, prefix = "policy"): unknown {
  if (k === "preset") return oneOf(`${prefix}.preset`, v, Object.keys(PRESETS) as Array<keyof typeof PRESETS>);
  if (k === "filters") {
    if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) throw new ConfigError(`${prefix}.filters: expected a list of rule ids or prefixes ending in *`);
    return v;
  }
  const spec = POLICY_FIELDS[k];
  if (!spec) throw new ConfigError(`${prefix}.${k}: unknown policy field (known: ${Object.keys(POLICY_FIELDS).join(", ")})`);
  const kind = spec[1];
  if (kind === "bool") {
    if (typeof v !== "boolean") throw new ConfigError(`${prefix}.${k}: expected true or false, got ${JSON.stringify(v)}`);
    return v;
  }
  const max = kind === "u8" ? 255 : kind === "u32" ? 0xffffffff : Number.MAX_SAFE_INTEGER;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > max) throw new ConfigError(`${prefix}.${k}: expected a whole number 0-${max}, got ${JSON.stringify(v)}`);
  return v;
}

export function validateConfig(raw: unknown): Config {
  if (!isObj(raw)) throw new ConfigError("config: expected a JSON object");
  const known = Object.keys(DEFAULTS);
  for (const k of Object.keys(raw)) if (!known.includes(k)) throw new ConfigError(`${k}: unknown key (known: ${known.join(", ")})`);
  const c: Config = structuredClone(DEFAULTS);
  if (raw.network !== undefined) c.network = oneOf("network", raw.network, Object.keys(Network) as Array<keyof typeof Network>);
  if (raw.keyScheme !== undefined) c.keyScheme = oneOf("keyScheme", raw.keyScheme, Object.keys(KeyScheme) as Array<keyof typeof KeyScheme>);
  if (raw.signer !== undefined) {
    const s = raw.signer;
    if (!isObj(s)) throw new ConfigError("signer: expected an object with kind");
    const kind = oneOf("signer.kind", s.kind, ["software", "serial", "tcp"] as const);
    if (kind === "serial") {
      if (typeof s.path !== "string" || !s.path) throw new ConfigError("signer.path: expected the serial port path, e.g. /dev/ttyUSB0");
      c.signer = { kind, path: s.path };
    } else if (kind === "tcp") {
      if (typeof s.host !== "string") throw new ConfigError("signer.host: expected a host name");
      c.signer = { kind, host: s.host, port: port("signer.port", s.port) };
    } else c.signer = { kind };
  }
  if (raw.policy !== undefined) {
    if (!isObj(raw.policy)) throw new ConfigError("policy: expected an object");
    c.policy = {};
    for (const [k, v] of Object.entries(raw.policy)) c.policy[k] = validatePolicyField(k, v);
  }
  if (raw.log !== undefined) {
    if (!isObj(raw.log)) throw new ConfigError("log: expected an object");
    c.log = { level: oneOf("log.level", raw.log.level ?? "info", LEVELS as Config["log"]["level"][]) };
  }
  if (raw.serve !== undefined) {
    if (!isObj(raw.serve)) throw new ConfigError("serve: expected an object");
    c.serve = { host: typeof raw.serve.host === "string" ? raw.serve.host : DEFAULTS.serve.host, port: port("serve.port", raw.serve.port ?? DEFAULTS.serve.port) };
  }
  return c;
}

/** Load <dir>/config.json (or defaults), then apply VIGIL_* environment overrides. */
export function loadConfig(dir: string, env: NodeJS.ProcessEnv = process.env): Config {
  const path = join(dir, "config.json");
  let raw: unknown = {};
  if (existsSync(path)) {
    try { raw = JSON.parse(readFileSync(path, "utf8")); } catch (e) { throw new ConfigError(`${path}: not valid JSON (${(e as Error).message})`); }
  }
  let c: Config;
  try { c = validateConfig(raw); } catch (e) { throw new ConfigError(`${path}: ${(e as Error).message}`); }
  if (env.VIGIL_NETWORK) c.network = oneOf("VIGIL_NETWORK", env.VIGIL_NETWORK, Object.keys(Network) as Array<keyof typeof Network>);
  if (env.VIGIL_LOG_LEVEL) c.log.level = oneOf("VIGIL_LOG_LEVEL", env.VIGIL_LOG_LEVEL, LEVELS as Config["log"]["level"][]);
  if (env.VIGIL_SERVE_PORT) c.serve.port = port("VIGIL_SERVE_PORT", Number(env.VIGIL_SERVE_PORT));
  return c;
}
