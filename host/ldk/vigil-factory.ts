// KeysFactory for the demo network: A and C sign through Vigil (createVigilKeys,
// in-process or remote), B keeps LDK's KeysManager. Each Vigil node keeps its
// durable records in one store across restarts, as a device keeps its flash.
import { keysManagerKeys } from "./keys.js";
import { createVigilKeys, type VigilKeys, type VigilTransport } from "./vigil-keys.js";
import type { KeysFactory } from "./scenario.js";
import { MemoryStore } from "../state/store.js";
import { allowlistAdd } from "../payments.js";
import { scriptToAddress } from "../tools/wallet.js";
import type { PolicyInput } from "../policy.js";

export interface VigilFactory { makeKeys: KeysFactory; keys: Map<string, VigilKeys>; incarnations: Map<string, VigilKeys[]> }

export function vigilFactory(opts: { policy?: PolicyInput; transport?: (name: string) => VigilTransport; vigilNodes?: string[] } = {}): VigilFactory {
  const stores = new Map<string, MemoryStore>();
  const keys = new Map<string, VigilKeys>();
  const incarnations = new Map<string, VigilKeys[]>();
  const vigilNodes = opts.vigilNodes ?? ["A", "C"];
  const makeKeys: KeysFactory = (name, seed, inc, ctx) => {
    if (!vigilNodes.includes(name)) return keysManagerKeys(seed, { secs: 1_700_000_000n + BigInt(inc), nanos: 0 });
    const store = stores.get(name) ?? new MemoryStore();
    stores.set(name, store);
    keys.get(name)?.close();
    const k = createVigilKeys({
      seed, store, network: "regtest", policy: opts.policy, transport: opts.transport?.(name),
      startingTime: { secs: 1_700_000_000n + BigInt(inc), nanos: 0 },
      destinationScript: ctx.walletScript, label: `Vigil ${opts.transport ? opts.transport(name).kind : "in-process"}`,
    });
    // The operator allows the node's wallet as the destination of sweeps and closes.
    if (inc === 0) allowlistAdd(k.signer, "address", scriptToAddress(k.signer, "regtest", ctx.walletScript));
    keys.set(name, k);
    incarnations.set(name, [...(incarnations.get(name) ?? []), k]);
    return k;
  };
  return { makeKeys, keys, incarnations };
}
