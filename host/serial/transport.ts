// Synchronous Transport (host/transport.ts) over the serial link: LDK's
// callbacks are synchronous, so a worker thread runs SerialLink (framing,
// retries with the same sequence number) and the caller parks on
// Atomics.wait (host/remote/atomics.ts).
// Devices: a tty/pty path (a board's USART, qemu `-serial pty`) opened raw,
// or a command whose stdin/stdout is the link (boards/linux-sim, qemu -serial stdio).
import { Transport } from "../transport.js";
import { AtomicsBridge } from "../remote/atomics.js";

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
  private readonly bridge: AtomicsBridge;
  private readonly timeoutMs: number;
  /** From the handshake: framing version, protocol, engine, max payload. */
  readonly hello: { framing: number; protocol: number; engine: string; maxPayload: number };

  constructor(device: SerialDevice, opts: SerialOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 20_000;
    const url = new URL(import.meta.url.endsWith(".ts") ? "./worker.ts" : "./worker.js", import.meta.url);
    this.bridge = new AtomicsBridge(url, { device, retryMs: opts.retryMs ?? 1000, retries: opts.retries ?? 10 }, opts.maxFrame ?? 1 << 20, this.timeoutMs, "serial device");
    this.hello = JSON.parse(new TextDecoder().decode(this.bridge.first));
  }

  roundTrip(frame: Uint8Array): Uint8Array { return this.bridge.call(frame, this.timeoutMs); }

  close(): void { this.bridge.close(); }
}
