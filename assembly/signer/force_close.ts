// BOLT 5 "Unilateral Close Handling" and "Revoked Transaction Close Handling":
// the transactions that spend commitment outputs once a channel is on chain.
// The node builds each one; the core finds every input's script itself (from
// the channel state and keys it derives), checks the sweep rules and signs.
//
//   0x0407 sign_delayed_sweep     id | u64 number | varbytes tx [| varbytes htlc_tx] → varbytes signed tx
//          our to_local, or the output of one of our HTLC txs (bumped ones named by htlc_tx), after to_self_delay
//   0x0409 sign_holder_htlc_tx    id | u64 number | u32 vout | varbytes tx → varbytes sig
//          our HTLC-timeout / HTLC-success tx for the HTLC at `vout` of our latest commitment
//   0x040a sign_justice_sweep     id | u64 revoked_number | varbytes tx | u16 n | n × input → varbytes signed tx
//          input: u8 kind (0 to_local, 1 HTLC offered by the peer, 2 HTLC received by the peer) |
//          u64 amount_sat [| hash[32] | u32 cltv_expiry  for HTLCs]
//   0x040d sign_to_remote_sweep  id | varbytes tx | u16 n | n × u64 amount_sat → varbytes signed tx
//          our to_remote outputs of the peer's commitments (static_remotekey: P2WPKH of our payment
//          basepoint; anchors: <key> OP_CHECKSIGVERIFY 1 OP_CSV, sequence 1)
//   0x040c sign_anchor_input     id | u64 number | varbytes tx → varbytes sig
//          the input spending our anchor of our latest commitment (CPFP; the fee inputs are the
//          wallet's, signed under the on-chain rules by sign_onchain_tx)
//   0x040b sign_counterparty_htlc_sweep  id | u64 number | varbytes tx | u16 n | n × input → varbytes signed tx
//          input: u8 offered_by_peer | u64 amount_sat | hash[32] | u32 cltv_expiry | u8 has_preimage [| preimage[32]]
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { Code, CoreError, malformed, invalidArgument, invalidState } from "../protocol/errors";
import { hash160, pubkeyCreate, sha256 } from "../crypto";
import { bytesEqual } from "../codec/bytes";
import { Rule } from "../policy/rules";
import { HtlcTxView, NodeTx, checkHtlcExtras, checkNodeHtlcTx } from "../policy/commitment_tx";
import { Tx, TxIn, TxOut, parseTx } from "../bitcoin/tx";
import { SigHash } from "../bitcoin/sighash";
import { OutKind } from "../bolt3/commitment";
import { buildHtlcTx } from "../bolt3/htlc";
import { offeredHtlcScript, receivedHtlcScript, toLocalScript, toRemoteAnchorsScript } from "../bolt3/scripts";
import { p2wpkhScriptCode } from "../bitcoin/script";
import { derivePrivkey, derivePubkey, perCommitmentSecret, revocationPrivkey, revocationPubkey, MAX_INDEX } from "../bolt3/keys";
import { signInput } from "../bolt3/sign";
import { Channel, ChannelType } from "./channel";
import { HolderBuild, MAX_NODE_TX, buildHolder, holderNotRevoked, readyChannel, storedFields } from "./commitment";
import { SIGNER } from "./state";
import { isOwnScript } from "./node_sign";

export namespace ForceCloseMethod {
  export const SIGN_DELAYED_SWEEP: u16 = 0x0407;
  export const SIGN_HOLDER_HTLC_TX: u16 = 0x0409;
  export const SIGN_JUSTICE_SWEEP: u16 = 0x040a;
  export const SIGN_COUNTERPARTY_HTLC_SWEEP: u16 = 0x040b;
  export const SIGN_ANCHOR_INPUT: u16 = 0x040c;
  export const SIGN_TO_REMOTE_SWEEP: u16 = 0x040d;
}

const MAX_INPUTS: i32 = 2 * 483 + 2;

/** The node's unsigned tx of a request, or a MALFORMED error in `why`. */
function readTx(r: Reader): Tx | null {
  const raw = r.varbytes(MAX_NODE_TX);
  if (!r.ok()) return null;
  const tx = parseTx(raw);
  if (tx === null) r.fail("the transaction does not parse");
  return tx;
}

