// The import contract (docs/imports.md), every import exercised through the
// core with known answers and bad inputs, plus the host's own bounds checks.
import { describe, it, expect } from "vitest";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { Signer, SignerError, Code } from "../../host/signer.js";
import { CoreCrypto } from "../../host/tools/crypto.js";
import { nobleImports, Status } from "../../host/crypto/noble.js";
import { hex, unhex, utf8 } from "../helpers.js";

const c = new CoreCrypto(new Signer());
const N = secp256k1.Point.CURVE().n;
const nBytes = unhex(N.toString(16));
const one = unhex("00".repeat(31) + "01");
const zero = new Uint8Array(32);
const G = unhex("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");

/** The typed error a call fails with (or null if it succeeds). */
function errOf(f: () => unknown): SignerError | null {
  try { f(); return null; } catch (e) { if (e instanceof SignerError) return e; throw e; }
}
function refuses(f: () => unknown, status: string) {
  const e = errOf(f);
  expect(e, "expected a typed error").not.toBeNull();
  expect(e!.code).toBe(Code.INVALID_ARGUMENT);
  expect(e!.message).toContain(status);
}

describe("hashes (FIPS 180-4, RFC 4231, RIPEMD-160 known answers)", () => {
  it("sha256", () => {
    expect(hex(c.sha256(utf8("")))).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(hex(c.sha256(utf8("abc")))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(hex(c.sha256(utf8("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")))).toBe(
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  });
  it("sha256 streaming: one million 'a' in uneven chunks, and split points around block edges", () => {
    const chunks: Uint8Array[] = [];
    let left = 1_000_000;
    for (let i = 0; left > 0; i++) { const n = Math.min(left, [1, 63, 64, 65, 4000, 9999][i % 6]); chunks.push(new Uint8Array(n).fill(0x61)); left -= n; }
    const c1m = (() => {
      const s = new Signer();
      s.init({ secret: new Uint8Array(32).fill(7), maxMessage: 2_000_000 });
      return new CoreCrypto(s).sha256Stream(chunks);
    })();
    expect(hex(c1m)).toBe("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    const msg = utf8("The quick brown fox jumps over the lazy dog, twice over: the quick brown fox jumps over the lazy dog");
    for (const cut of [0, 1, 55, 56, 63, 64, 65, msg.length]) {
      expect(hex(c.sha256Stream([msg.subarray(0, cut), msg.subarray(cut)]))).toBe(hex(sha256(msg)));
    }
  });
  it("hmac (RFC 4231 test case 2)", () => {
    expect(hex(c.hmacSha256(utf8("Jefe"), utf8("what do ya want for nothing?")))).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    expect(hex(c.hmacSha512(utf8("Jefe"), utf8("what do ya want for nothing?")))).toBe(
      "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
  });
  it("siphash24: the reference vectors (key 00..0f, messages 00..(n-1))", () => {
    const key = Uint8Array.from({ length: 16 }, (_, i) => i);
    const msg = (n: number) => Uint8Array.from({ length: n }, (_, i) => i);
    // SipHash paper, Appendix A (n = 15) and the reference implementation's vectors.h (n = 0, 8).
    expect(hex(c.siphash24(key, msg(15)))).toBe("e545be4961ca29a1");
    expect(hex(c.siphash24(key, msg(0)))).toBe("310e0edd47db6f72");
    expect(hex(c.siphash24(key, msg(8)))).toBe("6224939a79f5f593");
  });

  it("ripemd160", () => {
    expect(hex(c.ripemd160(utf8("")))).toBe("9c1185a5c5e9fc54612808977ee8f548b2258d31");
    expect(hex(c.ripemd160(utf8("abc")))).toBe("8eb208f7e05d987a9b044a8e98c6b087f15a0bfc");
  });
});

describe("secp256k1", () => {
  it("pubkey_create: 1·G is G; zero and n are BAD_SECRET", () => {
    expect(hex(c.pubkeyCreate(one))).toBe(hex(G));
    refuses(() => c.pubkeyCreate(zero), "BAD_SECRET");
    refuses(() => c.pubkeyCreate(nBytes), "BAD_SECRET");
    refuses(() => c.pubkeyCreate(new Uint8Array(32).fill(0xff)), "BAD_SECRET");
  });
  it("pubkey_parse: uncompressed → compressed; off-curve and bad prefix are BAD_PUBKEY", () => {
    const unc = secp256k1.getPublicKey(unhex("00".repeat(31) + "05"), false);
    expect(hex(c.pubkeyParse(unc))).toBe(hex(secp256k1.getPublicKey(unhex("00".repeat(31) + "05"), true)));
    refuses(() => c.pubkeyParse(unhex("02" + "00".repeat(32))), "BAD_PUBKEY");
    refuses(() => c.pubkeyParse(unhex("05" + hex(G).slice(2))), "BAD_PUBKEY");
  });
  it("ecdsa_sign: RFC 6979 deterministic, low-S (key 1, 'Satoshi Nakamoto')", () => {
    const sig = c.ecdsaSign(one, sha256(utf8("Satoshi Nakamoto")));
    expect(hex(sig)).toBe("934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8" +
      "2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5");
    refuses(() => c.ecdsaSign(zero, sha256(utf8("x"))), "BAD_SECRET");
    refuses(() => c.ecdsaSign(nBytes, sha256(utf8("x"))), "BAD_SECRET");
  });
  it("ecdsa_sign is low-S on 200 random keys, and ecdsa_verify accepts those and rejects high-S, wrong msg, bad key", () => {
    for (let i = 0; i < 200; i++) {
      const sk = secp256k1.utils.randomSecretKey();
      const msg = sha256(Uint8Array.of(i));
      const sig = c.ecdsaSign(sk, msg);
      const s = BigInt("0x" + hex(sig.subarray(32)));
      expect(s <= N / 2n).toBe(true);
      const pub = secp256k1.getPublicKey(sk, true);
      c.ecdsaVerify(sig, msg, pub);
      if (i < 20) {
        const high = Uint8Array.from(sig);
        high.set(unhex((N - s).toString(16).padStart(64, "0")), 32);
        refuses(() => c.ecdsaVerify(high, msg, pub), "BAD_SIGNATURE");
        refuses(() => c.ecdsaVerify(sig, sha256(msg), pub), "BAD_SIGNATURE");
        refuses(() => c.ecdsaVerify(sig, msg, unhex("02" + "00".repeat(32))), "BAD_PUBKEY");
      }
    }
  });
  it("tweaks: add/mul on secrets and points agree; zero/overflow are refused", () => {
    const a = unhex("00".repeat(31) + "03"), t = unhex("00".repeat(31) + "05");
    const A = c.pubkeyCreate(a);
    expect(hex(c.seckeyTweakAdd(a, t))).toBe("00".repeat(31) + "08");
    expect(hex(c.seckeyTweakMul(a, t))).toBe("00".repeat(31) + "0f");
    expect(hex(c.pubkeyTweakAdd(A, t))).toBe(hex(c.pubkeyCreate(c.seckeyTweakAdd(a, t))));
    expect(hex(c.pubkeyTweakMul(A, t))).toBe(hex(c.pubkeyCreate(c.seckeyTweakMul(a, t))));
    expect(hex(c.seckeyTweakAdd(a, zero))).toBe(hex(a));
    refuses(() => c.seckeyTweakAdd(a, nBytes), "BAD_TWEAK");
    refuses(() => c.seckeyTweakMul(a, zero), "BAD_TWEAK");
    refuses(() => c.pubkeyTweakMul(A, zero), "BAD_TWEAK");
    refuses(() => c.pubkeyTweakAdd(A, nBytes), "BAD_TWEAK");
    // (n-3) + 3 = 0 mod n: the result would be zero / infinity
    const minusA = unhex((N - 3n).toString(16));
    refuses(() => c.seckeyTweakAdd(a, minusA), "BAD_TWEAK");
    refuses(() => c.pubkeyTweakAdd(A, minusA), "BAD_TWEAK");
    refuses(() => c.seckeyTweakAdd(zero, t), "BAD_SECRET");
    refuses(() => c.pubkeyTweakAdd(unhex("02" + "00".repeat(32)), t), "BAD_PUBKEY");
  });
  it("pubkey_combine: sum of keys; P + (-P) is refused", () => {
    const k = [1n, 2n, 3n].map((x) => secp256k1.getPublicKey(unhex(x.toString(16).padStart(64, "0")), true));
    expect(hex(c.pubkeyCombine(k))).toBe(hex(secp256k1.getPublicKey(unhex("00".repeat(31) + "06"), true)));
    const neg = Uint8Array.from(G); neg[0] = 0x03;
    refuses(() => c.pubkeyCombine([G, neg]), "BAD_TWEAK");
    refuses(() => c.pubkeyCombine([G, unhex("02" + "00".repeat(32))]), "BAD_PUBKEY");
  });
  it("ecdh: SHA256 of the compressed shared point, symmetric (BOLT 8)", () => {
    const a = secp256k1.utils.randomSecretKey(), b = secp256k1.utils.randomSecretKey();
    const ab = c.ecdh(a, secp256k1.getPublicKey(b, true));
    expect(hex(ab)).toBe(hex(c.ecdh(b, secp256k1.getPublicKey(a, true))));
    expect(hex(ab)).toBe(hex(sha256(secp256k1.getSharedSecret(a, secp256k1.getPublicKey(b, true), true))));
    // BOLT 8 Appendix: ls.priv=1111.., re.pub of the responder test → known ss (act one initiator: es)
    const ss = c.ecdh(unhex("1212121212121212121212121212121212121212121212121212121212121212"),
      unhex("028d7500dd4c12685d1f568b4c2b5048e8534b873319f3a8daa612b469132ec7f7"));
    expect(hex(ss)).toBe("1e2fb3c8fe8fb9f262f649f64d26ecf0f2c0a805a767cf02dc2d77a6ef1fdcc3");
    refuses(() => c.ecdh(zero, G), "BAD_SECRET");
    refuses(() => c.ecdh(one, unhex("02" + "00".repeat(32))), "BAD_PUBKEY");
  });
  it("x-only tweak (BIP341): output key matches key-pair tweak; parity reported", () => {
    for (let i = 1; i < 40; i++) {
      const sk = sha256(Uint8Array.of(i));
      const x = c.pubkeyCreate(sk).subarray(1);
      const tweak = sha256(Uint8Array.of(i, i));
      const Q = c.xonlyTweakAdd(x, tweak);
      const dq = c.keypairXonlyTweakAdd(sk, tweak);
      expect(hex(c.pubkeyCreate(dq))).toBe(hex(Q));
    }
    refuses(() => c.xonlyTweakAdd(unhex("00".repeat(32)), one), "BAD_PUBKEY");
    refuses(() => c.xonlyTweakAdd(G.subarray(1), nBytes), "BAD_TWEAK");
    refuses(() => c.keypairXonlyTweakAdd(zero, one), "BAD_SECRET");
  });
  it("schnorr: bad secret, non-curve key", () => {
    refuses(() => c.schnorrSign(zero, utf8("m"), zero), "BAD_SECRET");
    refuses(() => c.schnorrVerify(new Uint8Array(64), utf8("m"), unhex("00".repeat(32))), "BAD_PUBKEY");
  });
});

describe("host bounds checks (docs/imports.md: BAD_POINTER, nothing read or written)", () => {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const imp = nobleImports(() => memory);
  const end = 65536;
  it("every import refuses out-of-range pointers", () => {
    const before = Buffer.from(memory.buffer).toString("hex");
    expect(imp.sha256(end - 10, 20, 0)).toBe(Status.BAD_POINTER);
    expect(imp.sha256(0, 10, end - 16)).toBe(Status.BAD_POINTER);
    expect(imp.sha256(-1, 1, 0)).toBe(Status.BAD_POINTER); // 0xffffffff unsigned
    expect(imp.sha256_init(end - 100)).toBe(Status.BAD_POINTER);
    expect(imp.sha256_update(0, end, 1)).toBe(Status.BAD_POINTER);
    expect(imp.sha256_final(end - 127, 0)).toBe(Status.BAD_POINTER);
    expect(imp.hmac_sha256(0, end + 1, 0, 0, 64)).toBe(Status.BAD_POINTER);
    expect(imp.hmac_sha512(0, 1, 0, 1, end - 63)).toBe(Status.BAD_POINTER);
    expect(imp.ripemd160(0, 1, end - 19)).toBe(Status.BAD_POINTER);
    expect(imp.siphash24(end - 15, 0, 1, 0)).toBe(Status.BAD_POINTER);
    expect(imp.siphash24(0, 0, 1, end - 7)).toBe(Status.BAD_POINTER);
    expect(imp.ec_pubkey_create(end - 31, 0)).toBe(Status.BAD_POINTER);
    expect(imp.ec_pubkey_parse(0, 33, end - 32)).toBe(Status.BAD_POINTER);
    expect(imp.ecdsa_sign(0, 0, end - 63)).toBe(Status.BAD_POINTER);
    expect(imp.ecdsa_verify(end - 63, 0, 0)).toBe(Status.BAD_POINTER);
    expect(imp.ec_seckey_tweak_add(0, end - 31, 0)).toBe(Status.BAD_POINTER);
    expect(imp.ec_seckey_tweak_mul(0, 0, end - 31)).toBe(Status.BAD_POINTER);
    expect(imp.ec_pubkey_tweak_add(end - 32, 0, 0)).toBe(Status.BAD_POINTER);
    expect(imp.ec_pubkey_tweak_mul(0, 0, end)).toBe(Status.BAD_POINTER);
    expect(imp.ec_pubkey_combine(end - 33, 2, 0)).toBe(Status.BAD_POINTER);
    expect(imp.ec_pubkey_combine(0, 0, 0)).toBe(Status.BAD_LENGTH);
    expect(imp.ecdh(0, end - 32, 0)).toBe(Status.BAD_POINTER);
    expect(imp.schnorr_sign(0, 0, end + 1, 0, 0)).toBe(Status.BAD_POINTER);
    expect(imp.schnorr_verify(0, end, 1, 0)).toBe(Status.BAD_POINTER);
    expect(imp.xonly_tweak_add(0, 0, end - 32)).toBe(Status.BAD_POINTER);
    expect(imp.keypair_xonly_tweak_add(end - 31, 0, 0)).toBe(Status.BAD_POINTER);
    expect(Buffer.from(memory.buffer).toString("hex")).toBe(before);
  });
  it("an uninitialised streaming context is BAD_LENGTH", () => {
    expect(imp.sha256_update(0, 0, 0)).toBe(Status.BAD_LENGTH);
    expect(imp.sha256_final(0, 200)).toBe(Status.BAD_LENGTH);
  });
});
