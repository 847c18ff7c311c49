// File store for the Node signer: the whole record set in one file, replaced
// atomically (write to a temp file, fsync, rename, fsync the directory), so a
// crash at any point leaves the old or the new version, never a torn one.
// Format: "VIGILST1" | u64 state_version | u32 n | n × (varbytes key | u64 version | varbytes value) | sha256 of all before.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { sha256 } from "@noble/hashes/sha2.js";
import { Reader, Writer } from "../protocol/codec.js";
import { StateRecord, StateStore } from "./store.js";

const MAGIC = new TextEncoder().encode("VIGILST1");

export class FileStoreError extends Error {}

export class FileStore implements StateStore {
  private records = new Map<string, StateRecord>();
  private version = 0n;
  /** Test hook: called with the step name between the steps of a commit (crash injection). */
  onStep: ((step: "tmp-written" | "tmp-synced" | "renamed") => void) | null = null;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    if (existsSync(path)) this.read();
  }

  private read() {
    const buf = new Uint8Array(readFileSync(this.path));
    if (buf.length < MAGIC.length + 12 + 32) throw new FileStoreError(`${this.path}: truncated state file`);
    const body = buf.subarray(0, buf.length - 32);
    if (Buffer.compare(Buffer.from(sha256(body)), Buffer.from(buf.subarray(buf.length - 32))) !== 0) {
      throw new FileStoreError(`${this.path}: state file checksum mismatch`);
    }
    const r = new Reader(body);
    if (Buffer.compare(Buffer.from(r.bytes(MAGIC.length)), Buffer.from(MAGIC)) !== 0) throw new FileStoreError(`${this.path}: not a Vigil state file`);
    this.version = r.u64();
    const n = r.u32();
    for (let i = 0; i < n; i++) {
      const key = new TextDecoder().decode(r.varbytes());
      const version = r.u64();
      this.records.set(key, { key, version, deleted: false, value: r.varbytes() });
    }
    r.finish();
  }

  commit(stateVersion: bigint, batch: StateRecord[]): void {
    const next = new Map(this.records);
    for (const r of batch) {
      const old = next.get(r.key);
      if (old && old.version > r.version) throw new FileStoreError(`record ${r.key} would go back from ${old.version} to ${r.version}`);
      if (r.deleted) next.delete(r.key); else next.set(r.key, { ...r, value: Uint8Array.from(r.value) });
    }
    const w = new Writer().bytes(MAGIC).u64(stateVersion).u32(next.size);
    for (const r of [...next.values()].sort((a, b) => (a.key < b.key ? -1 : 1))) w.varbytes(new TextEncoder().encode(r.key)).u64(r.version).varbytes(r.value);
    const body = w.finish();
    const tmp = this.path + ".tmp";
    const fd = openSync(tmp, "w", 0o600);
    try {
      writeSync(fd, body);
      writeSync(fd, sha256(body));
      this.onStep?.("tmp-written");
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.onStep?.("tmp-synced");
    renameSync(tmp, this.path);
    this.onStep?.("renamed");
    const dfd = openSync(dirname(this.path), "r");
    try { fsyncSync(dfd); } finally { closeSync(dfd); }
    this.records = next;
    this.version = stateVersion;
  }

  load() { return { stateVersion: this.version, records: [...this.records.values()] }; }

  static inDir(dir: string) { return new FileStore(join(dir, "state.bin")); }
}
