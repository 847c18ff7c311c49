// The signer state object: the one global of the core. Everything a request
// may change lives here, so a digest of it (digest()) shows whether a request
// changed state.
import { NodeKeys } from "../keys/scheme";
import { Writer } from "../codec/writer";
import { sha256 } from "../crypto";
import { Policy } from "../policy/engine";
import { Channel } from "./channel";
import { ChainState } from "../chain/follower";
import { PaymentBook } from "../policy/payments";

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
  maxChannels: u32 = 1000;
  maxInvoices: u32 = 1000;
  maxAllowlist: u32 = 1000;
  write(w: Writer): void { w.u32(this.maxMessage).u32(this.maxChannels).u32(this.maxInvoices).u32(this.maxAllowlist); }
}

export class Signer {
  network: u8 = 0;
  scheme: u8 = 0;
  keys: NodeKeys | null = null;
  limits: Limits = new Limits();
  policy: Policy = new Policy();
  channels: Map<string, Channel> = new Map();
  forgotten: Set<string> = new Set();
  chain: ChainState | null = null;
  payments: PaymentBook = new PaymentBook();
  opCounter: u64 = 0; // last operator authorization counter (signer/operator.ts)
  // Persistence (signer/persist.ts): records changed since the host's last ack.
  stateVersion: u64 = 0;
  recordVersions: Map<string, u64> = new Map();
  dirty: Set<string> = new Set();
  changed: bool = false; // set during a request that changed state

  /** Record `key` as changed by the current request. */
  touch(key: string): void {
    if (!this.changed) { this.changed = true; this.stateVersion++; }
    this.recordVersions.set(key, this.stateVersion);
    this.dirty.add(key);
  }

  initialized(): bool { return this.keys !== null; }

  /** Serialises every field that policy or signing depends on, then hashes it. */
  digest(): Uint8Array {
    const w = new Writer(128);
    w.u8(this.initialized() ? 1 : 0).u8(this.network).u8(this.scheme);
    if (this.keys !== null) w.bytes(this.keys!.nodeId);
    this.limits.write(w);
    w.u64(this.opCounter);
    this.policy.cfg.encode(w);
    const ids = this.channels.keys().sort();
    w.u32(ids.length);
    for (let i = 0; i < ids.length; i++) this.channels.get(ids[i]).write(w);
    const gone = this.forgotten.values().sort();
    w.u32(gone.length);
    for (let i = 0; i < gone.length; i++) w.varbytes(Uint8Array.wrap(String.UTF8.encode(gone[i])));
    w.u8(this.chain !== null ? 1 : 0);
    if (this.chain !== null) this.chain!.write(w);
    this.payments.write(w);
    return sha256(w.finish());
  }
}

export const SIGNER = new Signer();
