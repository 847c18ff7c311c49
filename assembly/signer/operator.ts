// Operator authentication. Some methods change what the signer will allow
// (policy, approvals, the allowlist, the chain checkpoint and its alarm); a
// compromised node must not be able to call them. They carry, after their
// payload, u64 counter | mac[32] with
//   mac = HMAC-SHA256(K_op, u16 method | u64 counter | payload),
//   K_op = HMAC-SHA256(seed, "vigil/operator")
// which only holders of the seed (the operator's CLI) can compute. The counter
// must grow (replays are refused); it is recorded only when the method succeeds.
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { hmacSha256 } from "../crypto";
import { Code, CoreError } from "../protocol/errors";
import { SIGNER } from "./state";

export const OPERATOR_AUTH_SIZE: i32 = 40;

export function isOperatorMethod(method: u16): bool {
  return method == 0x0008 // policy_set
    || method == 0x0300 || method == 0x0303 // chain_init, chain_resume
    || method == 0x0803 || method == 0x0804 || method == 0x0805; // approval_decide, allowlist_add/remove
}

function operatorKey(): Uint8Array {
  return hmacSha256(SIGNER.keys!.seed, Uint8Array.wrap(String.UTF8.encode("vigil/operator")));
}

/** Constant-time equality of two 32-byte MACs. */
function macEqual(a: Uint8Array, b: Uint8Array): bool {
  let d: u32 = 0;
  for (let i = 0; i < 32; i++) d |= <u32>(a[i] ^ b[i]);
  return d == 0;
}

/**
 * Check the operator authorization at the end of `r`'s payload and shrink the
 * reader to the payload. Returns the counter to record on success, or -1 with
 * `err[0]` set.
 */
export function checkOperator(method: u16, r: Reader, err: CoreError[]): i64 {
  if (!SIGNER.initialized()) { err.push(new CoreError(Code.NOT_INITIALIZED, "init first")); return -1; }
  if (r.remaining() < OPERATOR_AUTH_SIZE) { err.push(new CoreError(Code.UNAUTHORIZED, "operator method without operator authorization")); return -1; }
  const end = r.end;
  const start = r.pos;
  const auth = new Reader(r.buf, end - OPERATOR_AUTH_SIZE, end);
  const counter = auth.u64();
  const mac = auth.bytes(32);
  const w = new Writer(16 + end - start);
  w.u16(method).u64(counter).bytes(r.buf.subarray(start, end - OPERATOR_AUTH_SIZE));
  if (!macEqual(hmacSha256(operatorKey(), w.finish()), mac)) { err.push(new CoreError(Code.UNAUTHORIZED, "operator authorization does not verify")); return -1; }
  if (counter <= SIGNER.opCounter) { err.push(new CoreError(Code.UNAUTHORIZED, "operator counter replayed")); return -1; }
  r.end = end - OPERATOR_AUTH_SIZE;
  return <i64>counter;
}

/** After the method succeeded: remember the counter (durable with the node record). */
export function recordOperator(counter: i64): void {
  SIGNER.opCounter = <u64>counter;
  SIGNER.touch("node");
}
