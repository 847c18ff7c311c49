// A filter-header oracle (policy-chain-oracle-proof): an independent party
// that follows the chain itself and signs, per block, the BIP157 filter header
// it computed. The signer counts a filter only when `oracle_quorum` configured
// oracles attest the header the filter chains to (assembly/chain/watch.ts):
// message = tagged_hash("vigil/filter-header", block_hash ‖ filter_header), BIP340.
import { schnorr } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import type { FilterSource } from "./sources.js";

export interface FilterOracle {
  /** Position of this oracle's key in the signer's policy `oracles` list. */
  readonly index: number;
  /** The oracle's signature over the block's filter header as it knows it. */
  attest(blockHash: Uint8Array): Promise<Uint8Array>;
}

const TAG = sha256(new TextEncoder().encode("vigil/filter-header"));

export function attestationDigest(blockHash: Uint8Array, filterHeader: Uint8Array): Uint8Array {
  return sha256(Uint8Array.from([...TAG, ...TAG, ...blockHash, ...filterHeader]));
}

/** An oracle holding a key and reading filter headers from its own source. */
export class KeyOracle implements FilterOracle {
  readonly publicKey: Uint8Array; // x-only, for the signer's policy
  private cache = new Map<string, Uint8Array>();
  constructor(readonly index: number, private readonly secret: Uint8Array, private readonly source: FilterSource) {
    this.publicKey = schnorr.getPublicKey(secret);
  }

  async attest(blockHash: Uint8Array): Promise<Uint8Array> {
    const k = Buffer.from(blockHash).toString("hex");
    let sig = this.cache.get(k);
    if (!sig) {
      const { header } = await this.source.filter(blockHash);
      sig = schnorr.sign(attestationDigest(blockHash, header), this.secret, new Uint8Array(32));
      this.cache.set(k, sig);
    }
    return sig;
  }
}
