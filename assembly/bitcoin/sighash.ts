// Signature hashes: legacy (pre-segwit, SIGHASH_ALL), BIP143 (segwit v0) and
// BIP341 (taproot, key path and the common part of script path). The
// per-transaction hashes are computed once per Sighasher and shared by every input.
import { Writer } from "../codec/writer";
import { sha256, sha256d, taggedHash } from "../crypto";
import { Tx, TxIn } from "./tx";

export namespace SigHash {
  export const DEFAULT: u8 = 0x00; // BIP341 only: ALL, without a sighash byte
  export const ALL: u8 = 0x01;
  export const NONE: u8 = 0x02;
  export const SINGLE: u8 = 0x03;
  export const ANYONECANPAY: u8 = 0x80;
}

function outpoints(tx: Tx): Uint8Array {
  const w = new Writer(36 * tx.inputs.length);
  for (let i = 0; i < tx.inputs.length; i++) w.bytes(tx.inputs[i].prevTxid).u32le(tx.inputs[i].vout);
  return w.finish();
}

function sequences(tx: Tx): Uint8Array {
  const w = new Writer(4 * tx.inputs.length);
  for (let i = 0; i < tx.inputs.length; i++) w.u32le(tx.inputs[i].sequence);
  return w.finish();
}

function outputs(tx: Tx, from: i32, to: i32): Uint8Array {
  const w = new Writer(40 * (to - from));
  for (let i = from; i < to; i++) w.u64le(tx.outputs[i].value).varslice(tx.outputs[i].script);
  return w.finish();
}

export class Sighasher {
  private prevouts: Uint8Array;
  private seqs: Uint8Array;
  private outs: Uint8Array;
  // BIP341 needs every spent output (amounts and scripts) for its hashes.
  private amounts: Uint8Array | null = null;
  private scripts: Uint8Array | null = null;

  constructor(public tx: Tx) {
    this.prevouts = outpoints(tx);
    this.seqs = sequences(tx);
    this.outs = outputs(tx, 0, tx.outputs.length);
  }

  /** BIP143 digest for input `index` spending `amount` with `scriptCode`; null for an index out of range. */
  segwitV0(index: i32, scriptCode: Uint8Array, amount: u64, hashType: u8): Uint8Array | null {
    const tx = this.tx;
    if (index < 0 || index >= tx.inputs.length) return null;
    const base = hashType & 0x1f;
    const acp = (hashType & SigHash.ANYONECANPAY) != 0;
    const zero = new Uint8Array(32);
    const hashPrevouts = acp ? zero : sha256d(this.prevouts);
    const hashSequence = acp || base == SigHash.SINGLE || base == SigHash.NONE ? zero : sha256d(this.seqs);
    let hashOutputs = zero;
    if (base != SigHash.SINGLE && base != SigHash.NONE) hashOutputs = sha256d(this.outs);
    else if (base == SigHash.SINGLE && index < tx.outputs.length) hashOutputs = sha256d(outputs(tx, index, index + 1));
    const x = tx.inputs[index];
    const w = new Writer(160 + scriptCode.length);
    w.u32le(tx.version).bytes(hashPrevouts).bytes(hashSequence).bytes(x.prevTxid).u32le(x.vout);
    w.varslice(scriptCode).u64le(amount).u32le(x.sequence).bytes(hashOutputs).u32le(tx.locktime).u32le(<u32>hashType);
    return sha256d(w.finish());
  }

  /** Give the outputs every input spends (BIP341 commits to all of them). */
  spent(amounts: u64[], scripts: Uint8Array[]): bool {
    if (amounts.length != this.tx.inputs.length || scripts.length != amounts.length) return false;
    const a = new Writer(8 * amounts.length), s = new Writer(32 * amounts.length);
    for (let i = 0; i < amounts.length; i++) { a.u64le(amounts[i]); s.varslice(scripts[i]); }
    this.amounts = a.finish();
    this.scripts = s.finish();
    this.spentAmounts = amounts;
    this.spentScripts = scripts;
    return true;
  }
  private spentAmounts: u64[] = [];
  private spentScripts: Uint8Array[] = [];

  /**
   * BIP341 SigMsg digest (tagged "TapSighash", epoch 0) for input `index`.
   * `annex` includes its 0x50 prefix; `leafHash` (script path) adds the
   * tapleaf hash, key version 0 and `codesepPos`. Null for an invalid hash
   * type, SINGLE without a matching output, or spent outputs not given.
   */
  taproot(index: i32, hashType: u8, annex: Uint8Array | null = null, leafHash: Uint8Array | null = null, codesepPos: u32 = 0xffffffff): Uint8Array | null {
    const tx = this.tx;
    if (this.amounts === null || index < 0 || index >= tx.inputs.length) return null;
    if (!(hashType <= 0x03 || (hashType >= 0x81 && hashType <= 0x83))) return null;
    const base = hashType & 0x03;
    const acp = (hashType & SigHash.ANYONECANPAY) != 0;
    if (base == SigHash.SINGLE && index >= tx.outputs.length) return null;
    const w = new Writer(256);
    w.u8(0); // epoch
    w.u8(hashType).u32le(tx.version).u32le(tx.locktime);
    if (!acp) {
      w.bytes(sha256(this.prevouts)).bytes(sha256(this.amounts!)).bytes(sha256(this.scripts!)).bytes(sha256(this.seqs));
    }
    if (base != SigHash.NONE && base != SigHash.SINGLE) w.bytes(sha256(this.outs));
    w.u8(<u8>((leafHash !== null ? 2 : 0) + (annex !== null ? 1 : 0)));
    const x = tx.inputs[index];
    if (acp) {
      w.bytes(x.prevTxid).u32le(x.vout).u64le(this.spentAmounts[index]).varslice(this.spentScripts[index]).u32le(x.sequence);
    } else w.u32le(<u32>index);
    if (annex !== null) {
      const a = new Writer(annex.length + 9);
      a.varslice(annex);
      w.bytes(sha256(a.finish()));
    }
    if (base == SigHash.SINGLE) w.bytes(sha256(outputs(tx, index, index + 1)));
    if (leafHash !== null) w.bytes(leafHash).u8(0).u32le(codesepPos);
    return taggedHash("TapSighash", w.finish());
  }
}

/** Legacy (pre-segwit) signature hash, SIGHASH_ALL only: every scriptSig emptied but this input's, set to scriptCode. */
export function legacySighashAll(tx: Tx, index: i32, scriptCode: Uint8Array): Uint8Array {
  const c = new Tx(tx.version, tx.locktime);
  for (let i = 0; i < tx.inputs.length; i++) {
    const x = tx.inputs[i];
    c.inputs.push(new TxIn(x.prevTxid, x.vout, i == index ? scriptCode : new Uint8Array(0), x.sequence));
  }
  c.outputs = tx.outputs;
  const w = new Writer(256);
  c.write(w, false);
  w.u32le(<u32>SigHash.ALL);
  return sha256d(w.finish());
}
