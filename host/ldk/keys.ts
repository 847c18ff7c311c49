// The key material an LDK node is built with. Nodes take a NodeKeys so that a
// Vigil-backed implementation (createVigilKeys, issue 8) can replace LDK's
// KeysManager without touching node construction.
import { ldk } from "./init.js";

export interface NodeKeys {
  entropySource: ldk.EntropySource;
  nodeSigner: ldk.NodeSigner;
  signerProvider: ldk.SignerProvider;
  /** Signs sweeps of SpendableOutputs (to_local after CSV, HTLC second stage, to_remote, close outputs). */
  outputSpender: ldk.OutputSpender;
  /** Human-readable label for logs ("KeysManager", "Vigil in-process", ...). */
  kind: string;
  close(): void;
}

/** LDK's own KeysManager from a 32-byte seed (B in the demo; A and C until Vigil has channel signing). */
export function keysManagerKeys(seed: Uint8Array, startingTime = { secs: 1_700_000_000n, nanos: 0 }): NodeKeys & { keysManager: ldk.KeysManager } {
  if (seed.length !== 32) throw new TypeError("seed must be 32 bytes");
  const km = ldk.KeysManager.constructor_new(seed, startingTime.secs, startingTime.nanos);
  return {
    keysManager: km,
    entropySource: km.as_EntropySource(),
    nodeSigner: km.as_NodeSigner(),
    signerProvider: km.as_SignerProvider(),
    outputSpender: km.as_OutputSpender(),
    kind: "KeysManager",
    close() {},
  };
}
