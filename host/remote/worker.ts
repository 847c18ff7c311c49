// Worker side of SyncBridgeTransport: waits for a request in shared memory,
// sends it over the link, writes the reply back and wakes the main thread.
import { workerData } from "node:worker_threads";
import net from "node:net";
import { HEADER, LinkSpec, State } from "./bridge.js";

// Atomics.waitAsync is in Node 20 but not in the ES2022 lib typings.
const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number): { async: boolean; value: Promise<string> | string } }).waitAsync;

const { sab, link } = workerData as { sab: SharedArrayBuffer; link: LinkSpec };
const ctrl = new Int32Array(sab, 0, 2);
const data = new Uint8Array(sab, HEADER);

function fail(msg: string) {
  const b = new TextEncoder().encode(msg).subarray(0, data.length);
  data.set(b);
  Atomics.store(ctrl, 1, b.length);
  Atomics.store(ctrl, 0, State.FAILED);
  Atomics.notify(ctrl, 0);
}

function reply(frame: Uint8Array) {
  if (frame.length > data.length) return fail("reply larger than the frame limit");
  data.set(frame);
  Atomics.store(ctrl, 1, frame.length);
  Atomics.store(ctrl, 0, State.REPLY);
  Atomics.notify(ctrl, 0);
}

interface Link { send(frame: Uint8Array): void; onFrame(cb: (f: Uint8Array) => void): void; onError(cb: (e: string) => void): void }

function tcp(spec: { host: string; port: number }): Promise<Link> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: spec.host, port: spec.port, noDelay: true });
    let buf = Buffer.alloc(0);
    let frameCb: (f: Uint8Array) => void = () => {};
    let errCb: (e: string) => void = () => {};
    sock.on("data", (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
        const n = buf.readUInt32BE(0);
        frameCb(new Uint8Array(buf.subarray(4, 4 + n)));
        buf = buf.subarray(4 + n);
      }
    });
    sock.once("connect", () => resolve({
      send(frame) { const h = Buffer.alloc(4); h.writeUInt32BE(frame.length); sock.write(Buffer.concat([h, frame])); },
      onFrame(cb) { frameCb = cb; },
      onError(cb) { errCb = cb; },
    }));
    sock.on("error", (e) => { reject(e); errCb(`signer link error: ${e.message}`); });
    sock.on("close", () => errCb("signer closed the connection"));
  });
}

async function main() {
  let l: Link;
  try {
    if (link.kind !== "tcp") throw new Error(`link kind ${link.kind} is not handled by this worker`);
    l = await tcp(link);
  } catch (e) {
    return fail(`cannot reach the signer: ${(e as Error).message}`);
  }
  let inFlight = false;
  l.onFrame((f) => { inFlight = false; reply(f); });
  l.onError((e) => { inFlight = false; fail(e); });
  reply(new Uint8Array(0)); // link up
  for (;;) {
    const st = Atomics.load(ctrl, 0);
    if (st === State.CLOSE) return process.exit(0);
    if (st === State.REQUEST && !inFlight) {
      inFlight = true;
      l.send(data.slice(0, Atomics.load(ctrl, 1)));
    }
    // sleep until the main thread (or our own reply) changes the state
    const w = waitAsync(ctrl, 0, st);
    if (w.async) await w.value;
  }
}
void main();