/** Our latest validated commitment (the one we may broadcast), never a revoked one (hard). */
function latestHolder(c: Channel, number: u64, why: CoreError[]): HolderBuild | null {
  const st = c.holder;
  const e = holderNotRevoked(st, number);
  if (e !== null) { why.push(e); return null; }
  if (st.validated == 0 || number != st.validated - 1) { why.push(invalidState("only the latest validated holder commitment is on chain")); return null; }
  const f = storedFields(st.last);
  const b = buildHolder(c, f.number, f.feerate, f.toHolder, f.toCounterparty, f.htlcs);
  if (b === null) why.push(invalidArgument("keys"));
  return b;
}

/** A request on our latest commitment: id[32] | u64 number [| u32 vout] | varbytes tx. */
class HolderTx {
  constructor(public c: Channel, public b: HolderBuild, public tx: Tx, public vout: u32, public extra: Tx | null) {}
}

/** ... [| varbytes extra]: with `withExtra`, an optional second tx after the first (the HTLC tx a sweep spends). */
function holderTx(r: Reader, withVout: bool, why: CoreError[], withExtra: bool = false): HolderTx | null {
  const id = r.bytes(32), number = r.u64(), vout = withVout ? r.u32() : 0;
  const tx = readTx(r);
  const extra = withExtra && r.ok() && r.remaining() > 0 ? readTx(r) : null;
  if (!r.finish() || tx === null) { why.push(malformed(r.err!)); return null; }
  const c = readyChannel(id, why);
  if (c === null) return null;
  const b = latestHolder(c!, number, why);
  return b === null ? null : new HolderTx(c!, b!, tx!, vout, extra);
}

/** Sign every input `i` of `tx` (its script and amount) with `key`; the witness is <sig> <items[i]> [<script>]. */
function signAll(tx: Tx, scripts: Uint8Array[], amounts: u64[], key: Uint8Array, items: Uint8Array[], scriptInWitness: bool = true): CoreError | null {
  const sigs = new Array<Uint8Array>();
  for (let i = 0; i < tx.inputs.length; i++) {
    const sig = signInput(tx, scripts[i], amounts[i], key, SigHash.ALL, i);
    if (sig === null) return new CoreError(Code.INTERNAL, "signing failed");
    sigs.push(sig!);
  }
  for (let i = 0; i < tx.inputs.length; i++) {
    const wit = witness(sigs[i], items[i], scripts[i]);
    if (!scriptInWitness) wit.pop();
    tx.inputs[i].witness = wit;
  }
  return null;
}

/**
 * The sweep rules on the node's tx spending `inputValue` sat: version 2 (BIP68),
 * a height locktime not past the tip, every output to our wallet or the
 * allowlist, the fee within bounds for the tx with its witnesses (`witnessWeight`).
 */
function checkSweep(tx: Tx, inputValue: u64, witnessWeight: u64): CoreError | null {
  const p = SIGNER.policy, cfg = p.cfg;
  if (tx.outputs.length == 0) return invalidArgument("a sweep with no output (its value would all go to fees)");
  let e = p.check(Rule.SWEEP_VERSION, tx.version == 2, "version " + tx.version.toString() + ", a sweep uses 2");
  if (e !== null) return e;
  const chain = SIGNER.chain;
  const maxLock: u32 = chain !== null ? chain!.tip().height + 1 : 499_999_999;
  e = p.check(Rule.SWEEP_LOCKTIME, tx.locktime <= maxLock, "locktime " + tx.locktime.toString() + " is not a height at or below the tip");
  if (e !== null) return e;
  let paid: u64 = 0, allowed = true;
  for (let i = 0; i < tx.outputs.length; i++) { paid += tx.outputs[i].value; allowed = allowed && (SIGNER.payments.allowsScript(tx.outputs[i].script) || isOwnScript(tx.outputs[i].script)); }
  e = p.check(Rule.SWEEP_DESTINATION_ALLOWLISTED, allowed, "the sweep does not pay an allowlisted address");
  if (e !== null) return e;
  const fee = paid < inputValue ? inputValue - paid : 0;
  const weight = <u64>tx.weight() + 2 + witnessWeight;
  const rate = fee * 4 / weight;
  return p.check(Rule.SWEEP_FEE_RANGE, paid < inputValue && fee <= cfg.onchainFeeMaxSat && rate >= <u64>cfg.onchainFeerateMin && rate <= <u64>cfg.onchainFeerateMax,
    "fee " + fee.toString() + " sat (" + rate.toString() + " sat/vB) outside the configured range");
}

