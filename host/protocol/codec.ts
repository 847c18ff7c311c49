// Host side of the BOLT 1 style codec (assembly/codec/): what a client needs
// to encode requests and decode replies. Big-endian, BigSize, TLV.

export class CodecError extends Error {}

export class Writer {
  private parts: number[] = [];
  u8(v: number) { this.parts.push(v & 0xff); return this; }
  u16(v: number) { return this.u8(v >>> 8).u8(v); }
  u32(v: number) { return this.u16(v >>> 16).u16(v & 0xffff); }
  u64(v: bigint) { return this.u32(Number((v >> 32n) & 0xffffffffn)).u32(Number(v & 0xffffffffn)); }
  bigsize(v: number | bigint) {
    const b = BigInt(v);
    if (b < 0xfdn) return this.u8(Number(b));
    if (b <= 0xffffn) return this.u8(0xfd).u16(Number(b));
    if (b <= 0xffffffffn) return this.u8(0xfe).u32(Number(b));
    return this.u8(0xff).u64(b);
  }
  bytes(b: Uint8Array) { for (const x of b) this.parts.push(x); return this; }
  varbytes(b: Uint8Array) { return this.bigsize(b.length).bytes(b); }
  bytes16(b: Uint8Array) { return this.u16(b.length).bytes(b); }
  tlv(type: number | bigint, value: Uint8Array) { return this.bigsize(type).varbytes(value); }
  finish() { return Uint8Array.from(this.parts); }
}

export class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}
  private need(n: number) { if (this.pos + n > this.buf.length) throw new CodecError("truncated"); }
  remaining() { return this.buf.length - this.pos; }
  u8() { this.need(1); return this.buf[this.pos++]; }
  u16() { return (this.u8() << 8) | this.u8(); }
  u32() { return ((this.u16() << 16) | this.u16()) >>> 0; }
  u64() { return (BigInt(this.u32()) << 32n) | BigInt(this.u32()); }
  bigsize(): bigint {
    const f = this.u8();
    if (f < 0xfd) return BigInt(f);
    const v = f === 0xfd ? BigInt(this.u16()) : f === 0xfe ? BigInt(this.u32()) : this.u64();
    const min = f === 0xfd ? 0xfdn : f === 0xfe ? 0x10000n : 0x100000000n;
    if (v < min) throw new CodecError("non-canonical bigsize");
    return v;
  }
  bytes(n: number) { this.need(n); const b = this.buf.slice(this.pos, this.pos + n); this.pos += n; return b; }
  varbytes() { return this.bytes(Number(this.bigsize())); }
  bytes16() { return this.bytes(this.u16()); }
  finish() { if (this.pos !== this.buf.length) throw new CodecError("trailing bytes"); }
}
