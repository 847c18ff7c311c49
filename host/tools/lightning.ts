// Client of the core's tools/lightning methods (assembly/tools/lightning.ts).
import { Reader, Writer } from "../protocol/codec.js";
import { Signer } from "../signer.js";

export const LightningTool = { BOLT11_SIGN: 0x8300, BOLT12_MERKLE: 0x8301, BOLT12_SIGN: 0x8302, BIGSIZE_DECODE: 0x8303, BIGSIZE_ENCODE: 0x8304 } as const;

/** recid | r | s over a BOLT 11 hrp and 5-bit data words, with the given key. */
export function bolt11SignWithKey(s: Signer, sec: Uint8Array, hrp: string, words: ArrayLike<number>): Uint8Array {
  return s.request(LightningTool.BOLT11_SIGN, new Writer().bytes(sec).varbytes(new TextEncoder().encode(hrp)).varbytes(Uint8Array.from(words)).finish());
}

/** BOLT 12 Merkle root of a TLV stream. */
export function bolt12Merkle(s: Signer, tlv: Uint8Array): Uint8Array {
  return s.request(LightningTool.BOLT12_MERKLE, new Writer().varbytes(tlv).finish());
}

/** BIP340 signature over H("lightning" ‖ message ‖ field, merkle root) with the given key. */
export function bolt12SignWithKey(s: Signer, sec: Uint8Array, message: string, field: string, tlv: Uint8Array, aux = new Uint8Array(32)): Uint8Array {
  const e = new TextEncoder();
  return s.request(LightningTool.BOLT12_SIGN, new Writer().bytes(sec).varbytes(e.encode(message)).varbytes(e.encode(field)).varbytes(tlv).bytes(aux).finish());
}

export interface DecodedInvoice {
  network: number; amountMsat: bigint | null; paymentHash: Uint8Array; paymentSecret: Uint8Array;
  timestamp: bigint; expiry: bigint; minFinalCltv: bigint; payee: Uint8Array; payeeFromN: boolean;
}

/** The core's BOLT 11 decoding; `payee` is needed when the invoice has no `n` field. */
export function bolt11Decode(s: Signer, invoice: string, payee?: Uint8Array): DecodedInvoice {
  const w = new Writer().varbytes(new TextEncoder().encode(invoice));
  if (payee) w.u8(1).bytes(payee); else w.u8(0);
  const r = new Reader(s.request(0x8305, w.finish()));
  const network = r.u8(), has = r.u8() === 1, amount = r.u64();
  const d = { network, amountMsat: has ? amount : null, paymentHash: r.bytes(32), paymentSecret: r.bytes(32), timestamp: r.u64(), expiry: r.u64(), minFinalCltv: r.u64(), payee: r.bytes(33), payeeFromN: r.u8() === 1 };
  r.finish();
  return d;
}
