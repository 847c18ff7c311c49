// Feeders: bitcoind JSON-RPC and Esplora REST (served over HTTP by the test
// from a regtest chain it mines), and the LDK demo chain. The signer follows
// each, proves a funding output confirmed and unspent, sees its spend, and
// handles a reorg that replaces the confirming block.
import { describe, it, expect, afterAll } from "vitest";
import { createServer, type Server } from "node:http";
import { sha256 } from "@noble/hashes/sha2.js";
import { Signer } from "../../host/signer.js";
import { chainWatch, chainWatchStatus } from "../../host/chain/client.js";
import { Block, coinbase, rawTx, regtestBlock, txidOf } from "../../host/chain/blocks.js";
import { BitcoindSource, DemoChainSource, EsploraSource, SourceError, type ChainSource } from "../../host/chain/sources.js";
import { ChainFeeder } from "../../host/chain/feeder.js";
import { Chain } from "../../host/ldk/chain.js";
import { headerHash } from "../../host/chain/headers.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const disp = (b: Uint8Array) => hex(Uint8Array.from(b).reverse());
const FUNDING_SCRIPT = Uint8Array.from([0x00, 0x20, ...sha256(Uint8Array.of(9))]);
const MINER = Uint8Array.from([0x00, 0x14, ...new Uint8Array(20).fill(3)]);
const funding = rawTx([{ txid: sha256(Uint8Array.of(2)), vout: 0, witness: [new Uint8Array(71), new Uint8Array(33)] }], [{ value: 500_000n, script: FUNDING_SCRIPT }]);
const FTXID = txidOf(funding);
const spend = rawTx([{ txid: FTXID, vout: 0, witness: [new Uint8Array(0), new Uint8Array(71)] }], [{ value: 490_000n, script: MINER }]);

/** A mutable test chain: block 0 is its own genesis. */
class TestChain {
  blocks: Block[] = [];
  constructor() { this.extend(1, 0); }
  extend(n: number, tag: number, extra: (h: number) => Uint8Array[] = () => []) {
    for (let i = 0; i < n; i++) {
      const h = this.blocks.length;
      const prev = h ? this.blocks[h - 1].hash : new Uint8Array(32);
      this.blocks.push(regtestBlock(prev, 1_600_000_000 + h * 600 + tag, [coinbase(h * 100 + tag, MINER), ...extra(h)]));
    }
  }
  /** Replace blocks from `height` on. */
  reorg(height: number, n: number, tag: number, extra?: (h: number) => Uint8Array[]) { this.blocks.length = height; this.extend(n, tag, extra); }
  byHash(d: string) { return this.blocks.find((b) => disp(b.hash) === d); }
}

function bitcoind(c: TestChain): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    if (req.headers.authorization !== "Basic " + Buffer.from("u:p").toString("base64")) { res.statusCode = 401; res.end(); return; }
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const { id, method, params } = JSON.parse(body);
      const ok = (result: unknown) => res.end(JSON.stringify({ result, error: null, id }));
      const err = (code: number, message: string) => res.end(JSON.stringify({ result: null, error: { code, message }, id }));
      if (method === "getblockcount") return ok(c.blocks.length - 1);
      if (method === "getblockhash") return c.blocks[params[0]] ? ok(disp(c.blocks[params[0]].hash)) : err(-8, "Block height out of range");
      const b = typeof params?.[0] === "string" ? c.byHash(params[0]) : undefined;
      if (method === "getblockheader") return b ? ok(params[1] === false ? hex(b.header) : { height: c.blocks.indexOf(b) }) : err(-5, "Block not found");
      if (method === "getblock") return b ? ok(hex(b.raw)) : err(-5, "Block not found");
      if (method === "getrawtransaction") {
        const blk = c.blocks.find((x) => x.txs.some((t) => disp(txidOf(t)) === params[0]));
        return blk ? ok({ blockhash: disp(blk.hash) }) : err(-5, "No such mempool or blockchain transaction. Use gettransaction for wallet transactions.");
      }
      err(-32601, "Method not found");
    });
  });
  return new Promise((r) => server.listen(0, "127.0.0.1", () => r({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/` })));
}

function esplora(c: TestChain): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const u = req.url!;
    let m: RegExpMatchArray | null;
    const nf = () => { res.statusCode = 404; res.end("not found"); };
    if (u === "/blocks/tip/height") return res.end(String(c.blocks.length - 1));
    if ((m = u.match(/^\/block-height\/(\d+)$/))) return c.blocks[+m[1]] ? res.end(disp(c.blocks[+m[1]].hash)) : nf();
    if ((m = u.match(/^\/block\/(\w+)\/header$/))) { const b = c.byHash(m[1]); return b ? res.end(hex(b.header)) : nf(); }
    if ((m = u.match(/^\/block\/(\w+)\/raw$/))) { const b = c.byHash(m[1]); return b ? res.end(Buffer.from(b.raw)) : nf(); }
    if ((m = u.match(/^\/tx\/(\w+)\/status$/))) {
      const i = c.blocks.findIndex((x) => x.txs.some((t) => disp(txidOf(t)) === m![1]));
      return i < 0 ? nf() : res.end(JSON.stringify({ confirmed: true, block_hash: disp(c.blocks[i].hash), block_height: i }));
    }
    nf();
  });
  return new Promise((r) => server.listen(0, "127.0.0.1", () => r({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` })));
}

