// Rules for the on-chain wallet's transactions (channel funding, wallet spends):
// ../shared/policy-rules.md §On-chain transactions, and policy-velocity-funding.
// Pure over a parsed PSBT (bitcoin/psbt.ts), the node's claim for each output
// (the channels they name resolved by the caller), the wallet's account key,
// the payment book (allowlist, funding log) and the funded value already in
// the velocity window. Nothing is changed here: the caller signs and records.
//
// The wallet is BIP84 account 0 under the seed's BIP32 root: P2WPKH keys at
// m/84'/coin'/0'/branch/index (coin 0 on bitcoin, 1 elsewhere; branch 0
// receive, 1 change). docs/protocol.md §On-chain wallet.
import { CoreError } from "../protocol/errors";
import { hash160 } from "../crypto";
import { Policy } from "./engine";
import { Rule } from "./rules";
import { PaymentBook } from "./payments";
import { Psbt, In, spentOutput } from "../bitcoin/psbt";
import { ExtendedKey, HARDENED } from "../bitcoin/bip32";
import { ScriptType, classify, p2wpkhOfKey, p2wshOf, witnessVersion } from "../bitcoin/script";
import { TxOut } from "../bitcoin/tx";
import { fundingScript } from "../bolt3/scripts";
import { Channel } from "../signer/channel";
import { bytesEqual } from "../codec/bytes";

export const MAX_MONEY: u64 = 2_100_000_000_000_000;
/** Bitcoin Core's default -datacarriersize before v30: an OP_RETURN output of at most 83 bytes. */
export const MAX_OP_RETURN: i32 = 83;

/** What the node says an output is. */
export namespace Claim {
  export const CHANGE: u8 = 0; // our wallet, at account/branch/index
  export const FUNDING: u8 = 1; // funds the channel `channelId`
  export const EXTERNAL: u8 = 2; // a payment out: must be allowlisted
}

export class OutputClaim {
  branch: u32 = 0;
  index: u32 = 0;
  channelId: Uint8Array = new Uint8Array(0);
  channel: Channel | null = null; // resolved by the caller for FUNDING
  constructor(public kind: u8) {}
}

/** What the checks found, for the caller: the wallet paths to sign with, funded value, fee. */
export class OnchainCheck {
  walletPaths: u32[][] = []; // full paths from the root, verified against the spent scripts
  fundedSat: u64 = 0;
  feeSat: u64 = 0;
  weight: u32 = 0;
}


function u32le(v: Uint8Array, at: i32): u32 {
  return <u32>v[at] | (<u32>v[at + 1] << 8) | (<u32>v[at + 2] << 16) | (<u32>v[at + 3] << 24);
}

/** Bitcoin Core's dust threshold at 3 sat/vB (GetDustThreshold): spending the output must cost less than it holds. */
export function dustLimit(script: Uint8Array): u64 {
  const spend: u64 = witnessVersion(script) >= 0 ? 67 : 148;
  return 3 * (8 + 1 + <u64>script.length + spend);
}

/**
 * Is input `i` segwit, so that its txid cannot be changed by a third party?
 * Its witness UTXO is a witness program, or P2SH of a witness program given
 * as the redeem script (BIP141 P2SH-nested).
 */
export function segwitInput(p: Psbt, i: i32): bool {
  const m = p.inputs[i];
  const w = m.first(In.WITNESS_UTXO);
  if (w === null) return false;
  const utxo = spentOutput(p, i)!;
  if (witnessVersion(utxo.script) >= 0) return true;
  const redeem = m.first(In.REDEEM_SCRIPT);
  return redeem !== null && classify(utxo.script) == ScriptType.P2SH && bytesEqual(hash160(redeem.value), utxo.script.subarray(2, 22)) && witnessVersion(redeem.value) >= 0;
}

/**
 * BIP141 weight of the signed transaction, estimated: the unsigned tx, plus
 * a final witness/scriptSig when the PSBT has one, else the size of a
 * signature for the templates whose spend is known (P2WPKH 108 WU of
 * witness, P2SH-P2WPKH 92 WU of scriptSig + 108, P2TR key path 66, P2PKH
 * 428 WU of scriptSig). Other inputs count only their witness count byte: a
 * lower bound.
 */
