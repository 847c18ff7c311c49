// PSBT version 0 (BIP174) with the taproot fields of BIP371: parse, serialize,
// combine, and sign the inputs a BIP32 wallet owns.
//
// A PSBT is kept as its records (raw key, raw value) in the order read, so it
// re-serializes byte for byte and unknown records pass through (BIP174
// "Specification": a signer must pass through what it does not understand).
// Known records are checked on parse (BIP174 "All keys must have the data that
// they specify"); any violation is a PsbtError, never a trap.
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { ecdsaSign, hash160, ripemd160, sha256, sha256d, pubkeyParse } from "../crypto";
import { Tx, TxIn, TxOut, parseTx } from "./tx";
import { Sighasher, legacySighashAll } from "./sighash";
import { outputKey, signKeyPath } from "./taproot";
import { derEncode } from "./der";
import { ExtendedKey } from "./bip32";
import { ScriptType, classify, p2wpkhScriptCode, witnessVersion } from "./script";
import { bytesEqual, compareBytes } from "../codec/bytes";

/** Why a PSBT was refused. */
export class PsbtError {
  msg: string = "";
}

export namespace Global {
  export const UNSIGNED_TX: u64 = 0x00;
  export const XPUB: u64 = 0x01;
  export const VERSION: u64 = 0xfb;
  export const PROPRIETARY: u64 = 0xfc;
}

export namespace In {
  export const NON_WITNESS_UTXO: u64 = 0x00;
  export const WITNESS_UTXO: u64 = 0x01;
  export const PARTIAL_SIG: u64 = 0x02;
  export const SIGHASH_TYPE: u64 = 0x03;
  export const REDEEM_SCRIPT: u64 = 0x04;
  export const WITNESS_SCRIPT: u64 = 0x05;
  export const BIP32_DERIVATION: u64 = 0x06;
  export const FINAL_SCRIPTSIG: u64 = 0x07;
  export const FINAL_SCRIPTWITNESS: u64 = 0x08;
  export const RIPEMD160: u64 = 0x0a;
  export const SHA256: u64 = 0x0b;
  export const HASH160: u64 = 0x0c;
  export const HASH256: u64 = 0x0d;
  export const TAP_KEY_SIG: u64 = 0x13;
  export const TAP_SCRIPT_SIG: u64 = 0x14;
  export const TAP_LEAF_SCRIPT: u64 = 0x15;
  export const TAP_BIP32_DERIVATION: u64 = 0x16;
  export const TAP_INTERNAL_KEY: u64 = 0x17;
  export const TAP_MERKLE_ROOT: u64 = 0x18;
  export const PROPRIETARY: u64 = 0xfc;
}

export namespace Out {
  export const REDEEM_SCRIPT: u64 = 0x00;
  export const WITNESS_SCRIPT: u64 = 0x01;
  export const BIP32_DERIVATION: u64 = 0x02;
  export const TAP_INTERNAL_KEY: u64 = 0x05;
  export const TAP_TREE: u64 = 0x06;
  export const TAP_BIP32_DERIVATION: u64 = 0x07;
  export const PROPRIETARY: u64 = 0xfc;
}

/** One key-value record: `key` is keytype || keydata as on the wire. */
export class Record {
  constructor(public type: u64, public key: Uint8Array, public keyData: Uint8Array, public value: Uint8Array) {}
}

/** A map: records in wire order, keys unique. */
export class PsbtMap {
  records: Record[] = [];

  first(type: u64): Record | null {
    for (let i = 0; i < this.records.length; i++) if (this.records[i].type == type) return this.records[i];
    return null;
  }

  all(type: u64): Record[] {
    const out = new Array<Record>();
    for (let i = 0; i < this.records.length; i++) if (this.records[i].type == type) out.push(this.records[i]);
    return out;
  }

  find(key: Uint8Array): Record | null {
    for (let i = 0; i < this.records.length; i++) if (bytesEqual(this.records[i].key, key)) return this.records[i];
    return null;
  }

  /** Add a record at its lexicographic place (before the first greater key); an equal key is replaced. */
  put(r: Record): void {
    for (let i = 0; i < this.records.length; i++) {
      const c = compareBytes(this.records[i].key, r.key);
      if (c == 0) { this.records[i] = r; return; }
      if (c > 0) { this.insert(i, r); return; }
    }
    this.records.push(r);
  }

