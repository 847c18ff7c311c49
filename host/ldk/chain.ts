// A synthetic regtest-like chain in memory: UTXO set, mempool with full input
// validation (scripts, signatures, nLockTime, BIP68 relative locks), blocks
// with real headers/merkle roots, and listeners (LDK nodes) told of each block.
import * as btc from "@scure/btc-signer";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { blockHeader, dsha, eqBytes, hex, makeTx, merkleRoot, parseTx, rev, type Tx, type TxOut } from "./tx.js";
import { btcTx, verifyInput } from "./verify.js";

export interface Block { height: number; hash: Uint8Array; header: Uint8Array; txs: Tx[] }
export interface Utxo extends TxOut { txid: Uint8Array; vout: number; height: number; coinbase: boolean }
export interface BroadcastRecord { txid: string; from: string; status: "accepted" | "duplicate" | "invalid" | "conflict" | "pending"; error?: string; inputs: number }
export type BlockListener = (b: Block) => void;

const key = (txid: Uint8Array, vout: number) => `${hex(txid)}:${vout}`;
export const COINBASE_MATURITY = 100;

export class Chain {
  blocks: Block[] = [];
  utxos = new Map<string, Utxo>();
  txHeight = new Map<string, number>();
  mempool: Tx[] = [];
  /** Not yet final (locktime/CSV) or missing parents: retried each block. */
  waiting: { tx: Tx; from: string }[] = [];
  broadcasts: BroadcastRecord[] = [];
  invalid: BroadcastRecord[] = [];
  listeners: BlockListener[] = [];
  /** Inputs whose witness was verified when their tx entered a block, by prevout type. */
  verifiedInputs = { p2wpkh: 0, p2wsh: 0 };
  private time = 1_700_000_000;
  get tipTime() { return this.time; }
  private minerScript: Uint8Array = Uint8Array.from([0x6a]); // OP_RETURN: burned subsidy by default

  constructor() { this.mine(1); }

  get height() { return this.blocks.length - 1; }
  get tip() { return this.blocks[this.blocks.length - 1]; }

  /** Look up an output in the UTXO set or among unspent mempool outputs. */
  private prevout(txid: Uint8Array, vout: number, pool: Tx[]): (Utxo & { inMempool?: boolean }) | undefined {
    const u = this.utxos.get(key(txid, vout));
    if (u) return u;
    const t = pool.find((m) => eqBytes(m.txid, txid));
    if (t && t.outputs[vout]) return { ...t.outputs[vout], txid, vout, height: -1, coinbase: false, inMempool: true };
    return undefined;
  }

  private spentInPool(txid: Uint8Array, vout: number, pool: Tx[]): Tx | undefined {
    return pool.find((m) => m.inputs.some((i) => eqBytes(i.txid, txid) && i.vout === vout));
  }

  /** Full check of `tx` for inclusion in block `height` given the pool. Returns an error string or null; "wait:" prefix means retry later. */
  check(tx: Tx, height: number, pool: Tx[]): string | null {
    if (tx.inputs.length === 0 || tx.outputs.length === 0) return "empty inputs or outputs";
    const btx = btcTx(tx.raw);
    let inSum = 0n;
    const lastKinds: string[] = [];
    this.lastKinds = lastKinds;
    const allFinal = tx.inputs.every((i) => i.sequence === 0xffffffff);
    if (!allFinal && tx.locktime !== 0) {
      if (tx.locktime >= 500_000_000) {
        // time-based (e.g. BOLT 3 commitments' obscured number 0x20......): final once past the tip's time
        if (tx.locktime >= this.tipTime) return `wait: time lock ${tx.locktime} >= ${this.tipTime}`;
      } else if (tx.locktime >= height) return `wait: nLockTime ${tx.locktime} not final at height ${height}`;
    }
    for (let i = 0; i < tx.inputs.length; i++) {
      const inp = tx.inputs[i];
      const p = this.prevout(inp.txid, inp.vout, pool);
      if (!p) {
        if (this.txHeight.has(hex(inp.txid))) return `conflict: input ${i} already spent`;
        return `wait: missing parent ${hex(rev(inp.txid))}:${inp.vout}`;
      }
      const other = this.spentInPool(inp.txid, inp.vout, pool);
      if (other && !eqBytes(other.txid, tx.txid)) return `conflict: input ${i} spent in mempool by ${hex(rev(other.txid))}`;
      if (p.coinbase && height - p.height < COINBASE_MATURITY) return `wait: immature coinbase`;
      if (tx.version >= 2 && !(inp.sequence & 0x80000000)) {
        if (inp.sequence & 0x400000) return "time-based relative locktime not supported";
        const need = inp.sequence & 0xffff;
        const age = p.inMempool ? 0 : height - p.height;
        if (age < need) return `wait: BIP68 input ${i} age ${age} < ${need}`;
      }
      try { lastKinds.push(verifyInput(tx, btx, i, p)); } catch (e) { return `input ${i}: ${(e as Error).message}`; }
      inSum += p.amount;
    }
    const outSum = tx.outputs.reduce((s, o) => s + o.amount, 0n);
    if (outSum > inSum) return `outputs ${outSum} exceed inputs ${inSum}`;
    for (const o of tx.outputs) if (o.amount < 294n && o.script[0] !== 0x6a) return `dust output ${o.amount}`;
    return null;
  }

