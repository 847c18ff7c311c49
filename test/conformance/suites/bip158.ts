// BIP158: every row of the testnet-19 vectors — the basic filter the core builds
// from the block and the scripts its inputs spend, the filter header chained
// from the previous one, and the vector's filter matching every item it holds.
import { readFileSync } from "node:fs";
import { basicFilter, filterMatches } from "../../../host/chain/client.js";
import { Suite, expect, expectBytes } from "../suite.js";

const rows: any[][] = JSON.parse(readFileSync(new URL("../../vectors/bip158/testnet-19.json", import.meta.url), "utf8")).slice(1);
const b = (h: string) => new Uint8Array(Buffer.from(h, "hex"));
const rev = (h: string) => b(h).reverse();

/** Output scripts of the vector's block that the filter must hold (not empty, not OP_RETURN), read by a test-side parser. */
function outputScripts(block: Uint8Array): Uint8Array[] {
  let p = 80;
  const cs = () => { const f = block[p++]; if (f < 0xfd) return f; const n = f === 0xfd ? 2 : f === 0xfe ? 4 : 8; let v = 0; for (let i = 0; i < n; i++) v += block[p + i] * 2 ** (8 * i); p += n; return v; };
  const out: Uint8Array[] = [];
  const ntx = cs();
  for (let t = 0; t < ntx; t++) {
    p += 4;
    const segwit = block[p] === 0 && block[p + 1] === 1;
    if (segwit) p += 2;
    const nin = cs();
    for (let i = 0; i < nin; i++) { p += 36; const l = cs(); p += l + 4; }
    const nout = cs();
    for (let i = 0; i < nout; i++) { p += 8; const l = cs(); const s = block.slice(p, p + l); p += l; if (s.length && s[0] !== 0x6a) out.push(s); }
    if (segwit) for (let i = 0; i < nin; i++) { const n = cs(); for (let k = 0; k < n; k++) { const l = cs(); p += l; } }
    p += 4;
  }
  return out;
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