/** Weight of a witness <sig> <item> <script>: item count, a DER signature of at most 73 bytes with its sighash byte, the item, the script (BIP141: one weight unit a byte). */
function witnessWeight(item: i32, script: Uint8Array): u64 {
  const len = <u64>script.length;
  return 1 + (1 + 73) + (item < 0 ? 0 : 1 + <u64>item) + (len < 253 ? 1 : 3) + len;
}

function witness(sig: Uint8Array, item: Uint8Array, script: Uint8Array): Uint8Array[] {
  const w = new Array<Uint8Array>();
  w.push(sig);
  w.push(item);
  w.push(script);
  return w;
}

/**
 * Our delayed output after to_self_delay (BOLT 5: nSequence = to_self_delay, witness <sig> <> <script>):
 * to_local of our latest commitment, or the output of one of its HTLC txs (same script, same keys).
 * An HTLC tx bumped with fee inputs (anchors) has a txid only the node knows: the request then
 * carries that tx, which is checked as sign_holder_htlc_tx checks it.
 */
function signDelayedSweep(r: Reader, w: Writer): CoreError | null {
  const why = new Array<CoreError>();
  const t = holderTx(r, false, why, true);
  if (t === null) return why[0];
  const c = t!.c, b = t!.b, tx = t!.tx;
  if (tx.inputs.length != 1) return invalidArgument("a delayed sweep spends one output");
  const input = tx.inputs[0];
  const built = b!.built;
  let value: u64 = 0, found = false;
  if (t!.extra !== null) {
    const h = t!.extra!;
    const spend = checkedHtlcTx(b!, h, -1, why);
    if (spend === null) return why[0];
    found = input.vout == <u32>spend!.k && bytesEqual(input.prevTxid, h.txid());
    value = h.outputs[spend!.k].value;
  } else {
    for (let i = 0; i < built.outputs.length && !found; i++) {
      const o = built.outputs[i];
      if (o.kind == OutKind.TO_LOCAL && input.vout == <u32>i && bytesEqual(input.prevTxid, built.txid())) { value = o.value; found = true; }
      if (o.kind == OutKind.HTLC) {
        const h = buildHtlcTx(built, i, b!.params.htlcs[o.htlc], b!.params.feeratePerKw, b!.params.anchors, b!.keys.revocation, b!.keys.broadcasterDelayed, b!.params.toSelfDelay);
        if (input.vout == 0 && bytesEqual(input.prevTxid, h.txid())) { value = h.outputs[0].value; found = true; }
      }
    }
  }
  if (!found || input.scriptSig.length > 0) return invalidArgument("the sweep does not spend our to_local or one of our HTLC txs' outputs");
  const script = toLocalScript(b!.keys.revocation, b!.keys.broadcasterDelayed, b!.params.toSelfDelay);
  const p = SIGNER.policy;
  const e = p.check(Rule.SWEEP_SEQUENCE, input.sequence == <u32>b!.params.toSelfDelay, "sequence " + input.sequence.toString() + ", to_self_delay is " + b!.params.toSelfDelay.toString());
  if (e !== null) return e;
  const e2 = checkSweep(tx, value, witnessWeight(0, script));
  if (e2 !== null) return e2;
  const key = derivePrivkey(c!.secrets.delayedPaymentBase, b!.point);
  if (key === null) return invalidArgument("keys");
  const sig = signInput(tx, script, value, key!);
  if (sig === null) return new CoreError(Code.INTERNAL, "signing failed");
  tx.inputs[0].witness = witness(sig!, new Uint8Array(0), script);
  w.varbytes(tx.serialize(true));
  return null;
}

/** The input of an HTLC tx that spends an HTLC output of our commitment. */
class HtlcSpend {
  constructor(public k: i32, public vout: i32) {}
}

/**
 * `tx` as our HTLC tx for the HTLC output `vout` of our commitment (any HTLC output when -1):
 * BOLT 3's exactly, or with anchors the HTLC input and its output at the same index among fee
 * inputs and change (the HTLC's value goes only to its delayed output). Null with the error in `why`.
 */
