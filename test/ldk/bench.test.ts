// Smoke test of the open/pay×N/close bench (host/ldk/bench.ts) so it keeps working.
import { describe, expect, it } from "vitest";
import { benchOpenPayClose } from "../../host/ldk/bench.js";
import { keysManagerKeys } from "../../host/ldk/keys.js";
import { tracedKeys, type SignerCall } from "../../host/ldk/traced-keys.js";

describe("LDK open/pay/close bench", () => {
  it("runs with KeysManager and with the new_impl adapter shape", async () => {
    const plain = await benchOpenPayClose("KeysManager", (s) => keysManagerKeys(s), 5);
    const calls: SignerCall[] = [];
    const traced = await benchOpenPayClose("traced", (s) => tracedKeys(s, calls), 5, calls);
    expect(plain.payments).toBe(5);
    // per direct payment the payer's signer sees: 2 sign_counterparty_commitment, 2 validate_holder_commitment,
    // 2 release_commitment_secret, 2 get_per_commitment_point, 2 validate_counterparty_revocation
    expect(traced.signerCallsPerPayment).toBe(10);
    expect(calls.filter((c) => c.method.includes(":"))).toEqual([]);
  }, 60_000);
});
