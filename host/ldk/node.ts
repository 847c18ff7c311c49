// One LDK node: ChannelManager + ChainMonitor (in-memory monitor persistence) +
// PeerManager over real loopback TCP, on the synthetic Chain. Keys are
// injected (NodeKeys) so Vigil can replace KeysManager.
//
// Rule for every callback object handed to LDK: never throw. An exception
// inside an LDK callback aborts the whole process (wasm trap), so each
// callback is wrapped and failures are recorded instead.
import * as net from "node:net";
import { ldk } from "./init.js";
import type { NodeKeys } from "./keys.js";
import type { Block, Chain, Wallet } from "./chain.js";
import { eqBytes, hex } from "./tx.js";

export const FEERATE_SAT_PER_KW = 500;

export interface NodeOptions {
  name: string;
  keys: NodeKeys;
  chain: Chain;
  wallet: Wallet;
  /** Called with each LDK log record at Warn or above (default: collected only). */
  log?: (line: string) => void;
  /** Log level threshold (LDK Level enum value); default Warn. */
  logLevel?: number;
  /** Restart from persisted state instead of creating a fresh ChannelManager. */
  restore?: PersistedNode;
}

export interface PersistedNode { manager: Uint8Array; monitors: Uint8Array[] }

export interface NodeEvent { at: number; kind: string; ev: ldk.Event }

let descriptorIds = 1n;

export class LdkNode {
  readonly name: string;
  readonly keys: NodeKeys;
  readonly chain: Chain;
  readonly wallet: Wallet;
  readonly logger: ldk.Logger;
  readonly feeEstimator: ldk.FeeEstimator;
  readonly broadcaster: ldk.BroadcasterInterface;
  readonly persister: ldk.Persist;
  readonly chainMonitor: ldk.ChainMonitor;
  readonly networkGraph: ldk.NetworkGraph;
  readonly router: ldk.DefaultRouter;
  readonly messageRouter: ldk.DefaultMessageRouter;
  readonly channelManager: ldk.ChannelManager;
  readonly peerManager: ldk.PeerManager;
  readonly config: ldk.UserConfig;
  readonly nodeId: Uint8Array;
  /** Serialized ChannelMonitors by channel id (hex), as Persist hands them over. */
  readonly monitors = new Map<string, Uint8Array>();
  readonly events: NodeEvent[] = [];
  readonly logs: string[] = [];
  readonly callbackErrors: string[] = [];
  /** Payment hashes (hex) this node must not claim when they become claimable. */
  readonly holdPayments = new Set<string>();
  /** Preimages of held payments (hash hex → preimage), to claim later with `channelManager.claim_funds`. */
  readonly heldPreimages = new Map<string, Uint8Array>();
  /** Hooks run for each event after built-in handling. */
  onEvent: ((n: LdkNode, ev: ldk.Event) => void) | null = null;
  server: net.Server | null = null;
  port = 0;
  private sockets = new Set<net.Socket>();
  sweeps: { txid: string; outputs: number; amount: bigint }[] = [];

  /** user_channel_id values we hand to LDK: small, well under the 2^124 limit. */
  static nextUserChannelId = 1000n;

