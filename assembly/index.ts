// Vigil core: the ABI seen by every host (docs/protocol.md §ABI).
//   vigil_input(len) -> ptr   a buffer for a request of len bytes (0: over max_message)
//   vigil_handle(len) -> n    handle the request in that buffer; reply of n bytes
//   vigil_output() -> ptr     where the reply is
// One request at a time; after each, unreachable objects are collected so
// linear memory stays flat (test/unit/memory.test.ts).
import { CoreError, Code } from "./protocol/errors";
import { errorReply, okReply, parseRequest, partialId, PROTOCOL_VERSION } from "./protocol/envelope";
import { TOOLS_BITCOIN, TOOLS_BOLT3, TOOLS_CHAIN, TOOLS_CRYPTO, TOOLS_LIGHTNING, TOOLS_WALLET } from "./protocol/methods";
import { Writer } from "./codec/writer";
import { Reader } from "./codec/reader";
import { SIGNER } from "./signer/state";
import { handleNode } from "./signer/node";
import { handleCryptoTool } from "./tools/crypto";
import { handleNodeSign } from "./signer/node_sign";
import { handleChannel } from "./signer/channels";
import { handlePersist } from "./signer/persist";
import { handleChain } from "./chain/follower";
import { handlePayments } from "./signer/payments";
import { handleCommitment } from "./signer/commitment";
import { handleOnchain } from "./signer/onchain";
import { checkOperator, isOperatorMethod, recordOperator } from "./signer/operator";
import { handleChainTool } from "./tools/chain";
import { handleLightningTool } from "./tools/lightning";
import { handleBitcoinTool } from "./tools/bitcoin";
import { handleBolt3Tool } from "./tools/bolt3";
import { handleWalletTool } from "./tools/wallet";

let input = new Uint8Array(1024);
let output = new Uint8Array(0);

export function vigil_input(len: u32): usize {
  if (len > SIGNER.limits.maxMessage) return 0;
  if (<i32>len > input.length) input = new Uint8Array(<i32>len);
  return input.dataStart;
}

export function vigil_output(): usize {
  return output.dataStart;
}

function dispatch(method: u16, r: Reader, w: Writer): CoreError | null {
  const range = method & 0xff00;
  if (method >= 0x0009 && method <= 0x000b) return handlePersist(method, r, w);
  if (method < 0x0100) return handleNode(method, r, w);
  if (range == 0x0100) return handleNodeSign(method, r, w);
  if (range == 0x0300) return handleChain(method, r, w);
  if (range == 0x0400) return handleCommitment(method, r, w);
  if (range == 0x0500) return handleOnchain(method, r, w);
  if (method >= 0x0200 && method < 0x0800) return handleChannel(method, r, w);
  if (range == 0x0800) return handlePayments(method, r, w);
  if (range == TOOLS_CRYPTO) return handleCryptoTool(method, r, w);
  if (range == TOOLS_BITCOIN) return handleBitcoinTool(method, r, w);
  if (range == TOOLS_BOLT3) return handleBolt3Tool(method, r, w);
  if (range == TOOLS_LIGHTNING) return handleLightningTool(method, r, w);
  if (range == TOOLS_CHAIN) return handleChainTool(method, r, w);
  if (range == TOOLS_WALLET) return handleWalletTool(method, r, w);
  return new CoreError(Code.UNKNOWN_METHOD, "unknown method");
}

function handle(len: i32): Uint8Array {
  if (len < 0 || len > input.length) return errorReply(0, new CoreError(Code.TOO_LARGE, "request larger than its buffer"));
  const req = parseRequest(input, len);
  if (req === null) return errorReply(partialId(input, len), new CoreError(Code.MALFORMED, "truncated envelope"));
  if (req.version != PROTOCOL_VERSION) return errorReply(req.id, new CoreError(Code.UNSUPPORTED_VERSION, "protocol version " + req.version.toString()));
  const w = new Writer(256);
  SIGNER.changed = false;
  let counter: i64 = 0;
  if (isOperatorMethod(req.method)) {
    const why = new Array<CoreError>();
    counter = checkOperator(req.method, req.payload, why);
    if (counter < 0) return errorReply(req.id, why[0]);
  }
  const e = dispatch(req.method, req.payload, w);
  if (e === null && counter > 0) recordOperator(counter);
  if (e !== null && SIGNER.changed) abort("a refused request changed state");
  return e === null ? okReply(req.id, w, SIGNER.changed) : errorReply(req.id, e);
}

export function vigil_handle(len: u32): u32 {
  output = handle(<i32>len);
  __collect();
  return output.length;
}

/** Current linear memory size in 64 KiB pages (for the flat-memory test). */
export function vigil_memory_pages(): u32 {
  return <u32>memory.size();
}
