// tools/bitcoin (0x8100-0x81ff): pure Bitcoin-layer computations on caller data.
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { Code, CoreError } from "../protocol/errors";

export function handleBitcoinTool(method: u16, r: Reader, w: Writer): CoreError | null {
  return new CoreError(Code.UNKNOWN_METHOD, "unknown method");
}