  constructor(o: NodeOptions) {
    this.name = o.name;
    this.keys = o.keys;
    this.chain = o.chain;
    this.wallet = o.wallet;
    const level = o.logLevel ?? ldk.Level.LDKLevel_Warn;
    const self = this;
    this.logger = ldk.Logger.new_impl({
      log(record: ldk.Record) {
        try {
          if (record.get_level() < level) return;
          const line = `[${self.name} ${ldk.Level[record.get_level()]}] ${record.get_module_path()}: ${record.get_args()}`;
          self.logs.push(line);
          o.log?.(line);
        } catch (e) { self.callbackErrors.push(`log: ${e}`); }
      },
    });
    this.feeEstimator = ldk.FeeEstimator.new_impl({
      get_est_sat_per_1000_weight(_t: ldk.ConfirmationTarget) { return FEERATE_SAT_PER_KW; },
    });
    this.broadcaster = ldk.BroadcasterInterface.new_impl({
      broadcast_transactions(txs: Uint8Array[]) {
        for (const t of txs) {
          try { self.chain.broadcast(Uint8Array.from(t), self.name); } catch (e) { self.callbackErrors.push(`broadcast: ${e}`); }
        }
      },
    });
    this.persister = ldk.Persist.new_impl({
      persist_new_channel(_id: ldk.OutPoint, data: ldk.ChannelMonitor) {
        try { self.monitors.set(hex(data.channel_id().get_a()), data.write()); } catch (e) { self.callbackErrors.push(`persist: ${e}`); }
        return ldk.ChannelMonitorUpdateStatus.LDKChannelMonitorUpdateStatus_Completed;
      },
      update_persisted_channel(_id: ldk.OutPoint, _u: ldk.ChannelMonitorUpdate, data: ldk.ChannelMonitor) {
        try { self.monitors.set(hex(data.channel_id().get_a()), data.write()); } catch (e) { self.callbackErrors.push(`persist: ${e}`); }
        return ldk.ChannelMonitorUpdateStatus.LDKChannelMonitorUpdateStatus_Completed;
      },
      archive_persisted_channel(_id: ldk.OutPoint) {},
    } as ldk.PersistInterface);
    this.chainMonitor = ldk.ChainMonitor.constructor_new(ldk.Option_FilterZ.constructor_none(), this.broadcaster, this.logger, this.feeEstimator, this.persister);
    this.networkGraph = ldk.NetworkGraph.constructor_new(ldk.Network.LDKNetwork_Regtest, this.logger);
    const scorer = ldk.ProbabilisticScorer.constructor_new(ldk.ProbabilisticScoringDecayParameters.constructor_default(), this.networkGraph, this.logger);
    const lockable = ldk.MultiThreadedLockableScore.constructor_new(scorer.as_Score());
    this.router = ldk.DefaultRouter.constructor_new(this.networkGraph, this.logger, o.keys.entropySource, lockable.as_LockableScore(), ldk.ProbabilisticScoringFeeParameters.constructor_default());
    this.messageRouter = ldk.DefaultMessageRouter.constructor_new(this.networkGraph, o.keys.entropySource);

    this.config = ldk.UserConfig.constructor_default();
    const hs = this.config.get_channel_handshake_config();
    hs.set_announce_for_forwarding(false); // private channels: routes come from invoice hints, no gossip needed
    hs.set_minimum_depth(3);
    hs.set_our_to_self_delay(144); // LDK's minimum (BREAKDOWN_TIMEOUT)
    hs.set_negotiate_anchors_zero_fee_htlc_tx(false);
    this.config.set_channel_handshake_config(hs);
    this.config.set_accept_forwards_to_priv_channels(true);
    // Inbound channels are accepted by hand with a small user_channel_id: on auto-accept
    // LDK draws a random u128, and the JS bindings abort the process when a u128 >= 2^124
    // crosses into a JS callback (SignerProvider.generate_channel_keys_id gets it).
    this.config.set_manually_accept_inbound_channels(true);

    const tip = o.chain.tip;
    const params = ldk.ChainParameters.constructor_new(ldk.Network.LDKNetwork_Regtest, ldk.BestBlock.constructor_new(tip.hash, tip.height));
    if (!o.restore) {
      this.channelManager = ldk.ChannelManager.constructor_new(
        this.feeEstimator, this.chainMonitor.as_Watch(), this.broadcaster, this.router.as_Router(), this.messageRouter.as_MessageRouter(),
        this.logger, o.keys.entropySource, o.keys.nodeSigner, o.keys.signerProvider, this.config, params, Math.floor(Date.now() / 1000));
    } else {
      // Restart: monitors first (their signers come from SignerProvider.derive_channel_signer
      // with the stored keys id), then the ChannelManager, then hand the monitors to the ChainMonitor.
      const monitors: ldk.ChannelMonitor[] = [];
      for (const ser of o.restore.monitors) {
        const r = ldk.UtilMethods.constructor_C2Tuple_ThirtyTwoBytesChannelMonitorZ_read(ser, o.keys.entropySource, o.keys.signerProvider);
        if (!(r instanceof ldk.Result_C2Tuple_ThirtyTwoBytesChannelMonitorZDecodeErrorZ_OK)) throw new Error(`${o.name}: ChannelMonitor does not decode`);
        monitors.push(r.res.get_b());
      }
      const r = ldk.UtilMethods.constructor_C2Tuple_ThirtyTwoBytesChannelManagerZ_read(o.restore.manager, o.keys.entropySource, o.keys.nodeSigner, o.keys.signerProvider,
        this.feeEstimator, this.chainMonitor.as_Watch(), this.broadcaster, this.router.as_Router(), this.messageRouter.as_MessageRouter(), this.logger, this.config, monitors);
      if (!(r instanceof ldk.Result_C2Tuple_ThirtyTwoBytesChannelManagerZDecodeErrorZ_OK)) throw new Error(`${o.name}: ChannelManager does not decode`);
      this.channelManager = r.res.get_b();
      for (const m of monitors) {
        const w = this.chainMonitor.as_Watch().watch_channel(m.get_funding_txo().get_a(), m);
        if (!(w instanceof ldk.Result_ChannelMonitorUpdateStatusNoneZ_OK)) throw new Error(`${o.name}: watch_channel failed`);
        this.monitors.set(hex(m.channel_id().get_a()), m.write());
      }
    }
    this.nodeId = this.channelManager.get_our_node_id();

    const ignorer = ldk.IgnoringMessageHandler.constructor_new();
    this.peerManager = ldk.PeerManager.constructor_new(
      this.channelManager.as_ChannelMessageHandler(), ignorer.as_RoutingMessageHandler(), ignorer.as_OnionMessageHandler(),
      ignorer.as_CustomMessageHandler(), Math.floor(Date.now() / 1000), o.keys.entropySource.get_secure_random_bytes(), this.logger, o.keys.nodeSigner);

    o.chain.listeners.push(this.listener);
  }

