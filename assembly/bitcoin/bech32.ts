// Bech32 and Bech32m strings (BIP173, BIP350) and segwit addresses. Strings
// are handled as ASCII bytes.

export const BECH32: u32 = 1;
export const BECH32M: u32 = 0x2bc830a3;
const CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const GEN: u32[] = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

function polymod(values: u8[]): u32 {
  let chk: u32 = 1;
  for (let i = 0; i < values.length; i++) {
    const top = chk >> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ <u32>values[i];
    for (let k = 0; k < 5; k++) if ((top >> <u32>k) & 1) chk ^= GEN[k];
  }
  return chk;
}

function hrpExpand(hrp: Uint8Array): u8[] {
  const out = new Array<u8>();
  for (let i = 0; i < hrp.length; i++) out.push(hrp[i] >> 5);
  out.push(0);
  for (let i = 0; i < hrp.length; i++) out.push(hrp[i] & 31);
  return out;
}

function charValue(c: u8): i32 {
  for (let i = 0; i < 32; i++) if (<u8>CHARSET.charCodeAt(i) == c) return i;
  return -1;
}

export class Bech32 {
  constructor(public hrp: Uint8Array, public data: u8[], public encoding: u32) {}
}

/** Why a decode failed. */
export class DecodeError {
  msg: string = "";
}

/** Decode a bech32/bech32m string of at most `limit` characters (90 for addresses). */
export function bech32Decode(s: Uint8Array, err: DecodeError, limit: i32 = 90): Bech32 | null {
  if (s.length > limit) { err.msg = "overall max length exceeded"; return null; }
  let lower = false, upper = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c < 33 || c > 126) { err.msg = "character out of range"; return null; }
    if (c >= 0x61 && c <= 0x7a) lower = true;
    if (c >= 0x41 && c <= 0x5a) upper = true;
  }
  if (lower && upper) { err.msg = "mixed case"; return null; }
  let sep = -1;
  for (let i = s.length - 1; i >= 0; i--) if (s[i] == 0x31) { sep = i; break; }
  if (sep < 1) { err.msg = sep == 0 ? "empty human-readable part" : "no separator"; return null; }
  if (s.length - sep - 1 < 6) { err.msg = "checksum too short"; return null; }
  const lc = (c: u8): u8 => (c >= 0x41 && c <= 0x5a ? c + 32 : c);
  const hrp = new Uint8Array(sep);
  for (let i = 0; i < sep; i++) hrp[i] = lc(s[i]);
  const data = new Array<u8>();
  for (let i = sep + 1; i < s.length; i++) {
    const v = charValue(lc(s[i]));
    if (v < 0) { err.msg = "invalid data character"; return null; }
    data.push(<u8>v);
  }
  const values = hrpExpand(hrp).concat(data);
  const c = polymod(values);
  if (c != BECH32 && c != BECH32M) { err.msg = "invalid checksum"; return null; }
  return new Bech32(hrp, data.slice(0, data.length - 6), c);
}

export function bech32Encode(hrp: Uint8Array, data: u8[], encoding: u32): Uint8Array {
  const values = hrpExpand(hrp).concat(data);
  for (let i = 0; i < 6; i++) values.push(0);
  const mod = polymod(values) ^ encoding;
  const out = new Uint8Array(hrp.length + 1 + data.length + 6);
  out.set(hrp, 0);
  out[hrp.length] = 0x31;
  for (let i = 0; i < data.length; i++) out[hrp.length + 1 + i] = <u8>CHARSET.charCodeAt(data[i]);
  for (let i = 0; i < 6; i++) out[hrp.length + 1 + data.length + i] = <u8>CHARSET.charCodeAt(<i32>((mod >> <u32>(5 * (5 - i))) & 31));
  return out;
}

/** Regroup bits (8→5 with padding, 5→8 strict: at most 4 zero padding bits). */
export function convertBits(data: u8[], from: u32, to: u32, pad: bool): u8[] | null {
  let acc: u32 = 0, bits: u32 = 0;
  const out = new Array<u8>();
  const maxv: u32 = (1 << to) - 1;
  for (let i = 0; i < data.length; i++) {
    const v = <u32>data[i];
    if (v >> from) return null;
    acc = (acc << from) | v;
    bits += from;
    while (bits >= to) { bits -= to; out.push(<u8>((acc >> bits) & maxv)); }
  }
  if (pad) { if (bits > 0) out.push(<u8>((acc << (to - bits)) & maxv)); }
  else if (bits >= from || ((acc << (to - bits)) & maxv) != 0) return null;
  return out;
}

export class SegwitAddress {
  constructor(public version: u8, public program: Uint8Array) {}
}

/** BIP173/BIP350 segwit address for `hrp`: version 0 with bech32, 1..16 with bech32m. */
export function decodeSegwit(hrp: Uint8Array, addr: Uint8Array, err: DecodeError): SegwitAddress | null {
  const d = bech32Decode(addr, err);
  if (d === null) return null;
  if (d!.hrp.length != hrp.length) { err.msg = "wrong human-readable part"; return null; }
  for (let i = 0; i < hrp.length; i++) if (d!.hrp[i] != hrp[i]) { err.msg = "wrong human-readable part"; return null; }
  if (d!.data.length < 1 || d!.data[0] > 16) { err.msg = "invalid witness version"; return null; }
  const v = d!.data[0];
  const prog = convertBits(d!.data.slice(1), 5, 8, false);
  if (prog === null) { err.msg = "invalid padding"; return null; }
  if (prog!.length < 2 || prog!.length > 40) { err.msg = "invalid program length"; return null; }
  if (v == 0 && prog!.length != 20 && prog!.length != 32) { err.msg = "invalid program length for witness version 0"; return null; }
  if ((v == 0) != (d!.encoding == BECH32)) { err.msg = v == 0 ? "version 0 must use bech32" : "version 1+ must use bech32m"; return null; }
  const p = new Uint8Array(prog!.length);
  for (let i = 0; i < p.length; i++) p[i] = prog![i];
  return new SegwitAddress(v, p);
}

export function encodeSegwit(hrp: Uint8Array, version: u8, program: Uint8Array): Uint8Array {
  const bytes = new Array<u8>(program.length);
  for (let i = 0; i < program.length; i++) bytes[i] = program[i];
  const data = new Array<u8>();
  data.push(version);
  return bech32Encode(hrp, data.concat(convertBits(bytes, 8, 5, true)!), version == 0 ? BECH32 : BECH32M);
}
