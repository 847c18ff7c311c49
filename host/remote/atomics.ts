// The main-thread half of a synchronous call over an asynchronous link: LDK
// calls its signer synchronously, so the caller parks on Atomics.wait while a
// worker thread (host/remote/worker.ts, host/serial/worker.ts) does the I/O.
// Shared memory: ctrl[0] state, ctrl[1] length, then the frame bytes. A
// timeout or a dead link becomes a TransportError.
import { Worker } from "node:worker_threads";

export class TransportError extends Error {}

export const State = { IDLE: 0, REQUEST: 1, REPLY: 2, FAILED: 3, CLOSE: 4 } as const;
export const HEADER = 8;

export class AtomicsBridge {
  private readonly ctrl: Int32Array;
  private readonly data: Uint8Array;
  private readonly worker: Worker;
  private closed = false;
  /** What the worker answered when the link came up (e.g. a device's hello). */
  readonly first: Uint8Array;

  /**
   * Start the worker module `url` (a .ts one under tsx registers tsx first) with
   * `workerData` plus the shared buffer, and wait `connectMs` for the link.
   */
  constructor(url: URL, workerData: Record<string, unknown>, maxFrame: number, connectMs: number, readonly what: string) {
    const sab = new SharedArrayBuffer(HEADER + maxFrame);
    this.ctrl = new Int32Array(sab, 0, 2);
    this.data = new Uint8Array(sab, HEADER);
    const wd = { ...workerData, sab };
    this.worker = url.pathname.endsWith(".ts")
      ? new Worker(`import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`, { eval: true, workerData: wd })
      : new Worker(url, { workerData: wd });
    this.worker.unref();
    const r = Atomics.wait(this.ctrl, 0, State.IDLE, connectMs);
    if (r === "timed-out" || Atomics.load(this.ctrl, 0) !== State.REPLY) {
      const msg = this.failure() ?? `${what} did not come up within ${connectMs} ms`;
      this.close();
      throw new TransportError(msg);
    }
    this.first = this.data.slice(0, Atomics.load(this.ctrl, 1));
    Atomics.store(this.ctrl, 0, State.IDLE);
  }

  private failure(): string | null {
    if (Atomics.load(this.ctrl, 0) !== State.FAILED) return null;
    return new TextDecoder().decode(this.data.slice(0, Atomics.load(this.ctrl, 1)));
  }

  /** One request/reply, waiting at most `timeoutMs`. */
  call(frame: Uint8Array, timeoutMs: number): Uint8Array {
    if (this.closed) throw new TransportError(`${this.what} closed`);
    if (frame.length > this.data.length) throw new TransportError("request larger than the link's frame limit");
    this.data.set(frame);
    Atomics.store(this.ctrl, 1, frame.length);
    Atomics.store(this.ctrl, 0, State.REQUEST);
    Atomics.notify(this.ctrl, 0);
    const r = Atomics.wait(this.ctrl, 0, State.REQUEST, timeoutMs);
    if (r === "timed-out") { this.close(); throw new TransportError(`${this.what} did not answer within ${timeoutMs} ms`); }
    if (Atomics.load(this.ctrl, 0) !== State.REPLY) {
      const msg = this.failure() ?? `${this.what} failed`;
      this.close();
      throw new TransportError(msg);
    }
    const out = this.data.slice(0, Atomics.load(this.ctrl, 1));
    Atomics.store(this.ctrl, 0, State.IDLE);
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
