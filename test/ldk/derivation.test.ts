// KeysManager derivation restated in TS (host/ldk/keysmanager-derivation.ts) vs lightningdevkit's KeysManager.
import { beforeAll, describe, expect, it } from "vitest";
import { sha256 } from "@noble/hashes/sha2.js";
import { initLdk, ldk } from "../../host/ldk/init.js";
import { channelKeysId, channelSecrets, nodeKeysFromSeed } from "./keysmanager-derivation.js";
import { hex } from "../../host/ldk/tx.js";
import { p2wpkh } from "@scure/btc-signer";
import { secp256k1 } from "@noble/curves/secp256k1.js";

beforeAll(async () => { await initLdk(); });

describe("LDK KeysManager derivation", () => {
  const seeds = [new Uint8Array(32).fill(1), sha256(new TextEncoder().encode("vigil-demo-node:A"))];
  it("node id, destination and shutdown scripts", () => {
    for (const seed of seeds) {
      const km = ldk.KeysManager.constructor_new(seed, 1_700_000_000n, 5);
      const ours = nodeKeysFromSeed(seed);
      expect(hex(km.get_node_secret_key())).toBe(hex(ours.nodeSecret));
      const id = km.as_NodeSigner().get_node_id(ldk.Recipient.LDKRecipient_Node) as ldk.Result_PublicKeyNoneZ_OK;
      expect(hex(id.res)).toBe(hex(ours.nodeId));
      const dest = km.as_SignerProvider().get_destination_script(new Uint8Array(32)) as ldk.Result_CVec_u8ZNoneZ_OK;
      expect(hex(dest.res)).toBe(hex(p2wpkh(secp256k1.getPublicKey(ours.destinationKey, true)).script));
      const shut = (km.as_SignerProvider().get_shutdown_scriptpubkey() as ldk.Result_ShutdownScriptNoneZ_OK).res;
      expect(hex(shut.into_inner())).toBe(hex(p2wpkh(secp256k1.getPublicKey(ours.shutdownKey, true)).script));
      expect(km.as_NodeSigner().get_inbound_payment_key().eq(ldk.ExpandedKey.constructor_new(ours.inboundPaymentKeyMaterial))).toBeTruthy();
      expect(km.as_NodeSigner().get_inbound_payment_key().eq(ldk.ExpandedKey.constructor_new(ours.nodeSecret))).toBeFalsy();
    }
  });

  it("channel keys id layout and channel secrets", () => {
    for (const seed of seeds) {
      for (const [secs, nanos] of [[1_700_000_000n, 0], [1_700_000_001n, 123456]] as const) {
        const km = ldk.KeysManager.constructor_new(seed, secs, nanos);
        const sp = km.as_SignerProvider();
        for (let i = 0; i < 3; i++) {
          const user = BigInt(1000 + i);
          const kid = sp.generate_channel_keys_id(false, 1_000_000n, user);
          expect(hex(kid)).toBe(hex(channelKeysId(i, secs, nanos, user)));
          const ims = km.derive_channel_keys(1_000_000n, kid);
          const s = channelSecrets(seed, kid);
          expect(hex(ims.get_funding_key())).toBe(hex(s.funding));
          expect(hex(ims.get_revocation_base_key())).toBe(hex(s.revocationBase));
          expect(hex(ims.get_payment_key())).toBe(hex(s.payment));
          expect(hex(ims.get_delayed_payment_base_key())).toBe(hex(s.delayedPaymentBase));
          expect(hex(ims.get_htlc_base_key())).toBe(hex(s.htlcBase));
          expect(hex(ims.get_commitment_seed())).toBe(hex(s.commitmentSeed));
        }
      }
    }
  });
});
