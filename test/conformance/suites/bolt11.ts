// BOLT 11 §Examples: every valid example invoice re-signed by the core with
// the spec's key must reproduce its signature and recovery id byte for byte
// (the high-S example: its low-S twin — s' = n - s; the example kept the
// low-S signature's recovery id). noble recovers the spec key from each.
import { readFileSync } from "node:fs";
import { bech32 } from "@scure/base";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bolt11SignWithKey } from "../../../host/tools/lightning.js";
import { Suite, expectBytes } from "../suite.js";

const v = JSON.parse(readFileSync(new URL("../../vectors/bolt11/examples.json", import.meta.url), "utf8"));
const N = secp256k1.Point.CURVE().n;
const hexOf = (b: Uint8Array) => Buffer.from(b).toString("hex");

const suite: Suite = {
  name: "bolt11",
  cases: () => v.examples.map((ex: { title: string; invoice: string }, i: number) => ({
    id: `#${i} ${ex.title.slice(0, 50)}`,
    run(s: any) {
      const { prefix, words } = bech32.decode(ex.invoice.toLowerCase() as `${string}1${string}`, 10_000);
      const data = words.slice(0, words.length - 104);
      const sigBytes = bech32.fromWords(words.slice(words.length - 104)); // r | s | recid
      const got = bolt11SignWithKey(s, Buffer.from(v.privKey, "hex"), prefix, data); // recid | r | s
      const r = sigBytes.slice(0, 32);
      let sv = sigBytes.slice(32, 64);
      const recid = sigBytes[64];
      const sNum = BigInt("0x" + hexOf(sv));
      if (sNum > N / 2n) sv = Buffer.from((N - sNum).toString(16).padStart(64, "0"), "hex");
      expectBytes(got, Uint8Array.from([recid, ...r, ...sv]), "recid|r|s");
      const bits = data.map((w) => w.toString(2).padStart(5, "0")).join("");
      const bytes = Uint8Array.from((bits + "0".repeat((8 - (bits.length % 8)) % 8)).match(/.{8}/g)!.map((b) => parseInt(b, 2)));
      const digest = sha256(new Uint8Array([...new TextEncoder().encode(prefix), ...bytes]));
      const rec = secp256k1.Signature.fromBytes(got.subarray(1), "compact").addRecoveryBit(got[0]).recoverPublicKey(digest).toBytes(true);
      expectBytes(rec, secp256k1.getPublicKey(Buffer.from(v.privKey, "hex"), true), "recovered key");
    },
  })),
};
export default suite;
