// Request/response envelope (docs/protocol.md §Envelope).
//   request:  u8 version | u32 request_id | u16 method | payload
//   response: u8 version | u32 request_id | u8 status | body
// status 0: body is the method's reply; 2: the same, and the request changed
// durable state (signer/persist.ts); status 1: body is an error:
//   u16 code | u16 len | rule id (ASCII) | u16 len | message (UTF-8)
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { CoreError } from "./errors";

export const PROTOCOL_VERSION: u8 = 1;
export const REQUEST_HEADER: i32 = 7;
export const STATUS_OK: u8 = 0;
export const STATUS_ERROR: u8 = 1;
/** Ok, and the request changed durable state: persist state_export's records before releasing this reply. */
export const STATUS_OK_STATE_CHANGED: u8 = 2;

export class Request {
  constructor(public version: u8, public id: u32, public method: u16, public payload: Reader) {}
}

/** Parses the header; the payload reader covers the rest of the frame. */
export function parseRequest(buf: Uint8Array, len: i32): Request | null {
  if (len < REQUEST_HEADER) return null;
  const r = new Reader(buf, 0, len);
  const version = r.u8();
  const id = r.u32();
  const method = r.u16();
  return new Request(version, id, method, r);
}

/** The request id of a frame too short to parse, as far as it goes (else 0). */
export function partialId(buf: Uint8Array, len: i32): u32 {
  if (len < 5) return 0;
  const r = new Reader(buf, 1, 5);
  return r.u32();
}

export function okReply(id: u32, body: Writer, stateChanged: bool): Uint8Array {
  const w = new Writer(body.len + 6);
  w.u8(PROTOCOL_VERSION).u32(id).u8(stateChanged ? STATUS_OK_STATE_CHANGED : STATUS_OK);
  w.bytes(body.buf.subarray(0, body.len));
  return w.finish();
}

export function errorReply(id: u32, e: CoreError): Uint8Array {
  const w = new Writer(64);
  w.u8(PROTOCOL_VERSION).u32(id).u8(STATUS_ERROR);
  w.u16(e.code);
  w.bytes16(Uint8Array.wrap(String.UTF8.encode(e.rule)));
  w.bytes16(Uint8Array.wrap(String.UTF8.encode(e.msg)));
  return w.finish();
}
