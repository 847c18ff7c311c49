// The A—B—C demo flow on the synthetic chain: open, confirm, A pays C via B,
// C pays A, cooperative close of B–C, force close of A–B with an HTLC in flight
// (HTLC-timeout and to_local swept after the CSV delay), balances checked to
// the msat (channel side) and to the sat (chain side).
import { ldk } from "./init.js";
import { Chain, Wallet } from "./chain.js";
import { keysManagerKeys, type NodeKeys } from "./keys.js";
import { LdkNode } from "./node.js";
import { Harness, claimed, ev, failedPay, invoice, pay, sent } from "./harness.js";
import { eqBytes, hex, rev } from "./tx.js";
import { Followers, type FollowStats } from "./followers.js";
import { sha256 } from "@noble/hashes/sha2.js";

/** `incarnation` is 0 at first start and counts restarts (KeysManager needs a new starting time per restart). */
export type KeysFactory = (name: "A" | "B" | "C", seed: Uint8Array, incarnation: number, ctx: { walletScript: Uint8Array }) => NodeKeys;

export interface ScenarioOptions {
  /** Keys for each node; default LDK KeysManager for all three. */
  makeKeys?: KeysFactory;
  print?: (line: string) => void;
  ldkLog?: boolean;
  /** Restart node A from its persisted ChannelManager + ChannelMonitors mid-way (default true). */
  restartA?: boolean;
  /**
   * Nodes whose Vigil signer follows the demo chain and proves the funding
   * outputs of its channels (host/ldk/followers.ts); default A and C, the
   * nodes that sign through Vigil (B keeps KeysManager); false: none.
   */
  follow?: ("A" | "B" | "C")[] | false;
  /**
   * A's signer refuses a payment over its velocity limit (A's policy must set
   * velocitySendMaxMsat below the demo's sends plus `msat`): the step pays B
   * `msat` and expects `refusals()` (A's signer's) to name the rule.
   */
  blocked?: { msat: bigint; rule: string; refusals: () => { method: string; rule: string }[] };
}

export interface StepResult { name: string; ms: number; detail: string }
export interface Check { what: string; expected: string; actual: string; ok: boolean }
export interface ScenarioReport {
  steps: StepResult[];
  checks: Check[];
  payments: { name: string; hash: string; amountMsat: bigint; feeMsat: bigint; settled: boolean }[];
  broadcasts: Chain["broadcasts"];
  invalid: Chain["invalid"];
  confirmedTxs: number;
  callbackErrors: string[];
  blocks: number;
  totalMs: number;
  ok: boolean;
  failure: string | null;
  /** The chain the scenario ran on (for further checks). */
  chain: Chain;
  /** What each followed node's chain follower did (null when `follow` is false). */
  followers: Record<string, FollowStats & { tip: number }> | null;
}

export const CHANNEL_SAT = 1_000_000n;
export const WALLET_SAT = 5_000_000n;
const A_TO_C_MSAT = 50_000_000n;
const C_TO_A_MSAT = 20_000_000n;
const HELD_MSAT = 30_000_000n;
const FWD_FEE_MSAT = 1_000n; // LDK default forwarding_fee_base_msat, 0 ppm

export const seedOf = (name: string) => sha256(new TextEncoder().encode(`vigil-demo-node:${name}`));

