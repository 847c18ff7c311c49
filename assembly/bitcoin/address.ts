// Addresses ↔ scriptPubKeys with network checks: segwit (BIP173/BIP350) and
// base58check P2PKH/P2SH. The signer turns an allowlist entry into a script
// itself; an address of another network is refused.
import { DecodeError, decodeSegwit, encodeSegwit } from "./bech32";
import { base58CheckDecode, base58CheckEncode } from "./base58";
import { ScriptType, classify, p2pkh, p2sh, witnessProgram, witnessVersion } from "./script";

/** Human-readable part per network (signer network order: bitcoin, testnet, signet, regtest). */
export function hrpOf(network: u8): Uint8Array {
  const s = network == 0 ? "bc" : network == 3 ? "bcrt" : "tb";
  return Uint8Array.wrap(String.UTF8.encode(s));
}

function p2pkhVersion(network: u8): u8 { return network == 0 ? 0x00 : 0x6f; }
function p2shVersion(network: u8): u8 { return network == 0 ? 0x05 : 0xc4; }

/** Is this string written in the bech32 alphabet family (hrp + '1')? Decided by the network's hrp prefix. */
function looksSegwit(network: u8, a: Uint8Array): bool {
  const hrp = hrpOf(network);
  if (a.length <= hrp.length || (a[hrp.length] != 0x31)) return false;
  for (let i = 0; i < hrp.length; i++) if ((a[i] | 0x20) != hrp[i]) return false;
  return true;
}

export function addressToScript(network: u8, addr: Uint8Array, err: DecodeError): Uint8Array | null {
  if (looksSegwit(network, addr)) {
    const s = decodeSegwit(hrpOf(network), addr, err);
    return s === null ? null : witnessProgram(s!.version, s!.program);
  }
  const p = base58CheckDecode(addr);
  if (p === null) {
    // Neither: report the bech32 reading, which names e.g. a wrong hrp.
    const s = decodeSegwit(hrpOf(network), addr, err);
    if (s === null && err.msg == "") err.msg = "not an address";
    if (s === null) return null;
    return witnessProgram(s!.version, s!.program);
  }
  if (p!.length != 21) { err.msg = "base58 payload is not 21 bytes"; return null; }
  const h = p!.slice(1);
  if (p![0] == p2pkhVersion(network)) return p2pkh(h);
  if (p![0] == p2shVersion(network)) return p2sh(h);
  err.msg = "base58 version of another network";
  return null;
}

/** The address of a standard script, or null (bare scripts and OP_RETURN have none). */
export function scriptToAddress(network: u8, script: Uint8Array): Uint8Array | null {
  const t = classify(script);
  if (t == ScriptType.P2PKH || t == ScriptType.P2SH) {
    const payload = new Uint8Array(21);
    payload[0] = t == ScriptType.P2PKH ? p2pkhVersion(network) : p2shVersion(network);
    payload.set(script.subarray(t == ScriptType.P2PKH ? 3 : 2, t == ScriptType.P2PKH ? 23 : 22), 1);
    return base58CheckEncode(payload);
  }
  const v = witnessVersion(script);
  if (v < 0) return null;
  return encodeSegwit(hrpOf(network), <u8>v, script.slice(2));
}
