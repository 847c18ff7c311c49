// Independent check of every input's witness against its prevout: P2WPKH and
// P2WSH with a small interpreter covering the opcodes BOLT 3 scripts use
// (funding 2-of-2, to_local, offered/received HTLC, HTLC second stage, anchors).
// Sighashes come from @scure/btc-signer (BIP143), signatures are checked with
// @noble/curves (strict DER, low-S). Timelocks (CLTV/CSV) are checked against
// the spending tx's fields here; chain.ts checks nLockTime/BIP68 against heights.
import { Transaction } from "@scure/btc-signer";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { ripemd160 } from "@noble/hashes/legacy.js";
import { eqBytes, type Tx, type TxOut } from "./tx.js";

const hash160 = (b: Uint8Array) => ripemd160(sha256(b));

const OP = {
  _0: 0x00, PUSHDATA1: 0x4c, PUSHDATA2: 0x4d, _1NEGATE: 0x4f, _1: 0x51, _16: 0x60,
  IF: 0x63, NOTIF: 0x64, ELSE: 0x67, ENDIF: 0x68, VERIFY: 0x69, DROP: 0x75, DUP: 0x76,
  SWAP: 0x7c, SIZE: 0x82, EQUAL: 0x87, EQUALVERIFY: 0x88, HASH160: 0xa9, CHECKSIG: 0xac,
  CHECKSIGVERIFY: 0xad, CHECKMULTISIG: 0xae, CLTV: 0xb1, CSV: 0xb2, IFDUP: 0x73, ADD: 0x93,
  NIP: 0x77, OVER: 0x78, SHA256: 0xa8, CHECKMULTISIGVERIFY: 0xaf,
};

export class ScriptError extends Error {}

function num(b: Uint8Array, maxLen = 4): bigint {
  if (b.length > maxLen) throw new ScriptError("number too long");
  if (b.length === 0) return 0n;
  if ((b[b.length - 1] & 0x7f) === 0 && (b.length === 1 || (b[b.length - 2] & 0x80) === 0)) throw new ScriptError("non-minimal number");
  let v = 0n;
  for (let i = 0; i < b.length; i++) v |= BigInt(b[i]) << BigInt(8 * i);
  if (b[b.length - 1] & 0x80) return -(v & ~(0x80n << BigInt(8 * (b.length - 1))));
  return v;
}
function encNum(n: bigint): Uint8Array {
  if (n === 0n) return new Uint8Array(0);
  const neg = n < 0n; let a = neg ? -n : n; const out: number[] = [];
  while (a > 0n) { out.push(Number(a & 0xffn)); a >>= 8n; }
  if (out[out.length - 1] & 0x80) out.push(neg ? 0x80 : 0); else if (neg) out[out.length - 1] |= 0x80;
  return Uint8Array.from(out);
}
const truthy = (b: Uint8Array) => b.some((x, i) => x !== 0 && !(i === b.length - 1 && x === 0x80));

export interface Ctx { tx: Tx; btx: Transaction; idx: number; amount: bigint }

function checkSig(ctx: Ctx, sig: Uint8Array, pub: Uint8Array, scriptCode: Uint8Array): boolean {
  if (sig.length === 0) return false;
  const hashType = sig[sig.length - 1];
  if (hashType !== 1) throw new ScriptError(`unexpected sighash type ${hashType}`); // LDK uses SIGHASH_ALL (non-anchor)
  const der = sig.subarray(0, sig.length - 1);
  if (pub.length !== 33) throw new ScriptError("non-compressed pubkey");
  const h = ctx.btx.preimageWitnessV0(ctx.idx, scriptCode, hashType, ctx.amount);
  let ok = false;
  try { ok = secp256k1.verify(der, h, pub, { prehash: false, format: "der", lowS: true }); } catch { ok = false; }
  if (!ok) throw new ScriptError("signature does not verify (NULLFAIL)");
  return true;
}

