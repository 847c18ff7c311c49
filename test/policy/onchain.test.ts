// On-chain wallet transactions (sign_onchain_tx): a funding PSBT built with
// @scure/btc-signer and keys derived with @scure/bip32 (independently of the
// core) is signed and its signature verified with noble; then one attack per
// rule of §On-chain transactions checked here, plus policy-velocity-funding.
import { describe, it, expect } from "vitest";
import * as btc from "@scure/btc-signer";
import { HDKey } from "@scure/bip32";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { Signer, Code, SignerError, type ChannelSetup } from "../../host/signer.js";
import { validateHolderCommitment, perCommitmentPoint } from "../../host/commitments.js";
import { allowlistAdd } from "../../host/payments.js";
import { signOnchainTx, walletAccount, type OutputClaim } from "../../host/onchain.js";
import type { PolicyInput } from "../../host/policy.js";
import { attack, attacks, expectRefused } from "./attack.js";
import { channelId, key, peerBasepoints, peerSignsHolder, point, setup, signer } from "./fixtures.js";
import { hex } from "../helpers.js";

const VALUE = 1_000_000n;
const SEED = new Uint8Array(32).fill(0x51); // fixtures' signer(): the LDK seed, whose BIP32 root is the wallet's
const TPUB = { private: 0x04358394, public: 0x043587cf };
const root = HDKey.fromMasterSeed(SEED, TPUB);
const account = root.derive("m/84'/1'/0'"); // regtest: coin type 1
const H = 0x80000000;
const walletKey = (branch: number, index: number) => account.deriveChild(branch).deriveChild(index);
const walletScript = (branch: number, index: number) => btc.p2wpkh(walletKey(branch, index).publicKey!).script;
const stranger = btc.p2wpkh(point("attacker")).script;
const bcrt = { ...btc.TEST_NETWORK, bech32: "bcrt" };
const errOf = (f: () => unknown) => { try { f(); } catch (e) { return e as SignerError; } throw new Error("accepted"); };

/** BOLT 3 funding script: 2-of-2 of the two funding keys in lexicographic order, as P2WSH. */
const fundingOutput = (a: Uint8Array, b: Uint8Array) => btc.p2wsh(btc.p2ms(2, [a, b].sort((x, y) => Buffer.compare(x, y)))).script;

interface Plan {
  s?: Signer; policy?: PolicyInput; n?: number;
  outbound?: boolean; countersign?: boolean; setupOver?: Partial<ChannelSetup>;
  inputSat?: bigint; inputIndex?: number; fee?: bigint; version?: number; sequence?: number;
  fundingSat?: bigint; fundingScript?: (ours: Uint8Array) => Uint8Array;
  change?: { branch: number; index: number; script?: Uint8Array };
  extra?: Array<{ script: Uint8Array; amount: bigint }>;
  legacyInputSat?: bigint; // a stranger's P2PKH input given as a non-witness UTXO
  inputPath?: number[]; // the derivation the node records for the wallet input
}

/**
 * A channel n funded by a PSBT of one wallet input (m/84'/1'/0'/0/inputIndex): output 0 funds the channel,
 * output 1 is change, then `extra`. The channel is set up with that tx's outpoint and, unless told
 * otherwise, the peer countersigns our first commitment — an honest funding flow.
 */
