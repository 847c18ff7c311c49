// tools/wallet (0x8500-0x85ff): addresses (BIP173/350, base58check), BIP32
// serialization and PSBT (BIP174) on caller data.
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { Code, CoreError, malformed, invalidArgument } from "../protocol/errors";
import { DecodeError, bech32Decode, BECH32 } from "../bitcoin/bech32";
import { base58CheckDecode, base58CheckEncode } from "../bitcoin/base58";
import { addressToScript, scriptToAddress } from "../bitcoin/address";
import { ExtendedKey, masterFromSeed, parseKey, serializeKey } from "../bitcoin/bip32";
import { PsbtError, SignOptions, combinePsbt, parsePsbt, signPsbt } from "../bitcoin/psbt";

export namespace WalletTool {
  /** u8 network | varbytes address → varbytes script_pubkey. */
  export const ADDRESS_TO_SCRIPT: u16 = 0x8500;
  /** u8 network | varbytes script_pubkey → varbytes address. */
  export const SCRIPT_TO_ADDRESS: u16 = 0x8501;
  /** varbytes string → varbytes hrp | u8 encoding (0 bech32, 1 bech32m) | varbytes 5-bit data. */
  export const BECH32_DECODE: u16 = 0x8502;
  /** varbytes string → varbytes payload. */
  export const BASE58CHECK_DECODE: u16 = 0x8503;
  /** varbytes payload → varbytes string. */
  export const BASE58CHECK_ENCODE: u16 = 0x8504;
  /** varbytes seed | u8 testnet | u8 n | n × u32 child → varbytes xprv | varbytes xpub. */
  export const BIP32_DERIVE: u16 = 0x8510;
  /** varbytes extended key → u8 private | u8 testnet | u8 depth | u32 parent_fp | u32 child | chain[32] | pubkey[33] | u32 fingerprint. */
  export const BIP32_PARSE: u16 = 0x8511;
  /** varbytes extended key | u8 n | n × u32 child → varbytes extended key (public derivation from an xpub). */
  export const BIP32_DERIVE_KEY: u16 = 0x8512;
  /** varbytes psbt → varbytes psbt (re-serialized) | txid[32] (unsigned tx, internal order) | u16 inputs | u16 outputs. */
  export const PSBT_PARSE: u16 = 0x8520;
  /**
   * u8 root kind (0 seed, 1 extended private key string) | varbytes root | aux[32] (BIP340 aux_rand) |
   * u8 n | n × (u8 len | len × u32 child): paths allowed, none = any | varbytes psbt
   * → varbytes signed psbt | u16 signatures added.
   */
  export const PSBT_SIGN: u16 = 0x8521;
  /** varbytes psbt | varbytes psbt → varbytes combined psbt (BIP174 Combiner, keys in lexicographic order). */
  export const PSBT_COMBINE: u16 = 0x8522;
}

const MAX_PSBT: i32 = 1 << 20;

function psbtTool(method: u16, r: Reader, w: Writer): CoreError | null {
  const err = new PsbtError();
  if (method == WalletTool.PSBT_PARSE) {
    const b = r.varbytes(MAX_PSBT);
    if (!r.finish()) return malformed(r.err!);
    const p = parsePsbt(b, err);
    if (p === null) return invalidArgument("psbt: " + err.msg);
    w.varbytes(p!.serialize()).bytes(p!.tx.txid()).u16(<u16>p!.inputs.length).u16(<u16>p!.outputs.length);
    return null;
  }
  if (method == WalletTool.PSBT_COMBINE) {
    const a = r.varbytes(MAX_PSBT), b = r.varbytes(MAX_PSBT);
    if (!r.finish()) return malformed(r.err!);
    const pa = parsePsbt(a, err);
    if (pa === null) return invalidArgument("psbt: " + err.msg);
    const pb = parsePsbt(b, err);
    if (pb === null) return invalidArgument("psbt: " + err.msg);
    const c = combinePsbt(pa!, pb!, err);
    if (c === null) return invalidArgument("combine: " + err.msg);
    w.varbytes(c!.serialize());
    return null;
  }
  if (method == WalletTool.PSBT_SIGN) {
    const kind = r.u8(), rootBytes = r.varbytes(200);
    const opt = new SignOptions();
    opt.aux = r.bytes(32);
    const n = <i32>r.u8();
    for (let i = 0; i < n && r.ok(); i++) opt.paths.push(path(r));
    const b = r.varbytes(MAX_PSBT);
    if (!r.finish()) return malformed(r.err!);
    let root: ExtendedKey | null = null;
    if (kind == 0) root = masterFromSeed(rootBytes);
    else if (kind == 1) {
      const de = new DecodeError();
      const pk = parseKey(rootBytes, de);
      if (pk === null) return invalidArgument("extended key: " + de.msg);
      root = pk!.key;
    } else return invalidArgument("root kind");
    if (root === null) return invalidArgument("seed");
    if (root!.secret === null) return invalidArgument("a public key cannot sign");
    const p = parsePsbt(b, err);
    if (p === null) return invalidArgument("psbt: " + err.msg);
    const added = signPsbt(p!, root!, opt, err);
    if (added < 0) return invalidArgument("sign: " + err.msg);
    w.varbytes(p!.serialize()).u16(<u16>added);
    return null;
  }
  return new CoreError(Code.UNKNOWN_METHOD, "unknown method");
}