export function runScript(ctx: Ctx, script: Uint8Array, stack: Uint8Array[]): void {
  const exec: boolean[] = [];
  const alt = (n = 1) => { if (stack.length < n) throw new ScriptError("stack underflow"); };
  for (let pc = 0; pc < script.length;) {
    const op = script[pc++];
    const active = exec.every((x) => x);
    if (op > OP._0 && op < OP.PUSHDATA1 || op === OP.PUSHDATA1 || op === OP.PUSHDATA2 || op === OP._0) {
      let n = op;
      if (op === OP.PUSHDATA1) n = script[pc++];
      else if (op === OP.PUSHDATA2) { n = script[pc] | (script[pc + 1] << 8); pc += 2; }
      if (pc + n > script.length) throw new ScriptError("push past end");
      const data = script.slice(pc, pc + n); pc += n;
      if (active) stack.push(data);
      continue;
    }
    if (op === OP.IF || op === OP.NOTIF) {
      let v = false;
      if (active) { alt(); const t = stack.pop()!; if (t.length > 1 || (t.length === 1 && t[0] !== 1)) throw new ScriptError("MINIMALIF"); v = truthy(t); if (op === OP.NOTIF) v = !v; }
      exec.push(v); continue;
    }
    if (op === OP.ELSE) { if (!exec.length) throw new ScriptError("ELSE without IF"); exec[exec.length - 1] = !exec[exec.length - 1]; continue; }
    if (op === OP.ENDIF) { if (!exec.length) throw new ScriptError("ENDIF without IF"); exec.pop(); continue; }
    if (!active) continue;
    if (op === OP._1NEGATE || (op >= OP._1 && op <= OP._16)) { stack.push(encNum(op === OP._1NEGATE ? -1n : BigInt(op - 0x50))); continue; }
    switch (op) {
      case OP.VERIFY: alt(); if (!truthy(stack.pop()!)) throw new ScriptError("VERIFY failed"); break;
      case OP.DROP: alt(); stack.pop(); break;
      case OP.DUP: alt(); stack.push(stack[stack.length - 1]); break;
      case OP.IFDUP: alt(); if (truthy(stack[stack.length - 1])) stack.push(stack[stack.length - 1]); break;
      case OP.NIP: alt(2); stack.splice(stack.length - 2, 1); break;
      case OP.OVER: alt(2); stack.push(stack[stack.length - 2]); break;
      case OP.SWAP: { alt(2); const a = stack.pop()!, b = stack.pop()!; stack.push(a, b); break; }
      case OP.SIZE: alt(); stack.push(encNum(BigInt(stack[stack.length - 1].length))); break;
      case OP.ADD: { alt(2); const a = num(stack.pop()!), b = num(stack.pop()!); stack.push(encNum(a + b)); break; }
      case OP.EQUAL: case OP.EQUALVERIFY: {
        alt(2); const ok = eqBytes(stack.pop()!, stack.pop()!);
        if (op === OP.EQUALVERIFY) { if (!ok) throw new ScriptError("EQUALVERIFY failed"); } else stack.push(ok ? Uint8Array.of(1) : new Uint8Array(0));
        break;
      }
      case OP.HASH160: alt(); stack.push(hash160(stack.pop()!)); break;
      case OP.SHA256: alt(); stack.push(sha256(stack.pop()!)); break;
      case OP.CHECKSIG: case OP.CHECKSIGVERIFY: {
        alt(2); const pub = stack.pop()!, sig = stack.pop()!;
        const ok = checkSig(ctx, sig, pub, script);
        if (op === OP.CHECKSIGVERIFY) { if (!ok) throw new ScriptError("CHECKSIGVERIFY failed"); } else stack.push(ok ? Uint8Array.of(1) : new Uint8Array(0));
        break;
      }
      case OP.CHECKMULTISIG: case OP.CHECKMULTISIGVERIFY: {
        alt(); const n = Number(num(stack.pop()!)); alt(n); const pubs = stack.splice(stack.length - n, n);
        alt(); const m = Number(num(stack.pop()!)); alt(m); const sigs = stack.splice(stack.length - m, m);
        alt(); const dummy = stack.pop()!; if (dummy.length) throw new ScriptError("NULLDUMMY");
        let pi = 0, ok = true;
        for (const s of sigs) {
          let matched = false;
          while (pi < pubs.length) {
            const p = pubs[pi++];
            let good = false;
            try { good = checkSig(ctx, s, p, script); } catch { good = false; }
            if (good) { matched = true; break; }
          }
          if (!matched) { ok = false; break; }
        }
        if (!ok) throw new ScriptError("CHECKMULTISIG failed");
        if (op === OP.CHECKMULTISIGVERIFY) break;
        stack.push(Uint8Array.of(1));
        break;
      }
      case OP.CLTV: {
        alt(); const lock = num(stack[stack.length - 1], 5);
        if (lock < 0n) throw new ScriptError("negative locktime");
        const txLock = BigInt(ctx.tx.locktime);
        if ((lock < 500000000n) !== (txLock < 500000000n)) throw new ScriptError("CLTV type mismatch");
        if (lock > txLock) throw new ScriptError(`CLTV: tx locktime ${txLock} < ${lock}`);
        if (ctx.tx.inputs[ctx.idx].sequence === 0xffffffff) throw new ScriptError("CLTV with final sequence");
        break;
      }
      case OP.CSV: {
        alt(); const n = num(stack[stack.length - 1], 5);
        if (n < 0n) throw new ScriptError("negative CSV");
        if (n & (1n << 31n)) break;
        if (ctx.tx.version < 2) throw new ScriptError("CSV needs version 2");
        const seq = ctx.tx.inputs[ctx.idx].sequence;
        if (seq & 0x80000000) throw new ScriptError("CSV with disabled sequence");
        if (((seq & 0x400000) !== 0) !== ((n & 0x400000n) !== 0n)) throw new ScriptError("CSV type mismatch");
        if (BigInt(seq & 0xffff) < (n & 0xffffn)) throw new ScriptError(`CSV: sequence ${seq & 0xffff} < ${n & 0xffffn}`);
        break;
      }
      default: throw new ScriptError(`unsupported opcode 0x${op.toString(16)}`);
    }
  }
  if (exec.length) throw new ScriptError("unbalanced IF");
}

