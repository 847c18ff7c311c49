// Signatures and secrets made with the node key: ECDH (BOLT 4 onions, BOLT 8
// Noise), BOLT 11 invoices, signed messages, and gossip (BOLT 7).
import { Reader, readTlvStream } from "../codec/reader";
import { merkleRoot, signBolt12 } from "../lightning/bolt12";
import { invoiceDigest } from "../lightning/bolt11";
import { Writer } from "../codec/writer";
import { Code, CoreError, malformed, invalidArgument } from "../protocol/errors";
import { ecdh, ecdsaSign, pubkeyTweakMul, sha256, sha256d } from "../crypto";
import { signRecoverable } from "../crypto/recoverable";
import { SIGNER, Network } from "./state";
import { Scheme } from "../keys/scheme";
import { ldkInboundPaymentKey, ldkOwnScript } from "../keys/ldk";

export namespace NodeMethod {
  export const ECDH: u16 = 0x0100;
  export const SIGN_INVOICE: u16 = 0x0101;
  export const SIGN_MESSAGE: u16 = 0x0102;
  export const SIGN_GOSSIP: u16 = 0x0103;
  export const SIGN_BOLT12: u16 = 0x0104;
  /**
   * LDK key scheme: what LDK's KeysManager gives a node besides signatures —
   * inbound_payment_key[32] (m/5': LDK's ExpandedKey for payment secrets; it
   * guards no funds), varbytes destination_script (P2WPKH m/1'), varbytes
   * shutdown_script (P2WPKH m/2'). Sweeps and closes to these two scripts pass
   * the destination rules (isOwnScript).
   */
  export const LDK_NODE_MATERIAL: u16 = 0x0105;
}

export namespace Gossip {
  export const CHANNEL_ANNOUNCEMENT: u16 = 256;
  export const NODE_ANNOUNCEMENT: u16 = 257;
  export const CHANNEL_UPDATE: u16 = 258;
}

export const MAX_INVOICE_WORDS: i32 = 7089; // BOLT 11 invoices are bounded by bech32's length in practice
const MAX_MESSAGE: i32 = 65535;
const MAX_GOSSIP: i32 = 65535;

/** BOLT 7 chain_hash (genesis block hash, internal byte order) of each network. */
function chainHash(network: u8): Uint8Array {
  const h = new Uint8Array(32);
  let hex = "";
  if (network == Network.BITCOIN) hex = "6fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000";
  else if (network == Network.TESTNET) hex = "43497fd7f826957108f4a30fd9cec3aeba79972084e90ead01ea330900000000";
  else if (network == Network.SIGNET) hex = "f61eee3b63a380a477a063af32b2bbc97c9ff9f01f2c4225e973988108000000";
  else hex = "06226e46111a0b59caaf126043eb5bbf28c34f3a5e332a1fc7b2b73cf188910f";
  for (let i = 0; i < 32; i++) h[i] = <u8>parseInt(hex.substr(i * 2, 2), 16);
  return h;
}

function equal(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  let d: u8 = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d == 0;
}

function needInit(): CoreError | null {
  return SIGNER.initialized() ? null : new CoreError(Code.NOT_INITIALIZED, "init first");
}

/** ecdh: pub[33] | u8 has_tweak | [tweak[32]] → SHA256(node_secret · (tweak·P)). */
function doEcdh(r: Reader, w: Writer): CoreError | null {
  let pub = r.bytes(33);
  const hasTweak = r.u8();
  const tweak = hasTweak == 1 ? r.bytes(32) : null;
  if (r.ok() && hasTweak > 1) r.fail("has_tweak must be 0 or 1");
  if (!r.finish()) return malformed(r.err!);
  const e = needInit();
  if (e !== null) return e;
  if (tweak !== null) {
    const tp = pubkeyTweakMul(pub, tweak);
    if (tp === null) return invalidArgument("bad point or tweak");
    pub = tp;
  }
  const ss = ecdh(SIGNER.keys!.nodeSecret, pub);
  if (ss === null) return invalidArgument("bad point");
  w.bytes(ss);
  return null;
}


