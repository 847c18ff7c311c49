// Node-key signatures: each one checked with an independent library, and the
// refusals for messages the node key must not sign.
import { describe, it, expect } from "vitest";
import { secp256k1, schnorr } from "@noble/curves/secp256k1.js";
import { bolt12Merkle } from "../../host/tools/lightning.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { Signer, SignerError, Code } from "../../host/signer.js";
import { Writer } from "../../host/protocol/codec.js";
import { hex, testSigner, unhex, utf8 } from "../helpers.js";

const sha256d = (m: Uint8Array) => sha256(sha256(m));
/** Recover the signer's key from recid|r|s with noble: it must be the node id. */
function recover(sig65: Uint8Array, digest: Uint8Array) {
  const sig = secp256k1.Signature.fromBytes(sig65.subarray(1), "compact").addRecoveryBit(sig65[0]);
  return sig.recoverPublicKey(digest).toBytes(true);
}
const REGTEST = unhex("06226e46111a0b59caaf126043eb5bbf28c34f3a5e332a1fc7b2b73cf188910f");

describe("node-key signatures", () => {
  const s = testSigner(0x31);
  const id = s.nodeId();
  it("ecdh equals SHA256 of the shared point, with and without tweak", () => {
    const k = secp256k1.utils.randomSecretKey(), P = secp256k1.getPublicKey(k, true);
    expect(hex(s.ecdh(P))).toBe(hex(sha256(secp256k1.Point.fromBytes(id).multiply(BigInt("0x" + hex(k))).toBytes(true))));
    const t = sha256(utf8("tweak"));
    const tP = secp256k1.Point.fromBytes(P).multiply(BigInt("0x" + hex(t)) % secp256k1.Point.CURVE().n).toBytes(true);
    expect(hex(s.ecdh(P, t))).toBe(hex(s.ecdh(tP)));
    expect(() => s.ecdh(unhex("02" + "00".repeat(32)))).toThrow(/INVALID_ARGUMENT/);
  });
  it("sign_invoice: recoverable signature that recovers to the node id", () => {
    const words = Array.from({ length: 200 }, (_, i) => (i * 7) % 32);
    const sig = s.signInvoice("lnbcrt10u", words);
    const bits = words.map((w) => w.toString(2).padStart(5, "0")).join("");
    const bytes = Uint8Array.from((bits + "0".repeat((8 - (bits.length % 8)) % 8)).match(/.{8}/g)!.map((b) => parseInt(b, 2)));
    expect(hex(recover(sig, sha256(new Uint8Array([...utf8("lnbcrt10u"), ...bytes]))))).toBe(hex(id));
    expect(() => s.signInvoice("xx", words)).toThrow(/INVALID_ARGUMENT/);
    expect(() => s.signInvoice("lnbc", [1, 40])).toThrow(/INVALID_ARGUMENT/);
  });
  it("sign_message: CLN/LND format recovers to the node id", () => {
    const m = utf8("vigil says hi");
    const sig = s.signMessage(m);
    expect(sig[0] === 31 || sig[0] === 32).toBe(true);
    const digest = sha256d(new Uint8Array([...utf8("Lightning Signed Message:"), ...m]));
    expect(hex(recover(Uint8Array.of(sig[0] - 31, ...sig.subarray(1)), digest))).toBe(hex(id));
  });
  it("sign_gossip: node_announcement and channel_announcement naming us on our chain are signed; others refused", () => {
    const other = secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), true);
    const nodeAnn = (nid: Uint8Array) => new Writer().u16(0).u32(1_700_000_000).bytes(nid).bytes(new Uint8Array(3)).bytes(new Uint8Array(32)).u16(0).finish();
    const ok = nodeAnn(id);
    const sig = s.signGossip(257, ok);
    expect(secp256k1.verify(sig, sha256d(ok), id, { prehash: false })).toBe(true);
    expect(() => s.signGossip(257, nodeAnn(other))).toThrow(/another node/);
    const chanAnn = (chain: Uint8Array, n1: Uint8Array) => new Writer().u16(0).bytes(chain).bytes(new Uint8Array(8)).bytes(n1).bytes(other)
      .bytes(other).bytes(other).finish();
    const ca = chanAnn(REGTEST, id);
    expect(secp256k1.verify(s.signGossip(256, ca), sha256d(ca), id, { prehash: false })).toBe(true);
    expect(() => s.signGossip(256, chanAnn(new Uint8Array(32), id))).toThrow(/another chain/);
    expect(() => s.signGossip(256, chanAnn(REGTEST, other))).toThrow(/does not name this node/);
    expect(() => s.signGossip(259, ca)).toThrow(/INVALID_ARGUMENT/);
    expect(() => s.signGossip(256, ca.subarray(0, 50))).toThrow(/MALFORMED/);
    const upd = new Writer().bytes(REGTEST).bytes(new Uint8Array(8)).u32(1).u8(1).u8(0).u16(40).u64(1n).u32(1000).u32(1).u64(10n ** 9n).finish();
    expect(secp256k1.verify(s.signGossip(258, upd), sha256d(upd), id, { prehash: false })).toBe(true);
  });
  it("sign_bolt12: signs an invoice naming this node (verifies against the x-only node key); refuses others", () => {
    const tlv = (nid: Uint8Array) => new Writer().tlv(160, Uint8Array.of(1, 2)).tlv(168, new Uint8Array(32).fill(7)).tlv(176, nid).finish();
    const mine = tlv(id);
    const sig = s.signBolt12("invoice", mine);
    const root = bolt12Merkle(new Signer(), mine);
    const tag = sha256(utf8("lightninginvoicesignature"));
    const digest = sha256(new Uint8Array([...tag, ...tag, ...root]));
    expect(schnorr.verify(sig, digest, id.subarray(1))).toBe(true);
    const other = secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), true);
    expect(() => s.signBolt12("invoice", tlv(other))).toThrow(/does not name this node/);
    expect(() => s.signBolt12("offer" as any, mine)).toThrow(/only invoice and invoice_request/);
    expect(() => s.signBolt12("invoice", mine.subarray(0, mine.length - 3))).toThrow(/MALFORMED/);
  });

  it("every node-key method refuses before init", () => {
    const fresh = new Signer();
    for (const f of [() => fresh.ecdh(id), () => fresh.signMessage(utf8("x")), () => fresh.signInvoice("lnbc", [1])]) {
      try { f(); throw new Error("accepted"); } catch (e) { expect((e as SignerError).code).toBe(Code.NOT_INITIALIZED); }
    }
  });
  it("BOLT 11 vectors file is the spec's", () => {
    const v = JSON.parse(readFileSync(new URL("../vectors/bolt11/examples.json", import.meta.url), "utf8"));
    const spec = readFileSync(new URL("../../../shared/specs/bolts/11-payment-encoding.md", import.meta.url));
    expect(v.sourceSha256).toBe(createHash("sha256").update(spec).digest("hex"));
  });
});
