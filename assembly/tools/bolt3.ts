// tools/bolt3 (0x8200-0x82ff): pure BOLT 3 computations on caller data.
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { Code, CoreError } from "../protocol/errors";

export function handleBolt3Tool(method: u16, r: Reader, w: Writer): CoreError | null {
  return new CoreError(Code.UNKNOWN_METHOD, "unknown method");
}
