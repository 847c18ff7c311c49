// NodeKeys built from LDK's *_Interface objects (new_impl) that delegate to a
// KeysManager and record every call with the data LDK passed. This is the
// exact shape createVigilKeys (issue 8) will have: swap the delegate for
// requests to the Vigil core. It also proves the injection path
// (NodeSigner/SignerProvider/EcdsaChannelSigner.new_impl) end to end.
//
// Every method catches: an exception inside an LDK callback aborts the process.
import { ldk } from "./init.js";
import { keysManagerKeys, type NodeKeys } from "./keys.js";
import { hex } from "./tx.js";

export interface SignerCall { method: string; keysId?: string; info: Record<string, string | number | boolean> }

/** Read a BigSize (BOLT 1) at `o`. */
function bigSize(b: Uint8Array, o: number): [number, number] {
  const f = b[o];
  if (f < 0xfd) return [f, o + 1];
  if (f === 0xfd) return [(b[o + 1] << 8) | b[o + 2], o + 3];
  if (f === 0xfe) return [((b[o + 1] << 24) >>> 0) + ((b[o + 2] << 16) | (b[o + 3] << 8) | b[o + 4]), o + 5];
  throw new Error("BigSize too large");
}

/** LDK's `impl_writeable_tlv_based` framing: BigSize total length, then (type, length, value) records. */
export function tlvRecords(ser: Uint8Array): Map<number, Uint8Array> {
  let [len, o] = bigSize(ser, 0);
  if (o + len !== ser.length) throw new Error(`TLV stream length ${len} != ${ser.length - o}`);
  const out = new Map<number, Uint8Array>();
  while (o < ser.length) {
    let t: number, l: number;
    [t, o] = bigSize(ser, o);
    [l, o] = bigSize(ser, o);
    out.set(t, ser.subarray(o, o + l));
    o += l;
  }
  return out;
}

/** The CommitmentTransaction inside a HolderCommitmentTransaction (the bindings expose no getter): TLV record 0 of its serialization. */
export function holderInner(h: ldk.HolderCommitmentTransaction): ldk.CommitmentTransaction {
  const rec = tlvRecords(h.write()).get(0);
  if (!rec) throw new Error("HolderCommitmentTransaction without record 0");
  const r = ldk.CommitmentTransaction.constructor_read(rec);
  if (!(r instanceof ldk.Result_CommitmentTransactionDecodeErrorZ_OK)) throw new Error("CommitmentTransaction does not decode");
  return r.res;
}

/** HTLCs of a CommitmentTransaction: TLV record 12, a `required_vec` (elements back to back, no count), each element a length-prefixed TLV stream. */
export function commitmentHtlcs(ct: ldk.CommitmentTransaction): ldk.HTLCOutputInCommitment[] {
  const rec = tlvRecords(ct.write()).get(12);
  if (!rec) return [];
  const out: ldk.HTLCOutputInCommitment[] = [];
  for (let o = 0; o < rec.length;) {
    const [len, p] = bigSize(rec, o);
    const r = ldk.HTLCOutputInCommitment.constructor_read(rec.subarray(o, p + len));
    if (!(r instanceof ldk.Result_HTLCOutputInCommitmentDecodeErrorZ_OK)) throw new Error("HTLC does not decode");
    out.push(r.res);
    o = p + len;
  }
  return out;
}

export function commitmentInfo(ct: ldk.CommitmentTransaction): Record<string, string | number> {
  const trusted = ct.trust();
  const htlcs = commitmentHtlcs(ct);
  return {
    number: Number(ct.commitment_number()),
    txid: hex(trusted.txid()),
    toBroadcaster: Number(ct.to_broadcaster_value_sat()),
    toCountersignatory: Number(ct.to_countersignatory_value_sat()),
    feeratePerKw: ct.feerate_per_kw(),
    htlcs: htlcs.map((h) => `${h.get_offered() ? "offered" : "received"}:${h.get_amount_msat()}msat@${h.get_cltv_expiry()}`).join(",") || "none",
    txBytes: trusted.built_transaction().get_transaction().length,
  };
}

/**
 * lightningdevkit 0.1.0's JS glue decodes a u128 that LDK passes to a JS callback
 * big-endian while it encodes u128s little-endian, so a callback sees the value
 * byte-swapped (user_channel_id 1000 arrives as 0xe803 << 112), and handing that
 * back to LDK throws "U128s cannot exceed 128 bits" (>= 2^124) — fatal inside a
 * callback. Swap the 16 bytes to recover the real value.
 */
