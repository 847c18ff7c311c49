// Write-ahead state (docs/protocol.md §State): records are durable before a
// state-changing reply is released; a crash at any point between those steps
// recovers to a signer that answers the retried request the same way.
import { describe, it, expect } from "vitest";
import { Core } from "../../host/core/core.js";
import { nobleImports } from "../../host/crypto/noble.js";
import { Signer, Code, SignerError } from "../../host/signer.js";
import { InProcessTransport } from "../../host/transport.js";
import { MemoryStore } from "../../host/state/store.js";
import { Method } from "../../host/protocol/envelope.js";
import { Writer } from "../../host/protocol/codec.js";
import { channelId, setup } from "../policy/fixtures.js";
import { hex } from "../helpers.js";

const SECRET = new Uint8Array(32).fill(0x61);
const open = (store: MemoryStore, core = new Core()) => {
  const t = new InProcessTransport(core, store);
  const s = new Signer(t);
  s.start({ secret: SECRET, policy: { cltvWindow: 1234 } });
  return { s, t };
};

describe("write-ahead state", () => {
  it("a channel record is in the store before new_channel's reply is released", () => {
    const store = new MemoryStore();
    const { s, t } = open(store);
    let seen: string[] = [];
    t.afterCommit = () => { seen = store.load().records.map((r) => r.key); };
    s.newChannel(channelId(1), 1_000_000n);
    expect(seen).toContain("c/" + hex(channelId(1)));
  });

  it("reads and refusals write nothing", () => {
    const store = new MemoryStore();
    const { s } = open(store);
    s.newChannel(channelId(1), 1_000_000n);
    const n = store.commits;
    s.nodeId(); s.stateDigest(); s.policy();
    try { s.readyChannel(setup(1, { channelType: "legacy" })); } catch (e) { expect((e as SignerError).code).toBe(Code.POLICY); }
    expect(store.commits).toBe(n);
  });

  it("a crash after the commit and before the reply: a restarted signer answers the retry identically", () => {
    const store = new MemoryStore();
    const a = open(store);
    a.s.newChannel(channelId(1), 1_000_000n);
    a.t.afterCommit = () => { throw new Error("power cut"); };
    expect(() => a.s.readyChannel(setup(1))).toThrow("power cut");
    const digestBefore = hex(a.s.stateDigest());
    // new process, same store
    const b = open(store);
    expect(hex(b.s.stateDigest())).toBe(digestBefore);
    expect(() => b.s.readyChannel(setup(1))).not.toThrow(); // retry of the same setup is accepted
    expect(hex(b.s.newChannel(channelId(1), 1_000_000n).funding)).toBe(hex(a.s.newChannel(channelId(1), 1_000_000n).funding));
    expect(b.s.policy()).toMatchObject({ cltvWindow: 1234 });
  });

  it("a crash before the commit loses the request, and the retry is then executed afresh", () => {
    const store = new MemoryStore();
    const a = open(store);
    const orig = store.commit.bind(store);
    store.commit = () => { throw new Error("power cut before write"); };
    expect(() => a.s.newChannel(channelId(2), 5n)).toThrow("power cut");
    store.commit = orig;
    const b = open(store);
    expect(() => b.s.readyChannel(setup(2, { channelValueSat: 5n }))).toThrow(/unknown channel/);
    b.s.newChannel(channelId(2), 5n);
    b.s.readyChannel(setup(2, { channelValueSat: 5n }));
  });

  it("forgotten ids survive a restart", () => {
    const store = new MemoryStore();
    const a = open(store);
    a.s.newChannel(channelId(3), 1n);
    a.s.forgetChannel(channelId(3));
    const b = open(store);
    expect(() => b.s.newChannel(channelId(3), 1n)).toThrow(/policy-channel-original-channel-id-reuse/);
  });

  it("a trap restores the instance from the store with every channel", () => {
    let armed = false;
    const core = new Core(undefined, (mem) => {
      const imp = nobleImports(mem);
      return { ...imp, sha256: (...a: number[]) => { if (armed) { armed = false; throw new Error("fault"); } return (imp.sha256 as any)(...a); } };
    });
    const { s } = open(new MemoryStore(), core);
    s.newChannel(channelId(1), 1_000_000n);
    s.readyChannel(setup(1));
    const d = hex(s.stateDigest());
    armed = true;
    expect(() => s.stateDigest()).toThrow(/INTERNAL/);
    expect(core.traps).toBe(1);
    expect(hex(s.stateDigest())).toBe(d);
  });

  it("state_import refuses another node's snapshot, a tampered record and a truncated one, changing nothing", () => {
    const store = new MemoryStore();
    const a = open(store);
    a.s.newChannel(channelId(1), 1_000_000n);
    a.s.readyChannel(setup(1));
    const { stateVersion, records } = store.load();
    const enc = (recs: typeof records) => {
      const w = new Writer().u64(stateVersion).u32(recs.length);
      for (const r of recs) w.varbytes(new TextEncoder().encode(r.key)).u64(r.version).varbytes(r.value);
      return w.finish();
    };
    const other = new Signer();
    other.init({ secret: new Uint8Array(32).fill(0x62) });
    const d0 = hex(other.stateDigest());
    expect(() => other.request(Method.STATE_IMPORT, enc(records))).toThrow(/another node|does not match this seed/);
    const mine = new Signer();
    mine.init({ secret: SECRET });
    const d1 = hex(mine.stateDigest());
    const tampered = records.map((r) => ({ ...r, value: Uint8Array.from(r.value) }));
    const ch = tampered.find((r) => r.key.startsWith("c/"))!;
    ch.value[45] ^= 1; // inside the funding key (fmt 1 + id 32 + value 8 = offset 41)
    expect(() => mine.request(Method.STATE_IMPORT, enc(tampered))).toThrow(/MALFORMED/);
    const full = enc(records);
    for (const cut of [1, 9, 12, 40, full.length - 1]) {
      expect(() => mine.request(Method.STATE_IMPORT, full.subarray(0, cut))).toThrow(/MALFORMED/);
    }
    expect(hex(other.stateDigest())).toBe(d0);
    expect(hex(mine.stateDigest())).toBe(d1);
    mine.request(Method.STATE_IMPORT, full);
    expect(hex(mine.stateDigest())).toBe(hex(a.s.stateDigest()));
  });
});