export type InputKind = "p2wpkh" | "p2wsh";

/** Throws ScriptError when input `idx` of `tx` does not validly spend `prevout`. */
export function verifyInput(tx: Tx, btx: Transaction, idx: number, prevout: TxOut): InputKind {
  const inp = tx.inputs[idx];
  if (inp.scriptSig.length) throw new ScriptError("non-empty scriptSig on segwit spend");
  const spk = prevout.script;
  const ctx: Ctx = { tx, btx, idx, amount: prevout.amount };
  if (spk.length === 22 && spk[0] === 0 && spk[1] === 20) {
    if (inp.witness.length !== 2) throw new ScriptError("p2wpkh witness must have 2 items");
    const [sig, pub] = inp.witness;
    if (!eqBytes(hash160(pub), spk.subarray(2))) throw new ScriptError("p2wpkh pubkey hash mismatch");
    const code = Uint8Array.from([0x76, 0xa9, 0x14, ...spk.subarray(2), 0x88, 0xac]);
    if (!checkSig(ctx, sig, pub, code)) throw new ScriptError("p2wpkh signature missing");
    return "p2wpkh";
  }
  if (spk.length === 34 && spk[0] === 0 && spk[1] === 32) {
    if (inp.witness.length < 1) throw new ScriptError("empty p2wsh witness");
    const ws = inp.witness[inp.witness.length - 1];
    if (!eqBytes(sha256(ws), spk.subarray(2))) throw new ScriptError("witness script hash mismatch");
    const stack = inp.witness.slice(0, -1);
    runScript(ctx, ws, stack);
    if (stack.length !== 1 || !truthy(stack[0])) throw new ScriptError(`script did not end with a single true (stack ${stack.length})`);
    return "p2wsh";
  }
  throw new ScriptError("unsupported prevout script type");
}

export function btcTx(raw: Uint8Array): Transaction {
  return Transaction.fromRaw(raw, { allowUnknownOutputs: true, allowUnknownInputs: true, disableScriptCheck: true, allowUnknownVersion: true } as any);
}