function checkedHtlcTx(b: HolderBuild, tx: Tx, vout: i32, why: CoreError[]): HtlcSpend | null {
  const built = b.built, params = b.params, keys = b.keys;
  let k = -1;
  for (let i = 0; i < tx.inputs.length && k < 0; i++) {
    const v = <i32>tx.inputs[i].vout;
    if (!bytesEqual(tx.inputs[i].prevTxid, built.txid()) || v >= built.outputs.length || built.outputs[v].kind != OutKind.HTLC) continue;
    if (vout < 0 || v == vout) { k = i; vout = v; }
  }
  if (k < 0) { why.push(invalidArgument("the tx does not spend an HTLC output of our commitment")); return null; }
  const out = built.outputs[vout], h = params.htlcs[out.htlc];
  const want = buildHtlcTx(built, vout, h, params.feeratePerKw, params.anchors, keys.revocation, keys.broadcasterDelayed, params.toSelfDelay);
  const ws = toLocalScript(keys.revocation, keys.broadcasterDelayed, params.toSelfDelay);
  const pair = new Tx(tx.version, tx.locktime);
  pair.inputs.push(new TxIn(tx.inputs[k].prevTxid, tx.inputs[k].vout, tx.inputs[k].scriptSig, tx.inputs[k].sequence));
  if (k < tx.outputs.length) pair.outputs.push(new TxOut(tx.outputs[k].value, tx.outputs[k].script));
  const p = SIGNER.policy;
  let e = checkHtlcExtras(p, params.anchors, tx.inputs.length, tx.outputs.length, k);
  if (e === null) {
    const chain = SIGNER.chain;
    const maxLock: u32 = chain !== null ? chain!.tip().height + p.cfg.cltvWindow : 499_999_999;
    const scripts = new Array<Uint8Array>();
    scripts.push(ws);
    e = checkNodeHtlcTx(p, new HtlcTxView(want, ws, h.offered, out.value, maxLock), new NodeTx(pair, pair.serialize(false), scripts));
  }
  if (e !== null) { why.push(e!); return null; }
  if (k >= tx.outputs.length) { why.push(invalidArgument("the HTLC's output is missing")); return null; }
  return new HtlcSpend(k, vout);
}

/**
 * Our signature on the second-stage tx of the HTLC at `vout` of our latest commitment. Without
 * anchors the node's tx is exactly BOLT 3's; with anchors (zero-fee, the peer signed
 * SINGLE|ANYONECANPAY) the HTLC input and its output keep their index and the node may add
 * fee inputs and change of its own: the HTLC's value still goes only to the delayed output.
 */
function signHolderHtlcTx(r: Reader, w: Writer): CoreError | null {
  const why = new Array<CoreError>();
  const t = holderTx(r, true, why);
  if (t === null) return why[0];
  const c = t!.c, b = t!.b, tx = t!.tx, vout = t!.vout;
  const built = b!.built;
  if (vout >= <u32>built.outputs.length || built.outputs[vout].kind != OutKind.HTLC) return invalidArgument("no HTLC output at vout " + vout.toString());
  const spend = checkedHtlcTx(b!, tx, <i32>vout, why);
  if (spend === null) return why[0];
  const out = built.outputs[vout];
  const key = derivePrivkey(c!.secrets.htlcBase, b!.point);
  if (key === null) return invalidArgument("keys");
  const sig = signInput(tx, out.witnessScript, out.value, key!, SigHash.ALL, spend!.k);
  if (sig === null) return new CoreError(Code.INTERNAL, "signing failed");
  w.varbytes(sig!);
  return null;
}

/** The head of a sweep of the peer's commitment: id[32] | u64 number | varbytes tx | u16 n (input descriptions follow). */
class SweepHead {
  constructor(public id: Uint8Array, public number: u64, public tx: Tx | null, public n: i32) {}
}

function readSweepHead(r: Reader): SweepHead {
  const id = r.bytes(32), number = r.u64();
  const tx = readTx(r);
  const n = <i32>r.u16();
  if (r.ok() && n > MAX_INPUTS) r.fail("too many inputs");
  return new SweepHead(id, number, tx, n);
}

