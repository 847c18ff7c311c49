// The core's rule table is the catalogue (../shared/policy-rules.md), exactly,
// in both directions, with the same hard rules; policy configuration decodes
// with clear errors and filters never downgrade a hard rule.
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { Signer, SignerError, Code } from "../../host/signer.js";
import { Method } from "../../host/protocol/envelope.js";
import { encodePolicy } from "../../host/policy.js";
import { hex, testSigner } from "../helpers.js";

const catalogue = readFileSync(new URL("../../../shared/policy-rules.md", import.meta.url), "utf8");
const catIds: string[] = [];
const catHard = new Set<string>();
for (const line of catalogue.split("\n")) {
  const ids = [...line.matchAll(/`(policy-[a-z0-9-]+)`/g)].map((m) => m[1]);
  for (const id of ids) if (!catIds.includes(id)) catIds.push(id);
  if (line.includes("*hard*")) ids.forEach((id) => catHard.add(id));
}

describe("rule table", () => {
  const rules = new Signer().listRules();
  it("has every catalogue id and nothing else", () => {
    const core = rules.map((r) => r.id);
    expect(core.filter((id) => !catIds.includes(id))).toEqual([]);
    expect(catIds.filter((id) => !core.includes(id))).toEqual([]);
    expect(new Set(core).size).toBe(core.length);
    expect(core.length).toBe(catIds.length);
  });
  it("marks exactly the catalogue's hard rules as hard", () => {
    expect(rules.filter((r) => r.hard).map((r) => r.id).sort()).toEqual([...catHard].sort());
  });
  it("checks each id in exactly one module of the core (grep of its Rule constant)", async () => {
    const { readdirSync } = await import("node:fs");
    const root = new URL("../../assembly/", import.meta.url);
    const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith(".ts") && !f.endsWith("rules.ts"));
    const sources = files.map((f) => [f, readFileSync(new URL(f, root), "utf8")] as const);
    const table = readFileSync(new URL("policy/rules.ts", root), "utf8");
    const names = [...table.matchAll(/export const ([A-Z0-9_]+) = "(policy-[a-z0-9-]+)"/g)];
    expect(names.length).toBe(catIds.length);
    const where = names.map(([, name, id]) => [id, sources.filter(([, src]) => new RegExp(`Rule\\.${name}\\b`).test(src)).map(([f]) => f)] as const);
    expect(where.filter(([, fs]) => fs.length !== 1)).toEqual([]);
  });
});

describe("policy configuration", () => {
  const errOf = (f: () => unknown) => { try { f(); } catch (e) { return e as SignerError; } throw new Error("no error"); };
  it("defaults, presets and a round trip through policy_set", () => {
    const s = testSigner();
    expect(s.policy()).toMatchObject({ preset: "personal", merchant: false, routing: false, htlcCountMax: 483 });
    expect(s.setPolicy({ preset: "merchant" })).toMatchObject({ preset: "merchant", merchant: true });
    expect(s.setPolicy({ preset: "routing-hub", commitmentFeerateMax: 500_000, filters: ["policy-commitment-fee-range", "policy-onchain-*"] }))
      .toMatchObject({ preset: "routing-hub", routing: true, commitmentFeerateMax: 500_000, filters: ["policy-commitment-fee-range", "policy-onchain-*"] });
  });
  it("bad values are refused with a message naming them, and change nothing", () => {
    const s = testSigner();
    const d0 = hex(s.stateDigest());
    const bad = (p: object) => errOf(() => s.request(Method.POLICY_SET, encodePolicy(p as any)));
    expect(bad({ filters: ["policy-no-such-rule"] }).message).toContain("names no rule");
    expect(bad({ delayHolderMin: 10, delayHolderMax: 5 }).message).toContain("min above max");
    expect(bad({ htlcCountMax: 484 }).message).toContain("483");
    expect(bad({ filters: ["foo-*"] }).code).toBe(Code.MALFORMED);
    expect(hex(s.stateDigest())).toBe(d0);
    expect(() => encodePolicy({ nonsense: 1 } as any)).toThrow(/policy.nonsense: unknown field/);
  });
  it("init takes a policy", () => {
    const s = new Signer();
    s.init({ secret: new Uint8Array(32).fill(5), policy: { preset: "merchant", cltvWindow: 1000 } });
    expect(s.policy()).toMatchObject({ preset: "merchant", cltvWindow: 1000 });
  });
});
