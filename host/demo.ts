// npm start: the core in this process, shown end to end, and a signer
// following a chain. (The LDK A—B—C network demo replaces this once channel
// signing lands: docs/ldk.md.)
import { randomBytes } from "node:crypto";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { statSync } from "node:fs";
import { coreWasmPath } from "./core/core.js";
import { Signer, SignerError } from "./signer.js";
import { CoreCrypto } from "./tools/crypto.js";
import { Chain, Wallet } from "./ldk/chain.js";
import { Followers } from "./ldk/followers.js";
import { chainAddHeaders } from "./chain/client.js";
import { mine } from "./chain/headers.js";
import { txidOf } from "./chain/blocks.js";

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
// Layer 1: a signer follows the demo chain itself (docs/protocol.md §Chain):
// headers checked by the core, BIP158 filters attested by an oracle, a block
// streamed only when its filter matches the watched output.
const chain = new Chain();
const payer = new Wallet(chain, "demo-payer"), owner = new Wallet(chain, "demo-owner");
chain.mine(1, [{ script: payer.script, amount: 1_000_000n }]);
chain.mine(100);
const followers = new Followers(chain, { demo: seed });
await followers.start();
const funding = payer.pay([{ script: owner.script, amount: 500_000n }]);
chain.broadcast(funding, "payer");
chain.mine(1);
const txid = txidOf(funding);
followers.watch("demo", txid, 0);
await followers.sync();
chain.mine(20);
await followers.sync();
let st = followers.status("demo", txid, 0);
step(`chain follower: checkpoint 101, tip ${followers.tip("demo").height}; output confirmed at ${st.confHeight} (merkle branch), unspent at the tip: ${st.unspentAtTip}`);
chain.broadcast(owner.pay([{ script: payer.script, amount: 400_000n }]), "owner");
chain.mine(1);
await followers.sync();
st = followers.status("demo", txid, 0);
const fs = followers.get("demo").stats;
step(`spend seen at ${st.spentHeight}: ${fs.headers} headers, ${fs.filters} oracle-attested filters, ${fs.blocks} blocks streamed`);
const hb = followers.heartbeat("demo");
step(`heartbeat signed by the node key: tip ${hb.height}, fresh ${hb.fresh}`);
try {
  const tip = chain.tip;
  chainAddHeaders(followers.get("demo").signer, tip.hash, [mine({ version: 0x20000000, prev: tip.hash, merkleRoot: new Uint8Array(32), time: chain.tipTime + 600, bits: 0x207fffff }, true)]);
} catch (e) {
  step(`header with bad proof of work refused: ${(e as SignerError).message}`);
}
step("done");
if (!ok || st.spentHeight !== chain.height || !hb.fresh) process.exit(1);
