// LDK KeysManager derivation (lightning/src/sign/mod.rs, KeysManager::new):
//   master = BIP32 master from the 32-byte seed
//   node_secret = m/0'   destination = m/1'   shutdown = m/2'
//   channel_master = m/3'   inbound_payment = m/5'
import { ExtendedKey, HARDENED, masterFromSeed } from "../bitcoin/bip32";
import { NodeKeys } from "./scheme";

export function ldkNodeKeys(seed: Uint8Array): NodeKeys | null {
  const master = masterFromSeed(seed);
  if (master === null) return null;
  const node: ExtendedKey | null = master.derive(HARDENED | 0);
  if (node === null) return null;
  return new NodeKeys(node.secret!, node.pubkey, master, master);
}
