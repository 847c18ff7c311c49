// Loads LDK's WASM once per process. Under Node 20 ESM (tsx or plain node) the
// package has no "exports" map, so the .wasm resolves via createRequire.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import * as ldk from "lightningdevkit";

let loaded: Promise<void> | null = null;

export function ldkWasmPath(): string {
  return createRequire(import.meta.url).resolve("lightningdevkit/liblightningjs.wasm");
}

/** Idempotent: initialise LDK's WASM from the installed package. */
export function initLdk(): Promise<void> {
  if (!loaded) loaded = ldk.initializeWasmFromBinary(readFileSync(ldkWasmPath()));
  return loaded;
}

export { ldk };
