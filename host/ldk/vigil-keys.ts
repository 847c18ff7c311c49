// LDK's key interfaces over the Vigil core (issue 8): EntropySource,
// NodeSigner, SignerProvider, EcdsaChannelSigner and OutputSpender. Each
// callback translates LDK's types into a core request and the reply back; the
// core rebuilds every transaction and applies the policy, so every signature
// LDK gets has passed the rules. Nothing here decides anything.
//
// Translation notes (lightningdevkit 0.1):
// - LDK counts commitment numbers down from 2^48-1; the core counts up from 0.
// - A CommitmentTransaction carries output values (sat, after the fee) and the
//   untrimmed HTLCs only: it goes to the core as a state described by its
//   outputs (0x0410 / 0x0413), which restores the msat state itself.
// - Signatures: LDK wants 64-byte compact ones; the core returns DER + sighash type.
// - ChannelTransactionParameters carry no dust limits and no push_msat: the
//   holder's dust limit is LDK's (354 sat, MIN_CHAN_DUST_LIMIT_SATOSHIS), the
//   peer's the BOLT 2 floor (354 sat, a lower bound: a larger one only trims
//   more, and trimmed value is the described state's dust), push 0.
// - LDK hands a per-commitment point, not a number, to a few callbacks: the
//   numbers of the points seen are kept per channel (and the holder side can be
//   found again from the core after a restart).
//
// Every callback catches: an exception thrown inside an LDK callback aborts the
// process, so a refusal (or a dead signer) is an Err result, recorded in `refusals`.
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { bech32 } from "@scure/base";
import { randomBytes } from "node:crypto";
import { ldk } from "./init.js";
import type { NodeKeys } from "./keys.js";
import { holderInner, commitmentHtlcs, fixU128 } from "./traced-keys.js";
import { hex, parseTx } from "./tx.js";
import { Signer, SignerError, operatorKeyOf, type NetworkName } from "../signer.js";
import { InProcessTransport, type Transport } from "../transport.js";
import { Core } from "../core/core.js";
import { MemoryStore, type StateStore } from "../state/store.js";
import { FileStore } from "../state/file.js";
import type { PolicyInput } from "../policy.js";
import { Reader, Writer } from "../protocol/codec.js";
import {
  htlcPreimage, perCommitmentPoint, revokeHolderCommitment, signAnchorInput, signCounterpartyCommitmentTx, signCounterpartyHtlcSweep,
  signDelayedSweep, signHolderCommitment, signHolderHtlcTx, signJusticeSweep, signMutualClose, signToRemoteSweep,
  validateCounterpartyRevocation, validateHolderCommitmentTx, type StateHtlc,
} from "../commitments.js";
import { tcpTransport } from "../remote/bridge.js";
import { showInvoice } from "../payments.js";
import { SerialTransport } from "../serial/transport.js";

export type VigilTransport = { kind: "in-process" } | { kind: "serial"; path: string } | { kind: "tcp"; host: string; port: number };

export interface VigilKeysOptions {
  /** The 32-byte seed (in-process: the signer's secret; remote: initialises a fresh device). */
  seed?: Uint8Array;
  /** In-process: keep the signer's durable state in this directory (state.bin); restart from it. */
  stateDir?: string;
  /** In-process: the state store (default: stateDir's file, else memory). */
  store?: StateStore;
  network?: NetworkName;
  transport?: VigilTransport;
  policy?: PolicyInput;
  /** Like KeysManager's starting time: makes channel keys ids unique across restarts (default now). */
  startingTime?: { secs: bigint; nanos: number };
  /** Where sweeps and cooperative closes pay (must pass the signer's destination rules); default LDK's m/1' and m/2' scripts. */
  destinationScript?: Uint8Array;
  /** An already started signer to use instead (tests, a chain follower sharing it). */
  signer?: Signer;
  label?: string;
}

export interface Refusal { method: string; rule: string; message: string }