  private lastKinds: string[] = [];

  fee(tx: Tx): bigint {
    let inSum = 0n;
    for (const i of tx.inputs) { const p = this.findOutput(i.txid, i.vout); if (p) inSum += p.amount; }
    return inSum - tx.outputs.reduce((s, o) => s + o.amount, 0n);
  }

  private allTx = new Map<string, Tx>();
  findOutput(txid: Uint8Array, vout: number): TxOut | undefined { return this.allTx.get(hex(txid))?.outputs[vout]; }
  getTx(txid: Uint8Array) { return this.allTx.get(hex(txid)); }

  /** What a node's BroadcasterInterface calls. Never throws. */
  broadcast(raw: Uint8Array, from: string): BroadcastRecord {
    let tx: Tx;
    try { tx = parseTx(raw); } catch (e) {
      const r: BroadcastRecord = { txid: "?", from, status: "invalid", error: `parse: ${(e as Error).message}`, inputs: 0 };
      this.broadcasts.push(r); this.invalid.push(r); return r;
    }
    const id = hex(rev(tx.txid));
    const known = this.txHeight.has(hex(tx.txid)) || this.mempool.some((m) => eqBytes(m.txid, tx.txid)) || this.waiting.some((w) => eqBytes(w.tx.txid, tx.txid));
    if (known) { const r: BroadcastRecord = { txid: id, from, status: "duplicate", inputs: tx.inputs.length }; this.broadcasts.push(r); return r; }
    this.allTx.set(hex(tx.txid), tx);
    const err = this.check(tx, this.height + 1, this.mempool);
    let r: BroadcastRecord;
    if (err === null) { this.mempool.push(tx); r = { txid: id, from, status: "accepted", inputs: tx.inputs.length }; }
    else if (err.startsWith("wait:")) { this.waiting.push({ tx, from }); r = { txid: id, from, status: "pending", error: err, inputs: tx.inputs.length }; }
    else if (err.startsWith("conflict:")) r = { txid: id, from, status: "conflict", error: err, inputs: tx.inputs.length };
    else { r = { txid: id, from, status: "invalid", error: err, inputs: tx.inputs.length }; this.invalid.push(r); }
    this.broadcasts.push(r);
    return r;
  }

  setMiner(script: Uint8Array) { this.minerScript = script; }

