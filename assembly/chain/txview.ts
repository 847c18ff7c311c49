// The parts of a transaction the watch logic needs, from the Bitcoin layer's parser.
import { Reader } from "../codec/reader";
import { Tx, parseTx } from "../bitcoin/tx";
import { sha256d } from "../crypto";
import { TxView } from "./watch";

export function viewOf(tx: Tx): TxView {
  const prev = new Array<Uint8Array>(), vouts = new Array<u32>(), scripts = new Array<Uint8Array>();
  for (let i = 0; i < tx.inputs.length; i++) { prev.push(tx.inputs[i].prevTxid); vouts.push(tx.inputs[i].vout); }
  for (let i = 0; i < tx.outputs.length; i++) scripts.push(tx.outputs[i].script);
  const stripped = tx.serialize(false);
  return new TxView(sha256d(stripped), prev, vouts, scripts, stripped.length);
}

export function parseTxView(raw: Uint8Array): TxView | null {
  const tx = parseTx(raw, new Reader(raw));
  return tx === null ? null : viewOf(tx!);
}
