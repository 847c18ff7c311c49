// Where a feeder reads the chain: bitcoind's JSON-RPC, an Esplora HTTP API, or
// the in-memory demo chain. All return raw bytes (headers, blocks) and hashes
// in internal byte order; the signer checks everything it is given.
import type { Chain } from "../ldk/chain.js";
import { Signer } from "../signer.js";
import { basicFilter } from "./client.js";

export interface TxLocation { blockHash: Uint8Array; height: number }

export interface ChainSource {
  /** Height of the best block. */
  height(): Promise<number>;
  /** Hash of the best-chain block at `height`. */
  hashAt(height: number): Promise<Uint8Array>;
  /** 80-byte header. */
  header(hash: Uint8Array): Promise<Uint8Array>;
  /** Serialized block. */
  block(hash: Uint8Array): Promise<Uint8Array>;
  /** The best-chain block holding a transaction, or null if unconfirmed/unknown. */
  findTx(txid: Uint8Array): Promise<TxLocation | null>;
}

/** Where BIP158 basic filters come from (BIP157 filter headers in internal byte order). */
export interface FilterSource {
  filter(hash: Uint8Array): Promise<{ filter: Uint8Array; header: Uint8Array }>;
}

const hexOf = (b: Uint8Array) => Buffer.from(b).toString("hex");
const display = (b: Uint8Array) => hexOf(Uint8Array.from(b).reverse());
const internal = (h: string) => Uint8Array.from(Buffer.from(h, "hex")).reverse();
const bytes = (h: string) => new Uint8Array(Buffer.from(h, "hex"));

export class SourceError extends Error {}

/** bitcoind JSON-RPC (getblockcount, getblockhash, getblockheader, getblock, getrawtransaction; txindex for findTx; getblockfilter with blockfilterindex). */
export class BitcoindSource implements ChainSource, FilterSource {
  private id = 0;
  constructor(readonly url: string, readonly auth: { user: string; password: string }) {}

  async call<T>(method: string, params: unknown[]): Promise<T> {
    const res = await fetch(this.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Basic " + Buffer.from(`${this.auth.user}:${this.auth.password}`).toString("base64") },
      body: JSON.stringify({ jsonrpc: "1.0", id: ++this.id, method, params }),
    });
    if (res.status === 401) throw new SourceError("bitcoind: authentication refused (check rpcuser/rpcpassword)");
    const body = (await res.json()) as { result: T; error: { code: number; message: string } | null };
    if (body.error) throw new SourceError(`bitcoind ${method}: ${body.error.message} (${body.error.code})`);
    return body.result;
  }

  height() { return this.call<number>("getblockcount", []); }
  async hashAt(h: number) { return internal(await this.call<string>("getblockhash", [h])); }
  async header(hash: Uint8Array) { return bytes(await this.call<string>("getblockheader", [display(hash), false])); }
  async block(hash: Uint8Array) { return bytes(await this.call<string>("getblock", [display(hash), 0])); }
  async filter(hash: Uint8Array) {
    const f = await this.call<{ filter: string; header: string }>("getblockfilter", [display(hash), "basic"]);
    return { filter: bytes(f.filter), header: internal(f.header) };
  }
  async findTx(txid: Uint8Array) {
    try {
      const t = await this.call<{ blockhash?: string }>("getrawtransaction", [display(txid), true]);
      if (!t.blockhash) return null;
      const h = await this.call<{ height: number }>("getblockheader", [t.blockhash, true]);
      return { blockHash: internal(t.blockhash), height: h.height };
    } catch (e) {
      if (e instanceof SourceError && /No such mempool or blockchain transaction/.test(e.message)) return null;
      throw e;
    }
  }
}

