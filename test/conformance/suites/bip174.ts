// BIP174 test vectors: every invalid PSBT refused, every valid one parsed and
// re-serialized byte for byte, the PSBTs that fail signer checks refused by
// the signer, and the role workflow: both signers' outputs reproduced from the
// master tprv (each limited to its two key paths, RFC 6979 nonces), the
// combiner's outputs (signatures, and unknown records in lexicographic order),
// the signer keys' WIFs matching their derivation paths.
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { base58CheckDecode, bip32DeriveKey, bip32Parse, psbtCombine, psbtParse, psbtSign } from "../../../host/tools/wallet.js";
import { CoreCrypto } from "../../../host/tools/crypto.js";
import { Signer, SignerError } from "../../../host/signer.js";
import { Suite, expect, expectBytes } from "../suite.js";

const v = JSON.parse(readFileSync(new URL("../../vectors/bip174/vectors.json", import.meta.url), "utf8"));
const spec = readFileSync(new URL("../../../../shared/specs/bips/bip-0174.mediawiki", import.meta.url));
const b = (h: string) => new Uint8Array(Buffer.from(h, "hex"));
const path = (p: string) => p.split("/").slice(1).map((c) => (c.endsWith("'") ? (parseInt(c) | 0x80000000) >>> 0 : parseInt(c)));
const refused = (f: () => unknown) => { try { f(); } catch (e) { return e instanceof SignerError; } return false; };
const wf = (i: number) => b(v.workflow[i].hex);

const suite: Suite = {
  name: "bip174",
  cases: () => [
    { id: "vectors are the spec's", run() { expect(createHash("sha256").update(spec).digest("hex") === v.sourceSha256, "spec changed: re-extract"); } },
    ...v.invalid.map((c: any) => ({ id: `invalid: ${c.description}`, run(s: Signer) { expect(refused(() => psbtParse(s, b(c.hex))), "accepted"); } })),
    ...v.valid.map((c: any) => ({ id: `valid: ${c.description}`, run(s: Signer) { expectBytes(psbtParse(s, b(c.hex)).psbt, c.hex, "re-serialized"); } })),
    ...v.signerFails.map((c: any) => ({
      id: `fails signer checks: ${c.description}`,
      run(s: Signer) {
        psbtParse(s, b(c.hex)); // a valid PSBT...
        expect(refused(() => psbtSign(s, v.masterXprv, b(c.hex))), "signed"); // ...that the signer refuses
      },
    })),
    ...v.workflow.filter((_: any, i: number) => i !== 7).map((c: any, i: number) => ({
      id: `workflow PSBT round trip: ${c.description.slice(0, 60)}`,
      run(s: Signer) { expectBytes(psbtParse(s, b(c.hex)).psbt, c.hex, "re-serialized"); },
    })),
    ...v.signerKeys.map((k: any) => ({
      id: `signer key ${k.wif} is ${k.path} of the master`,
      run(s: Signer) {
        const payload = base58CheckDecode(s, k.wif); // 0xef | secret | 0x01 (testnet, compressed)
        expect(payload.length === 34 && payload[0] === 0xef && payload[33] === 1, "WIF");
        const pub = new CoreCrypto(s).pubkeyCreate(payload.slice(1, 33));
        expectBytes(bip32Parse(s, bip32DeriveKey(s, v.masterXprv, path(k.path))).pubkey, pub, "derived pubkey");
      },
    })),
    {
      id: "signer 1 (m/0'/0'/0', m/0'/0'/2'): P2SH multisig and P2SH-P2WSH, SIGHASH_ALL",
      run(s: Signer) {
        const r = psbtSign(s, v.masterXprv, wf(2), { paths: v.signerKeys.slice(0, 2).map((k: any) => path(k.path)) });
        expect(r.added === 2, `${r.added} signatures`);
        expectBytes(r.psbt, wf(3), "signed PSBT");
      },
    },
    {
      id: "signer 2 (m/0'/0'/1', m/0'/0'/3')",
      run(s: Signer) {
        const r = psbtSign(s, v.masterXprv, wf(2), { paths: v.signerKeys.slice(2, 4).map((k: any) => path(k.path)) });
        expect(r.added === 2, `${r.added} signatures`);
        expectBytes(r.psbt, wf(4), "signed PSBT");
      },
    },
    { id: "combiner: both signers' PSBTs", run(s: Signer) { expectBytes(psbtCombine(s, wf(3), wf(4)), wf(5), "combined"); } },
    { id: "combiner: unknown records, lexicographic order", run(s: Signer) { expectBytes(psbtCombine(s, wf(8), wf(9)), wf(10), "combined"); } },
    { id: "combiner refuses PSBTs of different transactions", run(s: Signer) { expect(refused(() => psbtCombine(s, wf(3), wf(8))), "combined"); } },
  ],
};

export default suite;