function path(r: Reader): u32[] {
  const n = <i32>r.u8();
  const p = new Array<u32>();
  for (let i = 0; i < n && r.ok(); i++) p.push(r.u32());
  return p;
}

export function handleWalletTool(method: u16, r: Reader, w: Writer): CoreError | null {
  if ((method & 0xfff0) == 0x8520) return psbtTool(method, r, w);
  if (method == WalletTool.ADDRESS_TO_SCRIPT) {
    const net = r.u8(), a = r.varbytes(200);
    if (!r.finish()) return malformed(r.err!);
    if (net > 3) return invalidArgument("network");
    const err = new DecodeError();
    const s = addressToScript(net, a, err);
    if (s === null) return invalidArgument("address: " + err.msg);
    w.varbytes(s!);
    return null;
  }
  if (method == WalletTool.SCRIPT_TO_ADDRESS) {
    const net = r.u8(), s = r.varbytes(10_000);
    if (!r.finish()) return malformed(r.err!);
    if (net > 3) return invalidArgument("network");
    const a = scriptToAddress(net, s);
    if (a === null) return invalidArgument("no address for this script");
    w.varbytes(a!);
    return null;
  }
  if (method == WalletTool.BECH32_DECODE) {
    const s = r.varbytes(1000);
    if (!r.finish()) return malformed(r.err!);
    const err = new DecodeError();
    const d = bech32Decode(s, err);
    if (d === null) return invalidArgument("bech32: " + err.msg);
    const data = new Uint8Array(d!.data.length);
    for (let i = 0; i < data.length; i++) data[i] = d!.data[i];
    w.varbytes(d!.hrp).u8(d!.encoding == BECH32 ? 0 : 1).varbytes(data);
    return null;
  }
  if (method == WalletTool.BASE58CHECK_DECODE) {
    const s = r.varbytes(1000);
    if (!r.finish()) return malformed(r.err!);
    const p = base58CheckDecode(s);
    if (p === null) return invalidArgument("base58check");
    w.varbytes(p!);
    return null;
  }
  if (method == WalletTool.BASE58CHECK_ENCODE) {
    const p = r.varbytes(1000);
    if (!r.finish()) return malformed(r.err!);
    w.varbytes(base58CheckEncode(p));
    return null;
  }
  if (method == WalletTool.BIP32_DERIVE) {
    const seed = r.varbytes(64), testnet = r.u8() != 0, p = path(r);
    if (!r.finish()) return malformed(r.err!);
    const m = masterFromSeed(seed);
    if (m === null) return invalidArgument("seed");
    const k = m!.derivePath(p);
    if (k === null) return invalidArgument("invalid child on this path");
    w.varbytes(serializeKey(k!, testnet)).varbytes(serializeKey(k!.neuter(), testnet));
    return null;
  }
  if (method == WalletTool.BIP32_PARSE || method == WalletTool.BIP32_DERIVE_KEY) {
    const s = r.varbytes(200);
    const p = method == WalletTool.BIP32_DERIVE_KEY ? path(r) : new Array<u32>();
    if (!r.finish()) return malformed(r.err!);
    const err = new DecodeError();
    const pk = parseKey(s, err);
    if (pk === null) return invalidArgument("extended key: " + err.msg);
    const k = pk!.key;
    if (method == WalletTool.BIP32_PARSE) {
      w.u8(k.secret !== null ? 1 : 0).u8(pk!.testnet ? 1 : 0).u8(k.depth).u32(k.parentFingerprint).u32(k.childNumber);
      w.bytes(k.chainCode).bytes(k.pubkey).u32(k.fingerprint());
      return null;
    }
    const d = k.derivePath(p);
    if (d === null) return invalidArgument("invalid child on this path (or hardened from a public key)");
    w.varbytes(serializeKey(d!, pk!.testnet));
    return null;
  }
  return new CoreError(Code.UNKNOWN_METHOD, "unknown method");
}
