// BOLT 3 "Efficient Per-commitment Secret Storage": the receiver keeps at most
// 49 secrets and can derive every earlier one; each new secret must derive the
// ones it can (else the sender cheated and the secret is refused).
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { MAX_INDEX, deriveSecret } from "./keys";

const SLOTS: i32 = 49;

/** Number of trailing zero bits of `index` (48 for 0): the slot it is stored in. */
function slotOf(index: u64): i32 {
  for (let b = 0; b < 48; b++) if ((index >> <u64>b) & 1) return b;
  return 48;
}

export class Shachain {
  indexes: u64[] = new Array<u64>(SLOTS);
  secrets: Uint8Array[] = new Array<Uint8Array>(SLOTS);
  known: u64 = 0; // bitmap of filled slots

  constructor() { for (let i = 0; i < SLOTS; i++) this.secrets[i] = new Uint8Array(32); }

  /** insert_secret: false (storage unchanged) if `secret` does not derive the stored ones below its slot. */
  insert(index: u64, secret: Uint8Array): bool {
    if (index > MAX_INDEX || secret.length != 32) return false;
    const b = slotOf(index);
    for (let i = 0; i < b; i++) {
      if (!((this.known >> <u64>i) & 1)) continue;
      const d = deriveSecret(secret, b, this.indexes[i]);
      for (let k = 0; k < 32; k++) if (d[k] != this.secrets[i][k]) return false;
    }
    this.indexes[b] = index;
    this.secrets[b] = secret.slice();
    this.known |= <u64>1 << <u64>b;
    return true;
  }

  /** derive_old_secret: the secret for `index`, or null if it cannot be derived from what is stored. */
  lookup(index: u64): Uint8Array | null {
    for (let i = 0; i < SLOTS; i++) {
      if (!((this.known >> <u64>i) & 1)) continue;
      const mask: u64 = ~((<u64>1 << <u64>i) - 1);
      if ((index & mask) == this.indexes[i]) return deriveSecret(this.secrets[i], i, index);
    }
    return null;
  }

  write(w: Writer): void {
    w.u64(this.known);
    for (let i = 0; i < SLOTS; i++) if ((this.known >> <u64>i) & 1) w.u64(this.indexes[i]).bytes(this.secrets[i]);
  }

  static read(r: Reader): Shachain | null {
    const s = new Shachain();
    s.known = r.u64();
    if (s.known >> <u64>SLOTS) { r.fail("shachain slots"); return null; }
    for (let i = 0; i < SLOTS && r.ok(); i++) {
      if ((s.known >> <u64>i) & 1) { s.indexes[i] = r.u64(); s.secrets[i] = r.bytes(32); }
    }
    return r.ok() ? s : null;
  }
}
