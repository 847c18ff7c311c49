// BIP341 key tweaking and script trees, BIP86 key-path-only outputs.
import { Writer } from "../codec/writer";
import { keypairXonlyTweakAdd, pubkeyCreate, schnorrSign, taggedHash, xonlyTweakAdd } from "../crypto";

export const LEAF_VERSION_TAPSCRIPT: u8 = 0xc0;

/** tagged_hash("TapLeaf", leaf_version || compact_size(script) || script). */
export function tapLeafHash(leafVersion: u8, script: Uint8Array): Uint8Array {
  const w = new Writer(script.length + 10);
  w.u8(leafVersion).varslice(script);
  return taggedHash("TapLeaf", w.finish());
}

/** tagged_hash("TapBranch", sorted(a, b)). */
export function tapBranchHash(a: Uint8Array, b: Uint8Array): Uint8Array {
  let aFirst = true;
  for (let i = 0; i < 32; i++) if (a[i] != b[i]) { aFirst = a[i] < b[i]; break; }
  const m = new Uint8Array(64);
  m.set(aFirst ? a : b, 0);
  m.set(aFirst ? b : a, 32);
  return taggedHash("TapBranch", m);
}

/** t = tagged_hash("TapTweak", P || merkle_root), the root omitted for a key-path-only output (BIP86). */
export function tapTweak(internalKey: Uint8Array, merkleRoot: Uint8Array | null): Uint8Array {
  const m = new Uint8Array(merkleRoot === null ? 32 : 64);
  m.set(internalKey, 0);
  if (merkleRoot !== null) m.set(merkleRoot!, 32);
  return taggedHash("TapTweak", m);
}

/** Output key Q as parity || x (33 bytes); null if the tweak is invalid. */
export function outputKey(internalKey: Uint8Array, merkleRoot: Uint8Array | null): Uint8Array | null {
  return xonlyTweakAdd(internalKey, tapTweak(internalKey, merkleRoot));
}

/** The x-only internal key of a secret. */
export function xonlyOf(sec: Uint8Array): Uint8Array | null {
  const p = pubkeyCreate(sec);
  return p === null ? null : p!.slice(1);
}

/** BIP341 key-path signature of `sighash` with the tweaked secret. */
export function signKeyPath(sec: Uint8Array, merkleRoot: Uint8Array | null, sighash: Uint8Array, aux: Uint8Array): Uint8Array | null {
  const p = xonlyOf(sec);
  if (p === null) return null;
  const tweaked = keypairXonlyTweakAdd(sec, tapTweak(p!, merkleRoot));
  if (tweaked === null) return null;
  return schnorrSign(tweaked!, sighash, aux);
}
