// Envelope and error codes of the wire protocol (docs/protocol.md); mirrors
// assembly/protocol/{envelope,errors,methods}.ts.
import { Reader, Writer } from "./codec.js";

export const PROTOCOL_VERSION = 1;

export const Code = {
  MALFORMED: 1,
  UNKNOWN_METHOD: 2,
  UNSUPPORTED_VERSION: 3,
  TOO_LARGE: 4,
  NOT_INITIALIZED: 5,
  ALREADY_INITIALIZED: 6,
  INVALID_ARGUMENT: 7,
  POLICY: 8,
  PENDING_APPROVAL: 9,
  INVALID_STATE: 10,
  INTERNAL: 11,
  UNSUPPORTED: 12,
  UNAUTHORIZED: 13,
} as const;

export const CodeName: Record<number, string> = Object.fromEntries(Object.entries(Code).map(([k, v]) => [v, k]));

export const Method = {
  PING: 0x0001,
  VERSION: 0x0002,
  INIT: 0x0003,
  GET_NODE_ID: 0x0004,
  STATE_DIGEST: 0x0005,
  STATE_EXPORT: 0x0009,
  STATE_ACK: 0x000a,
  STATE_IMPORT: 0x000b,
  LIST_RULES: 0x0006,
  POLICY_GET: 0x0007,
  POLICY_SET: 0x0008,
} as const;

export const NodeMethod = { ECDH: 0x0100, SIGN_INVOICE: 0x0101, SIGN_MESSAGE: 0x0102, SIGN_GOSSIP: 0x0103, SIGN_BOLT12: 0x0104 } as const;

export const ChannelMethod = { NEW_CHANNEL: 0x0200, READY_CHANNEL: 0x0201, FORGET_CHANNEL: 0x0202, LIST_CHANNELS: 0x0203 } as const;

/** A typed refusal or error from the signer. */
export class SignerError extends Error {
  constructor(readonly code: number, readonly rule: string, message: string, readonly requestId = 0) {
    super(`${CodeName[code] ?? `code ${code}`}${rule ? ` [${rule}]` : ""}: ${message}`);
    this.name = "SignerError";
  }
  get codeName() { return CodeName[this.code] ?? String(this.code); }
}

export function encodeRequest(id: number, method: number, payload: Uint8Array, version = PROTOCOL_VERSION): Uint8Array {
  return new Writer().u8(version).u32(id).u16(method).bytes(payload).finish();
}

export interface Reply { id: number; ok: boolean; stateChanged: boolean; body: Uint8Array; error?: SignerError }

/** Reply status byte (offset 5): 0 ok, 1 error, 2 ok and durable state changed. */
export const Status = { OK: 0, ERROR: 1, OK_STATE_CHANGED: 2 } as const;

export function decodeReply(frame: Uint8Array): Reply {
  const r = new Reader(frame);
  const version = r.u8();
  if (version !== PROTOCOL_VERSION) throw new SignerError(Code.UNSUPPORTED_VERSION, "", `reply version ${version}`);
  const id = r.u32();
  const status = r.u8();
  if (status === Status.OK || status === Status.OK_STATE_CHANGED) {
    return { id, ok: true, stateChanged: status === Status.OK_STATE_CHANGED, body: frame.subarray(r.pos) };
  }
  if (status !== Status.ERROR) throw new SignerError(Code.MALFORMED, "", `reply status ${status}`);
  const code = r.u16();
  const rule = new TextDecoder().decode(r.bytes16());
  const msg = new TextDecoder().decode(r.bytes16());
  r.finish();
  return { id, ok: false, stateChanged: false, body: new Uint8Array(0), error: new SignerError(code, rule, msg, id) };
}
