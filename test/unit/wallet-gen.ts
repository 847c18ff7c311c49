// Random wallet data for the differential tests and the PSBT fuzzer: keys,
// scripts, and PSBTs built with @scure/btc-signer (an independent BIP174
// implementation), from a seeded PRNG so a failure is reproducible.
import * as btc from "@scure/btc-signer";
import { secp256k1, schnorr } from "@noble/curves/secp256k1.js";

export function rng(seed: number) {
  let x = seed >>> 0 || 1;
  const next = () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
  return {
    u32: next,
    int: (n: number) => next() % n,
    bytes: (n: number) => { const b = new Uint8Array(n); for (let i = 0; i < n; i++) b[i] = next() & 0xff; return b; },
    pick: <T>(a: readonly T[]): T => a[next() % a.length],
    bool: () => (next() & 1) === 1,
  };
}
export type Rng = ReturnType<typeof rng>;

/** A pool of valid keys (secret, compressed pub, x-only) so PSBTs carry real points. */
export function keyPool(r: Rng, n: number) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const sec = secp256k1.utils.randomSecretKey(r.bytes(48));
    const pub = secp256k1.getPublicKey(sec, true);
    out.push({ sec, pub, x: pub.slice(1) });
  }
  return out;
}
export type Key = ReturnType<typeof keyPool>[number];

const H = 0x80000000;
export const randPath = (r: Rng) => Array.from({ length: r.int(6) }, () => (r.bool() ? (r.u32() | H) >>> 0 : r.u32() & 0x7fffffff));

/** A previous transaction paying `script` at output `vout`. */
function prevTx(r: Rng, vout: number, script: Uint8Array, amount: bigint) {
  const outs = Array.from({ length: vout + 1 + r.int(2) }, (_, i) => ({ amount: i === vout ? amount : BigInt(r.u32()), script: i === vout ? script : r.bytes(22).fill(0, 0, 1).fill(20, 1, 2) }));
  return btc.RawTx.encode({ version: 2, segwitFlag: false, inputs: [{ txid: r.bytes(32), index: r.u32(), finalScriptSig: new Uint8Array(0), sequence: 0xffffffff }], outputs: outs, witnesses: [], lockTime: 0 });
}

/** A random standard output script over pool keys. */
export function randScript(r: Rng, keys: Key[]) {
  const k = r.pick(keys);
  switch (r.int(5)) {
    case 0: return btc.p2wpkh(k.pub).script;
    case 1: return btc.p2tr(k.x).script;
    case 2: return btc.p2sh(btc.p2wpkh(k.pub)).script;
    case 3: return btc.p2wsh(btc.p2ms(1, [k.pub])).script;
    default: return btc.p2pkh(k.pub).script;
  }
}

/** A random PSBT v0 with inputs/outputs carrying the BIP174/BIP371 fields and unknown records. */
export function randPsbt(r: Rng, keys: Key[]): Uint8Array {
  const tx = new btc.Transaction({ version: r.pick([1, 2]), lockTime: r.bool() ? 0 : r.u32() >>> 4, allowUnknownOutputs: true, allowUnknownInputs: true, disableScriptCheck: true, unknown: "ignore", proprietary: "ignore", allowLegacyWitnessUtxo: true });
  const nIn = r.int(4) + (r.int(10) === 0 ? 0 : 1);
  const signed: any[] = []; // signature fields go in last: scure refuses inputs after a signed one
  for (let i = 0; i < nIn; i++) {
    const k = r.pick(keys);
    const amount = BigInt(r.u32()) * BigInt(1 + r.int(1000));
    const kind = r.int(4);
    const script = kind === 0 ? btc.p2wpkh(k.pub).script : kind === 1 ? btc.p2tr(k.x).script : kind === 2 ? btc.p2sh(btc.p2wpkh(k.pub)).script : btc.p2wsh(btc.p2ms(1, [k.pub])).script;
    const inp: any = { txid: r.bytes(32), index: r.int(3), sequence: r.pick([0xffffffff, 0xfffffffd, r.u32()]) };
    if (r.int(4) === 0) {
      const raw = prevTx(r, inp.index, script, amount);
      inp.nonWitnessUtxo = raw;
      inp.txid = btc.Transaction.fromRaw(raw, { allowUnknownOutputs: true }).id;
    }
    if (!inp.nonWitnessUtxo || r.bool()) inp.witnessUtxo = { script, amount };
    if (kind === 2) inp.redeemScript = btc.p2wpkh(k.pub).script;
    if (kind === 3) inp.witnessScript = btc.p2ms(1, [k.pub]).script;
    if (kind === 1) {
      inp.tapInternalKey = k.x;
      if (r.bool()) inp.tapBip32Derivation = [[k.x, { hashes: r.bool() ? [] : [r.bytes(32)], der: { fingerprint: r.u32(), path: randPath(r) } }]];
      if (r.int(3) === 0) inp.tapMerkleRoot = r.bytes(32);
    } else if (r.bool()) inp.bip32Derivation = [[k.pub, { fingerprint: r.u32(), path: randPath(r) }]];
    if (r.int(3) === 0) inp.sighashType = r.pick([1, 2, 3, 0x81]);
    if (r.int(4) === 0) inp.unknown = [[{ type: 0x40 + r.int(0x80), key: r.bytes(r.int(5)) }, r.bytes(r.int(40))]];
    const late: any = {};
    if (r.int(5) === 0) late.partialSig = [[k.pub, Uint8Array.from([0x30, ...r.bytes(68), 1])]];
    if (r.int(6) === 0 && kind === 1) late.tapKeySig = r.bytes(r.pick([64, 65]));
    if (r.int(6) === 0) late.finalScriptWitness = Array.from({ length: 1 + r.int(3) }, () => r.bytes(r.int(80)));
    signed.push(late);
    if (r.int(6) === 0) inp.proprietary = [[Uint8Array.from([3, 0x76, 0x69, 0x67, r.int(10), ...r.bytes(r.int(4))]), r.bytes(r.int(20))]];
    tx.addInput(inp);
  }
  const nOut = r.int(4);
  for (let i = 0; i < nOut; i++) {
    const k = r.pick(keys);
    const out: any = { script: randScript(r, keys), amount: BigInt(r.u32()) };
    if (r.bool()) out.bip32Derivation = [[k.pub, { fingerprint: r.u32(), path: randPath(r) }]];
    if (r.int(3) === 0) { out.tapInternalKey = k.x; out.tapBip32Derivation = [[k.x, { hashes: [], der: { fingerprint: r.u32(), path: randPath(r) } }]]; }
    if (r.int(6) === 0) out.proprietary = [[Uint8Array.from([3, 0x76, 0x69, 0x67, r.int(10)]), r.bytes(r.int(20))]];
    if (r.int(4) === 0) out.unknown = [[{ type: 0x40 + r.int(0x80), key: r.bytes(r.int(5)) }, r.bytes(r.int(40))]];
    tx.addOutput(out);
  }
  signed.forEach((f, i) => { if (Object.keys(f).length) tx.updateInput(i, f, true); });
  return tx.toPSBT(0);
}

export { btc, secp256k1, schnorr };
