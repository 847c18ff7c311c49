// BIP143: every sighash example of the BIP (native and nested P2WPKH and
// P2WSH, OP_CODESEPARATOR, out-of-range SINGLE, all six P2SH-P2WSH hash types,
// no FindAndDelete) through the core's segwit v0 sighash.
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { sighashV0 } from "../../../host/tools/bitcoin.js";
import { Signer } from "../../../host/signer.js";
import { Suite, expect, expectBytes } from "../suite.js";

const v = JSON.parse(readFileSync(new URL("../../vectors/bip143/cases.json", import.meta.url), "utf8"));
const spec = readFileSync(new URL("../../../../shared/specs/bips/bip-0143.mediawiki", import.meta.url));
const b = (h: string) => new Uint8Array(Buffer.from(h, "hex"));

const suite: Suite = {
  name: "bip143",
  cases: () => [
    { id: "vectors are the spec's", run() { expect(createHash("sha256").update(spec).digest("hex") === v.sourceSha256, "spec changed: re-extract"); } },
    ...v.cases.map((c: any) => ({
      id: `${c.name} (input ${c.index}, hash type 0x${c.hashType.toString(16)})`,
      run(s: Signer) { expectBytes(sighashV0(s, b(c.tx), c.index, b(c.scriptCode), BigInt(c.amount), c.hashType), c.sigHash, "sigHash"); },
    })),
  ],
};
export default suite;
