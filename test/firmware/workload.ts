// A deterministic mixed workload of signer requests, recorded as request
// frames against the Node in-process core (host/signer.ts over
// InProcessTransport) with their replies: node methods, crypto tools with edge
// inputs, policy get/set (operator-authorized), channels and refused requests.
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { Signer, operatorKeyOf } from "../../host/signer.js";
import { InProcessTransport, Transport } from "../../host/transport.js";
import { Core } from "../../host/core/core.js";
import { Writer } from "../../host/protocol/codec.js";
import { encodeRequest } from "../../host/protocol/envelope.js";
import { setup, channelId, point } from "../policy/fixtures.js";

export interface Exchange { request: Uint8Array; reply: Uint8Array; label: string }

class Recorder implements Transport {
  log: Exchange[] = [];
  label = "";
  constructor(readonly inner: Transport) {}
  roundTrip(frame: Uint8Array): Uint8Array {
    const reply = this.inner.roundTrip(frame);
    this.log.push({ request: Uint8Array.from(frame), reply: Uint8Array.from(reply), label: this.label });
    return reply;
  }
  close() { this.inner.close(); }
}

/** xorshift32: the same inputs on every run. */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  const next = () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
  return {
    bytes(n: number) { const b = new Uint8Array(n); for (let i = 0; i < n; i++) b[i] = next() & 0xff; return b; },
    int(n: number) { return next() % n; },
  };
}

const N = secp256k1.Point.CURVE().n;
const be32 = (v: bigint) => { const o = new Uint8Array(32); for (let i = 31; i >= 0; i--) { o[i] = Number(v & 0xffn); v >>= 8n; } return o; };

