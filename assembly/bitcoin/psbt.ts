// PSBT version 0 (BIP174) with the taproot fields of BIP371: parse, serialize,
// sign the inputs a BIP32 wallet owns. (In progress: PSBT helper.)
export const PSBT_MAGIC: u32 = 0x70736274;
