// Channels between a Vigil signer and a simulated peer, for policy tests.
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { Signer, ChannelSetup, Basepoints } from "../../host/signer.js";
import { PolicyInput } from "../../host/policy.js";

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
