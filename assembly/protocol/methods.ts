// Method ids of the wire protocol (docs/protocol.md §Methods). Ranges:
//   0x0000-0x00ff  node: identity and session
//   0x0100-0x01ff  signer/node_sign: ECDH, invoices, messages, gossip (node key)
//   0x0200-0x02ff  signer/channels: channel setup and lifecycle
//   0x0300-0x03ff  chain: the signer's header chain (chain/follower.ts)
//   0x0400-0x07ff  signer: commitments, signatures, secrets (policy-checked)
//   0x8000-0x80ff  tools/crypto: the import contract exercised on caller data
//   0x8100-0x81ff  tools/bitcoin: pure Bitcoin-layer computations on caller data
//   0x8200-0x82ff  tools/bolt3: pure BOLT 3 computations on caller data
//   0x8300-0x83ff  tools/lightning: BOLT 11/12/7 formats on caller data and keys
//   0x8400-0x84ff  tools/chain: consensus arithmetic (difficulty, work)
// Tools never touch the signer's keys or state; they let hosts and tests use
// the core as the single source of truth for every computation.

export namespace Method {
  export const PING: u16 = 0x0001;
  export const VERSION: u16 = 0x0002;
  export const INIT: u16 = 0x0003;
  export const GET_NODE_ID: u16 = 0x0004;
  export const STATE_DIGEST: u16 = 0x0005;
  export const LIST_RULES: u16 = 0x0006;
  export const POLICY_GET: u16 = 0x0007;
  export const POLICY_SET: u16 = 0x0008;
}

export const TOOLS_CRYPTO: u16 = 0x8000;
export const TOOLS_BITCOIN: u16 = 0x8100;
export const TOOLS_BOLT3: u16 = 0x8200;
export const TOOLS_LIGHTNING: u16 = 0x8300;
export const TOOLS_CHAIN: u16 = 0x8400;
export const TOOLS_WALLET: u16 = 0x8500;