/** Esplora REST (blockstream/electrs, mempool.space). */
export class EsploraSource implements ChainSource {
  constructor(readonly base: string) {}
  private async get(path: string, binary = false): Promise<string | Uint8Array | null> {
    const res = await fetch(this.base.replace(/\/$/, "") + path);
    if (res.status === 404) return null;
    if (!res.ok) throw new SourceError(`esplora ${path}: HTTP ${res.status}`);
    return binary ? new Uint8Array(await res.arrayBuffer()) : res.text();
  }
  private async must(path: string, binary = false) {
    const v = await this.get(path, binary);
    if (v === null) throw new SourceError(`esplora ${path}: not found`);
    return v;
  }
  async height() { return Number(await this.must("/blocks/tip/height")); }
  async hashAt(h: number) { return internal(String(await this.must(`/block-height/${h}`)).trim()); }
  async header(hash: Uint8Array) { return bytes(String(await this.must(`/block/${display(hash)}/header`)).trim()); }
  async block(hash: Uint8Array) { return (await this.must(`/block/${display(hash)}/raw`, true)) as Uint8Array; }
  async findTx(txid: Uint8Array) {
    const s = await this.get(`/tx/${display(txid)}/status`);
    if (s === null) return null;
    const st = JSON.parse(String(s)) as { confirmed: boolean; block_hash?: string; block_height?: number };
    return st.confirmed ? { blockHash: internal(st.block_hash!), height: st.block_height! } : null;
  }
}

/**
 * The in-memory chain the LDK demo mines (host/ldk/chain.ts). Its filters are
 * computed by the core's BIP158 tool (0x8402) from each block and the scripts
 * its inputs spend, filter headers chained from genesis.
 */
export class DemoChainSource implements ChainSource, FilterSource {
  private filters = new Map<string, { filter: Uint8Array; header: Uint8Array }>();
  private heights = new Map<string, number>();
  private tools: Signer | null = null;
  constructor(readonly chain: Chain) {}
  async height() { return this.chain.height; }
  async hashAt(h: number) { const b = this.chain.blocks[h]; if (!b) throw new SourceError(`no block ${h}`); return b.hash; }
  private heightOf(hash: Uint8Array): number {
    const blocks = this.chain.blocks;
    for (let h = this.heights.size; h < blocks.length; h++) this.heights.set(hexOf(blocks[h].hash), h);
    const h = this.heights.get(hexOf(hash));
    if (h === undefined) throw new SourceError(`unknown block ${display(hash)}`);
    return h;
  }
  private find(hash: Uint8Array) { return this.chain.blocks[this.heightOf(hash)]; }
  async header(hash: Uint8Array) { return this.find(hash).header; }
  async block(hash: Uint8Array) {
    const b = this.find(hash);
    const n = b.txs.length;
    const cs = n < 0xfd ? Uint8Array.of(n) : Uint8Array.of(0xfd, n & 0xff, n >> 8);
    return new Uint8Array(Buffer.concat([b.header, cs, ...b.txs.map((t) => t.raw)]));
  }
  async findTx(txid: Uint8Array) {
    const h = this.chain.txHeight.get(hexOf(txid));
    return h === undefined ? null : { blockHash: this.chain.blocks[h].hash, height: h };
  }
  async filter(hash: Uint8Array) {
    const have = this.filters.get(hexOf(hash));
    if (have) return have;
    const height = this.heightOf(hash);
    let from = height;
    while (from > 0 && !this.filters.has(hexOf(this.chain.blocks[from - 1].hash))) from--;
    this.tools ??= new Signer();
    for (let h = from; h <= height; h++) {
      const b = this.chain.blocks[h];
      const spent = b.txs.slice(1).flatMap((t) => t.inputs.map((i) => this.chain.findOutput(i.txid, i.vout)!.script));
      const prev = h === 0 ? new Uint8Array(32) : this.filters.get(hexOf(this.chain.blocks[h - 1].hash))!.header;
      this.filters.set(hexOf(b.hash), basicFilter(this.tools, await this.block(b.hash), spent, prev));
    }
    return this.filters.get(hexOf(hash))!;
  }
}
