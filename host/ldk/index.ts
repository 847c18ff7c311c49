// Entry point of Vigil's LDK integration. createVigilKeys (issue 8) lands here once
// the core signs channels; until then the building blocks it will be made of.
export { initLdk, ldkWasmPath } from "./init.js";
export { keysManagerKeys, type NodeKeys } from "./keys.js";
export { tracedKeys, fixU128, holderInner, commitmentHtlcs, commitmentInfo, tlvRecords, type SignerCall, type PolicyHook } from "./traced-keys.js";
export { LdkNode, type NodeOptions, type PersistedNode } from "./node.js";
export { Chain, Wallet } from "./chain.js";
export { Harness, invoice, pay } from "./harness.js";
export { runScenario, type ScenarioOptions, type ScenarioReport, type KeysFactory } from "./scenario.js";