/** `wasm`: the core.wasm the native build embeds (the Node side must run the same bytes). */
export function recordWorkload(count = 240, wasm?: Uint8Array, maxChannels = Infinity): Exchange[] {
  const core = wasm ? new Core(new WebAssembly.Module(wasm)) : new Core();
  const rec = new Recorder(new InProcessTransport(core));
  const s = new Signer(rec);
  const r = rng(0x5eed);
  const tryReq = (label: string, fn: () => unknown) => { rec.label = label; try { fn(); } catch { /* refusals are recorded */ } };
  const tool = (label: string, method: number, payload: Uint8Array) => tryReq(label, () => s.request(method, payload));
  const raw = (label: string, frame: Uint8Array) => { rec.label = label; rec.roundTrip(frame); };

  // before init: refused
  tryReq("get_node_id before init", () => s.nodeId());
  tryReq("version", () => s.version());
  tryReq("init", () => s.init({ secret: new Uint8Array(32).fill(0x51), network: "regtest" }));
  tryReq("init twice", () => s.init({ secret: new Uint8Array(32).fill(0x52), network: "regtest" }));
  raw("bad version", encodeRequest(900, 0x0004, new Uint8Array(0), 2));
  raw("short frame", Uint8Array.of(1, 0, 0));
  raw("unknown method", encodeRequest(901, 0x7777, new Uint8Array(0)));
  tryReq("policy_get", () => s.policy());
  // "init twice" left the operator key of the other seed: refused (UNAUTHORIZED)
  tryReq("policy_set wrong operator key", () => s.setPolicy({ preset: "personal", delayHolderMax: 2016 }));
  s.operatorKey = operatorKeyOf(new Uint8Array(32).fill(0x51));
  tryReq("policy_set", () => s.setPolicy({ preset: "personal", delayHolderMax: 2016 }));
  tryReq("policy_set out of range", () => s.setPolicy({ htlcCountMax: 100_000 }));
  tryReq("policy_get 2", () => s.policy());
  tryReq("list_rules", () => s.listRules());

  const edgeSecrets = [new Uint8Array(32), be32(N), be32(N - 1n), new Uint8Array(32).fill(0xff), be32(1n)];
  const edgeTweaks = [new Uint8Array(32), be32(N), be32(N - 1n), be32(1n)];
  const badPub = Uint8Array.from([2, ...new Uint8Array(32).fill(0xff)]);
  let ch = 0;
  while (rec.log.length < count) {
    const k = r.int(24);
    const sec = r.int(5) === 0 ? edgeSecrets[r.int(edgeSecrets.length)] : r.bytes(32);
    const tweak = r.int(4) === 0 ? edgeTweaks[r.int(edgeTweaks.length)] : r.bytes(32);
    const goodSec = sha256(r.bytes(8));
    const pub = r.int(6) === 0 ? badPub : secp256k1.getPublicKey(goodSec, true);
    const data = r.bytes(r.int(200));
    switch (k) {
      case 0: tryReq("get_node_id", () => s.nodeId()); break;
      case 1: tryReq("ecdh", () => s.ecdh(pub, r.int(2) ? tweak : undefined)); break;
      case 2: tryReq("sign_message", () => s.signMessage(data));
        if (r.int(4) === 0) tryReq("sign_gossip refused", () => s.signGossip(256, data));
        break;
      case 3: tryReq("sign_invoice", () => s.signInvoice("lnbcrt10u", Array.from(r.bytes(60 + r.int(100)), (b) => b & 31))); break;
      case 4: tool("sha256", 0x8000, new Writer().varbytes(data).finish()); break;
      case 5: {
        const w = new Writer().u16(4);
        for (let i = 0; i < 4; i++) w.varbytes(r.bytes(r.int(130)));
        tool("sha256_stream", 0x8001, w.finish()); break;
      }
      case 6: tool("hmac_sha256", 0x8002, new Writer().varbytes(r.bytes(r.int(140))).varbytes(data).finish()); break;
      case 7: tool("hmac_sha512", 0x8003, new Writer().varbytes(r.bytes(r.int(200))).varbytes(data).finish()); break;
      case 8: tool("ripemd160", 0x8004, new Writer().varbytes(data).finish()); break;
      case 9: tool("pubkey_create", 0x8005, sec); break;
      case 10: {
        const full = secp256k1.getPublicKey(goodSec, false);
        const variant = r.int(4);
        const bytes = variant === 0 ? full : variant === 1 ? Uint8Array.from([6 + (full[64] & 1), ...full.subarray(1)]) : variant === 2 ? pub : full.subarray(0, 40);
        tool("pubkey_parse", 0x8006, new Writer().varbytes(bytes).finish()); break;
      }
      case 11: {
        const msg = r.int(4) === 0 ? new Uint8Array(32).fill(0xff) : r.bytes(32);
        tool("ecdsa_sign", 0x8007, new Writer().bytes(sec).bytes(msg).finish()); break;
      }
      case 12: {
        const msg = r.bytes(32);
        let sig = secp256k1.sign(msg, goodSec, { prehash: false });
        if (r.int(3) === 0) { // high-S twin
          const ss = BigInt("0x" + Buffer.from(sig.subarray(32)).toString("hex"));
          sig = Uint8Array.from([...sig.subarray(0, 32), ...be32(N - ss)]);
        }
        if (r.int(4) === 0) sig[5] ^= 1;
        tool("ecdsa_verify", 0x8008, new Writer().bytes(sig).bytes(msg).bytes(secp256k1.getPublicKey(goodSec, true)).finish()); break;
      }
      case 13: tool("seckey_tweak_add", 0x8009, new Writer().bytes(sec).bytes(tweak).finish()); break;
      case 14: tool("seckey_tweak_mul", 0x800a, new Writer().bytes(sec).bytes(tweak).finish()); break;
      case 15: tool("pubkey_tweak_add", 0x800b, new Writer().bytes(pub).bytes(tweak).finish()); break;
      case 16: tool("pubkey_tweak_mul", 0x800c, new Writer().bytes(pub).bytes(tweak).finish()); break;
      case 17: {
        const p = secp256k1.Point.fromBytes(secp256k1.getPublicKey(goodSec, true));
        const keys = [p.toBytes(true), p.negate().toBytes(true)];
        if (r.int(2)) keys.push(point("q" + r.int(9)));
        if (r.int(3) === 0) keys.push(badPub);
        const w = new Writer().u16(keys.length);
        for (const key of keys) w.bytes(key);
        tool("pubkey_combine", 0x800d, w.finish()); break;
      }
      case 18: tool("ecdh tool", 0x800e, new Writer().bytes(sec).bytes(pub).finish()); break;
      case 19: tool("schnorr_sign", 0x800f, new Writer().bytes(sec).varbytes(data).bytes(r.bytes(32)).finish()); break;
      case 20: {
        const sig = secp256k1.Point ? (require_schnorr().sign(data, goodSec, r.bytes(32))) : new Uint8Array(64);
        if (r.int(3) === 0) sig[40] ^= 4;
        tool("schnorr_verify", 0x8010, new Writer().bytes(sig).varbytes(data).bytes(require_schnorr().getPublicKey(goodSec)).finish()); break;
      }
      case 21: tool(r.int(2) ? "xonly_tweak_add" : "keypair_xonly_tweak_add", r.int(2) ? 0x8011 : 0x8012,
        new Writer().bytes(r.int(2) ? require_schnorr().getPublicKey(goodSec) : sec).bytes(tweak).finish()); break;
      case 22: tool("siphash24", 0x8013, new Writer().bytes(r.bytes(16)).varbytes(data).finish()); break;
      case 23: {
        if (ch >= maxChannels) { tryReq("get_node_id", () => s.nodeId()); break; }
        const n = ++ch;
        tryReq("new_channel", () => s.newChannel(channelId(n), 1_000_000n));
        const bad = r.int(3) === 0;
        tryReq(bad ? "ready_channel refused" : "ready_channel",
          () => s.readyChannel(setup(n, bad ? { counterpartySelectedContestDelay: 100_000 } : {})));
        if (r.int(4) === 0) tryReq("ready_channel again", () => s.readyChannel(setup(n)));
        break;
      }
    }
  }
  tryReq("state_digest", () => s.stateDigest());
  return rec.log;
}

import { schnorr } from "@noble/curves/secp256k1.js";
function require_schnorr() { return schnorr; }
