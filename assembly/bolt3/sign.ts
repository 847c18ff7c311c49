// Signatures on BOLT 3 transactions (BIP143, DER + sighash byte) and their witnesses.
import { ecdsaSign, ecdsaVerify } from "../crypto";
import { Tx } from "../bitcoin/tx";
import { SigHash, Sighasher } from "../bitcoin/sighash";
import { derDecode, derEncode } from "../bitcoin/der";
import { Commitment, CommitmentKeys, CommitmentParams, OutKind } from "./commitment";
import { buildHtlcTx } from "./htlc";
import { fundingScript } from "./scripts";
import { compareBytes } from "../codec/bytes";

/** DER signature of input `index` of `tx` spending `amount` locked by `witnessScript` (BIP143). */
export function signInput(tx: Tx, witnessScript: Uint8Array, amount: u64, sec: Uint8Array, hashType: u8 = SigHash.ALL, index: i32 = 0): Uint8Array | null {
  const d = new Sighasher(tx).segwitV0(index, witnessScript, amount, hashType);
  if (d === null) return null;
  const sig = ecdsaSign(sec, d!);
  return sig === null ? null : derEncode(sig!, hashType);
}

/** Does the DER signature (its sighash byte among `allowed`) sign input 0 for `pub`? */
export function verifyInput(tx: Tx, witnessScript: Uint8Array, amount: u64, pub: Uint8Array, der: Uint8Array, allowed: u8[]): bool {
  const c = derDecode(der);
  if (c === null || !allowed.includes(der[der.length - 1])) return false;
  const d = new Sighasher(tx).segwitV0(0, witnessScript, amount, der[der.length - 1]);
  return d !== null && ecdsaVerify(c!, d!, pub);
}

/** Witness of the funding input: 0 <sig of the first key> <sig of the second key> <funding script>. */
export function fundingWitness(pubA: Uint8Array, sigA: Uint8Array, pubB: Uint8Array, sigB: Uint8Array, fundingScript: Uint8Array): Uint8Array[] {
  const w = new Array<Uint8Array>();
  w.push(new Uint8Array(0));
  if (compareBytes(pubA, pubB) < 0) { w.push(sigA); w.push(sigB); } else { w.push(sigB); w.push(sigA); }
  w.push(fundingScript);
  return w;
}

/** Witness of an HTLC-success (with the preimage) or HTLC-timeout (empty) tx: 0 <remote sig> <local sig> <preimage|empty> <script>. */
export function htlcWitness(remoteSig: Uint8Array, localSig: Uint8Array, preimage: Uint8Array, witnessScript: Uint8Array): Uint8Array[] {
  const w = new Array<Uint8Array>();
  w.push(new Uint8Array(0));
  w.push(remoteSig);
  w.push(localSig);
  w.push(preimage);
  w.push(witnessScript);
  return w;
}

/**
 * Our signatures on the peer's commitment `c` (built from `p` and `k`, the peer
 * broadcasting): [commitment sig, then one per HTLC tx in output order], DER
 * with SIGHASH_ALL, HTLC txs SINGLE|ANYONECANPAY with anchors. Null on a bad key.
 */
export function signCounterpartyCommitment(p: CommitmentParams, c: Commitment, k: CommitmentKeys, fundingSat: u64, fundingSecret: Uint8Array, htlcSecret: Uint8Array): Uint8Array[] | null {
  const out = new Array<Uint8Array>();
  const sig = signInput(c.tx, fundingScript(k.broadcasterFunding, k.countersignatoryFunding), fundingSat, fundingSecret);
  if (sig === null) return null;
  out.push(sig!);
  const ht: u8 = p.anchors ? <u8>(SigHash.SINGLE | SigHash.ANYONECANPAY) : SigHash.ALL;
  for (let o = 0; o < c.outputs.length; o++) {
    const b = c.outputs[o];
    if (b.kind != OutKind.HTLC) continue;
    const tx = buildHtlcTx(c, o, p.htlcs[b.htlc], p.feeratePerKw, p.anchors, k.revocation, k.broadcasterDelayed, p.toSelfDelay);
    const hs = signInput(tx, b.witnessScript, b.value, htlcSecret, ht);
    if (hs === null) return null;
    out.push(hs!);
  }
  return out;
}
