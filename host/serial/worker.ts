// Worker side of SerialTransport: owns the device and a SerialLink.
import { workerData } from "node:worker_threads";
import { spawn, execFileSync } from "node:child_process";
import { createReadStream, createWriteStream, openSync } from "node:fs";
import { HEADER, State } from "../remote/bridge.js";
import { ByteStream, SerialLink, childStream } from "./link.js";
import type { SerialDevice } from "./transport.js";

const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number): { async: boolean; value: Promise<string> | string } }).waitAsync;
const { sab, device, retryMs, retries } = workerData as { sab: SharedArrayBuffer; device: SerialDevice; retryMs: number; retries: number };
const ctrl = new Int32Array(sab, 0, 2);
const data = new Uint8Array(sab, HEADER);

function post(state: number, b: Uint8Array) {
  const n = Math.min(b.length, data.length);
  data.set(b.subarray(0, n));
  Atomics.store(ctrl, 1, n);
  Atomics.store(ctrl, 0, state);
  Atomics.notify(ctrl, 0);
}
const fail = (msg: string) => post(State.FAILED, new TextEncoder().encode(msg));

/** A tty (USART, pty) in raw mode, 8N1, no echo. */
function ttyStream(path: string): ByteStream {
  execFileSync("stty", ["-F", path, "raw", "-echo", "-ixon", "-icrnl", "-opost"]);
  const fd = openSync(path, "r+");
  const rd = createReadStream("", { fd, autoClose: false });
  const wr = createWriteStream("", { fd, autoClose: false });
  const closers: Array<(w: string) => void> = [];
  rd.on("error", (e) => closers.forEach((c) => c(e.message)));
  rd.on("end", () => closers.forEach((c) => c("end of file")));
  return {
    write: (b) => { wr.write(b); },
    onData: (cb) => rd.on("data", (d) => cb(new Uint8Array(d as Buffer))),
    onClose: (cb) => closers.push(cb),
    close: () => { rd.destroy(); wr.destroy(); },
  };
}

async function main() {
  let link: SerialLink;
  try {
    const stream = device.kind === "tty" ? ttyStream(device.path)
      : childStream(spawn(device.command, device.args ?? [], { stdio: ["pipe", "pipe", "inherit"] }));
    link = new SerialLink(stream, { timeoutMs: retryMs, retries });
    const hello = await link.hello();
    if (hello.protocol !== 1) throw new Error(`device speaks protocol version ${hello.protocol}, not 1`);
    post(State.REPLY, new TextEncoder().encode(JSON.stringify(hello)));
  } catch (e) {
    return fail(`serial device: ${(e as Error).message}`);
  }
  for (;;) {
    const st = Atomics.load(ctrl, 0);
    if (st === State.CLOSE) { link.close(); return process.exit(0); }
    if (st === State.REQUEST) {
      try {
        post(State.REPLY, await link.request(data.slice(0, Atomics.load(ctrl, 1))));
      } catch (e) {
        fail((e as Error).message);
      }
      continue;
    }
    const w = waitAsync(ctrl, 0, st);
    if (w.async) await w.value;
  }
}
void main();
