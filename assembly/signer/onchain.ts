// On-chain wallet methods (0x0500-0x05ff): the node's funding transactions and
// wallet spends, signed with the wallet's keys (BIP84 account 0 under the
// seed's BIP32 root) only after every claim the node makes about the outputs
// is verified (policy/onchain.ts). A signed funding tx enters the funding
// velocity log (policy-velocity-funding); nothing else changes state.
//
//   0x0500 sign_onchain_tx
//     varbytes psbt (BIP174 v0) | u16 n (= outputs) | n × claim | u64 host_time
//     claim: u8 kind | kind 0 change: u32 branch | u32 index
//                    | kind 1 funding: channel id[32]
//                    | kind 2 external (allowlisted destination): nothing
//     → varbytes psbt with our PSBT_IN_PARTIAL_SIGs | u16 signatures added
//   0x0501 wallet_account
//     → u32 root fingerprint | u8 n | n × u32 account path | varbytes account xpub (tpub off mainnet)
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { Code, CoreError, malformed, invalidArgument, invalidState } from "../protocol/errors";
import { PsbtError, SignOptions, parsePsbt, signPsbt } from "../bitcoin/psbt";
import { ExtendedKey, accountPath, serializeKey } from "../bitcoin/bip32";
import { Network } from "./state";
import { Claim, OnchainCheck, OutputClaim, checkOnchainTx } from "../policy/onchain";
import { Send, inWindow, valueIn } from "../policy/payments";
import { findChannel } from "./channels";
import { velocityClock } from "./payments";
import { SIGNER } from "./state";

export namespace OnchainMethod {
  export const SIGN_ONCHAIN_TX: u16 = 0x0500;
  export const WALLET_ACCOUNT: u16 = 0x0501;
}

/** BIP84 purpose: native segwit P2WPKH. */
const PURPOSE: u32 = 84;

/** The wallet's account path and key: m/84'/coin'/0'. */
function walletAccount(path: u32[]): ExtendedKey | null {
  return SIGNER.keys!.walletRoot.derivePath(path);
}

function readClaims(r: Reader, n: i32): OutputClaim[] {
  const claims = new Array<OutputClaim>();
  const count = <i32>r.u16();
  if (r.ok() && count != n) r.fail("one claim per output");
  for (let i = 0; i < count && r.ok(); i++) {
    const c = new OutputClaim(r.u8());
    if (c.kind == Claim.CHANGE) { c.branch = r.u32(); c.index = r.u32(); }
    else if (c.kind == Claim.FUNDING) c.channelId = r.bytes(32);
    else if (c.kind != Claim.EXTERNAL) r.fail("claim kind");
    claims.push(c);
  }
  return claims;
}

function signOnchainTx(r: Reader, w: Writer): CoreError | null {
  const raw = r.varbytes(<i32>SIGNER.limits.maxMessage);
  const err = new PsbtError();
  const psbt = r.ok() ? parsePsbt(raw, err) : null;
  if (r.ok() && psbt === null) { r.finish(); return invalidArgument("psbt: " + err.msg); }
  const claims = readClaims(r, psbt !== null ? psbt.tx.outputs.length : 0);
  const t = r.u64();
  if (!r.finish()) return malformed(r.err!);
  const p = psbt!;
  for (let i = 0; i < claims.length; i++) {
    if (claims[i].kind != Claim.FUNDING) continue;
    claims[i].channel = findChannel(claims[i].channelId);
    if (claims[i].channel === null) return invalidState("output " + i.toString() + ": unknown channel");
  }
  const path = accountPath(PURPOSE, SIGNER.network, 0);
  const account = walletAccount(path);
  if (account === null) return invalidArgument("no wallet account key");
  const root = SIGNER.keys!.walletRoot;
  const book = SIGNER.payments;
  const cfg = SIGNER.policy.cfg;
  const clock = velocityClock(t);
  const txid = p.tx.txid();
  const retry = book.fundedTx(txid);
  const out = new OnchainCheck();
  const e = checkOnchainTx(SIGNER.policy, p, claims, root.fingerprint(), path, account, book,
    retry ? 0 : valueIn(book.funded, clock, <u64>cfg.velocityWindowSecs), out);
  if (e !== null) return e;
  if (out.walletPaths.length == 0) return invalidArgument("no wallet input");
  const opt = new SignOptions();
  opt.paths = out.walletPaths;
  const added = signPsbt(p, root, opt, err);
  if (added < 0) return invalidArgument("sign: " + err.msg);
  if (added == 0) return invalidArgument("no wallet input");
  // Record the funding for the velocity window (a retried funding tx counts once).
  if (out.fundedSat > 0 && !retry) {
    book.funded = inWindow(book.funded, clock, <u64>cfg.velocityWindowSecs);
    book.funded.push(new Send(clock, out.fundedSat, txid));
    if (t > book.hostTime) book.hostTime = t;
    SIGNER.touch("payments");
  }
  w.varbytes(p.serialize()).u16(<u16>added);
  return null;
}

function walletAccountMethod(r: Reader, w: Writer): CoreError | null {
  if (!r.finish()) return malformed(r.err!);
  const path = accountPath(PURPOSE, SIGNER.network, 0);
  const account = walletAccount(path);
  if (account === null) return invalidArgument("no wallet account key");
  w.u32(SIGNER.keys!.walletRoot.fingerprint()).u8(<u8>path.length);
  for (let i = 0; i < path.length; i++) w.u32(path[i]);
  w.varbytes(serializeKey(account.neuter(), SIGNER.network != Network.BITCOIN));
  return null;
}

export function handleOnchain(method: u16, r: Reader, w: Writer): CoreError | null {
  if (method != OnchainMethod.SIGN_ONCHAIN_TX && method != OnchainMethod.WALLET_ACCOUNT) return new CoreError(Code.UNKNOWN_METHOD, "unknown method");
  if (!SIGNER.initialized()) { r.finish(); return new CoreError(Code.NOT_INITIALIZED, "init first"); }
  if (method == OnchainMethod.SIGN_ONCHAIN_TX) return signOnchainTx(r, w);
  return walletAccountMethod(r, w);
}