export type VigilKeys = NodeKeys & {
  signer: Signer;
  /** Show the signer an invoice this node is about to pay (the payment rules decide at the commitment). */
  showInvoice(bolt11: string): void;
  /** A BOLT 11 invoice to this node signed by the core (vigilInvoice). */
  invoice(cm: ldk.ChannelManager, amountMsat: bigint, description: string, expirySecs?: number): ldk.Bolt11Invoice;
  /** Refusals and transport errors, in order (the rule id when the core named one). */
  refusals: Refusal[];
  /** Core round trips so far. */
  roundTrips(): number;
};

const INITIAL = (1n << 48n) - 1n;
const LDK_DUST_LIMIT_SAT = 354n; // MIN_CHAN_DUST_LIMIT_SATOSHIS; also BOLT 2's floor for the peer's

/** DER + sighash type (the core's signatures) → LDK's 64-byte compact signature. */
const compact = (sig: Uint8Array) => secp256k1.Signature.fromBytes(sig.subarray(0, -1), "der").toBytes("compact");
/** LDK's compact signature → DER + sighash type (what the core verifies). */
const der = (sig: Uint8Array, type: number) => Uint8Array.from([...secp256k1.Signature.fromBytes(sig, "compact").toBytes("der"), type]);

function openSigner(o: VigilKeysOptions): Signer {
  if (o.signer) return o.signer;
  const t = o.transport ?? { kind: "in-process" };
  const network = o.network ?? "regtest";
  if (t.kind === "in-process") {
    if (!o.seed || o.seed.length !== 32) throw new TypeError("createVigilKeys: an in-process signer needs a 32-byte seed");
    const store = o.store ?? (o.stateDir ? new FileStore(`${o.stateDir}/state.bin`) : new MemoryStore());
    const s = new Signer(new InProcessTransport(new Core(), store));
    s.start({ secret: o.seed, network, scheme: "ldk", policy: o.policy });
    return s;
  }
  const transport: Transport = t.kind === "tcp" ? tcpTransport(t.host, t.port) : new SerialTransport({ kind: "tty", path: t.path });
  const s = new Signer(transport);
  if (!s.version().initialized) {
    if (!o.seed) throw new Error("createVigilKeys: the remote signer is not initialised and no seed was given");
    s.init({ secret: o.seed, network, scheme: "ldk", policy: o.policy });
  } else if (o.seed) {
    // The operator's key comes from the seed; with it the policy given here is applied (an operator action).
    s.operatorKey = operatorKeyOf(o.seed);
    if (o.policy) s.setPolicy(o.policy);
  }
  return s;
}

/** The unsigned transaction of a BIP174 PSBT (its first global record, key type 0x00). */
function psbtUnsignedTx(psbt: Uint8Array): Uint8Array {
  let o = 5;
  const compactSize = () => {
    const f = psbt[o++];
    if (f < 0xfd) return f;
    const n = f === 0xfd ? 2 : 4;
    let v = 0;
    for (let i = 0; i < n; i++) v += psbt[o++] * 2 ** (8 * i);
    return v;
  };
  if (hex(psbt.subarray(0, 5)) !== "70736274ff") throw new Error("not a PSBT");
  if (compactSize() !== 1 || psbt[o++] !== 0) throw new Error("PSBT without its unsigned tx first");
  const len = compactSize();
  return psbt.slice(o, o + len);
}

