// tools/bolt3 (0x8200-0x82ff): BOLT 3 computations on caller data (keys,
// per-commitment secrets, the shachain receiver storage, transactions), for
// the spec's vectors and differential tests. The signer's own keys are not used.
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { Code, CoreError, malformed, invalidArgument } from "../protocol/errors";
import { derivePrivkey, derivePubkey, perCommitmentSecret, revocationPrivkey, revocationPubkey, MAX_INDEX } from "../bolt3/keys";
import { Shachain } from "../bolt3/shachain";
import { Commitment, CommitmentKeys, CommitmentParams, Htlc, OutKind, buildCommitment, obscuringFactor } from "../bolt3/commitment";
import { buildHtlcTx } from "../bolt3/htlc";
import { fundingWitness, htlcWitness, signCounterpartyCommitment, signInput, verifyInput } from "../bolt3/sign";
import { fundingScript } from "../bolt3/scripts";
import { legacyClosing, simpleClosing } from "../bolt3/closing";
import { SigHash } from "../bitcoin/sighash";
import { sha256 } from "../crypto";

export namespace Bolt3Tool {
  /** seed[32] | u64 index → secret[32] */
  export const PER_COMMITMENT_SECRET: u16 = 0x8200;
  /** basepoint[33] | per_commitment_point[33] → pubkey[33] */
  export const DERIVE_PUBKEY: u16 = 0x8201;
  /** basepoint_secret[32] | per_commitment_point[33] → privkey[32] */
  export const DERIVE_PRIVKEY: u16 = 0x8202;
  /** revocation_basepoint[33] | per_commitment_point[33] → revocationpubkey[33] */
  export const REVOCATION_PUBKEY: u16 = 0x8203;
  /** revocation_basepoint_secret[32] | per_commitment_secret[32] → revocationprivkey[32] */
  export const REVOCATION_PRIVKEY: u16 = 0x8204;
  /** varbytes storage (empty: new) | u64 index | secret[32] → varbytes storage; inconsistent: INVALID_ARGUMENT */
  export const SHACHAIN_INSERT: u16 = 0x8205;
  /** varbytes storage | u64 index → secret[32] */
  export const SHACHAIN_LOOKUP: u16 = 0x8206;
  /**
   * Build, sign and finalize a holder commitment and its HTLC txs (the shape of
   * BOLT 3 Appendix C/F vectors): readParams() fields | u64 funding_sat | opener and accepter
   * payment basepoints | 7 keys | funding and htlc secrets | varbytes remote sig | htlcs | remote htlc sigs. Returns
   * varbytes commitment | varbytes local_sig | u8 m | m × (u32 htlc | varbytes htlc_tx | varbytes local_htlc_sig).
   */
  export const SIGNED_COMMITMENT: u16 = 0x8210;
  /** pubkey_a[33] | pubkey_b[33] → varbytes funding witness script (BOLT 3 Appendix B). */
  export const FUNDING_SCRIPT: u16 = 0x8211;
  /**
   * Build an unsigned commitment from basepoints and a per-commitment point (keys derived in the core):
   * u8 anchors | funding_txid[32] | u32 vout | u64 commitment_number | u32 to_self_delay | u64 dust_limit |
   * u64 feerate_per_kw | u64 to_broadcaster_msat | u64 to_countersignatory_msat | u8 broadcaster_is_funder |
   * per_commitment_point[33] | broadcaster: payment, delayed, htlc, funding [33 each] |
   * countersignatory: payment, revocation, htlc, funding [33 each] | u16 n | n × (u8 offered | u64 msat | u32 cltv | hash[32])
   * → varbytes tx | u64 to_broadcaster_sat | u64 to_countersignatory_sat | u64 fee | n × u32 output index (0xffffffff: trimmed) |
   *   u16 k | k × varbytes witness_script (per output, empty for P2WPKH) | u16 m | m × varbytes unsigned HTLC tx (output order)
   */
  export const BUILD_COMMITMENT: u16 = 0x8212;
  /**
   * funding_txid[32] | u32 vout | u64 holder_msat | u64 counterparty_msat | u8 holder_is_funder | u64 fee_sat |
   * varbytes holder_script | varbytes counterparty_script | u64 dust_limit | u8 omit_holder → varbytes tx
   */
  export const LEGACY_CLOSING: u16 = 0x8213;
  /** funding_txid[32] | u32 vout | u32 locktime | u64 closer_msat | u64 closee_msat | u64 fee_sat | u8 has [varbytes closer_script] | u8 has [varbytes closee_script] → varbytes tx */
  export const SIMPLE_CLOSING: u16 = 0x8214;
  /**
   * Sign the peer's commitment as its countersignatory: the BUILD_COMMITMENT payload (the peer is the
   * broadcaster) followed by our funding_secret[32] | htlc_basepoint_secret[32] | u64 funding_sat →
   * varbytes commitment signature | u16 n | n × varbytes HTLC-tx signature (output order; anchors: SINGLE|ANYONECANPAY).
   */
  export const SIGN_COUNTERPARTY_COMMITMENT: u16 = 0x8215;
}

