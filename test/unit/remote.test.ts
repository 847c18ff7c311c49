// The remote transport: a signer served by `vigil serve` in another process,
// reached synchronously from this thread (as LDK's callbacks need) through the
// worker + Atomics bridge. Replies are byte-identical to the in-process core's;
// a dead or silent signer becomes a TransportError within the timeout.
import { describe, it, expect, afterAll } from "vitest";
import { spawn, ChildProcess, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import net from "node:net";
import { Signer } from "../../host/signer.js";
import { tcpTransport, TransportError } from "../../host/remote/bridge.js";
import { InProcessTransport } from "../../host/transport.js";
import { encodeRequest, Method } from "../../host/protocol/envelope.js";
import { hex } from "../helpers.js";

const children: ChildProcess[] = [];
afterAll(() => children.forEach((c) => c.kill("SIGKILL")));

async function serve(dir: string): Promise<number> {
  const c = spawn("node", ["bin/vigil.mjs", "serve", "--data-dir", dir, "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  children.push(c);
  return new Promise((resolve, reject) => {
    let out = "";
    c.stdout!.on("data", (d) => { out += d; const m = /on 127\.0\.0\.1:(\d+)/.exec(out); if (m) resolve(Number(m[1])); });
    c.once("exit", (code) => reject(new Error(`serve exited ${code}`)));
  });
}

describe("remote transport (TCP)", () => {
  it("answers like the in-process core, byte for byte, over 300 round trips", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vigil-remote-"));
    execFileSync("node", ["bin/vigil.mjs", "init", "--data-dir", dir, "--yes"]);
    const port = await serve(dir);
    const t = tcpTransport("127.0.0.1", port, { timeoutMs: 5000 });
    const remote = new Signer(t);
    const local = new Signer(new InProcessTransport());
    local.init({ secret: Buffer.from(readFileSync(join(dir, "seed"), "utf8").trim(), "hex") });
    expect(hex(remote.nodeId())).toBe(hex(local.nodeId()));
    for (let i = 0; i < 300; i++) {
      const frame = encodeRequest(i + 1, i % 3 === 0 ? Method.PING : i % 3 === 1 ? Method.GET_NODE_ID : 0x7777, i % 3 === 0 ? Uint8Array.of(1, i & 0xff) : new Uint8Array(0));
      expect(hex(t.roundTrip(frame))).toBe(hex(local.transport.roundTrip(frame)));
    }
    expect(t.roundTrips).toBeGreaterThanOrEqual(300);
    t.close();
  });

  it("a signer that never answers is a TransportError after the timeout; one that is gone fails at connect", async () => {
    const silent = net.createServer(() => {}).listen(0, "127.0.0.1");
    await new Promise((r) => silent.once("listening", r));
    const { port } = silent.address() as net.AddressInfo;
    // the bridge blocks this thread, so the silent server runs in a child process
    silent.close();
    const c = spawn("node", ["-e", `require("net").createServer(()=>{}).listen(${port},"127.0.0.1",()=>console.log("up"))`], { stdio: ["ignore", "pipe", "inherit"] });
    children.push(c);
    await new Promise((r) => c.stdout!.once("data", r));
    const t = tcpTransport("127.0.0.1", port, { timeoutMs: 300 });
    const t0 = Date.now();
    expect(() => t.roundTrip(encodeRequest(1, Method.PING, Uint8Array.of(0)))).toThrow(TransportError);
    expect(Date.now() - t0).toBeLessThan(3000);
    c.kill("SIGKILL");
    expect(() => tcpTransport("127.0.0.1", port, { timeoutMs: 2000 })).toThrow(/cannot reach the signer/);
  });
});
