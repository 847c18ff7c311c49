// BOLT 3 Appendix B: the funding output. The core builds the 2-of-2 witness
// script (keys sorted, either argument order), and reads the spec's funding
// transaction: the funding output pays P2WSH of that script the funding
// amount, the change is what the spec says, and the txid is the one every
// Appendix C commitment spends. (Its input is P2PKH with a legacy signature,
// which the signer never produces: funding inputs must be segwit.)
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { sha256 } from "@noble/hashes/sha2.js";
import * as btc from "@scure/btc-signer";
import { fundingScript } from "../../../host/tools/bolt3.js";
import { txParse } from "../../../host/tools/bitcoin.js";
import { Signer } from "../../../host/signer.js";
import { Suite, expect, expectBytes } from "../suite.js";

const B = JSON.parse(readFileSync(new URL("../../vectors/bolt3/appendix-b.json", import.meta.url), "utf8"));
const spec = readFileSync(new URL("../../../../shared/specs/bolts/03-transactions.md", import.meta.url));
const b = (h: string) => new Uint8Array(Buffer.from(h, "hex"));

const suite: Suite = {
  name: "bolt3-appendix-b",
  cases: () => [
    { id: "vectors are the spec's", run() { expect(createHash("sha256").update(spec).digest("hex") === B.sourceSha256, "spec changed: re-extract"); } },
    { id: "funding witness script from the two keys, in either order", run(s: Signer) {
      expectBytes(fundingScript(s, b(B.local_funding_pubkey), b(B.remote_funding_pubkey)), B.funding_witness_script, "script");
      expectBytes(fundingScript(s, b(B.remote_funding_pubkey), b(B.local_funding_pubkey)), B.funding_witness_script, "script (swapped)");
    } },
    { id: "funding output pays P2WSH(script) the funding amount; change as specified", run(s: Signer) {
      const outs = btc.RawTx.decode(b(B.funding_tx)).outputs;
      const f = outs[B.funding_output];
      expectBytes(f.script, Uint8Array.from([0x00, 0x20, ...sha256(b(B.funding_witness_script))]), "funding scriptPubKey");
      expect(f.amount === BigInt(B.funding_satoshis), `funding value ${f.amount}`);
      expect(outs.some((o) => o.amount === BigInt(B.change_satoshis)), "change output");
    } },
    { id: "funding txid (the outpoint of Appendix C)", run(s: Signer) {
      const p = txParse(s, b(B.funding_tx));
      expectBytes(Uint8Array.from(p.txid).reverse(), B.txid, "txid");
      expectBytes(p.serialized, B.funding_tx, "re-serialization");
    } },
  ],
};
export default suite;
