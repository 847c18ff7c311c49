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

export interface VectorHtlc { offered: boolean; amountMsat: bigint; cltvExpiry: number; preimage: Uint8Array }
export interface HolderCommitmentInput {
  anchors: boolean; fundingTxid: Uint8Array; fundingVout: number; fundingSat: bigint;
  openerPaymentBasepoint: Uint8Array; accepterPaymentBasepoint: Uint8Array;
  commitmentNumber: bigint; toSelfDelay: number; dustLimitSat: bigint; feeratePerKw: bigint; toLocalMsat: bigint; toRemoteMsat: bigint;
  keys: { revocation: Uint8Array; localDelayed: Uint8Array; remote: Uint8Array; localHtlc: Uint8Array; remoteHtlc: Uint8Array; localFunding: Uint8Array; remoteFunding: Uint8Array };
  localFundingSecret: Uint8Array; localHtlcSecret: Uint8Array; remoteSig: Uint8Array; htlcs: VectorHtlc[]; remoteHtlcSigs: Uint8Array[];
}

/** The core builds, signs and finalizes a holder commitment and its HTLC txs (BOLT 3 Appendix C/F shape). */
export function signedCommitment(s: Signer, c: HolderCommitmentInput): { tx: Uint8Array; localSig: Uint8Array; htlcTxs: Array<{ htlc: number; tx: Uint8Array; localSig: Uint8Array }> } {
  const w = new Writer().u8(c.anchors ? 1 : 0).bytes(c.fundingTxid).u32(c.fundingVout).u64(c.commitmentNumber).u32(c.toSelfDelay).u64(c.dustLimitSat).u64(c.feeratePerKw).u64(c.toLocalMsat).u64(c.toRemoteMsat)
    .u64(c.fundingSat).bytes(c.openerPaymentBasepoint).bytes(c.accepterPaymentBasepoint);
  const k = c.keys;
  for (const key of [k.revocation, k.localDelayed, k.remote, k.localHtlc, k.remoteHtlc, k.localFunding, k.remoteFunding]) w.bytes(key);
  w.bytes(c.localFundingSecret).bytes(c.localHtlcSecret).varbytes(c.remoteSig).u8(c.htlcs.length);
  for (const h of c.htlcs) w.u8(h.offered ? 1 : 0).u64(h.amountMsat).u32(h.cltvExpiry).bytes(h.preimage);
  w.u8(c.remoteHtlcSigs.length);
  for (const sig of c.remoteHtlcSigs) w.varbytes(sig);
  const r = new Reader(s.request(0x8210, w.finish()));
  const tx = r.varbytes(), localSig = r.varbytes();
  const htlcTxs = [];
  for (let i = 0, n = r.u8(); i < n; i++) htlcTxs.push({ htlc: r.u32(), tx: r.varbytes(), localSig: r.varbytes() });
  r.finish();
  return { tx, localSig, htlcTxs };
}

export const fundingScript = (s: Signer, a: Uint8Array, b: Uint8Array) => new Reader(s.request(0x8211, new Writer().bytes(a).bytes(b).finish())).varbytes();
