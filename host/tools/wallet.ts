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