export function estimatedWeight(p: Psbt): u32 {
  let w: u64 = <u64>p.tx.weight();
  let wit: u64 = 0;
  let segwit = false;
  for (let i = 0; i < p.inputs.length; i++) {
    const m = p.inputs[i];
    const fw = m.first(In.FINAL_SCRIPTWITNESS), fs = m.first(In.FINAL_SCRIPTSIG);
    if (fs !== null) w += 4 * <u64>fs.value.length + (fs.value.length >= 0xfd ? 8 : 0);
    if (fw !== null) { wit += <u64>fw.value.length; segwit = true; continue; }
    if (fs !== null) { wit += 1; continue; }
    const utxo = spentOutput(p, i);
    if (utxo === null) { wit += 1; continue; }
    const t = classify(utxo.script);
    const redeem = m.first(In.REDEEM_SCRIPT);
    if (t == ScriptType.P2WPKH) { wit += 108; segwit = true; }
    else if (t == ScriptType.P2TR) { wit += 66; segwit = true; }
    else if (t == ScriptType.P2SH && redeem !== null && classify(redeem.value) == ScriptType.P2WPKH) { w += 4 * 23; wit += 108; segwit = true; }
    else if (t == ScriptType.P2PKH) { w += 4 * 107; wit += 1; }
    else { wit += 1; if (witnessVersion(utxo.script) >= 0) segwit = true; }
  }
  if (segwit) w += 2 + wit;
  return w > <u64>u32.MAX_VALUE ? u32.MAX_VALUE : <u32>w;
}

/** Is `path` (from the root) a key of the wallet account `account` (m/84'/coin'/0'): account/{0,1}/index, index not hardened? */
export function isWalletPath(account: u32[], path: u32[]): bool {
  if (path.length != account.length + 2) return false;
  for (let i = 0; i < account.length; i++) if (path[i] != account[i]) return false;
  return path[account.length] <= 1 && path[account.length + 1] < HARDENED;
}

/**
 * The inputs the wallet owns: BIP32 derivations with the root's fingerprint
 * at a wallet path whose key derives from the account key and whose P2WPKH
 * script is the one the input spends. Only these paths are signed with: a
 * derivation naming the node key (m/0') or a channel key is never used.
 */
export function walletInputs(p: Psbt, rootFingerprint: u32, accountPath: u32[], account: ExtendedKey): u32[][] {
  const out = new Array<u32[]>();
  for (let i = 0; i < p.inputs.length; i++) {
    const utxo = spentOutput(p, i);
    if (utxo === null) continue;
    const recs = p.inputs[i].all(In.BIP32_DERIVATION);
    for (let k = 0; k < recs.length; k++) {
      const v = recs[k].value;
      const fp = (<u32>v[0] << 24) | (<u32>v[1] << 16) | (<u32>v[2] << 8) | <u32>v[3];
      if (fp != rootFingerprint || recs[k].keyData.length != 33) continue;
      const path = new Array<u32>();
      for (let at = 4; at + 4 <= v.length; at += 4) path.push(u32le(v, at));
      if (!isWalletPath(accountPath, path)) continue;
      const key = account.derivePath([path[accountPath.length], path[accountPath.length + 1]]);
      if (key === null || !bytesEqual(key.pubkey, recs[k].keyData) || !bytesEqual(p2wpkhOfKey(key.pubkey), utxo.script)) continue;
      out.push(path);
    }
  }
  return out;
}

/** policy-onchain-format-standard: version, BIP68 sequence, output templates, dust, OP_RETURN size. */
function checkFormat(p: Policy, psbt: Psbt): CoreError | null {
  const tx = psbt.tx;
  const R = Rule.ONCHAIN_FORMAT_STANDARD;
  let e = p.check(R, tx.version == 1 || tx.version == 2, "version " + tx.version.toString());
  if (e !== null) return e;
  e = p.check(R, tx.inputs.length > 0 && tx.outputs.length > 0, "no inputs or outputs");
  if (e !== null) return e;
  if (tx.version >= 2) {
    for (let i = 0; i < tx.inputs.length; i++) {
      // BIP68: a sequence without the disable flag is a relative lock the node could use to delay the tx.
      e = p.check(R, (tx.inputs[i].sequence & 0x80000000) != 0, "input " + i.toString() + ": BIP68 relative lock");
      if (e !== null) return e;
    }
  }
  let total: u64 = 0, opReturns = 0;
  for (let i = 0; i < tx.outputs.length; i++) {
    const o = tx.outputs[i];
    const t = classify(o.script);
    e = p.check(R, t != ScriptType.UNKNOWN, "output " + i.toString() + ": non-standard script");
    if (e !== null) return e;
    if (t == ScriptType.OP_RETURN) {
      opReturns++;
      e = p.check(R, o.script.length <= MAX_OP_RETURN && opReturns == 1, "output " + i.toString() + ": OP_RETURN");
    } else {
      e = p.check(R, o.value >= dustLimit(o.script), "output " + i.toString() + ": dust");
    }
    if (e !== null) return e;
    e = p.check(R, o.value <= MAX_MONEY && total + o.value <= MAX_MONEY, "outputs over MAX_MONEY");
    if (e !== null) return e;
    total += o.value;
  }
  return null;
}

