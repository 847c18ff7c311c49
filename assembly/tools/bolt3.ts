// tools/bolt3 (0x8200-0x82ff): BOLT 3 computations on caller data (keys,
// per-commitment secrets, the shachain receiver storage, transactions), for
// the spec's vectors and differential tests. The signer's own keys are not used.
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { Code, CoreError, malformed, invalidArgument } from "../protocol/errors";
import { derivePrivkey, derivePubkey, perCommitmentSecret, revocationPrivkey, revocationPubkey, MAX_INDEX } from "../bolt3/keys";
import { Shachain } from "../bolt3/shachain";

export namespace Bolt3Tool {
  /** seed[32] | u64 index → secret[32] */
  export const PER_COMMITMENT_SECRET: u16 = 0x8200;
  /** basepoint[33] | per_commitment_point[33] → pubkey[33] */
  export const DERIVE_PUBKEY: u16 = 0x8201;
  /** basepoint_secret[32] | per_commitment_point[33] → privkey[32] */
  export const DERIVE_PRIVKEY: u16 = 0x8202;
  /** revocation_basepoint[33] | per_commitment_point[33] → revocationpubkey[33] */
  export const REVOCATION_PUBKEY: u16 = 0x8203;
  /** revocation_basepoint_secret[32] | per_commitment_secret[32] → revocationprivkey[32] */
  export const REVOCATION_PRIVKEY: u16 = 0x8204;
  /** varbytes storage (empty: new) | u64 index | secret[32] → varbytes storage; inconsistent: INVALID_ARGUMENT */
  export const SHACHAIN_INSERT: u16 = 0x8205;
  /** varbytes storage | u64 index → secret[32] */
  export const SHACHAIN_LOOKUP: u16 = 0x8206;
}

function storage(b: Uint8Array): Shachain | null {
  if (b.length == 0) return new Shachain();
  const r = new Reader(b);
  const s = Shachain.read(r);
  return s !== null && r.finish() ? s : null;
}

function out(w: Writer, v: Uint8Array | null, what: string): CoreError | null {
  if (v === null) return invalidArgument(what);
  w.bytes(v!);
  return null;
}

export function handleBolt3Tool(method: u16, r: Reader, w: Writer): CoreError | null {
  if (method == Bolt3Tool.PER_COMMITMENT_SECRET) {
    const seed = r.bytes(32), index = r.u64();
    if (!r.finish()) return malformed(r.err!);
    if (index > MAX_INDEX) return invalidArgument("index above 2^48 - 1");
    w.bytes(perCommitmentSecret(seed, index));
    return null;
  }
  if (method == Bolt3Tool.DERIVE_PUBKEY || method == Bolt3Tool.REVOCATION_PUBKEY) {
    const base = r.bytes(33), pcp = r.bytes(33);
    if (!r.finish()) return malformed(r.err!);
    return out(w, method == Bolt3Tool.DERIVE_PUBKEY ? derivePubkey(base, pcp) : revocationPubkey(base, pcp), "point");
  }
  if (method == Bolt3Tool.DERIVE_PRIVKEY) {
    const sec = r.bytes(32), pcp = r.bytes(33);
    if (!r.finish()) return malformed(r.err!);
    return out(w, derivePrivkey(sec, pcp), "key");
  }
  if (method == Bolt3Tool.REVOCATION_PRIVKEY) {
    const a = r.bytes(32), b = r.bytes(32);
    if (!r.finish()) return malformed(r.err!);
    return out(w, revocationPrivkey(a, b), "key");
  }
  if (method == Bolt3Tool.SHACHAIN_INSERT || method == Bolt3Tool.SHACHAIN_LOOKUP) {
    const st = r.varbytes(49 * 40 + 8);
    const index = r.u64();
    const secret = method == Bolt3Tool.SHACHAIN_INSERT ? r.bytes(32) : new Uint8Array(0);
    if (!r.finish()) return malformed(r.err!);
    const s = storage(st);
    if (s === null) return malformed("shachain storage");
    if (method == Bolt3Tool.SHACHAIN_LOOKUP) return out(w, s!.lookup(index), "secret not derivable from the storage");
    if (!s!.insert(index, secret)) return invalidArgument("secret does not derive the stored ones");
    const sw = new Writer(64);
    s!.write(sw);
    w.varbytes(sw.finish());
    return null;
  }
  return new CoreError(Code.UNKNOWN_METHOD, "unknown method");
}
