// BOLT 3 scripts: funding output, to_local, to_remote (anchors), anchor
// outputs, offered and received HTLC outputs, HTLC-tx outputs.
import { hash160, ripemd160 } from "../crypto";
import { Op, Script } from "../bitcoin/script";
import { compareBytes } from "../codec/bytes";

/** 2 <pubkey1> <pubkey2> 2 OP_CHECKMULTISIG, keys in lexicographic order ("Funding Transaction Output"). */
export function fundingScript(a: Uint8Array, b: Uint8Array): Uint8Array {
  const aFirst = compareBytes(a, b) < 0;
  const first = aFirst ? a : b, second = aFirst ? b : a;
  return new Script().num(2).push(first).push(second).num(2).op(Op.CHECKMULTISIG).finish();
}

/** to_local (and HTLC-tx outputs): revocation key now, or the delayed key after to_self_delay. */
export function toLocalScript(revocation: Uint8Array, delayed: Uint8Array, toSelfDelay: u32): Uint8Array {
  return new Script().op(Op.IF).push(revocation).op(Op.ELSE).num(<i64>toSelfDelay).op(Op.CHECKSEQUENCEVERIFY).op(Op.DROP)
    .push(delayed).op(Op.ENDIF).op(Op.CHECKSIG).finish();
}

/** to_remote with option_anchors: <remotepubkey> OP_CHECKSIGVERIFY 1 OP_CHECKSEQUENCEVERIFY. */
export function toRemoteAnchorsScript(remote: Uint8Array): Uint8Array {
  return new Script().push(remote).op(Op.CHECKSIGVERIFY).num(1).op(Op.CHECKSEQUENCEVERIFY).finish();
}

/** <funding_pubkey> OP_CHECKSIG OP_IFDUP OP_NOTIF OP_16 OP_CHECKSEQUENCEVERIFY OP_ENDIF. */
export function anchorScript(funding: Uint8Array): Uint8Array {
  return new Script().push(funding).op(Op.CHECKSIG).op(Op.IFDUP).op(Op.NOTIF).num(16).op(Op.CHECKSEQUENCEVERIFY).op(Op.ENDIF).finish();
}

/** Offered HTLC output (the broadcaster offered it). */
export function offeredHtlcScript(revocation: Uint8Array, localHtlc: Uint8Array, remoteHtlc: Uint8Array, paymentHash: Uint8Array, anchors: bool): Uint8Array {
  const s = new Script().op(Op.DUP).op(Op.HASH160).push(hash160(revocation)).op(Op.EQUAL)
    .op(Op.IF).op(Op.CHECKSIG)
    .op(Op.ELSE).push(remoteHtlc).op(Op.SWAP).op(Op.SIZE).num(32).op(Op.EQUAL)
    .op(Op.NOTIF).op(Op.DROP).num(2).op(Op.SWAP).push(localHtlc).num(2).op(Op.CHECKMULTISIG)
    .op(Op.ELSE).op(Op.HASH160).push(ripemd160(paymentHash)).op(Op.EQUALVERIFY).op(Op.CHECKSIG)
    .op(Op.ENDIF);
  if (anchors) s.num(1).op(Op.CHECKSEQUENCEVERIFY).op(Op.DROP);
  return s.op(Op.ENDIF).finish();
}

/** Received HTLC output (the broadcaster receives it). */
export function receivedHtlcScript(revocation: Uint8Array, localHtlc: Uint8Array, remoteHtlc: Uint8Array, paymentHash: Uint8Array, cltvExpiry: u32, anchors: bool): Uint8Array {
  const s = new Script().op(Op.DUP).op(Op.HASH160).push(hash160(revocation)).op(Op.EQUAL)
    .op(Op.IF).op(Op.CHECKSIG)
    .op(Op.ELSE).push(remoteHtlc).op(Op.SWAP).op(Op.SIZE).num(32).op(Op.EQUAL)
    .op(Op.IF).op(Op.HASH160).push(ripemd160(paymentHash)).op(Op.EQUALVERIFY).num(2).op(Op.SWAP).push(localHtlc).num(2).op(Op.CHECKMULTISIG)
    .op(Op.ELSE).op(Op.DROP).num(<i64>cltvExpiry).op(Op.CHECKLOCKTIMEVERIFY).op(Op.DROP).op(Op.CHECKSIG)
    .op(Op.ENDIF);
  if (anchors) s.num(1).op(Op.CHECKSEQUENCEVERIFY).op(Op.DROP);
  return s.op(Op.ENDIF).finish();
}
