// Extracts BOLT 3 Appendix D (per-commitment secret generation and storage)
// and Appendix E (key derivation) from ../shared/specs/bolts/03-transactions.md
// into appendix-d.json and appendix-e.json. Run: npx tsx test/vectors/bolt3/extract.ts
import { readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";

const src = new URL("../../../../shared/specs/bolts/03-transactions.md", import.meta.url);
const text = readFileSync(src, "utf8");
const section = (from: string, to: string) => text.slice(text.indexOf(from), text.indexOf(to, text.indexOf(from) + 1));
const sourceSha256 = createHash("sha256").update(readFileSync(src)).digest("hex");
const num = (v: string) => (v.startsWith("0x") ? BigInt(v).toString() : v);

// Appendix D
const d = section("# Appendix D", "# Appendix E");
const generation: any[] = [], storage: any[] = [];
let cur: any = null;
const gen = d.slice(d.indexOf("## Generation Tests"), d.indexOf("## Storage Tests"));
for (const line of gen.split("\n").map((l) => l.trim())) {
  let m: RegExpMatchArray | null;
  if ((m = line.match(/^name: (.*)/))) { cur = { name: m[1] }; generation.push(cur); }
  else if ((m = line.match(/^seed: 0x([0-9A-Fa-f]{64})/))) cur.seed = m[1].toLowerCase();
  else if ((m = line.match(/^I: (\S+)/))) cur.index = num(m[1]);
  else if ((m = line.match(/^output: 0x([0-9a-f]{64})/))) cur.output = m[1];
}
const sto = d.slice(d.indexOf("## Storage Tests"));
for (const line of sto.split("\n").map((l) => l.trim())) {
  let m: RegExpMatchArray | null;
  if ((m = line.match(/^name: (.*)/))) { cur = { name: m[1], steps: [] }; storage.push(cur); }
  else if ((m = line.match(/^I: (\S+)/))) cur.steps.push({ index: num(m[1]) });
  else if ((m = line.match(/^secret: 0x([0-9a-f]{64})/))) cur.steps[cur.steps.length - 1].secret = m[1];
  else if ((m = line.match(/^output: (OK|ERROR)/))) cur.steps[cur.steps.length - 1].ok = m[1] === "OK";
}
writeFileSync(new URL("./appendix-d.json", import.meta.url), JSON.stringify({ source: "03-transactions.md Appendix D", sourceSha256, generation, storage }, null, 1) + "\n");

// Appendix E
const e = section("# Appendix E", "# Appendix F");
const field = (k: string) => e.match(new RegExp(`${k}: 0x([0-9a-f]+)`))![1];
const keys = {
  base_secret: field("base_secret"), per_commitment_secret: field("per_commitment_secret"),
  base_point: field("base_point"), per_commitment_point: field("per_commitment_point"),
  localpubkey: field("localpubkey"), localprivkey: field("localprivkey"),
  revocationpubkey: field("revocationpubkey"), revocationprivkey: field("revocationprivkey"),
};
writeFileSync(new URL("./appendix-e.json", import.meta.url), JSON.stringify({ source: "03-transactions.md Appendix E", sourceSha256, ...keys }, null, 1) + "\n");
console.log(`D: ${generation.length} generation, ${storage.length} storage sequences; E: ${Object.keys(keys).length} fields`);

// Appendix B: the funding transaction and its parameters.
const bsec = section("# Appendix B", "# Appendix C");
const bparam = (k: string) => bsec.match(new RegExp(`^\\s*${k}: (\\S+)`, "m"))![1];
writeFileSync(new URL("./appendix-b.json", import.meta.url), JSON.stringify({
  source: "03-transactions.md Appendix B", sourceSha256,
  local_funding_pubkey: bparam("local_funding_pubkey"), remote_funding_pubkey: bparam("remote_funding_pubkey"),
  funding_witness_script: bsec.match(/# funding witness script = ([0-9a-f]+)/)![1],
  input_txid: bparam("input txid"), input_satoshis: +bparam("input satoshis"), funding_satoshis: +bparam("funding satoshis"),
  change_satoshis: +bparam("change satoshis"), funding_output: +bparam("funding output"),
  funding_tx: bparam("funding tx"), txid: bsec.match(/# txid: ([0-9a-f]{64})/)![1],
}, null, 1) + "\n");

// Appendix C: the common parameters, and per case the balances, feerate,
// signatures and the expected commitment and HTLC transactions.
const c = section("# Appendix C", "# Appendix D");
const param = (k: string) => { const m = c.match(new RegExp(`^\\s*${k}: (\\S+)`, "m")); if (!m) throw new Error(k); return m[1]; };
const common = {
  funding_tx_id: param("funding_tx_id"), funding_output_index: +param("funding_output_index"), funding_amount_satoshi: +param("funding_amount_satoshi"),
  commitment_number: +param("commitment_number"), local_delay: +param("local_delay"), local_dust_limit_satoshi: +param("local_dust_limit_satoshi"),
  local_payment_basepoint: param("local_payment_basepoint"), remote_payment_basepoint: param("remote_payment_basepoint"),
  local_funding_privkey: param("local_funding_privkey").slice(0, 64), local_funding_pubkey: param("local_funding_pubkey"), remote_funding_pubkey: param("remote_funding_pubkey"),
  local_privkey: param("local_privkey").slice(0, 64), local_htlcpubkey: param("local_htlcpubkey"), remote_htlcpubkey: param("remote_htlcpubkey"),
  local_delayedpubkey: param("local_delayedpubkey"), local_revocation_pubkey: param("local_revocation_pubkey"),
  htlcs: [] as any[],
};
for (let i = 0; i < 7; i++) {
  common.htlcs.push({ direction: param(`htlc ${i} direction`), amount_msat: +param(`htlc ${i} amount_msat`), expiry: +param(`htlc ${i} expiry`), payment_preimage: param(`htlc ${i} payment_preimage`) });
}
const cases: any[] = [];
let cc: any = null;
for (const line of c.slice(c.indexOf("And, here are the test vectors themselves")).split("\n").map((l) => l.trim())) {
  let m: RegExpMatchArray | null;
  if ((m = line.match(/^name: (.*)/))) { cc = { name: m[1], htlcs: [] }; cases.push(cc); }
  else if (!cc) continue;
  else if ((m = line.match(/^to_local_msat: (\d+)/))) cc.to_local_msat = +m[1];
  else if ((m = line.match(/^to_remote_msat: (\d+)/))) cc.to_remote_msat = +m[1];
  else if ((m = line.match(/^local_feerate_per_kw: (\d+)/))) cc.feerate_per_kw = +m[1];
  else if ((m = line.match(/^remote_signature = ([0-9a-f]+)/))) cc.remote_signature = m[1];
  else if ((m = line.match(/^# local_signature = ([0-9a-f]+)/))) cc.local_signature = m[1];
  else if ((m = line.match(/^output commit_tx: ([0-9a-f]+)/))) cc.commit_tx = m[1];
  else if ((m = line.match(/^remote_htlc_signature = ([0-9a-f]+)/))) cc.htlcs.push({ remote_signature: m[1] });
  else if ((m = line.match(/^# local_htlc_signature = ([0-9a-f]+)/))) cc.htlcs[cc.htlcs.length - 1].local_signature = m[1];
  else if ((m = line.match(/^(?:output )?htlc_(success|timeout)_tx \(htlc #(\d+)\): ([0-9a-f]+)/))) Object.assign(cc.htlcs[cc.htlcs.length - 1], { kind: m[1], htlc: +m[2], tx: m[3] });
}
// "HTLCs 5 and 6 are only used in the 'same amount and preimage' test" (with HTLC 1).
for (const k of cases) k.htlc_set = /same amount and preimage/.test(k.name) ? [1, 5, 6] : [0, 1, 2, 3, 4];
writeFileSync(new URL("./appendix-c.json", import.meta.url), JSON.stringify({ source: "03-transactions.md Appendix C", sourceSha256, common, cases }, null, 1) + "\n");

// Appendix F: a JSON list in the spec; same common parameters as Appendix C.
const f = section("# Appendix F", "# Appendix G");
const fcases = JSON.parse(f.slice(f.indexOf("```yaml") + 7, f.indexOf("```", f.indexOf("```yaml") + 7)));
writeFileSync(new URL("./appendix-f.json", import.meta.url), JSON.stringify({ source: "03-transactions.md Appendix F", sourceSha256, cases: fcases }, null, 1) + "\n");
console.log(`C: ${cases.length} cases (${cases.reduce((a, k) => a + k.htlcs.length, 0)} HTLC txs); F: ${fcases.length} cases`);
