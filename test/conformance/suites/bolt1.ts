// BOLT 1 Appendix A: every BigSize decoding vector (values and the non-canonical
// / truncated errors) and every encoding vector, through the core's codec.
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { LightningTool } from "../../../host/tools/lightning.js";
import { SignerError, Code } from "../../../host/signer.js";
import { Writer } from "../../../host/protocol/codec.js";
import { Suite, expect, expectBytes } from "../suite.js";

const v = JSON.parse(readFileSync(new URL("../../vectors/bolt1/bigsize.json", import.meta.url), "utf8"));
const spec = readFileSync(new URL("../../../../shared/specs/bolts/01-messaging.md", import.meta.url));
const b = (h: string) => new Uint8Array(Buffer.from(h, "hex"));

const suite: Suite = {
  name: "bolt1-bigsize",
  cases: () => [
    { id: "vectors are the spec's", run() { expect(createHash("sha256").update(spec).digest("hex") === v.sourceSha256, "spec changed: re-extract"); } },
    ...v.decoding.map((t: any) => ({
      id: `decode ${t.name}`,
      run(s: any) {
        let got: bigint | null = null, err: SignerError | null = null;
        try { const r = s.request(LightningTool.BIGSIZE_DECODE, b(t.bytes)); got = new DataView(r.buffer, r.byteOffset, r.byteLength).getBigUint64(0); } catch (e) { err = e as SignerError; }
        if (t.exp_error) expect(err !== null && err.code === Code.MALFORMED, `expected MALFORMED (${t.exp_error}), got ${got ?? err}`);
        else expect(got === BigInt(t.value), `got ${got ?? err}, want ${t.value}`);
      },
    })),
    ...v.encoding.map((t: any) => ({
      id: `encode ${t.name}`,
      run(s: any) { expectBytes(s.request(LightningTool.BIGSIZE_ENCODE, new Writer().u64(BigInt(t.value)).finish()), t.bytes, "bigsize"); },
    })),
  ],
};
export default suite;
