// Synchronous Transport (host/transport.ts) over the serial link: LDK's
// callbacks are synchronous, so a worker thread runs SerialLink (framing,
// retries with the same sequence number) and the caller parks on
// Atomics.wait, with the shared-memory protocol of host/remote/bridge.ts.
// Devices: a tty/pty path (a board's USART, qemu `-serial pty`) opened raw,
// or a command whose stdin/stdout is the link (boards/linux-sim, qemu -serial stdio).
import { Worker } from "node:worker_threads";
import { Transport } from "../transport.js";
import { HEADER, State, TransportError } from "../remote/bridge.js";

export type SerialDevice = { kind: "tty"; path: string } | { kind: "command"; command: string; args?: string[] };

export interface SerialOptions {
  /** Per request, retries included (default 20 s). */
  timeoutMs?: number;
  /** Per attempt before a resend with the same sequence number (default 1 s). */
  retryMs?: number;
  retries?: number;
  maxFrame?: number;
}

export class SerialTransport implements Transport {
  private readonly ctrl: Int32Array;
  private readonly data: Uint8Array;
  private readonly worker: Worker;
  private closed = false;
  /** From the handshake: framing version, protocol, engine, max payload. */
  readonly hello: { framing: number; protocol: number; engine: string; maxPayload: number };

  constructor(device: SerialDevice, opts: SerialOptions = {}) {
    const sab = new SharedArrayBuffer(HEADER + (opts.maxFrame ?? 1 << 20));
    this.ctrl = new Int32Array(sab, 0, 2);
    this.data = new Uint8Array(sab, HEADER);
    const timeoutMs = opts.timeoutMs ?? 20_000;
    const wd = { sab, device, retryMs: opts.retryMs ?? 1000, retries: opts.retries ?? 10 };
    const fromTs = import.meta.url.endsWith(".ts");
    const url = new URL(fromTs ? "./worker.ts" : "./worker.js", import.meta.url);
    this.worker = fromTs
      ? new Worker(`import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`, { eval: true, workerData: wd })
      : new Worker(url, { workerData: wd });
    this.worker.unref();
    const r = Atomics.wait(this.ctrl, 0, State.IDLE, timeoutMs);
    if (r === "timed-out" || Atomics.load(this.ctrl, 0) !== State.REPLY) {
      const msg = this.failure() ?? `serial device did not answer the handshake within ${timeoutMs} ms`;
      this.close();
      throw new TransportError(msg);
    }
    this.hello = JSON.parse(new TextDecoder().decode(this.data.slice(0, Atomics.load(this.ctrl, 1))));
    Atomics.store(this.ctrl, 0, State.IDLE);
    this.timeoutMs = timeoutMs;
  }
  private readonly timeoutMs: number;

  private failure(): string | null {
    if (Atomics.load(this.ctrl, 0) !== State.FAILED) return null;
    return new TextDecoder().decode(this.data.slice(0, Atomics.load(this.ctrl, 1)));
  }

  roundTrip(frame: Uint8Array): Uint8Array {
    if (this.closed) throw new TransportError("serial link closed");
    if (frame.length > this.data.length) throw new TransportError("request larger than the link's frame limit");
    this.data.set(frame);
    Atomics.store(this.ctrl, 1, frame.length);
    Atomics.store(this.ctrl, 0, State.REQUEST);
    Atomics.notify(this.ctrl, 0);
    const r = Atomics.wait(this.ctrl, 0, State.REQUEST, this.timeoutMs);
    if (r === "timed-out") { this.close(); throw new TransportError(`device did not answer within ${this.timeoutMs} ms`); }
    if (Atomics.load(this.ctrl, 0) !== State.REPLY) {
      const msg = this.failure() ?? "serial link failed";
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