function fund(o: Plan = {}) {
  const s = o.s ?? signer(o.policy);
  const n = o.n ?? 1, id = channelId(n);
  const ours = s.newChannel(id, VALUE);
  const inputSat = o.inputSat ?? 3_000_000n, idx = o.inputIndex ?? 0;
  const tx = new btc.Transaction({ version: o.version ?? 2, allowUnknownVersion: true });
  const inPath = o.inputPath ?? [84 + H, 1 + H, H, 0, idx];
  const inKey = root.derive("m/" + inPath.map((c) => (c >= H ? `${c - H}'` : `${c}`)).join("/"));
  tx.addInput({ txid: key("utxo" + n + "/" + idx), index: 1, sequence: o.sequence ?? 0xfffffffd,
    witnessUtxo: { script: btc.p2wpkh(inKey.publicKey!).script, amount: inputSat },
    bip32Derivation: [[inKey.publicKey!, { fingerprint: root.fingerprint, path: inPath }]] });
  let legacy = 0n;
  if (o.legacyInputSat) {
    legacy = o.legacyInputSat;
    const prev = btc.RawTx.encode({ version: 2, segwitFlag: false, lockTime: 0,
      inputs: [{ txid: key("coinbase"), index: 0, finalScriptSig: new Uint8Array(0), sequence: 0xffffffff }],
      outputs: [{ amount: legacy, script: btc.p2pkh(point("stranger")).script }] });
    tx.addInput({ txid: btc.Transaction.fromRaw(prev, { allowUnknownOutputs: true }).id, index: 0, nonWitnessUtxo: prev });
  }
  const fundingSat = o.fundingSat ?? VALUE;
  const extra = o.extra ?? [];
  const change = o.change ?? { branch: 1, index: 0 };
  const changeSat = inputSat + legacy - fundingSat - (o.fee ?? 1_000n) - extra.reduce((a, x) => a + x.amount, 0n);
  tx.addOutput({ script: (o.fundingScript ?? ((k) => fundingOutput(k, peerBasepoints().funding)))(ours.funding), amount: fundingSat });
  tx.addOutput({ script: change.script ?? walletScript(change.branch, change.index), amount: changeSat });
  for (const x of extra) tx.addOutput({ script: x.script, amount: x.amount });
  const txid = Uint8Array.from(Buffer.from(tx.id, "hex").reverse()); // internal byte order
  const su = setup(n, { fundingTxid: txid, fundingVout: 0, isOutbound: o.outbound ?? true, ...o.setupOver });
  s.readyChannel(su);
  if (o.countersign ?? true) {
    const st = { number: 0n, feeratePerKw: 1000, htlcs: [],
      toHolderMsat: su.isOutbound ? VALUE * 1000n : 0n, toCounterpartyMsat: su.isOutbound ? 0n : VALUE * 1000n };
    const sg = peerSignsHolder(s, ours, su, st, perCommitmentPoint(s, id, 0n));
    validateHolderCommitment(s, id, st, sg.sig, sg.htlcSigs);
  }
  const claims: OutputClaim[] = [{ kind: "funding", channelId: id }, { kind: "change", ...change }, ...extra.map(() => ({ kind: "external" as const }))];
  const sign = (c = claims, t?: bigint) => signOnchainTx(s, tx.toPSBT(0), c, t);
  return { s, id, tx, txid, claims, sign, inputSat, changeSat };
}

