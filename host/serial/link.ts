// Host end of the serial link: requests with a sequence number, retried with
// the same number on timeout or NACK (the device answers a retry from its
// reply cache, never executing twice), a hello handshake, and clear errors
// for a device that is gone or speaks another framing version.
import { FrameDecoder, Kind, MAGIC_REP, MAGIC_REQ, encodeFrame } from "./framing.js";

export interface ByteStream {
  write(bytes: Uint8Array): void;
  onData(cb: (bytes: Uint8Array) => void): void;
  onClose(cb: (why: string) => void): void;
  close(): void;
}

export class SerialLinkError extends Error {}

export interface LinkOptions { timeoutMs?: number; retries?: number; firstSeq?: number }

export interface Hello { framing: number; protocol: number; engine: string; maxPayload: number }

export const FRAMING_VERSION = 1;

export class SerialLink {
  private decoder = new FrameDecoder(MAGIC_REP);
  private seq: number;
  private waiting: { seq: number; kinds: number[]; resolve: (f: Uint8Array) => void; nack: () => void } | null = null;
  private closedWhy: string | null = null;
  readonly timeoutMs: number;
  readonly retries: number;
  stats = { sent: 0, retries: 0, nacks: 0, stray: 0 };

  constructor(readonly stream: ByteStream, opts: LinkOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.retries = opts.retries ?? 8;
    this.seq = opts.firstSeq ?? ((Date.now() & 0x7fffffff) >>> 0 || 1);
    stream.onData((b) => this.onBytes(b));
    stream.onClose((why) => { this.closedWhy = why; });
  }

  private onBytes(b: Uint8Array) { this.onFrames(this.decoder.push(b)); }

  private onFrames(frames: Array<{ kind: number; seq: number; payload: Uint8Array }>) {
    for (const f of frames) {
      const w = this.waiting;
      if (w && f.seq === w.seq && w.kinds.includes(f.kind)) { this.waiting = null; w.resolve(f.payload); }
      else if (w && f.kind === Kind.NACK) { this.stats.nacks++; w.nack(); }
      else this.stats.stray++; // a duplicate reply of an earlier retry, or noise
    }
  }

  /** One exchange: resend the same frame on timeout or NACK, up to `retries` times. */
  private exchange(kind: number, payload: Uint8Array, replyKinds: number[]): Promise<Uint8Array> {
    const seq = this.seq = (this.seq + 1) >>> 0 || 1;
    const frame = encodeFrame(MAGIC_REQ, kind, seq, payload);
    return new Promise((resolve, reject) => {
      let tries = 0, done = false;
      let timer: NodeJS.Timeout | null = null;
      const send = () => {
        if (done) return;
        if (this.closedWhy !== null) { this.waiting = null; reject(new SerialLinkError(`device gone: ${this.closedWhy}`)); return; }
        if (tries++ > this.retries) { done = true; this.waiting = null; reject(new SerialLinkError(`no answer after ${this.retries} retries`)); return; }
        if (tries > 1) { this.stats.retries++; this.onFrames(this.decoder.nudge()); }
        this.stats.sent++;
        this.stream.write(frame);
        if (timer) clearTimeout(timer);
        timer = setTimeout(send, this.timeoutMs);
      };
      let lastNack = 0;
      this.waiting = {
        seq, kinds: replyKinds,
        resolve: (p) => { done = true; if (timer) clearTimeout(timer); resolve(p); },
        // several NACKs can answer one damaged burst: resend at most once per 20 ms
        nack: () => { const t = Date.now(); if (t - lastNack > 20) { lastNack = t; send(); } },
      };
      send();
    });
  }

  async hello(): Promise<Hello> {
    const p = await this.exchange(Kind.HELLO, new Uint8Array(0), [Kind.HELLO_REPLY]);
    if (p.length < 3 || p[0] !== FRAMING_VERSION) throw new SerialLinkError(`device speaks framing version ${p[0]}, not ${FRAMING_VERSION}`);
    const el = p[2];
    const engine = new TextDecoder().decode(p.subarray(3, 3 + el));
    const maxPayload = new DataView(p.buffer, p.byteOffset + 3 + el, 4).getUint32(0);
    return { framing: p[0], protocol: p[1], engine, maxPayload };
  }

  /** Device counters: requests executed, NACKs sent, replies replayed from the cache. */
  async deviceStats(): Promise<{ executed: number; nacks: number; replays: number; heapBytes: number; wasmPages: number }> {
    const p = await this.exchange(Kind.STATS, new Uint8Array(0), [Kind.STATS_REPLY]);
    const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
    const at = (o: number) => (p.length >= o + 4 ? v.getUint32(o) : 0);
    return { executed: at(0), nacks: at(4), replays: at(8), heapBytes: at(12), wasmPages: at(16) };
  }

  /** A request frame (docs/protocol.md envelope) in, its reply frame out. */
  request(frame: Uint8Array): Promise<Uint8Array> {
    return this.exchange(Kind.REQUEST, frame, [Kind.REPLY]);
  }

  close() { this.stream.close(); }
}

/** A ByteStream over a child process's stdin/stdout (linux-sim, or qemu with -serial stdio). */
export function childStream(child: import("node:child_process").ChildProcess): ByteStream {
  const closers: Array<(why: string) => void> = [];
  child.on("exit", (code, sig) => closers.forEach((c) => c(`exited (${code ?? sig})`)));
  return {
    write: (b) => { child.stdin!.write(b); },
    onData: (cb) => child.stdout!.on("data", (d: Buffer) => cb(new Uint8Array(d))),
    onClose: (cb) => closers.push(cb),
    close: () => { child.stdin!.end(); child.kill(); },
  };
}
