// BIP341 wallet test vectors (bip-0341/wallet-test-vectors.json): every
// scriptPubKey case (leaf hashes, merkle root, tweak, output key, script,
// BIP350 address) and every key-path spending input (sighash and
// the signature in the witness).
import { readFileSync } from "node:fs";
import { sighashTaproot, tapBranchHash, tapLeafHash, taprootOutput, taprootSignKeyPath } from "../../../host/tools/bitcoin.js";
import { Signer } from "../../../host/signer.js";
import { scriptToAddress } from "../../../host/tools/wallet.js";
import { Suite, expect, expectBytes } from "../suite.js";

const v = JSON.parse(readFileSync(new URL("../../vectors/bip341-wallet-test-vectors.json", import.meta.url), "utf8"));
const b = (h: string) => new Uint8Array(Buffer.from(h, "hex"));

type Tree = { script: string; leafVersion: number } | Tree[];
/** Leaf hashes in vector order and the root of a script tree, through the core. */
function tree(s: Signer, t: Tree | null, leaves: Uint8Array[]): Uint8Array | null {
  if (t === null) return null;
  if (!Array.isArray(t)) { const h = tapLeafHash(s, t.leafVersion, b(t.script)); leaves.push(h); return h; }
  const l = tree(s, t[0], leaves)!, r = tree(s, t[1], leaves)!;
  return tapBranchHash(s, l, r);
}

const suite: Suite = {
  name: "bip341",
  cases: () => [
    ...v.scriptPubKey.map((c: any, i: number) => ({
      id: `scriptPubKey ${i}`,
      run(s: Signer) {
        const leaves: Uint8Array[] = [];
        const root = tree(s, c.given.scriptTree, leaves);
        if (c.intermediary.leafHashes) expect(leaves.map((l) => Buffer.from(l).toString("hex")).join() === c.intermediary.leafHashes.join(), "leaf hashes");
        expect((root ? Buffer.from(root).toString("hex") : null) === c.intermediary.merkleRoot, "merkle root");
        const o = taprootOutput(s, b(c.given.internalPubkey), root);
        expectBytes(o.tweak, c.intermediary.tweak, "tweak");
        expectBytes(o.outputKey.subarray(1), c.intermediary.tweakedPubkey, "tweaked key");
        expectBytes(o.script, c.expected.scriptPubKey, "scriptPubKey");
        expect(scriptToAddress(s, "bitcoin", o.script) === c.expected.bip350Address, "bip350 address");
      },
    })),
    ...v.keyPathSpending.flatMap((k: any) => {
      const spent = k.given.utxosSpent.map((u: any) => ({ amount: BigInt(u.amountSats), script: b(u.scriptPubKey) }));
      return k.inputSpending.map((c: any) => ({
        id: `keyPathSpending input ${c.given.txinIndex} hashType ${c.given.hashType}`,
        run(s: Signer) {
          const digest = sighashTaproot(s, b(k.given.rawUnsignedTx), c.given.txinIndex, c.given.hashType, spent);
          expectBytes(digest, c.intermediary.sigHash, "sigHash");
          const root = c.given.merkleRoot ? b(c.given.merkleRoot) : null;
          const sig = taprootSignKeyPath(s, b(c.given.internalPrivkey), root, digest);
          const want = c.expected.witness[0];
          expectBytes(c.given.hashType ? Uint8Array.from([...sig, c.given.hashType]) : sig, want, "signature");
        },
      }));
    }),
  ],
};
export default suite;
