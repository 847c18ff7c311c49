// The signer state object: the one global of the core. Everything a request
// may change lives here, so a digest of it (digest()) shows whether a request
// changed state.
import { NodeKeys } from "../keys/scheme";
import { Writer } from "../codec/writer";
import { sha256 } from "../crypto";
import { Policy } from "../policy/engine";

export namespace Network {
  export const BITCOIN: u8 = 0;
  export const TESTNET: u8 = 1;
  export const SIGNET: u8 = 2;
  export const REGTEST: u8 = 3;
  export const COUNT: u8 = 4;
}

/** Limits that are configuration (docs/protocol.md §Limits). */
export class Limits {
  maxMessage: u32 = 65536;
}

export class Signer {
  network: u8 = 0;
  scheme: u8 = 0;
  keys: NodeKeys | null = null;
  limits: Limits = new Limits();
  policy: Policy = new Policy();

  initialized(): bool { return this.keys !== null; }

  /** Serialises every field that policy or signing depends on, then hashes it. */
  digest(): Uint8Array {
    const w = new Writer(128);
    w.u8(this.initialized() ? 1 : 0).u8(this.network).u8(this.scheme);
    if (this.keys !== null) w.bytes(this.keys!.nodeId);
    w.u32(this.limits.maxMessage);
    this.policy.cfg.encode(w);
    return sha256(w.finish());
  }
}

export const SIGNER = new Signer();
