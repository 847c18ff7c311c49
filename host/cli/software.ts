// The software signer of a data directory: seed file (0600), file state store,
// the core in this process. A device signer replaces this in firmware issues.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { Core } from "../core/core.js";
import { FileStore } from "../state/file.js";
import { InProcessTransport } from "../transport.js";
import { Signer } from "../signer.js";
import { Config } from "./config.js";
import { PolicyInput } from "../policy.js";

export class NotInitialised extends Error {}

export const seedPath = (dir: string) => join(dir, "seed");

export function writeSeed(dir: string, seed: Uint8Array) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(seedPath(dir), Buffer.from(seed).toString("hex") + "\n", { mode: 0o600, flag: "wx" });
}

export function openSoftwareSigner(dir: string, cfg: Config): Signer {
  if (!existsSync(seedPath(dir))) throw new NotInitialised(`no signer in ${dir}: run \`vigil init\` first`);
  const hex = readFileSync(seedPath(dir), "utf8").trim();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new NotInitialised(`${seedPath(dir)}: not a 32-byte hex seed`);
  const s = new Signer(new InProcessTransport(new Core(), new FileStore(join(dir, "state.bin"))));
  s.start({ secret: Buffer.from(hex, "hex"), network: cfg.network, scheme: cfg.keyScheme, policy: cfg.policy as PolicyInput });
  return s;
}
