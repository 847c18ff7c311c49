// Client of the core's commitment methods (assembly/signer/commitment.ts, 0x0400-0x04ff).
import { Reader, Writer } from "./protocol/codec.js";
import { Signer } from "./signer.js";

export const CommitmentMethod = { SIGN_COUNTERPARTY_COMMITMENT: 0x0400, VALIDATE_COUNTERPARTY_REVOCATION: 0x0401 } as const;

/** An HTLC of a channel state; `ours` = offered by us. */
export interface StateHtlc { ours: boolean; amountMsat: bigint; cltvExpiry: number; paymentHash: Uint8Array }
export interface ChannelState { number: bigint; point: Uint8Array; feeratePerKw: number; toHolderMsat: bigint; toCounterpartyMsat: bigint; htlcs: StateHtlc[] }

/** A transaction the node built, with each output's witness script (empty when not P2WSH). */
export interface NodeTx { tx: Uint8Array; scripts: Uint8Array[] }
/** The node's own commitment and its HTLC txs (output order): the core checks them against its build (policy/commitment_tx.ts). */
export interface NodeTxs { commitment: NodeTx; htlcs: NodeTx[] }

function writeNodeTx(w: Writer, t: NodeTx): void {
  w.varbytes(t.tx).u16(t.scripts.length);
  for (const x of t.scripts) w.varbytes(x);
}

/** The optional trailer of the commitment requests. */
function writeNodeTxs(w: Writer, t?: NodeTxs): Writer {
  if (!t) return w;
  writeNodeTx(w, t.commitment);
  w.u16(t.htlcs.length);
  for (const h of t.htlcs) writeNodeTx(w, h);
  return w;
}

/**
 * A state described by its commitment's outputs, as LDK's CommitmentTransaction gives it: our and
 * the peer's output values (sat, after the fee and anchors, 0 when trimmed) and the untrimmed HTLCs.
 * The core restores the msat state (0x0410 / 0x0413, assembly/signer/commitment.ts fromOutputs).
 */
export interface DescribedState { number: bigint; point: Uint8Array; feeratePerKw: number; toHolderSat: bigint; toCounterpartySat: bigint; htlcs: StateHtlc[] }

function writeHtlcs(w: Writer, htlcs: StateHtlc[]): Writer {
  w.u16(htlcs.length);
  for (const h of htlcs) w.u8(h.ours ? 1 : 0).u64(h.amountMsat).u32(h.cltvExpiry).bytes(h.paymentHash);
  return w;
}

function readSigs(reply: Uint8Array): { sig: Uint8Array; htlcSigs: Uint8Array[] } {
  const r = new Reader(reply);
  const sig = r.varbytes();
  const htlcSigs: Uint8Array[] = [];
  for (let i = 0, n = r.u16(); i < n; i++) htlcSigs.push(r.varbytes());
  r.finish();
  return { sig, htlcSigs };
}

/** Our signatures for the peer's commitment `state` (commitment_signed): the commitment's, then one per HTLC tx. */
export function signCounterpartyCommitment(s: Signer, channelId: Uint8Array, st: ChannelState, hostTime = BigInt(Math.floor(Date.now() / 1000)), nodeTxs?: NodeTxs): { sig: Uint8Array; htlcSigs: Uint8Array[] } {
  const w = writeHtlcs(new Writer().bytes(channelId).u64(st.number).bytes(st.point).u32(st.feeratePerKw).u64(st.toHolderMsat).u64(st.toCounterpartyMsat), st.htlcs);
  return readSigs(s.request(CommitmentMethod.SIGN_COUNTERPARTY_COMMITMENT, writeNodeTxs(w.u64(hostTime), nodeTxs).finish()));
}

/** signCounterpartyCommitment for a state described by its outputs (0x0410). */
export function signCounterpartyCommitmentTx(s: Signer, channelId: Uint8Array, st: DescribedState, hostTime = BigInt(Math.floor(Date.now() / 1000)), nodeTxs?: NodeTxs): { sig: Uint8Array; htlcSigs: Uint8Array[] } {
  const w = writeHtlcs(new Writer().bytes(channelId).u64(st.number).bytes(st.point).u32(st.feeratePerKw).u64(st.toHolderSat).u64(st.toCounterpartySat), st.htlcs);
  return readSigs(s.request(0x0410, writeNodeTxs(w.u64(hostTime), nodeTxs).finish()));
}