  insert(at: i32, r: Record): void {
    this.records.push(r);
    for (let k = this.records.length - 1; k > at; k--) this.records[k] = this.records[k - 1];
    this.records[at] = r;
  }

  write(w: Writer): void {
    for (let i = 0; i < this.records.length; i++) {
      const r = this.records[i];
      w.varslice(r.key).varslice(r.value);
    }
    w.u8(0);
  }
}

export class Psbt {
  global: PsbtMap = new PsbtMap();
  inputs: PsbtMap[] = [];
  outputs: PsbtMap[] = [];
  constructor(public tx: Tx) {}

  serialize(): Uint8Array {
    const w = new Writer(256);
    w.u32(0x70736274).u8(0xff);
    this.global.write(w);
    for (let i = 0; i < this.inputs.length; i++) this.inputs[i].write(w);
    for (let i = 0; i < this.outputs.length; i++) this.outputs[i].write(w);
    return w.finish();
  }
}

// ---- field checks (BIP174 "Specification", BIP371 "Specification") ----

/** The unsigned transaction: legacy serialization only (no segwit marker), inputs and outputs may be empty. */
function readUnsignedTx(v: Uint8Array, err: PsbtError): Tx | null {
  const r = new Reader(v);
  const tx = new Tx(r.u32le());
  const nIn = r.compactSize();
  if (r.ok() && nIn > <u64>(r.remaining() / 41)) r.fail("input count larger than the data");
  for (let i: u64 = 0; i < nIn && r.ok(); i++) {
    const prev = r.bytes(32);
    const vout = r.u32le();
    const sl = r.compactSize();
    if (r.ok() && sl != 0) { err.msg = "unsigned tx has a non-empty scriptSig"; return null; }
    tx.inputs.push(new TxIn(prev, vout, new Uint8Array(0), r.u32le()));
  }
  const nOut = r.compactSize();
  if (r.ok() && nOut > <u64>(r.remaining() / 9)) r.fail("output count larger than the data");
  for (let i: u64 = 0; i < nOut && r.ok(); i++) {
    const value = r.u64le();
    const sl = r.compactSize();
    if (r.ok() && sl > <u64>r.remaining()) { r.fail("script longer than the data"); break; }
    tx.outputs.push(new TxOut(value, r.bytes(<i32>sl)));
  }
  tx.locktime = r.u32le();
  if (!r.finish()) { err.msg = "unsigned tx: " + r.err! + " (must be the non-witness serialization)"; return null; }
  return tx;
}

/** A key that must be just its type. */
function noKeyData(rec: Record, err: PsbtError, what: string): bool {
  if (rec.keyData.length != 0) { err.msg = what + ": key must be only the type"; return false; }
  return true;
}

/** <4 byte fingerprint> <u32le path element>* */
function isKeyOrigin(v: Uint8Array): bool { return v.length >= 4 && (v.length & 3) == 0; }

function validPubkey(k: Uint8Array): bool {
  return (k.length == 33 || k.length == 65) && pubkeyParse(k) !== null;
}

/** BIP371 tap_bip32_derivation value: <compact n> <32-byte leaf hash>*n <key origin>. */
function isTapKeyOrigin(v: Uint8Array): bool {
  const r = new Reader(v);
  const n = r.compactSize();
  if (!r.ok() || n > <u64>(r.remaining() / 32)) return false;
  r.skip(<i32>n * 32);
  return r.ok() && r.remaining() >= 4 && (r.remaining() & 3) == 0;
}

/** Proprietary key data: <compact id len> <id> <compact subtype> <subkey data>. */
function isProprietaryKey(k: Uint8Array): bool {
  const r = new Reader(k);
  const n = r.compactSize();
  if (!r.ok() || n > <u64>r.remaining()) return false;
  r.skip(<i32>n);
  r.compactSize();
  return r.ok();
}

/** A serialized witness stack, consumed exactly. */
function isWitnessStack(v: Uint8Array): bool {
  const r = new Reader(v);
  const n = r.compactSize();
  if (!r.ok() || n > <u64>r.remaining()) return false;
  for (let i: u64 = 0; i < n && r.ok(); i++) {
    const l = r.compactSize();
    if (r.ok() && l > <u64>r.remaining()) return false;
    r.skip(<i32>l);
  }
  return r.finish();
}

