// Transports carry request frames to a core and reply frames back. The
// synchronous interface is what LDK's callbacks need; remote transports
// (serial, TCP) implement it with a worker thread and Atomics.wait.
import { Core } from "./core/core.js";
import { Reader, Writer } from "./protocol/codec.js";
import { decodeReply, encodeRequest, Method, Status } from "./protocol/envelope.js";
import { MemoryStore, StateRecord, StateStore } from "./state/store.js";

export interface Transport {
  /** Send one request frame and return its reply frame. */
  roundTrip(frame: Uint8Array): Uint8Array;
  close(): void;
}

/**
 * The core in this process, acting as a software device: it owns the core,
 * the seed (the init request) and the state store. Write-ahead contract: a
 * reply whose status says the state changed is released only after the
 * changed records are durable in the store (docs/protocol.md §State).
 */
export class InProcessTransport implements Transport {
  private initFrame: Uint8Array | null = null;
  private internalId = 0x80000000;
  /** Test hook: called after the records are durable and before the reply is released. */
  afterCommit: (() => void) | null = null;

  constructor(readonly core: Core = new Core(), readonly store: StateStore = new MemoryStore()) {
    core.onRebuild = () => this.restore();
  }

  roundTrip(frame: Uint8Array): Uint8Array {
    const reply = this.core.call(frame);
    if (reply.length > 5 && reply[5] === Status.OK_STATE_CHANGED) {
      if (frame.length >= 7 && ((frame[5] << 8) | frame[6]) === Method.INIT) this.initFrame = Uint8Array.from(frame);
      this.persist();
    }
    return reply;
  }

  private internal(method: number, payload: Uint8Array): Uint8Array {
    const r = decodeReply(this.core.call(encodeRequest(this.internalId++ >>> 0, method, payload)));
    if (!r.ok) throw r.error!;
    return r.body;
  }

  /** Make the dirty records durable, then acknowledge them to the core. */
  private persist() {
    const r = new Reader(this.internal(Method.STATE_EXPORT, Uint8Array.of(0)));
    const version = r.u64();
    const n = r.u32();
    const records: StateRecord[] = [];
    for (let i = 0; i < n; i++) {
      const key = new TextDecoder().decode(r.varbytes());
      const v = r.u64();
      const deleted = r.u8() === 1;
      records.push({ key, version: v, deleted, value: r.varbytes() });
    }
    r.finish();
    this.store.commit(version, records);
    this.afterCommit?.();
    this.internal(Method.STATE_ACK, new Writer().u64(version).finish());
  }

  /**
   * Start on a fresh process: init with `initFrame` (the seed) and, when the
   * store holds state, import it. Returns the reply frame of init.
   */
  resume(initFrame: Uint8Array): void {
    this.initFrame = Uint8Array.from(initFrame);
    if (this.store.load().records.length === 0) {
      const reply = this.roundTrip(initFrame);
      const r = decodeReply(reply);
      if (!r.ok) throw r.error!;
      return;
    }
    this.restore();
  }

  /** After a trap or a restart: a fresh instance gets the seed and the durable records back. */
  private restore() {
    if (!this.initFrame) return;
    const init = decodeReply(this.core.call(this.initFrame));
    if (!init.ok) throw init.error!;
    const { stateVersion, records } = this.store.load();
    const w = new Writer().u64(stateVersion).u32(records.length);
    for (const rec of records) w.varbytes(new TextEncoder().encode(rec.key)).u64(rec.version).varbytes(rec.value);
    this.internal(Method.STATE_IMPORT, w.finish());
    this.internal(Method.STATE_ACK, new Writer().u64(stateVersion).finish());
  }

  close(): void {}
}
