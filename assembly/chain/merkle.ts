// Block merkle trees (BIP-less consensus rule: double-SHA256 of concatenated
// child hashes, the last hash of an odd level paired with itself). A block is
// streamed to the signer transaction by transaction, so the root is computed
// incrementally with one hash per level (O(log n) memory), and a level that
// pairs two equal hashes outside the padding rule marks the block mutated
// (CVE-2012-2459, as bitcoin/src/consensus/merkle.cpp rejects).
import { sha256d } from "../crypto";
import { bytesEqual } from "../codec/bytes";

const MAX_LEVELS: i32 = 32;

function pair(a: Uint8Array, b: Uint8Array): Uint8Array {
  const x = new Uint8Array(64);
  x.set(a, 0);
  x.set(b, 32);
  return sha256d(x);
}

export class MerkleAccumulator {
  inner: Array<Uint8Array> = new Array<Uint8Array>(MAX_LEVELS);
  count: u32 = 0;
  mutated: bool = false;

  constructor() { for (let i = 0; i < MAX_LEVELS; i++) this.inner[i] = new Uint8Array(32); }

  add(leaf: Uint8Array): void {
    let h = leaf;
    let level = 0;
    while (this.count & (<u32>1 << level)) {
      if (bytesEqual(this.inner[level], h)) this.mutated = true;
      h = pair(this.inner[level], h);
      level++;
    }
    this.inner[level] = h;
    this.count++;
  }

  /** The root; null for an empty tree. */
  root(): Uint8Array | null {
    if (this.count == 0) return null;
    let level = 0;
    while (!(this.count & (<u32>1 << level))) level++;
    let h = this.inner[level];
    let count = this.count;
    while (count != <u32>1 << level) {
      h = pair(h, h); // an odd level pairs its last hash with itself
      count += <u32>1 << level;
      level++;
      while (!(count & (<u32>1 << level))) {
        h = pair(this.inner[level], h);
        level++;
      }
    }
    return h;
  }
}

/**
 * Does `branch` (sibling hashes, leaf level first) lead from `leaf` at
 * position `index` to `root`? The index must be fully used by the branch.
 */
export function verifyBranch(leaf: Uint8Array, index: u32, branch: Uint8Array[], root: Uint8Array): bool {
  if (branch.length > MAX_LEVELS || (branch.length < 32 && (index >> <u32>branch.length) != 0)) return false;
  let h = leaf;
  for (let i = 0; i < branch.length; i++) {
    h = (index >> <u32>i) & 1 ? pair(branch[i], h) : pair(h, branch[i]);
  }
  return bytesEqual(h, root);
}
