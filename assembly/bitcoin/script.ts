// Script building blocks: minimal pushes (BIP62 rule 3), the standard output
// templates (P2PKH, P2SH, P2WPKH, P2WSH, P2TR, OP_RETURN) and their
// recognition. Lightning's witness scripts (BOLT 3) are built from these.
import { Writer } from "../codec/writer";
import { hash160, sha256 } from "../crypto";

export namespace Op {
  export const OP_0: u8 = 0x00;
  export const PUSHDATA1: u8 = 0x4c;
  export const PUSHDATA2: u8 = 0x4d;
  export const PUSHDATA4: u8 = 0x4e;
  export const OP_1NEGATE: u8 = 0x4f;
  export const OP_1: u8 = 0x51;
  export const OP_16: u8 = 0x60;
  export const IF: u8 = 0x63;
  export const NOTIF: u8 = 0x64;
  export const ELSE: u8 = 0x67;
  export const ENDIF: u8 = 0x68;
  export const RETURN: u8 = 0x6a;
  export const DROP: u8 = 0x75;
  export const DUP: u8 = 0x76;
  export const IFDUP: u8 = 0x73;
  export const SWAP: u8 = 0x7c;
  export const SIZE: u8 = 0x82;
  export const EQUAL: u8 = 0x87;
  export const EQUALVERIFY: u8 = 0x88;
  export const ADD: u8 = 0x93;
  export const HASH160: u8 = 0xa9;
  export const CHECKSIG: u8 = 0xac;
  export const CHECKSIGVERIFY: u8 = 0xad;
  export const CHECKMULTISIG: u8 = 0xae;
  export const CHECKLOCKTIMEVERIFY: u8 = 0xb1;
  export const CHECKSEQUENCEVERIFY: u8 = 0xb2;
}

/** A script under construction. */
export class Script {
  w: Writer = new Writer(64);
  op(o: u8): Script { this.w.u8(o); return this; }

  /** Push bytes with the smallest encoding (BIP62 minimal push). */
  push(data: Uint8Array): Script {
    const n = data.length;
    if (n == 0) return this.op(Op.OP_0);
    if (n == 1 && data[0] >= 1 && data[0] <= 16) return this.op(Op.OP_1 + data[0] - 1);
    if (n == 1 && data[0] == 0x81) return this.op(Op.OP_1NEGATE);
    if (n < <i32>Op.PUSHDATA1) this.w.u8(<u8>n);
    else if (n <= 0xff) this.w.u8(Op.PUSHDATA1).u8(<u8>n);
    else if (n <= 0xffff) this.w.u8(Op.PUSHDATA2).u16le(<u16>n);
    else this.w.u8(Op.PUSHDATA4).u32le(<u32>n);
    this.w.bytes(data);
    return this;
  }

  /** Push a number as a minimal CScriptNum (OP_0..OP_16 for small values). */
  num(v: i64): Script {
    if (v == 0) return this.op(Op.OP_0);
    if (v >= 1 && v <= 16) return this.op(Op.OP_1 + <u8>(v - 1));
    if (v == -1) return this.op(Op.OP_1NEGATE);
    return this.push(scriptNum(v));
  }

  finish(): Uint8Array { return this.w.finish(); }
}

/** CScriptNum encoding: little-endian magnitude, sign in the top bit. */
export function scriptNum(v: i64): Uint8Array {
  const neg = v < 0;
  let abs: u64 = neg ? <u64>(-v) : <u64>v;
  const out = new Array<u8>();
  while (abs > 0) { out.push(<u8>(abs & 0xff)); abs >>= 8; }
  if (out.length == 0) return new Uint8Array(0);
  if (out[out.length - 1] & 0x80) out.push(neg ? 0x80 : 0);
  else if (neg) out[out.length - 1] |= 0x80;
  const b = new Uint8Array(out.length);
  for (let i = 0; i < out.length; i++) b[i] = out[i];
  return b;
}

function prefixed(prefix: u8[], body: Uint8Array, suffix: u8[]): Uint8Array {
  const b = new Uint8Array(prefix.length + body.length + suffix.length);
  for (let i = 0; i < prefix.length; i++) b[i] = prefix[i];
  b.set(body, prefix.length);
  for (let i = 0; i < suffix.length; i++) b[prefix.length + body.length + i] = suffix[i];
  return b;
}

