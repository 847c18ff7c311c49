// tools/chain (0x8400-0x84ff): consensus arithmetic on caller data.
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { Code, CoreError, malformed, invalidArgument } from "../protocol/errors";
import { Entry, chainParams, requiredBits } from "../chain/headers";
import { U256, workOf, fromCompact } from "../chain/u256";

export namespace ChainTool {
  /** u8 network | u32 height | u32 time | prev: u32 bits, u32 time, u32 period_start_time, u32 last_real_bits → u32 bits. */
  export const NEXT_BITS: u16 = 0x8400;
  /** u32 bits → work[32, LE] = 2^256 / (target + 1). */
  export const WORK: u16 = 0x8401;
}

export function handleChainTool(method: u16, r: Reader, w: Writer): CoreError | null {
  if (method == ChainTool.NEXT_BITS) {
    const network = r.u8();
    const height = r.u32();
    const time = r.u32();
    const bits = r.u32(), ptime = r.u32(), pstart = r.u32(), lastReal = r.u32();
    if (!r.finish()) return malformed(r.err!);
    if (network > 3 || height == 0) return invalidArgument("network 0-3, height > 0");
    if (fromCompact(bits) === null) return invalidArgument("bad prev bits");
    const prev = new Entry(new Uint8Array(32), height - 1, ptime, bits, U256.zero(), pstart, lastReal);
    w.u32(requiredBits(chainParams(network), prev, height, time));
    return null;
  }
  if (method == ChainTool.WORK) {
    const bits = r.u32();
    if (!r.finish()) return malformed(r.err!);
    const t = fromCompact(bits);
    if (t === null || t.isZero()) return invalidArgument("bad bits");
    w.bytes(workOf(t!).toLE());
    return null;
  }
  return new CoreError(Code.UNKNOWN_METHOD, "unknown method");
}
