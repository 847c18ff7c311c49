// BOLT 3 Appendix D (per-commitment secret generation: 5 cases; compact
// storage: all 9 sequences, each incorrect secret refused at its step and the
// storage left as it was) and Appendix E (the 4 key derivations).
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { derivePrivkey, derivePubkey, perCommitmentSecret, revocationPrivkey, revocationPubkey, shachainInsert, shachainLookup } from "../../../host/tools/bolt3.js";
import { Signer, SignerError, Code } from "../../../host/signer.js";
import { Suite, expect, expectBytes } from "../suite.js";

const D = JSON.parse(readFileSync(new URL("../../vectors/bolt3/appendix-d.json", import.meta.url), "utf8"));
const E = JSON.parse(readFileSync(new URL("../../vectors/bolt3/appendix-e.json", import.meta.url), "utf8"));
const spec = readFileSync(new URL("../../../../shared/specs/bolts/03-transactions.md", import.meta.url));
const b = (h: string) => new Uint8Array(Buffer.from(h, "hex"));
const specCase = (src: any) => ({ id: "vectors are the spec's", run() { expect(createHash("sha256").update(spec).digest("hex") === src.sourceSha256, "spec changed: re-extract"); } });

const generation: Suite = {
  name: "bolt3-appendix-d-generation",
  cases: () => [specCase(D), ...D.generation.map((g: any) => ({
    id: g.name,
    run(s: Signer) { expectBytes(perCommitmentSecret(s, b(g.seed), BigInt(g.index)), g.output, "secret"); },
  }))],
};

const storage: Suite = {
  name: "bolt3-appendix-d-storage",
  cases: () => D.storage.map((seq: any) => ({
    id: seq.name,
    run(s: Signer) {
      let st: Uint8Array = new Uint8Array(0);
      seq.steps.forEach((step: any, i: number) => {
        let err: SignerError | null = null, next = st;
        try { next = shachainInsert(s, st, BigInt(step.index), b(step.secret)); } catch (e) { err = e as SignerError; }
        if (step.ok) {
          expect(err === null, `step ${i} refused: ${err?.message}`);
          st = next;
          expectBytes(shachainLookup(s, st, BigInt(step.index)), step.secret, `lookup after step ${i}`);
        } else {
          expect(err !== null && err.code === Code.INVALID_ARGUMENT, `step ${i}: the incorrect secret was accepted`);
        }
      });
      // every secret accepted so far is still derivable
      for (const step of seq.steps.filter((x: any) => x.ok)) expectBytes(shachainLookup(s, st, BigInt(step.index)), step.secret, "lookup");
    },
  })),
};

const derivation: Suite = {
  name: "bolt3-appendix-e",
  cases: () => [
    { id: "localpubkey from basepoint and per_commitment_point", run(s: Signer) { expectBytes(derivePubkey(s, b(E.base_point), b(E.per_commitment_point)), E.localpubkey, "localpubkey"); } },
    { id: "localprivkey from basepoint secret and per_commitment_point", run(s: Signer) { expectBytes(derivePrivkey(s, b(E.base_secret), b(E.per_commitment_point)), E.localprivkey, "localprivkey"); } },
    { id: "revocationpubkey from revocation basepoint and per_commitment_point", run(s: Signer) { expectBytes(revocationPubkey(s, b(E.base_point), b(E.per_commitment_point)), E.revocationpubkey, "revocationpubkey"); } },
    { id: "revocationprivkey from the two secrets", run(s: Signer) { expectBytes(revocationPrivkey(s, b(E.base_secret), b(E.per_commitment_secret)), E.revocationprivkey, "revocationprivkey"); } },
  ],
};

export default [generation, storage, derivation];
