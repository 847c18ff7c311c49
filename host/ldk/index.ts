// Entry point of Vigil's LDK integration (dist/host/ldk/index.js once built).
// createVigilKeys gives the LDK objects a ChannelManager is built with, every
// signature coming from the Vigil core after its policy checks. The caller
// initialises LDK's WASM first (initLdk, or its own initializeWasmFromBinary
// with the same package copy).
export { createVigilKeys, vigilInvoice, type VigilKeys, type VigilKeysOptions, type VigilTransport, type Refusal } from "./vigil-keys.js";
export { initLdk, ldkWasmPath } from "./init.js";
export { keysManagerKeys, type NodeKeys } from "./keys.js";
export { tracedKeys, fixU128, holderInner, commitmentHtlcs, commitmentInfo, tlvRecords, type SignerCall, type PolicyHook } from "./traced-keys.js";
export { LdkNode, type NodeOptions, type PersistedNode } from "./node.js";
export { Chain, Wallet } from "./chain.js";
export { Harness, invoice, pay } from "./harness.js";
export { runScenario, type ScenarioOptions, type ScenarioReport, type KeysFactory } from "./scenario.js";
export { vigilFactory } from "./vigil-factory.js";