/** amount (u64le) || compact script, exactly. */
export function readTxOut(v: Uint8Array): TxOut | null {
  const r = new Reader(v);
  const amount = r.u64le();
  const l = r.compactSize();
  if (!r.ok() || l != <u64>r.remaining()) return null;
  return new TxOut(amount, r.bytes(<i32>l));
}

function isSchnorrSig(v: Uint8Array): bool { return v.length == 64 || v.length == 65; }

/** BIP371 tap tree: {depth u8, leaf version u8, compact script}+ forming a complete binary tree. */
function isTapTree(v: Uint8Array): bool {
  const r = new Reader(v);
  const depths = new Array<i32>();
  if (v.length == 0) return false;
  while (r.ok() && r.remaining() > 0) {
    let d = <i32>r.u8();
    const ver = r.u8();
    const l = r.compactSize();
    if (!r.ok() || l > <u64>r.remaining() || d > 128 || (ver & 1) != 0) return false;
    r.skip(<i32>l);
    // The leaves in depth-first order must close into one root: merge equal siblings.
    if (depths.length == 1 && depths[0] == 0) return false; // the tree is already complete
    while (depths.length > 0 && depths[depths.length - 1] == d) {
      depths.pop();
      if (d == 0) return false;
      d--;
    }
    depths.push(d);
  }
  return r.ok() && depths.length == 1 && depths[0] == 0;
}

function checkPreimage(rec: Record, err: PsbtError): bool {
  const want = rec.type == In.RIPEMD160 || rec.type == In.HASH160 ? 20 : 32;
  if (rec.keyData.length != want) { err.msg = "preimage: hash has the wrong length"; return false; }
  let h: Uint8Array;
  if (rec.type == In.RIPEMD160) h = ripemd160(rec.value);
  else if (rec.type == In.SHA256) h = sha256(rec.value);
  else if (rec.type == In.HASH160) h = hash160(rec.value);
  else h = sha256d(rec.value);
  if (!bytesEqual(h, rec.keyData)) { err.msg = "preimage does not match its hash"; return false; }
  return true;
}

function checkGlobal(rec: Record, err: PsbtError): bool {
  const t = rec.type;
  if (t == Global.UNSIGNED_TX) return noKeyData(rec, err, "unsigned tx");
  if (t == Global.XPUB) {
    // 78-byte BIP32 serialization (version..key), origin path as long as its depth.
    if (rec.keyData.length != 78) { err.msg = "xpub: key must be 78 bytes"; return false; }
    if (!isKeyOrigin(rec.value) || (rec.value.length - 4) / 4 != <i32>rec.keyData[4]) { err.msg = "xpub: origin path does not match the depth"; return false; }
    if (!validPubkey(rec.keyData.slice(45, 78))) { err.msg = "xpub: invalid public key"; return false; }
    return true;
  }
  if (t == Global.VERSION) {
    if (!noKeyData(rec, err, "version")) return false;
    if (rec.value.length != 4) { err.msg = "version: value must be 4 bytes"; return false; }
    const r = new Reader(rec.value);
    if (r.u32le() != 0) { err.msg = "unsupported PSBT version"; return false; }
    return true;
  }
  if (t >= 0x02 && t <= 0x06) { err.msg = "PSBTv2 global field in a version 0 PSBT"; return false; }
  if (t == Global.PROPRIETARY && !isProprietaryKey(rec.keyData)) { err.msg = "proprietary: malformed key"; return false; }
  return true;
}

