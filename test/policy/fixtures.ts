// Channels between a Vigil signer and a simulated peer, for policy tests.
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { Signer, ChannelSetup, Basepoints } from "../../host/signer.js";
import { PolicyInput } from "../../host/policy.js";
import { Reader, Writer } from "../../host/protocol/codec.js";
import { perCommitmentPoint } from "../../host/commitments.js";

export const key = (label: string) => sha256(new TextEncoder().encode(label));
export const point = (label: string) => secp256k1.getPublicKey(key(label), true);

export function peerBasepoints(tag = "peer"): Basepoints {
  return { funding: point(tag + "/funding"), revocation: point(tag + "/revocation"), payment: point(tag + "/payment"),
    delayedPayment: point(tag + "/delayed"), htlc: point(tag + "/htlc") };
}

export function channelId(n: number): Uint8Array {
  const id = new Uint8Array(32);
  new DataView(id.buffer).setUint32(4, n);
  id.set(key("chan" + n).subarray(0, 24), 8);
  return id;
}

export function signer(policy?: PolicyInput, secretByte = 0x51): Signer {
  const s = new Signer();
  s.init({ secret: new Uint8Array(32).fill(secretByte), network: "regtest", policy });
  return s;
}

/** An honest setup for channel n (outbound, anchors, 1 000 000 sat, delays 144). */
export function setup(n: number, over: Partial<ChannelSetup> = {}): ChannelSetup {
  return {
    id: channelId(n), isOutbound: true, channelValueSat: 1_000_000n, pushMsat: 0n,
    fundingTxid: key("funding" + n), fundingVout: 0, holderSelectedContestDelay: 144, counterpartySelectedContestDelay: 144,
    counterparty: peerBasepoints(), channelType: "anchors", ...over,
  };
}

/** A commitment state as the tests describe it (`ours` = offered by us). */
export interface TestState { number: bigint; feeratePerKw: number; toHolderMsat: bigint; toCounterpartyMsat: bigint; htlcs: Array<{ ours: boolean; amountMsat: bigint; cltvExpiry: number; paymentHash: Uint8Array }> }

/**
 * The 0x8212/0x8215 payload of commitment `st` of the channel with setup `su` (default: setup(n), dust 354):
 * `holder` = we broadcast (point = ours), else the peer broadcasts (point = the peer's).
 */
export function commitmentToolRequest(ours: Basepoints, st: TestState, point: Uint8Array, holder: boolean, anchors = true, n = 1, su: ChannelSetup = setup(n, { holderDustLimitSat: 354n, counterpartyDustLimitSat: 354n }), peer: Basepoints = peerBasepoints()): Writer {
  const [toB, toC] = holder ? [st.toHolderMsat, st.toCounterpartyMsat] : [st.toCounterpartyMsat, st.toHolderMsat];
  const w = new Writer().u8(anchors ? 1 : 0).bytes(su.fundingTxid).u32(su.fundingVout).u64(st.number)
    .u32(holder ? su.counterpartySelectedContestDelay : su.holderSelectedContestDelay)
    .u64((holder ? su.holderDustLimitSat : su.counterpartyDustLimitSat) ?? 354n)
    .u64(BigInt(st.feeratePerKw)).u64(toB).u64(toC).u8(holder === su.isOutbound ? 1 : 0).bytes(point);
  const keys = holder
    ? [ours.payment, ours.delayedPayment, ours.htlc, ours.funding, peer.payment, peer.revocation, peer.htlc, peer.funding]
    : [peer.payment, peer.delayedPayment, peer.htlc, peer.funding, ours.payment, ours.revocation, ours.htlc, ours.funding];
  for (const k of keys) w.bytes(k);
  w.u16(st.htlcs.length);
  for (const h of st.htlcs) w.u8(h.ours === holder ? 1 : 0).u64(h.amountMsat).u32(h.cltvExpiry).bytes(h.paymentHash);
  return w;
}

/** The commitment an honest node builds for `st` (the core's BOLT 3 tool): tx, each output's witness script, HTLC txs. */
export function honestCommitment(s: Signer, ours: Basepoints, st: TestState, point: Uint8Array, holder: boolean, anchors = true, n = 1) {
  return readCommitmentTool(s.request(0x8212, commitmentToolRequest(ours, st, point, holder, anchors, n).finish()), st.htlcs.length);
}

/** The BOLT 3 tool's reply (0x8212) for a state with `htlcs` HTLCs: the tx, each output's witness script, the HTLC txs. */
export function readCommitmentTool(reply: Uint8Array, htlcs: number) {
  const r = new Reader(reply);
  const tx = r.varbytes();
  r.u64(); r.u64(); r.u64();
  for (let i = 0; i < htlcs; i++) r.u32();
  const scripts: Uint8Array[] = [];
  for (let i = 0, k = r.u16(); i < k; i++) scripts.push(r.varbytes());
  const htlcTxs: Uint8Array[] = [];
  for (let i = 0, m = r.u16(); i < m; i++) htlcTxs.push(r.varbytes());
  return { tx, scripts, htlcTxs };
}

/** The peer countersigns our commitment `st` of channel 1 (the core's signing tool with the peer's secrets, as the peer would). */
export function peerSignatures(s: Signer, id: Uint8Array, ours: Basepoints, st: TestState, anchors = true) {
  const w = commitmentToolRequest(ours, st, perCommitmentPoint(s, id, st.number), true, anchors);
  const r = new Reader(s.request(0x8215, w.bytes(key("peer/funding")).bytes(key("peer/htlc")).u64(1_000_000n).finish()));
  const sig = r.varbytes();
  const htlcSigs: Uint8Array[] = [];
  for (let i = 0, n = r.u16(); i < n; i++) htlcSigs.push(r.varbytes());
  return { sig, htlcSigs };
}

/**
 * The peer's signatures on our commitment `st` of a channel with `our` basepoints and setup `su`
 * (the core's signing tool with the peer's secrets, as the peer would compute them).
 */
export function peerSignsHolder(s: Signer, our: Basepoints, su: ChannelSetup, st: TestState, point: Uint8Array, tag = "peer") {
  const w = commitmentToolRequest(our, st, point, true, su.channelType !== "static-remotekey", 1, su, peerBasepoints(tag));
  const r = new Reader(s.request(0x8215, w.bytes(key(tag + "/funding")).bytes(key(tag + "/htlc")).u64(su.channelValueSat).finish()));
  const sig = r.varbytes();
  const htlcSigs: Uint8Array[] = [];
  for (let i = 0, n = r.u16(); i < n; i++) htlcSigs.push(r.varbytes());
  return { sig, htlcSigs };
}

/** Value items of a script (pushes and OP_0..OP_16), as the core counts them: [offset of the data, length]. */
export function scriptValues(s: Uint8Array): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < s.length;) {
    const op = s[i++];
    if (op >= 1 && op <= 0x4b) { out.push([i, op]); i += op; } else if (op === 0 || op === 0x4f || (op >= 0x51 && op <= 0x60)) out.push([i - 1, 0]);
  }
  return out;
}

/** The output whose witness script is an HTLC the broadcaster offered (OP_NOTIF after SIZE 32 EQUAL) or received (OP_IF). */
export function htlcOutputIndex(scripts: Uint8Array[], offered: boolean): number {
  return scripts.findIndex((x) => {
    const v = scriptValues(x);
    if (v.length < 7) return false;
    const at = v[2][0] + 2; // after the pushed 32: OP_EQUAL, then NOTIF / IF
    return offered ? x[at] === 0x64 : x[at] === 0x63;
  });
}
