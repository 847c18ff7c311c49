// Fuzz the envelope and every payload decoder: 120 000 random and mutated
// frames into an initialised core. Every reply must decode, carry a typed
// status, and the signer's state digest must not move. A trap counts on
// Core.traps (the host turns it into INTERNAL): it must stay 0.
import { describe, it, expect } from "vitest";
import { Core } from "../../host/core/core.js";
import { decodeReply, encodeRequest, Method, Code } from "../../host/protocol/envelope.js";
import { Writer } from "../../host/protocol/codec.js";
import { Signer, encodeInit } from "../../host/signer.js";
import { InProcessTransport } from "../../host/transport.js";
import { CryptoTool } from "../../host/tools/crypto.js";
import { hex } from "../helpers.js";

// Deterministic PRNG (xorshift32) so a failure is reproducible from its seed.
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
}

const corpus: Array<[number, Uint8Array]> = [
  [Method.PING, new Writer().varbytes(Uint8Array.of(1, 2, 3)).finish()],
  [Method.VERSION, new Uint8Array(0)],
  [Method.GET_NODE_ID, new Uint8Array(0)],
  [Method.STATE_DIGEST, new Uint8Array(0)],
  [Method.INIT, encodeInit({ secret: new Uint8Array(32).fill(9), maxMessage: 4096 })],
  [CryptoTool.SHA256, new Writer().varbytes(new Uint8Array(40)).finish()],
  [CryptoTool.SHA256_STREAM, new Writer().u16(2).varbytes(new Uint8Array(3)).varbytes(new Uint8Array(70)).finish()],
  [CryptoTool.HMAC_SHA512, new Writer().varbytes(new Uint8Array(12)).varbytes(new Uint8Array(5)).finish()],
  [CryptoTool.RIPEMD160, new Writer().varbytes(new Uint8Array(7)).finish()],
  [CryptoTool.PUBKEY_PARSE, new Writer().varbytes(Uint8Array.from(Buffer.from("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798", "hex"))).finish()],
  [CryptoTool.PUBKEY_COMBINE, new Writer().u16(1).bytes(Uint8Array.from(Buffer.from("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798", "hex"))).finish()],
  [CryptoTool.SCHNORR_VERIFY, new Uint8Array(64 + 1 + 32)],
];

describe("fuzz", () => {
  it("120 000 random and mutated envelopes: 0 traps, 0 state changes, every reply typed", () => {
    const core = new Core();
    const s = new Signer(new InProcessTransport(core));
    s.init({ secret: new Uint8Array(32).fill(0x21) });
    const digest = hex(s.stateDigest());
    const next = rng(0x5eed);
    const codes = new Map<number, number>();
    let ok = 0;
    for (let i = 0; i < 120_000; i++) {
      let frame: Uint8Array;
      const kind = next() % 10;
      if (kind === 0) {
        frame = new Uint8Array(next() % 64);
        for (let j = 0; j < frame.length; j++) frame[j] = next();
      } else {
        const [m, p] = corpus[next() % corpus.length];
        frame = Uint8Array.from(encodeRequest(next(), m, p));
        const edits = 1 + (next() % 4);
        for (let e = 0; e < edits; e++) {
          const op = next() % 4;
          const at = next() % (frame.length + 1);
          if (op === 0 && frame.length) frame[at % frame.length] ^= 1 << (next() % 8);
          else if (op === 1) frame = frame.subarray(0, at);
          else if (op === 2) frame = Uint8Array.from([...frame.subarray(0, at), next() & 0xff, ...frame.subarray(at)]);
          else if (frame.length) frame[at % frame.length] = [0x00, 0xff, 0xfd, 0xfe, 0x80][next() % 5];
        }
        // keep the envelope version valid most of the time so payload decoders are reached
        if (frame.length && next() % 8) frame[0] = 1;
      }
      const reply = decodeReply(core.call(frame));
      if (reply.ok) ok++;
      else codes.set(reply.error!.code, (codes.get(reply.error!.code) ?? 0) + 1);
    }
    expect(core.traps).toBe(0);
    expect(codes.get(Code.INTERNAL) ?? 0).toBe(0);
    expect(hex(s.stateDigest())).toBe(digest);
    // the mutations reached the decoders, not just the envelope check
    expect(codes.get(Code.MALFORMED)!).toBeGreaterThan(10_000);
    expect(ok).toBeGreaterThan(1_000);
  });
});
