// Synchronous calls to an asynchronous link (TCP, serial): LDK calls its signer
// synchronously, so the main thread parks on Atomics.wait while a worker
// thread does the I/O. Shared memory: ctrl[0] state, ctrl[1] length, then the
// frame bytes. A timeout or a dead link becomes a TransportError for the
// caller to turn into an LDK Err (never an exception inside an LDK callback).
import { Worker } from "node:worker_threads";
import { Transport } from "../transport.js";

export class TransportError extends Error {}

export const State = { IDLE: 0, REQUEST: 1, REPLY: 2, FAILED: 3, CLOSE: 4 } as const;
export const HEADER = 8;

export type LinkSpec = { kind: "tcp"; host: string; port: number } | { kind: "serial"; path: string; baudRate?: number };

export interface BridgeOptions {
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /** For the link to come up (default 15 s: a worker starts, a device may reset). */
  connectTimeoutMs?: number;
  maxFrame?: number;
}

export class SyncBridgeTransport implements Transport {
  private readonly sab: SharedArrayBuffer;
  private readonly ctrl: Int32Array;
  private readonly data: Uint8Array;
  private readonly worker: Worker;
  private closed = false;
  readonly timeoutMs: number;
  roundTrips = 0;

  constructor(link: LinkSpec, opts: BridgeOptions = {}) {
    const maxFrame = opts.maxFrame ?? 1 << 20;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.sab = new SharedArrayBuffer(HEADER + maxFrame);
    this.ctrl = new Int32Array(this.sab, 0, 2);
    this.data = new Uint8Array(this.sab, HEADER);
    const fromTs = import.meta.url.endsWith(".ts");
    const url = new URL(fromTs ? "./worker.ts" : "./worker.js", import.meta.url);
    // Under tsx (tests, demo) the worker registers tsx itself before loading the TS module.
    this.worker = fromTs
      ? new Worker(`import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`, { eval: true, workerData: { sab: this.sab, link } })
      : new Worker(url, { workerData: { sab: this.sab, link } });
    this.worker.unref();
    // Wait until the link is up (the worker answers the first state change).
    const connectMs = opts.connectTimeoutMs ?? 15_000;
    const r = Atomics.wait(this.ctrl, 0, State.IDLE, connectMs);
    if (r === "timed-out" || Atomics.load(this.ctrl, 0) !== State.REPLY) {
      const msg = this.failure() ?? `signer link did not come up within ${connectMs} ms`;
      this.close();
      throw new TransportError(msg);
    }
    Atomics.store(this.ctrl, 0, State.IDLE);
  }

  private failure(): string | null {
    if (Atomics.load(this.ctrl, 0) !== State.FAILED) return null;
    const n = Atomics.load(this.ctrl, 1);
    return new TextDecoder().decode(this.data.slice(0, n));
  }

  roundTrip(frame: Uint8Array): Uint8Array {
    if (this.closed) throw new TransportError("signer link closed");
    if (frame.length > this.data.length) throw new TransportError("request larger than the link's frame limit");
    this.data.set(frame);
    Atomics.store(this.ctrl, 1, frame.length);
    Atomics.store(this.ctrl, 0, State.REQUEST);
    Atomics.notify(this.ctrl, 0);
    const r = Atomics.wait(this.ctrl, 0, State.REQUEST, this.timeoutMs);
    if (r === "timed-out") {
      this.close();
      throw new TransportError(`signer did not answer within ${this.timeoutMs} ms`);
    }
    const st = Atomics.load(this.ctrl, 0);
    if (st !== State.REPLY) {
      const msg = this.failure() ?? "signer link failed";
      this.close();
      throw new TransportError(msg);
    }
    const n = Atomics.load(this.ctrl, 1);
    const out = this.data.slice(0, n);
    Atomics.store(this.ctrl, 0, State.IDLE);
    this.roundTrips++;
    return out;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.ctrl, 0, State.CLOSE);
    Atomics.notify(this.ctrl, 0);
    void this.worker.terminate();
  }
}

/** The signer behind `vigil serve` (u32 length + frame over TCP). */
export function tcpTransport(host: string, port: number, opts?: BridgeOptions) {
  return new SyncBridgeTransport({ kind: "tcp", host, port }, opts);
}
