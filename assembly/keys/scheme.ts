// Key-derivation schemes. LDK and CLN derive a node's keys from its 32-byte
// secret differently; the scheme is chosen at init so an existing node keeps
// its node id when it moves to Vigil.
import { ExtendedKey } from "../bitcoin/bip32";

export namespace Scheme {
  /** LDK KeysManager: BIP32 master from the seed; node secret at m/0'. */
  export const LDK: u8 = 0;
  /** Core Lightning hsmd: HKDF-SHA256 labels over hsm_secret (host/cln issue). */
  export const CLN: u8 = 1;
}

/** What every scheme yields at init. */
export class NodeKeys {
  constructor(
    public nodeSecret: Uint8Array,
    public nodeId: Uint8Array,
    public walletRoot: ExtendedKey, // BIP32 root for the on-chain wallet (BIP84/BIP86)
    public master: ExtendedKey, // scheme-specific root for channel keys
  ) {}
}
