// tools/lightning (0x8300-0x83ff): Lightning-format computations on caller
// data and caller keys (BOLT 11 signing with a given key, for the spec's
// examples). The signer's own key is never used here.
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { Code, CoreError, malformed, invalidArgument } from "../protocol/errors";
import { signRecoverable } from "../crypto/recoverable";
import { MAX_INVOICE_WORDS } from "../signer/node_sign";
import { invoiceDigest, decodeInvoice } from "../lightning/bolt11";
import { DecodeError } from "../bitcoin/bech32";
import { merkleRoot, signBolt12 } from "../lightning/bolt12";

export namespace LightningTool {
  /** sec[32] | varbytes hrp | varbytes words → recid | r | s (the path sign_invoice takes). */
  export const BOLT11_SIGN: u16 = 0x8300;
  /** varbytes tlv_stream → merkle root[32] (BOLT 12). */
  export const BOLT12_MERKLE: u16 = 0x8301;
  /** sec[32] | varbytes messagename | varbytes fieldname | varbytes tlv_stream | aux[32] → signature[64]. */
  export const BOLT12_SIGN: u16 = 0x8302;
  /** bytes (the whole payload) → u64: the BigSize decoder every method uses (BOLT 1 Appendix A). */
  export const BIGSIZE_DECODE: u16 = 0x8303;
  /** u64 → its BigSize encoding. */
  export const BIGSIZE_ENCODE: u16 = 0x8304;
  /**
   * varbytes invoice | u8 has_payee [payee[33]] → u8 network | u8 has_amount | u64 amount_msat |
   * payment_hash[32] | payment_secret[32] | u64 timestamp | u64 expiry | u64 min_final_cltv | payee[33] | u8 payee_from_n
   */
  export const BOLT11_DECODE: u16 = 0x8305;
}

const MAX_TLV: i32 = 65535;

export function handleLightningTool(method: u16, r: Reader, w: Writer): CoreError | null {
  if (method == LightningTool.BOLT11_SIGN) {
    const sec = r.bytes(32);
    const hrp = r.varbytes(256);
    const words = r.varbytes(MAX_INVOICE_WORDS);
    if (!r.finish()) return malformed(r.err!);
    const d = invoiceDigest(hrp, words);
    if (d === null) return invalidArgument("not a BOLT 11 hrp and 5-bit data");
    const sig = signRecoverable(sec, d);
    if (sig === null) return invalidArgument("bad secret");
    w.bytes(sig);
    return null;
  }
  if (method == LightningTool.BIGSIZE_DECODE) {
    const v = r.bigsize();
    if (!r.finish()) return malformed(r.err!);
    w.u64(v);
    return null;
  }
  if (method == LightningTool.BIGSIZE_ENCODE) {
    const v = r.u64();
    if (!r.finish()) return malformed(r.err!);
    w.bigsize(v);
    return null;
  }
  if (method == LightningTool.BOLT12_MERKLE) {
    const tlv = r.varbytes(MAX_TLV);
    if (!r.finish()) return malformed(r.err!);
    const tr = new Reader(tlv);
    const root = merkleRoot(tr);
    if (root === null) return malformed("tlv stream: " + tr.err!);
    w.bytes(root!);
    return null;
  }
  if (method == LightningTool.BOLT12_SIGN) {
    const sec = r.bytes(32);
    const msgName = String.UTF8.decode(r.varbytes(64).buffer);
    const fieldName = String.UTF8.decode(r.varbytes(64).buffer);
    const tlv = r.varbytes(MAX_TLV);
    const aux = r.bytes(32);
    if (!r.finish()) return malformed(r.err!);
    const tr = new Reader(tlv);
    const root = merkleRoot(tr);
    if (root === null) return malformed("tlv stream: " + tr.err!);
    const sig = signBolt12(sec, msgName, fieldName, root!, aux);
    if (sig === null) return invalidArgument("bad secret");
    w.bytes(sig!);
    return null;
  }
  if (method == LightningTool.BOLT11_DECODE) {
    const s = r.varbytes(7089);
    const payee = r.u8() == 1 ? r.bytes(33) : null;
    if (!r.finish()) return malformed(r.err!);
    const err = new DecodeError();
    const inv = decodeInvoice(s, payee, err);
    if (inv === null) return invalidArgument("invoice: " + err.msg);
    w.u8(inv!.network).u8(inv!.hasAmount ? 1 : 0).u64(inv!.amountMsat).bytes(inv!.paymentHash).bytes(inv!.paymentSecret);
    w.u64(inv!.timestamp).u64(inv!.expiry).u64(inv!.minFinalCltv).bytes(inv!.payee).u8(inv!.payeeFromN ? 1 : 0);
    return null;
  }
  return new CoreError(Code.UNKNOWN_METHOD, "unknown method");
}