/** update_fulfill_htlc from the peer: the preimage of an HTLC we offered on this channel (policy-commitment-payment-settled-preimage). */
export function htlcPreimage(s: Signer, channelId: Uint8Array, preimage: Uint8Array): void {
  s.request(0x0408, new Writer().bytes(channelId).bytes(preimage).finish());
}

/** The peer's revoke_and_ack: the secret of its commitment `number`. */
export function validateCounterpartyRevocation(s: Signer, channelId: Uint8Array, number: bigint, secret: Uint8Array): void {
  s.request(CommitmentMethod.VALIDATE_COUNTERPARTY_REVOCATION, new Writer().bytes(channelId).u64(number).bytes(secret).finish());
}

export const HolderMethod = { GET_PER_COMMITMENT_POINT: 0x0402, VALIDATE_HOLDER_COMMITMENT: 0x0403, REVOKE_HOLDER_COMMITMENT: 0x0404, SIGN_HOLDER_COMMITMENT: 0x0405 } as const;
export type HolderState = Omit<ChannelState, "point">;

export function perCommitmentPoint(s: Signer, channelId: Uint8Array, number: bigint): Uint8Array {
  return s.request(HolderMethod.GET_PER_COMMITMENT_POINT, new Writer().bytes(channelId).u64(number).finish());
}

/** The peer's commitment_signed on our commitment `st`: its signature and one per HTLC tx (output order). */
export function validateHolderCommitment(s: Signer, channelId: Uint8Array, st: HolderState, sig: Uint8Array, htlcSigs: Uint8Array[], nodeTxs?: NodeTxs): void {
  const w = writeHtlcs(new Writer().bytes(channelId).u64(st.number).u32(st.feeratePerKw).u64(st.toHolderMsat).u64(st.toCounterpartyMsat), st.htlcs);
  s.request(HolderMethod.VALIDATE_HOLDER_COMMITMENT, writeNodeTxs(writeSigs(w, sig, htlcSigs), nodeTxs).finish());
}

/** validateHolderCommitment for a state described by its outputs (0x0413). */
export function validateHolderCommitmentTx(s: Signer, channelId: Uint8Array, st: Omit<DescribedState, "point">, sig: Uint8Array, htlcSigs: Uint8Array[], nodeTxs?: NodeTxs): void {
  const w = writeHtlcs(new Writer().bytes(channelId).u64(st.number).u32(st.feeratePerKw).u64(st.toHolderSat).u64(st.toCounterpartySat), st.htlcs);
  s.request(0x0413, writeNodeTxs(writeSigs(w, sig, htlcSigs), nodeTxs).finish());
}

function writeSigs(w: Writer, sig: Uint8Array, htlcSigs: Uint8Array[]): Writer {
  w.varbytes(sig).u16(htlcSigs.length);
  for (const x of htlcSigs) w.varbytes(x);
  return w;
}

/** revoke_and_ack: the secret of our commitment `number`. */
export function revokeHolderCommitment(s: Signer, channelId: Uint8Array, number: bigint): Uint8Array {
  return s.request(HolderMethod.REVOKE_HOLDER_COMMITMENT, new Writer().bytes(channelId).u64(number).finish());
}

/** Our signature on our latest commitment, to force-close. */
export function signHolderCommitment(s: Signer, channelId: Uint8Array, number: bigint, nodeTxs?: NodeTxs): Uint8Array {
  return new Reader(s.request(HolderMethod.SIGN_HOLDER_COMMITMENT, writeNodeTxs(new Writer().bytes(channelId).u64(number), nodeTxs).finish())).varbytes();
}

