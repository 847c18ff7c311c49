// Extracts the test vectors of BIP173 and BIP350 (../shared/specs/bips) into
// bip173.json / bip350.json: valid and invalid checksum strings (as hex bytes,
// since some contain 0x20/0x7F/0x80/0xFF) and valid/invalid segwit addresses.
// Run: npx tsx test/vectors/bech32/extract.ts
import { readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";

for (const bip of ["bip-0173", "bip-0350"]) {
  const src = new URL(`../../../../shared/specs/bips/${bip}.mediawiki`, import.meta.url);
  const text = readFileSync(src, "utf8");
  const body = text.slice(text.indexOf("=Test vectors="));
  const out: any = { source: `${bip}.mediawiki`, sourceSha256: createHash("sha256").update(readFileSync(src)).digest("hex"), validStrings: [], invalidStrings: [], validAddresses: [], invalidAddresses: [] };
  let mode = "";
  for (const line of body.split("\n")) {
    if (/strings are valid Bech32m?:/.test(line)) mode = "validStrings";
    else if (/not valid Bech32m?/.test(line)) mode = "invalidStrings";
    else if (/gives valid segwit addresses/.test(line)) mode = "validAddresses";
    else if (/gives invalid segwit addresses/.test(line)) mode = "invalidAddresses";
    else if (/^==/.test(line) && !/Test vectors/.test(line)) mode = "";
    const m = line.match(/^\* (?:(0x[0-9A-F]{2}) \+ )?<tt>([^<]*)<\/tt>(?: \+ (0x[0-9A-F]{2}))?(?:: (?:<tt>([0-9a-f]+)<\/tt>|(.*)))?/);
    if (!m || !mode) continue;
    const bytes = Buffer.concat([m[1] ? Buffer.of(parseInt(m[1], 16)) : Buffer.alloc(0), Buffer.from(m[2], "latin1"), m[3] ? Buffer.of(parseInt(m[3], 16)) : Buffer.alloc(0)]);
    if (mode === "validStrings") out.validStrings.push(bytes.toString("hex"));
    else if (mode === "invalidStrings") out.invalidStrings.push({ hex: bytes.toString("hex"), reason: m[5] });
    else if (mode === "validAddresses") out.validAddresses.push({ address: m[2], script: m[4] });
    else out.invalidAddresses.push({ address: m[2], reason: m[5] });
  }
  writeFileSync(new URL(`./${bip.replace("-0", "")}.json`, import.meta.url), JSON.stringify(out, null, 1) + "\n");
  console.log(bip, Object.entries(out).filter(([, v]) => Array.isArray(v)).map(([k, v]) => `${k} ${(v as unknown[]).length}`).join(", "));
}
