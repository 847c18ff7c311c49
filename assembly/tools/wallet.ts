// tools/wallet (0x8500-0x85ff): addresses (BIP173/350, base58check), BIP32
// serialization and PSBT (BIP174) on caller data.
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { Code, CoreError } from "../protocol/errors";

export function handleWalletTool(method: u16, r: Reader, w: Writer): CoreError | null {
  return new CoreError(Code.UNKNOWN_METHOD, "unknown method");
}
