// Bitcoin transactions: the legacy serialization and the segwit one (BIP144:
// marker 0x00, flag 0x01, witnesses after the outputs), txid / wtxid (BIP141)
// and weight. Parsing is strict, as Bitcoin Core's: minimal CompactSize,
// counts bounded by the bytes left, a segwit flag only with some witness,
// no trailing bytes.
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { sha256d } from "../crypto";

export const WITNESS_SCALE: u32 = 4;

export class TxIn {
  witness: Uint8Array[] = [];
  constructor(public prevTxid: Uint8Array, public vout: u32, public scriptSig: Uint8Array, public sequence: u32) {}
}

export class TxOut {
  constructor(public value: u64, public script: Uint8Array) {}
}

export class Tx {
  inputs: TxIn[] = [];
  outputs: TxOut[] = [];
  constructor(public version: u32 = 2, public locktime: u32 = 0) {}

  hasWitness(): bool {
    for (let i = 0; i < this.inputs.length; i++) if (this.inputs[i].witness.length > 0) return true;
    return false;
  }

  write(w: Writer, withWitness: bool): void {
    const segwit = withWitness && this.hasWitness();
    w.u32le(this.version);
    if (segwit) w.u8(0).u8(1);
    w.compactSize(<u64>this.inputs.length);
    for (let i = 0; i < this.inputs.length; i++) {
      const x = this.inputs[i];
      w.bytes(x.prevTxid).u32le(x.vout).varslice(x.scriptSig).u32le(x.sequence);
    }
    w.compactSize(<u64>this.outputs.length);
    for (let i = 0; i < this.outputs.length; i++) w.u64le(this.outputs[i].value).varslice(this.outputs[i].script);
    if (segwit) {
      for (let i = 0; i < this.inputs.length; i++) {
        const wit = this.inputs[i].witness;
        w.compactSize(<u64>wit.length);
        for (let k = 0; k < wit.length; k++) w.varslice(wit[k]);
      }
    }
    w.u32le(this.locktime);
  }

  serialize(withWitness: bool = true): Uint8Array {
    const w = new Writer(64 + 48 * this.inputs.length + 40 * this.outputs.length);
    this.write(w, withWitness);
    return w.finish();
  }

  /** txid in internal byte order (the hash as it appears in outpoints). */
  txid(): Uint8Array { return sha256d(this.serialize(false)); }
  wtxid(): Uint8Array { return sha256d(this.serialize(true)); }

  /** BIP141 weight: stripped size × 3 + total size. */
  weight(): u32 {
    const base = <u32>this.serialize(false).length;
    const total = <u32>this.serialize(true).length;
    return base * (WITNESS_SCALE - 1) + total;
  }

  vsize(): u32 { return (this.weight() + WITNESS_SCALE - 1) / WITNESS_SCALE; }
}

/** A count read from `r` that cannot exceed what `minEach`-byte items in the remaining bytes allow. */
function count(r: Reader, minEach: i32, what: string): i32 {
  const n = r.compactSize();
  if (!r.ok()) return 0;
  if (n > <u64>(r.remaining() / minEach)) { r.fail(what + " count larger than the data"); return 0; }
  return <i32>n;
}

function script(r: Reader): Uint8Array {
  const n = r.compactSize();
  if (!r.ok()) return new Uint8Array(0);
  if (n > <u64>r.remaining()) { r.fail("script longer than the data"); return new Uint8Array(0); }
  return r.bytes(<i32>n);
}

/**
 * Parse one transaction at the reader's position (a block holds several).
 * Returns null with r.err set on malformed data.
 */
export function readTx(r: Reader): Tx | null {
  const tx = new Tx(r.u32le());
  let segwit = false;
  // BIP144: a zero input count followed by flag 0x01 marks the extended format.
  if (r.ok() && r.remaining() >= 2 && r.buf[r.pos] == 0) {
    if (r.buf[r.pos + 1] != 1) { r.fail("unknown segwit flag"); return null; }
    r.skip(2);
    segwit = true;
  }
  const nIn = count(r, 41, "input");
  for (let i = 0; i < nIn && r.ok(); i++) {
    const prev = r.bytes(32);
    const vout = r.u32le();
    const sig = script(r);
    tx.inputs.push(new TxIn(prev, vout, sig, r.u32le()));
  }
  if (r.ok() && nIn == 0) { r.fail("no inputs"); return null; }
  const nOut = count(r, 9, "output");
  for (let i = 0; i < nOut && r.ok(); i++) {
    const value = r.u64le();
    tx.outputs.push(new TxOut(value, script(r)));
  }
  if (segwit) {
    for (let i = 0; i < nIn && r.ok(); i++) {
      const n = count(r, 1, "witness item");
      const items = new Array<Uint8Array>();
      for (let k = 0; k < n && r.ok(); k++) items.push(script(r));
      tx.inputs[i].witness = items;
    }
    if (r.ok() && !tx.hasWitness()) { r.fail("segwit flag without witness data"); return null; }
  }
  tx.locktime = r.u32le();
  return r.ok() ? tx : null;
}

/** Parse exactly one transaction: no trailing bytes. */
export function parseTx(raw: Uint8Array, r: Reader = new Reader(raw)): Tx | null {
  const tx = readTx(r);
  if (tx === null || !r.finish()) return null;
  return tx;
}
