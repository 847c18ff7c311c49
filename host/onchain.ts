// Client of the core's on-chain wallet methods (assembly/signer/onchain.ts, 0x0500-0x0501):
// funding transactions and wallet spends signed under policy §On-chain transactions.
import { Reader, Writer } from "./protocol/codec.js";
import { Signer } from "./signer.js";

export const OnchainMethod = { SIGN_ONCHAIN_TX: 0x0500, WALLET_ACCOUNT: 0x0501 } as const;

/** What the node says each output is; the core verifies every claim before signing. */
export type OutputClaim =
  | { kind: "change"; branch: number; index: number } // the wallet's P2WPKH at m/84'/coin'/0'/branch/index
  | { kind: "funding"; channelId: Uint8Array } // the funding output of a channel set up with ready_channel
  | { kind: "external" }; // a payment out: must be on the allowlist

const now = () => BigInt(Math.floor(Date.now() / 1000));

/** The PSBT with the wallet's partial signatures added, and how many were added. */
export function signOnchainTx(s: Signer, psbt: Uint8Array, claims: OutputClaim[], hostTime = now()): { psbt: Uint8Array; added: number } {
  const w = new Writer().varbytes(psbt).u16(claims.length);
  for (const c of claims) {
    if (c.kind === "change") w.u8(0).u32(c.branch).u32(c.index);
    else if (c.kind === "funding") w.u8(1).bytes(c.channelId);
    else w.u8(2);
  }
  const r = new Reader(s.request(OnchainMethod.SIGN_ONCHAIN_TX, w.u64(hostTime).finish()));
  const out = { psbt: r.varbytes(), added: r.u16() };
  r.finish();
  return out;
}

/** The wallet's BIP32 root fingerprint, account path (m/84'/coin'/0') and account xpub, for building PSBTs. */
export function walletAccount(s: Signer): { fingerprint: number; path: number[]; xpub: string } {
  const r = new Reader(s.request(OnchainMethod.WALLET_ACCOUNT));
  const fingerprint = r.u32();
  const path: number[] = [];
  for (let i = 0, n = r.u8(); i < n; i++) path.push(r.u32());
  const xpub = new TextDecoder().decode(r.varbytes());
  r.finish();
  return { fingerprint, path, xpub };
}
