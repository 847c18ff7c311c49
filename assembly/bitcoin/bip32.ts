// BIP32 hierarchical deterministic keys: master generation and child derivation.
// https://github.com/bitcoin/bips/blob/master/bip-0032.mediawiki
import { hmacSha512, pubkeyCreate, pubkeyParse, pubkeyTweakAdd, seckeyTweakAdd, hash160 } from "../crypto";
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { base58CheckDecode, base58CheckEncode } from "./base58";
import { DecodeError } from "./bech32";

export const HARDENED: u32 = 0x80000000;

export class ExtendedKey {
  constructor(
    public depth: u8,
    public parentFingerprint: u32,
    public childNumber: u32,
    public chainCode: Uint8Array, // 32
    public secret: Uint8Array | null, // 32, null for a public-only key
    public pubkey: Uint8Array, // 33 compressed
  ) {}

  isPrivate(): bool { return this.secret !== null; }

  /** First 4 bytes of HASH160(pubkey), big-endian. */
  fingerprint(): u32 {
    const h = hash160(this.pubkey);
    return (<u32>h[0] << 24) | (<u32>h[1] << 16) | (<u32>h[2] << 8) | <u32>h[3];
  }

  /** The public-only view of this key. */
  neuter(): ExtendedKey {
    return new ExtendedKey(this.depth, this.parentFingerprint, this.childNumber, this.chainCode, null, this.pubkey);
  }

  /**
   * CKDpriv / CKDpub. Returns null when the child is invalid (IL >= n or the
   * result is zero/infinity: BIP32 says to proceed with the next index), when
   * a hardened child of a public key is asked for, or at depth 255.
   */
  derive(index: u32): ExtendedKey | null {
    if (this.depth == 255) return null;
    const data = new Uint8Array(37);
    if (index >= HARDENED) {
      if (this.secret === null) return null;
      data[0] = 0;
      data.set(this.secret!, 1);
    } else {
      data.set(this.pubkey, 0);
    }
    data[33] = <u8>(index >> 24);
    data[34] = <u8>(index >> 16);
    data[35] = <u8>(index >> 8);
    data[36] = <u8>index;
    const I = hmacSha512(this.chainCode, data);
    const IL = I.slice(0, 32);
    const IR = I.slice(32, 64);
    const fp = this.fingerprint();
    if (this.secret !== null) {
      const k = seckeyTweakAdd(this.secret!, IL);
      if (k === null) return null;
      const pub = pubkeyCreate(k);
      if (pub === null) return null;
      return new ExtendedKey(this.depth + 1, fp, index, IR, k, pub);
    }
    const K = pubkeyTweakAdd(this.pubkey, IL);
    if (K === null) return null;
    return new ExtendedKey(this.depth + 1, fp, index, IR, null, K);
  }

  /** Derive along a path of child numbers; null if any step is invalid. */
  derivePath(path: u32[]): ExtendedKey | null {
    let k: ExtendedKey | null = this;
    for (let i = 0; i < path.length && k !== null; i++) k = k.derive(path[i]);
    return k;
  }
}

/** Master key from a seed of 16 to 64 bytes; null if IL is not a valid secret. */
export function masterFromSeed(seed: Uint8Array): ExtendedKey | null {
  if (seed.length < 16 || seed.length > 64) return null;
  const I = hmacSha512(Uint8Array.wrap(String.UTF8.encode("Bitcoin seed")), seed);
  const IL = I.slice(0, 32);
  const pub = pubkeyCreate(IL);
  if (pub === null) return null;
  return new ExtendedKey(0, 0, 0, I.slice(32, 64), IL, pub);
}

// Serialization format (BIP32 "Serialization format"): version | depth |
// parent fingerprint | child number | chain code | key data, base58check.
export const XPUB: u32 = 0x0488b21e;
export const XPRV: u32 = 0x0488ade4;
export const TPUB: u32 = 0x043587cf;
export const TPRV: u32 = 0x04358394;

export function serializeKey(k: ExtendedKey, testnet: bool): Uint8Array {
  const w = new Writer(78);
  const priv = k.secret !== null;
  w.u32(priv ? (testnet ? TPRV : XPRV) : (testnet ? TPUB : XPUB));
  w.u8(k.depth).u32(k.parentFingerprint).u32(k.childNumber).bytes(k.chainCode);
  if (priv) w.u8(0).bytes(k.secret!);
  else w.bytes(k.pubkey);
  return base58CheckEncode(w.finish());
}

/** A parsed extended key and whether its version was a testnet one. */
export class ParsedKey {
  constructor(public key: ExtendedKey, public testnet: bool) {}
}

/** Parse xprv/xpub/tprv/tpub with every check of BIP32 test vector 5; null with `err` set. */
export function parseKey(s: Uint8Array, err: DecodeError): ParsedKey | null {
  const b = base58CheckDecode(s);
  if (b === null) { err.msg = "invalid base58check"; return null; }
  if (b!.length != 78) { err.msg = "not 78 bytes"; return null; }
  const r = new Reader(b!);
  const version = r.u32(), depth = r.u8(), fp = r.u32(), child = r.u32(), chain = r.bytes(32), data = r.bytes(33);
  const priv = version == XPRV || version == TPRV;
  if (!priv && version != XPUB && version != TPUB) { err.msg = "unknown extended key version"; return null; }
  if (depth == 0 && fp != 0) { err.msg = "zero depth with non-zero parent fingerprint"; return null; }
  if (depth == 0 && child != 0) { err.msg = "zero depth with non-zero index"; return null; }
  let key: ExtendedKey;
  if (priv) {
    if (data[0] != 0) { err.msg = "invalid private key prefix"; return null; }
    const sec = data.slice(1);
    const pub = pubkeyCreate(sec);
    if (pub === null) { err.msg = "private key not in 1..n-1"; return null; }
    key = new ExtendedKey(depth, fp, child, chain, sec, pub!);
  } else {
    if (data[0] != 2 && data[0] != 3) { err.msg = "invalid public key prefix"; return null; }
    const pub = pubkeyParse(data);
    if (pub === null) { err.msg = "invalid public key"; return null; }
    key = new ExtendedKey(depth, fp, child, chain, null, pub!);
  }
  return new ParsedKey(key, version == TPUB || version == TPRV);
}

/** BIP84 (P2WPKH) and BIP86 (P2TR) account paths: purpose' / coin' / account'. */
export function accountPath(purpose: u32, network: u8, account: u32): u32[] {
  const p = new Array<u32>(3);
  p[0] = purpose | HARDENED;
  p[1] = (network == 0 ? 0 : 1) | HARDENED;
  p[2] = account | HARDENED;
  return p;
}
