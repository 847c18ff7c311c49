// BIP340 test vectors (bip-0340-test-vectors.csv, every row): signing where a
// secret key is given, verification for every row, through the core's imports.
import { readFileSync } from "node:fs";
import { CoreCrypto } from "../../../host/tools/crypto.js";
import { SignerError } from "../../../host/signer.js";
import { Suite, expect, expectBytes } from "../suite.js";

const csv = readFileSync(new URL("../../vectors/bip-0340-test-vectors.csv", import.meta.url), "utf8");
const rows = csv.trim().split("\n").slice(1).map((l) => l.split(","));
const b = (h: string) => new Uint8Array(Buffer.from(h, "hex"));

const suite: Suite = {
  name: "bip340",
  cases: () =>
    rows.flatMap(([index, sec, pub, aux, msg, sig, result]) => {
      const cases = [];
      if (sec) {
        cases.push({
          id: `sign #${index}`,
          run(s: any) {
            const c = new CoreCrypto(s);
            expectBytes(c.pubkeyCreate(b(sec)).subarray(1), pub, "public key");
            expectBytes(c.schnorrSign(b(sec), b(msg), b(aux)), sig, "signature");
          },
        });
      }
      cases.push({
        id: `verify #${index}`,
        run(s: any) {
          let ok = true;
          try {
            new CoreCrypto(s).schnorrVerify(b(sig), b(msg), b(pub));
          } catch (e) {
            if (!(e instanceof SignerError)) throw e;
            ok = false;
          }
          expect(ok === (result === "TRUE"), `verification ${ok}, want ${result}`);
        },
      });
      return cases;
    }),
};
export default suite;
