// Node-level methods: ping, version, init, get_node_id, state_digest.
import { Reader, readTlvStream } from "../codec/reader";
import { Writer } from "../codec/writer";
import { Code, CoreError, malformed, invalidArgument } from "../protocol/errors";
import { Method } from "../protocol/methods";
import { PROTOCOL_VERSION } from "../protocol/envelope";
import { Network, SIGNER } from "./state";
import { Scheme, NodeKeys } from "../keys/scheme";
import { ldkNodeKeys } from "../keys/ldk";
import { PolicyConfig, decodePolicy } from "../policy/config";
import { RULES } from "../policy/rules";

export const CORE_VERSION = "0.1.0";
const MAX_PING: i32 = 1024;

// Config TLVs of init (docs/protocol.md §init).
const CFG_MAX_MESSAGE: u64 = 1;
const CFG_POLICY: u64 = 3; // value: a policy TLV stream (policy/config.ts)
const CFG_MAX_CHANNELS: u64 = 5;
const CFG_MAX_INVOICES: u64 = 7; // invoices remembered for the payment rules
const CFG_MAX_ALLOWLIST: u64 = 9; // allowlist entries

function ping(r: Reader, w: Writer): CoreError | null {
  const data = r.varbytes(MAX_PING);
  if (!r.finish()) return malformed(r.err!);
  w.varbytes(data);
  return null;
}

function version(r: Reader, w: Writer): CoreError | null {
  if (!r.finish()) return malformed(r.err!);
  w.u8(PROTOCOL_VERSION);
  w.varbytes(Uint8Array.wrap(String.UTF8.encode(CORE_VERSION)));
  w.u8(SIGNER.initialized() ? 1 : 0);
  return null;
}

/**
 * init: secret[32] | u8 network | u8 scheme | config TLV stream (odd types optional).
 * Reply: node_id[33].
 */
function init(r: Reader, w: Writer): CoreError | null {
  const secret = r.bytes(32);
  const network = r.u8();
  const scheme = r.u8();
  let maxMessage: u32 = SIGNER.limits.maxMessage;
  let policy: PolicyConfig | null = new PolicyConfig();
  let maxChannels: u32 = SIGNER.limits.maxChannels;
  let maxInvoices: u32 = SIGNER.limits.maxInvoices, maxAllowlist: u32 = SIGNER.limits.maxAllowlist;
  const cfg = readTlvStream(r);
  if (cfg !== null) {
    for (let i = 0; i < cfg.length; i++) {
      const v = cfg[i].value;
      if (cfg[i].type == CFG_MAX_MESSAGE) {
        maxMessage = v.u32();
        if (!v.finish()) r.fail("max_message: " + v.err!);
      } else if (cfg[i].type == CFG_MAX_CHANNELS) {
        maxChannels = v.u32();
        if (!v.finish()) r.fail("max_channels: " + v.err!);
      } else if (cfg[i].type == CFG_MAX_INVOICES) {
        maxInvoices = v.u32();
        if (!v.finish()) r.fail("max_invoices: " + v.err!);
      } else if (cfg[i].type == CFG_MAX_ALLOWLIST) {
        maxAllowlist = v.u32();
        if (!v.finish()) r.fail("max_allowlist: " + v.err!);
      } else if (cfg[i].type == CFG_POLICY) {
        policy = decodePolicy(v);
        if (policy === null) r.fail("policy: " + v.err!);
      }
    }
  }
  if (!r.finish()) return malformed(r.err!);
  if (SIGNER.initialized()) return new CoreError(Code.ALREADY_INITIALIZED, "signer already initialised");
  if (isZero(secret)) return invalidArgument("all-zero secret");
  if (network >= Network.COUNT) return invalidArgument("unknown network");
  if (maxMessage < 1024 || maxMessage > 16 << 20) return invalidArgument("max_message out of range [1024, 16 MiB]");
  if (maxChannels < 1 || maxChannels > 100_000) return invalidArgument("max_channels out of range [1, 100000]");
  if (maxInvoices < 1 || maxInvoices > 100_000) return invalidArgument("max_invoices out of range [1, 100000]");
  if (maxAllowlist > 100_000) return invalidArgument("max_allowlist out of range [0, 100000]");
  let keys: NodeKeys | null = null;
  if (scheme == Scheme.LDK) keys = ldkNodeKeys(secret);
  else if (scheme == Scheme.CLN) return new CoreError(Code.UNSUPPORTED, "cln key scheme not in this build");
  else return invalidArgument("unknown key scheme");
  if (keys === null) return invalidArgument("secret yields an invalid key");
  // Every check passed: commit the new state in one step.
  SIGNER.network = network;
  SIGNER.scheme = scheme;
  SIGNER.limits.maxMessage = maxMessage;
  SIGNER.limits.maxChannels = maxChannels;
  SIGNER.limits.maxInvoices = maxInvoices;
  SIGNER.limits.maxAllowlist = maxAllowlist;
  SIGNER.policy.cfg = policy!;
  SIGNER.keys = keys;
  SIGNER.touch("node");
  w.bytes(keys.nodeId);
  return null;
}