export function createVigilKeys(o: VigilKeysOptions): VigilKeys {
  const s = openSigner(o);
  const refusals: Refusal[] = [];
  let trips = 0;
  const raw = s.request.bind(s);
  s.request = (method: number, payload?: Uint8Array) => { trips++; return raw(method, payload); };

  const material = new Reader(s.request(0x0105));
  const inboundKey = material.bytes(32), ldkDestination = material.varbytes(), ldkShutdown = material.varbytes();
  material.finish();
  const destination = o.destinationScript ?? ldkDestination;
  const shutdown = o.destinationScript ?? ldkShutdown;
  const nodeId = s.nodeId();
  const start = o.startingTime ?? { secs: BigInt(Math.floor(Date.now() / 1000)), nanos: (Date.now() % 1000) * 1_000_000 };
  let childIndex = 0;

  /** Run `fn`; a refusal or any error becomes `fallback()` (LDK's Err) and is recorded. */
  const guard = <T>(method: string, fallback: () => T, fn: () => T): T => {
    try { return fn(); } catch (e) {
      refusals.push(e instanceof SignerError ? { method, rule: e.rule || e.codeName, message: e.message } : { method, rule: "adapter", message: String((e as Error)?.stack ?? e) });
      return fallback();
    }
  };

  interface ChannelMemo { valueSat: bigint; anchors: boolean; counterpartyPoints: Map<string, bigint>; holderNumber: bigint | null }
  const memos = new Map<string, ChannelMemo>();
  const memoOf = (id: Uint8Array, valueSat: bigint): ChannelMemo => {
    let m = memos.get(hex(id));
    if (!m) memos.set(hex(id), m = { valueSat, anchors: false, counterpartyPoints: new Map(), holderNumber: null });
    return m;
  };

  /** The core's number of our commitment with `point` (the last one seen, else found from the core). */
  const holderNumberOf = (id: Uint8Array, m: ChannelMemo, point: Uint8Array): bigint => {
    if (m.holderNumber !== null && hex(perCommitmentPoint(s, id, m.holderNumber)) === hex(point)) return m.holderNumber;
    for (let n = 0n; n < 1n << 20n; n++) if (hex(perCommitmentPoint(s, id, n)) === hex(point)) return n;
    throw new Error("no holder commitment with this per-commitment point");
  };
  const counterpartyNumberOf = (m: ChannelMemo, point: Uint8Array): bigint => {
    const n = m.counterpartyPoints.get(hex(point));
    if (n === undefined) throw new Error("no counterparty commitment with this per-commitment point was signed by this adapter");
    return n;
  };
  const htlcsOf = (ct: ldk.CommitmentTransaction, holder: boolean): StateHtlc[] => commitmentHtlcs(ct).map((h) => ({
    ours: !!h.get_offered() === holder, amountMsat: h.get_amount_msat(), cltvExpiry: h.get_cltv_expiry(), paymentHash: h.get_payment_hash(),
  }));
  const showPreimages = (id: Uint8Array, preimages: Uint8Array[]) => {
    // An HTLC of ours that was fulfilled (its preimage); a trimmed one is not in the core's state.
    for (const p of preimages) try { htlcPreimage(s, id, p); } catch (e) { if (!(e instanceof SignerError)) throw e; }
  };
  /** Signature on input `input` of a signed tx the core returned (its first witness item). */
  const witnessSig = (signed: Uint8Array, input: number) => compact(parseTx(signed).inputs[input].witness[0]);

  const channelSigner = (valueSat: bigint, id: Uint8Array): ldk.EcdsaChannelSigner => {
    const bp = s.newChannel(id, valueSat);
    const memo = memoOf(id, valueSat);
    const pubkeys = ldk.ChannelPublicKeys.constructor_new(bp.funding, ldk.RevocationBasepoint.constructor_new(bp.revocation), bp.payment,
      ldk.DelayedPaymentBasepoint.constructor_new(bp.delayedPayment), ldk.HtlcBasepoint.constructor_new(bp.htlc));
    const sigErr = () => ldk.Result_ECDSASignatureNoneZ.constructor_err();
    const sigOk = (der: Uint8Array) => ldk.Result_ECDSASignatureNoneZ.constructor_ok(compact(der));

    const channelImpl: ldk.ChannelSignerInterface = {
      get_per_commitment_point: (idx) => guard("get_per_commitment_point", () => ldk.Result_PublicKeyNoneZ.constructor_err(),
        () => ldk.Result_PublicKeyNoneZ.constructor_ok(perCommitmentPoint(s, id, INITIAL - idx))),
      release_commitment_secret: (idx) => guard("release_commitment_secret", () => ldk.Result__u832NoneZ.constructor_err(),
        () => ldk.Result__u832NoneZ.constructor_ok(revokeHolderCommitment(s, id, INITIAL - idx))),
      validate_holder_commitment: (h, outboundPreimages) => guard("validate_holder_commitment", () => ldk.Result_NoneNoneZ.constructor_err(), () => {
        const ct = holderInner(h);
        showPreimages(id, outboundPreimages);
        const number = INITIAL - ct.commitment_number();
        const htlcType = memo.anchors ? 0x83 : 0x01;
        validateHolderCommitmentTx(s, id, {
          number, feeratePerKw: ct.feerate_per_kw(), toHolderSat: ct.to_broadcaster_value_sat(), toCounterpartySat: ct.to_countersignatory_value_sat(), htlcs: htlcsOf(ct, true),
        }, der(h.get_counterparty_sig(), 0x01), h.get_counterparty_htlc_sigs().map((x) => der(x, htlcType)));
        memo.holderNumber = number;
        return ldk.Result_NoneNoneZ.constructor_ok();
      }),
      validate_counterparty_revocation: (idx, secret) => guard("validate_counterparty_revocation", () => ldk.Result_NoneNoneZ.constructor_err(), () => {
        validateCounterpartyRevocation(s, id, INITIAL - idx, secret);
        return ldk.Result_NoneNoneZ.constructor_ok();
      }),
      channel_keys_id: () => id,
      provide_channel_parameters: (p) => guard("provide_channel_parameters", () => undefined, () => {
        if (s.listChannels().some((c) => hex(c.id) === hex(id) && c.ready)) return; // set up before a restart
        const cp = p.get_counterparty_parameters().get_pubkeys();
        const fo = p.get_funding_outpoint();
        memo.anchors = p.get_channel_type_features().supports_anchors_zero_fee_htlc_tx();
        s.readyChannel({
          id, isOutbound: p.get_is_outbound_from_holder(), channelValueSat: valueSat, pushMsat: 0n,
          fundingTxid: fo.get_txid(), fundingVout: fo.get_index(),
          holderSelectedContestDelay: p.get_holder_selected_contest_delay(),
          counterpartySelectedContestDelay: p.get_counterparty_parameters().get_selected_contest_delay(),
          holderDustLimitSat: LDK_DUST_LIMIT_SAT, counterpartyDustLimitSat: LDK_DUST_LIMIT_SAT,
          counterparty: {
            funding: cp.get_funding_pubkey(), revocation: cp.get_revocation_basepoint().get_a(), payment: cp.get_payment_point(),
            delayedPayment: cp.get_delayed_payment_basepoint().get_a(), htlc: cp.get_htlc_basepoint().get_a(),
          },
          channelType: memo.anchors ? "anchors" : "static-remotekey",
        });
      }),
    };

    const ecdsaImpl: ldk.EcdsaChannelSignerInterface = {
      sign_counterparty_commitment: (ct, _inboundPreimages, outboundPreimages) => guard("sign_counterparty_commitment",
        () => ldk.Result_C2Tuple_ECDSASignatureCVec_ECDSASignatureZZNoneZ.constructor_err(), () => {
          showPreimages(id, outboundPreimages);
          const number = INITIAL - ct.commitment_number(), point = ct.per_commitment_point();
          const r = signCounterpartyCommitmentTx(s, id, {
            number, point, feeratePerKw: ct.feerate_per_kw(), toHolderSat: ct.to_countersignatory_value_sat(), toCounterpartySat: ct.to_broadcaster_value_sat(), htlcs: htlcsOf(ct, false),
          });
          memo.counterpartyPoints.set(hex(point), number);
          return ldk.Result_C2Tuple_ECDSASignatureCVec_ECDSASignatureZZNoneZ.constructor_ok(
            ldk.TwoTuple_ECDSASignatureCVec_ECDSASignatureZZ.constructor_new(compact(r.sig), r.htlcSigs.map(compact)));
        }),
      sign_holder_commitment: (h) => guard("sign_holder_commitment", sigErr, () => {
        const number = INITIAL - holderInner(h).commitment_number();
        memo.holderNumber = number;
        return sigOk(signHolderCommitment(s, id, number));
      }),
      sign_justice_revoked_output: (tx, input, amount, key) => guard("sign_justice_revoked_output", sigErr, () => {
        const number = counterpartyNumberOf(memo, secp256k1.getPublicKey(key, true));
        if (parseTx(tx).inputs.length !== 1) throw new Error("justice txs are signed one input at a time by this adapter");
        return ldk.Result_ECDSASignatureNoneZ.constructor_ok(witnessSig(signJusticeSweep(s, id, number, tx, [{ kind: "to_local", amountSat: amount }]), input));
      }),
      sign_justice_revoked_htlc: (tx, input, amount, key, htlc) => guard("sign_justice_revoked_htlc", sigErr, () => {
        const number = counterpartyNumberOf(memo, secp256k1.getPublicKey(key, true));
        if (parseTx(tx).inputs.length !== 1) throw new Error("justice txs are signed one input at a time by this adapter");
        const kind = !!htlc.get_offered() ? "offered" : "received";
        return ldk.Result_ECDSASignatureNoneZ.constructor_ok(witnessSig(signJusticeSweep(s, id, number, tx, [{ kind, amountSat: amount, paymentHash: htlc.get_payment_hash(), cltvExpiry: htlc.get_cltv_expiry() }]), input));
      }),
      sign_holder_htlc_transaction: (tx, _input, d) => guard("sign_holder_htlc_transaction", sigErr, () => {
        const vout = d.get_htlc().get_transaction_output_index();
        if (!(vout instanceof ldk.Option_u32Z_Some)) throw new Error("HTLC without an output");
        const number = INITIAL - d.get_per_commitment_number();
        return sigOk(signHolderHtlcTx(s, id, number, vout.some, tx));
      }),
      sign_counterparty_htlc_transaction: (tx, input, amount, point, htlc) => guard("sign_counterparty_htlc_transaction", sigErr, () => {
        const number = counterpartyNumberOf(memo, point);
        if (parseTx(tx).inputs.length !== 1) throw new Error("HTLC claims are signed one input at a time by this adapter");
        const signed = signCounterpartyHtlcSweep(s, id, number, tx, [{ offeredByPeer: !!htlc.get_offered(), amountSat: amount, paymentHash: htlc.get_payment_hash(), cltvExpiry: htlc.get_cltv_expiry() }]);
        return ldk.Result_ECDSASignatureNoneZ.constructor_ok(witnessSig(signed, input));
      }),
      sign_closing_transaction: (c) => guard("sign_closing_transaction", sigErr, () => {
        const toHolderSat = c.to_holder_value_sat(), toCounterpartySat = c.to_counterparty_value_sat();
        return sigOk(signMutualClose(s, id, { toHolderSat, toCounterpartySat, feeSat: memo.valueSat - toHolderSat - toCounterpartySat, holderScript: c.to_holder_script(), counterpartyScript: c.to_counterparty_script() }));
      }),
      sign_holder_anchor_input: (tx, _input) => guard("sign_holder_anchor_input", sigErr, () => {
        if (memo.holderNumber === null) throw new Error("no holder commitment seen");
        return sigOk(signAnchorInput(s, id, memo.holderNumber, tx));
      }),
      // Announced channels and splicing are not in the core's request set yet.
      sign_channel_announcement_with_funding_key: (_m) => guard("sign_channel_announcement_with_funding_key", sigErr, () => { throw new Error("channel announcements are not signed by Vigil"); }),
      sign_splicing_funding_input: (_tx, _i, _v) => guard("sign_splicing_funding_input", sigErr, () => { throw new Error("splicing is not signed by Vigil"); }),
    };
    return ldk.EcdsaChannelSigner.new_impl(ecdsaImpl, channelImpl, pubkeys);
  };

  const entropySource = ldk.EntropySource.new_impl({ get_secure_random_bytes: () => new Uint8Array(randomBytes(32)) });

  const nodeSigner = ldk.NodeSigner.new_impl({
    get_inbound_payment_key: () => ldk.ExpandedKey.constructor_new(inboundKey),
    get_node_id: (r) => r === ldk.Recipient.LDKRecipient_Node ? ldk.Result_PublicKeyNoneZ.constructor_ok(nodeId) : ldk.Result_PublicKeyNoneZ.constructor_err(),
    ecdh: (r, other, tweak) => guard("ecdh", () => ldk.Result_ThirtyTwoBytesNoneZ.constructor_err(), () => {
      if (r !== ldk.Recipient.LDKRecipient_Node) throw new Error("phantom node keys are not in Vigil");
      return ldk.Result_ThirtyTwoBytesNoneZ.constructor_ok(s.ecdh(other, tweak instanceof ldk.Option_BigEndianScalarZ_Some ? tweak.some.scalar_bytes : undefined));
    }),
    // The core signs an invoice only from its hrp and data (never a bare hash), and the
    // bindings do not expose an unsigned invoice's payment hash: invoices of a Vigil node
    // are made with vigilInvoice (keys.invoice), not create_invoice_from_channelmanager.
    sign_invoice: (_inv, _r) => guard("sign_invoice", () => ldk.Result_RecoverableSignatureNoneZ.constructor_err(), () => {
      throw new Error("make invoices with vigilInvoice: the core signs an invoice's hrp and data, which lightningdevkit 0.1 does not expose");
    }),
    sign_bolt12_invoice: (_inv) => guard("sign_bolt12_invoice", () => ldk.Result_SchnorrSignatureNoneZ.constructor_err(), () => { throw new Error("BOLT 12 invoices from LDK are not bridged yet"); }),
    sign_gossip_message: (m) => guard("sign_gossip_message", () => ldk.Result_ECDSASignatureNoneZ.constructor_err(), () => {
      const [type, body] = m instanceof ldk.UnsignedGossipMessage_ChannelUpdate ? [258, m.channel_update.write()]
        : m instanceof ldk.UnsignedGossipMessage_NodeAnnouncement ? [257, m.node_announcement.write()]
        : m instanceof ldk.UnsignedGossipMessage_ChannelAnnouncement ? [256, m.channel_announcement.write()] : [0, new Uint8Array(0)];
      return ldk.Result_ECDSASignatureNoneZ.constructor_ok(s.signGossip(type, body));
    }),
  });

  const signerProvider = ldk.SignerProvider.new_impl({
    // KeysManager's layout: child index, starting time, user_channel_id (so ids never repeat across restarts).
    generate_channel_keys_id: (_inbound, _value, rawUserId) => {
      const userId = fixU128(rawUserId);
      const id = new Uint8Array(32), v = new DataView(id.buffer);
      v.setUint32(0, childIndex++);
      v.setUint32(4, start.nanos);
      v.setBigUint64(8, start.secs);
      v.setBigUint64(16, (userId >> 64n) & 0xffffffffffffffffn);
      v.setBigUint64(24, userId & 0xffffffffffffffffn);
      return id;
    },
    derive_channel_signer: (value, keysId) => channelSigner(value, keysId),
    read_chan_signer: (_b) => ldk.Result_EcdsaChannelSignerDecodeErrorZ.constructor_err(ldk.DecodeError.constructor_invalid_value()),
    get_destination_script: (_keysId) => ldk.Result_CVec_u8ZNoneZ.constructor_ok(destination),
    get_shutdown_scriptpubkey: () => guard("get_shutdown_scriptpubkey", () => ldk.Result_ShutdownScriptNoneZ.constructor_err(), () => {
      if (shutdown.length !== 22 || shutdown[0] !== 0 || shutdown[1] !== 20) throw new Error("the shutdown script must be P2WPKH");
      return ldk.Result_ShutdownScriptNoneZ.constructor_ok(ldk.ShutdownScript.constructor_new_p2wpkh(shutdown.subarray(2)));
    }),
  });

  const outputSpender = ldk.OutputSpender.new_impl({
    spend_spendable_outputs: (descs, outs, change, feerate, locktime) => guard("spend_spendable_outputs", () => ldk.Result_TransactionNoneZ.constructor_err(), () => {
      // LDK builds the sweep (its PSBT), the core checks and signs it.
      const built = ldk.UtilMethods.constructor_SpendableOutputDescriptor_create_spendable_outputs_psbt(descs, outs, change, feerate, locktime);
      if (!(built instanceof ldk.Result_C2Tuple_CVec_u8Zu64ZNoneZ_OK)) throw new Error("LDK could not build the sweep");
      const tx = psbtUnsignedTx(built.res.get_a());
      if (descs.every((d) => d instanceof ldk.SpendableOutputDescriptor_StaticPaymentOutput)) {
        const ds = descs as ldk.SpendableOutputDescriptor_StaticPaymentOutput[];
        const ids = new Set(ds.map((d) => hex(d.static_payment_output.get_channel_keys_id())));
        if (ids.size !== 1) throw new Error("to_remote sweeps of one channel at a time");
        return ldk.Result_TransactionNoneZ.constructor_ok(signToRemoteSweep(s, ds[0].static_payment_output.get_channel_keys_id(), tx, ds.map((d) => d.static_payment_output.get_output().value)));
      }
      if (descs.length === 1 && descs[0] instanceof ldk.SpendableOutputDescriptor_DelayedPaymentOutput) {
        const d = descs[0].delayed_payment_output, cid = d.get_channel_keys_id();
        return ldk.Result_TransactionNoneZ.constructor_ok(signDelayedSweep(s, cid, holderNumberOf(cid, memoOf(cid, d.get_channel_value_satoshis()), d.get_per_commitment_point()), tx));
      }
      throw new Error(`sweeps of ${descs.map((d) => d.constructor.name.replace("SpendableOutputDescriptor_", "")).join(",")} are not signed by Vigil`);
    }),
  });

  return {
    entropySource, nodeSigner, signerProvider, outputSpender, signer: s, refusals,
    kind: o.label ?? `Vigil ${o.transport?.kind ?? "in-process"}`,
    roundTrips: () => trips,
    showInvoice: (bolt11) => { showInvoice(s, bolt11); },
    invoice: (cm, amountMsat, description, expirySecs) => vigilInvoice(s, cm, o.network ?? "regtest", amountMsat, description, expirySecs),
    close() { if (!o.signer) s.close(); },
  };
}