/** u8 anchors | funding_txid[32] | u32 vout | u64 number | u32 to_self_delay | u64 dust | u64 feerate | u64 to_broadcaster_msat | u64 to_countersignatory_msat */
function readParams(r: Reader): CommitmentParams {
  const p = new CommitmentParams();
  p.anchors = r.u8() == 1;
  p.fundingTxid = r.bytes(32);
  p.fundingVout = r.u32();
  p.commitmentNumber = r.u64();
  p.toSelfDelay = r.u32();
  p.dustLimitSat = r.u64();
  p.feeratePerKw = r.u64();
  p.toBroadcasterMsat = r.u64();
  p.toCountersignatoryMsat = r.u64();
  return p;
}

function buildFromBasepoints(r: Reader, w: Writer, sign: bool = false): CoreError | null {
  const p = readParams(r);
  p.broadcasterIsFunder = r.u8() == 1;
  const pcp = r.bytes(33);
  const bPay = r.bytes(33), bDelayed = r.bytes(33), bHtlc = r.bytes(33), bFunding = r.bytes(33);
  const cPay = r.bytes(33), cRevocation = r.bytes(33), cHtlc = r.bytes(33), cFunding = r.bytes(33);
  const n = <i32>r.u16();
  if (r.ok() && n > 2 * 483) r.fail("at most 966 HTLCs");
  for (let i = 0; i < n && r.ok(); i++) p.htlcs.push(new Htlc(r.u8() == 1, r.u64(), r.u32(), r.bytes(32)));
  const fundingSecret = sign ? r.bytes(32) : new Uint8Array(0), htlcBaseSecret = sign ? r.bytes(32) : new Uint8Array(0);
  const fundingSat = sign ? r.u64() : 0;
  if (!r.finish()) return malformed(r.err!);
  const rev = revocationPubkey(cRevocation, pcp), delayed = derivePubkey(bDelayed, pcp);
  const bh = derivePubkey(bHtlc, pcp), ch = derivePubkey(cHtlc, pcp);
  if (rev === null || delayed === null || bh === null || ch === null) return invalidArgument("points");
  p.obscuringFactor = p.broadcasterIsFunder ? obscuringFactor(bPay, cPay) : obscuringFactor(cPay, bPay);
  const keys = new CommitmentKeys(rev!, delayed!, cPay, bh!, ch!, bFunding, cFunding);
  const c = buildCommitment(p, keys);
  if (sign) {
    const hs = derivePrivkey(htlcBaseSecret, pcp);
    if (hs === null) return invalidArgument("secrets");
    const sigs = signCounterpartyCommitment(p, c, keys, fundingSat, fundingSecret, hs!);
    if (sigs === null) return invalidArgument("secrets");
    w.varbytes(sigs![0]).u16(<u16>(sigs!.length - 1));
    for (let i = 1; i < sigs!.length; i++) w.varbytes(sigs![i]);
    return null;
  }
  let toB: u64 = 0, toC: u64 = 0;
  for (let i = 0; i < c.outputs.length; i++) {
    if (c.outputs[i].kind == OutKind.TO_LOCAL) toB = c.outputs[i].value;
    if (c.outputs[i].kind == OutKind.TO_REMOTE) toC = c.outputs[i].value;
  }
  w.varbytes(c.tx.serialize(false)).u64(toB).u64(toC).u64(c.fee);
  for (let i = 0; i < p.htlcs.length; i++) w.u32(<u32>c.htlcOutput(i));
  // What a node hands the signer with its own commitment: each output's witness script, the unsigned HTLC txs.
  w.u16(<u16>c.outputs.length);
  for (let i = 0; i < c.outputs.length; i++) w.varbytes(c.outputs[i].witnessScript);
  let m = 0;
  for (let i = 0; i < c.outputs.length; i++) if (c.outputs[i].kind == OutKind.HTLC) m++;
  w.u16(<u16>m);
  for (let i = 0; i < c.outputs.length; i++) {
    if (c.outputs[i].kind != OutKind.HTLC) continue;
    w.varbytes(buildHtlcTx(c, i, p.htlcs[c.outputs[i].htlc], p.feeratePerKw, p.anchors, keys.revocation, keys.broadcasterDelayed, p.toSelfDelay).serialize(false));
  }
  return null;
}

