// Durable signer state as versioned records (assembly/signer/persist.ts).
// A store applies one batch atomically: after a crash it holds either the
// whole batch or none of it. Backends: memory (tests), file (host/state/file.ts
// with the persistence issue), device flash (firmware/storage).
export interface StateRecord { key: string; version: bigint; deleted: boolean; value: Uint8Array }

export interface StateStore {
  /** Apply a batch atomically; resolves only once it is durable. */
  commit(stateVersion: bigint, records: StateRecord[]): void;
  /** Every live record and the state version of the last commit. */
  load(): { stateVersion: bigint; records: StateRecord[] };
}

export class MemoryStore implements StateStore {
  private records = new Map<string, StateRecord>();
  private version = 0n;
  commits = 0;
  commit(stateVersion: bigint, records: StateRecord[]): void {
    const next = new Map(this.records);
    for (const r of records) {
      const old = next.get(r.key);
      if (old && old.version > r.version) throw new Error(`state store: record ${r.key} would go back from ${old.version} to ${r.version}`);
      if (r.deleted) next.delete(r.key); else next.set(r.key, { ...r, value: Uint8Array.from(r.value) });
    }
    this.records = next;
    this.version = stateVersion;
    this.commits++;
  }
  load() { return { stateVersion: this.version, records: [...this.records.values()] }; }
}
