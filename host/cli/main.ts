// `vigil`: the operator's command line. Exit codes: 0 ok, 1 failed or refused,
// 2 usage or configuration error, 3 signer/device absent. Read commands take
// --json. `vigil <command> --help` explains each.
import { parseArgs } from "node:util";
import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline/promises";
import { randomBytes } from "node:crypto";
import { entropyToMnemonic, mnemonicToEntropy, validateMnemonic } from "@scure/bip39";
import { wordlist } from "@scure/bip39/wordlists/english.js";
import { Config, ConfigError, dataDir, loadConfig, validateConfig, validatePolicyField } from "./config.js";
import { logger } from "./log.js";
import { NotInitialised, openSoftwareSigner, seedPath, writeSeed } from "./software.js";
import { serveTcp } from "./serve.js";
import { Signer, SignerError } from "../signer.js";
import { PolicyInput } from "../policy.js";

export class UsageError extends Error {}
class DeviceAbsent extends Error {}

interface Io { out(s: string): void; err(s: string): void; stdin: NodeJS.ReadableStream; isTTY: boolean; env: NodeJS.ProcessEnv }

const HELP: Record<string, string> = {
  "": `vigil — a validating Lightning signer

usage: vigil <command> [options]

commands:
  init        create a software signer (BIP39 seed shown once) or point at a device
  status      node id, channels, policy, warnings, state version
  policy      show | set key=value… | filter add|remove|list <rule-id or prefix*>
  serve       serve the signer over TCP for a node (--host, --port)
  logs        print the structured log (-n lines)
  approve     list | accept | decline payments waiting for approval
  allowlist   add | remove | list payee addresses and node ids
  backup      status | sync the encrypted backup
  recover     restore a signer from seed and backup
  flash       flash firmware to an ESP32 (--port, --chip, --image)
  provision   first-run setup of a flashed device

common options: --data-dir DIR (default $VIGIL_DATA_DIR or ~/.vigil), --json, --help`,
  init: `usage: vigil init [--network regtest|testnet|signet|bitcoin] [--scheme ldk|cln] [--import] [--yes] [--device serial:PATH|tcp:HOST:PORT]

Creates <data dir>/config.json and, for a software signer, a new 24-word BIP39
seed written to <data dir>/seed (mode 0600). The words are shown once; you are
asked to type one of them back (--yes skips the check, for scripts). --import
reads an existing phrase from standard input instead. With --device nothing is
generated on this machine: the seed lives on the device (see vigil provision).`,
  status: `usage: vigil status [--json]

Node id, network, channels as the signer sees them, policy preset and warning
counts, durable state version.`,
  policy: `usage: vigil policy show [--json]
       vigil policy set key=value [key=value…]
       vigil policy filter add|remove <rule-id or prefix*>
       vigil policy filter list [--json]

Limits and warn-only filters. Hard rules can never be filtered: the signer
refuses such a filter. Changes are written to config.json and applied to the signer.`,
  serve: `usage: vigil serve [--host 127.0.0.1] [--port 7701]

Serves the signer over TCP (u32 length + protocol frame) to one node at a time.
Binds to loopback by default. Every request is logged.`,
  logs: `usage: vigil logs [-n 50] [--json]

Prints the last lines of <data dir>/vigil.log (JSON lines; --json passes them through).`,
};

const PENDING: Record<string, string> = {
  approve: "the approval queue arrives with the policy engine's payment rules (issue 7)",
  allowlist: "the payee allowlist arrives with the policy engine's payment rules (issue 7)",
  backup: "encrypted backup arrives with the persistence issue (issue 12)",
  recover: "recovery arrives with the persistence issue (issue 12)",
  flash: "flashing arrives with the ESP32 board (issue 10)",
  provision: "provisioning arrives with the ESP32 board (issue 10)",
};