class VectorHtlc { constructor(public h: Htlc, public preimage: Uint8Array) {} }

/** Commitment (local = broadcaster = opener) with its keys, secrets and the remote signatures. */
function signedCommitment(r: Reader, w: Writer): CoreError | null {
  const p = readParams(r);
  const fundingSat = r.u64();
  const localPay = r.bytes(33), remotePay = r.bytes(33);
  const k = new CommitmentKeys(r.bytes(33), r.bytes(33), r.bytes(33), r.bytes(33), r.bytes(33), r.bytes(33), r.bytes(33));
  const fundingSecret = r.bytes(32), htlcSecret = r.bytes(32);
  const remoteSig = r.varbytes(73);
  const n = <i32>r.u8();
  const vh = new Array<VectorHtlc>();
  for (let i = 0; i < n && r.ok(); i++) {
    const offered = r.u8() == 1, amount = r.u64(), cltv = r.u32(), preimage = r.bytes(32);
    vh.push(new VectorHtlc(new Htlc(offered, amount, cltv, sha256(preimage)), preimage));
    p.htlcs.push(vh[i].h);
  }
  const m = <i32>r.u8();
  const remoteHtlcSigs = new Array<Uint8Array>();
  for (let i = 0; i < m && r.ok(); i++) remoteHtlcSigs.push(r.varbytes(73));
  if (!r.finish()) return malformed(r.err!);
  p.obscuringFactor = obscuringFactor(localPay, remotePay);
  const c = buildCommitment(p, k);
  const fs = fundingScript(k.broadcasterFunding, k.countersignatoryFunding);
  const all: u8[] = [SigHash.ALL];
  if (!verifyInput(c.tx, fs, fundingSat, k.countersignatoryFunding, remoteSig, all)) return invalidArgument("remote commitment signature does not verify");
  const localSig = signInput(c.tx, fs, fundingSat, fundingSecret);
  if (localSig === null) return invalidArgument("funding secret");
  c.tx.inputs[0].witness = fundingWitness(k.broadcasterFunding, localSig!, k.countersignatoryFunding, remoteSig, fs);
  w.varbytes(c.tx.serialize(true)).varbytes(localSig!);
  // HTLC txs in output order, each with the next remote signature.
  const order = new Array<i32>();
  for (let o = 0; o < c.outputs.length; o++) if (c.outputs[o].kind == OutKind.HTLC) order.push(o);
  if (order.length != remoteHtlcSigs.length) return invalidArgument("one remote signature per untrimmed HTLC");
  const remoteTypes: u8[] = p.anchors ? [<u8>(SigHash.SINGLE | SigHash.ANYONECANPAY)] : all;
  w.u8(<u8>order.length);
  for (let j = 0; j < order.length; j++) {
    const out = c.outputs[order[j]];
    const h = vh[out.htlc];
    const tx = buildHtlcTx(c, order[j], h.h, p.feeratePerKw, p.anchors, k.revocation, k.broadcasterDelayed, p.toSelfDelay);
    if (!verifyInput(tx, out.witnessScript, out.value, k.countersignatoryHtlc, remoteHtlcSigs[j], remoteTypes)) return invalidArgument("remote HTLC signature " + j.toString() + " does not verify");
    const ls = signInput(tx, out.witnessScript, out.value, htlcSecret);
    if (ls === null) return invalidArgument("htlc secret");
    tx.inputs[0].witness = htlcWitness(remoteHtlcSigs[j], ls!, h.h.offered ? new Uint8Array(0) : h.preimage, out.witnessScript);
    w.u32(<u32>out.htlc).varbytes(tx.serialize(true)).varbytes(ls!);
  }
  return null;
}

function storage(b: Uint8Array): Shachain | null {
  if (b.length == 0) return new Shachain();
  const r = new Reader(b);
  const s = Shachain.read(r);
  return s !== null && r.finish() ? s : null;
}

