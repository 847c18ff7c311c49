// Test oracle: LDK KeysManager key derivation restated in TypeScript, checked
// against lightningdevkit 0.1.0's KeysManager (test/ldk/derivation.test.ts).
// The signer's own derivation lives only in the core (assembly/keys/ldk.ts).
//
//   master      = BIP32 master from the 32-byte seed
//   node secret = m/0'            destination script = P2WPKH(m/1')
//   shutdown    = P2WPKH(m/2')    channel master     = m/3'
//   inbound payment key material = m/5' private key
//   channel keys for keys_id (32 bytes) and channel master:
//     idx   = u32 from keys_id[4..8] (big-endian) mod 2^31   (low half of BE u64 keys_id[0..8])
//     cseed = SHA256(keys_id || seed || (m/3'/idx')privkey)
//     commitment_seed = SHA256(cseed || "commitment seed")
//     funding    = SHA256(cseed || commitment_seed || "funding key")
//     revocation = SHA256(cseed || funding || "revocation base key")
//     payment    = SHA256(cseed || revocation || "payment key")
//     delayed    = SHA256(cseed || payment || "delayed payment base key")
//     htlc       = SHA256(cseed || delayed || "HTLC base key")
//   generate_channel_keys_id: child_index u32 BE || starting_time_nanos u32 BE ||
//     starting_time_secs u64 BE || user_channel_id u128 BE (child_index counts from 0 per instance)
import { HDKey } from "@scure/bip32";
import { sha256 } from "@noble/hashes/sha2.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";

const H = 0x80000000;
const te = new TextEncoder();
const cat = (...a: Uint8Array[]) => { const o = new Uint8Array(a.reduce((s, x) => s + x.length, 0)); let p = 0; for (const x of a) { o.set(x, p); p += x.length; } return o; };

export interface ChannelSecrets { funding: Uint8Array; revocationBase: Uint8Array; payment: Uint8Array; delayedPaymentBase: Uint8Array; htlcBase: Uint8Array; commitmentSeed: Uint8Array }

export function nodeKeysFromSeed(seed: Uint8Array) {
  const m = HDKey.fromMasterSeed(seed);
  const priv = (i: number) => m.deriveChild(H + i).privateKey!;
  const nodeSecret = priv(0);
  return {
    nodeSecret,
    nodeId: secp256k1.getPublicKey(nodeSecret, true),
    destinationKey: priv(1),
    shutdownKey: priv(2),
    channelMaster: m.deriveChild(H + 3),
    inboundPaymentKeyMaterial: priv(5),
  };
}

export function channelKeysId(childIndex: number, startingSecs: bigint, startingNanos: number, userChannelId: bigint): Uint8Array {
  const id = new Uint8Array(32);
  const dv = new DataView(id.buffer);
  dv.setUint32(0, childIndex);
  dv.setUint32(4, startingNanos);
  dv.setBigUint64(8, startingSecs);
  dv.setBigUint64(16, userChannelId >> 64n);
  dv.setBigUint64(24, userChannelId & 0xffffffffffffffffn);
  return id;
}

export function channelSecrets(seed: Uint8Array, keysId: Uint8Array): ChannelSecrets {
  const { channelMaster } = nodeKeysFromSeed(seed);
  const idx = new DataView(keysId.buffer, keysId.byteOffset).getUint32(4) % H;
  const child = channelMaster.deriveChild(H + idx).privateKey!;
  const cseed = sha256(cat(keysId, seed, child));
  const commitmentSeed = sha256(cat(cseed, te.encode("commitment seed")));
  const step = (info: string, prev: Uint8Array) => sha256(cat(cseed, prev, te.encode(info)));
  const funding = step("funding key", commitmentSeed);
  const revocationBase = step("revocation base key", funding);
  const payment = step("payment key", revocationBase);
  const delayedPaymentBase = step("delayed payment base key", payment);
  const htlcBase = step("HTLC base key", delayedPaymentBase);
  return { funding, revocationBase, payment, delayedPaymentBase, htlcBase, commitmentSeed };
}
