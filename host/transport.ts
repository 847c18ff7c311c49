// Transports carry request frames to a core and reply frames back. The
// synchronous interface is what LDK's callbacks need; remote transports
// (serial, TCP) implement it with a worker thread and Atomics.wait.
import { Core } from "./core/core.js";

export interface Transport {
  /** Send one request frame and return its reply frame. */
  roundTrip(frame: Uint8Array): Uint8Array;
  close(): void;
}

/** The core in this process. */
export class InProcessTransport implements Transport {
  constructor(readonly core: Core = new Core()) {}
  roundTrip(frame: Uint8Array): Uint8Array { return this.core.call(frame); }
  close(): void {}
}