/**
 * sign_invoice (BOLT 11 §Requirements: signature over SHA256(hrp ‖ data bits
 * padded to a byte)): varbytes hrp (UTF-8) | varbytes data (one 5-bit word per
 * byte, signature excluded) → recid | r | s.
 */
function signInvoice(r: Reader, w: Writer): CoreError | null {
  const hrp = r.varbytes(256);
  const words = r.varbytes(MAX_INVOICE_WORDS);
  if (!r.finish()) return malformed(r.err!);
  const e = needInit();
  if (e !== null) return e;
  const digest = invoiceDigest(hrp, words);
  if (digest === null) return invalidArgument("not a BOLT 11 hrp and 5-bit data");
  const sig = signRecoverable(SIGNER.keys!.nodeSecret, digest);
  if (sig === null) return invalidArgument("signing failed");
  w.bytes(sig);
  return null;
}

/**
 * sign_message: varbytes message → (31 + recid) | r | s over
 * SHA256d("Lightning Signed Message:" ‖ message), the format CLN and LND use.
 */
function signMessage(r: Reader, w: Writer): CoreError | null {
  const m = r.varbytes(MAX_MESSAGE);
  if (!r.finish()) return malformed(r.err!);
  const e = needInit();
  if (e !== null) return e;
  const prefix = String.UTF8.encode("Lightning Signed Message:");
  const msg = new Uint8Array(prefix.byteLength + m.length);
  msg.set(Uint8Array.wrap(prefix), 0);
  msg.set(m, prefix.byteLength);
  const sig = signRecoverable(SIGNER.keys!.nodeSecret, sha256d(msg));
  if (sig === null) return invalidArgument("signing failed");
  sig[0] += 31;
  w.bytes(sig);
  return null;
}

/**
 * sign_gossip: u16 kind (256/257/258) | varbytes unsigned message (BOLT 7,
 * without type and signatures) → node signature over SHA256d(unsigned). The
 * message must be one the node key may sign: our node id in it, our chain.
 */
function signGossip(r: Reader, w: Writer): CoreError | null {
  const kind = r.u16();
  const m = r.varbytes(MAX_GOSSIP);
  if (!r.finish()) return malformed(r.err!);
  const e = needInit();
  if (e !== null) return e;
  const me = SIGNER.keys!.nodeId;
  const chain = chainHash(SIGNER.network);
  const g = new Reader(m);
  if (kind == Gossip.CHANNEL_ANNOUNCEMENT) {
    g.skip(<i32>g.u16()); // features
    const ch = g.bytes(32);
    g.skip(8); // short_channel_id
    const n1 = g.bytes(33), n2 = g.bytes(33);
    g.skip(66); // bitcoin keys
    if (!g.ok()) return malformed("channel_announcement: " + g.err!);
    if (!equal(ch, chain)) return invalidArgument("channel_announcement for another chain");
    if (!equal(n1, me) && !equal(n2, me)) return invalidArgument("channel_announcement does not name this node");
  } else if (kind == Gossip.NODE_ANNOUNCEMENT) {
    g.skip(<i32>g.u16()); // features
    g.skip(4); // timestamp
    const id = g.bytes(33);
    g.skip(35); // rgb, alias
    g.skip(<i32>g.u16()); // addresses
    if (!g.ok()) return malformed("node_announcement: " + g.err!);
    if (!equal(id, me)) return invalidArgument("node_announcement for another node");
  } else if (kind == Gossip.CHANNEL_UPDATE) {
    const ch = g.bytes(32);
    g.skip(8 + 4 + 1 + 1 + 2 + 8 + 4 + 4 + 8);
    if (!g.ok()) return malformed("channel_update: " + g.err!);
    if (!equal(ch, chain)) return invalidArgument("channel_update for another chain");
  } else {
    return invalidArgument("not a gossip message type the node signs");
  }
  const sig = ecdsaSign(SIGNER.keys!.nodeSecret, sha256d(m));
  if (sig === null) return invalidArgument("signing failed");
  w.bytes(sig);
  return null;
}

