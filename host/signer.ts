// Typed client of the Vigil core over any Transport. Synchronous, because LDK
// calls its signer synchronously. Errors arrive as SignerError (code, rule id).
import { Reader, Writer } from "./protocol/codec.js";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { decodeReply, encodeRequest, Method, NodeMethod, ChannelMethod, SignerError, Code } from "./protocol/envelope.js";
import { InProcessTransport, Transport } from "./transport.js";
import { PolicyInput, encodePolicy, decodePolicy } from "./policy.js";

export const Network = { bitcoin: 0, testnet: 1, signet: 2, regtest: 3 } as const;
export type NetworkName = keyof typeof Network;
export const KeyScheme = { ldk: 0, cln: 1 } as const;
export type KeySchemeName = keyof typeof KeyScheme;

export interface InitOptions {
  secret: Uint8Array;
  network?: NetworkName;
  scheme?: KeySchemeName;
  maxMessage?: number;
  maxChannels?: number;
  maxInvoices?: number;
  maxAllowlist?: number;
  policy?: PolicyInput;
}

export interface Basepoints { funding: Uint8Array; revocation: Uint8Array; payment: Uint8Array; delayedPayment: Uint8Array; htlc: Uint8Array }
export const ChannelType = { "static-remotekey": 0, anchors: 1, legacy: 2, "anchors-legacy": 3 } as const;
export interface ChannelSetup {
  id: Uint8Array;
  isOutbound: boolean;
  channelValueSat: bigint;
  pushMsat?: bigint;
  fundingTxid: Uint8Array; // internal byte order
  fundingVout: number;
  holderSelectedContestDelay: number; // imposed on the peer's outputs
  counterpartySelectedContestDelay: number; // imposed on ours
  holderDustLimitSat?: bigint;
  counterpartyDustLimitSat?: bigint;
  counterparty: Basepoints;
  channelType?: keyof typeof ChannelType;
  counterpartyShutdownScript?: Uint8Array;
  holderShutdownScript?: Uint8Array;
}

const CFG_MAX_MESSAGE = 1;
const CFG_POLICY = 3;
const CFG_MAX_CHANNELS = 5;

/** Methods that carry an operator authorization (assembly/signer/operator.ts). */
export const OPERATOR_METHODS = new Set([0x0008, 0x0300, 0x0303, 0x0803, 0x0804, 0x0805]);

/** K_op = HMAC-SHA256(seed, "vigil/operator"): what lets the operator's tools call operator methods. */
export function operatorKeyOf(seed: Uint8Array): Uint8Array { return hmac(sha256, seed, new TextEncoder().encode("vigil/operator")); }

export class Signer {
  private nextId = 1;
  private opCounter = 0n;
  /** Set by init/start from the seed, or by the operator's tools for a remote signer. Null: operator methods are refused. */
  operatorKey: Uint8Array | null = null;

  constructor(readonly transport: Transport = new InProcessTransport()) {}

  /** u64 counter | mac over (u16 method | counter | payload); counters grow with the clock across restarts. */
  private authorize(method: number, payload: Uint8Array): Uint8Array {
    if (!this.operatorKey) return payload;
    const t = BigInt(Date.now()) * 1000n;
    this.opCounter = t > this.opCounter ? t : this.opCounter + 1n;
    const head = new Writer().u16(method).u64(this.opCounter).finish();
    const mac = hmac(sha256, this.operatorKey, Uint8Array.from([...head, ...payload]));
    return Uint8Array.from([...payload, ...head.subarray(2), ...mac]);
  }

  /** Raw request: returns the reply body or throws SignerError. */
  request(method: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
    if (OPERATOR_METHODS.has(method)) payload = this.authorize(method, payload);
    const id = this.nextId++ >>> 0;
    const reply = decodeReply(this.transport.roundTrip(encodeRequest(id, method, payload)));
    if (reply.id !== id && reply.id !== 0) throw new SignerError(Code.INTERNAL, "", `reply id ${reply.id} for request ${id}`);
    if (!reply.ok) throw reply.error!;
    return reply.body;
  }

  ping(data: Uint8Array = new Uint8Array(0)): Uint8Array {
    const r = new Reader(this.request(Method.PING, new Writer().varbytes(data).finish()));
    const echo = r.varbytes();
    r.finish();
    return echo;
  }

  version(): { protocol: number; core: string; initialized: boolean } {
    const r = new Reader(this.request(Method.VERSION));
    const out = { protocol: r.u8(), core: new TextDecoder().decode(r.varbytes()), initialized: r.u8() === 1 };
    r.finish();
    return out;
  }

  init(opts: InitOptions): Uint8Array {
    this.operatorKey = operatorKeyOf(opts.secret);
    return this.request(Method.INIT, encodeInit(opts));
  }

  /**
   * Start a software signer whose transport keeps state (InProcessTransport):
   * init on first use, or init + import of the durable records after a
   * restart. Returns the node id.
   */
  start(opts: InitOptions): Uint8Array {
    if (!(this.transport instanceof InProcessTransport)) return this.init(opts);
    this.operatorKey = operatorKeyOf(opts.secret);
    this.transport.resume(encodeRequest(this.nextId++ >>> 0, Method.INIT, encodeInit(opts)));
    return this.nodeId();
  }

  nodeId(): Uint8Array { return this.request(Method.GET_NODE_ID); }

  stateDigest(): Uint8Array { return this.request(Method.STATE_DIGEST); }

