// Small helpers shared by tests.
import { Signer } from "../host/signer.js";

export const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
export const unhex = (s: string) => new Uint8Array(Buffer.from(s, "hex"));
export const utf8 = (s: string) => new TextEncoder().encode(s);

/** A fresh core in this process, initialised with a fixed test secret. */
export function testSigner(secretByte = 0x11): Signer {
  const s = new Signer();
  s.init({ secret: new Uint8Array(32).fill(secretByte), network: "regtest" });
  return s;
}