const servers: Server[] = [];
afterAll(() => { for (const s of servers) s.close(); });

async function lifecycle(make: (c: TestChain) => Promise<ChainSource>) {
  const c = new TestChain();
  c.extend(10, 0);
  const src = await make(c);
  const s = new Signer();
  s.init({ secret: new Uint8Array(32).fill(0x77), network: "regtest" });
  const f = new ChainFeeder(s, src, { headerBatch: 4, txBatch: 2 });
  await f.checkpoint(0, 2n);
  expect((await f.sync()).tip.height).toBe(10);
  chainWatch(s, FTXID, 0, FUNDING_SCRIPT);
  c.extend(1, 0, () => [funding]); // 11
  c.extend(3, 0); // 12..14
  let r = await f.sync();
  expect(r).toMatchObject({ headers: 4, proofs: 1, blocks: 4 });
  expect(chainWatchStatus(s, FTXID, 0)).toMatchObject({ confHeight: 11, depth: 4, scannedHeight: 14, unspentAtTip: true });
  // A reorg replaces 11..14 with a branch confirming the funding at 12 instead.
  c.reorg(11, 5, 1, (h) => (h === 12 ? [funding] : []));
  r = await f.sync();
  expect(r.reorgDepth).toBe(4);
  expect(chainWatchStatus(s, FTXID, 0)).toMatchObject({ confHeight: 12, scannedHeight: 15, unspentAtTip: true });
  c.extend(1, 1, () => [spend]); // 16
  await f.sync();
  const st = chainWatchStatus(s, FTXID, 0);
  expect(st).toMatchObject({ spentHeight: 16, unspentAtTip: false });
  expect(hex(st.spendTxid)).toBe(hex(txidOf(spend)));
}

describe("chain feeders", () => {
  it("bitcoind JSON-RPC", async () => {
    await lifecycle(async (c) => { const { server, url } = await bitcoind(c); servers.push(server); return new BitcoindSource(url, { user: "u", password: "p" }); });
  });

  it("bitcoind with wrong credentials is a clear error", async () => {
    const { server, url } = await bitcoind(new TestChain()); servers.push(server);
    await expect(new BitcoindSource(url, { user: "u", password: "x" }).height()).rejects.toThrow(SourceError);
  });

  it("Esplora REST", async () => {
    await lifecycle(async (c) => { const { server, url } = await esplora(c); servers.push(server); return new EsploraSource(url); });
  });

  it("the LDK demo chain (valid regtest proof of work on every block)", async () => {
    const chain = new Chain();
    chain.mine(20);
    const s = new Signer();
    s.init({ secret: new Uint8Array(32).fill(0x78), network: "regtest" });
    const f = new ChainFeeder(s, new DemoChainSource(chain));
    await f.checkpoint(0, 2n);
    const r = await f.sync();
    expect(r.tip.height).toBe(20);
    expect(hex(r.tip.hash)).toBe(hex(headerHash(chain.tip.header)));
  });
});
