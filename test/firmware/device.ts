// A device process (linux-sim, or a board in qemu) driven frame by frame over
// its stdio with the serial framing (host/serial/framing.ts). Unlike
// SerialLink it never retries: a request answers null when the process dies
// first (the power-loss test cuts power on purpose), and it reads the raw
// stats payload (the bench needs the board's instruction counters).
import { spawn, ChildProcess } from "node:child_process";
import { encodeFrame, FrameDecoder, Kind, MAGIC_REP, MAGIC_REQ, Frame } from "../../host/serial/framing.js";

export class Device {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  stderr = "";
  /** The last bytes of stdout, frames or not (a board's boot message). */
  raw = "";
  private decoder = new FrameDecoder(MAGIC_REP);
  private frames: Frame[] = [];
  private wake: (() => void) | null = null;
  private seq = 1;
  private gone = false;

  constructor(command: string, args: string[], cwd?: string) {
    this.child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"], cwd });
    this.child.stdout!.on("data", (d: Buffer) => {
      this.raw = (this.raw + d.toString("latin1")).slice(-200);
      this.frames.push(...this.decoder.push(new Uint8Array(d)));
      this.wake?.();
    });
    this.child.stderr!.on("data", (d: Buffer) => { this.stderr += d.toString(); });
    this.child.stdin!.on("error", () => { /* the device died: reported through `exited` */ });
    this.exited = new Promise((resolve) => this.child.on("exit", (code, signal) => { this.gone = true; this.wake?.(); resolve({ code, signal }); }));
  }

  /** One exchange; null when the process exits (or `timeoutMs` passes) before the answer. */
  async exchange(kind: number, payload: Uint8Array, replyKind: number, timeoutMs = 60_000): Promise<Uint8Array | null> {
    const seq = this.seq++;
    if (this.gone) return null;
    this.child.stdin!.write(encodeFrame(MAGIC_REQ, kind, seq, payload));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.frames.findIndex((f) => f.seq === seq && f.kind === replyKind);
      if (i >= 0) return this.frames.splice(i, 1)[0].payload;
      if (this.gone || Date.now() > deadline) return null;
      await new Promise<void>((r) => { this.wake = r; setTimeout(r, 50); });
      this.wake = null;
    }
  }

  request(frame: Uint8Array, timeoutMs?: number) { return this.exchange(Kind.REQUEST, frame, Kind.REPLY, timeoutMs); }
  stats() { return this.exchange(Kind.STATS, new Uint8Array(0), Kind.STATS_REPLY); }
  /** Hello, repeated until answered: a UART drops what arrives before the firmware enables it. */
  async hello(timeoutMs = 60_000): Promise<string | null> {
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline && !this.gone;) {
      const p = await this.exchange(Kind.HELLO, new Uint8Array(0), Kind.HELLO_REPLY, 1000);
      if (p) return new TextDecoder().decode(p.subarray(3, 3 + p[2]));
    }
    return null;
  }

  /** End of input, then wait for the exit (killed after `ms`). */
  async close(ms = 5000) {
    if (!this.gone) this.child.stdin!.end();
    const t = setTimeout(() => this.child.kill(), ms);
    const r = await this.exited;
    clearTimeout(t);
    return r;
  }
  kill() { this.child.kill(); return this.exited; }
}
