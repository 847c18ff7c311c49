// BOLT 12 signature-test.json: the Merkle root of every vector's TLV stream,
// and for the invoice_request vector the BIP340 signature with the payer key
// (auxiliary randomness zero, as libsecp256k1 signs without aux), checked
// byte for byte and verified.
import { readFileSync } from "node:fs";
import { schnorr } from "@noble/curves/secp256k1.js";
import { bech32 } from "@scure/base";
import { bolt12Merkle, bolt12SignWithKey } from "../../../host/tools/lightning.js";
import { Suite, expect, expectBytes } from "../suite.js";

const vectors = JSON.parse(readFileSync(new URL("../../vectors/bolt12/signature-test.json", import.meta.url), "utf8"));
const hexb = (h: string) => new Uint8Array(Buffer.from(h, "hex"));

/** The TLV stream of a vector: decoded from its bolt12 string, or the leaves' records joined. */
function streamOf(v: any): Uint8Array {
  if (v.bolt12) {
    const body = v.bolt12.replace(/\+\s*/g, "").toLowerCase();
    const words = [...body.slice(body.lastIndexOf("1") + 1)].map((c) => "qpzry9x8gf2tvdw0s3jn54khce6mua7l".indexOf(c));
    return Uint8Array.from(bech32.fromWordsUnsafe(words) ?? []);
  }
  const parts = v.leaves.map((l: any) => /H\(`LnLeaf`,([0-9a-f]+)\)/.exec(Object.keys(l).join(" "))![1]);
  return hexb(parts.join(""));
}

const suite: Suite = {
  name: "bolt12-signature",
  cases: () => vectors.flatMap((v: any, i: number) => {
    const cases = [{
      id: `#${i} merkle: ${v.comment.slice(0, 50)}`,
      run(s: any) { expectBytes(bolt12Merkle(s, streamOf(v)), v.merkle, "merkle root"); },
    }];
    if (v.signature) {
      cases.push({
        id: `#${i} signature`,
        run(s: any) {
          const payerSecret = new Uint8Array(32).fill(0x42); // Bob, per the vector's comment
          const sig = bolt12SignWithKey(s, payerSecret, v.tlv, "signature", streamOf(v));
          expectBytes(sig, v.signature, "signature");
          expect(schnorr.verify(sig, hexb(v["H(signature_tag,merkle)"]), schnorr.getPublicKey(payerSecret)), "signature does not verify");
        },
      });
    }
    return cases;
  }),
};
export default suite;
