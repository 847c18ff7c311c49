// tools/bitcoin (0x8100-0x81ff): Bitcoin-layer computations on caller data
// (transactions, sighashes, taproot tweaks, DER), for conformance vectors and
// differential tests. Signing with the signer's own keys is not here.
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { Code, CoreError, malformed, invalidArgument } from "../protocol/errors";
import { parseTx } from "../bitcoin/tx";
import { Sighasher } from "../bitcoin/sighash";
import { classify, p2tr } from "../bitcoin/script";
import { derDecode, derEncode } from "../bitcoin/der";
import { outputKey, signKeyPath, tapBranchHash, tapLeafHash, tapTweak } from "../bitcoin/taproot";

export namespace BitcoinTool {
  export const TX_PARSE: u16 = 0x8100;
  export const SIGHASH_V0: u16 = 0x8101;
  export const SIGHASH_TAPROOT: u16 = 0x8102;
  export const TAPROOT_OUTPUT: u16 = 0x8103;
  export const TAPROOT_SIGN_KEYPATH: u16 = 0x8104;
  export const SCRIPT_CLASSIFY: u16 = 0x8105;
  export const DER_ENCODE: u16 = 0x8106;
  export const DER_DECODE: u16 = 0x8107;
  export const TAP_LEAF_HASH: u16 = 0x8108;
  export const TAP_BRANCH_HASH: u16 = 0x8109;
}

const MAX_TX: i32 = 400_000;

function optional32(r: Reader): Uint8Array | null { return r.u8() == 1 ? r.bytes(32) : null; }

export function handleBitcoinTool(method: u16, r: Reader, w: Writer): CoreError | null {
  if (method == BitcoinTool.TX_PARSE) {
    // varbytes tx → txid | wtxid | u32 weight | u32 vsize | u16 inputs | u16 outputs | varbytes serialization
    const raw = r.varbytes(MAX_TX);
    if (!r.finish()) return malformed(r.err!);
    const tr = new Reader(raw);
    const tx = parseTx(raw, tr);
    if (tx === null) return malformed("transaction: " + (tr.err !== null ? tr.err! : "invalid"));
    w.bytes(tx!.txid()).bytes(tx!.wtxid()).u32(tx!.weight()).u32(tx!.vsize());
    w.u16(<u16>tx!.inputs.length).u16(<u16>tx!.outputs.length).varbytes(tx!.serialize(true));
    return null;
  }
  if (method == BitcoinTool.SIGHASH_V0) {
    // varbytes tx | u32 index | varbytes script_code | u64 amount | u8 hash_type → digest
    const raw = r.varbytes(MAX_TX), index = r.u32(), code = r.varbytes(10_000), amount = r.u64(), ht = r.u8();
    if (!r.finish()) return malformed(r.err!);
    const tx = parseTx(raw);
    if (tx === null) return malformed("transaction");
    const d = new Sighasher(tx!).segwitV0(<i32>index, code, amount, ht);
    if (d === null) return invalidArgument("input index");
    w.bytes(d!);
    return null;
  }
  if (method == BitcoinTool.SIGHASH_TAPROOT) {
    // varbytes tx | u32 index | u8 hash_type | u16 n | n × (u64 amount | varbytes script) | u8 has_annex [varbytes annex]
    // | u8 has_leaf [leaf_hash[32] | u32 codesep_pos] → digest
    const raw = r.varbytes(MAX_TX), index = r.u32(), ht = r.u8();
    const n = <i32>r.u16();
    const amounts = new Array<u64>(), scripts = new Array<Uint8Array>();
    for (let i = 0; i < n && r.ok(); i++) { amounts.push(r.u64()); scripts.push(r.varbytes(10_000)); }
    const annex = r.u8() == 1 ? r.varbytes(MAX_TX) : null;
    const leaf = optional32(r);
    const codesep = leaf !== null ? r.u32() : 0xffffffff;
    if (!r.finish()) return malformed(r.err!);
    const tx = parseTx(raw);
    if (tx === null) return malformed("transaction");
    const h = new Sighasher(tx!);
    if (!h.spent(amounts, scripts)) return invalidArgument("one spent output per input");
    const d = h.taproot(<i32>index, ht, annex, leaf, codesep);
    if (d === null) return invalidArgument("hash type or input index");
    w.bytes(d!);
    return null;
  }
  if (method == BitcoinTool.TAPROOT_OUTPUT) {
    // internal_key[32] | u8 has_root [root[32]] → tweak[32] | output_key[33, parity||x] | script_pubkey
    const p = r.bytes(32), root = optional32(r);
    if (!r.finish()) return malformed(r.err!);
    const q = outputKey(p, root);
    if (q === null) return invalidArgument("internal key or tweak");
    w.bytes(tapTweak(p, root)).bytes(q!).varbytes(p2tr(q!.slice(1)));
    return null;
  }
  if (method == BitcoinTool.TAPROOT_SIGN_KEYPATH) {
    // sec[32] | u8 has_root [root[32]] | sighash[32] | aux[32] → sig[64]
    const sec = r.bytes(32), root = optional32(r), msg = r.bytes(32), aux = r.bytes(32);
    if (!r.finish()) return malformed(r.err!);
    const sig = signKeyPath(sec, root, msg, aux);
    if (sig === null) return invalidArgument("secret key");
    w.bytes(sig!);
    return null;
  }
  if (method == BitcoinTool.SCRIPT_CLASSIFY) {
    const s = r.varbytes(10_000);
    if (!r.finish()) return malformed(r.err!);
    w.u8(<u8>classify(s));
    return null;
  }
  if (method == BitcoinTool.DER_ENCODE) {
    const sig = r.bytes(64), ht = r.u8();
    if (!r.finish()) return malformed(r.err!);
    w.varbytes(derEncode(sig, ht));
    return null;
  }
  if (method == BitcoinTool.DER_DECODE) {
    const der = r.varbytes(80);
    if (!r.finish()) return malformed(r.err!);
    const c = derDecode(der);
    if (c === null) return malformed("not strict DER");
    w.bytes(c!).u8(der[der.length - 1]);
    return null;
  }
  if (method == BitcoinTool.TAP_LEAF_HASH) {
    const v = r.u8(), s = r.varbytes(10_000);
    if (!r.finish()) return malformed(r.err!);
    w.bytes(tapLeafHash(v, s));
    return null;
  }
  if (method == BitcoinTool.TAP_BRANCH_HASH) {
    const a = r.bytes(32), b = r.bytes(32);
    if (!r.finish()) return malformed(r.err!);
    w.bytes(tapBranchHash(a, b));
    return null;
  }
  return new CoreError(Code.UNKNOWN_METHOD, "unknown method");
}