function checkInput(rec: Record, err: PsbtError): bool {
  const t = rec.type, v = rec.value;
  if (t == In.NON_WITNESS_UTXO) {
    if (!noKeyData(rec, err, "non-witness utxo")) return false;
    if (parseTx(v) === null) { err.msg = "non-witness utxo: not a transaction"; return false; }
    return true;
  }
  if (t == In.WITNESS_UTXO) {
    if (!noKeyData(rec, err, "witness utxo")) return false;
    if (readTxOut(v) === null) { err.msg = "witness utxo: not a transaction output"; return false; }
    return true;
  }
  if (t == In.PARTIAL_SIG || t == In.BIP32_DERIVATION) {
    if (!validPubkey(rec.keyData)) { err.msg = (t == In.PARTIAL_SIG ? "partial sig" : "bip32 derivation") + ": invalid public key"; return false; }
    if (t == In.BIP32_DERIVATION && !isKeyOrigin(v)) { err.msg = "bip32 derivation: malformed origin"; return false; }
    return true;
  }
  if (t == In.SIGHASH_TYPE) {
    if (!noKeyData(rec, err, "sighash type")) return false;
    if (v.length != 4) { err.msg = "sighash type: value must be 4 bytes"; return false; }
    return true;
  }
  if (t == In.REDEEM_SCRIPT) return noKeyData(rec, err, "redeem script");
  if (t == In.WITNESS_SCRIPT) return noKeyData(rec, err, "witness script");
  if (t == In.FINAL_SCRIPTSIG) return noKeyData(rec, err, "final scriptSig");
  if (t == In.FINAL_SCRIPTWITNESS) {
    if (!noKeyData(rec, err, "final scriptWitness")) return false;
    if (!isWitnessStack(v)) { err.msg = "final scriptWitness: malformed stack"; return false; }
    return true;
  }
  if (t >= In.RIPEMD160 && t <= In.HASH256) return checkPreimage(rec, err);
  if (t >= 0x0e && t <= 0x12) { err.msg = "PSBTv2 input field in a version 0 PSBT"; return false; }
  if (t == In.TAP_KEY_SIG) {
    if (!noKeyData(rec, err, "tap key sig")) return false;
    if (!isSchnorrSig(v)) { err.msg = "tap key sig: must be 64 or 65 bytes"; return false; }
    return true;
  }
  if (t == In.TAP_SCRIPT_SIG) {
    if (rec.keyData.length != 64) { err.msg = "tap script sig: key must be x-only key and leaf hash"; return false; }
    if (!isSchnorrSig(v)) { err.msg = "tap script sig: must be 64 or 65 bytes"; return false; }
    return true;
  }
  if (t == In.TAP_LEAF_SCRIPT) {
    const n = rec.keyData.length;
    if (n < 33 || n > 33 + 128 * 32 || (n - 33) % 32 != 0) { err.msg = "tap leaf script: malformed control block"; return false; }
    if (v.length < 1) { err.msg = "tap leaf script: missing leaf version"; return false; }
    return true;
  }
  if (t == In.TAP_BIP32_DERIVATION) {
    if (rec.keyData.length != 32) { err.msg = "tap bip32 derivation: key must be x-only"; return false; }
    if (!isTapKeyOrigin(v)) { err.msg = "tap bip32 derivation: malformed value"; return false; }
    return true;
  }
  if (t == In.TAP_INTERNAL_KEY || t == In.TAP_MERKLE_ROOT) {
    if (!noKeyData(rec, err, t == In.TAP_INTERNAL_KEY ? "tap internal key" : "tap merkle root")) return false;
    if (v.length != 32) { err.msg = "taproot key/root must be 32 bytes"; return false; }
    return true;
  }
  if (t == In.PROPRIETARY && !isProprietaryKey(rec.keyData)) { err.msg = "proprietary: malformed key"; return false; }
  return true;
}

function checkOutput(rec: Record, err: PsbtError): bool {
  const t = rec.type, v = rec.value;
  if (t == Out.REDEEM_SCRIPT) return noKeyData(rec, err, "output redeem script");
  if (t == Out.WITNESS_SCRIPT) return noKeyData(rec, err, "output witness script");
  if (t == Out.BIP32_DERIVATION) {
    if (!validPubkey(rec.keyData)) { err.msg = "output bip32 derivation: invalid public key"; return false; }
    if (!isKeyOrigin(v)) { err.msg = "output bip32 derivation: malformed origin"; return false; }
    return true;
  }
  if (t == 0x03 || t == 0x04) { err.msg = "PSBTv2 output field in a version 0 PSBT"; return false; }
  if (t == Out.TAP_INTERNAL_KEY) {
    if (!noKeyData(rec, err, "output tap internal key")) return false;
    if (v.length != 32) { err.msg = "output tap internal key must be 32 bytes"; return false; }
    return true;
  }
  if (t == Out.TAP_TREE) {
    if (!noKeyData(rec, err, "tap tree")) return false;
    if (!isTapTree(v)) { err.msg = "tap tree: malformed or incomplete"; return false; }
    return true;
  }
  if (t == Out.TAP_BIP32_DERIVATION) {
    if (rec.keyData.length != 32) { err.msg = "output tap bip32 derivation: key must be x-only"; return false; }
    if (!isTapKeyOrigin(v)) { err.msg = "output tap bip32 derivation: malformed value"; return false; }
    return true;
  }
  if (t == Out.PROPRIETARY && !isProprietaryKey(rec.keyData)) { err.msg = "proprietary: malformed key"; return false; }
  return true;
}

