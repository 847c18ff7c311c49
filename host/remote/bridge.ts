// Synchronous calls to an asynchronous link (TCP, serial): LDK calls its signer
// synchronously, so the main thread parks on Atomics.wait while a worker
// thread does the I/O. Shared memory: ctrl[0] state, ctrl[1] length, then the
// frame bytes. A timeout or a dead link becomes a TransportError for the
// caller to turn into an LDK Err (never an exception inside an LDK callback).
import { AtomicsBridge } from "./atomics.js";
import { Transport } from "../transport.js";

export { TransportError, State, HEADER } from "./atomics.js";

export type LinkSpec = { kind: "tcp"; host: string; port: number } | { kind: "serial"; path: string; baudRate?: number };

export interface BridgeOptions {
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /** For the link to come up (default 15 s: a worker starts, a device may reset). */
  connectTimeoutMs?: number;
  maxFrame?: number;
}

export class SyncBridgeTransport implements Transport {
  private readonly bridge: AtomicsBridge;
  readonly timeoutMs: number;
  roundTrips = 0;

  constructor(link: LinkSpec, opts: BridgeOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    const url = new URL(import.meta.url.endsWith(".ts") ? "./worker.ts" : "./worker.js", import.meta.url);
    this.bridge = new AtomicsBridge(url, { link }, opts.maxFrame ?? 1 << 20, opts.connectTimeoutMs ?? 15_000, "signer link");
  }

  roundTrip(frame: Uint8Array): Uint8Array {
    const out = this.bridge.call(frame, this.timeoutMs);
    this.roundTrips++;
    return out;
  }

  close(): void { this.bridge.close(); }
}

/** The signer behind `vigil serve` (u32 length + frame over TCP). */
export function tcpTransport(host: string, port: number, opts?: BridgeOptions) {
  return new SyncBridgeTransport({ kind: "tcp", host, port }, opts);
}
