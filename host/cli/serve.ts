// `vigil serve`: the signer behind TCP for a node on another process or host.
// Framing: u32 big-endian length, then one protocol frame (docs/protocol.md).
// One client at a time; frames over the signer's max_message are refused and
// the connection closed. Every request is logged with its outcome.
import net from "node:net";
import { decodeReply } from "../protocol/envelope.js";
import { Transport } from "../transport.js";
import { Logger, methodName } from "./log.js";

export function serveTcp(t: Transport, host: string, port: number, log: Logger, maxFrame = 1 << 20): Promise<net.Server> {
  const server = net.createServer({ noDelay: true }, (sock) => {
    log.info({ peer: `${sock.remoteAddress}:${sock.remotePort}` }, "client connected");
    let buf = Buffer.alloc(0);
    sock.on("data", (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 4) {
        const len = buf.readUInt32BE(0);
        if (len > maxFrame) { log.warn({ len }, "frame over limit: closing"); sock.destroy(); return; }
        if (buf.length < 4 + len) break;
        const frame = new Uint8Array(buf.subarray(4, 4 + len));
        buf = buf.subarray(4 + len);
        const t0 = process.hrtime.bigint();
        const reply = t.roundTrip(frame);
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        const method = frame.length >= 7 ? (frame[5] << 8) | frame[6] : -1;
        try {
          const r = decodeReply(reply);
          const entry = { req: r.id, method: methodName(method), ms: Math.round(ms * 1000) / 1000 };
          if (r.ok) log.info({ ...entry, changed: r.stateChanged }, "ok");
          else log.warn({ ...entry, code: r.error!.codeName, rule: r.error!.rule || undefined, msg: r.error!.message }, "refused");
        } catch { log.error({ method }, "undecodable reply"); }
        const head = Buffer.alloc(4);
        head.writeUInt32BE(reply.length);
        sock.write(Buffer.concat([head, reply]));
      }
    });
    sock.on("error", (e) => log.warn({ err: e.message }, "client error"));
    sock.on("close", () => log.info("client disconnected"));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}
