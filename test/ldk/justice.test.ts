// B broadcasts a revoked commitment; A's ChannelMonitor takes everything with a
// justice transaction signed through A's (new_impl) signer. Every tx is verified.
import { describe, expect, it } from "vitest";
import { sha256 } from "@noble/hashes/sha2.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { initLdk, ldk } from "../../host/ldk/init.js";
import { Chain, Wallet } from "../../host/ldk/chain.js";
import { LdkNode } from "../../host/ldk/node.js";
import { commitmentHtlcs, holderInner, tracedKeys, type SignerCall } from "../../host/ldk/traced-keys.js";
import { Harness, claimed, invoice, pay, sent } from "../../host/ldk/harness.js";
import { eqBytes, makeTx, parseTx } from "../../host/ldk/tx.js";

const seed = (s: string) => sha256(new TextEncoder().encode(`vigil-justice:${s}`));
const der = (compact: Uint8Array) => Uint8Array.from([...secp256k1.Signature.fromBytes(compact, "compact").toBytes("der"), 1]);
const cmp = (a: Uint8Array, b: Uint8Array) => { for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i]; return 0; };

describe("revoked commitment → justice", () => {
  for (const withHtlc of [false, true]) it(`A sweeps B's revoked commitment entirely (${withHtlc ? "state with an HTLC: sign_justice_revoked_htlc" : "no HTLC"})`, async () => {
    await initLdk();
    const chain = new Chain();
    const wa = new Wallet(chain, `jA${withHtlc}`), wb = new Wallet(chain, `jB${withHtlc}`);
    chain.mine(1, [{ script: wa.script, amount: 3_000_000n }, { script: wb.script, amount: 1_000_000n }]);
    chain.mine(100);
    const callsA: SignerCall[] = [], callsB: SignerCall[] = [];
    const ka = tracedKeys(seed("A"), callsA), kb = tracedKeys(seed("B"), callsB);
    const A = new LdkNode({ name: "A", keys: ka, chain, wallet: wa });
    const B = new LdkNode({ name: "B", keys: kb, chain, wallet: wb });
    const h = new Harness(chain, [A, B]);
    try {
      await A.listen(); await B.listen(); await A.connect(B);
      await h.waitFor("connected", () => A.peerCount() === 1 && B.peerCount() === 1);
      expect(A.channelManager.create_channel(B.nodeId, 1_000_000n, 0n, 1n, null, null).is_ok()).toBeTruthy();
      await h.waitFor("funding", () => chain.mempool.length === 1);
      await h.mine(3);
      await h.waitFor("usable", () => A.channelManager.list_usable_channels().length === 1 && B.channelManager.list_usable_channels().length === 1);
      for (const [from, to, msat] of [[A, B, 90_000_000n], [B, A, 40_000_000n]] as const) {
        const hash = pay(from, invoice(to, msat, "j"));
        await h.waitFor("paid", () => !!sent(from, hash) && !!claimed(to, hash));
      }
      await h.settle();
      const walletB = wb.balance();

      // B's best old state: the holder commitment (no HTLCs) where B had the most.
      const cap = [...kb.captured.values()].find((c) => c.params && c.holderCommitments.length > 2)!;
      const states = cap.holderCommitments.map((hc) => ({ hc, ct: holderInner(hc) })).filter((s) => s.ct.to_broadcaster_value_sat() > 0n);
      const best = withHtlc
        ? states.find((st) => commitmentHtlcs(st.ct).length > 0 && st !== states[states.length - 1])!
        : states.reduce((x, y) => (y.ct.to_broadcaster_value_sat() > x.ct.to_broadcaster_value_sat() ? y : x));
      const latest = states[states.length - 1];
      expect(best.ct.commitment_number()).toBeGreaterThan(latest.ct.commitment_number()); // older = higher number
      const sigB = (cap.rawSigner.sign_holder_commitment(best.hc) as ldk.Result_ECDSASignatureNoneZ_OK).res;
      const sigA = best.hc.get_counterparty_sig();
      const pkB = cap.params!.get_holder_pubkeys().get_funding_pubkey();
      const pkA = cap.params!.get_counterparty_parameters().get_pubkeys().get_funding_pubkey();
      const [p1, p2] = cmp(pkA, pkB) < 0 ? [pkA, pkB] : [pkB, pkA];
      const script = Uint8Array.from([0x52, 33, ...p1, 33, ...p2, 0x52, 0xae]);
      const sigs = eqBytes(p1, pkA) ? [der(sigA), der(sigB)] : [der(sigB), der(sigA)];
      const unsigned = parseTx(best.ct.trust().built_transaction().get_transaction());
      const cheat = makeTx({ ...unsigned, inputs: [{ ...unsigned.inputs[0], witness: [new Uint8Array(0), ...sigs, script] }] });
      const rec = chain.broadcast(cheat.raw, "B-cheat");
      expect(rec.status).toBe("accepted"); // a validly signed (but revoked) commitment

      await h.mine(1);
      const lnLeft = () => [...chain.utxos.values()].filter((u) => !eqBytes(u.script, wa.script) && !eqBytes(u.script, wb.script)).length;
      for (let i = 0; i < 50 && (lnLeft() > 0 || chain.mempool.length > 0); i++) await h.mine(1);

      expect(callsA.some((c) => c.method === "sign_justice_revoked_output")).toBe(true);
      if (withHtlc) expect(callsA.some((c) => c.method === "sign_justice_revoked_htlc")).toBe(true);
      expect(lnLeft()).toBe(0);
      expect(chain.invalid).toEqual([]);
      expect(wb.balance()).toBe(walletB); // the cheater got nothing on chain
      expect(A.callbackErrors).toEqual([]);
      expect(callsA.filter((c) => c.method.includes(":"))).toEqual([]);
    } finally {
      await A.shutdown(); await B.shutdown();
    }
  }, 60_000);
});
