// The same conformance tests for every state store backend, plus crash
// injection between the file store's steps: a reopened store holds the old or
// the new version, never a torn one, and a corrupted file is refused loudly.
import { describe, it, expect } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryStore, StateRecord, StateStore } from "../../host/state/store.js";
import { FileStore } from "../../host/state/file.js";
import { Signer } from "../../host/signer.js";
import { InProcessTransport } from "../../host/transport.js";
import { Core } from "../../host/core/core.js";
import { channelId, setup } from "../policy/fixtures.js";
import { hex } from "../helpers.js";

const rec = (key: string, version: bigint, v: number[], deleted = false): StateRecord => ({ key, version, deleted, value: Uint8Array.from(v) });
const backends: Array<[string, () => StateStore, (s: StateStore) => StateStore]> = [
  ["memory", () => new MemoryStore(), (s) => s],
  ["file", () => new FileStore(join(mkdtempSync(join(tmpdir(), "vigil-store-")), "state.bin")), (s) => new FileStore((s as FileStore).path)],
];

for (const [name, make, reopen] of backends) {
  describe(`state store: ${name}`, () => {
    it("commits batches, deletes, survives a reopen", () => {
      const s = make();
      s.commit(1n, [rec("a", 1n, [1]), rec("b", 1n, [2])]);
      s.commit(2n, [rec("a", 2n, [3]), rec("b", 2n, [], true), rec("c", 2n, [4, 5])]);
      const r = reopen(s).load();
      expect(r.stateVersion).toBe(2n);
      expect(r.records.map((x) => [x.key, x.version, [...x.value]]).sort()).toEqual([["a", 2n, [3]], ["c", 2n, [4, 5]]]);
    });
    it("refuses a record going back in version, keeping the old state", () => {
      const s = make();
      s.commit(5n, [rec("a", 5n, [1])]);
      expect(() => s.commit(6n, [rec("b", 6n, [1]), rec("a", 4n, [9])])).toThrow(/go back/);
      expect(reopen(s).load().records.map((x) => x.key)).toEqual(["a"]);
    });
    it("a signer restarted on the store continues where it was", () => {
      const store = make();
      const a = new Signer(new InProcessTransport(new Core(), store));
      a.start({ secret: new Uint8Array(32).fill(0x71) });
      a.newChannel(channelId(1), 1_000_000n);
      a.readyChannel(setup(1));
      const b = new Signer(new InProcessTransport(new Core(), reopen(store)));
      b.start({ secret: new Uint8Array(32).fill(0x71) });
      expect(hex(b.stateDigest())).toBe(hex(a.stateDigest()));
    });
  });
}

describe("file store crash points", () => {
  for (const step of ["tmp-written", "tmp-synced", "renamed"] as const) {
    it(`a crash at ${step} leaves the old or the new version`, () => {
      const path = join(mkdtempSync(join(tmpdir(), "vigil-crash-")), "state.bin");
      const s = new FileStore(path);
      s.commit(1n, [rec("a", 1n, [1])]);
      s.onStep = (x) => { if (x === step) throw new Error("power cut"); };
      expect(() => s.commit(2n, [rec("a", 2n, [2])])).toThrow("power cut");
      const r = new FileStore(path).load();
      expect(r.stateVersion).toBe(step === "renamed" ? 2n : 1n);
      expect([...r.records[0].value]).toEqual(step === "renamed" ? [2] : [1]);
    });
  }
  it("a flipped bit or a truncated file is refused, never silently loaded", () => {
    const path = join(mkdtempSync(join(tmpdir(), "vigil-bad-")), "state.bin");
    new FileStore(path).commit(1n, [rec("a", 1n, [1, 2, 3])]);
    const good = readFileSync(path);
    const flipped = Buffer.from(good); flipped[20] ^= 4;
    writeFileSync(path, flipped);
    expect(() => new FileStore(path)).toThrow(/checksum/);
    writeFileSync(path, good.subarray(0, 30));
    expect(() => new FileStore(path)).toThrow(/truncated|checksum/);
  });
});