/** The ready channel `id` of a sweep whose `n` input descriptions must be one per input of `tx`; null with the error in `why`. */
function sweepChannel(id: Uint8Array, tx: Tx, n: i32, why: CoreError[]): Channel | null {
  const c = readyChannel(id, why);
  if (c === null) return null;
  if (n != tx.inputs.length) { why.push(invalidArgument("one description per input")); return null; }
  return c;
}

/** The peer's commitment `number` that may be on chain: its point, or null (unknown or revoked). */
function peerPoint(c: Channel, number: u64): Uint8Array | null {
  const st = c.counterparty;
  if (st.next > 0 && number == st.next - 1) return st.lastPoint;
  if (st.next > 1 && number == st.next - 2 && number >= st.revokedCount) return st.prevPoint;
  return null;
}

/**
 * A revoked commitment of the peer on chain: every output it describes is ours with the
 * revocation key (BOLT 5 "Revoked Transaction Close Handling"). The secret must be one the
 * peer revealed (shachain).
 */
function signJustice(r: Reader, w: Writer): CoreError | null {
  const h = readSweepHead(r);
  const id = h.id, number = h.number, parsed = h.tx, n = h.n;
  const kinds = new Array<u8>(), amounts = new Array<u64>(), hashes = new Array<Uint8Array>(), cltvs = new Array<u32>();
  for (let i = 0; i < n && r.ok(); i++) {
    const kind = r.u8();
    if (r.ok() && kind > 2) r.fail("input kind");
    kinds.push(kind);
    amounts.push(r.u64());
    hashes.push(kind == 0 ? new Uint8Array(32) : r.bytes(32));
    cltvs.push(kind == 0 ? 0 : r.u32());
  }
  if (!r.finish() || parsed === null) return malformed(r.err!);
  const tx = parsed!;
  const why = new Array<CoreError>();
  const c = sweepChannel(id, tx, n, why);
  if (c === null) return why[0];
  const secret = number <= MAX_INDEX ? c!.counterparty.secrets.lookup(MAX_INDEX - number) : null;
  if (secret === null) return invalidState("commitment " + number.toString() + " of the peer is not revoked");
  const point = pubkeyCreate(secret!);
  const sec = c!.secrets, setup = c!.setup!, cp = setup.counterparty!;
  const anchors = setup.channelType == ChannelType.ANCHORS_ZERO_FEE_HTLC;
  const revPub = revocationPubkey(sec.revocationBasepoint, point!), revKey = revocationPrivkey(sec.revocationBase, secret!);
  const delayed = derivePubkey(cp.delayedPayment, point!), theirHtlc = derivePubkey(cp.htlc, point!), ourHtlc = derivePubkey(sec.htlcBasepoint, point!);
  if (revPub === null || revKey === null || delayed === null || theirHtlc === null || ourHtlc === null) return invalidArgument("keys");
  const scripts = new Array<Uint8Array>();
  let total: u64 = 0, ww: u64 = 0;
  const p = SIGNER.policy;
  for (let i = 0; i < n; i++) {
    const s = kinds[i] == 0 ? toLocalScript(revPub!, delayed!, setup.holderSelectedContestDelay)
      : kinds[i] == 1 ? offeredHtlcScript(revPub!, theirHtlc!, ourHtlc!, hashes[i], anchors)
      : receivedHtlcScript(revPub!, theirHtlc!, ourHtlc!, hashes[i], cltvs[i], anchors);
    scripts.push(s);
    total += amounts[i];
    ww += witnessWeight(kinds[i] == 0 ? 1 : 33, s);
    const e = p.check(Rule.SWEEP_SEQUENCE, tx.inputs[i].sequence <= 0xfffffffd, "input " + i.toString() + " is final: a justice sweep signals replacement");
    if (e !== null) return e;
  }
  const e = checkSweep(tx, total, ww);
  if (e !== null) return e;
  // to_local: <sig> 1 <script> (the OP_IF branch); an HTLC: <sig> <revocationpubkey> <script>.
  const items = new Array<Uint8Array>();
  for (let i = 0; i < n; i++) items.push(kinds[i] == 0 ? Uint8Array.wrap(new ArrayBuffer(1)).fill(1) : revPub!);
  const e2 = signAll(tx, scripts, amounts, revKey!, items);
  if (e2 !== null) return e2;
  w.varbytes(tx.serialize(true));
  return null;
}