/** BIP174 "Handling Duplicated Keys": keys are unique. Sorted, so O(n log n) for a map of many records. */
function hasDuplicate(recs: Record[]): bool {
  if (recs.length < 2) return false;
  const keys = new Array<Uint8Array>(recs.length);
  for (let i = 0; i < recs.length; i++) keys[i] = recs[i].key;
  keys.sort((a: Uint8Array, b: Uint8Array): i32 => compareBytes(a, b));
  for (let i = 1; i < keys.length; i++) if (compareBytes(keys[i - 1], keys[i]) == 0) return true;
  return false;
}

function dup(err: PsbtError): PsbtMap | null { err.msg = "duplicate key"; return null; }

const GLOBAL_MAP: i32 = 0, INPUT_MAP: i32 = 1, OUTPUT_MAP: i32 = 2;

/** Read one map up to its 0x00 separator; keys unique, every known record well-formed. */
function readMap(r: Reader, kind: i32, err: PsbtError): PsbtMap | null {
  const m = new PsbtMap();
  while (true) {
    const klen = r.compactSize();
    if (!r.ok()) { err.msg = "map: " + r.err!; return null; }
    if (klen == 0) return hasDuplicate(m.records) ? dup(err) : m;
    if (klen > <u64>r.remaining()) { err.msg = "key longer than the data"; return null; }
    const key = r.bytes(<i32>klen);
    const kr = new Reader(key);
    const type = kr.compactSize();
    if (!kr.ok()) { err.msg = "key type: " + kr.err!; return null; }
    const vlen = r.compactSize();
    if (!r.ok() || vlen > <u64>r.remaining()) { err.msg = "value longer than the data"; return null; }
    const value = r.bytes(<i32>vlen);
    const rec = new Record(type, key, key.slice(kr.pos), value);
    const ok = kind == GLOBAL_MAP ? checkGlobal(rec, err) : kind == INPUT_MAP ? checkInput(rec, err) : checkOutput(rec, err);
    if (!ok) return null;
    m.records.push(rec);
  }
}

/**
 * Parse a binary PSBT (BIP174 "Specification", "Version 0"). Returns null
 * with `err.msg` set for any invalid PSBT, including the BIP's invalid
 * test vectors; nothing past the last output map is allowed.
 */
export function parsePsbt(b: Uint8Array, err: PsbtError): Psbt | null {
  if (b.length < 5 || b[0] != 0x70 || b[1] != 0x73 || b[2] != 0x62 || b[3] != 0x74 || b[4] != 0xff) { err.msg = "no PSBT magic"; return null; }
  const r = new Reader(b, 5);
  const g = readMap(r, GLOBAL_MAP, err);
  if (g === null) return null;
  const txRec = g.first(Global.UNSIGNED_TX);
  if (txRec === null) { err.msg = "no unsigned transaction"; return null; }
  const tx = readUnsignedTx(txRec.value, err);
  if (tx === null) return null;
  const p = new Psbt(tx);
  p.global = g;
  for (let i = 0; i < tx.inputs.length; i++) {
    if (r.remaining() == 0) { err.msg = "missing input maps"; return null; }
    const m = readMap(r, INPUT_MAP, err);
    if (m === null) return null;
    if (!checkUtxoMatches(tx, i, m, err)) return null;
    p.inputs.push(m);
  }
  for (let i = 0; i < tx.outputs.length; i++) {
    if (r.remaining() == 0) { err.msg = "missing output maps"; return null; }
    const m = readMap(r, OUTPUT_MAP, err);
    if (m === null) return null;
    p.outputs.push(m);
  }
  if (r.remaining() != 0) { err.msg = "trailing bytes after the last map"; return null; }
  return p;
}

