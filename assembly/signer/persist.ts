// Durable state as versioned records (docs/protocol.md §State). A request that
// changes state marks records dirty; its reply carries status 2 and the host
// must make state_export's records durable before releasing that reply, then
// state_ack. Records hold no secret: channel keys re-derive from the seed.
//   "node"        u8 fmt | node_id[33] | u32 max_message | u32 max_channels | u32 max_invoices | u32 max_allowlist | u64 operator counter | varbytes policy TLVs
//   "payments"    u8 fmt | PaymentBook.write() (shown invoices, allowlist, approval decisions, send log, funding log)
//   "c/<id hex>"  u8 fmt | Channel.write()
//   "forgotten"   u8 fmt | u32 n | n × id[32]
//   "chain"       u8 fmt | ChainState.write() (the header window)
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { Code, CoreError, malformed, invalidArgument, invalidState } from "../protocol/errors";
import { decodePolicy, PolicyConfig } from "../policy/config";
import { ldkChannelSecrets } from "../keys/ldk";
import { Channel, ChannelSetup } from "./channel";
import { CounterpartyState, HolderState } from "./counterparty_state";
import { SIGNER } from "./state";
import { idKey } from "./channels";
import { ChainState, readChain } from "../chain/follower";
import { PaymentBook } from "../policy/payments";

const FMT: u8 = 1;
const MAX_RECORD: i32 = 1 << 20;
const MAX_RECORDS: u32 = 200_000;

function encodeRecord(key: string): Uint8Array | null {
  const w = new Writer(128);
  w.u8(FMT);
  if (key == "node") {
    w.bytes(SIGNER.keys!.nodeId);
    SIGNER.limits.write(w);
    w.u64(SIGNER.opCounter);
    const p = new Writer(128);
    SIGNER.policy.cfg.encode(p);
    w.varbytes(p.finish());
  } else if (key == "chain") {
    if (SIGNER.chain === null) return null;
    SIGNER.chain!.write(w);
  } else if (key == "payments") {
    SIGNER.payments.write(w);
  } else if (key == "forgotten") {
    const ids = SIGNER.forgotten.values().sort();
    w.u32(ids.length);
    for (let i = 0; i < ids.length; i++) w.bytes(hexBytes(ids[i]));
  } else {
    const k = key.slice(2);
    if (!SIGNER.channels.has(k)) return null; // deleted
    SIGNER.channels.get(k).write(w);
  }
  return w.finish();
}

function hexBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = <u8>parseInt(s.substr(i * 2, 2), 16);
  return out;
}

/** state_export: u8 all → u64 state_version | u32 n | n × (varbytes key | u64 version | u8 deleted | varbytes value). */
function stateExport(r: Reader, w: Writer): CoreError | null {
  const all = r.u8();
  if (!r.finish()) return malformed(r.err!);
  if (!SIGNER.initialized()) return new CoreError(Code.NOT_INITIALIZED, "init first");
  let keys: string[];
  if (all == 1) {
    keys = ["node", "forgotten", "payments"];
    if (SIGNER.chain !== null) keys.push("chain");
    const ch = SIGNER.channels.keys();
    for (let i = 0; i < ch.length; i++) keys.push("c/" + ch[i]);
  } else {
    keys = SIGNER.dirty.values();
  }
  keys.sort();
  w.u64(SIGNER.stateVersion).u32(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const v = encodeRecord(keys[i]);
    w.varbytes(Uint8Array.wrap(String.UTF8.encode(keys[i])));
    w.u64(SIGNER.recordVersions.has(keys[i]) ? SIGNER.recordVersions.get(keys[i]) : SIGNER.stateVersion);
    w.u8(v === null ? 1 : 0);
    w.varbytes(v === null ? new Uint8Array(0) : v);
  }
  return null;
}

/** state_ack: u64 state_version — records up to that version are durable. */
function stateAck(r: Reader, w: Writer): CoreError | null {
  const v = r.u64();
  if (!r.finish()) return malformed(r.err!);
  if (v > SIGNER.stateVersion) return invalidState("ack of a version the core has not reached");
  const keys = SIGNER.dirty.values();
  for (let i = 0; i < keys.length; i++) {
    if (SIGNER.recordVersions.get(keys[i]) <= v) SIGNER.dirty.delete(keys[i]);
  }
  return null;
}

function readChannel(r: Reader): Channel | null {
  const id = r.bytes(32);
  const value = r.u64();
  const fundingPub = r.bytes(33);
  const ready = r.u8();
  const setup: ChannelSetup | null = ready == 1 ? ChannelSetup.read(r) : null;
  const cps = CounterpartyState.read(r);
  const hs = HolderState.read(r);
  if (!r.ok() || cps === null) return null;
  const secrets = ldkChannelSecrets(SIGNER.keys!, id);
  if (secrets === null) return null;
  for (let i = 0; i < 33; i++) if (secrets.fundingPub[i] != fundingPub[i]) { r.fail("channel record does not match this seed"); return null; }
  const c = new Channel(id, value, secrets);
  c.setup = setup;
  c.counterparty = cps!;
  c.holder = hs;
  c.readTail(r);
  return r.ok() ? c : null;
}

