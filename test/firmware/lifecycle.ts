// A channel lifecycle recorded on the Node core (host/signer.ts over
// InProcessTransport): init, policy_set, inbound channels opened (the peer funds them, its HTLCs come to us), commitment rounds
// (sign the peer's commitment with 0..n incoming HTLCs, validate its
// revocation, validate and revoke our own), one refused request per round,
// a channel forgotten. Each step keeps its request, its reply and the state
// digest (method state_digest) before and after it, for the power-loss test and the bench.
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { Signer, operatorKeyOf, type Basepoints } from "../../host/signer.js";
import { InProcessTransport, Transport } from "../../host/transport.js";
import { Core } from "../../host/core/core.js";
import { decodeReply } from "../../host/protocol/envelope.js";
import {
  perCommitmentPoint, signCounterpartyCommitment, validateCounterpartyRevocation, validateHolderCommitment, revokeHolderCommitment, type ChannelState,
} from "../../host/commitments.js";
import { perCommitmentSecret } from "../../host/tools/bolt3.js";
import { channelId, key, peerSignsHolder, setup } from "../policy/fixtures.js";

export interface Step { label: string; request: Uint8Array; reply: Uint8Array; prior: string; digest: string; changed: boolean }

const INITIAL = (1n << 48n) - 1n;
const PEER_SEED = key("peer/commitment-seed");
const VALUE = 1_000_000n;
const HOST_TIME = 1_764_000_000n;

/** "<hex>" of the digest, or "E<code>" when state_digest is refused (before init). */
export function digestOf(replyFrame: Uint8Array): string {
  const r = decodeReply(replyFrame);
  return r.ok ? Buffer.from(r.body).toString("hex") : `E${r.error!.code}`;
}

class Recorder implements Transport {
  steps: Step[] = [];
  label = "";
  constructor(readonly inner: Transport, readonly digest: () => string) {}
  roundTrip(frame: Uint8Array): Uint8Array {
    const prior = this.digest();
    const reply = this.inner.roundTrip(frame);
    this.steps.push({ label: this.label, request: Uint8Array.from(frame), reply: Uint8Array.from(reply), prior, digest: this.digest(), changed: reply.length > 5 && reply[5] === 2 });
    return reply;
  }
  close() { this.inner.close(); }
}

export interface LifecycleOptions { wasm?: Uint8Array; channels?: number; rounds?: number; htlcs?: (round: number) => number; forget?: boolean }

export function recordLifecycle(o: LifecycleOptions = {}): Step[] {
  const channels = o.channels ?? 2, rounds = o.rounds ?? 4;
  const htlcs = o.htlcs ?? ((r: number) => (r === 0 ? 0 : r % 3));
  const transport = new InProcessTransport(o.wasm ? new Core(new WebAssembly.Module(o.wasm)) : new Core());
  const side = new Signer(transport); // unrecorded: digests, peer signatures, peer secrets
  let digestId = 0x70000000;
  const rec = new Recorder(transport, () => digestOf(transport.roundTrip(Uint8Array.of(1, 0x70, 0, 0, digestId++ & 0xff, 0, 5))));
  const s = new Signer(rec);
  const step = (label: string, fn: () => unknown) => { rec.label = label; try { fn(); } catch { /* refusals are steps too */ } };

  const secret = new Uint8Array(32).fill(0x51);
  step("init", () => s.init({ secret, network: "regtest" }));
  side.operatorKey = operatorKeyOf(secret);
  step("policy_set", () => s.setPolicy({ preset: "personal", delayHolderMax: 2016 }));
  const ours: Basepoints[] = [];
  for (let c = 1; c <= channels; c++) {
    step(`new_channel ${c}`, () => ours.push(s.newChannel(channelId(c), VALUE)));
    step(`ready_channel ${c}`, () => s.readyChannel(setup(c, { isOutbound: false, holderDustLimitSat: 354n, counterpartyDustLimitSat: 354n })));
  }
  const peerSecret = (n: bigint) => perCommitmentSecret(side, PEER_SEED, INITIAL - n);
  for (let r = 0; r < rounds; r++) {
    const n = BigInt(r);
    const list = Array.from({ length: htlcs(r) }, (_, i) => ({ ours: false, amountMsat: 5_000_000n, cltvExpiry: 600_000 + i, paymentHash: key(`htlc ${r}/${i}`) }));
    const sum = list.reduce((a, h) => a + h.amountMsat, 0n);
    for (let c = 1; c <= channels; c++) {
      const id = channelId(c);
      const st: ChannelState = { number: n, point: secp256k1.getPublicKey(peerSecret(n), true), feeratePerKw: 1000, toHolderMsat: 0n, toCounterpartyMsat: VALUE * 1000n - sum, htlcs: list };
      step(`sign_counterparty_commitment ${c}/${r} (${list.length} HTLCs)`, () => signCounterpartyCommitment(s, id, st, HOST_TIME));
      if (r > 0) step(`validate_counterparty_revocation ${c}/${r - 1}`, () => validateCounterpartyRevocation(s, id, n - 1n, peerSecret(n - 1n)));
      step(`refused: out-of-order commitment ${c}`, () => signCounterpartyCommitment(s, id, { ...st, number: n + 5n }, HOST_TIME));
      const { number, feeratePerKw, toHolderMsat, toCounterpartyMsat } = st;
      const hs = { number, feeratePerKw, toHolderMsat, toCounterpartyMsat, htlcs: list };
      const peer = peerSignsHolder(side, ours[c - 1], setup(c, { isOutbound: false, holderDustLimitSat: 354n, counterpartyDustLimitSat: 354n }), hs, perCommitmentPoint(side, id, n));
      step(`validate_holder_commitment ${c}/${r}`, () => validateHolderCommitment(s, id, hs, peer.sig, peer.htlcSigs));
      if (r > 0) step(`revoke_holder_commitment ${c}/${r - 1}`, () => revokeHolderCommitment(s, id, n - 1n));
    }
  }
  if (o.forget ?? true) step("forget_channel 1", () => s.forgetChannel(channelId(1)));
  return rec.steps;
}
