// LDK KeysManager derivation (lightning/src/sign/mod.rs, KeysManager::new and
// derive_channel_keys), so a node moving from KeysManager to Vigil keeps its
// node id and its open channels' keys:
//   master = BIP32 master from the 32-byte seed
//   node_secret = m/0'   destination = m/1'   shutdown = m/2'
//   channel_master = m/3'   inbound_payment = m/5'
import { ExtendedKey, HARDENED, masterFromSeed } from "../bitcoin/bip32";
import { Sha256, pubkeyCreate } from "../crypto";
import { ChannelSecrets, NodeKeys } from "./scheme";
import { p2wpkhOfKey } from "../bitcoin/script";

export function ldkNodeKeys(seed: Uint8Array): NodeKeys | null {
  const master = masterFromSeed(seed);
  if (master === null) return null;
  const node: ExtendedKey | null = master.derive(HARDENED | 0);
  const chanMaster: ExtendedKey | null = master.derive(HARDENED | 3);
  if (node === null || chanMaster === null) return null;
  return new NodeKeys(seed, node.secret!, node.pubkey, master, chanMaster);
}

function ascii(s: string): Uint8Array { return Uint8Array.wrap(String.UTF8.encode(s)); }

/** SHA256(seed ‖ prev ‖ info): one step of LDK's channel key chain. */
function keyStep(seed: Uint8Array, prev: Uint8Array, info: string): Uint8Array {
  return new Sha256().update(seed).update(prev).update(ascii(info)).digest();
}

/**
 * Channel keys for LDK's 32-byte channel_keys_id (`params`):
 *   child  = channel_master / (u32(BE u64 params[0..8]) & 0x7fffffff)'
 *   seed   = SHA256(params ‖ node seed ‖ child secret)
 *   commitment_seed = SHA256(seed ‖ "commitment seed"), then each key is
 *   SHA256(seed ‖ previous key ‖ label) in the order funding, revocation base,
 *   payment, delayed payment base, HTLC base.
 */
export function ldkChannelSecrets(keys: NodeKeys, params: Uint8Array): ChannelSecrets | null {
  if (params.length != 32) return null;
  const idx = ((<u32>params[4] << 24) | (<u32>params[5] << 16) | (<u32>params[6] << 8) | <u32>params[7]) & 0x7fffffff;
  const child = keys.channelMaster.derive(HARDENED | idx);
  if (child === null) return null;
  const seed = new Sha256().update(params).update(keys.seed).update(child.secret!).digest();
  const commitmentSeed = new Sha256().update(seed).update(ascii("commitment seed")).digest();
  const funding = keyStep(seed, commitmentSeed, "funding key");
  const revocation = keyStep(seed, funding, "revocation base key");
  const payment = keyStep(seed, revocation, "payment key");
  const delayed = keyStep(seed, payment, "delayed payment base key");
  const htlc = keyStep(seed, delayed, "HTLC base key");
  const s = new ChannelSecrets(funding, revocation, payment, delayed, htlc, commitmentSeed);
  const p0 = pubkeyCreate(funding), p1 = pubkeyCreate(revocation), p2 = pubkeyCreate(payment);
  const p3 = pubkeyCreate(delayed), p4 = pubkeyCreate(htlc);
  if (p0 === null || p1 === null || p2 === null || p3 === null || p4 === null) return null;
  s.fundingPub = p0;
  s.revocationBasepoint = p1;
  s.paymentBasepoint = p2;
  s.delayedPaymentBasepoint = p3;
  s.htlcBasepoint = p4;
  return s;
}

/** KeysManager's m/1' (destination_script), m/2' (shutdown_pubkey) and m/5' (inbound_payment_key) from the master. */
function ldkChild(keys: NodeKeys, index: u32): ExtendedKey | null { return keys.walletRoot.derive(HARDENED | index); }

/** KeysManager::get_destination_script / get_shutdown_scriptpubkey: P2WPKH of m/1' or m/2'. */
export function ldkOwnScript(keys: NodeKeys, shutdown: bool): Uint8Array | null {
  const k = ldkChild(keys, shutdown ? 2 : 1);
  return k === null ? null : p2wpkhOfKey(k.pubkey);
}

/** KeysManager's inbound_payment_key material (m/5'): LDK derives its payment-secret HMAC keys from it (ExpandedKey). */
export function ldkInboundPaymentKey(keys: NodeKeys): Uint8Array | null {
  const k = ldkChild(keys, 5);
  return k === null ? null : k.secret!;
}
