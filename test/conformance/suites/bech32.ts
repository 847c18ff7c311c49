// BIP173 and BIP350 test vectors: checksum strings valid / invalid (bech32 and
// bech32m), segwit addresses → scriptPubKey (and back, lowercase), invalid
// addresses refused. BIP173's version 1+ addresses written in bech32 are
// invalid since BIP350 and must be refused.
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { addressToScript, bech32Decode, scriptToAddress } from "../../../host/tools/wallet.js";
import { Signer, SignerError } from "../../../host/signer.js";
import { Suite, expect, expectBytes } from "../suite.js";

const net = (a: string) => (a.toLowerCase().startsWith("bc1") ? "bitcoin" : "testnet") as "bitcoin" | "testnet";
const refused = (f: () => unknown) => { try { f(); } catch (e) { return e instanceof SignerError; } return false; };

function suite(bip: "bip173" | "bip350", encoding: "bech32" | "bech32m"): Suite {
  const v = JSON.parse(readFileSync(new URL(`../../vectors/bech32/${bip}.json`, import.meta.url), "utf8"));
  const spec = readFileSync(new URL(`../../../../shared/specs/bips/${v.source}`, import.meta.url));
  return {
    name: bip,
    cases: () => [
      { id: "vectors are the spec's", run() { expect(createHash("sha256").update(spec).digest("hex") === v.sourceSha256, "spec changed: re-extract"); } },
      ...v.validStrings.map((h: string) => ({
        id: `valid ${encoding} ${Buffer.from(h, "hex").toString("latin1")}`,
        run(s: Signer) { expect(bech32Decode(s, Buffer.from(h, "hex")).encoding === encoding, `not read as ${encoding}`); },
      })),
      ...v.invalidStrings.map((c: any) => ({
        id: `invalid string (${c.reason}) ${JSON.stringify(Buffer.from(c.hex, "hex").toString("latin1"))}`,
        run(s: Signer) {
          let got: string | null = null;
          try { got = bech32Decode(s, Buffer.from(c.hex, "hex")).encoding; } catch (e) { if (!(e instanceof SignerError)) throw e; }
          expect(got !== encoding, `accepted as ${encoding}`);
        },
      })),
      ...v.validAddresses.map((c: any) => {
        const superseded = bip === "bip173" && !/^(bc|tb)1q/i.test(c.address);
        return {
          id: `${superseded ? "bech32 v1+ address, invalid since BIP350" : "valid address"} ${c.address}`,
          run(s: Signer) {
            if (superseded) { expect(refused(() => addressToScript(s, net(c.address), c.address)), "accepted"); return; }
            expectBytes(addressToScript(s, net(c.address), c.address), c.script, "scriptPubKey");
            expect(scriptToAddress(s, net(c.address), Buffer.from(c.script, "hex")) === c.address.toLowerCase(), "address round trip");
          },
        };
      }),
      ...v.invalidAddresses.map((c: any) => ({
        id: `invalid address (${c.reason}) ${c.address}`,
        run(s: Signer) { for (const n of ["bitcoin", "testnet"] as const) expect(refused(() => addressToScript(s, n, c.address)), `accepted on ${n}`); },
      })),
    ],
  };
}

export default [suite("bip173", "bech32"), suite("bip350", "bech32m")];
