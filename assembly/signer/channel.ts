// Channel state kept by the signer (one entry per channel_keys_id). Setup
// arrives once (ready_channel); every later request moves the state only
// through the legal transitions in signer/commitment*.ts.
import { ChannelSecrets } from "../keys/scheme";
import { Writer } from "../codec/writer";
import { Reader } from "../codec/reader";
import { CounterpartyState, HolderState } from "./counterparty_state";

export const MAX_SCRIPT: i32 = 10_000;
/** At most one settled hash per HTLC of ours in flight on either commitment (BOLT 2: 483 per direction). */
export const MAX_SETTLED: i32 = 2 * 483;

export namespace ChannelType {
  export const STATIC_REMOTEKEY: u8 = 0; // option_static_remotekey
  export const ANCHORS_ZERO_FEE_HTLC: u8 = 1; // option_anchors_zero_fee_htlc_tx (+ static_remotekey)
  export const LEGACY: u8 = 2; // no static_remotekey: refused (policy-channel-safe-mode)
  export const ANCHORS_LEGACY: u8 = 3; // option_anchor_outputs with non-zero-fee HTLC txs: refused
}

/** The counterparty's basepoints (BOLT 2 open_channel / accept_channel). */
export class Basepoints {
  constructor(
    public funding: Uint8Array,
    public revocation: Uint8Array,
    public payment: Uint8Array,
    public delayedPayment: Uint8Array,
    public htlc: Uint8Array,
  ) {}
  write(w: Writer): void {
    w.bytes(this.funding).bytes(this.revocation).bytes(this.payment).bytes(this.delayedPayment).bytes(this.htlc);
  }
}

export class ChannelSetup {
  isOutbound: bool = false; // we funded the channel
  channelValueSat: u64 = 0;
  pushMsat: u64 = 0;
  fundingTxid: Uint8Array = new Uint8Array(32);
  fundingVout: u32 = 0;
  holderSelectedContestDelay: u16 = 0; // to_self_delay we impose on the peer's outputs
  counterpartySelectedContestDelay: u16 = 0; // to_self_delay the peer imposes on ours
  holderDustLimitSat: u64 = 0;
  counterpartyDustLimitSat: u64 = 0;
  counterparty: Basepoints | null = null;
  channelType: u8 = ChannelType.STATIC_REMOTEKEY;
  counterpartyShutdownScript: Uint8Array = new Uint8Array(0);
  holderShutdownScript: Uint8Array = new Uint8Array(0);

  /** The layout of write(); on a malformed input r.err is set (check r.ok()). */
  static read(r: Reader): ChannelSetup {
    const s = new ChannelSetup();
    const outbound = r.u8();
    if (r.ok() && outbound > 1) r.fail("is_outbound must be 0 or 1");
    s.isOutbound = outbound == 1;
    s.channelValueSat = r.u64();
    s.pushMsat = r.u64();
    s.fundingTxid = r.bytes(32);
    s.fundingVout = r.u32();
    s.holderSelectedContestDelay = r.u16();
    s.counterpartySelectedContestDelay = r.u16();
    s.holderDustLimitSat = r.u64();
    s.counterpartyDustLimitSat = r.u64();
    s.counterparty = new Basepoints(r.bytes(33), r.bytes(33), r.bytes(33), r.bytes(33), r.bytes(33));
    s.channelType = r.u8();
    s.counterpartyShutdownScript = r.varbytes(MAX_SCRIPT);
    s.holderShutdownScript = r.varbytes(MAX_SCRIPT);
    return s;
  }

  write(w: Writer): void {
    w.u8(this.isOutbound ? 1 : 0).u64(this.channelValueSat).u64(this.pushMsat).bytes(this.fundingTxid).u32(this.fundingVout);
    w.u16(this.holderSelectedContestDelay).u16(this.counterpartySelectedContestDelay);
    w.u64(this.holderDustLimitSat).u64(this.counterpartyDustLimitSat);
    this.counterparty!.write(w);
    w.u8(this.channelType).varbytes(this.counterpartyShutdownScript).varbytes(this.holderShutdownScript);
  }
}

export class Channel {
  setup: ChannelSetup | null = null;
  counterparty: CounterpartyState = new CounterpartyState();
  holder: HolderState = new HolderState();
  lastToHolderMsat: u64 = 0; // our balance in the peer's commitment next-1 (policy-routing-deltas-only-htlc)
  settled: Uint8Array[] = []; // payment hashes of our HTLCs whose preimage the node showed (htlc_preimage)
  lastDustMsat: u64 = 0; // value in no output of the peer's commitment next-1 (0x0410: trimmed HTLCs, rounding)
  constructor(public id: Uint8Array, public channelValueSat: u64, public secrets: ChannelSecrets) {}

  isReady(): bool { return this.setup !== null; }

  /** Everything that decides what this channel may sign, for the state digest. */
  write(w: Writer): void {
    w.bytes(this.id).u64(this.channelValueSat).bytes(this.secrets.fundingPub);
    w.u8(this.setup !== null ? 1 : 0);
    if (this.setup !== null) this.setup!.write(w);
    this.counterparty.write(w);
    this.holder.write(w);
    w.u64(this.lastToHolderMsat).u16(<u16>this.settled.length);
    for (let i = 0; i < this.settled.length; i++) w.bytes(this.settled[i]);
    w.u64(this.lastDustMsat);
  }

  /** The fields after the holder state (absent in records written before them). */
  readTail(r: Reader): void {
    if (!r.ok() || r.remaining() == 0) return;
    this.lastToHolderMsat = r.u64();
    const n = <i32>r.u16();
    if (r.ok() && n > MAX_SETTLED) r.fail("settled hashes");
    for (let i = 0; i < n && r.ok(); i++) this.settled.push(r.bytes(32));
    if (r.ok() && r.remaining() >= 8) this.lastDustMsat = r.u64();
  }
}
