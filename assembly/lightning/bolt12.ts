// BOLT 12 §Signature Calculation: the Merkle root of a TLV stream, and the
// BIP340 signature over H("lightning" ‖ messagename ‖ fieldname, root).
//   leaf  = H("LnLeaf", tlv)
//   nonce = H("LnNonce" ‖ first-tlv, type bytes)
//   inner = H("LnBranch", lesser ‖ greater)
// Each leaf is paired with its nonce; pairs then combine left to right, an odd
// node moving up unchanged, so the deepest subtree is on the lowest types.
// Signature TLVs (types 240..1000) are not leaves.
import { Reader } from "../codec/reader";
import { Sha256, sha256, schnorrSign } from "../crypto";

function tagHash(tag: Uint8Array): Uint8Array { return sha256(tag); }

function tagged(t: Uint8Array, a: Uint8Array, b: Uint8Array | null = null): Uint8Array {
  const h = new Sha256().update(t).update(t).update(a);
  if (b !== null) h.update(b);
  return h.digest();
}

function lessThan(a: Uint8Array, b: Uint8Array): bool {
  for (let i = 0; i < 32; i++) if (a[i] != b[i]) return a[i] < b[i];
  return false;
}

function branch(tBranch: Uint8Array, a: Uint8Array, b: Uint8Array): Uint8Array {
  return lessThan(a, b) ? tagged(tBranch, a, b) : tagged(tBranch, b, a);
}

function ascii(s: string): Uint8Array { return Uint8Array.wrap(String.UTF8.encode(s)); }

export function isSignatureType(t: u64): bool { return t >= 240 && t <= 1000; }

/** Merkle root of a well-formed TLV stream (strictly increasing types); null with r.err on malformed input or no leaves. */
export function merkleRoot(r: Reader): Uint8Array | null {
  const buf = r.buf;
  const tLeaf = tagHash(ascii("LnLeaf"));
  const tBranch = tagHash(ascii("LnBranch"));
  let tNonce: Uint8Array | null = null;
  const level = new Array<Uint8Array>();
  let first = true;
  let last: u64 = 0;
  while (r.ok() && r.remaining() > 0) {
    const start = r.pos;
    const t = r.bigsize();
    const typeEnd = r.pos;
    const len = r.bigsize();
    if (!r.ok()) return null;
    if (!first && t <= last) { r.fail("tlv types not increasing"); return null; }
    if (len > <u64>r.remaining()) { r.fail("tlv length past end"); return null; }
    r.skip(<i32>len);
    const tlv = buf.subarray(start, r.pos);
    if (first) {
      // The nonce tag is "LnNonce" ‖ the first TLV record, whole.
      const tag = new Uint8Array(7 + tlv.length);
      tag.set(ascii("LnNonce"), 0);
      tag.set(tlv, 7);
      tNonce = tagHash(tag);
    }
    first = false;
    last = t;
    if (isSignatureType(t)) continue;
    const leaf = tagged(tLeaf, tlv);
    const nonce = tagged(tNonce!, buf.subarray(start, typeEnd));
    level.push(branch(tBranch, leaf, nonce));
  }
  if (!r.ok()) return null;
  if (level.length == 0) { r.fail("no tlv records"); return null; }
  let nodes = level;
  while (nodes.length > 1) {
    const next = new Array<Uint8Array>();
    for (let i = 0; i < nodes.length; i += 2) {
      next.push(i + 1 < nodes.length ? branch(tBranch, nodes[i], nodes[i + 1]) : nodes[i]);
    }
    nodes = next;
  }
  return nodes[0];
}

/** H("lightning" ‖ messagename ‖ fieldname, root): the 32-byte message BIP340 signs. */
export function signatureDigest(messageName: string, fieldName: string, root: Uint8Array): Uint8Array {
  return tagged(tagHash(ascii("lightning" + messageName + fieldName)), root);
}

export function signBolt12(sec: Uint8Array, messageName: string, fieldName: string, root: Uint8Array, aux: Uint8Array): Uint8Array | null {
  return schnorrSign(sec, signatureDigest(messageName, fieldName, root), aux);
}