/** Our signature on a legacy mutual close (closing_signed). */
export function signMutualClose(s: Signer, channelId: Uint8Array, o: { toHolderSat: bigint; toCounterpartySat: bigint; feeSat: bigint; holderScript: Uint8Array; counterpartyScript: Uint8Array }): Uint8Array {
  const w = new Writer().bytes(channelId).u64(o.toHolderSat).u64(o.toCounterpartySat).u64(o.feeSat).varbytes(o.holderScript).varbytes(o.counterpartyScript);
  return new Reader(s.request(0x0406, w.finish())).varbytes();
}

/** Our signature on the HTLC tx spending output `vout` of our latest commitment (force close). */
export function signHolderHtlcTx(s: Signer, channelId: Uint8Array, number: bigint, vout: number, tx: Uint8Array): Uint8Array {
  return new Reader(s.request(0x0409, new Writer().bytes(channelId).u64(number).u32(vout).varbytes(tx).finish())).varbytes();
}

/** The node's sweep of our to_remote outputs on the peer's commitments (one amount per input), signed with our payment key. */
export function signToRemoteSweep(s: Signer, channelId: Uint8Array, tx: Uint8Array, amountsSat: bigint[]): Uint8Array {
  const w = new Writer().bytes(channelId).varbytes(tx).u16(amountsSat.length);
  for (const a of amountsSat) w.u64(a);
  return new Reader(s.request(0x040d, w.finish())).varbytes();
}

/** Our signature for the input of `tx` that spends our anchor of our latest commitment `number` (CPFP). */
export function signAnchorInput(s: Signer, channelId: Uint8Array, number: bigint, tx: Uint8Array): Uint8Array {
  return new Reader(s.request(0x040c, new Writer().bytes(channelId).u64(number).varbytes(tx).finish())).varbytes();
}

/** An output of the peer's revoked commitment: its to_local, or an HTLC it offered / received. */
export type JusticeInput = { kind: "to_local"; amountSat: bigint } | { kind: "offered" | "received"; amountSat: bigint; paymentHash: Uint8Array; cltvExpiry: number };

/** The node's justice tx over outputs of the peer's revoked commitment `number`, signed with the revocation key. */
export function signJusticeSweep(s: Signer, channelId: Uint8Array, number: bigint, tx: Uint8Array, inputs: JusticeInput[]): Uint8Array {
  const w = new Writer().bytes(channelId).u64(number).varbytes(tx).u16(inputs.length);
  for (const x of inputs) {
    w.u8(x.kind === "to_local" ? 0 : x.kind === "offered" ? 1 : 2).u64(x.amountSat);
    if (x.kind !== "to_local") w.bytes(x.paymentHash).u32(x.cltvExpiry);
  }
  return new Reader(s.request(0x040a, w.finish())).varbytes();
}

/** An HTLC output of the peer's commitment we claim: one it offered (with the preimage) or one we offered (after expiry). */
export interface PeerHtlcInput { offeredByPeer: boolean; amountSat: bigint; paymentHash: Uint8Array; cltvExpiry: number; preimage?: Uint8Array }

/** The node's claim of HTLC outputs on the peer's commitment `number`, signed with our HTLC key. */
export function signCounterpartyHtlcSweep(s: Signer, channelId: Uint8Array, number: bigint, tx: Uint8Array, inputs: PeerHtlcInput[]): Uint8Array {
  const w = new Writer().bytes(channelId).u64(number).varbytes(tx).u16(inputs.length);
  for (const x of inputs) {
    w.u8(x.offeredByPeer ? 1 : 0).u64(x.amountSat).bytes(x.paymentHash).u32(x.cltvExpiry).u8(x.preimage ? 1 : 0);
    if (x.preimage) w.bytes(x.preimage);
  }
  return new Reader(s.request(0x040b, w.finish())).varbytes();
}

/** The node's unsigned sweep of our delayed to_local output of our latest commitment (after a force close), signed. */
export function signDelayedSweep(s: Signer, channelId: Uint8Array, number: bigint, tx: Uint8Array, htlcTx?: Uint8Array): Uint8Array {
  const w = new Writer().bytes(channelId).u64(number).varbytes(tx);
  if (htlcTx) w.varbytes(htlcTx); // the (fee-bumped) HTLC tx whose output this sweeps
  return new Reader(s.request(0x0407, w.finish())).varbytes();
}
