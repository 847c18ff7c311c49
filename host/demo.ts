// npm start: the core in this process, shown end to end. (The LDK A—B—C
// network demo replaces this once channel signing lands: docs/ldk.md.)
import { randomBytes } from "node:crypto";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { statSync } from "node:fs";
import { coreWasmPath } from "./core/core.js";
import { Signer, SignerError } from "./signer.js";
import { CoreCrypto } from "./tools/crypto.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const t0 = performance.now();
const step = (msg: string) => console.log(`[${(performance.now() - t0).toFixed(1).padStart(7)} ms] ${msg}`);

const signer = new Signer();
const v = signer.version();
step(`core.wasm ${statSync(coreWasmPath()).size} bytes, core ${v.core}, protocol v${v.protocol}`);
const seed = randomBytes(32);
const nodeId = signer.init({ secret: seed, network: "regtest", scheme: "ldk" });
step(`node id (LDK KeysManager derivation, m/0'): ${hex(nodeId)}`);

// A signature made inside the core (through the imported secp256k1) and verified by the host with noble.
const crypto = new CoreCrypto(signer);
const key = sha256(new TextEncoder().encode("vigil demo key"));
const digest = sha256(new TextEncoder().encode("hello from the signer"));
const sig = crypto.ecdsaSign(key, digest);
const ok = secp256k1.verify(sig, digest, secp256k1.getPublicKey(key, true), { prehash: false });
step(`ecdsa signature from the core: ${hex(sig).slice(0, 32)}… verified by the host: ${ok}`);

// Bad input is a typed error, never a crash.
try {
  signer.request(0x0001, Uint8Array.of(0xfd, 0x00, 0x01));
} catch (e) {
  step(`malformed request refused: ${(e as SignerError).message}`);
}
try {
  signer.init({ secret: seed });
} catch (e) {
  step(`second init refused: ${(e as SignerError).message}`);
}
step("done");
if (!ok) process.exit(1);