/** A non-witness UTXO must be the transaction the input spends, with that output. */
function checkUtxoMatches(tx: Tx, i: i32, m: PsbtMap, err: PsbtError): bool {
  const rec = m.first(In.NON_WITNESS_UTXO);
  if (rec === null) return true;
  const prev = parseTx(rec.value)!;
  if (!bytesEqual(prev.txid(), tx.inputs[i].prevTxid)) { err.msg = "non-witness utxo does not match the outpoint's txid"; return false; }
  if (tx.inputs[i].vout >= <u32>prev.outputs.length) { err.msg = "outpoint index past the non-witness utxo's outputs"; return false; }
  return true;
}

/**
 * BIP174 Combiner: the union of the records of two PSBTs for the same
 * unsigned transaction. `a`'s records keep their order; each record only in
 * `b` goes after `a`'s last record of its type (else before the first of a
 * greater type), which gives the BIP's combiner outputs. A key in both keeps
 * `a`'s value (the BIP lets the combiner pick).
 */
export function combinePsbt(a: Psbt, b: Psbt, err: PsbtError): Psbt | null {
  if (!bytesEqual(a.global.first(Global.UNSIGNED_TX)!.value, b.global.first(Global.UNSIGNED_TX)!.value)) { err.msg = "different unsigned transactions"; return null; }
  const out = new Psbt(a.tx);
  out.global = merge(a.global, b.global);
  for (let i = 0; i < a.inputs.length; i++) out.inputs.push(merge(a.inputs[i], b.inputs[i]));
  for (let i = 0; i < a.outputs.length; i++) out.outputs.push(merge(a.outputs[i], b.outputs[i]));
  return out;
}

function merge(a: PsbtMap, b: PsbtMap): PsbtMap {
  const m = new PsbtMap();
  m.records = a.records.slice(0);
  for (let i = 0; i < b.records.length; i++) {
    const r = b.records[i];
    if (m.find(r.key) !== null) continue;
    let last = -1, greater = -1;
    for (let k = 0; k < m.records.length; k++) {
      const t = m.records[k].type;
      if (t == r.type) last = k;
      else if (t > r.type && greater < 0) greater = k;
    }
    m.insert(last >= 0 ? last + 1 : greater >= 0 ? greater : m.records.length, r);
  }
  return m;
}

// ---- Signer (BIP174 "Signer", "Simple Signer Algorithm"; BIP371 key path) ----

/** The output input `i` spends: the witness UTXO, else the non-witness UTXO's output. */
export function spentOutput(p: Psbt, i: i32): TxOut | null {
  const m = p.inputs[i];
  const w = m.first(In.WITNESS_UTXO);
  if (w !== null) return readTxOut(w.value);
  const n = m.first(In.NON_WITNESS_UTXO);
  if (n === null) return null;
  const prev = parseTx(n.value)!;
  return prev.outputs[<i32>p.tx.inputs[i].vout];
}

/** Key origin path (the u32le elements after the fingerprint). */
function originPath(v: Uint8Array, from: i32): u32[] {
  const r = new Reader(v, from);
  const path = new Array<u32>();
  while (r.remaining() >= 4) path.push(r.u32le());
  return path;
}

function fingerprintOf(v: Uint8Array, at: i32): u32 {
  return (<u32>v[at] << 24) | (<u32>v[at + 1] << 16) | (<u32>v[at + 2] << 8) | <u32>v[at + 3];
}

/** Walk a script's opcodes: does it push exactly `data`, and is it free of OP_CODESEPARATOR? -1 malformed/separator, 1 pushes, 0 not. */
function scriptPushes(s: Uint8Array, data: Uint8Array): i32 {
  let i = 0, found = 0;
  while (i < s.length) {
    const op = <i32>s[i++];
    let n = 0;
    if (op >= 1 && op <= 0x4b) n = op;
    else if (op == 0x4c) { if (i + 1 > s.length) return -1; n = <i32>s[i]; i += 1; }
    else if (op == 0x4d) { if (i + 2 > s.length) return -1; n = <i32>s[i] | (<i32>s[i + 1] << 8); i += 2; }
    else if (op == 0x4e) { if (i + 4 > s.length) return -1; n = <i32>s[i] | (<i32>s[i + 1] << 8) | (<i32>s[i + 2] << 16) | (<i32>s[i + 3] << 24); i += 4; }
    else if (op == 0xab) return -1; // OP_CODESEPARATOR: scriptCode would need FindAndDelete; not signed
    if (n < 0 || i + n > s.length) return -1;
    if (n == data.length && bytesEqual(s.subarray(i, i + n), data)) found = 1;
    i += n;
  }
  return found;
}