// ---------------------------------------------------------------- BOLT 11

const BOLT11_TAG = { p: 1, r: 3, "9": 5, x: 6, d: 13, s: 16, n: 19, c: 24 } as const;
/** LDK's invoice features: var_onion_optin (8) and payment_secret (14) required, basic_mpp (17) optional. */
const INVOICE_FEATURE_BITS = [8, 14, 17];
const MIN_FINAL_CLTV_EXPIRY_DELTA = 24; // LDK 0.1's default

/** An integer as big-endian 5-bit words without leading zeros. */
function intWords(v: bigint | number): number[] {
  let x = BigInt(v);
  const w: number[] = [];
  while (x > 0n) { w.unshift(Number(x & 31n)); x >>= 5n; }
  return w;
}
const field = (tag: number, w: number[]) => [tag, w.length >> 5, w.length & 31, ...w];

function hrpOf(network: NetworkName, amountMsat: bigint | null): string {
  const prefix = { bitcoin: "bc", testnet: "tb", signet: "tbs", regtest: "bcrt" }[network];
  if (amountMsat === null) return `ln${prefix}`;
  const pico = amountMsat * 10n;
  for (const [m, f] of [["m", 1_000_000_000n], ["u", 1_000_000n], ["n", 1_000n]] as const) if (pico % f === 0n) return `ln${prefix}${pico / f}${m}`;
  return `ln${prefix}${pico}p`;
}

