// Channel lifecycle methods: new_channel, ready_channel, forget_channel.
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { Code, CoreError, malformed, invalidArgument, invalidState } from "../protocol/errors";
import { pubkeyParse } from "../crypto";
import { Scheme } from "../keys/scheme";
import { ldkChannelSecrets } from "../keys/ldk";
import { checkChannelSetup, checkNewChannel } from "../policy/channel_open";
import { Channel, ChannelSetup } from "./channel";
import { SIGNER } from "./state";
import { addWatch } from "../chain/proofs";
import { fundingScript } from "../bolt3/scripts";
import { p2wshOf } from "../bitcoin/script";
import { bytesEqual } from "../codec/bytes";

export namespace ChannelMethod {
  export const NEW_CHANNEL: u16 = 0x0200;
  export const READY_CHANNEL: u16 = 0x0201;
  export const FORGET_CHANNEL: u16 = 0x0202;
  export const LIST_CHANNELS: u16 = 0x0203;
}


export function idKey(id: Uint8Array): string {
  let s = "";
  for (let i = 0; i < id.length; i++) s += (<u32>id[i] + 0x100).toString(16).slice(1);
  return s;
}


/** The channel a request names, or a typed error. */
export function findChannel(id: Uint8Array): Channel | null {
  const k = idKey(id);
  return SIGNER.channels.has(k) ? SIGNER.channels.get(k) : null;
}

function basepointsOf(c: Channel, w: Writer): void {
  const s = c.secrets;
  w.bytes(s.fundingPub).bytes(s.revocationBasepoint).bytes(s.paymentBasepoint).bytes(s.delayedPaymentBasepoint).bytes(s.htlcBasepoint);
}

/**
 * new_channel: id[32] (LDK channel_keys_id) | u64 channel_value_sat → our five
 * basepoints (funding, revocation, payment, delayed payment, HTLC). Idempotent
 * for a channel that exists with the same value (nodes re-derive on restart).
 */
function newChannel(r: Reader, w: Writer): CoreError | null {
  const id = r.bytes(32);
  const value = r.u64();
  if (!r.finish()) return malformed(r.err!);
  if (!SIGNER.initialized()) return new CoreError(Code.NOT_INITIALIZED, "init first");
  const existing = findChannel(id);
  if (existing !== null) {
    if (existing.channelValueSat != value) return invalidState("channel exists with another value");
    basepointsOf(existing, w);
    return null;
  }
  const e = checkNewChannel(SIGNER.policy, SIGNER.forgotten.has(idKey(id)));
  if (e !== null) return e;
  if (SIGNER.channels.size >= <i32>SIGNER.limits.maxChannels) return new CoreError(Code.TOO_LARGE, "channel limit reached");
  if (SIGNER.scheme != Scheme.LDK) return new CoreError(Code.UNSUPPORTED, "channel keys for this scheme are not in this build");
  const secrets = ldkChannelSecrets(SIGNER.keys!, id);
  if (secrets === null) return invalidArgument("channel id yields invalid keys");
  const c = new Channel(id, value, secrets);
  SIGNER.channels.set(idKey(id), c);
  SIGNER.touch("c/" + idKey(id));
  basepointsOf(c, w);
  return null;
}

/**
 * ready_channel: id[32] | u8 is_outbound | u64 channel_value_sat | u64 push_msat |
 * funding_txid[32] | u32 funding_vout | u16 holder_selected_contest_delay |
 * u16 counterparty_selected_contest_delay | u64 holder_dust_limit_sat |
 * u64 counterparty_dust_limit_sat | counterparty basepoints 5 × [33] (funding,
 * revocation, payment, delayed payment, HTLC) | u8 channel_type |
 * varbytes counterparty_shutdown_script | varbytes holder_shutdown_script → nothing.
 */
function readyChannel(r: Reader, w: Writer): CoreError | null {
  const id = r.bytes(32);
  const s = ChannelSetup.read(r);
  if (!r.finish()) return malformed(r.err!);
  if (!SIGNER.initialized()) return new CoreError(Code.NOT_INITIALIZED, "init first");
  const c = findChannel(id);
  if (c === null) return invalidState("unknown channel: new_channel first");
  const cp = s.counterparty!;
  const bp: Uint8Array[] = [cp.funding, cp.revocation, cp.payment, cp.delayedPayment, cp.htlc];
  for (let i = 0; i < 5; i++) {
    const k = pubkeyParse(bp[i]);
    if (k === null || !bytesEqual(k, bp[i])) return invalidArgument("counterparty basepoint " + i.toString() + " is not a compressed point");
  }
  if (s.channelValueSat != c.channelValueSat) return invalidArgument("channel value differs from new_channel");
  if (s.pushMsat > s.channelValueSat * 1000) return invalidArgument("push_msat over the channel value");
  if (c.isReady()) {
    // A retry of the same setup is answered again; a different one is refused.
    const a = new Writer(256), b = new Writer(256);
    c.setup!.write(a);
    s.write(b);
    if (!bytesEqual(a.finish(), b.finish())) return invalidState("channel already set up with other parameters");
    return null;
  }
  const e = checkChannelSetup(SIGNER.policy, s);
  if (e !== null) return e;
  c.setup = s;
  SIGNER.touch("c/" + idKey(id));
  // Following a chain: watch the funding output (policy-commitment-spends-active-utxo).
  if (SIGNER.chain !== null) {
    addWatch(SIGNER.chain!, s.fundingTxid, s.fundingVout, p2wshOf(fundingScript(c.secrets.fundingPub, cp.funding)));
  }
  return null;
}

/** forget_channel: id[32]. The id can never be used again. */
function forgetChannel(r: Reader, w: Writer): CoreError | null {
  const id = r.bytes(32);
  if (!r.finish()) return malformed(r.err!);
  if (!SIGNER.initialized()) return new CoreError(Code.NOT_INITIALIZED, "init first");
  if (findChannel(id) === null) return invalidState("unknown channel");
  SIGNER.channels.delete(idKey(id));
  SIGNER.forgotten.add(idKey(id));
  SIGNER.touch("c/" + idKey(id));
  SIGNER.touch("forgotten");
  return null;
}

/** list_channels → u32 n | n × (id[32] | u64 value_sat | u8 ready | u8 outbound | u8 channel_type). */
function listChannels(r: Reader, w: Writer): CoreError | null {
  if (!r.finish()) return malformed(r.err!);
  if (!SIGNER.initialized()) return new CoreError(Code.NOT_INITIALIZED, "init first");
  const keys = SIGNER.channels.keys().sort();
  w.u32(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const c = SIGNER.channels.get(keys[i]);
    w.bytes(c.id).u64(c.channelValueSat).u8(c.isReady() ? 1 : 0);
    w.u8(c.isReady() && c.setup!.isOutbound ? 1 : 0).u8(c.isReady() ? c.setup!.channelType : 0);
  }
  return null;
}

export function handleChannel(method: u16, r: Reader, w: Writer): CoreError | null {
  if (method == ChannelMethod.NEW_CHANNEL) return newChannel(r, w);
  if (method == ChannelMethod.READY_CHANNEL) return readyChannel(r, w);
  if (method == ChannelMethod.FORGET_CHANNEL) return forgetChannel(r, w);
  if (method == ChannelMethod.LIST_CHANNELS) return listChannels(r, w);
  return new CoreError(Code.UNKNOWN_METHOD, "unknown method");
}