export function p2pkh(h160: Uint8Array): Uint8Array { return prefixed([Op.DUP, Op.HASH160, 20], h160, [Op.EQUALVERIFY, Op.CHECKSIG]); }
export function p2sh(h160: Uint8Array): Uint8Array { return prefixed([Op.HASH160, 20], h160, [Op.EQUAL]); }
export function p2wpkh(h160: Uint8Array): Uint8Array { return prefixed([0, 20], h160, []); }
export function p2wsh(scriptHash: Uint8Array): Uint8Array { return prefixed([0, 32], scriptHash, []); }
export function p2tr(outputKey: Uint8Array): Uint8Array { return prefixed([Op.OP_1, 32], outputKey, []); }
/** A witness program output of any version (0..16). */
export function witnessProgram(version: u8, program: Uint8Array): Uint8Array {
  return prefixed([version == 0 ? 0 : Op.OP_1 + version - 1, <u8>program.length], program, []);
}

/** P2WPKH of a compressed key; P2WSH of a witness script. */
export function p2wpkhOfKey(pub33: Uint8Array): Uint8Array { return p2wpkh(hash160(pub33)); }
export function p2wshOf(witnessScript: Uint8Array): Uint8Array { return p2wsh(sha256(witnessScript)); }
/** P2SH-P2WPKH: the redeem script is the P2WPKH program. */
export function p2shP2wpkhOfKey(pub33: Uint8Array): Uint8Array { return p2sh(hash160(p2wpkhOfKey(pub33))); }

/** BIP143 scriptCode of a P2WPKH input: the P2PKH script of the key hash. */
export function p2wpkhScriptCode(h160: Uint8Array): Uint8Array { return p2pkh(h160); }

export enum ScriptType { UNKNOWN, P2PKH, P2SH, P2WPKH, P2WSH, P2TR, WITNESS_UNKNOWN, OP_RETURN }

/** The template a scriptPubKey follows. */
export function classify(s: Uint8Array): ScriptType {
  const n = s.length;
  if (n == 25 && s[0] == Op.DUP && s[1] == Op.HASH160 && s[2] == 20 && s[23] == Op.EQUALVERIFY && s[24] == Op.CHECKSIG) return ScriptType.P2PKH;
  if (n == 23 && s[0] == Op.HASH160 && s[1] == 20 && s[22] == Op.EQUAL) return ScriptType.P2SH;
  if (n > 0 && s[0] == Op.RETURN) return ScriptType.OP_RETURN;
  const v = witnessVersion(s);
  if (v == 0 && n == 22) return ScriptType.P2WPKH;
  if (v == 0 && n == 34) return ScriptType.P2WSH;
  if (v == 1 && n == 34) return ScriptType.P2TR;
  if (v > 0) return ScriptType.WITNESS_UNKNOWN;
  return ScriptType.UNKNOWN;
}

/** BIP141 witness program: a version opcode then one 2..40 byte push. -1 if not one. */
export function witnessVersion(s: Uint8Array): i32 {
  const n = s.length;
  if (n < 4 || n > 42 || <i32>s[1] + 2 != n) return -1;
  if (s[0] == 0) return 0;
  if (s[0] >= Op.OP_1 && s[0] <= Op.OP_16) return <i32>(s[0] - Op.OP_1 + 1);
  return -1;
}

/** The program of a witness output (from byte 2). */
export function witnessProgramOf(s: Uint8Array): Uint8Array { return s.slice(2); }

/** One element of a decoded script: an opcode, or a value (push data, OP_0, OP_1NEGATE, OP_1..OP_16 as its number). */
export class ScriptItem {
  constructor(public op: u8, public value: Uint8Array | null) {}
  isValue(): bool { return this.value !== null; }
}

/** Decode a script into opcodes and pushed values; null if a push runs past the end. */
export function decodeScript(s: Uint8Array): ScriptItem[] | null {
  const items = new Array<ScriptItem>();
  let i = 0;
  while (i < s.length) {
    const op = s[i++];
    let n: i32 = -1;
    if (op <= 0x4b) n = <i32>op;
    else if (op == Op.PUSHDATA1) { if (i + 1 > s.length) return null; n = <i32>s[i]; i += 1; }
    else if (op == Op.PUSHDATA2) { if (i + 2 > s.length) return null; n = <i32>s[i] | (<i32>s[i + 1] << 8); i += 2; }
    else if (op == Op.PUSHDATA4) { if (i + 4 > s.length) return null; n = <i32>(<u32>s[i] | (<u32>s[i + 1] << 8) | (<u32>s[i + 2] << 16) | (<u32>s[i + 3] << 24)); i += 4; }
    if (n >= 0) {
      if (i + n > s.length || n < 0) return null;
      items.push(new ScriptItem(op, s.slice(i, i + n)));
      i += n;
    } else if (op == Op.OP_1NEGATE) items.push(new ScriptItem(op, scriptNum(-1)));
    else if (op >= Op.OP_1 && op <= Op.OP_16) items.push(new ScriptItem(op, scriptNum(<i64>(op - Op.OP_1 + 1))));
    else items.push(new ScriptItem(op, null));
  }
  return items;
}