  /** The core's rule table: id, hard (never filtered), optional (off unless configured). */
  listRules(): Array<{ id: string; hard: boolean; optional: boolean }> {
    const r = new Reader(this.request(Method.LIST_RULES));
    const n = r.u16();
    const out = [];
    for (let i = 0; i < n; i++) {
      const id = new TextDecoder().decode(r.varbytes());
      const f = r.u8();
      out.push({ id, hard: (f & 1) !== 0, optional: (f & 2) !== 0 });
    }
    r.finish();
    return out;
  }

  /** SHA256 of node_secret·(tweak·P) (BOLT 8 / BOLT 4). */
  ecdh(pub: Uint8Array, tweak?: Uint8Array): Uint8Array {
    const w = new Writer().bytes(pub);
    if (tweak) w.u8(1).bytes(tweak); else w.u8(0);
    return this.request(NodeMethod.ECDH, w.finish());
  }

  /** BOLT 11: recid | r | s over the hrp and the data words (signature excluded). */
  signInvoice(hrp: string, words: ArrayLike<number>): Uint8Array {
    return this.request(NodeMethod.SIGN_INVOICE, new Writer().varbytes(new TextEncoder().encode(hrp)).varbytes(Uint8Array.from(words)).finish());
  }

  /** (31 + recid) | r | s over SHA256d("Lightning Signed Message:" ‖ msg), as CLN/LND. */
  signMessage(msg: Uint8Array): Uint8Array {
    return this.request(NodeMethod.SIGN_MESSAGE, new Writer().varbytes(msg).finish());
  }

  /** BIP340 node signature of a BOLT 12 invoice / invoice_request that names this node. */
  signBolt12(message: "invoice" | "invoice_request", tlv: Uint8Array, aux = new Uint8Array(32)): Uint8Array {
    return this.request(NodeMethod.SIGN_BOLT12, new Writer().varbytes(new TextEncoder().encode(message)).varbytes(tlv).bytes(aux).finish());
  }

  /** Node signature on an unsigned BOLT 7 message (256, 257 or 258). */
  signGossip(kind: number, unsigned: Uint8Array): Uint8Array {
    return this.request(NodeMethod.SIGN_GOSSIP, new Writer().u16(kind).varbytes(unsigned).finish());
  }

  /** Our basepoints for a channel (created on first call; idempotent). */
  newChannel(id: Uint8Array, channelValueSat: bigint): Basepoints {
    const r = new Reader(this.request(ChannelMethod.NEW_CHANNEL, new Writer().bytes(id).u64(channelValueSat).finish()));
    const b = { funding: r.bytes(33), revocation: r.bytes(33), payment: r.bytes(33), delayedPayment: r.bytes(33), htlc: r.bytes(33) };
    r.finish();
    return b;
  }

  readyChannel(s: ChannelSetup): void {
    const w = new Writer().bytes(s.id).u8(s.isOutbound ? 1 : 0).u64(s.channelValueSat).u64(s.pushMsat ?? 0n)
      .bytes(s.fundingTxid).u32(s.fundingVout).u16(s.holderSelectedContestDelay).u16(s.counterpartySelectedContestDelay)
      .u64(s.holderDustLimitSat ?? 354n).u64(s.counterpartyDustLimitSat ?? 354n);
    const c = s.counterparty;
    w.bytes(c.funding).bytes(c.revocation).bytes(c.payment).bytes(c.delayedPayment).bytes(c.htlc);
    w.u8(ChannelType[s.channelType ?? "anchors"]).varbytes(s.counterpartyShutdownScript ?? new Uint8Array(0))
      .varbytes(s.holderShutdownScript ?? new Uint8Array(0));
    this.request(ChannelMethod.READY_CHANNEL, w.finish());
  }

  forgetChannel(id: Uint8Array): void { this.request(ChannelMethod.FORGET_CHANNEL, id); }

  listChannels(): Array<{ id: Uint8Array; valueSat: bigint; ready: boolean; outbound: boolean; channelType: number }> {
    const r = new Reader(this.request(ChannelMethod.LIST_CHANNELS));
    const n = r.u32();
    const out = [];
    for (let i = 0; i < n; i++) out.push({ id: r.bytes(32), valueSat: r.u64(), ready: r.u8() === 1, outbound: r.u8() === 1, channelType: r.u8() });
    r.finish();
    return out;
  }

  policy() { return decodePolicy(this.request(Method.POLICY_GET)); }

  setPolicy(p: PolicyInput) { return decodePolicy(this.request(Method.POLICY_SET, encodePolicy(p))); }

  close() { this.transport.close(); }
}

export function encodeInit(o: InitOptions): Uint8Array {
  if (o.secret.length !== 32) throw new TypeError("secret must be 32 bytes");
  const w = new Writer().bytes(o.secret).u8(Network[o.network ?? "regtest"]).u8(KeyScheme[o.scheme ?? "ldk"]);
  if (o.maxMessage !== undefined) w.tlv(CFG_MAX_MESSAGE, new Writer().u32(o.maxMessage).finish());
  if (o.policy !== undefined) w.tlv(CFG_POLICY, encodePolicy(o.policy));
  if (o.maxChannels !== undefined) w.tlv(CFG_MAX_CHANNELS, new Writer().u32(o.maxChannels).finish());
  if (o.maxInvoices !== undefined) w.tlv(7, new Writer().u32(o.maxInvoices).finish());
  if (o.maxAllowlist !== undefined) w.tlv(9, new Writer().u32(o.maxAllowlist).finish());
  return w.finish();
}

export { SignerError, Code };
