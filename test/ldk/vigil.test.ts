// A real LDK network with A and C signing through Vigil (issue #8): the full
// A—B—C scenario with the core in-process and behind TCP (`vigil serve`, the
// remote transport), and a hostile LDK-side adapter whose stealing commitments
// the core refuses with the rule id, the honest path continuing afterwards.
import { beforeAll, describe, expect, it } from "vitest";
import { initLdk } from "../../host/ldk/init.js";
import { runScenario, seedOf, type ScenarioReport } from "../../host/ldk/scenario.js";
import { vigilFactory, type VigilFactory } from "../../host/ldk/vigil-factory.js";
import type { VigilKeys } from "../../host/ldk/vigil-keys.js";
import { serveCores } from "../../host/ldk/serve-cores.js";
import { SignerError } from "../../host/signer.js";

const VELOCITY = { velocitySendMaxMsat: 100_000_000n };
const blocked = (f: VigilFactory) => ({ msat: 60_000_000n, rule: "policy-commitment-payment-velocity", refusals: () => f.keys.get("A")!.refusals });

/** The payload of a 0x0410 request, its fields at their offsets (assembly/signer/commitment.ts). */
const OFF = { number: 32, feerate: 73, toHolder: 77, toCounterparty: 85, n: 93, htlcs: 95 };
const dv = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

interface Attack { name: string; mutate: (p: Uint8Array) => Uint8Array; expect: string }
const attacks: Attack[] = [
  { name: "wrong to_remote: 10 000 sat more to the peer", expect: "policy-routing-deltas-only-htlc", mutate: (p) => {
    const q = Uint8Array.from(p), v = dv(q);
    v.setBigUint64(OFF.toHolder, v.getBigUint64(OFF.toHolder) - 10_000n); v.setBigUint64(OFF.toCounterparty, v.getBigUint64(OFF.toCounterparty) + 10_000n);
    return q;
  } },
  // Described by its outputs, the HTLC's value would be in no output: more than the dust bound.
  { name: "our HTLC missing from the commitment, its value in no output", expect: "policy-commitment-htlc-inflight-limit", mutate: (p) => {
    const q = Uint8Array.from([...p.subarray(0, OFF.htlcs), ...p.subarray(OFF.htlcs + 45)]);
    dv(q).setUint16(OFF.n, dv(p).getUint16(OFF.n) - 1);
    return q;
  } },
  { name: "commitment fee far too high (feerate 10 000 000 sat/kw)", expect: "policy-commitment-fee-range", mutate: (p) => { const q = Uint8Array.from(p); dv(q).setUint32(OFF.feerate, 10_000_000); return q; } },
  { name: "an old state replayed (commitment 0 again, with this content)", expect: "policy-commitment-retry-same", mutate: (p) => { const q = Uint8Array.from(p); dv(q).setBigUint64(OFF.number, 0n); return q; } },
];

let inproc: ScenarioReport, tcp: ScenarioReport, hostile: ScenarioReport;
let fIn: VigilFactory, fTcp: VigilFactory, fHostile: VigilFactory;
const outcomes: { name: string; got: string; digestSame: boolean }[] = [];

beforeAll(async () => {
  await initLdk();
  fIn = vigilFactory({ policy: VELOCITY });
  inproc = await runScenario({ makeKeys: fIn.makeKeys, follow: false, blocked: blocked(fIn) });

  const servers = await serveCores({ A: seedOf("A"), C: seedOf("C") });
  try {
    fTcp = vigilFactory({ policy: VELOCITY, transport: (n) => servers.transport(n) });
    tcp = await runScenario({ makeKeys: fTcp.makeKeys, follow: false, blocked: blocked(fTcp) });
  } finally { for (const k of fTcp?.keys.values() ?? []) k.close(); await servers.close(); }

  // The patched adapter: before the first commitment with an HTLC of A's goes to A's core, it
  // sends each stealing variant first; then the honest request, and the scenario goes on.
  fHostile = vigilFactory({ policy: VELOCITY });
  const makeKeys: typeof fHostile.makeKeys = (name, seed, inc, ctx) => {
    const k = fHostile.makeKeys(name, seed, inc, ctx);
    if (name !== "A" || inc !== 0) return k;
    const s = (k as VigilKeys).signer;
    const honest = s.request.bind(s);
    let done = false;
    s.request = (method: number, payload: Uint8Array = new Uint8Array(0)) => {
      if (method === 0x0410 && !done && dv(payload).getUint16(OFF.n) > 0) {
        done = true;
        for (const a of attacks) {
          const before = Buffer.from(honest(0x0005)).toString("hex");
          let got = "signed";
          try { honest(method, a.mutate(payload)); } catch (e) { got = e instanceof SignerError ? (e.rule || e.codeName) : String(e); }
          outcomes.push({ name: a.name, got, digestSame: Buffer.from(honest(0x0005)).toString("hex") === before });
        }
      }
      return honest(method, payload);
    };
    return k;
  };
  hostile = await runScenario({ makeKeys, follow: false, blocked: blocked(fHostile) });
}, 240_000);

function expectFullRun(r: ScenarioReport, f: VigilFactory) {
  expect(r.failure).toBeNull();
  expect(r.checks.filter((c) => !c.ok)).toEqual([]);
  expect(r.ok).toBe(true);
  expect(r.callbackErrors).toEqual([]);
  // Every broadcast tx (fundings, close, commitment, HTLC-timeout, sweeps) passed the script interpreter.
  expect(r.invalid).toEqual([]);
  expect(r.broadcasts.filter((b) => b.status === "accepted").length).toBeGreaterThanOrEqual(9);
  expect(r.chain.verifiedInputs.p2wsh).toBeGreaterThanOrEqual(5);
  // A signed through its core before and after the restart; the only refusal is the velocity limit.
  expect(f.incarnations.get("A")!.length).toBe(2);
  const refusals = [...f.incarnations.values()].flat().flatMap((k) => k.refusals);
  expect(refusals.map((x) => `${x.method}:${x.rule}`)).toEqual(["sign_counterparty_commitment:policy-commitment-payment-velocity"]);
  expect(f.incarnations.get("C")![0].roundTrips()).toBeGreaterThan(20);
}

describe("LDK A—B—C with A and C signing through Vigil", () => {
  it("in-process: every step, all balances to the msat, every tx valid, the over-limit payment refused", () => {
    expect(inproc.steps.map((s) => s.name)).toContain("A tries to pay B 60 000 sat: refused by A's signer");
    expectFullRun(inproc, fIn);
    expect(inproc.payments.every((p) => p.settled && p.feeMsat === 1000n)).toBe(true);
  });

  it("remote over TCP (vigil serve + worker/Atomics bridge): the same run", () => {
    expectFullRun(tcp, fTcp);
    expect(tcp.checks.map((c) => c.actual)).toEqual(inproc.checks.map((c) => c.actual));
  });

  it("a hostile adapter's stealing commitments are refused with their rule ids, nothing changes, and the honest path goes on", () => {
    expect(outcomes.map((o) => o.name)).toEqual(attacks.map((a) => a.name));
    for (let i = 0; i < attacks.length; i++) {
      expect(attacks[i].expect.split("|")).toContain(outcomes[i].got);
      expect(outcomes[i].digestSame).toBe(true);
    }
    expectFullRun(hostile, fHostile);
  });
});