/**
 * HTLC outputs of the peer's (unrevoked) commitment on chain, claimed with our HTLC key: an
 * HTLC the peer offered us, with its preimage; one we offered, after its expiry (locktime ≥ cltv).
 */
function signCounterpartyHtlcSweep(r: Reader, w: Writer): CoreError | null {
  const h = readSweepHead(r);
  const id = h.id, number = h.number, parsed = h.tx, n = h.n;
  const offered = new Array<bool>(), amounts = new Array<u64>(), hashes = new Array<Uint8Array>(), cltvs = new Array<u32>(), preimages = new Array<Uint8Array | null>();
  for (let i = 0; i < n && r.ok(); i++) {
    offered.push(r.u8() == 1);
    amounts.push(r.u64());
    hashes.push(r.bytes(32));
    cltvs.push(r.u32());
    preimages.push(r.u8() == 1 ? r.bytes(32) : null);
  }
  if (!r.finish() || parsed === null) return malformed(r.err!);
  const tx = parsed!;
  const why = new Array<CoreError>();
  const c = sweepChannel(id, tx, n, why);
  if (c === null) return why[0];
  const point = peerPoint(c!, number);
  if (point === null) return invalidState("commitment " + number.toString() + " of the peer is not one that may be on chain");
  const sec = c!.secrets, setup = c!.setup!, cp = setup.counterparty!;
  const anchors = setup.channelType == ChannelType.ANCHORS_ZERO_FEE_HTLC;
  const revPub = revocationPubkey(sec.revocationBasepoint, point!), theirHtlc = derivePubkey(cp.htlc, point!), ourHtlc = derivePubkey(sec.htlcBasepoint, point!);
  const key = derivePrivkey(sec.htlcBase, point!);
  if (revPub === null || theirHtlc === null || ourHtlc === null || key === null) return invalidArgument("keys");
  const p = SIGNER.policy;
  const scripts = new Array<Uint8Array>();
  let total: u64 = 0, ww: u64 = 0;
  for (let i = 0; i < n; i++) {
    const s = offered[i] ? offeredHtlcScript(revPub!, theirHtlc!, ourHtlc!, hashes[i], anchors) : receivedHtlcScript(revPub!, theirHtlc!, ourHtlc!, hashes[i], cltvs[i], anchors);
    scripts.push(s);
    total += amounts[i];
    ww += witnessWeight(offered[i] ? 32 : 0, s);
    if (offered[i] && (preimages[i] === null || !bytesEqual(sha256(preimages[i]!), hashes[i]))) return invalidArgument("input " + i.toString() + ": the preimage of the peer's HTLC is needed");
    // Anchors add 1 OP_CSV to every HTLC script; a timeout claim needs a non-final sequence for its locktime.
    const seqOk = anchors ? tx.inputs[i].sequence == 1 : (offered[i] || tx.inputs[i].sequence < 0xffffffff);
    let e = p.check(Rule.SWEEP_SEQUENCE, seqOk, "input " + i.toString() + " sequence " + tx.inputs[i].sequence.toString());
    if (e !== null) return e;
    e = p.check(Rule.SWEEP_LOCKTIME, offered[i] || tx.locktime >= cltvs[i], "locktime " + tx.locktime.toString() + " before the HTLC's expiry " + cltvs[i].toString());
    if (e !== null) return e;
  }
  const e = checkSweep(tx, total, ww);
  if (e !== null) return e;
  const items = new Array<Uint8Array>();
  for (let i = 0; i < n; i++) items.push(offered[i] ? preimages[i]! : new Uint8Array(0));
  const e2 = signAll(tx, scripts, amounts, key!, items);
  if (e2 !== null) return e2;
  w.varbytes(tx.serialize(true));
  return null;
}

