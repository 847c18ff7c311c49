// Typed errors returned in the reply envelope (docs/protocol.md §Errors).
// The core has no exceptions: handlers return a CoreError or null.

export namespace Code {
  export const MALFORMED: u16 = 1; // truncated, trailing bytes, non-canonical, bad field
  export const UNKNOWN_METHOD: u16 = 2;
  export const UNSUPPORTED_VERSION: u16 = 3;
  export const TOO_LARGE: u16 = 4; // message or field over a configured limit
  export const NOT_INITIALIZED: u16 = 5;
  export const ALREADY_INITIALIZED: u16 = 6;
  export const INVALID_ARGUMENT: u16 = 7; // well-formed but unusable: bad key, bad secret
  export const POLICY: u16 = 8; // refused by a policy rule; rule id set
  export const PENDING_APPROVAL: u16 = 9; // refused until an operator approves; rule id set
  export const INVALID_STATE: u16 = 10; // out of order, replayed or skipped step
  export const INTERNAL: u16 = 11; // a trap, reported by the host (never sent by the core)
  export const UNSUPPORTED: u16 = 12; // known but not supported in this build/config
  export const UNAUTHORIZED: u16 = 13; // an operator method without a valid operator authorization
}

export class CoreError {
  constructor(public code: u16, public msg: string, public rule: string = "") {}
}

export function malformed(msg: string): CoreError { return new CoreError(Code.MALFORMED, msg); }
export function invalidArgument(msg: string): CoreError { return new CoreError(Code.INVALID_ARGUMENT, msg); }
export function invalidState(msg: string): CoreError { return new CoreError(Code.INVALID_STATE, msg); }
export function policy(rule: string, msg: string): CoreError { return new CoreError(Code.POLICY, msg, rule); }
