// Runtime discipline (docs/protocol.md §Memory): the core uses the minimal
// runtime and collects after every request, so linear memory must not grow
// over 100 000 mixed requests once warmed up.
import { describe, it, expect } from "vitest";
import { Core } from "../../host/core/core.js";
import { Signer } from "../../host/signer.js";
import { InProcessTransport } from "../../host/transport.js";
import { CoreCrypto } from "../../host/tools/crypto.js";
import { Method } from "../../host/protocol/envelope.js";

describe("memory", () => {
  it("memory.size() is flat over 100 000 mixed requests after warm-up", () => {
    const core = new Core();
    const s = new Signer(new InProcessTransport(core));
    s.init({ secret: new Uint8Array(32).fill(0x42) });
    const c = new CoreCrypto(s);
    const sk = new Uint8Array(32).fill(5);
    const big = new Uint8Array(16000).fill(1);
    const step = (i: number) => {
      switch (i % 8) {
        case 0: s.ping(new Uint8Array(i % 1000)); break;
        case 1: s.nodeId(); break;
        case 2: c.sha256(big.subarray(0, i % 16000)); break;
        case 3: c.hmacSha512(sk, big.subarray(0, i % 300)); break;
        case 4: s.stateDigest(); break;
        case 5: try { s.request(Method.PING, Uint8Array.of(9)); } catch { /* typed error */ } break;
        case 6: c.sha256Stream([big.subarray(0, 100), big.subarray(0, i % 5000)]); break;
        case 7: if (i % 64 === 7) c.ecdsaSign(sk, big.subarray(0, 32)); else s.version(); break;
      }
    };
    for (let i = 0; i < 16_000; i++) step(i); // warm-up: every request size the loop sends (sha256 inputs up to 16 000 bytes)
    const warm = core.memoryPages();
    for (let i = 0; i < 100_000; i++) step(i);
    expect(core.memoryPages()).toBe(warm);
    expect(core.traps).toBe(0);
    console.log(`linear memory after warm-up: ${warm} pages (${warm * 64} KiB), after 100 000 requests: ${core.memoryPages()} pages`);
  });
});
