// What LDK 0.1 does when the signer refuses: the facts the Vigil adapter's
// refusal / approval-queue design rests on. A—B, A signs through new_impl
// (traced KeysManager) with a policy hook; B uses KeysManager.
import { beforeAll, describe, expect, it } from "vitest";
import { initLdk, ldk } from "../../host/ldk/init.js";
import { Chain, Wallet } from "../../host/ldk/chain.js";
import { LdkNode } from "../../host/ldk/node.js";
import { keysManagerKeys } from "../../host/ldk/keys.js";
import { tracedKeys, type SignerCall } from "../../host/ldk/traced-keys.js";
import { Harness, claimed, invoice, pay, sent } from "../../host/ldk/harness.js";
import { sha256 } from "@noble/hashes/sha2.js";

const seed = (s: string) => sha256(new TextEncoder().encode(`vigil-refusal:${s}`));
const LIMIT_MSAT = 100_000_000n;

async function pair(tag: string, policy: (method: string, info: SignerCall["info"]) => string | null, calls: SignerCall[]) {
  const chain = new Chain();
  const wa = new Wallet(chain, `${tag}A`), wb = new Wallet(chain, `${tag}B`);
  chain.mine(1, [{ script: wa.script, amount: 3_000_000n }, { script: wb.script, amount: 1_000_000n }]);
  chain.mine(100);
  const A = new LdkNode({ name: "A", keys: tracedKeys(seed(`${tag}A`), calls, "traced", 0, policy), chain, wallet: wa });
  const B = new LdkNode({ name: "B", keys: keysManagerKeys(seed(`${tag}B`)), chain, wallet: wb });
  const h = new Harness(chain, [A, B]);
  await A.listen(); await B.listen();
  await A.connect(B);
  await h.waitFor("connected", () => A.peerCount() === 1 && B.peerCount() === 1);
  expect(A.channelManager.create_channel(B.nodeId, 2_000_000n, 100_000_000n, 1n, null, null).is_ok()).toBeTruthy();
  await h.waitFor("funding", () => chain.mempool.length === 1);
  await h.mine(3);
  await h.waitFor("usable", () => A.channelManager.list_usable_channels().length === 1 && B.channelManager.list_usable_channels().length === 1);
  return { A, B, h, chain };
}

describe("Err from validate_holder_commitment", () => {
  it("makes LDK force-close the channel (the peer's commitment_signed is rejected)", async () => {
    await initLdk();
    const calls: SignerCall[] = [];
    let refuse = false;
    const { A, B, h, chain } = await pair("v", (m) => (refuse && m === "validate_holder_commitment" ? "commitment-invalid" : null), calls);
    refuse = true;
    const hash = pay(B, invoice(A, 5_000_000n, "to A"));
    await h.waitFor("A closes", () => A.eventsOf(ldk.Event_ChannelClosed).length === 1, 10_000);
    const reason = (A.eventsOf(ldk.Event_ChannelClosed)[0] as ldk.Event_ChannelClosed).reason;
    if (process.env.SHOW_REASON) console.log("close reason", reason.constructor.name, JSON.stringify((reason as any).err ?? ""));
    expect(reason.constructor.name).toMatch(/ProcessingError|HolderForceClosed/);
    expect(claimed(A, hash)).toBeUndefined();
    expect(calls.some((c) => c.method === "validate_holder_commitment:refused")).toBe(true);
    expect(chain.broadcasts.some((b) => b.from === "A" && b.status === "accepted")).toBe(true); // A's commitment
    expect(chain.invalid).toEqual([]);
    await A.shutdown(); await B.shutdown();
  });
});

