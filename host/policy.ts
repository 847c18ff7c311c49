// Policy configuration as the operator writes it (JSON / config file) ↔ the
// core's TLV encoding (assembly/policy/config.ts). The core owns defaults,
// presets and validation; this file only maps names to TLV types.
import { Reader, Writer } from "./protocol/codec.js";

type Kind = "u8" | "u32" | "u64" | "bool";
/** name → [tlv type, kind]; the order of assembly/policy/config.ts. */
export const POLICY_FIELDS: Record<string, [number, Kind]> = {
  preset: [1, "u8"],
  delayHolderMin: [3, "u32"], delayHolderMax: [5, "u32"],
  delayCounterpartyMin: [7, "u32"], delayCounterpartyMax: [9, "u32"],
  commitmentFeerateMin: [11, "u32"], commitmentFeerateMax: [13, "u32"],
  htlcCountMax: [15, "u32"], htlcInflightMaxMsat: [17, "u64"], cltvWindow: [19, "u32"],
  fundingMaxSat: [21, "u64"], onchainFeerateMin: [23, "u32"], onchainFeerateMax: [25, "u32"],
  onchainFeeMaxSat: [27, "u64"], maxTxWeight: [29, "u32"], walletGap: [31, "u32"], reorgDepth: [33, "u32"],
  allowPush: [35, "bool"], routing: [37, "bool"], merchant: [39, "bool"],
  velocityWindowSecs: [41, "u32"], velocitySendMaxMsat: [43, "u64"], velocityFundingMaxSat: [45, "u64"],
  approvalAboveMsat: [47, "u64"], allowlistOnly: [49, "bool"], minFundingDepth: [51, "u32"],
  heartbeatMaxAgeSecs: [53, "u32"], invoiceFeeBudgetPpm: [57, "u32"], oracleQuorum: [59, "u32"], velocityTransferMaxMsat: [63, "u64"], dustUntrackedMaxMsat: [65, "u64"],
};
const ORACLES_TYPE = 61; // oracles: x-only keys as hex
const FILTER_TYPE = 55;
export const PRESETS = { personal: 0, merchant: 1, "routing-hub": 2 } as const;

export type PolicyValue = number | bigint | boolean;
export interface PolicyInput { preset?: keyof typeof PRESETS; filters?: string[]; oracles?: string[]; [field: string]: PolicyValue | string | string[] | undefined }

/** Encode named fields (any subset) over a preset; unknown names are an error naming the key. */
export function encodePolicy(p: PolicyInput): Uint8Array {
  const entries: Array<[number, Uint8Array]> = [];
  for (const [k, v] of Object.entries(p)) {
    if (v === undefined) continue;
    if (k === "preset") {
      const id = PRESETS[v as keyof typeof PRESETS];
      if (id === undefined) throw new TypeError(`policy.preset: unknown preset ${String(v)} (${Object.keys(PRESETS).join(", ")})`);
      entries.push([1, Uint8Array.of(id)]);
    } else if (k === "filters") {
      const w = new Writer();
      for (const f of v as string[]) w.bytes16(new TextEncoder().encode(f));
      entries.push([FILTER_TYPE, w.finish()]);
    } else if (k === "oracles") {
      const keys = (v as string[]).map((h) => Buffer.from(h, "hex"));
      if (keys.some((b, i) => b.length !== 32 || b.toString("hex") !== (v as string[])[i].toLowerCase())) throw new TypeError("policy.oracles: 32-byte x-only keys in hex");
      entries.push([ORACLES_TYPE, Uint8Array.from(Buffer.concat(keys))]);
    } else {
      const spec = POLICY_FIELDS[k];
      if (!spec) throw new TypeError(`policy.${k}: unknown field`);
      const [t, kind] = spec;
      const w = new Writer();
      if (kind === "bool") w.u8(v ? 1 : 0);
      else if (kind === "u8") w.u8(Number(v));
      else if (kind === "u32") w.u32(Number(v));
      else w.u64(BigInt(v as number));
      entries.push([t, w.finish()]);
    }
  }
  entries.sort((a, b) => a[0] - b[0]);
  const w = new Writer();
  for (const [t, v] of entries) w.tlv(t, v);
  return w.finish();
}

export function decodePolicy(b: Uint8Array): Record<string, PolicyValue | string | string[]> {
  const byType = new Map(Object.entries(POLICY_FIELDS).map(([k, [t, kind]]) => [t, [k, kind] as const]));
  const out: Record<string, PolicyValue | string | string[]> = {};
  const r = new Reader(b);
  while (r.remaining()) {
    const t = Number(r.bigsize());
    const v = new Reader(r.varbytes());
    if (t === 1) { const p = v.u8(); out.preset = Object.entries(PRESETS).find(([, id]) => id === p)?.[0] ?? "?"; continue; }
    if (t === FILTER_TYPE) { const f: string[] = []; while (v.remaining()) f.push(new TextDecoder().decode(v.bytes16())); out.filters = f; continue; }
    if (t === ORACLES_TYPE) { const o: string[] = []; while (v.remaining()) o.push(Buffer.from(v.bytes(32)).toString("hex")); out.oracles = o; continue; }
    const spec = byType.get(t);
    if (!spec) continue;
    const [k, kind] = spec;
    out[k] = kind === "bool" ? v.u8() !== 0 : kind === "u8" ? v.u8() : kind === "u32" ? v.u32() : v.u64();
  }
  return out;
}
