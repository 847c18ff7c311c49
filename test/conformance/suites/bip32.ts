// BIP32 test vectors 1-5: every chain's xprv and xpub from the seed, CKDpub
// from the parent xpub for non-hardened steps, and every invalid key of
// vector 5 refused.
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { bip32Derive, bip32DeriveKey, bip32Parse } from "../../../host/tools/wallet.js";
import { Signer, SignerError } from "../../../host/signer.js";
import { Suite, expect } from "../suite.js";

const v = JSON.parse(readFileSync(new URL("../../vectors/bip32/vectors.json", import.meta.url), "utf8"));
const spec = readFileSync(new URL("../../../../shared/specs/bips/bip-0032.mediawiki", import.meta.url));
const b = (h: string) => new Uint8Array(Buffer.from(h, "hex"));

const suite: Suite = {
  name: "bip32",
  cases: () => [
    { id: "vectors are the spec's", run() { expect(createHash("sha256").update(spec).digest("hex") === v.sourceSha256, "spec changed: re-extract"); } },
    ...v.sets.flatMap((set: any) => set.chains.map((c: any, i: number) => ({
      id: `${set.name} chain ${c.name}`,
      run(s: Signer) {
        const k = bip32Derive(s, b(set.seed), c.path);
        expect(k.xprv === c.xprv, `xprv ${k.xprv}`);
        expect(k.xpub === c.xpub, `xpub ${k.xpub}`);
        expect(bip32DeriveKey(s, c.xprv, []) === c.xprv && bip32Parse(s, c.xpub).depth === c.path.length, "parse/re-serialize");
        const last = c.path[c.path.length - 1];
        if (i > 0 && last < 0x80000000) expect(bip32DeriveKey(s, set.chains[i - 1].xpub, [last]) === c.xpub, "CKDpub from the parent xpub");
        if (i > 0 && last >= 0x80000000) expect(failsWith(() => bip32DeriveKey(s, set.chains[i - 1].xpub, [last])), "hardened child of an xpub");
      },
    }))),
    ...v.invalid.map((c: any) => ({
      id: `invalid: ${c.reason}`,
      run(s: Signer) { expect(failsWith(() => bip32Parse(s, c.key)), "accepted"); },
    })),
  ],
};

function failsWith(f: () => unknown) { try { f(); } catch (e) { return e instanceof SignerError; } return false; }
export default suite;