/**
 * A BOLT 11 invoice for a payment to this node, signed by the core: LDK's
 * ChannelManager registers the payment (create_inbound_payment: hash and
 * secret), the fields are LDK's create_invoice_from_channelmanager's (route
 * hints for the usable private channels), and the core hashes and signs the
 * hrp and data itself (it signs only a parseable invoice naming its node id).
 */
export function vigilInvoice(s: Signer, cm: ldk.ChannelManager, network: NetworkName, amountMsat: bigint, description: string, expirySecs = 3600): ldk.Bolt11Invoice {
  const r = cm.create_inbound_payment(ldk.Option_u64Z.constructor_some(amountMsat), expirySecs, ldk.Option_u16Z.constructor_none());
  if (!(r instanceof ldk.Result_C2Tuple_ThirtyTwoBytesThirtyTwoBytesZNoneZ_OK)) throw new Error("create_inbound_payment failed");
  const [hash, secret] = [r.res.get_a(), r.res.get_b()];
  const words: number[] = intWords(Math.floor(Date.now() / 1000));
  while (words.length < 7) words.unshift(0);
  words.push(...field(BOLT11_TAG.d, bech32.toWords(new TextEncoder().encode(description))));
  words.push(...field(BOLT11_TAG.n, bech32.toWords(s.nodeId())));
  words.push(...field(BOLT11_TAG.p, bech32.toWords(hash)));
  words.push(...field(BOLT11_TAG.s, bech32.toWords(secret)));
  let features = 0n;
  for (const b of INVOICE_FEATURE_BITS) features |= 1n << BigInt(b);
  words.push(...field(BOLT11_TAG["9"], intWords(features)));
  words.push(...field(BOLT11_TAG.c, intWords(MIN_FINAL_CLTV_EXPIRY_DELTA)));
  words.push(...field(BOLT11_TAG.x, intWords(expirySecs)));
  // BOLT 11 `r`: one hop from each peer of a usable channel (private channels are not in the graph).
  for (const d of cm.list_usable_channels()) {
    const fwd = d.get_counterparty().get_forwarding_info();
    const alias = d.get_inbound_scid_alias(), scid = d.get_short_channel_id();
    const id = alias instanceof ldk.Option_u64Z_Some ? alias.some : scid instanceof ldk.Option_u64Z_Some ? scid.some : null;
    if (!fwd || id === null) continue;
    const hop = new Writer().bytes(d.get_counterparty().get_node_id()).u64(id).u32(fwd.get_fee_base_msat()).u32(fwd.get_fee_proportional_millionths()).u16(fwd.get_cltv_expiry_delta()).finish();
    words.push(...field(BOLT11_TAG.r, bech32.toWords(hop)));
  }
  const hrp = hrpOf(network, amountMsat);
  const sig = s.signInvoice(hrp, words); // recid | r | s
  const str = bech32.encode(hrp, [...words, ...bech32.toWords(Uint8Array.from([...sig.subarray(1, 65), sig[0]]))], false);
  const inv = ldk.Bolt11Invoice.constructor_from_str(str);
  if (!(inv instanceof ldk.Result_Bolt11InvoiceParseOrSemanticErrorZ_OK)) throw new Error("the signed invoice does not parse");
  return inv.res;
}