/** Which derivations the signer may use: any when empty, else only these paths. */
export class SignOptions {
  paths: u32[][] = [];
  aux: Uint8Array = new Uint8Array(32);

  allows(path: u32[]): bool {
    if (this.paths.length == 0) return true;
    for (let i = 0; i < this.paths.length; i++) {
      const p = this.paths[i];
      if (p.length != path.length) continue;
      let same = true;
      for (let k = 0; k < p.length; k++) if (p[k] != path[k]) { same = false; break; }
      if (same) return true;
    }
    return false;
  }
}

function sighashTypeOf(m: PsbtMap, err: PsbtError): i64 {
  const rec = m.first(In.SIGHASH_TYPE);
  if (rec === null) return -1;
  return <i64>new Reader(rec.value).u32le();
}

/**
 * Sign every input `root` owns: a BIP32 derivation whose fingerprint is the
 * root's and whose path derives exactly the recorded key. ECDSA for P2WPKH,
 * P2SH-P2WPKH, P2WSH / P2SH-P2WSH (key pushed by the witness script), and,
 * with only a non-witness UTXO, P2PKH / P2SH; Schnorr for P2TR key path
 * (BIP86 or with PSBT_IN_TAP_MERKLE_ROOT). Signatures are added as
 * PSBT_IN_PARTIAL_SIG / PSBT_IN_TAP_KEY_SIG at their key's place. Returns the
 * number added, or -1 with `err` set when a requested sighash type is not
 * acceptable (BIP174: the signer must fail): ECDSA signs SIGHASH_ALL only,
 * taproot SIGHASH_DEFAULT or SIGHASH_ALL.
 */
