// Serial framing shared with firmware/serial/serial.c (docs/firmware.md):
//   u16 magic (0xAA55 host→device, 0x5AA5 device→host) | u8 kind | u32 seq |
//   u32 len | payload | u32 crc32 (IEEE, over kind..payload); big-endian.
import { crc32 } from "node:zlib";

export const MAGIC_REQ = 0xaa55;
export const MAGIC_REP = 0x5aa5;
export const HEADER = 11;
export const Kind = { REQUEST: 1, REPLY: 2, NACK: 3, HELLO: 4, HELLO_REPLY: 5, STATS: 6, STATS_REPLY: 7 } as const;
export const NackReason = { CRC: 1, TOO_LARGE: 2, SEQ_REUSED: 3, KIND: 4 } as const;

export interface Frame { kind: number; seq: number; payload: Uint8Array }

export function encodeFrame(magic: number, kind: number, seq: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER + payload.length + 4);
  const v = new DataView(out.buffer);
  v.setUint16(0, magic);
  out[2] = kind;
  v.setUint32(3, seq >>> 0);
  v.setUint32(7, payload.length);
  out.set(payload, HEADER);
  v.setUint32(HEADER + payload.length, crc32(out.subarray(2, HEADER + payload.length)) >>> 0);
  return out;
}

/**
 * Incremental decoder: push bytes as they arrive, get whole frames with a
 * valid CRC. Garbage, bad CRCs and cut frames are skipped by resynchronising
 * on the next magic (counted in `dropped`).
 */
export class FrameDecoder {
  private buf = new Uint8Array(0);
  dropped = 0;
  constructor(private readonly magic: number, private readonly maxPayload = 1 << 20) {}

  /** Nothing arrived for a while: give up a frame cut short and rescan after its magic. */
  nudge(): Frame[] {
    if (this.buf.length === 0) return [];
    this.dropped++;
    this.buf = this.buf.subarray(1);
    return this.push(new Uint8Array(0));
  }

  push(bytes: Uint8Array): Frame[] {
    const b = new Uint8Array(this.buf.length + bytes.length);
    b.set(this.buf); b.set(bytes, this.buf.length);
    this.buf = b;
    const frames: Frame[] = [];
    const hi = this.magic >> 8, lo = this.magic & 0xff;
    for (;;) {
      let i = 0;
      while (i + 1 < this.buf.length && !(this.buf[i] === hi && this.buf[i + 1] === lo)) i++;
      if (i) this.buf = this.buf.subarray(i);
      if (this.buf.length < HEADER) break;
      const v = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
      const len = v.getUint32(7);
      if (len > this.maxPayload) { this.dropped++; this.buf = this.buf.subarray(1); continue; }
      if (this.buf.length < HEADER + len + 4) break;
      const crc = crc32(this.buf.subarray(2, HEADER + len)) >>> 0;
      if (crc !== v.getUint32(HEADER + len)) { this.dropped++; this.buf = this.buf.subarray(1); continue; }
      frames.push({ kind: this.buf[2], seq: v.getUint32(3), payload: this.buf.slice(HEADER, HEADER + len) });
      this.buf = this.buf.subarray(HEADER + len + 4);
    }
    this.buf = this.buf.slice();
    return frames;
  }
}
