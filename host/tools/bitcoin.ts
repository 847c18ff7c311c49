// Client of the core's tools/bitcoin methods (assembly/tools/bitcoin.ts).
import { Reader, Writer } from "../protocol/codec.js";
import { Signer } from "../signer.js";

export const BitcoinTool = {
  TX_PARSE: 0x8100, SIGHASH_V0: 0x8101, SIGHASH_TAPROOT: 0x8102, TAPROOT_OUTPUT: 0x8103, TAPROOT_SIGN_KEYPATH: 0x8104,
  SCRIPT_CLASSIFY: 0x8105, DER_ENCODE: 0x8106, DER_DECODE: 0x8107, TAP_LEAF_HASH: 0x8108, TAP_BRANCH_HASH: 0x8109,
} as const;

export const ScriptType = ["unknown", "p2pkh", "p2sh", "p2wpkh", "p2wsh", "p2tr", "witness-unknown", "op_return"] as const;

export interface ParsedTx { txid: Uint8Array; wtxid: Uint8Array; weight: number; vsize: number; inputs: number; outputs: number; serialized: Uint8Array }

export function txParse(s: Signer, raw: Uint8Array): ParsedTx {
  const r = new Reader(s.request(BitcoinTool.TX_PARSE, new Writer().varbytes(raw).finish()));
  const t = { txid: r.bytes(32), wtxid: r.bytes(32), weight: r.u32(), vsize: r.u32(), inputs: r.u16(), outputs: r.u16(), serialized: r.varbytes() };
  r.finish();
  return t;
}

export function sighashV0(s: Signer, tx: Uint8Array, index: number, scriptCode: Uint8Array, amount: bigint, hashType: number): Uint8Array {
  return s.request(BitcoinTool.SIGHASH_V0, new Writer().varbytes(tx).u32(index).varbytes(scriptCode).u64(amount).u8(hashType).finish());
}

export interface Spent { amount: bigint; script: Uint8Array }

export function sighashTaproot(s: Signer, tx: Uint8Array, index: number, hashType: number, spent: Spent[], opts: { annex?: Uint8Array; leafHash?: Uint8Array; codesepPos?: number } = {}): Uint8Array {
  const w = new Writer().varbytes(tx).u32(index).u8(hashType).u16(spent.length);
  for (const o of spent) w.u64(o.amount).varbytes(o.script);
  if (opts.annex) w.u8(1).varbytes(opts.annex); else w.u8(0);
  if (opts.leafHash) w.u8(1).bytes(opts.leafHash).u32(opts.codesepPos ?? 0xffffffff); else w.u8(0);
  return s.request(BitcoinTool.SIGHASH_TAPROOT, w.finish());
}

const opt32 = (w: Writer, b: Uint8Array | null | undefined) => (b ? w.u8(1).bytes(b) : w.u8(0));

export function taprootOutput(s: Signer, internalKey: Uint8Array, merkleRoot?: Uint8Array | null): { tweak: Uint8Array; outputKey: Uint8Array; script: Uint8Array } {
  const r = new Reader(s.request(BitcoinTool.TAPROOT_OUTPUT, opt32(new Writer().bytes(internalKey), merkleRoot).finish()));
  const o = { tweak: r.bytes(32), outputKey: r.bytes(33), script: r.varbytes() };
  r.finish();
  return o;
}

export function taprootSignKeyPath(s: Signer, sec: Uint8Array, merkleRoot: Uint8Array | null, sighash: Uint8Array, aux = new Uint8Array(32)): Uint8Array {
  return s.request(BitcoinTool.TAPROOT_SIGN_KEYPATH, opt32(new Writer().bytes(sec), merkleRoot).bytes(sighash).bytes(aux).finish());
}

export function classifyScript(s: Signer, script: Uint8Array): (typeof ScriptType)[number] {
  return ScriptType[s.request(BitcoinTool.SCRIPT_CLASSIFY, new Writer().varbytes(script).finish())[0]];
}

export function derEncode(s: Signer, sig64: Uint8Array, hashType: number): Uint8Array {
  return new Reader(s.request(BitcoinTool.DER_ENCODE, new Writer().bytes(sig64).u8(hashType).finish())).varbytes();
}

export function derDecode(s: Signer, der: Uint8Array): { sig: Uint8Array; hashType: number } {
  const r = new Reader(s.request(BitcoinTool.DER_DECODE, new Writer().varbytes(der).finish()));
  return { sig: r.bytes(64), hashType: r.u8() };
}

export function tapLeafHash(s: Signer, leafVersion: number, script: Uint8Array): Uint8Array {
  return s.request(BitcoinTool.TAP_LEAF_HASH, new Writer().u8(leafVersion).varbytes(script).finish());
}

export function tapBranchHash(s: Signer, a: Uint8Array, b: Uint8Array): Uint8Array {
  return s.request(BitcoinTool.TAP_BRANCH_HASH, new Writer().bytes(a).bytes(b).finish());
}