  /** Mine `n` blocks (mempool first), notifying listeners after each. Returns the blocks. */
  mine(n = 1, coinbaseTo?: { script: Uint8Array; amount: bigint }[]): Block[] {
    const out: Block[] = [];
    for (let k = 0; k < n; k++) {
      const height = this.blocks.length;
      // retry waiting txs
      const still: { tx: Tx; from: string }[] = [];
      for (const w of this.waiting) {
        const err = this.check(w.tx, height, this.mempool);
        if (err === null) this.mempool.push(w.tx);
        else if (err.startsWith("wait:")) still.push(w);
        else if (!err.startsWith("conflict:")) { const r: BroadcastRecord = { txid: hex(rev(w.tx.txid)), from: w.from, status: "invalid", error: err, inputs: w.tx.inputs.length }; this.invalid.push(r); this.broadcasts.push(r); }
      }
      this.waiting = still;
      // include mempool txs in order, rechecking against the block being built
      const included: Tx[] = [];
      for (const t of this.mempool) {
        const err = this.check(t, height, included);
        if (err === null) { included.push(t); for (const k of this.lastKinds) this.verifiedInputs[k as "p2wsh"]++; }
        else if (err.startsWith("wait:")) this.waiting.push({ tx: t, from: "mempool" });
        // conflicts are dropped silently (first-seen wins)
      }
      this.mempool = [];
      const outs = coinbaseTo && k === 0 ? coinbaseTo : [{ script: this.minerScript, amount: 0n }];
      const coinbase = makeTx({
        version: 2, locktime: 0,
        inputs: [{ txid: new Uint8Array(32), vout: 0xffffffff, scriptSig: Uint8Array.of(3, height & 0xff, (height >> 8) & 0xff, (height >> 16) & 0xff, 0x51), sequence: 0xffffffff, witness: [] }],
        outputs: outs.map((o) => ({ script: o.script, amount: o.amount })),
      });
      const txs = [coinbase, ...included];
      const prev = height === 0 ? new Uint8Array(32) : this.tip.hash;
      const header = blockHeader(prev, merkleRoot(txs.map((t) => t.txid)), this.time += 600);
      const block: Block = { height, hash: dsha(header), header, txs };
      this.blocks.push(block);
      for (const t of txs) {
        this.allTx.set(hex(t.txid), t);
        this.txHeight.set(hex(t.txid), height);
        if (t !== coinbase) for (const i of t.inputs) this.utxos.delete(key(i.txid, i.vout));
        t.outputs.forEach((o, v) => { if (o.script[0] !== 0x6a) this.utxos.set(key(t.txid, v), { ...o, txid: t.txid, vout: v, height, coinbase: t === coinbase }); });
      }
      out.push(block);
      for (const l of this.listeners) l(block);
    }
    return out;
  }

  confirmations(txid: Uint8Array): number {
    const h = this.txHeight.get(hex(txid));
    return h === undefined ? 0 : this.height - h + 1;
  }

  utxosFor(script: Uint8Array): Utxo[] { return [...this.utxos.values()].filter((u) => eqBytes(u.script, script)); }
  balanceOf(script: Uint8Array): bigint { return this.utxosFor(script).reduce((s, u) => s + u.amount, 0n); }
}

/** A single-key P2WPKH wallet, signed with @scure/btc-signer. */
export class Wallet {
  readonly priv: Uint8Array;
  readonly pub: Uint8Array;
  readonly script: Uint8Array;
  constructor(readonly chain: Chain, seed: string) {
    this.priv = sha256(new TextEncoder().encode(`vigil-demo-wallet:${seed}`));
    this.pub = secp256k1.getPublicKey(this.priv, true);
    this.script = btc.p2wpkh(this.pub).script;
  }
  balance() { return this.chain.balanceOf(this.script); }

  /** Build and sign a tx paying `outputs`, change back to us; fee is a fixed sat/vB. */
  pay(outputs: { script: Uint8Array; amount: bigint }[], feeRate = 2n): Uint8Array {
    const need = outputs.reduce((s, o) => s + o.amount, 0n);
    const spendable = this.chain.utxosFor(this.script).filter((u) => !u.coinbase || this.chain.height + 1 - u.height >= COINBASE_MATURITY);
    const used = this.chain.mempool.flatMap((t) => t.inputs.map((i) => `${hex(i.txid)}:${i.vout}`));
    const tx = new btc.Transaction({ allowUnknownOutputs: true });
    let have = 0n;
    const nOutApprox = outputs.length + 1;
    for (const u of spendable) {
      if (used.includes(`${hex(u.txid)}:${u.vout}`)) continue;
      tx.addInput({ txid: rev(u.txid), index: u.vout, witnessUtxo: { script: u.script, amount: u.amount } });
      have += u.amount;
      const fee = feeRate * BigInt(11 + 68 * tx.inputsLength + 43 * nOutApprox);
      if (have >= need + fee + 294n) break;
    }
    const fee = feeRate * BigInt(11 + 68 * tx.inputsLength + 43 * nOutApprox);
    if (have < need + fee + 294n) throw new Error(`wallet has ${have} sat, needs ${need + fee}`);
    for (const o of outputs) tx.addOutput({ script: o.script, amount: o.amount });
    tx.addOutput({ script: this.script, amount: have - need - fee });
    tx.sign(this.priv);
    tx.finalize();
    return tx.extract();
  }
}