/** The rules for one funding output `vout` claimed to fund `c`. */
function checkFunding(p: Policy, psbt: Psbt, vout: i32, c: Channel, txid: Uint8Array): CoreError | null {
  const o = psbt.tx.outputs[vout];
  const at = "output " + vout.toString();
  if (!c.isReady()) return p.check(Rule.ONCHAIN_INITIAL_COMMITMENT_COUNTERSIGNED, false, at + ": channel not set up");
  const s = c.setup!;
  let e = p.check(Rule.ONCHAIN_NO_FUND_INBOUND, s.isOutbound, at + ": inbound channel");
  if (e !== null) return e;
  e = p.check(Rule.ONCHAIN_OUTPUT_SCRIPTPUBKEY, bytesEqual(o.script, p2wshOf(fundingScript(c.secrets.fundingPub, s.counterparty!.funding))),
    at + ": not the channel's funding script");
  if (e !== null) return e;
  e = p.check(Rule.ONCHAIN_OUTPUT_MATCH_COMMITMENT, o.value == s.channelValueSat,
    at + ": " + o.value.toString() + " sat, channel " + s.channelValueSat.toString());
  if (e !== null) return e;
  e = p.check(Rule.ONCHAIN_OUTPUT_MATCH_COMMITMENT, bytesEqual(txid, s.fundingTxid) && <u32>vout == s.fundingVout,
    at + ": not the channel's funding outpoint");
  if (e !== null) return e;
  return p.check(Rule.ONCHAIN_INITIAL_COMMITMENT_COUNTERSIGNED, c.holder.validated >= 1,
    at + ": first commitment not countersigned");
}

/** Every output is what its claim says, and every claim is allowed. */
function checkOutputs(p: Policy, psbt: Psbt, claims: OutputClaim[], account: ExtendedKey, accountPath: u32[], limit: u64, book: PaymentBook, out: OnchainCheck): CoreError | null {
  const txid = psbt.tx.txid();
  for (let i = 0; i < claims.length; i++) {
    const c = claims[i];
    const o = psbt.tx.outputs[i];
    let e: CoreError | null = null;
    if (c.kind == Claim.CHANGE) {
      const at = "output " + i.toString() + ": change .../" + c.branch.toString() + "/" + c.index.toString();
      e = p.check(Rule.ONCHAIN_WALLET_PATH_PREDICTABLE, c.branch <= 1 && c.index < HARDENED && <u64>c.index < limit,
        at + ": past the gap (limit " + limit.toString() + ")");
      if (e !== null) return e;
      const key = account.derivePath([c.branch, c.index]);
      e = p.check(Rule.ONCHAIN_WALLET_PATH_PREDICTABLE, key !== null && bytesEqual(o.script, p2wpkhOfKey(key.pubkey)), at + ": not the wallet's script");
    } else if (c.kind == Claim.FUNDING) {
      e = checkFunding(p, psbt, i, c.channel!, txid);
      out.fundedSat += o.value;
    } else {
      e = p.check(Rule.ONCHAIN_NO_UNKNOWN_OUTPUTS, book.allowsScript(o.script), "output " + i.toString() + ": not allowlisted");
    }
    if (e !== null) return e;
  }
  return null;
}

/**
 * policy-onchain-fee-range: the fee is the spent values less the outputs;
 * every input's spent output must be known (witness or non-witness UTXO).
 */
