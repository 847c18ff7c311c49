// Client of the core's tools/lightning methods (assembly/tools/lightning.ts).
import { Writer } from "../protocol/codec.js";
import { Signer } from "../signer.js";

export const LightningTool = { BOLT11_SIGN: 0x8300 } as const;

/** recid | r | s over a BOLT 11 hrp and 5-bit data words, with the given key. */
export function bolt11SignWithKey(s: Signer, sec: Uint8Array, hrp: string, words: ArrayLike<number>): Uint8Array {
  return s.request(LightningTool.BOLT11_SIGN, new Writer().bytes(sec).varbytes(new TextEncoder().encode(hrp)).varbytes(Uint8Array.from(words)).finish());
}
