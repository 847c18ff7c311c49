// Operator methods need an authorization only the seed's holder can make: a
// compromised node (same transport, no seed) cannot change policy, approve its
// own payments, edit the allowlist or move the chain checkpoint; a captured
// authorization cannot be replayed.
import { describe, it, expect } from "vitest";
import { Signer, Code, SignerError, operatorKeyOf } from "../../host/signer.js";
import { InProcessTransport } from "../../host/transport.js";
import { decodeReply } from "../../host/protocol/envelope.js";
import { Core } from "../../host/core/core.js";
import { decidePayment, allowlistAdd } from "../../host/payments.js";
import { hex } from "../helpers.js";

const SECRET = new Uint8Array(32).fill(0x61);
const fail = (f: () => unknown) => { try { f(); } catch (e) { return e as SignerError; } throw new Error("expected an error"); };

function pair() {
  const core = new Core();
  const t = new InProcessTransport(core);
  const operator = new Signer(t);
  operator.init({ secret: SECRET, network: "regtest" });
  const node = new Signer(t); // the node: same signer, no seed
  return { operator, node, core };
}

describe("operator methods", () => {
  it("a node without the seed is refused (UNAUTHORIZED), state unchanged", () => {
    const { operator, node } = pair();
    const before = hex(operator.stateDigest());
    expect(fail(() => node.setPolicy({ filters: ["policy-commitment-*"] })).code).toBe(Code.UNAUTHORIZED);
    expect(fail(() => decidePayment(node, new Uint8Array(32), 1000n, true)).code).toBe(Code.UNAUTHORIZED);
    expect(fail(() => allowlistAdd(node, "node", Uint8Array.from(Buffer.from("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798", "hex")))).code).toBe(Code.UNAUTHORIZED);
    node.operatorKey = operatorKeyOf(new Uint8Array(32).fill(0x62)); // another seed
    expect(fail(() => node.setPolicy({ reorgDepth: 100 })).code).toBe(Code.UNAUTHORIZED);
    expect(hex(operator.stateDigest())).toBe(before);
    operator.setPolicy({ reorgDepth: 12 });
    expect(operator.policy().reorgDepth).toBe(12);
  });

  it("a captured authorization cannot be replayed", () => {
    const { operator, core } = pair();
    let captured: Uint8Array | null = null;
    const t = operator.transport as InProcessTransport;
    const orig = t.roundTrip.bind(t);
    t.roundTrip = (f: Uint8Array) => { if (((f[5] << 8) | f[6]) === 0x0008) captured = Uint8Array.from(f); return orig(f); };
    operator.setPolicy({ reorgDepth: 7 });
    t.roundTrip = orig;
    operator.setPolicy({ reorgDepth: 9 });
    const replay = decodeReply(core.call(captured!));
    expect(replay.ok).toBe(false);
    expect(replay.error!.code).toBe(Code.UNAUTHORIZED);
    expect(operator.policy().reorgDepth).toBe(9);
  });
});