function checkFee(p: Policy, psbt: Psbt, weight: u32, out: OnchainCheck): CoreError | null {
  const cfg = p.cfg;
  const R = Rule.ONCHAIN_FEE_RANGE;
  let inSum: u64 = 0, outSum: u64 = 0;
  for (let i = 0; i < psbt.inputs.length; i++) {
    const u: TxOut | null = spentOutput(psbt, i);
    const e = p.check(R, u !== null, "input " + i.toString() + ": no UTXO");
    if (e !== null) return e;
    if (u === null) return null; // filtered: the fee cannot be checked further
    if (u.value > MAX_MONEY || inSum + u.value > MAX_MONEY) return p.check(R, false, "inputs over MAX_MONEY");
    inSum += u.value;
  }
  for (let i = 0; i < psbt.tx.outputs.length; i++) outSum += psbt.tx.outputs[i].value;
  let e = p.check(R, inSum >= outSum, "outputs " + outSum.toString() + " > inputs " + inSum.toString());
  if (e !== null || inSum < outSum) return e;
  const fee = inSum - outSum;
  const vsize: u64 = (<u64>weight + 3) / 4;
  out.feeSat = fee;
  e = p.check(R, fee <= cfg.onchainFeeMaxSat, "fee " + fee.toString() + " sat over " + cfg.onchainFeeMaxSat.toString());
  if (e !== null) return e;
  return p.check(R, fee >= <u64>cfg.onchainFeerateMin * vsize && fee <= <u64>cfg.onchainFeerateMax * vsize,
    "fee " + fee.toString() + " sat / " + vsize.toString() + " vB outside [" + cfg.onchainFeerateMin.toString() + ", " + cfg.onchainFeerateMax.toString() + "] sat/vB");
}

/**
 * Every on-chain rule, in this order: format-standard, max-size, each
 * output's claim (wallet-path-predictable / funding rules / no-unknown-outputs),
 * funding-non-malleable, fee-range, velocity-funding. `fundedInWindow` is
 * the funded value of the velocity window (0 for a retried funding tx).
 * Null when the transaction may be signed; `out` says with which paths.
 */
export function checkOnchainTx(p: Policy, psbt: Psbt, claims: OutputClaim[], rootFingerprint: u32, accountPath: u32[], account: ExtendedKey,
  book: PaymentBook, fundedInWindow: u64, out: OnchainCheck): CoreError | null {
  const cfg = p.cfg;
  let e = checkFormat(p, psbt);
  if (e !== null) return e;
  out.weight = estimatedWeight(psbt);
  e = p.check(Rule.ONCHAIN_MAX_SIZE, out.weight <= cfg.maxTxWeight, "weight " + out.weight.toString() + " over " + cfg.maxTxWeight.toString());
  if (e !== null) return e;
  // wallet-path-predictable: change within walletGap of the highest index this tx spends (a wallet
  // restored from the seed scanning with that gap finds it).
  out.walletPaths = walletInputs(psbt, rootFingerprint, accountPath, account);
  let limit: u64 = <u64>cfg.walletGap;
  for (let i = 0; i < out.walletPaths.length; i++) {
    const idx = <u64>out.walletPaths[i][accountPath.length + 1];
    if (idx + 1 + <u64>cfg.walletGap > limit) limit = idx + 1 + <u64>cfg.walletGap;
  }
  e = checkOutputs(p, psbt, claims, account, accountPath, limit, book, out);
  if (e !== null) return e;
  let funding = false;
  for (let i = 0; i < claims.length; i++) if (claims[i].kind == Claim.FUNDING) funding = true;
  if (funding) {
    for (let i = 0; i < psbt.inputs.length; i++) {
      e = p.check(Rule.ONCHAIN_FUNDING_NON_MALLEABLE, segwitInput(psbt, i), "input " + i.toString() + ": not segwit with a witness UTXO");
      if (e !== null) return e;
    }
  }
  e = checkFee(p, psbt, out.weight, out);
  if (e !== null) return e;
  if (cfg.velocityFundingMaxSat > 0 && out.fundedSat > 0) {
    e = p.check(Rule.VELOCITY_FUNDING, fundedInWindow + out.fundedSat <= cfg.velocityFundingMaxSat,
      "would fund " + (fundedInWindow + out.fundedSat).toString() + " sat in the window, max " + cfg.velocityFundingMaxSat.toString());
    if (e !== null) return e;
  }
  return null;
}