export async function runScenario(opts: ScenarioOptions = {}): Promise<ScenarioReport> {
  const print = opts.print ?? (() => {});
  const t0 = Date.now();
  const steps: StepResult[] = [];
  const checks: Check[] = [];
  const payments: ScenarioReport["payments"] = [];
  const check = (what: string, expected: unknown, actual: unknown) => {
    const c = { what, expected: String(expected), actual: String(actual), ok: String(expected) === String(actual) };
    checks.push(c);
    print(`      ${c.ok ? "ok  " : "FAIL"} ${what}: ${c.actual}${c.ok ? "" : ` (expected ${c.expected})`}`);
    return c.ok;
  };
  const step = async (name: string, fn: () => Promise<string> | string) => {
    const s = Date.now();
    print(`> ${name}`);
    const detail = await fn();
    const ms = Date.now() - s;
    steps.push({ name, ms, detail });
    print(`  ${detail} [${ms} ms]`);
  };

  // ------------------------------------------------------------ chain + nodes
  const chain = new Chain();
  const wallets = { A: new Wallet(chain, "A"), B: new Wallet(chain, "B"), C: new Wallet(chain, "C") };
  chain.mine(1, Object.values(wallets).map((w) => ({ script: w.script, amount: WALLET_SAT })));
  chain.mine(100); // coinbase maturity
  const mk: KeysFactory = opts.makeKeys ?? ((_n, seed, inc) => keysManagerKeys(seed, { secs: 1_700_000_000n + BigInt(inc), nanos: 0 }));
  const names = ["A", "B", "C"] as const;
  const nodes = {} as Record<"A" | "B" | "C", LdkNode>;
  for (const n of names) {
    nodes[n] = new LdkNode({ name: n, keys: mk(n, seedOf(n), 0, { walletScript: wallets[n].script }), chain, wallet: wallets[n], log: opts.ldkLog ? print : undefined });
  }
  let { A, B, C } = nodes;
  let all = [A, B, C];

  const h = new Harness(chain, all);
  const followed = opts.follow === false ? [] : opts.follow ?? ["A", "C"];
  const followers = followed.length ? new Followers(chain, Object.fromEntries(followed.map((n) => [n, seedOf(n)]))) : null;
  if (followers) { await followers.start(); h.onBlock = () => followers.sync(); }
  type Funding = { label: string; txid: Uint8Array; vout: number; nodes: ("A" | "B" | "C")[] };
  const fundings: Funding[] = [];
  /** The followers' proven status of a funding output, for each node in the channel. */
  const fundingChecks = (f: Funding, what: string, want: (st: ReturnType<Followers["status"]>) => unknown, expected: unknown) => {
    for (const n of f.nodes) if (followed.includes(n)) check(`${n}'s signer: ${f.label} funding ${what}`, expected, want(followers!.status(n, f.txid, f.vout)));
  };
  const pump = () => h.pump();
  const waitFor = (what: string, cond: () => boolean, timeoutMs?: number) => h.waitFor(what, cond, timeoutMs);
  const settle = () => h.settle();
  const mine = (n: number) => h.mine(n);

  // msat ledger of each side of each channel (value_to_self, before commitment fees)
  const ledger = { AB: { A: CHANNEL_SAT * 1000n, B: 0n }, BC: { B: CHANNEL_SAT * 1000n, C: 0n } };
  let abId: ldk.ChannelId, bcId: ldk.ChannelId;
  let failure: string | null = null;
  const ok = () => failure === null && checks.every((c) => c.ok) && chain.invalid.length === 0;

  try {
    await step("start three LDK nodes on loopback TCP and connect A—B—C", async () => {
      for (const n of all) await n.listen();
      await A.connect(B);
      await C.connect(B);
      await waitFor("peers connected", () => A.peerCount() === 1 && C.peerCount() === 1 && B.peerCount() === 2);
      return all.map((n) => `${n.name}=${n.id.slice(0, 16)}… (${n.keys.kind}, :${n.port})`).join("  ");
    });

    await step("open A–B (A funds) and B–C (B funds), 1 000 000 sat each", async () => {
      const r1 = A.channelManager.create_channel(B.nodeId, CHANNEL_SAT, 0n, 1n, null, null);
      const r2 = B.channelManager.create_channel(C.nodeId, CHANNEL_SAT, 0n, 2n, null, null);
      if (!r1.is_ok() || !r2.is_ok()) throw new Error("create_channel failed");
      await waitFor("funding broadcast", () => ev(A, ldk.Event_ChannelPending).length === 1 && ev(B, ldk.Event_ChannelPending).length === 2 && ev(C, ldk.Event_ChannelPending).length === 1);
      if (followers) {
        const txo = (n: LdkNode) => ev(n, ldk.Event_ChannelPending)[0].funding_txo;
        fundings.push({ label: "A–B", txid: txo(A).get_txid(), vout: txo(A).get_index(), nodes: ["A", "B"] });
        fundings.push({ label: "B–C", txid: txo(C).get_txid(), vout: txo(C).get_index(), nodes: ["B", "C"] });
        for (const f of fundings) for (const n of f.nodes) if (followed.includes(n)) followers.watch(n, f.txid, f.vout);
      }
      return `funding txs in mempool: ${chain.mempool.length}`;
    });

    await step("mine 3 blocks, channels ready", async () => {
      await mine(3);
      await waitFor("channels usable", () => A.channelManager.list_usable_channels().length === 1 && C.channelManager.list_usable_channels().length === 1 && B.channelManager.list_usable_channels().length === 2);
      abId = A.channelWith(B).get_channel_id();
      bcId = B.channelWith(C).get_channel_id();
      if (followers) {
        const depth = Number(followers.get(followed[0]).signer.policy().minFundingDepth);
        for (const f of fundings) {
          fundingChecks(f, "confirmed at (proven by a merkle branch)", (st) => st.confHeight, chain.txHeight.get(hex(f.txid)));
          fundingChecks(f, `at least min_funding_depth (${depth}) deep and unspent at the signer's tip (policy-commitment-spends-active-utxo)`, (st) => st.unspentAtTip && st.depth >= depth, true);
        }
      }
      return `height ${chain.height}; A–B ${hex(abId.get_a()).slice(0, 16)}…, B–C ${hex(bcId.get_a()).slice(0, 16)}…`;
    });

    const payStep = async (name: string, from: LdkNode, to: LdkNode, msat: bigint) => {
      await step(name, async () => {
        const inv = invoice(to, msat, name);
        const hash = pay(from, inv);
        await waitFor("payment settled", () => !!sent(from, hash) && !!claimed(to, hash) && ev(B, ldk.Event_PaymentForwarded).length >= payments.length + 1);
        await settle();
        const s = sent(from, hash);
        const fee = s.fee_paid_msat instanceof ldk.Option_u64Z_Some ? s.fee_paid_msat.some : -1n;
        payments.push({ name, hash: hex(hash), amountMsat: msat, feeMsat: fee, settled: true });
        check(`${name}: claimed amount msat`, msat, claimed(to, hash).amount_msat);
        check(`${name}: routing fee msat`, FWD_FEE_MSAT, fee);
        return `invoice ${inv.to_str().slice(0, 24)}… paid, fee ${fee} msat`;
      });
    };
    await payStep("A pays C 50 000 sat through B", A, C, A_TO_C_MSAT);
    ledger.AB.A -= A_TO_C_MSAT + FWD_FEE_MSAT; ledger.AB.B += A_TO_C_MSAT + FWD_FEE_MSAT;
    ledger.BC.B -= A_TO_C_MSAT; ledger.BC.C += A_TO_C_MSAT;
    await payStep("C pays A 20 000 sat through B", C, A, C_TO_A_MSAT);
    ledger.BC.C -= C_TO_A_MSAT + FWD_FEE_MSAT; ledger.BC.B += C_TO_A_MSAT + FWD_FEE_MSAT;
    ledger.AB.B -= C_TO_A_MSAT; ledger.AB.A += C_TO_A_MSAT;

    await step("channel balances match the msat ledger", () => {
      const side = (n: LdkNode, peer: LdkNode) => {
        const d = n.channelWith(peer);
        const reserve = d.get_unspendable_punishment_reserve();
        return { out: d.get_outbound_capacity_msat(), inb: d.get_inbound_capacity_msat(), reserve: reserve instanceof ldk.Option_u64Z_Some ? reserve.some : 0n };
      };
      const a = side(A, B), bA = side(B, A), bC = side(B, C), c = side(C, B);
      // outbound_capacity = value_to_self - own reserve (the reserve the peer requires us to keep)
      check("A–B: A outbound + reserve", ledger.AB.A, a.out + a.reserve * 1000n);
      check("A–B: B outbound + reserve", ledger.AB.B, bA.out + bA.reserve * 1000n);
      check("B–C: B outbound + reserve", ledger.BC.B, bC.out + bC.reserve * 1000n);
      check("B–C: C outbound + reserve", ledger.BC.C, c.out + c.reserve * 1000n);
      return `A–B A=${ledger.AB.A} B=${ledger.AB.B} msat; B–C B=${ledger.BC.B} C=${ledger.BC.C} msat`;
    });

    if (opts.restartA !== false) await step("restart node A from its persisted ChannelManager + ChannelMonitors", async () => {
      const state = A.persistedState();
      const oldId = A.id;
      await A.shutdown();
      await waitFor("B sees A disconnect", () => B.peerCount() === 1);
      A = new LdkNode({ name: "A", keys: mk("A", seedOf("A"), 1, { walletScript: wallets.A.script }), chain, wallet: wallets.A, restore: state, log: opts.ldkLog ? print : undefined });
      if (followers && followed.includes("A")) {
        followers.get("A").restart();
        check("A's signer: chain tip after restart", chain.height, followers.tip("A").height);
        fundingChecks({ ...fundings[0], nodes: ["A"] }, "still proven unspent at the tip after restart", (st) => st.unspentAtTip, true);
      }
      all = [A, B, C];
      h.nodes = all;
      await A.listen();
      await A.connect(B);
      await waitFor("A–B usable again", () => A.channelManager.list_usable_channels().length === 1 && B.channelManager.list_usable_channels().length === 2);
      check("A's node id after restart", oldId, A.id);
      const d = A.channelWith(B);
      const reserve = d.get_unspendable_punishment_reserve();
      check("A–B: A outbound + reserve after restart", ledger.AB.A, d.get_outbound_capacity_msat() + (reserve instanceof ldk.Option_u64Z_Some ? reserve.some : 0n) * 1000n);
      return `manager ${state.manager.length} B + ${state.monitors.length} monitor(s) ${state.monitors.map((m) => m.length).join("/")} B; channel reestablished`;
    });

    await step("cooperative close of B–C", async () => {
      const r = B.channelManager.close_channel(bcId, C.nodeId);
      if (!r.is_ok()) throw new Error("close_channel failed");
      await waitFor("closing tx broadcast", () => chain.mempool.length > 0);
      const closing = chain.mempool[0];
      await mine(1);
      await waitFor("ChannelClosed on B and C", () => ev(B, ldk.Event_ChannelClosed).length === 1 && ev(C, ldk.Event_ChannelClosed).length === 1);
      const lb = ev(B, ldk.Event_ChannelClosed)[0].last_local_balance_msat, lc = ev(C, ldk.Event_ChannelClosed)[0].last_local_balance_msat;
      if (followers) fundingChecks(fundings[1], "seen spent by the closing tx", (st) => st.spentHeight === chain.height ? hex(st.spendTxid) : "not spent", hex(closing.txid));
      check("B–C: B last_local_balance_msat", ledger.BC.B, lb instanceof ldk.Option_u64Z_Some ? lb.some : "none");
      check("B–C: C last_local_balance_msat", ledger.BC.C, lc instanceof ldk.Option_u64Z_Some ? lc.some : "none");
      const fee = chain.fee(closing);
      const outs = closing.outputs.map((o) => o.amount).sort((x, y) => Number(x - y));
      // C (non-funder) gets floor(msat/1000); B (funder) pays the closing fee
      check("closing tx: C's output sat", ledger.BC.C / 1000n, outs[0]);
      check("closing tx: B's output + closing fee sat = floor(B msat / 1000)", ledger.BC.B / 1000n, outs[1] + fee);
      return `closing tx ${hex(rev(closing.txid)).slice(0, 16)}… outputs ${outs.join(" + ")} sat, fee ${fee} sat`;
    });

    let heldHash: Uint8Array = new Uint8Array(0);
    await step("A pays B 30 000 sat; B holds the HTLC (does not claim)", async () => {
      const inv = invoice(B, HELD_MSAT, "held");
      B.holdPayments.add(hex(inv.payment_hash()));
      heldHash = pay(A, inv);
      await waitFor("PaymentClaimable at B", () => ev(B, ldk.Event_PaymentClaimable, (e) => eqBytes(e.payment_hash, heldHash)).length === 1);
      await settle();
      const htlcs = A.channelWith(B).get_pending_outbound_htlcs();
      return `A has ${htlcs.length} outbound HTLC on A–B`;
    });

    if (opts.blocked) {
      const b = opts.blocked;
      await step(`A tries to pay B ${Number(b.msat / 1000n).toLocaleString("en").replace(/,/g, " ")} sat: refused by A's signer`, async () => {
        const before = b.refusals().length;
        const inv = invoice(B, b.msat, "over the limit");
        const hash = pay(A, inv);
        await waitFor("A's signer refuses", () => b.refusals().length > before);
        await settle();
        const r = b.refusals()[before];
        check("A's signer refusal: rule id", b.rule, r.rule);
        check("the blocked payment did not reach B", 0, ev(B, ldk.Event_PaymentClaimable, (e) => eqBytes(e.payment_hash, hash)).length);
        return `${r.method} refused with ${r.rule}; no signature left A's signer`;
      });
    }

    let commitmentTxid = "";
    await step("A force-closes A–B with the HTLC in flight", async () => {
      const before = chain.broadcasts.length;
      const r = A.channelManager.force_close_broadcasting_latest_txn(abId, B.nodeId, "demo force close");
      if (!r.is_ok()) throw new Error("force_close failed");
      await settle();
      const acc = chain.broadcasts.slice(before).filter((b) => b.status === "accepted");
      commitmentTxid = acc[0]?.txid ?? "";
      await mine(1);
      await waitFor("ChannelClosed on A and B", () => ev(A, ldk.Event_ChannelClosed).length === 1 && ev(B, ldk.Event_ChannelClosed).length === 2);
      const la = ev(A, ldk.Event_ChannelClosed)[0].last_local_balance_msat;
      if (followers) fundingChecks(fundings[0], "seen spent by the commitment", (st) => st.spentHeight === chain.height ? hex(rev(st.spendTxid)) : "not spent", commitmentTxid);
      check("A–B: A last_local_balance_msat (includes the in-flight HTLC)", ledger.AB.A, la instanceof ldk.Option_u64Z_Some ? la.some : "none");
      const commit = chain.getTx(rev(Buffer.from(commitmentTxid, "hex")));
      const outs = commit ? commit.outputs.map((o) => o.amount) : [];
      check("commitment tx has to_local, to_remote and HTLC outputs", 3, outs.length);
      check("commitment: B's to_remote sat = floor(B msat / 1000)", ledger.AB.B / 1000n, outs.includes(ledger.AB.B / 1000n) ? ledger.AB.B / 1000n : outs.join("/"));
      check("commitment: HTLC output sat", HELD_MSAT / 1000n, outs.includes(HELD_MSAT / 1000n) ? HELD_MSAT / 1000n : outs.join("/"));
      if (commit) {
        const commitFee = chain.fee(commit);
        const toLocal = outs.find((o) => o !== HELD_MSAT / 1000n && o !== ledger.AB.B / 1000n) ?? -1n;
        check("commitment: A's to_local + commitment fee sat = floor((A msat - HTLC) / 1000)", (ledger.AB.A - HELD_MSAT) / 1000n, toLocal + commitFee);
      }
      return `commitment ${commitmentTxid.slice(0, 16)}… outputs ${outs.join(", ")} sat confirmed at ${chain.height}`;
    });

    await step("mine until the HTLC times out and every output is swept after its CSV delay", async () => {
      const start = chain.height;
      const lnLeft = () => [...chain.utxos.values()].filter((u) => !Object.values(wallets).some((w) => eqBytes(w.script, u.script))).length;
      let mined = 0;
      while (mined < 600) {
        await mine(1); mined++;
        if (lnLeft() === 0 && chain.mempool.length === 0 && chain.waiting.length === 0 && failedPay(A, heldHash)) break;
      }
      check("A's held payment failed back after on-chain HTLC timeout", true, !!failedPay(A, heldHash));
      check("no channel outputs left unswept", 0, lnLeft());
      const sweeps = all.map((n) => `${n.name}:${n.sweeps.length}`).join(" ");
      return `${mined} blocks (height ${start}→${chain.height}); sweep txs ${sweeps}`;
    });

    await step("on-chain accounting", () => {
      const minted = WALLET_SAT * 3n;
      const fees = chain.blocks.flatMap((b) => b.txs.slice(1)).reduce((s, t) => s + chain.fee(t), 0n);
      const bal = Object.fromEntries(Object.entries(wallets).map(([k, w]) => [k, w.balance()]));
      check("wallets + fees = coins minted (sat)", minted, bal.A + bal.B + bal.C + fees);
      check("every broadcast tx valid (scripts + signatures)", 0, chain.invalid.length);
      check("no LDK callback errors", 0, all.reduce((s, n) => s + n.callbackErrors.length, 0));
      return `wallets A=${bal.A} B=${bal.B} C=${bal.C} sat, fees ${fees} sat, ${chain.broadcasts.filter((b) => b.status === "accepted").length} txs accepted`;
    });

    if (followers) await step("each signer followed the chain itself (headers, oracle-attested BIP158 filters, matching blocks)", () => {
      for (const n of followed) {
        const f = followers.get(n);
        check(`${n}'s signer: node id = LDK node id`, all.find((x) => x.name === n)!.id, hex(f.signer.nodeId()));
        check(`${n}'s signer: tip = chain tip`, chain.height, followers.tip(n).height);
        const hb = followers.heartbeat(n);
        check(`${n}'s signer: heartbeat names the tip and says fresh`, `${chain.height} fresh`, `${hb.height} ${hb.fresh ? "fresh" : "stale"}`);
      }
      return followed.map((n) => { const s = followers.get(n).stats; return `${n}: ${s.headers} headers, ${s.filters} filters, ${s.blocks} blocks, ${s.proofs} merkle proofs`; }).join("; ");
    });
  } catch (e) {
    failure = (e as Error).message;
    print(`  FAILED: ${failure}`);
  } finally {
    for (const n of all) await n.shutdown();
  }
  const confirmedTxs = chain.blocks.reduce((s, b) => s + b.txs.length - 1, 0);
  return {
    steps, checks, payments, broadcasts: chain.broadcasts, invalid: chain.invalid, confirmedTxs,
    callbackErrors: all.flatMap((n) => n.callbackErrors.map((e) => `${n.name}: ${e}`)),
    blocks: chain.height, totalMs: Date.now() - t0, ok: ok(), failure, chain,
    followers: followers && Object.fromEntries(followed.map((n) => [n, { ...followers.get(n).stats, tip: followers.tip(n).height }])),
  };
}
