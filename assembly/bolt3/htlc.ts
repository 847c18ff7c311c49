// BOLT 3 "HTLC-Timeout and HTLC-Success Transactions": spend an HTLC output of
// a commitment to a delayed output of its broadcaster. With anchors they pay
// no fee (the counterparty signs SIGHASH_SINGLE|ANYONECANPAY so fees can be
// added) and the input has sequence 1.
import { Tx, TxIn, TxOut } from "../bitcoin/tx";
import { p2wshOf } from "../bitcoin/script";
import { Commitment, Htlc, htlcSuccessFee, htlcTimeoutFee } from "./commitment";
import { toLocalScript } from "./scripts";

/** The second-stage tx for the HTLC at output `vout` of `c`: timeout for offered, success for received. */
export function buildHtlcTx(c: Commitment, vout: i32, h: Htlc, feeratePerKw: u64, anchors: bool, revocation: Uint8Array, broadcasterDelayed: Uint8Array, toSelfDelay: u32): Tx {
  const tx = new Tx(2, h.offered ? h.cltvExpiry : 0);
  tx.inputs.push(new TxIn(c.txid(), <u32>vout, new Uint8Array(0), anchors ? 1 : 0));
  const fee = h.offered ? htlcTimeoutFee(feeratePerKw, anchors) : htlcSuccessFee(feeratePerKw, anchors);
  tx.outputs.push(new TxOut(c.outputs[vout].value - fee, p2wshOf(toLocalScript(revocation, broadcasterDelayed, toSelfDelay))));
  return tx;
}
