// BOLT 3 Appendix C (option_static_remotekey: all 16 cases) and Appendix F
// (option_anchors_zero_fee_htlc_tx: all 9 cases): the core builds each holder
// commitment, verifies the peer's signature on it, signs it (RFC 6979: the
// spec's local signature exactly) and produces the whole transaction byte for
// byte; the same for every HTLC-success / HTLC-timeout transaction.
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { signedCommitment, type HolderCommitmentInput } from "../../../host/tools/bolt3.js";
import { Signer } from "../../../host/signer.js";
import { Suite, expect, expectBytes } from "../suite.js";

const C = JSON.parse(readFileSync(new URL("../../vectors/bolt3/appendix-c.json", import.meta.url), "utf8"));
const F = JSON.parse(readFileSync(new URL("../../vectors/bolt3/appendix-f.json", import.meta.url), "utf8"));
const spec = readFileSync(new URL("../../../../shared/specs/bolts/03-transactions.md", import.meta.url));
const b = (h: string) => new Uint8Array(Buffer.from(h, "hex"));
const m = C.common;

function input(anchors: boolean, toLocal: number, toRemote: number, feerate: number, dust: number, set: number[], remoteSig: string, remoteHtlcSigs: string[]): HolderCommitmentInput {
  return {
    anchors, fundingTxid: b(m.funding_tx_id).reverse(), fundingVout: m.funding_output_index, fundingSat: BigInt(m.funding_amount_satoshi),
    openerPaymentBasepoint: b(m.local_payment_basepoint), accepterPaymentBasepoint: b(m.remote_payment_basepoint),
    commitmentNumber: BigInt(m.commitment_number), toSelfDelay: m.local_delay, dustLimitSat: BigInt(dust), feeratePerKw: BigInt(feerate),
    toLocalMsat: BigInt(toLocal), toRemoteMsat: BigInt(toRemote),
    keys: { revocation: b(m.local_revocation_pubkey), localDelayed: b(m.local_delayedpubkey), remote: b(m.remote_payment_basepoint), localHtlc: b(m.local_htlcpubkey), remoteHtlc: b(m.remote_htlcpubkey), localFunding: b(m.local_funding_pubkey), remoteFunding: b(m.remote_funding_pubkey) },
    localFundingSecret: b(m.local_funding_privkey), localHtlcSecret: b(m.local_privkey),
    remoteSig: Uint8Array.from([...b(remoteSig), 0x01]),
    htlcs: set.map((i) => ({ offered: m.htlcs[i].direction === "local->remote", amountMsat: BigInt(m.htlcs[i].amount_msat), cltvExpiry: m.htlcs[i].expiry, preimage: b(m.htlcs[i].payment_preimage) })),
    remoteHtlcSigs: remoteHtlcSigs.map((sg) => Uint8Array.from([...b(sg), anchors ? 0x83 : 0x01])),
  };
}

const specCase = { id: "vectors are the spec's", run() { expect(createHash("sha256").update(spec).digest("hex") === C.sourceSha256, "spec changed: re-extract"); } };

const appendixC: Suite = {
  name: "bolt3-appendix-c",
  cases: () => [specCase, ...C.cases.map((k: any) => ({
    id: k.name,
    run(s: Signer) {
      const r = signedCommitment(s, input(false, k.to_local_msat, k.to_remote_msat, k.feerate_per_kw, m.local_dust_limit_satoshi, k.htlc_set, k.remote_signature, k.htlcs.map((h: any) => h.remote_signature)));
      expectBytes(r.localSig.subarray(0, -1), k.local_signature, "local signature");
      expectBytes(r.tx, k.commit_tx, "commitment tx");
      expect(r.htlcTxs.length === k.htlcs.length, `${r.htlcTxs.length} HTLC txs, want ${k.htlcs.length}`);
      k.htlcs.forEach((h: any, j: number) => {
        expect(k.htlc_set[r.htlcTxs[j].htlc] === h.htlc, `HTLC tx ${j} is for htlc #${k.htlc_set[r.htlcTxs[j].htlc]}, want #${h.htlc}`);
        expectBytes(r.htlcTxs[j].localSig.subarray(0, -1), h.local_signature, `local htlc signature ${j}`);
        expectBytes(r.htlcTxs[j].tx, h.tx, `htlc_${h.kind}_tx ${j}`);
      });
    },
  }))],
};

const appendixF: Suite = {
  name: "bolt3-appendix-f",
  cases: () => F.cases.map((k: any) => ({
    id: k.Name,
    run(s: Signer) {
      const set = !k.UseTestHtlcs ? [] : /same amount and preimage/.test(k.Name) ? [1, 5, 6] : [0, 1, 2, 3, 4];
      const r = signedCommitment(s, input(true, k.LocalBalance, k.RemoteBalance, k.FeePerKw, k.DustLimitSatoshis, set, k.RemoteSigHex, k.HtlcDescs.map((h: any) => h.RemoteSigHex)));
      expectBytes(r.tx, k.ExpectedCommitmentTxHex, "commitment tx");
      expect(r.htlcTxs.length === k.HtlcDescs.length, `${r.htlcTxs.length} HTLC txs, want ${k.HtlcDescs.length}`);
      k.HtlcDescs.forEach((h: any, j: number) => expectBytes(r.htlcTxs[j].tx, h.ResolutionTxHex, `HTLC tx ${j}`));
    },
  })),
};

export default [appendixC, appendixF];
