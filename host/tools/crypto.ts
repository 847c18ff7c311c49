// Clients for the core's pure tool methods (assembly/tools/*): the host asks
// the core instead of re-implementing a computation.
import { Writer } from "../protocol/codec.js";
import { Signer } from "../signer.js";

export const CryptoTool = {
  SHA256: 0x8000, SHA256_STREAM: 0x8001, HMAC_SHA256: 0x8002, HMAC_SHA512: 0x8003, RIPEMD160: 0x8004,
  PUBKEY_CREATE: 0x8005, PUBKEY_PARSE: 0x8006, ECDSA_SIGN: 0x8007, ECDSA_VERIFY: 0x8008,
  SECKEY_TWEAK_ADD: 0x8009, SECKEY_TWEAK_MUL: 0x800a, PUBKEY_TWEAK_ADD: 0x800b, PUBKEY_TWEAK_MUL: 0x800c,
  PUBKEY_COMBINE: 0x800d, ECDH: 0x800e, SCHNORR_SIGN: 0x800f, SCHNORR_VERIFY: 0x8010,
  XONLY_TWEAK_ADD: 0x8011, KEYPAIR_XONLY_TWEAK_ADD: 0x8012, SIPHASH24: 0x8013,
} as const;

const W = () => new Writer();

/** The import contract, reached through the core's tools/crypto methods. */
export class CoreCrypto {
  constructor(readonly s: Signer) {}
  sha256(d: Uint8Array) { return this.s.request(CryptoTool.SHA256, W().varbytes(d).finish()); }
  sha256Stream(chunks: Uint8Array[]) {
    const w = W().u16(chunks.length);
    for (const c of chunks) w.varbytes(c);
    return this.s.request(CryptoTool.SHA256_STREAM, w.finish());
  }
  hmacSha256(k: Uint8Array, m: Uint8Array) { return this.s.request(CryptoTool.HMAC_SHA256, W().varbytes(k).varbytes(m).finish()); }
  hmacSha512(k: Uint8Array, m: Uint8Array) { return this.s.request(CryptoTool.HMAC_SHA512, W().varbytes(k).varbytes(m).finish()); }
  ripemd160(d: Uint8Array) { return this.s.request(CryptoTool.RIPEMD160, W().varbytes(d).finish()); }
  siphash24(key: Uint8Array, d: Uint8Array) { return this.s.request(CryptoTool.SIPHASH24, W().bytes(key).varbytes(d).finish()); }
  pubkeyCreate(sec: Uint8Array) { return this.s.request(CryptoTool.PUBKEY_CREATE, W().bytes(sec).finish()); }
  pubkeyParse(k: Uint8Array) { return this.s.request(CryptoTool.PUBKEY_PARSE, W().varbytes(k).finish()); }
  ecdsaSign(sec: Uint8Array, msg: Uint8Array) { return this.s.request(CryptoTool.ECDSA_SIGN, W().bytes(sec).bytes(msg).finish()); }
  ecdsaVerify(sig: Uint8Array, msg: Uint8Array, pub: Uint8Array) { this.s.request(CryptoTool.ECDSA_VERIFY, W().bytes(sig).bytes(msg).bytes(pub).finish()); }
  seckeyTweakAdd(sec: Uint8Array, t: Uint8Array) { return this.s.request(CryptoTool.SECKEY_TWEAK_ADD, W().bytes(sec).bytes(t).finish()); }
  seckeyTweakMul(sec: Uint8Array, t: Uint8Array) { return this.s.request(CryptoTool.SECKEY_TWEAK_MUL, W().bytes(sec).bytes(t).finish()); }
  pubkeyTweakAdd(pub: Uint8Array, t: Uint8Array) { return this.s.request(CryptoTool.PUBKEY_TWEAK_ADD, W().bytes(pub).bytes(t).finish()); }
  pubkeyTweakMul(pub: Uint8Array, t: Uint8Array) { return this.s.request(CryptoTool.PUBKEY_TWEAK_MUL, W().bytes(pub).bytes(t).finish()); }
  pubkeyCombine(keys: Uint8Array[]) {
    const w = W().u16(keys.length);
    for (const k of keys) w.bytes(k);
    return this.s.request(CryptoTool.PUBKEY_COMBINE, w.finish());
  }
  ecdh(sec: Uint8Array, pub: Uint8Array) { return this.s.request(CryptoTool.ECDH, W().bytes(sec).bytes(pub).finish()); }
  schnorrSign(sec: Uint8Array, msg: Uint8Array, aux: Uint8Array) { return this.s.request(CryptoTool.SCHNORR_SIGN, W().bytes(sec).varbytes(msg).bytes(aux).finish()); }
  schnorrVerify(sig: Uint8Array, msg: Uint8Array, x: Uint8Array) { this.s.request(CryptoTool.SCHNORR_VERIFY, W().bytes(sig).varbytes(msg).bytes(x).finish()); }
  xonlyTweakAdd(x: Uint8Array, t: Uint8Array) { return this.s.request(CryptoTool.XONLY_TWEAK_ADD, W().bytes(x).bytes(t).finish()); }
  keypairXonlyTweakAdd(sec: Uint8Array, t: Uint8Array) { return this.s.request(CryptoTool.KEYPAIR_XONLY_TWEAK_ADD, W().bytes(sec).bytes(t).finish()); }
}
