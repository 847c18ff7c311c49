// Key-derivation schemes. LDK and CLN derive a node's keys from its 32-byte
// secret differently; the scheme is chosen at init so an existing node keeps
// its node id (and its channels' keys) when it moves to Vigil.
import { ExtendedKey } from "../bitcoin/bip32";

export namespace Scheme {
  /** LDK KeysManager: BIP32 master from the seed; node secret at m/0'. */
  export const LDK: u8 = 0;
  /** Core Lightning hsmd: HKDF-SHA256 labels over hsm_secret (host/cln issue). */
  export const CLN: u8 = 1;
}

/** The secrets of one channel (BOLT 3 §Key Derivation basepoints) and their points. */
export class ChannelSecrets {
  fundingPub: Uint8Array = new Uint8Array(33);
  revocationBasepoint: Uint8Array = new Uint8Array(33);
  paymentBasepoint: Uint8Array = new Uint8Array(33);
  delayedPaymentBasepoint: Uint8Array = new Uint8Array(33);
  htlcBasepoint: Uint8Array = new Uint8Array(33);
  constructor(
    public funding: Uint8Array,
    public revocationBase: Uint8Array,
    public payment: Uint8Array,
    public delayedPaymentBase: Uint8Array,
    public htlcBase: Uint8Array,
    public commitmentSeed: Uint8Array,
  ) {}
}

/** What every scheme yields at init. */
export class NodeKeys {
  constructor(
    public seed: Uint8Array,
    public nodeSecret: Uint8Array,
    public nodeId: Uint8Array,
    public walletRoot: ExtendedKey, // BIP32 root for the on-chain wallet (BIP84/BIP86)
    public channelMaster: ExtendedKey, // scheme-specific root for channel keys
  ) {}
}