/**
 * state_import: u64 state_version | u32 n | n × (varbytes key | u64 version |
 * varbytes value). Only on a freshly initialised signer; everything is
 * decoded and checked (node id, per-channel funding key) before any of it is
 * applied, so a bad snapshot changes nothing.
 */
function stateImport(r: Reader, w: Writer): CoreError | null {
  const version = r.u64();
  const n = r.u32();
  if (r.ok() && n > MAX_RECORDS) r.fail("too many records");
  if (!SIGNER.initialized()) { r.finish(); return new CoreError(Code.NOT_INITIALIZED, "init first"); }
  const channels = new Map<string, Channel>();
  const versions = new Map<string, u64>();
  const forgotten = new Set<string>();
  let policy: PolicyConfig | null = null;
  let chain: ChainState | null = null;
  let maxMessage = SIGNER.limits.maxMessage, maxChannels = SIGNER.limits.maxChannels;
  let maxInvoices = SIGNER.limits.maxInvoices, maxAllowlist = SIGNER.limits.maxAllowlist;
  let payments: PaymentBook | null = null;
  let opCounter: u64 = 0;
  for (let i: u32 = 0; i < n && r.ok(); i++) {
    const key = String.UTF8.decode(r.varbytes(80).buffer);
    const v = r.u64();
    const rec = new Reader(r.varbytes(MAX_RECORD));
    if (!r.ok()) break;
    if (rec.u8() != FMT) { r.fail("record " + key + ": unknown format"); break; }
    versions.set(key, v);
    if (key == "node") {
      const id = rec.bytes(33);
      maxMessage = rec.u32();
      maxChannels = rec.u32();
      maxInvoices = rec.u32();
      maxAllowlist = rec.u32();
      opCounter = rec.u64();
      const p = new Reader(rec.varbytes(MAX_RECORD));
      policy = decodePolicy(p);
      if (policy === null) { r.fail("node record policy: " + p.err!); break; }
      const me = SIGNER.keys!.nodeId;
      for (let j = 0; j < 33; j++) if (id[j] != me[j]) { r.fail("snapshot belongs to another node"); break; }
    } else if (key == "forgotten") {
      const m = rec.u32();
      for (let j: u32 = 0; j < m && rec.ok(); j++) forgotten.add(idKey(rec.bytes(32)));
    } else if (key == "payments") {
      payments = PaymentBook.read(rec);
      if (payments === null) { r.fail("payments record: " + (rec.err !== null ? rec.err! : "bad")); break; }
    } else if (key == "chain") {
      chain = readChain(rec, SIGNER.network);
      if (chain === null) { r.fail("chain record: " + (rec.err !== null ? rec.err! : "bad")); break; }
    } else if (key.startsWith("c/")) {
      const c = readChannel(rec);
      if (c === null) { r.fail("record " + key + ": " + (rec.err !== null ? rec.err! : "bad channel")); break; }
      if (idKey(c.id) != key.slice(2)) { r.fail("record " + key + ": key and id differ"); break; }
      channels.set(key.slice(2), c);
    } else {
      r.fail("unknown record " + key);
      break;
    }
    if (r.ok() && !rec.finish()) r.fail("record " + key + ": " + rec.err!);
  }
  if (!r.finish()) return malformed(r.err!);
  if (SIGNER.channels.size > 0 || SIGNER.forgotten.size > 0 || SIGNER.chain !== null) return invalidState("import only into a fresh signer");
  if (policy === null) return invalidArgument("snapshot has no node record");
  // Commit in one step.
  SIGNER.policy.cfg = policy;
  SIGNER.limits.maxMessage = maxMessage;
  SIGNER.limits.maxChannels = maxChannels;
  SIGNER.limits.maxInvoices = maxInvoices;
  SIGNER.limits.maxAllowlist = maxAllowlist;
  if (payments !== null) SIGNER.payments = payments!;
  SIGNER.opCounter = opCounter;
  SIGNER.channels = channels;
  SIGNER.forgotten = forgotten;
  SIGNER.chain = chain;
  SIGNER.recordVersions = versions;
  SIGNER.stateVersion = version;
  SIGNER.dirty.clear();
  return null;
}

export namespace PersistMethod {
  export const STATE_EXPORT: u16 = 0x0009;
  export const STATE_ACK: u16 = 0x000a;
  export const STATE_IMPORT: u16 = 0x000b;
}

export function handlePersist(method: u16, r: Reader, w: Writer): CoreError | null {
  if (method == PersistMethod.STATE_EXPORT) return stateExport(r, w);
  if (method == PersistMethod.STATE_ACK) return stateAck(r, w);
  if (method == PersistMethod.STATE_IMPORT) return stateImport(r, w);
  return new CoreError(Code.UNKNOWN_METHOD, "unknown method");
}
