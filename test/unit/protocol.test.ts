// Wire protocol (docs/protocol.md): every kind of bad envelope or payload gets
// a typed error reply with the right request id; a trap inside the core is
// turned into INTERNAL by the host and the instance is rebuilt and restored.
import { describe, it, expect } from "vitest";
import { Core } from "../../host/core/core.js";
import { nobleImports } from "../../host/crypto/noble.js";
import { decodeReply, encodeRequest, Method, Code } from "../../host/protocol/envelope.js";
import { Writer } from "../../host/protocol/codec.js";
import { Signer, encodeInit } from "../../host/signer.js";
import { InProcessTransport } from "../../host/transport.js";
import { hex } from "../helpers.js";

const core = new Core();
const send = (frame: Uint8Array) => decodeReply(core.call(frame));
const errCode = (frame: Uint8Array) => { const r = send(frame); expect(r.ok).toBe(false); return r.error!.code; };

describe("envelope", () => {
  it("echoes the request id and method reply", () => {
    const r = send(encodeRequest(0xdeadbeef, Method.PING, new Writer().varbytes(Uint8Array.of(9, 8)).finish()));
    expect(r.ok).toBe(true);
    expect(r.id).toBe(0xdeadbeef);
    expect(hex(r.body)).toBe("020908");
  });
  it("truncated envelope → MALFORMED with the id as far as it goes", () => {
    for (let n = 0; n < 7; n++) {
      const frame = encodeRequest(0x01020304, Method.VERSION, new Uint8Array(0)).subarray(0, n);
      const r = send(frame);
      expect(r.ok).toBe(false);
      expect(r.error!.code).toBe(Code.MALFORMED);
      expect(r.id).toBe(n >= 5 ? 0x01020304 : 0);
    }
  });
  it("unknown method in every range → UNKNOWN_METHOD", () => {
    for (const m of [0x0000, 0x00ff, 0x01ff, 0x07ff, 0x08ff, 0x0900, 0x4000, 0x80ff, 0x81ff, 0x82ff, 0x83ff, 0xffff]) {
      expect(errCode(encodeRequest(1, m, new Uint8Array(0)))).toBe(Code.UNKNOWN_METHOD);
    }
  });
  it("wrong protocol version → UNSUPPORTED_VERSION", () => {
    expect(errCode(encodeRequest(1, Method.PING, Uint8Array.of(0), 2))).toBe(Code.UNSUPPORTED_VERSION);
  });
  it("truncated payload and trailing bytes → MALFORMED", () => {
    expect(errCode(encodeRequest(1, Method.PING, Uint8Array.of(5, 1, 2)))).toBe(Code.MALFORMED);
    expect(errCode(encodeRequest(1, Method.PING, Uint8Array.of(1, 1, 2)))).toBe(Code.MALFORMED);
    expect(errCode(encodeRequest(1, Method.VERSION, Uint8Array.of(0)))).toBe(Code.MALFORMED);
    expect(errCode(encodeRequest(1, Method.INIT, new Uint8Array(33)))).toBe(Code.MALFORMED);
  });
  it("non-canonical BigSize and oversized length → MALFORMED, never a trap", () => {
    expect(errCode(encodeRequest(1, Method.PING, Uint8Array.of(0xfd, 0x00, 0x01, 7)))).toBe(Code.MALFORMED);
    expect(errCode(encodeRequest(1, Method.PING, Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)))).toBe(Code.MALFORMED);
    expect(errCode(encodeRequest(1, Method.PING, new Writer().bigsize(5000).finish()))).toBe(Code.MALFORMED);
  });
  it("a frame over max_message → TOO_LARGE without touching the core", () => {
    expect(errCode(encodeRequest(7, Method.PING, new Uint8Array(70_000)))).toBe(Code.TOO_LARGE);
    expect(core.traps).toBe(0);
  });
  it("init: unknown network / scheme / even config type → typed errors, state unchanged", () => {
    const s = new Signer(new InProcessTransport(new Core()));
    const d0 = hex(s.stateDigest());
    const base = encodeInit({ secret: new Uint8Array(32).fill(3) });
    const bad = (mut: (b: Uint8Array) => Uint8Array) => {
      try { s.request(Method.INIT, mut(Uint8Array.from(base))); } catch (e: any) { return e.code; }
      return 0;
    };
    expect(bad((b) => { b[32] = 9; return b; })).toBe(Code.INVALID_ARGUMENT);
    expect(bad((b) => { b[33] = 9; return b; })).toBe(Code.INVALID_ARGUMENT);
    expect(bad((b) => new Uint8Array([...b, 2, 1, 0]))).toBe(Code.MALFORMED); // unknown even TLV
    expect(bad((b) => new Uint8Array([...b, 3, 1, 0, 1, 0]))).toBe(Code.MALFORMED); // TLV order
    expect(bad(() => new Uint8Array(32).fill(0))).toBe(Code.MALFORMED);
    expect(bad((b) => { b.fill(0, 0, 32); return b; })).toBe(Code.INVALID_ARGUMENT); // zero secret → invalid master
    expect(hex(s.stateDigest())).toBe(d0);
    s.init({ secret: new Uint8Array(32).fill(3) });
    expect(hex(s.stateDigest())).not.toBe(d0);
    expect(() => s.nodeId()).not.toThrow();
  });
  it("methods that need a key refuse before init", () => {
    const fresh = new Core();
    expect(decodeReply(fresh.call(encodeRequest(1, Method.GET_NODE_ID, new Uint8Array(0)))).error!.code).toBe(Code.NOT_INITIALIZED);
  });
});

describe("trap recovery", () => {
  it("a trap becomes INTERNAL, the instance is rebuilt and restored to the same node", () => {
    let armed = false;
    const trapping = (mem: () => WebAssembly.Memory) => {
      const imp = nobleImports(mem);
      return { ...imp, hmac_sha512: (...a: number[]) => { if (armed) { armed = false; throw new Error("injected fault"); } return (imp.hmac_sha512 as any)(...a); } };
    };
    const core2 = new Core(undefined, trapping);
    const s = new Signer(new InProcessTransport(core2));
    const id = hex(s.init({ secret: new Uint8Array(32).fill(4) }));
    const digest = hex(s.stateDigest());
    // hmac_sha512 runs in BIP32 derivation: make the next one throw inside the core.
    armed = true;
    const r = decodeReply(core2.call(encodeRequest(77, 0x8003, new Writer().varbytes(Uint8Array.of(1)).varbytes(Uint8Array.of(2)).finish())));
    expect(r.ok).toBe(false);
    expect(r.id).toBe(77);
    expect(r.error!.code).toBe(Code.INTERNAL);
    expect(core2.traps).toBe(1);
    expect(hex(s.nodeId())).toBe(id);
    expect(hex(s.stateDigest())).toBe(digest);
  });
});
