// Client of the core's tools/bolt3 methods (assembly/tools/bolt3.ts).
import { Reader, Writer } from "../protocol/codec.js";
import { Signer } from "../signer.js";

export const Bolt3Tool = {
  PER_COMMITMENT_SECRET: 0x8200, DERIVE_PUBKEY: 0x8201, DERIVE_PRIVKEY: 0x8202, REVOCATION_PUBKEY: 0x8203,
  REVOCATION_PRIVKEY: 0x8204, SHACHAIN_INSERT: 0x8205, SHACHAIN_LOOKUP: 0x8206,
} as const;

export const perCommitmentSecret = (s: Signer, seed: Uint8Array, index: bigint) => s.request(Bolt3Tool.PER_COMMITMENT_SECRET, new Writer().bytes(seed).u64(index).finish());
export const derivePubkey = (s: Signer, basepoint: Uint8Array, pcPoint: Uint8Array) => s.request(Bolt3Tool.DERIVE_PUBKEY, new Writer().bytes(basepoint).bytes(pcPoint).finish());
export const derivePrivkey = (s: Signer, baseSecret: Uint8Array, pcPoint: Uint8Array) => s.request(Bolt3Tool.DERIVE_PRIVKEY, new Writer().bytes(baseSecret).bytes(pcPoint).finish());
export const revocationPubkey = (s: Signer, revBasepoint: Uint8Array, pcPoint: Uint8Array) => s.request(Bolt3Tool.REVOCATION_PUBKEY, new Writer().bytes(revBasepoint).bytes(pcPoint).finish());
export const revocationPrivkey = (s: Signer, revBaseSecret: Uint8Array, pcSecret: Uint8Array) => s.request(Bolt3Tool.REVOCATION_PRIVKEY, new Writer().bytes(revBaseSecret).bytes(pcSecret).finish());

/** Insert into a shachain storage blob (empty: new); throws INVALID_ARGUMENT when the secret is inconsistent. */
export function shachainInsert(s: Signer, storage: Uint8Array, index: bigint, secret: Uint8Array): Uint8Array {
  return new Reader(s.request(Bolt3Tool.SHACHAIN_INSERT, new Writer().varbytes(storage).u64(index).bytes(secret).finish())).varbytes();
}

export const shachainLookup = (s: Signer, storage: Uint8Array, index: bigint) => s.request(Bolt3Tool.SHACHAIN_LOOKUP, new Writer().varbytes(storage).u64(index).finish());
