// Foundation figures: a signature through the core (import + envelope + codec)
// vs noble called directly; the request round trip vs a bare wasm call; and
// the AssemblyScript runtime choice (size, memory after 20 000 requests).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { Core, coreWasmPath } from "../../host/core/core.js";
import { Signer } from "../../host/signer.js";
import { InProcessTransport } from "../../host/transport.js";
import { CoreCrypto } from "../../host/tools/crypto.js";
import { BenchContext, Result, result, timeUs } from "../harness.js";

export default async function run(ctx: BenchContext): Promise<Result[]> {
  const ms = ctx.quick ? 20 : 400;
  const out: Result[] = [];
  const core = new Core();
  const s = new Signer(new InProcessTransport(core));
  s.init({ secret: new Uint8Array(32).fill(1) });
  const c = new CoreCrypto(s);
  const sk = new Uint8Array(32).fill(7), msg = new Uint8Array(32).fill(3);

  const viaCore = timeUs(() => c.ecdsaSign(sk, msg), ms);
  const direct = timeUs(() => secp256k1.sign(msg, sk, { prehash: false }), ms);
  out.push(result("ecdsa sign: core (import+envelope) vs noble direct", "us", viaCore, direct));

  const ping = timeUs(() => s.ping(), ms);
  const bare = timeUs(() => core.memoryPages(), ms);
  out.push(result("request round trip (ping) vs bare wasm export call", "us", ping, bare));
  out.push(result("request round-trip overhead on an ecdsa sign", "us", viaCore - direct, direct));
  out.push(result("core.wasm release size", "bytes", statSync(coreWasmPath()).size));

  // Runtime choice: rebuild the same core with each AssemblyScript runtime.
  const dir = mkdtempSync(join(tmpdir(), "vigil-rt-"));
  for (const rt of ctx.quick ? ["minimal"] : ["stub", "minimal", "incremental"]) {
    const file = join(dir, `core-${rt}.wasm`);
    execFileSync("npx", ["asc", "assembly/index.ts", "--target", "release", "--runtime", rt, "-o", file], { stdio: "ignore" });
    const rc = new Core(new WebAssembly.Module(readFileSync(file)));
    const rs = new Signer(new InProcessTransport(rc));
    rs.init({ secret: new Uint8Array(32).fill(1) });
    const n = ctx.quick ? 2_000 : 20_000;
    for (let i = 0; i < n; i++) { rs.ping(new Uint8Array(i % 512)); if (i % 4 === 0) rs.nodeId(); }
    out.push(result(`runtime ${rt}: core size`, "bytes", statSync(file).size));
    out.push(result(`runtime ${rt}: linear memory after ${n} requests`, "KiB", rc.memoryPages() * 64));
  }
  return out;
}
