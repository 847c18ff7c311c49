// The `vigil` CLI: each subcommand's happy path and its bad-input errors, in
// process (fast) and once through the installed bin (the real entry point).
import { describe, it, expect } from "vitest";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { execFileSync } from "node:child_process";
import { main } from "../../host/cli/main.js";

function run(argv: string[], stdin = "", env: NodeJS.ProcessEnv = {}) {
  let out = "", err = "";
  const io = { out: (s: string) => { out += s; }, err: (s: string) => { err += s; }, stdin: Readable.from([stdin]), isTTY: false, env };
  return main(argv, io).then((code) => ({ code, out, err }));
}
const tmp = () => mkdtempSync(join(tmpdir(), "vigil-cli-"));

describe("vigil cli", () => {
  it("init creates a 0600 seed and config, shows 24 words once, prints the node id; a second init is refused", async () => {
    const d = tmp();
    const r = await run(["init", "--data-dir", d, "--yes"]);
    expect(r.code).toBe(0);
    expect(r.out.match(/^\s*\d+\. [a-z]+/gm)!.length).toBe(6);
    expect(r.out).toMatch(/node id [0-9a-f]{66}/);
    expect(statSync(join(d, "seed")).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(d, "config.json"), "utf8"))).toMatchObject({ network: "regtest", keyScheme: "ldk" });
    expect((await run(["init", "--data-dir", d, "--yes"])).code).toBe(2);
  });

  it("init without a terminal and without --yes writes nothing", async () => {
    const d = tmp();
    const r = await run(["init", "--data-dir", d]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/needs a terminal/);
    expect((await run(["status", "--data-dir", d])).code).toBe(3);
  });

  it("init --import restores the node id from the phrase; a bad phrase is refused", async () => {
    const a = tmp();
    const r1 = await run(["init", "--data-dir", a, "--yes"]);
    const words = [...r1.out.matchAll(/\d+\. ([a-z]+)/g)].map((m) => m[1]).join(" ");
    const b = tmp();
    const r2 = await run(["init", "--data-dir", b, "--import"], words + "\n");
    expect(r2.code).toBe(0);
    expect(r2.out.match(/node id (\w+)/)![1]).toBe(r1.out.match(/node id (\w+)/)![1]);
    expect((await run(["init", "--data-dir", tmp(), "--import"], "abandon abandon zoo\n")).code).toBe(2);
  });

  it("status --json reports node id, channels and policy; missing signer exits 3", async () => {
    const d = tmp();
    await run(["init", "--data-dir", d, "--yes"]);
    const r = await run(["status", "--data-dir", d, "--json"]);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out);
    expect(s).toMatchObject({ network: "regtest", policyPreset: "personal", channels: [] });
    expect(s.nodeId).toMatch(/^0[23][0-9a-f]{64}$/);
    expect((await run(["status", "--data-dir", tmp()])).code).toBe(3);
  });

  it("policy set / filter: applied to the signer, persisted in config, bad values and hard rules refused", async () => {
    const d = tmp();
    await run(["init", "--data-dir", d, "--yes"]);
    expect((await run(["policy", "set", "cltvWindow=1000", "merchant=true", "--data-dir", d])).code).toBe(0);
    expect(JSON.parse((await run(["policy", "show", "--json", "--data-dir", d])).out)).toMatchObject({ cltvWindow: 1000, merchant: true });
    expect(JSON.parse(readFileSync(join(d, "config.json"), "utf8")).policy).toMatchObject({ cltvWindow: 1000, merchant: true });
    const bad = await run(["policy", "set", "htlcCountMax=999", "--data-dir", d]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/483/);
    expect((await run(["policy", "set", "nosuch=1", "--data-dir", d])).err).toMatch(/policy.nosuch: unknown policy field/);
    expect((await run(["policy", "filter", "add", "policy-channel-safe-mode", "--data-dir", d])).code).toBe(0);
    expect((await run(["policy", "filter", "list", "--json", "--data-dir", d])).out).toContain("policy-channel-safe-mode");
    const hard = await run(["policy", "filter", "add", "policy-commitment-holder-not-revoked", "--data-dir", d]);
    expect(hard.code).toBe(2);
    expect(hard.err).toMatch(/hard rule/);
    expect((await run(["policy", "filter", "add", "policy-unknown", "--data-dir", d])).err).toMatch(/unknown rule id/);
    // the change survives a restart of the signer (durable state)
    expect(JSON.parse((await run(["status", "--json", "--data-dir", d])).out).filters).toEqual(["policy-channel-safe-mode"]);
  });

  it("a config file with a bad key or value names it", async () => {
    const d = tmp();
    await run(["init", "--data-dir", d, "--yes"]);
    const cfg = JSON.parse(readFileSync(join(d, "config.json"), "utf8"));
    writeFileSync(join(d, "config.json"), JSON.stringify({ ...cfg, policy: { cltvWindow: -5 } }));
    const r = await run(["status", "--data-dir", d]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/policy.cltvWindow: expected a whole number/);
    writeFileSync(join(d, "config.json"), JSON.stringify({ ...cfg, colour: "red" }));
    expect((await run(["status", "--data-dir", d])).err).toMatch(/colour: unknown key/);
    writeFileSync(join(d, "config.json"), "{ not json");
    expect((await run(["status", "--data-dir", d])).err).toMatch(/not valid JSON/);
    writeFileSync(join(d, "config.json"), JSON.stringify(cfg));
    expect((await run(["status", "--data-dir", d], "", { VIGIL_NETWORK: "moon" })).err).toMatch(/VIGIL_NETWORK: expected one of/);
  });

  it("logs: JSON lines with no secret in them", async () => {
    const d = tmp();
    await run(["init", "--data-dir", d, "--yes"]);
    await run(["policy", "set", "walletGap=30", "--data-dir", d]);
    const r = await run(["logs", "--data-dir", d, "--json"]);
    expect(r.out.trim().split("\n").map((l) => JSON.parse(l).msg)).toEqual(["signer created", "policy changed"]);
    const seed = readFileSync(join(d, "seed"), "utf8").trim();
    expect(readFileSync(join(d, "vigil.log"), "utf8")).not.toContain(seed);
  });

  it("unknown commands and pending ones exit 2 with a reason; --help exits 0", async () => {
    expect((await run(["frobnicate"])).code).toBe(2);
    expect((await run(["approve", "list"])).err).toMatch(/not available in this version/);
    for (const c of ["init", "status", "policy", "serve", "logs"]) expect((await run([c, "--help"])).code).toBe(0);
    expect((await run(["--help"])).out).toMatch(/validating Lightning signer/);
  });

  it("the installed bin runs (dist build)", () => {
    const d = tmp();
    const out = execFileSync("node", ["bin/vigil.mjs", "init", "--data-dir", d, "--yes", "--json"], { encoding: "utf8" });
    expect(out.trim().split("\n").pop()).toMatch(/"nodeId":"0[23]/);
  });
});