describe("sign_onchain_tx", () => {
  it("wallet_account is BIP84 account 0 under the seed's BIP32 root", () => {
    const w = walletAccount(signer());
    expect(w.fingerprint).toBe(root.fingerprint);
    expect(w.path).toEqual([84 + H, 1 + H, H]);
    expect(w.xpub).toBe(account.publicExtendedKey);
  });

  it("signs an honest funding tx: the wallet key's signature verifies, and the signed tx is the channel's funding outpoint", () => {
    const f = fund();
    const before = hex(f.s.stateDigest());
    const { psbt, added } = f.sign();
    expect(added).toBe(1);
    expect(hex(f.s.stateDigest())).not.toBe(before); // the funding enters the velocity log
    const tx = btc.Transaction.fromPSBT(psbt);
    const [[pub, sig]] = tx.getInput(0).partialSig!;
    const k = walletKey(0, 0);
    expect(hex(pub)).toBe(hex(k.publicKey!));
    expect(sig[sig.length - 1]).toBe(btc.SigHash.ALL);
    const digest = tx.preimageWitnessV0(0, btc.p2pkh(k.publicKey!).script, btc.SigHash.ALL, f.inputSat);
    const compact = secp256k1.Signature.fromBytes(sig.subarray(0, -1), "der").toBytes("compact");
    expect(secp256k1.verify(compact, digest, k.publicKey!, { prehash: false })).toBe(true);
    tx.finalize();
    const signed = btc.Transaction.fromRaw(tx.extract());
    expect(hex(Uint8Array.from(Buffer.from(signed.id, "hex").reverse()))).toBe(hex(f.txid));
    expect(signed.getOutput(0).amount).toBe(VALUE);
    // A retry gets a signature again and is not counted twice.
    const d = hex(f.s.stateDigest());
    expect(f.sign().added).toBe(1);
    expect(hex(f.s.stateDigest())).toBe(d);
  });

  it("signs a wallet spend to an allowlisted address with change; nothing changes state", () => {
    const s = signer();
    const dest = btc.p2wpkh(point("exchange")).script;
    allowlistAdd(s, "address", btc.Address(bcrt).encode(btc.OutScript.decode(dest)));
    const tx = new btc.Transaction();
    const k = walletKey(1, 7);
    tx.addInput({ txid: key("spend"), index: 0, witnessUtxo: { script: btc.p2wpkh(k.publicKey!).script, amount: 500_000n },
      bip32Derivation: [[k.publicKey!, { fingerprint: root.fingerprint, path: [84 + H, 1 + H, H, 1, 7] }]] });
    tx.addOutput({ script: dest, amount: 300_000n });
    tx.addOutput({ script: walletScript(1, 27), amount: 199_000n }); // index 27 = 7 + walletGap: the last one allowed
    const d = hex(s.stateDigest());
    const out = signOnchainTx(s, tx.toPSBT(0), [{ kind: "external" }, { kind: "change", branch: 1, index: 27 }]);
    expect(out.added).toBe(1);
    expect(hex(s.stateDigest())).toBe(d);
    expect(errOf(() => signOnchainTx(s, tx.toPSBT(0), [{ kind: "external" }, { kind: "change", branch: 1, index: 28 }])).rule).toBe("policy-onchain-wallet-path-predictable");
  });

  it("never signs with a key outside the wallet account (the node key at m/0'); claims are typed errors when malformed", () => {
    const f = fund({ inputPath: [H] });
    expect(errOf(() => f.sign()).code).toBe(Code.INVALID_ARGUMENT);
    const g = fund();
    const d = hex(g.s.stateDigest());
    expect(errOf(() => g.sign(g.claims.slice(0, 1))).code).toBe(Code.MALFORMED); // one claim per output
    expect(errOf(() => g.sign([{ kind: "funding", channelId: channelId(9) }, g.claims[1]])).code).toBe(Code.INVALID_STATE);
    expect(errOf(() => signOnchainTx(g.s, Uint8Array.of(1, 2, 3), [])).code).toBe(Code.INVALID_ARGUMENT);
    expect(hex(g.s.stateDigest())).toBe(d);
  });
});

