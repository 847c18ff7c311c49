// The core's wallet layer against independent implementations: addresses vs
// @scure/base + @scure/btc-signer, BIP32 vs @scure/bip32, PSBTs built by
// @scure/btc-signer parsed and re-serialized byte for byte, PSBT signatures
// equal to @scure/btc-signer's and verified over its sighashes, and a
// mutation fuzz of PSBTs (no trap, typed errors, accepted ⇒ lossless).
import { describe, it, expect } from "vitest";
import { bech32, bech32m } from "@scure/base";
import { HDKey } from "@scure/bip32";
import { Core } from "../../host/core/core.js";
import { InProcessTransport } from "../../host/transport.js";
import { Signer, SignerError, Code } from "../../host/signer.js";
import { addressToScript, bip32Derive, bip32DeriveKey, bip32Parse, psbtParse, psbtSign, scriptToAddress } from "../../host/tools/wallet.js";
import { btc, keyPool, randPath, randPsbt, rng, schnorr, secp256k1 } from "./wallet-gen.js";
import { fuzzCorpus, mutate } from "../fuzz/psbt.js";

/** Let the vitest worker answer its RPC during a long loop (a test that blocks > 60 s trips its timeout). */
const tick = () => new Promise<void>((r) => setImmediate(r));

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const H = 0x80000000;
const NETS = {
  bitcoin: { bech32: "bc", pubKeyHash: 0x00, scriptHash: 0x05, wif: 0x80 },
  testnet: { bech32: "tb", pubKeyHash: 0x6f, scriptHash: 0xc4, wif: 0xef },
  signet: { bech32: "tb", pubKeyHash: 0x6f, scriptHash: 0xc4, wif: 0xef },
  regtest: { bech32: "bcrt", pubKeyHash: 0x6f, scriptHash: 0xc4, wif: 0xef },
} as const;
type Net = keyof typeof NETS;
const refused = (f: () => unknown) => { try { f(); } catch (e) { return e instanceof SignerError; } return false; };

/** The reference address of a script: base58 via btc-signer, segwit via @scure/base. */
function refAddress(net: Net, script: Uint8Array): string {
  if (script[0] === 0 || (script[0] >= 0x51 && script[0] <= 0x60)) {
    const v = script[0] === 0 ? 0 : script[0] - 0x50;
    const words = [v, ...bech32.toWords(script.slice(2))];
    return (v === 0 ? bech32 : bech32m).encode(NETS[net].bech32, words, 90);
  }
  return btc.Address(NETS[net]).encode(btc.OutScript.decode(script));
}

