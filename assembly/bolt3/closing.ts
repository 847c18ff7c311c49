// BOLT 3 "Legacy Closing Transaction" (closing_signed) and "Closing
// Transaction" (option_simple_close: closing_complete / closing_sig).
import { Tx, TxIn, TxOut } from "../bitcoin/tx";
import { compareBytes } from "../codec/bytes";

function sortOutputs(tx: Tx): void {
  tx.outputs.sort((a, b) => (a.value != b.value ? (a.value < b.value ? -1 : 1) : compareBytes(a.script, b.script)));
}

/**
 * Legacy closing: the funder pays `feeSat`; outputs below `dustLimitSat` (the
 * signer's own) are removed; `omitHolder` drops our own output (allowed).
 * Balances in msat, rounded down.
 */
export function legacyClosing(fundingTxid: Uint8Array, fundingVout: u32, holderMsat: u64, counterpartyMsat: u64, holderIsFunder: bool, feeSat: u64,
  holderScript: Uint8Array, counterpartyScript: Uint8Array, dustLimitSat: u64, omitHolder: bool): Tx | null {
  let h = holderMsat / 1000, c = counterpartyMsat / 1000;
  if (holderIsFunder) { if (h < feeSat) return null; h -= feeSat; } else { if (c < feeSat) return null; c -= feeSat; }
  const tx = new Tx(2, 0);
  tx.inputs.push(new TxIn(fundingTxid, fundingVout, new Uint8Array(0), 0xffffffff));
  if (!omitHolder && h >= dustLimitSat) tx.outputs.push(new TxOut(h, holderScript));
  if (c >= dustLimitSat) tx.outputs.push(new TxOut(c, counterpartyScript));
  if (tx.outputs.length == 0) return null;
  sortOutputs(tx);
  return tx;
}

/** option_simple_close: the closer pays `feeSat`; an OP_RETURN output carries 0; the closer may omit its output. */
export function simpleClosing(fundingTxid: Uint8Array, fundingVout: u32, locktime: u32, closerMsat: u64, closeeMsat: u64, feeSat: u64,
  closerScript: Uint8Array | null, closeeScript: Uint8Array | null): Tx | null {
  const tx = new Tx(2, locktime);
  tx.inputs.push(new TxIn(fundingTxid, fundingVout, new Uint8Array(0), 0xfffffffd));
  if (closerScript !== null) {
    const opReturn = closerScript!.length > 0 && closerScript![0] == 0x6a;
    const v = closerMsat / 1000;
    if (!opReturn && v < feeSat) return null;
    tx.outputs.push(new TxOut(opReturn ? 0 : v - feeSat, closerScript!));
  }
  if (closeeScript !== null) {
    const opReturn = closeeScript!.length > 0 && closeeScript![0] == 0x6a;
    tx.outputs.push(new TxOut(opReturn ? 0 : closeeMsat / 1000, closeeScript!));
  }
  if (tx.outputs.length == 0) return null;
  sortOutputs(tx);
  return tx;
}