export function signPsbt(p: Psbt, root: ExtendedKey, opt: SignOptions, err: PsbtError): i32 {
  const fp = root.fingerprint();
  const hasher = new Sighasher(p.tx);
  let taprootReady = false, taprootTried = false;
  let added = 0;
  for (let i = 0; i < p.inputs.length; i++) {
    const m = p.inputs[i];
    const utxo = spentOutput(p, i);
    if (utxo === null) continue;
    const ht = sighashTypeOf(m, err);
    if (classify(utxo.script) == ScriptType.P2TR) {
      const recs = m.all(In.TAP_BIP32_DERIVATION);
      for (let k = 0; k < recs.length; k++) {
        const rec = recs[k];
        const r = new Reader(rec.value);
        if (r.compactSize() != 0) continue; // leaf hashes: a script-path key, not the key path
        if (fingerprintOf(rec.value, r.pos) != fp) continue;
        const path = originPath(rec.value, r.pos + 4);
        if (!opt.allows(path)) continue;
        const key = root.derivePath(path);
        if (key === null || key.secret === null || !bytesEqual(key.pubkey.subarray(1), rec.keyData)) continue;
        const ik = m.first(In.TAP_INTERNAL_KEY);
        if (ik !== null && !bytesEqual(ik.value, rec.keyData)) continue;
        const mr = m.first(In.TAP_MERKLE_ROOT);
        const root32: Uint8Array | null = mr === null ? null : mr.value;
        const q = outputKey(rec.keyData, root32);
        if (q === null || !bytesEqual(q.subarray(1), utxo.script.subarray(2))) continue;
        if (ht > 1) { err.msg = "input " + i.toString() + ": sighash type not acceptable"; return -1; }
        if (!taprootTried) { taprootTried = true; taprootReady = giveSpent(p, hasher); }
        if (!taprootReady) continue; // BIP341 commits to every spent output; some are unknown
        const htb: u8 = ht < 0 ? 0 : <u8>ht;
        const msg = hasher.taproot(i, htb);
        if (msg === null) continue;
        const sig = signKeyPath(key.secret!, root32, msg, opt.aux);
        if (sig === null) continue;
        let v = sig;
        if (htb != 0) { v = new Uint8Array(65); v.set(sig!, 0); v[64] = htb; }
        m.put(new Record(In.TAP_KEY_SIG, keyOf(In.TAP_KEY_SIG, new Uint8Array(0)), new Uint8Array(0), v!));
        added++;
        break;
      }
      continue;
    }
    // BIP174 "Data Signers Check For": scripts given must be the ones spent.
    const witness = m.first(In.WITNESS_UTXO) !== null;
    let script = utxo.script;
    const redeem = m.first(In.REDEEM_SCRIPT);
    if (redeem !== null) {
      if (classify(script) != ScriptType.P2SH || !bytesEqual(hash160(redeem.value), script.subarray(2, 22))) { err.msg = "input " + i.toString() + ": redeemScript does not match the scriptPubKey"; return -1; }
      script = redeem.value;
    }
    const kind = classify(script);
    const ws = m.first(In.WITNESS_SCRIPT);
    if (ws !== null && (kind != ScriptType.P2WSH || !bytesEqual(sha256(ws.value), script.subarray(2)))) { err.msg = "input " + i.toString() + ": witnessScript does not match"; return -1; }
    if (witness && witnessVersion(script) < 0) { err.msg = "input " + i.toString() + ": witness UTXO for a non-witness input"; return -1; }
    const recs = m.all(In.BIP32_DERIVATION);
    for (let k = 0; k < recs.length; k++) {
      const rec = recs[k];
      if (rec.keyData.length != 33 || fingerprintOf(rec.value, 0) != fp) continue;
      const path = originPath(rec.value, 4);
      if (!opt.allows(path)) continue;
      const key = root.derivePath(path);
      if (key === null || key.secret === null || !bytesEqual(key.pubkey, rec.keyData)) continue;
      const pub = rec.keyData;
      let msg: Uint8Array | null = null;
      if (kind == ScriptType.P2WPKH) {
        if (!bytesEqual(hash160(pub), script.subarray(2))) continue;
        if (ht >= 0 && ht != 1) { err.msg = "input " + i.toString() + ": sighash type not acceptable"; return -1; }
        msg = hasher.segwitV0(i, p2wpkhScriptCode(script.slice(2)), utxo.value, 1);
      } else if (kind == ScriptType.P2WSH) {
        if (ws === null || scriptPushes(ws.value, pub) != 1) continue;
        if (ht >= 0 && ht != 1) { err.msg = "input " + i.toString() + ": sighash type not acceptable"; return -1; }
        msg = hasher.segwitV0(i, ws.value, utxo.value, 1);
      } else if (!witness) {
        // Non-witness input (BIP174: never when a witness UTXO is given).
        if (kind == ScriptType.P2PKH && !bytesEqual(hash160(pub), script.subarray(3, 23))) continue;
        if (kind != ScriptType.P2PKH && (redeem === null || scriptPushes(script, pub) != 1)) continue;
        if (ht >= 0 && ht != 1) { err.msg = "input " + i.toString() + ": sighash type not acceptable"; return -1; }
        msg = legacySighashAll(p.tx, i, script);
      }
      if (msg === null) continue;
      const sig = ecdsaSign(key.secret!, msg!);
      if (sig === null) continue;
      m.put(new Record(In.PARTIAL_SIG, keyOf(In.PARTIAL_SIG, pub), pub, derEncode(sig!, 1)));
      added++;
    }
  }
  return added;
}

/** keytype (one byte for the types used here) || key data. */
function keyOf(type: u64, data: Uint8Array): Uint8Array {
  const k = new Uint8Array(1 + data.length);
  k[0] = <u8>type;
  k.set(data, 1);
  return k;
}

/** Tell the sighasher every input's spent output (BIP341); false if one is unknown. */
function giveSpent(p: Psbt, h: Sighasher): bool {
  const amounts = new Array<u64>(), scripts = new Array<Uint8Array>();
  for (let i = 0; i < p.inputs.length; i++) {
    const o = spentOutput(p, i);
    if (o === null) return false;
    amounts.push(o.value);
    scripts.push(o.script);
  }
  return h.spent(amounts, scripts);
}