describe("wallet differential", () => {
  it("addresses: 2 000 random scripts per network ↔ @scure, other networks and every 1-char substitution refused", async () => {
    const s = new Signer();
    const r = rng(0xadd7);
    const keys = keyPool(r, 8);
    let n = 0;
    for (const net of Object.keys(NETS) as Net[]) {
      for (let i = 0; i < 2000; i++) {
        if (i % 500 === 499) await tick();
        let script: Uint8Array;
        const kind = r.int(7);
        if (kind < 5) script = [btc.p2pkh, (p: Uint8Array) => btc.p2sh(btc.p2pkh(p)), btc.p2wpkh, (p: Uint8Array) => btc.p2wsh(btc.p2pkh(p)), (p: Uint8Array) => btc.p2tr(p.slice(1))][kind](r.pick(keys).pub).script;
        else { const len = kind === 5 ? 2 + r.int(39) : 32; script = Uint8Array.from([0x51 + 1 + r.int(15), len, ...r.bytes(len)]); }
        const addr = refAddress(net, script);
        expect(scriptToAddress(s, net, script)).toBe(addr);
        expect(hex(addressToScript(s, net, addr))).toBe(hex(script));
        if (addr.startsWith(NETS[net].bech32 + "1")) expect(hex(addressToScript(s, net, addr.toUpperCase()))).toBe(hex(script));
        const other: Net = net === "bitcoin" ? "regtest" : "bitcoin";
        expect(refused(() => addressToScript(s, other, addr))).toBe(true);
        // A checksum catches any one substituted character (BCH distance for bech32, 32-bit for base58check).
        const at = r.int(addr.length);
        const alphabet = addr.startsWith(NETS[net].bech32 + "1") ? "qpzry9x8gf2tvdw0s3jn54khce6mua7l" : "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
        let c = addr[at];
        while (c === addr[at]) c = alphabet[r.int(alphabet.length)];
        expect(refused(() => addressToScript(s, net, addr.slice(0, at) + c + addr.slice(at + 1)))).toBe(true);
        n++;
      }
    }
    expect(n).toBe(8000);
  });

  it("BIP32: 500 random seeds and paths vs @scure/bip32 (xprv, xpub, CKDpub from the xpub, parsed fields)", () => {
    const s = new Signer();
    const r = rng(0xb132);
    for (let i = 0; i < 500; i++) {
      const seed = r.bytes(16 + r.int(49));
      const path = randPath(r);
      const testnet = r.bool();
      const versions = testnet ? { private: 0x04358394, public: 0x043587cf } : undefined;
      const ref = HDKey.fromMasterSeed(seed, versions).derive("m" + path.map((c) => "/" + (c >= H ? `${c - H}'` : `${c}`)).join(""));
      const got = bip32Derive(s, seed, path, testnet);
      expect(got.xprv).toBe(ref.privateExtendedKey);
      expect(got.xpub).toBe(ref.publicExtendedKey);
      const p = bip32Parse(s, got.xpub);
      expect([p.depth, p.parentFingerprint >>> 0, p.childNumber >>> 0, hex(p.chainCode), hex(p.pubkey), p.fingerprint >>> 0])
        .toEqual([ref.depth, ref.parentFingerprint >>> 0, ref.index >>> 0, hex(ref.chainCode!), hex(ref.publicKey!), ref.fingerprint >>> 0]);
      const tail = Array.from({ length: 1 + r.int(3) }, () => r.u32() & 0x7fffffff);
      expect(bip32DeriveKey(s, got.xpub, tail)).toBe(HDKey.fromExtendedKey(got.xpub, versions).derive("m/" + tail.join("/")).publicExtendedKey);
    }
  });

  it("PSBT: 2 500 random PSBTs from @scure/btc-signer parsed and re-serialized byte for byte", async () => {
    const s = new Signer();
    const r = rng(0x9b57);
    const keys = keyPool(r, 24);
    const t0 = performance.now();
    for (let i = 0; i < 2500; i++) {
      if (i % 250 === 249) await tick();
      const p = randPsbt(r, keys);
      const got = psbtParse(s, p);
      expect(hex(got.psbt)).toBe(hex(p));
      const ref = btc.Transaction.fromPSBT(p, { allowUnknownOutputs: true, allowUnknownInputs: true, disableScriptCheck: true, allowLegacyWitnessUtxo: true });
      expect([hex(got.txid.slice().reverse()), got.inputs, got.outputs]).toEqual([ref.id, ref.inputsLength, ref.outputsLength]);
    }
    console.log(`2500 PSBTs round-tripped in ${(performance.now() - t0).toFixed(0)} ms`);
  });

  it("PSBT signing: 300 wallets, BIP84 P2WPKH / BIP49 P2SH-P2WPKH / BIP86 P2TR inputs / P2TR with a script tree (key path) signed as @scure/btc-signer signs them, foreign inputs untouched", async () => {
    const s = new Signer();
    const r = rng(0x5196);
    const foreign = keyPool(r, 4);
    const aux = new Uint8Array(32);
    let sigs = 0;
    for (let w = 0; w < 300; w++) {
      if (w % 30 === 29) await tick();
      const seed = r.bytes(32);
      const root = HDKey.fromMasterSeed(seed);
      const tx = new btc.Transaction({ allowUnknownOutputs: true });
      const owned: Array<{ idx: number; sec: Uint8Array; kind: number }> = [];
      const prevScripts: Uint8Array[] = [], amounts: bigint[] = [], hts: number[] = [];
      const nIn = 1 + r.int(4);
      for (let i = 0; i < nIn; i++) {
        const kind = r.int(5); // 0 P2WPKH, 1 P2SH-P2WPKH, 2 P2TR (BIP86), 3 foreign P2WPKH, 4 P2TR key path of a script tree
        const purpose = [84, 49, 86, 84, 86][kind];
        const path = [purpose + H, 1 + H, H, r.int(2), r.int(100)];
        const k = root.derive("m" + path.map((c) => "/" + (c >= H ? `${c - H}'` : `${c}`)).join(""));
        const pub = kind === 3 ? r.pick(foreign).pub : k.publicKey!;
        const fp = kind === 3 ? r.u32() : root.fingerprint;
        const amount = BigInt(1000 + r.int(1e8));
        const inp: any = { txid: r.bytes(32), index: r.int(4), amount };
        let script: Uint8Array;
        if (kind === 2 || kind === 4) {
          const p = kind === 2 ? btc.p2tr(pub.slice(1)) : btc.p2tr(pub.slice(1), { script: btc.p2tr_pk(r.pick(foreign).pub.slice(1)).script });
          script = p.script;
          Object.assign(inp, { witnessUtxo: { script, amount }, tapInternalKey: pub.slice(1), tapBip32Derivation: [[pub.slice(1), { hashes: [], der: { fingerprint: fp, path } }]] });
          if (kind === 4) inp.tapMerkleRoot = p.tapMerkleRoot;
        } else {
          script = kind === 1 ? btc.p2sh(btc.p2wpkh(pub)).script : btc.p2wpkh(pub).script;
          Object.assign(inp, { witnessUtxo: { script, amount }, bip32Derivation: [[pub, { fingerprint: fp, path }]] });
          if (kind === 1) inp.redeemScript = btc.p2wpkh(pub).script;
        }
        delete inp.amount;
        const all = r.int(4) === 0; // an explicit SIGHASH_ALL record (taproot then signs with a 65-byte signature)
        if (all) inp.sighashType = btc.SigHash.ALL;
        hts.push(all ? btc.SigHash.ALL : kind === 2 || kind === 4 ? btc.SigHash.DEFAULT : btc.SigHash.ALL);
        tx.addInput(inp);
        prevScripts.push(script);
        amounts.push(amount);
        if (kind !== 3) owned.push({ idx: i, sec: k.privateKey!, kind });
      }
      for (let o = 0; o < 1 + r.int(3); o++) tx.addOutput({ script: btc.p2wpkh(r.pick(foreign).pub).script, amount: BigInt(500 + r.int(1e6)) });
      const psbt = tx.toPSBT(0);
      const signed = psbtSign(s, seed, psbt, { aux });
      expect(signed.added).toBe(owned.length);
      const got = btc.Transaction.fromPSBT(signed.psbt);
      const ref = btc.Transaction.fromPSBT(psbt);
      for (const o of owned) ref.signIdx(o.sec, o.idx, [hts[o.idx]], aux);
      for (let i = 0; i < nIn; i++) {
        const a = got.getInput(i), b = ref.getInput(i);
        expect([a.partialSig?.map(([k, v]) => hex(k) + hex(v)), a.tapKeySig && hex(a.tapKeySig)]).toEqual([b.partialSig?.map(([k, v]) => hex(k) + hex(v)), b.tapKeySig && hex(b.tapKeySig)]);
      }
      // And each signature verifies over btc-signer's own sighash.
      for (const o of owned) {
        const a = got.getInput(o.idx);
        if (o.kind === 2 || o.kind === 4) {
          const msg = got.preimageWitnessV1(o.idx, prevScripts, hts[o.idx], amounts);
          const sig = a.tapKeySig!;
          expect(sig.length).toBe(hts[o.idx] === btc.SigHash.DEFAULT ? 64 : 65);
          expect(schnorr.verify(sig.slice(0, 64), msg, prevScripts[o.idx].slice(2))).toBe(true);
        } else {
          const [pub, der] = a.partialSig![0];
          const msg = got.preimageWitnessV0(o.idx, btc.p2pkh(pub).script, btc.SigHash.ALL, amounts[o.idx]);
          expect(der[der.length - 1]).toBe(1);
          expect(secp256k1.verify(der.slice(0, -1), msg, pub, { prehash: false, format: "der" })).toBe(true);
        }
        sigs++;
      }
      // Signing twice changes nothing more (same keys, same deterministic signatures).
      if (w % 50 === 0) expect(hex(psbtSign(s, seed, signed.psbt, { aux }).psbt)).toBe(hex(signed.psbt));
    }
    console.log(`${sigs} signatures by the core equal to btc-signer's and verified`);
    expect(sigs).toBeGreaterThan(500);
  });

  it("PSBT signing refuses an unacceptable sighash type and a redeemScript that is not the one spent", () => {
    const s = new Signer();
    const seed = new Uint8Array(32).fill(7);
    const root = HDKey.fromMasterSeed(seed);
    const path = [84 + H, 1 + H, H, 0, 0];
    const k = root.derive("m/84'/1'/0'/0/0");
    const base = () => ({ txid: new Uint8Array(32).fill(1), index: 0, witnessUtxo: { script: btc.p2wpkh(k.publicKey!).script, amount: 1000n }, bip32Derivation: [[k.publicKey!, { fingerprint: root.fingerprint, path }]] as any });
    const mk = (extra: any) => { const t = new btc.Transaction({ disableScriptCheck: true }); t.addInput({ ...base(), ...extra }); t.addOutput({ script: btc.p2wpkh(k.publicKey!).script, amount: 900n }); return t.toPSBT(0); };
    expect(psbtSign(s, seed, mk({})).added).toBe(1);
    expect(psbtSign(s, seed, mk({ sighashType: 1 })).added).toBe(1);
    for (const e of [{ sighashType: 2 }, { sighashType: 0x81 }, { redeemScript: btc.p2wpkh(k.publicKey!).script }]) {
      try { psbtSign(s, seed, mk(e)); expect.unreachable(); } catch (err) { expect((err as SignerError).code).toBe(Code.INVALID_ARGUMENT); }
    }
    // A fingerprint that is not the root's, or a path deriving another key: nothing signed.
    expect(psbtSign(s, seed, mk({ bip32Derivation: [[k.publicKey!, { fingerprint: (root.fingerprint + 1) >>> 0, path }]] })).added).toBe(0);
    expect(psbtSign(s, seed, mk({ bip32Derivation: [[k.publicKey!, { fingerprint: root.fingerprint, path: [...path.slice(0, 4), 1] }]] })).added).toBe(0);
  });

  it("PSBT mutation fuzz: 100 000 mutated PSBTs, 0 traps, typed errors, every accepted one re-serialized unchanged", async () => {
    const core = new Core();
    const s = new Signer(new InProcessTransport(core));
    const corpus = fuzzCorpus();
    const r = rng(0xf022);
    const seed = new Uint8Array(32).fill(3);
    const codes = new Map<number, number>();
    let accepted = 0;
    const t0 = performance.now();
    for (let i = 0; i < 100_000; i++) {
      if (i % 2000 === 1999) await tick();
      const m = mutate(r, r.pick(corpus));
      try {
        const got = psbtParse(s, m);
        accepted++;
        expect(hex(got.psbt)).toBe(hex(m));
        if (i % 16 === 0) psbtSign(s, seed, m);
      } catch (e) {
        expect(e).toBeInstanceOf(SignerError);
        const c = (e as SignerError).code;
        codes.set(c, (codes.get(c) ?? 0) + 1);
        expect([Code.INVALID_ARGUMENT, Code.MALFORMED]).toContain(c);
      }
    }
    expect(core.traps).toBe(0);
    console.log(`PSBT fuzz: 100000 in ${(performance.now() - t0).toFixed(0)} ms, ${accepted} accepted, refusals by code ${JSON.stringify([...codes])}, traps ${core.traps}`);
    expect(accepted).toBeGreaterThan(1000);
  });
});