/**
 * sign_bolt12: varbytes messagename ("invoice" | "invoice_request") | varbytes
 * tlv_stream | aux[32] → BIP340 signature (field "signature") over the BOLT 12
 * Merkle root. The node key signs only a stream that names it: invoice_node_id
 * (176) of an invoice, invreq_payer_id (88) of an invoice_request.
 */
function signBolt12Method(r: Reader, w: Writer): CoreError | null {
  const name = String.UTF8.decode(r.varbytes(32).buffer);
  const tlv = r.varbytes(MAX_GOSSIP);
  const aux = r.bytes(32);
  if (!r.finish()) return malformed(r.err!);
  const e = needInit();
  if (e !== null) return e;
  let keyType: u64 = 0;
  if (name == "invoice") keyType = 176;
  else if (name == "invoice_request") keyType = 88;
  else return invalidArgument("the node key signs only invoice and invoice_request");
  const tr = new Reader(tlv);
  const records = readTlvStream(tr, [], true); // BOLT 12's own even types: structure only
  if (records === null) return malformed("tlv stream: " + tr.err!);
  let named = false;
  for (let i = 0; i < records!.length; i++) {
    if (records![i].type == keyType) {
      const v = records![i].value;
      named = v.remaining() == 33 && equal(v.bytes(33), SIGNER.keys!.nodeId);
    }
  }
  if (!named) return invalidArgument(name + " does not name this node's key");
  const mr = new Reader(tlv);
  const root = merkleRoot(mr);
  if (root === null) return malformed("tlv stream: " + mr.err!);
  const sig = signBolt12(SIGNER.keys!.nodeSecret, name, "signature", root!, aux);
  if (sig === null) return invalidArgument("signing failed");
  w.bytes(sig!);
  return null;
}

function ldkNodeMaterial(r: Reader, w: Writer): CoreError | null {
  if (!r.finish()) return malformed(r.err!);
  const e = needInit();
  if (e !== null) return e;
  if (SIGNER.scheme != Scheme.LDK) return invalidArgument("not the LDK key scheme");
  const k = ldkInboundPaymentKey(SIGNER.keys!), d = ldkOwnScript(SIGNER.keys!, false), s = ldkOwnScript(SIGNER.keys!, true);
  if (k === null || d === null || s === null) return new CoreError(Code.INTERNAL, "derivation failed");
  w.bytes(k!).varbytes(d!).varbytes(s!);
  return null;
}

/** A script of our own keys a sweep or close may pay to: LDK's destination or shutdown script. */
export function isOwnScript(script: Uint8Array): bool {
  if (SIGNER.keys === null || SIGNER.scheme != Scheme.LDK) return false;
  for (let i = 0; i < 2; i++) {
    const s = ldkOwnScript(SIGNER.keys!, i == 1);
    if (s !== null && equal(s!, script)) return true;
  }
  return false;
}

export function handleNodeSign(method: u16, r: Reader, w: Writer): CoreError | null {
  if (method == NodeMethod.LDK_NODE_MATERIAL) return ldkNodeMaterial(r, w);
  if (method == NodeMethod.ECDH) return doEcdh(r, w);
  if (method == NodeMethod.SIGN_INVOICE) return signInvoice(r, w);
  if (method == NodeMethod.SIGN_MESSAGE) return signMessage(r, w);
  if (method == NodeMethod.SIGN_GOSSIP) return signGossip(r, w);
  if (method == NodeMethod.SIGN_BOLT12) return signBolt12Method(r, w);
  return new CoreError(Code.UNKNOWN_METHOD, "unknown method");
}