function out(w: Writer, v: Uint8Array | null, what: string): CoreError | null {
  if (v === null) return invalidArgument(what);
  w.bytes(v!);
  return null;
}

export function handleBolt3Tool(method: u16, r: Reader, w: Writer): CoreError | null {
  if (method == Bolt3Tool.PER_COMMITMENT_SECRET) {
    const seed = r.bytes(32), index = r.u64();
    if (!r.finish()) return malformed(r.err!);
    if (index > MAX_INDEX) return invalidArgument("index above 2^48 - 1");
    w.bytes(perCommitmentSecret(seed, index));
    return null;
  }
  if (method == Bolt3Tool.DERIVE_PUBKEY || method == Bolt3Tool.REVOCATION_PUBKEY) {
    const base = r.bytes(33), pcp = r.bytes(33);
    if (!r.finish()) return malformed(r.err!);
    return out(w, method == Bolt3Tool.DERIVE_PUBKEY ? derivePubkey(base, pcp) : revocationPubkey(base, pcp), "point");
  }
  if (method == Bolt3Tool.DERIVE_PRIVKEY) {
    const sec = r.bytes(32), pcp = r.bytes(33);
    if (!r.finish()) return malformed(r.err!);
    return out(w, derivePrivkey(sec, pcp), "key");
  }
  if (method == Bolt3Tool.REVOCATION_PRIVKEY) {
    const a = r.bytes(32), b = r.bytes(32);
    if (!r.finish()) return malformed(r.err!);
    return out(w, revocationPrivkey(a, b), "key");
  }
  if (method == Bolt3Tool.SHACHAIN_INSERT || method == Bolt3Tool.SHACHAIN_LOOKUP) {
    const st = r.varbytes(49 * 40 + 8);
    const index = r.u64();
    const secret = method == Bolt3Tool.SHACHAIN_INSERT ? r.bytes(32) : new Uint8Array(0);
    if (!r.finish()) return malformed(r.err!);
    const s = storage(st);
    if (s === null) return malformed("shachain storage");
    if (method == Bolt3Tool.SHACHAIN_LOOKUP) return out(w, s!.lookup(index), "secret not derivable from the storage");
    if (!s!.insert(index, secret)) return invalidArgument("secret does not derive the stored ones");
    const sw = new Writer(64);
    s!.write(sw);
    w.varbytes(sw.finish());
    return null;
  }
  if (method == Bolt3Tool.SIGNED_COMMITMENT) return signedCommitment(r, w);
  if (method == Bolt3Tool.BUILD_COMMITMENT) return buildFromBasepoints(r, w);
  if (method == Bolt3Tool.SIGN_COUNTERPARTY_COMMITMENT) return buildFromBasepoints(r, w, true);
  if (method == Bolt3Tool.LEGACY_CLOSING) {
    const txid = r.bytes(32), vout = r.u32(), hm = r.u64(), cm = r.u64(), funder = r.u8() == 1, fee = r.u64();
    const hs = r.varbytes(10_000), cs = r.varbytes(10_000), dust = r.u64(), omit = r.u8() == 1;
    if (!r.finish()) return malformed(r.err!);
    const tx = legacyClosing(txid, vout, hm, cm, funder, fee, hs, cs, dust, omit);
    if (tx === null) return invalidArgument("no output left, or the fee exceeds the funder's balance");
    w.varbytes(tx!.serialize(false));
    return null;
  }
  if (method == Bolt3Tool.SIMPLE_CLOSING) {
    const txid = r.bytes(32), vout = r.u32(), lt = r.u32(), cm = r.u64(), em = r.u64(), fee = r.u64();
    const cs = r.u8() == 1 ? r.varbytes(10_000) : null;
    const es = r.u8() == 1 ? r.varbytes(10_000) : null;
    if (!r.finish()) return malformed(r.err!);
    const tx = simpleClosing(txid, vout, lt, cm, em, fee, cs, es);
    if (tx === null) return invalidArgument("no output left, or the fee exceeds the closer's balance");
    w.varbytes(tx!.serialize(false));
    return null;
  }
  if (method == Bolt3Tool.FUNDING_SCRIPT) {
    const a = r.bytes(33), b = r.bytes(33);
    if (!r.finish()) return malformed(r.err!);
    w.varbytes(fundingScript(a, b));
    return null;
  }
  return new CoreError(Code.UNKNOWN_METHOD, "unknown method");
}