  private listener = (b: Block) => this.blockConnected(b);

  /** What a restart needs: the serialized ChannelManager and every ChannelMonitor. */
  persistedState(): PersistedNode {
    return { manager: this.channelManager.write(), monitors: [...this.monitors.values()] };
  }

  get id() { return hex(this.nodeId); }

  // ---------------------------------------------------------------- chain
  blockConnected(b: Block) {
    const txdata = b.txs.map((t, i) => ldk.TwoTuple_usizeTransactionZ.constructor_new(i, t.raw));
    for (const c of [this.channelManager.as_Confirm(), this.chainMonitor.as_Confirm()]) {
      c.transactions_confirmed(b.header, txdata, b.height);
      c.best_block_updated(b.header, b.height);
    }
  }

  // ---------------------------------------------------------------- network
  async listen(): Promise<number> {
    this.server = net.createServer((s) => this.attach(s, null));
    await new Promise<void>((res) => this.server!.listen(0, "127.0.0.1", () => res()));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  connect(peer: LdkNode): Promise<void> {
    return new Promise((resolve, reject) => {
      const s = net.connect(peer.port, "127.0.0.1", () => { try { this.attach(s, peer.nodeId); resolve(); } catch (e) { reject(e); } });
      s.once("error", reject);
    });
  }

  private attach(socket: net.Socket, outboundTo: Uint8Array | null) {
    socket.setNoDelay(true);
    this.sockets.add(socket);
    const id = descriptorIds++;
    let closedByLdk = false;
    const self = this;
    const desc = ldk.SocketDescriptor.new_impl({
      send_data(data: Uint8Array, resume_read: boolean): number {
        try {
          if (resume_read && socket.isPaused()) socket.resume();
          if (socket.destroyed || !socket.writable) return 0;
          socket.write(Buffer.from(data));
          return data.length;
        } catch (e) { self.callbackErrors.push(`send_data: ${e}`); return 0; }
      },
      disconnect_socket() { closedByLdk = true; try { socket.destroy(); } catch { /* ignore */ } },
      eq(other: ldk.SocketDescriptor) { try { return other.hash() === id; } catch { return false; } },
      hash() { return id; },
    });
    socket.on("data", (chunk: Buffer) => {
      const r = this.peerManager.read_event(desc, new Uint8Array(chunk));
      if (r instanceof ldk.Result_boolPeerHandleErrorZ_OK) { if (r.res) socket.pause(); }
      else { closedByLdk = true; socket.destroy(); }
      this.peerManager.process_events();
    });
    socket.on("close", () => { this.sockets.delete(socket); if (!closedByLdk) this.peerManager.socket_disconnected(desc); });
    socket.on("error", () => { /* close follows */ });
    if (outboundTo) {
      const r = this.peerManager.new_outbound_connection(outboundTo, desc, ldk.Option_SocketAddressZ.constructor_none());
      if (!(r instanceof ldk.Result_CVec_u8ZPeerHandleErrorZ_OK)) throw new Error(`${this.name}: new_outbound_connection failed`);
      socket.write(Buffer.from(r.res));
    } else {
      const r = this.peerManager.new_inbound_connection(desc, ldk.Option_SocketAddressZ.constructor_none());
      if (!(r instanceof ldk.Result_NonePeerHandleErrorZ_OK)) { closedByLdk = true; socket.destroy(); }
    }
  }

  peerCount() { return this.peerManager.list_peers().length; }

  async shutdown() {
    const i = this.chain.listeners.indexOf(this.listener);
    if (i >= 0) this.chain.listeners.splice(i, 1);
    this.peerManager.disconnect_all_peers();
    for (const s of this.sockets) s.destroy();
    if (this.server) await new Promise<void>((r) => this.server!.close(() => r()));
    this.keys.close();
  }

  // ---------------------------------------------------------------- events
  /** Drain ChannelManager and ChainMonitor events and act on them; flush the peer handler. */
  processEvents(): number {
    let n = 0;
    // Events are handled inside the callback (their fields point into LDK memory);
    // errors are recorded, never thrown across the WASM boundary.
    const handler = ldk.EventHandler.new_impl({
      handle_event: (ev: ldk.Event) => {
        n++;
        try {
          this.events.push({ at: Date.now(), kind: ev.constructor.name.replace(/^Event_/, ""), ev });
          this.handle(ev);
          this.onEvent?.(this, ev);
        } catch (e) { this.callbackErrors.push(`event ${ev.constructor.name}: ${(e as Error).stack ?? e}`); }
        return ldk.Result_NoneReplayEventZ.constructor_ok();
      },
    });
    this.channelManager.as_EventsProvider().process_pending_events(handler);
    this.chainMonitor.as_EventsProvider().process_pending_events(handler);
    this.peerManager.process_events();
    return n;
  }

  private handle(ev: ldk.Event) {
    const cm = this.channelManager;
    if (ev instanceof ldk.Event_OpenChannelRequest) {
      const r = cm.accept_inbound_channel(ev.temporary_channel_id, ev.counterparty_node_id, LdkNode.nextUserChannelId++);
      if (!r.is_ok()) throw new Error(`${this.name}: accept_inbound_channel failed`);
    } else if (ev instanceof ldk.Event_FundingGenerationReady) {
      const raw = this.wallet.pay([{ script: ev.output_script, amount: ev.channel_value_satoshis }]);
      const r = cm.funding_transaction_generated(ev.temporary_channel_id, ev.counterparty_node_id, raw);
      if (!r.is_ok()) throw new Error(`${this.name}: funding_transaction_generated failed`);
    } else if (ev instanceof ldk.Event_PaymentClaimable) {
      const p = ev.purpose;
      if (this.holdPayments.has(hex(ev.payment_hash))) {
        if (p instanceof ldk.PaymentPurpose_Bolt11InvoicePayment && p.payment_preimage instanceof ldk.Option_ThirtyTwoBytesZ_Some) this.heldPreimages.set(hex(ev.payment_hash), p.payment_preimage.some);
        return;
      }
      if (p instanceof ldk.PaymentPurpose_Bolt11InvoicePayment && p.payment_preimage instanceof ldk.Option_ThirtyTwoBytesZ_Some) cm.claim_funds(p.payment_preimage.some);
      else if (p instanceof ldk.PaymentPurpose_SpontaneousPayment) cm.claim_funds(p.spontaneous_payment);
    } else if (ev instanceof ldk.Event_PendingHTLCsForwardable) {
      cm.process_pending_htlc_forwards();
    } else if (ev instanceof ldk.Event_SpendableOutputs) {
      // An output already paying the wallet (a close to a wallet shutdown script) needs no sweep.
      const outputs = ev.outputs.filter((d) => !(d instanceof ldk.SpendableOutputDescriptor_StaticOutput && eqBytes(d.output.script_pubkey, this.wallet.script)));
      if (outputs.length === 0) return;
      const r = this.keys.outputSpender.spend_spendable_outputs(outputs, [], this.wallet.script, FEERATE_SAT_PER_KW, ldk.Option_u32Z.constructor_none());
      if (r instanceof ldk.Result_TransactionNoneZ_OK) {
        const rec = this.chain.broadcast(r.res, `${this.name}/sweep`);
        this.sweeps.push({ txid: rec.txid, outputs: outputs.length, amount: 0n });
      } else this.callbackErrors.push(`spend_spendable_outputs failed for ${outputs.length} outputs`);
    }
  }

  // ---------------------------------------------------------------- helpers
  channels() { return this.channelManager.list_channels(); }
  channelWith(peer: LdkNode) { return this.channelManager.list_channels_with_counterparty(peer.nodeId)[0]; }
  eventsOf<T>(cls: { prototype: T }): T[] { return this.events.map((e) => e.ev).filter((e) => e instanceof (cls as any)) as T[]; }
}