type Values = Record<string, string | boolean | undefined>;
function parse(args: string[], options: Record<string, { type: "string" | "boolean"; short?: string }>): { values: Values; positionals: string[] } {
  try {
    const r = parseArgs({ args, options: { ...options, help: { type: "boolean" }, json: { type: "boolean" }, "data-dir": { type: "string" } }, allowPositionals: true });
    return { values: r.values as Values, positionals: r.positionals };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

async function ask(io: Io, q: string): Promise<string> {
  const rl = createInterface({ input: io.stdin, terminal: false });
  io.out(q);
  const line = await rl[Symbol.asyncIterator]().next();
  rl.close();
  return (line.value ?? "").trim();
}

function open(dir: string, cfg: Config): Signer {
  if (cfg.signer.kind !== "software") throw new DeviceAbsent(`signer ${cfg.signer.kind} transport is not available in this version`);
  return openSoftwareSigner(dir, cfg);
}

async function init(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { network: { type: "string" }, scheme: { type: "string" }, import: { type: "boolean" }, yes: { type: "boolean" }, device: { type: "string" } });
  if (values.help) { io.out(HELP.init + "\n"); return 0; }
  const dir = dataDir(values["data-dir"] as string | undefined);
  if (existsSync(join(dir, "config.json")) || existsSync(seedPath(dir))) throw new UsageError(`${dir} already holds a signer`);
  const raw: Record<string, unknown> = { network: values.network ?? "regtest", keyScheme: values.scheme ?? "ldk" };
  if (values.device) {
    const d = String(values.device);
    const m = /^serial:(.+)$/.exec(d) ?? null;
    const t = /^tcp:([^:]+):(\d+)$/.exec(d) ?? null;
    if (m) raw.signer = { kind: "serial", path: m[1] };
    else if (t) raw.signer = { kind: "tcp", host: t[1], port: Number(t[2]) };
    else throw new UsageError("--device: expected serial:PATH or tcp:HOST:PORT");
  }
  const cfg = validateConfig(raw);
  let seed: Uint8Array | null = null;
  if (!values.device) {
    if (values.import) {
      const phrase = (await ask(io, "BIP39 phrase (24 words): ")).toLowerCase().split(/\s+/).join(" ");
      if (!validateMnemonic(phrase, wordlist)) throw new UsageError("not a valid BIP39 phrase");
      seed = mnemonicToEntropy(phrase, wordlist);
      if (seed.length !== 32) throw new UsageError("the phrase must be 24 words (256 bits)");
    } else {
      seed = randomBytes(32);
      const words = entropyToMnemonic(seed, wordlist).split(" ");
      io.out("Write these 24 words down. They are shown once and are the only backup of your keys.\n\n");
      for (let i = 0; i < 24; i += 4) io.out(words.slice(i, i + 4).map((w, j) => `${String(i + j + 1).padStart(2)}. ${w.padEnd(10)}`).join(" ") + "\n");
      io.out("\n");
      if (!values.yes) {
        if (!io.isTTY) throw new UsageError("confirmation needs a terminal; pass --yes to skip it");
        const k = 1 + (randomBytes(1)[0] % 24);
        const got = await ask(io, `Type word #${k} to confirm: `);
        if (got.toLowerCase() !== words[k - 1]) throw new UsageError("that is not the word; nothing was written");
      }
    }
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (seed) writeSeed(dir, seed);
  writeFileSync(join(dir, "config.json"), JSON.stringify({ network: cfg.network, keyScheme: cfg.keyScheme, signer: cfg.signer, policy: cfg.policy }, null, 2) + "\n", { mode: 0o600 });
  if (seed) {
    const s = open(dir, cfg);
    const id = Buffer.from(s.nodeId()).toString("hex");
    logger(dir, cfg.log.level).info({ nodeId: id, network: cfg.network }, "signer created");
    io.out(values.json ? JSON.stringify({ nodeId: id, dataDir: dir }) + "\n" : `node id ${id}\ndata dir ${dir}\n`);
  } else {
    io.out(`configured ${cfg.signer.kind} signer in ${dir}; run vigil provision to set it up\n`);
  }
  return 0;
}

const CHANNEL_TYPES = ["static_remotekey", "anchors_zero_fee_htlc_tx", "legacy", "anchors_legacy"];

async function status(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, {});
  if (values.help) { io.out(HELP.status + "\n"); return 0; }
  const dir = dataDir(values["data-dir"] as string | undefined);
  const cfg = loadConfig(dir, io.env);
  const s = open(dir, cfg);
  const channels = s.listChannels().map((c) => ({ id: Buffer.from(c.id).toString("hex"), valueSat: Number(c.valueSat), ready: c.ready, outbound: c.outbound, type: CHANNEL_TYPES[c.channelType] }));
  const pol = s.policy();
  const st = { nodeId: Buffer.from(s.nodeId()).toString("hex"), network: cfg.network, keyScheme: cfg.keyScheme, signer: cfg.signer.kind, core: s.version().core, policyPreset: pol.preset, filters: (pol.filters as string[] | undefined) ?? [], channels, backup: "not configured" };
  if (values.json) io.out(JSON.stringify(st, null, 2) + "\n");
  else {
    io.out(`node id   ${st.nodeId}\nnetwork   ${st.network} (${st.keyScheme} keys, ${st.signer} signer, core ${st.core})\npolicy    ${st.policyPreset}${st.filters.length ? `, warn-only: ${st.filters.join(" ")}` : ""}\nchannels  ${channels.length}\n`);
    for (const c of channels) io.out(`  ${c.id.slice(0, 16)}…  ${c.valueSat} sat  ${c.ready ? "ready" : "new"}  ${c.outbound ? "outbound" : "inbound"}  ${c.type}\n`);
    io.out(`backup    ${st.backup}\n`);
  }
  return 0;
}

function parseValue(k: string, v: string): unknown {
  if (k === "preset") return v;
  if (v === "true" || v === "false") return v === "true";
  if (!/^\d+$/.test(v)) throw new UsageError(`policy.${k}: expected a whole number or true/false, got ${v}`);
  return Number(v);
}

async function policy(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {});
  if (values.help || positionals.length === 0) { io.out(HELP.policy + "\n"); return positionals.length === 0 && !values.help ? 2 : 0; }
  const dir = dataDir(values["data-dir"] as string | undefined);
  const cfgPath = join(dir, "config.json");
  const cfg = loadConfig(dir, io.env);
  const s = open(dir, cfg);
  const [sub, ...rest] = positionals;
  const save = (p: Record<string, unknown>) => {
    s.setPolicy(p as PolicyInput); // the core validates ranges, relations and rule ids first
    const file = existsSync(cfgPath) ? JSON.parse(readFileSync(cfgPath, "utf8")) : {};
    file.policy = p;
    writeFileSync(cfgPath, JSON.stringify(file, null, 2) + "\n", { mode: 0o600 });
    logger(dir, cfg.log.level).info({ policy: p }, "policy changed");
  };
  if (sub === "show") {
    const p = s.policy();
    if (values.json) io.out(JSON.stringify(p, (_, v) => (typeof v === "bigint" ? Number(v) : v), 2) + "\n");
    else for (const [k, v] of Object.entries(p)) io.out(`${k.padEnd(22)} ${Array.isArray(v) ? v.join(" ") || "-" : String(v)}\n`);
    return 0;
  }
  if (sub === "set") {
    if (rest.length === 0) throw new UsageError("policy set: give key=value pairs");
    const p = { ...cfg.policy };
    for (const kv of rest) {
      const m = /^([A-Za-z]+)=(.+)$/.exec(kv);
      if (!m) throw new UsageError(`policy set: expected key=value, got ${kv}`);
      p[m[1]] = validatePolicyField(m[1], parseValue(m[1], m[2]));
    }
    save(p);
    io.out("policy updated\n");
    return 0;
  }
  if (sub === "filter") {
    const [op, pattern] = rest;
    const filters = [...((cfg.policy.filters as string[] | undefined) ?? [])];
    if (op === "list") { io.out(values.json ? JSON.stringify(filters) + "\n" : filters.join("\n") + (filters.length ? "\n" : "")); return 0; }
    if (!pattern || (op !== "add" && op !== "remove")) throw new UsageError("policy filter add|remove <rule-id or prefix*>");
    const rules = s.listRules();
    const rule = rules.find((r) => r.id === pattern);
    if (!pattern.endsWith("*") && !rule) throw new UsageError(`unknown rule id ${pattern}`);
    if (rule?.hard) throw new UsageError(`${pattern} is a hard rule and can never be downgraded`);
    const next = op === "add" ? [...new Set([...filters, pattern])] : filters.filter((f) => f !== pattern);
    save({ ...cfg.policy, filters: next });
    io.out(`filters: ${next.join(" ") || "none"}\n`);
    return 0;
  }
  throw new UsageError(`policy ${sub}: unknown subcommand`);
}

