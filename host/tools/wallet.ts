// Client of the core's tools/wallet methods (assembly/tools/wallet.ts).
import { Reader, Writer } from "../protocol/codec.js";
import { Network, NetworkName, Signer } from "../signer.js";

export const WalletTool = { ADDRESS_TO_SCRIPT: 0x8500, SCRIPT_TO_ADDRESS: 0x8501, BECH32_DECODE: 0x8502, BASE58CHECK_DECODE: 0x8503, BASE58CHECK_ENCODE: 0x8504 } as const;
const enc = (s: string | Uint8Array) => (typeof s === "string" ? new TextEncoder().encode(s) : s);

export function addressToScript(s: Signer, network: NetworkName, address: string | Uint8Array): Uint8Array {
  return new Reader(s.request(WalletTool.ADDRESS_TO_SCRIPT, new Writer().u8(Network[network]).varbytes(enc(address)).finish())).varbytes();
}

export function scriptToAddress(s: Signer, network: NetworkName, script: Uint8Array): string {
  return new TextDecoder().decode(new Reader(s.request(WalletTool.SCRIPT_TO_ADDRESS, new Writer().u8(Network[network]).varbytes(script).finish())).varbytes());
}

export function bech32Decode(s: Signer, str: string | Uint8Array): { hrp: string; encoding: "bech32" | "bech32m"; data: Uint8Array } {
  const r = new Reader(s.request(WalletTool.BECH32_DECODE, new Writer().varbytes(enc(str)).finish()));
  return { hrp: new TextDecoder().decode(r.varbytes()), encoding: r.u8() ? "bech32m" : "bech32", data: r.varbytes() };
}

export function base58CheckDecode(s: Signer, str: string): Uint8Array {
  return new Reader(s.request(WalletTool.BASE58CHECK_DECODE, new Writer().varbytes(enc(str)).finish())).varbytes();
}

export function base58CheckEncode(s: Signer, payload: Uint8Array): string {
  return new TextDecoder().decode(new Reader(s.request(WalletTool.BASE58CHECK_ENCODE, new Writer().varbytes(payload).finish())).varbytes());
}

export const Bip32Tool = { DERIVE: 0x8510, PARSE: 0x8511, DERIVE_KEY: 0x8512 } as const;
const pathW = (w: Writer, path: number[]) => { w.u8(path.length); for (const i of path) w.u32(i >>> 0); return w; };

/** xprv and xpub at `path` from a seed. */
export function bip32Derive(s: Signer, seed: Uint8Array, path: number[], testnet = false): { xprv: string; xpub: string } {
  const r = new Reader(s.request(Bip32Tool.DERIVE, pathW(new Writer().varbytes(seed).u8(testnet ? 1 : 0), path).finish()));
  const d = new TextDecoder();
  return { xprv: d.decode(r.varbytes()), xpub: d.decode(r.varbytes()) };
}

export interface ParsedExtendedKey { private: boolean; testnet: boolean; depth: number; parentFingerprint: number; childNumber: number; chainCode: Uint8Array; pubkey: Uint8Array; fingerprint: number }

export function bip32Parse(s: Signer, key: string): ParsedExtendedKey {
  const r = new Reader(s.request(Bip32Tool.PARSE, new Writer().varbytes(enc(key)).finish()));
  const k = { private: r.u8() === 1, testnet: r.u8() === 1, depth: r.u8(), parentFingerprint: r.u32(), childNumber: r.u32(), chainCode: r.bytes(32), pubkey: r.bytes(33), fingerprint: r.u32() };
  r.finish();
  return k;
}

/** Child of an extended key along `path` (public derivation when the key is an xpub). */
export function bip32DeriveKey(s: Signer, key: string, path: number[]): string {
  return new TextDecoder().decode(new Reader(s.request(Bip32Tool.DERIVE_KEY, pathW(new Writer().varbytes(enc(key)), path).finish())).varbytes());
}

// ---- PSBT (BIP174, BIP371 key path) ----

export const PsbtTool = { PARSE: 0x8520, SIGN: 0x8521, COMBINE: 0x8522 } as const;

/** Parse and re-serialize a PSBT in the core; throws SignerError for an invalid one. */
export function psbtParse(s: Signer, psbt: Uint8Array): { psbt: Uint8Array; txid: Uint8Array; inputs: number; outputs: number } {
  const r = new Reader(s.request(PsbtTool.PARSE, new Writer().varbytes(psbt).finish()));
  return { psbt: r.varbytes(), txid: r.bytes(32), inputs: r.u16(), outputs: r.u16() };
}

export function psbtCombine(s: Signer, a: Uint8Array, b: Uint8Array): Uint8Array {
  return new Reader(s.request(PsbtTool.COMBINE, new Writer().varbytes(a).varbytes(b).finish())).varbytes();
}

export interface PsbtSignOptions { aux?: Uint8Array; paths?: number[][] }

/** Sign the inputs `root` (a BIP32 seed, or an xprv/tprv string) owns; returns the PSBT and the number of signatures added. */
export function psbtSign(s: Signer, root: Uint8Array | string, psbt: Uint8Array, o: PsbtSignOptions = {}): { psbt: Uint8Array; added: number } {
  const w = new Writer().u8(typeof root === "string" ? 1 : 0).varbytes(enc(root)).bytes(o.aux ?? new Uint8Array(32));
  const paths = o.paths ?? [];
  w.u8(paths.length);
  for (const p of paths) { w.u8(p.length); for (const c of p) w.u32(c >>> 0); }
  const r = new Reader(s.request(PsbtTool.SIGN, w.varbytes(psbt).finish()));
  return { psbt: r.varbytes(), added: r.u16() };
}
