// BIP32 hierarchical deterministic keys: master generation and child derivation.
// https://github.com/bitcoin/bips/blob/master/bip-0032.mediawiki
import { hmacSha512, pubkeyCreate, pubkeyTweakAdd, seckeyTweakAdd, hash160 } from "../crypto";

export const HARDENED: u32 = 0x80000000;

export class ExtendedKey {
  constructor(
    public depth: u8,
    public parentFingerprint: u32,
    public childNumber: u32,
    public chainCode: Uint8Array, // 32
    public secret: Uint8Array | null, // 32, null for a public-only key
    public pubkey: Uint8Array, // 33 compressed
  ) {}

  isPrivate(): bool { return this.secret !== null; }

  /** First 4 bytes of HASH160(pubkey), big-endian. */
  fingerprint(): u32 {
    const h = hash160(this.pubkey);
    return (<u32>h[0] << 24) | (<u32>h[1] << 16) | (<u32>h[2] << 8) | <u32>h[3];
  }

  /** The public-only view of this key. */
  neuter(): ExtendedKey {
    return new ExtendedKey(this.depth, this.parentFingerprint, this.childNumber, this.chainCode, null, this.pubkey);
  }

  /**
   * CKDpriv / CKDpub. Returns null when the child is invalid (IL >= n or the
   * result is zero/infinity: BIP32 says to proceed with the next index), when
   * a hardened child of a public key is asked for, or at depth 255.
   */
  derive(index: u32): ExtendedKey | null {
    if (this.depth == 255) return null;
    const data = new Uint8Array(37);
    if (index >= HARDENED) {
      if (this.secret === null) return null;
      data[0] = 0;
      data.set(this.secret!, 1);
    } else {
      data.set(this.pubkey, 0);
    }
    data[33] = <u8>(index >> 24);
    data[34] = <u8>(index >> 16);
    data[35] = <u8>(index >> 8);
    data[36] = <u8>index;
    const I = hmacSha512(this.chainCode, data);
    const IL = I.slice(0, 32);
    const IR = I.slice(32, 64);
    const fp = this.fingerprint();
    if (this.secret !== null) {
      const k = seckeyTweakAdd(this.secret!, IL);
      if (k === null) return null;
      const pub = pubkeyCreate(k);
      if (pub === null) return null;
      return new ExtendedKey(this.depth + 1, fp, index, IR, k, pub);
    }
    const K = pubkeyTweakAdd(this.pubkey, IL);
    if (K === null) return null;
    return new ExtendedKey(this.depth + 1, fp, index, IR, null, K);
  }

  /** Derive along a path of child numbers; null if any step is invalid. */
  derivePath(path: u32[]): ExtendedKey | null {
    let k: ExtendedKey | null = this;
    for (let i = 0; i < path.length && k !== null; i++) k = k.derive(path[i]);
    return k;
  }
}

/** Master key from a seed of 16 to 64 bytes; null if IL is not a valid secret. */
export function masterFromSeed(seed: Uint8Array): ExtendedKey | null {
  if (seed.length < 16 || seed.length > 64) return null;
  const I = hmacSha512(Uint8Array.wrap(String.UTF8.encode("Bitcoin seed")), seed);
  const IL = I.slice(0, 32);
  const pub = pubkeyCreate(IL);
  if (pub === null) return null;
  return new ExtendedKey(0, 0, 0, I.slice(32, 64), IL, pub);
}