// --- attacks: §On-chain transactions (policy-onchain-no-channel-push is refused at ready_channel: channel-open.test.ts) ---
attack("policy-onchain-output-scriptpubkey", "funding output is a 2-of-2 with the attacker's key instead of the peer's", () => {
  const f = fund({ fundingScript: (ours) => fundingOutput(ours, point("attacker")) });
  expectRefused(f.s, "policy-onchain-output-scriptpubkey", () => f.sign());
});
attack("policy-onchain-output-match-commitment", "funding output short of the channel value, or at another outpoint", () => {
  const f = fund({ fundingSat: VALUE - 100_000n });
  expectRefused(f.s, "policy-onchain-output-match-commitment", () => f.sign());
  const g = fund({ setupOver: { fundingVout: 1 } });
  expectRefused(g.s, "policy-onchain-output-match-commitment", () => g.sign());
});
attack("policy-onchain-initial-commitment-countersigned", "funding before the peer signed our first commitment (hard: a filter cannot lift it)", () => {
  const f = fund({ countersign: false });
  expectRefused(f.s, "policy-onchain-initial-commitment-countersigned", () => f.sign());
  const g = fund({ countersign: false, policy: { filters: ["policy-onchain-*"] } });
  expectRefused(g.s, "policy-onchain-initial-commitment-countersigned", () => g.sign());
});
attack("policy-onchain-no-unknown-outputs", "an extra output to the attacker, claimed as a payment", () => {
  const f = fund({ extra: [{ script: stranger, amount: 50_000n }] });
  expectRefused(f.s, "policy-onchain-no-unknown-outputs", () => f.sign());
  allowlistAdd(f.s, "address", btc.Address(bcrt).encode(btc.OutScript.decode(stranger)));
  expect(f.sign().added).toBe(1); // once the operator allowlists it
});
attack("policy-onchain-no-fund-inbound", "node asks us to fund a channel the peer opened", () => {
  const f = fund({ outbound: false });
  expectRefused(f.s, "policy-onchain-no-fund-inbound", () => f.sign());
});
attack("policy-onchain-wallet-path-predictable", "change to the attacker claimed as ours, or past the wallet gap", () => {
  const f = fund({ change: { branch: 1, index: 0, script: stranger } });
  expectRefused(f.s, "policy-onchain-wallet-path-predictable", () => f.sign());
  const g = fund({ change: { branch: 1, index: 21 } }); // input at index 0, walletGap 20: indexes 0..20
  expectRefused(g.s, "policy-onchain-wallet-path-predictable", () => g.sign());
  const h = fund({ change: { branch: 5, index: 0 } });
  expectRefused(h.s, "policy-onchain-wallet-path-predictable", () => h.sign());
});
attack("policy-onchain-fee-range", "0.004 BTC burnt in fees, or no fee at all", () => {
  const f = fund({ fee: 400_000n });
  expectRefused(f.s, "policy-onchain-fee-range", () => f.sign());
  const g = fund({ fee: 0n });
  expectRefused(g.s, "policy-onchain-fee-range", () => g.sign());
  const h = fund({ fee: 30_000n, policy: { onchainFeeMaxSat: 20_000n } });
  expectRefused(h.s, "policy-onchain-fee-range", () => h.sign());
});
attack("policy-onchain-format-standard", "non-standard version, a BIP68 lock on the funding input", () => {
  const f = fund({ version: 3 });
  expectRefused(f.s, "policy-onchain-format-standard", () => f.sign());
  const g = fund({ sequence: 1000 });
  expectRefused(g.s, "policy-onchain-format-standard", () => g.sign());
});
attack("policy-onchain-funding-non-malleable", "a funding tx with a legacy (non-segwit) input: its txid can change", () => {
  const f = fund({ legacyInputSat: 200_000n });
  expectRefused(f.s, "policy-onchain-funding-non-malleable", () => f.sign());
});
attack("policy-onchain-max-size", "funding tx over the configured weight", () => {
  const f = fund({ policy: { maxTxWeight: 500 } });
  expectRefused(f.s, "policy-onchain-max-size", () => f.sign());
});
attack("policy-velocity-funding", "a second channel in the same window over the funding limit", () => {
  const t0 = 1_700_000_000n;
  const f = fund({ policy: { velocityFundingMaxSat: 1_500_000n } });
  expect(f.sign(undefined, t0).added).toBe(1);
  const g = fund({ s: f.s, n: 2, inputIndex: 1, change: { branch: 1, index: 1 } });
  expectRefused(f.s, "policy-velocity-funding", () => g.sign(undefined, t0 + 3600n));
  expect(g.sign(undefined, t0 + 86_400n).added).toBe(1); // the first funding left the window
});

describe("attacks", () => {
  for (const a of attacks) it(`${a.rule}: ${a.name}`, () => a.run());
});