function isZero(b: Uint8Array): bool {
  let acc: u8 = 0;
  for (let i = 0; i < b.length; i++) acc |= b[i];
  return acc == 0;
}

function getNodeId(r: Reader, w: Writer): CoreError | null {
  if (!r.finish()) return malformed(r.err!);
  if (!SIGNER.initialized()) return new CoreError(Code.NOT_INITIALIZED, "init first");
  w.bytes(SIGNER.keys!.nodeId);
  return null;
}

function stateDigest(r: Reader, w: Writer): CoreError | null {
  if (!r.finish()) return malformed(r.err!);
  w.bytes(SIGNER.digest());
  return null;
}

/** list_rules: u16 count | count × (varbytes id | u8 flags: 1 hard, 2 optional). */
function listRules(r: Reader, w: Writer): CoreError | null {
  if (!r.finish()) return malformed(r.err!);
  w.u16(<u16>RULES.length);
  for (let i = 0; i < RULES.length; i++) {
    w.varbytes(Uint8Array.wrap(String.UTF8.encode(RULES[i].id)));
    w.u8((RULES[i].hard ? 1 : 0) | (RULES[i].optional ? 2 : 0));
  }
  return null;
}

/** policy_get: the current policy as a TLV stream (every field, defaults included). */
function policyGet(r: Reader, w: Writer): CoreError | null {
  if (!r.finish()) return malformed(r.err!);
  SIGNER.policy.cfg.encode(w);
  return null;
}

/**
 * policy_set: a full policy TLV stream replaces the current one. This is an
 * operator action; on a device it arrives over the operator channel, never
 * from the node (docs/policy.md §Who may change policy).
 */
function policySet(r: Reader, w: Writer): CoreError | null {
  const cfg = decodePolicy(r);
  if (cfg === null || !r.finish()) return malformed(r.err!);
  if (!SIGNER.initialized()) return new CoreError(Code.NOT_INITIALIZED, "init first");
  SIGNER.policy.cfg = cfg;
  SIGNER.touch("node");
  cfg.encode(w);
  return null;
}

export function handleNode(method: u16, r: Reader, w: Writer): CoreError | null {
  if (method == Method.PING) return ping(r, w);
  if (method == Method.VERSION) return version(r, w);
  if (method == Method.INIT) return init(r, w);
  if (method == Method.GET_NODE_ID) return getNodeId(r, w);
  if (method == Method.STATE_DIGEST) return stateDigest(r, w);
  if (method == Method.LIST_RULES) return listRules(r, w);
  if (method == Method.POLICY_GET) return policyGet(r, w);
  if (method == Method.POLICY_SET) return policySet(r, w);
  return new CoreError(Code.UNKNOWN_METHOD, "unknown method");
}