/** Our anchor (option_anchors: <funding_pubkey> OP_CHECKSIG ...) of our latest commitment, for CPFP. */
function signAnchorInput(r: Reader, w: Writer): CoreError | null {
  const why = new Array<CoreError>();
  const t = holderTx(r, false, why);
  if (t === null) return why[0];
  const c = t!.c, b = t!.b, tx = t!.tx;
  const built = b!.built;
  let vout = -1;
  for (let i = 0; i < built.outputs.length; i++) if (built.outputs[i].kind == OutKind.ANCHOR_LOCAL) vout = i;
  if (vout < 0) return invalidState("our commitment has no anchor of ours");
  let k = -1;
  for (let i = 0; i < tx.inputs.length; i++) if (tx.inputs[i].vout == <u32>vout && bytesEqual(tx.inputs[i].prevTxid, built.txid())) k = i;
  if (k < 0) return invalidArgument("the tx does not spend our anchor");
  const out = built.outputs[vout];
  const sig = signInput(tx, out.witnessScript, out.value, c!.secrets.funding, SigHash.ALL, k);
  if (sig === null) return new CoreError(Code.INTERNAL, "signing failed");
  w.varbytes(sig!);
  return null;
}

/**
 * Our to_remote on the peer's commitment (BOLT 5 "Unilateral Close Handling: Remote Commitment
 * Transaction"): with option_static_remotekey the key is our payment basepoint on every
 * commitment, so each input is ours by its amount and the script the core derives.
 */
function signToRemoteSweep(r: Reader, w: Writer): CoreError | null {
  const id = r.bytes(32);
  const parsed = readTx(r);
  const n = <i32>r.u16();
  if (r.ok() && n > MAX_INPUTS) r.fail("too many inputs");
  const amounts = new Array<u64>();
  for (let i = 0; i < n && r.ok(); i++) amounts.push(r.u64());
  if (!r.finish() || parsed === null) return malformed(r.err!);
  const tx = parsed!;
  const why = new Array<CoreError>();
  const c = readyChannel(id, why);
  if (c === null) return why[0];
  if (n != tx.inputs.length) return invalidArgument("one amount per input");
  const sec = c!.secrets;
  const anchors = c!.setup!.channelType == ChannelType.ANCHORS_ZERO_FEE_HTLC;
  // BIP143: the scriptCode of a P2WPKH input is the P2PKH script of the key hash.
  const script = anchors ? toRemoteAnchorsScript(sec.paymentBasepoint) : p2wpkhScriptCode(hash160(sec.paymentBasepoint));
  const p = SIGNER.policy;
  let total: u64 = 0, ww: u64 = 0;
  const scripts = new Array<Uint8Array>(), items = new Array<Uint8Array>();
  for (let i = 0; i < n; i++) {
    total += amounts[i];
    ww += anchors ? witnessWeight(-1, script) : 1 + 74 + 34;
    scripts.push(script);
    const e = p.check(Rule.SWEEP_SEQUENCE, anchors ? tx.inputs[i].sequence == 1 : tx.inputs[i].sequence <= 0xfffffffd,
      "input " + i.toString() + " sequence " + tx.inputs[i].sequence.toString() + (anchors ? ", the anchors to_remote needs 1" : ", final"));
    if (e !== null) return e;
  }
  const e = checkSweep(tx, total, ww);
  if (e !== null) return e;
  // Witness: <sig> <script> (anchors P2WSH) or <sig> <pubkey> (P2WPKH).
  for (let i = 0; i < n; i++) items.push(anchors ? script : sec.paymentBasepoint);
  const e2 = signAll(tx, scripts, amounts, sec.payment, items, false);
  if (e2 !== null) return e2;
  w.varbytes(tx.serialize(true));
  return null;
}

export function handleForceClose(method: u16, r: Reader, w: Writer): CoreError | null {
  if (method == ForceCloseMethod.SIGN_DELAYED_SWEEP) return signDelayedSweep(r, w);
  if (method == ForceCloseMethod.SIGN_HOLDER_HTLC_TX) return signHolderHtlcTx(r, w);
  if (method == ForceCloseMethod.SIGN_JUSTICE_SWEEP) return signJustice(r, w);
  if (method == ForceCloseMethod.SIGN_COUNTERPARTY_HTLC_SWEEP) return signCounterpartyHtlcSweep(r, w);
  if (method == ForceCloseMethod.SIGN_ANCHOR_INPUT) return signAnchorInput(r, w);
  if (method == ForceCloseMethod.SIGN_TO_REMOTE_SWEEP) return signToRemoteSweep(r, w);
  return new CoreError(Code.UNKNOWN_METHOD, "unknown method");
}
