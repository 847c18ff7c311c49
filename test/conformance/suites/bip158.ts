// BIP158: every row of the testnet-19 vectors — the basic filter the core builds
// from the block and the scripts its inputs spend, the filter header chained
// from the previous one, and the vector's filter matching every item it holds.
import { readFileSync } from "node:fs";
import * as btc from "@scure/btc-signer";
import { splitBlock } from "../../../host/chain/blocks.js";
import { basicFilter, filterMatches } from "../../../host/chain/client.js";
import { Suite, expect, expectBytes } from "../suite.js";

const rows: any[][] = JSON.parse(readFileSync(new URL("../../vectors/bip158/testnet-19.json", import.meta.url), "utf8")).slice(1);
const b = (h: string) => new Uint8Array(Buffer.from(h, "hex"));
const rev = (h: string) => b(h).reverse();

/** Output scripts of the vector's block that the filter must hold (not empty, not OP_RETURN), read by @scure/btc-signer. */
function outputScripts(block: Uint8Array): Uint8Array[] {
  const scripts = splitBlock(block).txs.flatMap((tx) => btc.RawTx.decode(tx).outputs.map((o) => o.script));
  return scripts.filter((s) => s.length && s[0] !== 0x6a);
}

const suite: Suite = {
  name: "bip158",
  cases: () => rows.flatMap(([height, hash, block, spent, prevHeader, filter, header, notes]) => {
    const label = `block ${height}${notes ? ` (${notes})` : ""}`;
    return [
      { id: `${label}: filter`, run(s: any) { expectBytes(basicFilter(s, b(block), spent.map(b), rev(prevHeader)).filter, filter, "filter"); } },
      { id: `${label}: filter header`, run(s: any) { expectBytes(basicFilter(s, b(block), spent.map(b), rev(prevHeader)).header.slice().reverse(), header, "header"); } },
      { id: `${label}: matches its items`, run(s: any) {
        const items = [...outputScripts(b(block)), ...spent.map(b).filter((x: Uint8Array) => x.length)];
        for (const it of items) expect(filterMatches(s, rev(hash), b(filter), [it]), `item ${Buffer.from(it).toString("hex")} not matched`);
        if (items.length === 0) expect(!filterMatches(s, rev(hash), b(filter), [new TextEncoder().encode("anything")]), "an empty filter matched");
      } },
    ];
  }),
};
export default suite;
