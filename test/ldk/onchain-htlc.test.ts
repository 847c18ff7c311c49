// HTLCs resolved on chain with the preimage, claimed by a node whose signer is built
// with new_impl: from the counterparty's commitment (sign_counterparty_htlc_transaction)
// and from its own commitment (HTLC-success via sign_holder_htlc_transaction, then CSV sweep).
import { describe, expect, it } from "vitest";
import { sha256 } from "@noble/hashes/sha2.js";
import { initLdk, ldk } from "../../host/ldk/init.js";
import { Chain, Wallet } from "../../host/ldk/chain.js";
import { LdkNode } from "../../host/ldk/node.js";
import { keysManagerKeys } from "../../host/ldk/keys.js";
import { tracedKeys, type SignerCall } from "../../host/ldk/traced-keys.js";
import { Harness, ev, invoice, pay, sent } from "../../host/ldk/harness.js";
import { eqBytes, hex } from "../../host/ldk/tx.js";

async function run(tag: string, closer: "payer" | "payee") {
  await initLdk();
  const seed = (s: string) => sha256(new TextEncoder().encode(`vigil-onchain-htlc:${tag}:${s}`));
  const chain = new Chain();
  const wa = new Wallet(chain, `${tag}A`), wb = new Wallet(chain, `${tag}B`);
  chain.mine(1, [{ script: wa.script, amount: 1_000_000n }, { script: wb.script, amount: 3_000_000n }]);
  chain.mine(100);
  const calls: SignerCall[] = [];
  // A (payee, traced signer) holds B's payment, then claims it on chain.
  const A = new LdkNode({ name: "A", keys: tracedKeys(seed("A"), calls), chain, wallet: wa });
  const B = new LdkNode({ name: "B", keys: keysManagerKeys(seed("B")), chain, wallet: wb });
  const h = new Harness(chain, [A, B]);
  try {
    await A.listen(); await B.listen(); await B.connect(A);
    await h.waitFor("connected", () => A.peerCount() === 1 && B.peerCount() === 1);
    expect(B.channelManager.create_channel(A.nodeId, 1_000_000n, 0n, 1n, null, null).is_ok()).toBeTruthy();
    await h.waitFor("funding", () => chain.mempool.length === 1);
    await h.mine(3);
    await h.waitFor("usable", () => A.channelManager.list_usable_channels().length === 1 && B.channelManager.list_usable_channels().length === 1);
    const inv = invoice(A, 60_000_000n, "held");
    A.holdPayments.add(hex(inv.payment_hash()));
    const hash = pay(B, inv);
    await h.waitFor("claimable at A", () => A.heldPreimages.has(hex(hash)));
    await h.settle();
    const chan = A.channelWith(B);
    const closerNode = closer === "payer" ? B : A, other = closer === "payer" ? A : B;
    expect(closerNode.channelManager.force_close_broadcasting_latest_txn(chan.get_channel_id(), other.nodeId, "test").is_ok()).toBeTruthy();
    await h.settle();
    await h.mine(1);
    A.channelManager.claim_funds(A.heldPreimages.get(hex(hash))!);
    const lnLeft = () => [...chain.utxos.values()].filter((u) => !eqBytes(u.script, wa.script) && !eqBytes(u.script, wb.script)).length;
    for (let i = 0; i < 400 && (lnLeft() > 0 || chain.mempool.length > 0 || chain.waiting.length > 0 || !sent(B, hash)); i++) await h.mine(1);
    expect(sent(B, hash)).toBeTruthy(); // B learned the preimage from the chain
    expect(ev(A, ldk.Event_PaymentClaimed).length).toBe(1);
    expect(lnLeft()).toBe(0);
    expect(chain.invalid).toEqual([]);
    expect(calls.filter((c) => c.method.includes(":"))).toEqual([]);
    expect(A.callbackErrors).toEqual([]);
    return calls;
  } finally {
    await A.shutdown(); await B.shutdown();
  }
}

describe("on-chain HTLC claims with the preimage", () => {
  it("from the counterparty's commitment: sign_counterparty_htlc_transaction", async () => {
    const calls = await run("c", "payer");
    const c = calls.find((x) => x.method === "sign_counterparty_htlc_transaction");
    expect(c).toBeTruthy();
  }, 60_000);

  it("from our own commitment: HTLC-success (sign_holder_htlc_transaction with preimage), swept after the CSV delay", async () => {
    const calls = await run("h", "payee");
    const c = calls.find((x) => x.method === "sign_holder_htlc_transaction");
    expect(c?.info.hasPreimage).toBeTruthy();
    expect(calls.some((x) => x.method === "spend_spendable_outputs" && String(x.info.descriptors).includes("DelayedPaymentOutput"))).toBe(true);
  }, 60_000);
});
