#!/usr/bin/env node
// The `vigil` command (host/cli/main.ts, compiled to dist/ by `npm run build`).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
const entry = new URL("../dist/host/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write("vigil: not built yet; run `npm run build` in the repository\n");
  process.exit(2);
}
const { main } = await import(entry.href);
const code = await main(process.argv.slice(2), {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  stdin: process.stdin,
  isTTY: Boolean(process.stdin.isTTY),
  env: process.env,
});
process.exitCode = code;
