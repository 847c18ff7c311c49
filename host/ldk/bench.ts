// open / pay×N / close between two LDK nodes on the synthetic chain, timed, with a
// pluggable KeysFactory for the payer. Baseline for issue 8's bench (Vigil in-process
// vs KeysManager). `npx tsx host/ldk/bench.ts [N]`.
import { sha256 } from "@noble/hashes/sha2.js";
import { Chain, Wallet } from "./chain.js";
import { Harness, claimed, invoice, pay, sent } from "./harness.js";
import { initLdk, ldk } from "./init.js";
import { keysManagerKeys, type NodeKeys } from "./keys.js";
import { LdkNode } from "./node.js";
import { tracedKeys, type SignerCall } from "./traced-keys.js";

export interface BenchResult { label: string; payments: number; openMs: number; payMs: number; closeMs: number; totalMs: number; msPerPayment: number; signerCallsPerPayment: number | null }

export async function benchOpenPayClose(label: string, payerKeys: (seed: Uint8Array, walletScript: Uint8Array) => NodeKeys, n: number, calls?: SignerCall[]): Promise<BenchResult> {
  await initLdk();
  const seed = (s: string) => sha256(new TextEncoder().encode(`vigil-bench:${s}`));
  const chain = new Chain();
  const wa = new Wallet(chain, "benchA"), wb = new Wallet(chain, "benchB");
  chain.mine(1, [{ script: wa.script, amount: 3_000_000n }, { script: wb.script, amount: 1_000_000n }]);
  chain.mine(100);
  const A = new LdkNode({ name: "A", keys: payerKeys(seed("A"), wa.script), chain, wallet: wa });
  const B = new LdkNode({ name: "B", keys: keysManagerKeys(seed("B")), chain, wallet: wb });
  const h = new Harness(chain, [A, B]);
  try {
    await A.listen(); await B.listen();
    const t0 = Date.now();
    await A.connect(B);
    await h.waitFor("connected", () => A.peerCount() === 1 && B.peerCount() === 1);
    if (!A.channelManager.create_channel(B.nodeId, 2_000_000n, 0n, 1n, null, null).is_ok()) throw new Error("create_channel");
    await h.waitFor("funding", () => chain.mempool.length === 1);
    await h.mine(3);
    await h.waitFor("usable", () => A.channelManager.list_usable_channels().length === 1 && B.channelManager.list_usable_channels().length === 1);
    const t1 = Date.now();
    const before = calls?.length ?? 0;
    for (let i = 0; i < n; i++) {
      const hash = pay(A, invoice(B, 1_000_000n + BigInt(i), `bench ${i}`));
      await h.waitFor(`payment ${i}`, () => !!sent(A, hash) && !!claimed(B, hash));
    }
    const t2 = Date.now();
    const perPay = calls ? (calls.length - before) / n : null;
    const chan = A.channelWith(B);
    if (!A.channelManager.close_channel(chan.get_channel_id(), B.nodeId).is_ok()) throw new Error("close_channel");
    await h.waitFor("closing tx", () => chain.mempool.length === 1);
    await h.mine(1);
    await h.waitFor("closed", () => A.eventsOf(ldk.Event_ChannelClosed).length === 1 && B.eventsOf(ldk.Event_ChannelClosed).length === 1);
    const t3 = Date.now();
    if (chain.invalid.length) throw new Error(`invalid tx: ${chain.invalid[0].error}`);
    return { label, payments: n, openMs: t1 - t0, payMs: t2 - t1, closeMs: t3 - t2, totalMs: t3 - t0, msPerPayment: (t2 - t1) / n, signerCallsPerPayment: perPay };
  } finally {
    await A.shutdown(); await B.shutdown();
    A.keys.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 100);
  const calls: SignerCall[] = [];
  const rows = [
    await benchOpenPayClose("KeysManager", (s) => keysManagerKeys(s), n),
    await benchOpenPayClose("new_impl → KeysManager (adapter shape)", (s) => tracedKeys(s, calls), n, calls),
  ];
  for (const r of rows) console.log(`${r.label.padEnd(42)} open ${r.openMs} ms, pay×${r.payments} ${r.payMs} ms (${r.msPerPayment.toFixed(2)} ms each), close ${r.closeMs} ms, total ${r.totalMs} ms${r.signerCallsPerPayment !== null ? `, ${r.signerCallsPerPayment} signer calls/payment` : ""}`);
  console.log(`ratio ${(rows[1].totalMs / rows[0].totalMs).toFixed(2)}x`);
}