describe("signer refusals seen from LDK", () => {
  const calls: SignerCall[] = [];
  let approved = new Set<string>();
  let A: LdkNode, B: LdkNode, h: Harness, chain: Chain;
  const pendingRules: string[] = [];

  beforeAll(async () => {
    await initLdk();
    chain = new Chain();
    const wa = new Wallet(chain, "rA"), wb = new Wallet(chain, "rB");
    chain.mine(1, [{ script: wa.script, amount: 3_000_000n }, { script: wb.script, amount: 1_000_000n }]);
    chain.mine(100);
    // Velocity-style rule: an HTLC above LIMIT in a counterparty commitment needs approval.
    const policy = (method: string, info: SignerCall["info"]) => {
      if (method !== "sign_counterparty_commitment") return null;
      const big = String(info.htlcs).split(",").some((x) => { const m = /:(\d+)msat/.exec(x); return !!m && BigInt(m[1]) > LIMIT_MSAT; });
      if (!big) return null;
      if (approved.has(String(info.htlcs))) return null;
      pendingRules.push(`velocity-limit:${info.htlcs}`);
      return "velocity-limit";
    };
    A = new LdkNode({ name: "A", keys: tracedKeys(seed("A"), calls, "traced", 0, policy), chain, wallet: wa });
    B = new LdkNode({ name: "B", keys: keysManagerKeys(seed("B")), chain, wallet: wb });
    h = new Harness(chain, [A, B]);
    await A.listen(); await B.listen();
    await A.connect(B);
    await h.waitFor("connected", () => A.peerCount() === 1 && B.peerCount() === 1);
    expect(A.channelManager.create_channel(B.nodeId, 2_000_000n, 0n, 1n, null, null).is_ok()).toBeTruthy();
    await h.waitFor("funding", () => chain.mempool.length === 1);
    await h.mine(3);
    await h.waitFor("usable", () => A.channelManager.list_usable_channels().length === 1);
  }, 60_000);

  it("a small payment passes the policy", async () => {
    const hash = pay(A, invoice(B, 10_000_000n, "small"));
    await h.waitFor("small paid", () => !!sent(A, hash) && !!claimed(B, hash));
  });

  it("Err from sign_counterparty_commitment holds the HTLC; signer_unblocked after approval completes it", async () => {
    const hash = pay(A, invoice(B, 150_000_000n, "big"));
    await h.settle(20);
    await new Promise((r) => setTimeout(r, 200));
    await h.settle(20);
    expect(sent(A, hash)).toBeUndefined();
    expect(calls.some((c) => c.method === "sign_counterparty_commitment:refused" && c.info.rule === "velocity-limit")).toBe(true);
    // The held HTLC is visible in A's channel details while waiting for the signer.
    const pending = A.channelWith(B).get_pending_outbound_htlcs();
    expect(pending.length).toBe(1);
    // Approve: the host tells LDK the signer is ready again.
    approved = new Set(pendingRules.map((r) => r.slice("velocity-limit:".length)));
    A.channelManager.signer_unblocked(ldk.Option_C2Tuple_PublicKeyChannelIdZZ.constructor_none());
    await h.waitFor("big paid after approval", () => !!sent(A, hash) && !!claimed(B, hash));
    expect(A.callbackErrors).toEqual([]);
  });

  it("a declined payment keeps the channel waiting (no new updates) until the signer signs", async () => {
    approved = new Set();
    const hash = pay(A, invoice(B, 120_000_000n, "declined"));
    await h.settle(20);
    const refusedBefore = calls.filter((c) => c.method.endsWith(":refused")).length;
    // A further small payment cannot go out while the channel waits for the signer.
    const small = pay(A, invoice(B, 1_000_000n, "after decline"));
    await h.settle(20);
    await new Promise((r) => setTimeout(r, 200));
    await h.settle(20);
    expect(sent(A, hash)).toBeUndefined();
    expect(sent(A, small)).toBeUndefined();
    // signer_unblocked without approval: LDK asks again and is refused again.
    A.channelManager.signer_unblocked(ldk.Option_C2Tuple_PublicKeyChannelIdZZ.constructor_none());
    await h.settle(20);
    expect(calls.filter((c) => c.method.endsWith(":refused")).length).toBeGreaterThan(refusedBefore);
    expect(sent(A, hash)).toBeUndefined();
    await A.shutdown(); await B.shutdown();
  });
});