async function logs(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { n: { type: "string", short: "n" } });
  if (values.help) { io.out(HELP.logs + "\n"); return 0; }
  const dir = dataDir(values["data-dir"] as string | undefined);
  const path = join(dir, "vigil.log");
  if (!existsSync(path)) { io.out(""); return 0; }
  const n = Number(values.n ?? 50);
  if (!Number.isInteger(n) || n < 1) throw new UsageError("-n: expected a positive whole number");
  const lines = readFileSync(path, "utf8").trim().split("\n").slice(-n);
  for (const l of lines) {
    if (values.json) { io.out(l + "\n"); continue; }
    try {
      const e = JSON.parse(l);
      const { level, time, msg, app, pid, hostname, ...rest } = e;
      io.out(`${new Date(time).toISOString()} ${{ 10: "TRACE", 20: "DEBUG", 30: "INFO ", 40: "WARN ", 50: "ERROR", 60: "FATAL" }[level as number] ?? level} ${msg} ${Object.keys(rest).length ? JSON.stringify(rest) : ""}\n`);
    } catch { io.out(l + "\n"); }
  }
  return 0;
}

async function serve(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { host: { type: "string" }, port: { type: "string" } });
  if (values.help) { io.out(HELP.serve + "\n"); return 0; }
  const dir = dataDir(values["data-dir"] as string | undefined);
  const cfg = loadConfig(dir, io.env);
  const s = open(dir, cfg);
  const log = logger(dir, cfg.log.level);
  const host = (values.host as string | undefined) ?? cfg.serve.host;
  const port = values.port ? Number(values.port) : cfg.serve.port;
  const server = await serveTcp(s.transport, host, port, log);
  const addr = server.address() as { port: number };
  io.out(`serving node ${Buffer.from(s.nodeId()).toString("hex")} on ${host}:${addr.port}\n`);
  log.info({ host, port: addr.port }, "serving");
  await new Promise<void>((resolve) => {
    const stop = () => { server.close(); resolve(); };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  return 0;
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [cmd, ...args] = argv;
  try {
    if (!cmd || cmd === "--help" || cmd === "help") { io.out(HELP[""] + "\n"); return cmd ? 0 : 2; }
    if (cmd === "init") return await init(args, io);
    if (cmd === "status") return await status(args, io);
    if (cmd === "policy") return await policy(args, io);
    if (cmd === "logs") return await logs(args, io);
    if (cmd === "serve") return await serve(args, io);
    if (cmd in PENDING) {
      if (args.includes("--help")) { io.out(`vigil ${cmd}: ${PENDING[cmd]}\n`); return 0; }
      io.err(`vigil ${cmd}: not available in this version: ${PENDING[cmd]}\n`);
      return 2;
    }
    throw new UsageError(`unknown command ${cmd} (vigil --help lists them)`);
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError) { io.err(`vigil: ${e.message}\n`); return 2; }
    if (e instanceof NotInitialised || e instanceof DeviceAbsent) { io.err(`vigil: ${e.message}\n`); return 3; }
    if (e instanceof SignerError) { io.err(`vigil: signer refused: ${e.message}\n`); return 1; }
    io.err(`vigil: ${(e as Error).message}\n`);
    return 1;
  }
}
