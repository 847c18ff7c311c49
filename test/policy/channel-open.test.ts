// Channel setup: keys compatible with LDK's KeysManager, lifecycle errors, and
// one attack per §Channel opening rule (plus the optional funding/push rules).
import { describe, it, expect, beforeAll } from "vitest";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as ldk from "lightningdevkit";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { Signer, Code, SignerError } from "../../host/signer.js";
import { attack, attacks, expectRefused } from "./attack.js";
import { channelId, setup, signer } from "./fixtures.js";
import { hex } from "../helpers.js";

beforeAll(async () => {
  const require = createRequire(import.meta.url);
  await ldk.initializeWasmFromBinary(readFileSync(require.resolve("lightningdevkit/liblightningjs.wasm")));
});

describe("channel keys (LDK KeysManager compatible)", () => {
  it("basepoints equal KeysManager.derive_channel_keys for 20 channel ids", () => {
    const seed = new Uint8Array(32).fill(0x51);
    const km = ldk.KeysManager.constructor_new(seed, 1_700_000_000n, 123);
    const s = signer();
    const pub = (k: Uint8Array) => hex(secp256k1.getPublicKey(k, true));
    for (let n = 0; n < 20; n++) {
      const id = channelId(n * 7919 + (n % 3) * 0x80000000);
      const ims = km.derive_channel_keys(1_000_000n, id);
      const b = s.newChannel(id, 1_000_000n);
      expect(hex(b.funding)).toBe(pub(ims.get_funding_key()));
      expect(hex(b.revocation)).toBe(pub(ims.get_revocation_base_key()));
      expect(hex(b.payment)).toBe(pub(ims.get_payment_key()));
      expect(hex(b.delayedPayment)).toBe(pub(ims.get_delayed_payment_base_key()));
      expect(hex(b.htlc)).toBe(pub(ims.get_htlc_base_key()));
    }
  });
});

describe("channel lifecycle", () => {
  const errOf = (f: () => unknown) => { try { f(); } catch (e) { return e as SignerError; } throw new Error("accepted"); };
  it("new_channel is idempotent; ready_channel needs new_channel; a retried setup is accepted, a different one refused", () => {
    const s = signer();
    const a = s.newChannel(channelId(1), 1_000_000n);
    expect(hex(s.newChannel(channelId(1), 1_000_000n).funding)).toBe(hex(a.funding));
    expect(errOf(() => s.newChannel(channelId(1), 2_000_000n)).code).toBe(Code.INVALID_STATE);
    expect(errOf(() => s.readyChannel(setup(2))).code).toBe(Code.INVALID_STATE);
    s.readyChannel(setup(1));
    s.readyChannel(setup(1));
    const d = hex(s.stateDigest());
    expect(errOf(() => s.readyChannel(setup(1, { fundingVout: 1 }))).code).toBe(Code.INVALID_STATE);
    expect(hex(s.stateDigest())).toBe(d);
  });
  it("bad counterparty keys, value mismatch, oversized push are typed errors with no state change", () => {
    const s = signer();
    s.newChannel(channelId(3), 1_000_000n);
    const d = hex(s.stateDigest());
    const bad = setup(3);
    bad.counterparty = { ...bad.counterparty, htlc: Uint8Array.of(2, ...new Uint8Array(32)) }; // x = 0 is not on the curve
    expect(errOf(() => s.readyChannel(bad)).code).toBe(Code.INVALID_ARGUMENT);
    expect(errOf(() => s.readyChannel(setup(3, { channelValueSat: 5n }))).code).toBe(Code.INVALID_ARGUMENT);
    expect(errOf(() => s.readyChannel(setup(3, { pushMsat: 1_000_000_001n, }))).code).toBe(Code.INVALID_ARGUMENT);
    expect(hex(s.stateDigest())).toBe(d);
  });
  it("the channel limit is configuration", () => {
    const s = new Signer();
    s.init({ secret: new Uint8Array(32).fill(9), maxChannels: 2 });
    s.newChannel(channelId(1), 1n); s.newChannel(channelId(2), 1n);
    expect(errOf(() => s.newChannel(channelId(3), 1n)).code).toBe(Code.TOO_LARGE);
  });
});

// --- attacks: §Channel opening ---
attack("policy-channel-contest-delay-range-holder", "peer imposes a 10 000-block delay on our funds", () => {
  const s = signer(); s.newChannel(channelId(1), 1_000_000n);
  expectRefused(s, "policy-channel-contest-delay-range-holder", () => s.readyChannel(setup(1, { counterpartySelectedContestDelay: 10_000 })));
});
attack("policy-channel-contest-delay-range-counterparty", "node lets the peer's outputs be spendable after 2 blocks", () => {
  const s = signer(); s.newChannel(channelId(1), 1_000_000n);
  expectRefused(s, "policy-channel-contest-delay-range-counterparty", () => s.readyChannel(setup(1, { holderSelectedContestDelay: 2 })));
});
attack("policy-channel-safe-mode", "legacy channel without static_remotekey", () => {
  const s = signer(); s.newChannel(channelId(1), 1_000_000n);
  expectRefused(s, "policy-channel-safe-mode", () => s.readyChannel(setup(1, { channelType: "legacy" })));
  expectRefused(s, "policy-channel-safe-mode", () => s.readyChannel(setup(1, { channelType: "anchors-legacy" })));
});
attack("policy-channel-original-channel-id-reuse", "forgotten channel id reused", () => {
  const s = signer(); s.newChannel(channelId(1), 1_000_000n); s.forgetChannel(channelId(1));
  expectRefused(s, "policy-channel-original-channel-id-reuse", () => s.newChannel(channelId(1), 1_000_000n));
});
attack("policy-funding-max", "channel over the configured maximum", () => {
  const s = signer({ fundingMaxSat: 500_000n }); s.newChannel(channelId(1), 1_000_000n);
  expectRefused(s, "policy-funding-max", () => s.readyChannel(setup(1)));
});
attack("policy-onchain-no-channel-push", "outbound channel gifts 0.001 BTC to the peer", () => {
  const s = signer(); s.newChannel(channelId(1), 1_000_000n);
  expectRefused(s, "policy-onchain-no-channel-push", () => s.readyChannel(setup(1, { pushMsat: 100_000_000n })));
});
attack("policy-merchant-no-sends", "merchant signer asked to push funds", () => {
  const s = signer({ preset: "merchant", allowPush: true }); s.newChannel(channelId(1), 1_000_000n);
  expectRefused(s, "policy-merchant-no-sends", () => s.readyChannel(setup(1, { pushMsat: 1_000n })));
});

describe("attacks", () => {
  for (const a of attacks) it(`${a.rule}: ${a.name}`, () => a.run());
  it("a filter downgrades a soft rule to a warning (by prefix), and the channel is set up", () => {
    const s = signer({ filters: ["policy-channel-*"] });
    s.newChannel(channelId(1), 1_000_000n);
    const d = Buffer.from(s.stateDigest()).toString("hex");
    s.readyChannel(setup(1, { counterpartySelectedContestDelay: 10_000 }));
    expect(Buffer.from(s.stateDigest()).toString("hex")).not.toBe(d);
  });
});