export function fixU128(v: bigint): bigint {
  let out = 0n;
  for (let i = 0n; i < 16n; i++) out = (out << 8n) | ((v >> (8n * i)) & 0xffn);
  return out;
}

const okSig = (r: ldk.Result_ECDSASignatureNoneZ) => r;

/** Optional policy hook: return a rule id to refuse the call (the callback then returns Err), null to sign. */
export type PolicyHook = (method: string, info: SignerCall["info"]) => string | null;

/** What tracedKeys keeps per channel for tests (e.g. to broadcast a revoked commitment). */
export interface CapturedChannel {
  keysId: string;
  params: ldk.ChannelTransactionParameters | null;
  /** Every holder commitment LDK asked us to validate, in order (cloned). */
  holderCommitments: ldk.HolderCommitmentTransaction[];
  /** The underlying KeysManager signer (test use only: signs without any policy). */
  rawSigner: ldk.EcdsaChannelSigner;
}
export type TracedKeys = NodeKeys & { captured: Map<string, CapturedChannel> };

export function tracedKeys(seed: Uint8Array, calls: SignerCall[], label = "traced KeysManager", incarnation = 0, policy?: PolicyHook): TracedKeys {
  const captured = new Map<string, CapturedChannel>();
  const inner = keysManagerKeys(seed, { secs: 1_700_000_000n + BigInt(incarnation), nanos: 0 });
  const km = inner.keysManager;
  const rec = (method: string, info: SignerCall["info"] = {}, keysId?: Uint8Array) => calls.push({ method, info, keysId: keysId && hex(keysId) });
  class Refused extends Error { constructor(readonly rule: string) { super(rule); } }
  const guard = <T>(method: string, fallback: () => T, fn: () => T): T => {
    try { return fn(); } catch (e) {
      if (e instanceof Refused) rec(`${method}:refused`, { rule: e.rule });
      else rec(`${method}:exception`, { error: String(e) });
      return fallback();
    }
  };
  const ask = (method: string, info: SignerCall["info"]) => { const rule = policy?.(method, info); if (rule) throw new Refused(rule); };

  const wrapChannel = (valueSat: bigint, keysId: Uint8Array): ldk.EcdsaChannelSigner => {
    const ims = km.derive_channel_keys(valueSat, keysId);
    const cs = ims.as_ChannelSigner();
    const es = ims.as_EcdsaChannelSigner();
    const cap: CapturedChannel = captured.get(hex(keysId)) ?? { keysId: hex(keysId), params: null, holderCommitments: [], rawSigner: es };
    captured.set(hex(keysId), cap);
    const channelImpl: ldk.ChannelSignerInterface = {
      get_per_commitment_point: (idx) => guard("get_per_commitment_point", () => ldk.Result_PublicKeyNoneZ.constructor_err(), () => { rec("get_per_commitment_point", { idx: Number(idx) }, keysId); return cs.get_per_commitment_point(idx); }),
      release_commitment_secret: (idx) => guard("release_commitment_secret", () => ldk.Result__u832NoneZ.constructor_err(), () => { rec("release_commitment_secret", { idx: Number(idx) }, keysId); return cs.release_commitment_secret(idx); }),
      validate_holder_commitment: (h, pre) => guard("validate_holder_commitment", () => ldk.Result_NoneNoneZ.constructor_err(), () => {
        const info = { ...commitmentInfo(holderInner(h)), counterpartyHtlcSigs: h.get_counterparty_htlc_sigs().length, outboundPreimages: pre.length };
        ask("validate_holder_commitment", info);
        rec("validate_holder_commitment", info, keysId);
        cap.holderCommitments.push(h.clone());
        return cs.validate_holder_commitment(h, pre);
      }),
      validate_counterparty_revocation: (idx, secret) => guard("validate_counterparty_revocation", () => ldk.Result_NoneNoneZ.constructor_err(), () => { rec("validate_counterparty_revocation", { idx: Number(idx), secret: hex(secret).slice(0, 8) }, keysId); return cs.validate_counterparty_revocation(idx, secret); }),
      channel_keys_id: () => keysId,
      provide_channel_parameters: (p) => guard("provide_channel_parameters", () => undefined, () => {
        rec("provide_channel_parameters", { outbound: p.get_is_outbound_from_holder(), holderDelay: p.get_holder_selected_contest_delay(), funding: `${hex(p.get_funding_outpoint().get_txid())}:${p.get_funding_outpoint().get_index()}` }, keysId);
        cs.provide_channel_parameters(p);
        cap.params = p.clone();
        cap.rawSigner = es;
      }),
    };
    const ecdsaImpl: ldk.EcdsaChannelSignerInterface = {
      sign_counterparty_commitment: (ct, inPre, outPre) => guard("sign_counterparty_commitment", () => ldk.Result_C2Tuple_ECDSASignatureCVec_ECDSASignatureZZNoneZ.constructor_err(), () => {
        const info = { ...commitmentInfo(ct), inboundPreimages: inPre.length, outboundPreimages: outPre.length };
        ask("sign_counterparty_commitment", info);
        rec("sign_counterparty_commitment", info, keysId);
        return es.sign_counterparty_commitment(ct, inPre, outPre);
      }),
      sign_holder_commitment: (h) => guard("sign_holder_commitment", () => ldk.Result_ECDSASignatureNoneZ.constructor_err(), () => { rec("sign_holder_commitment", commitmentInfo(holderInner(h)), keysId); return es.sign_holder_commitment(h); }),
      sign_justice_revoked_output: (tx, input, amount, key) => guard("sign_justice_revoked_output", () => ldk.Result_ECDSASignatureNoneZ.constructor_err(), () => { rec("sign_justice_revoked_output", { input, amount: Number(amount), txBytes: tx.length }, keysId); return okSig(es.sign_justice_revoked_output(tx, input, amount, key)); }),
      sign_justice_revoked_htlc: (tx, input, amount, key, htlc) => guard("sign_justice_revoked_htlc", () => ldk.Result_ECDSASignatureNoneZ.constructor_err(), () => { rec("sign_justice_revoked_htlc", { input, amount: Number(amount), offered: htlc.get_offered() }, keysId); return es.sign_justice_revoked_htlc(tx, input, amount, key, htlc); }),
      sign_holder_htlc_transaction: (tx, input, d) => guard("sign_holder_htlc_transaction", () => ldk.Result_ECDSASignatureNoneZ.constructor_err(), () => {
        const h = d.get_htlc();
        rec("sign_holder_htlc_transaction", { input, commitmentTxid: hex(d.get_commitment_txid()), commitmentNumber: Number(d.get_per_commitment_number()), offered: h.get_offered(), amountMsat: Number(h.get_amount_msat()), cltv: h.get_cltv_expiry(), hasPreimage: d.get_preimage() instanceof ldk.Option_ThirtyTwoBytesZ_Some, txBytes: tx.length }, keysId);
        return es.sign_holder_htlc_transaction(tx, input, d);
      }),
      sign_counterparty_htlc_transaction: (tx, input, amount, point, htlc) => guard("sign_counterparty_htlc_transaction", () => ldk.Result_ECDSASignatureNoneZ.constructor_err(), () => { rec("sign_counterparty_htlc_transaction", { input, amount: Number(amount), offered: htlc.get_offered() }, keysId); return es.sign_counterparty_htlc_transaction(tx, input, amount, point, htlc); }),
      sign_closing_transaction: (c) => guard("sign_closing_transaction", () => ldk.Result_ECDSASignatureNoneZ.constructor_err(), () => {
        rec("sign_closing_transaction", { toHolder: Number(c.to_holder_value_sat()), toCounterparty: Number(c.to_counterparty_value_sat()), holderScript: hex(c.to_holder_script()), counterpartyScript: hex(c.to_counterparty_script()) }, keysId);
        return es.sign_closing_transaction(c);
      }),
      sign_holder_anchor_input: (tx, input) => guard("sign_holder_anchor_input", () => ldk.Result_ECDSASignatureNoneZ.constructor_err(), () => { rec("sign_holder_anchor_input", { input }, keysId); return es.sign_holder_anchor_input(tx, input); }),
      sign_channel_announcement_with_funding_key: (m) => guard("sign_channel_announcement_with_funding_key", () => ldk.Result_ECDSASignatureNoneZ.constructor_err(), () => { rec("sign_channel_announcement_with_funding_key", {}, keysId); return es.sign_channel_announcement_with_funding_key(m); }),
      sign_splicing_funding_input: (tx, i, v) => guard("sign_splicing_funding_input", () => ldk.Result_ECDSASignatureNoneZ.constructor_err(), () => { rec("sign_splicing_funding_input", { input: i, value: Number(v) }, keysId); return es.sign_splicing_funding_input(tx, i, v); }),
    };
    return ldk.EcdsaChannelSigner.new_impl(ecdsaImpl, channelImpl, cs.get_pubkeys());
  };

  const ns = inner.nodeSigner;
  const nodeSigner = ldk.NodeSigner.new_impl({
    get_inbound_payment_key: () => ns.get_inbound_payment_key(),
    get_node_id: (r) => guard("get_node_id", () => ldk.Result_PublicKeyNoneZ.constructor_err(), () => ns.get_node_id(r)),
    ecdh: (r, other, tweak) => guard("ecdh", () => ldk.Result_ThirtyTwoBytesNoneZ.constructor_err(), () => { rec("ecdh", {}); return ns.ecdh(r, other, tweak); }),
    sign_invoice: (inv, r) => guard("sign_invoice", () => ldk.Result_RecoverableSignatureNoneZ.constructor_err(), () => {
      const amt = inv.amount_pico_btc();
      const res = ns.sign_invoice(inv, r);
      // RecoverableSignature in the bindings: 68 bytes = 64-byte compact r||s, then the recovery id (i32 LE)
      const sig = res instanceof ldk.Result_RecoverableSignatureNoneZ_OK ? res.res : new Uint8Array(0);
      rec("sign_invoice", { signableHash: hex(inv.signable_hash()), amountPicoBtc: amt instanceof ldk.Option_u64Z_Some ? Number(amt.some) : -1, routes: inv.private_routes().length, sigLen: sig.length, recid: hex(sig.subarray(64)) });
      return res;
    }),
    sign_bolt12_invoice: (inv) => guard("sign_bolt12_invoice", () => ldk.Result_SchnorrSignatureNoneZ.constructor_err(), () => { rec("sign_bolt12_invoice", {}); return ns.sign_bolt12_invoice(inv); }),
    sign_gossip_message: (m) => guard("sign_gossip_message", () => ldk.Result_ECDSASignatureNoneZ.constructor_err(), () => { rec("sign_gossip_message", { kind: m.constructor.name }); return ns.sign_gossip_message(m); }),
  });

  const sp = inner.signerProvider;
  const signerProvider = ldk.SignerProvider.new_impl({
    generate_channel_keys_id: (inbound, value, rawUserId) => {
      const userId = fixU128(rawUserId);
      if (userId >= 1n << 124n) { rec("generate_channel_keys_id:u128-too-large", { userChannelId: String(userId) }); return new Uint8Array(32); }
      const id = sp.generate_channel_keys_id(inbound, value, userId); rec("generate_channel_keys_id", { inbound, value: Number(value), userChannelId: String(userId) }, id); return id; },
    derive_channel_signer: (value, keysId) => { rec("derive_channel_signer", { value: Number(value) }, keysId); return wrapChannel(value, keysId); },
    read_chan_signer: (_b) => ldk.Result_EcdsaChannelSignerDecodeErrorZ.constructor_err(ldk.DecodeError.constructor_invalid_value()),
    get_destination_script: (keysId) => guard("get_destination_script", () => ldk.Result_CVec_u8ZNoneZ.constructor_err(), () => sp.get_destination_script(keysId)),
    get_shutdown_scriptpubkey: () => guard("get_shutdown_scriptpubkey", () => ldk.Result_ShutdownScriptNoneZ.constructor_err(), () => sp.get_shutdown_scriptpubkey()),
  });

  const os = inner.outputSpender;
  const outputSpender = ldk.OutputSpender.new_impl({
    spend_spendable_outputs: (descs, outs, change, feerate, locktime) => guard("spend_spendable_outputs", () => ldk.Result_TransactionNoneZ.constructor_err(), () => {
      rec("spend_spendable_outputs", { descriptors: descs.map((d) => d.constructor.name.replace("SpendableOutputDescriptor_", "")).join(","), feerate });
      return os.spend_spendable_outputs(descs, outs, change, feerate, locktime);
    }),
  });

  return { entropySource: inner.entropySource, nodeSigner, signerProvider, outputSpender, kind: label, captured, close() {} };
}
