// BOLT 1 style encoder, the mirror of reader.ts. Grows its buffer by doubling.

export class Writer {
  buf: Uint8Array;
  len: i32 = 0;

  constructor(capacity: i32 = 64) { this.buf = new Uint8Array(capacity); }

  private room(n: i32): void {
    const need = this.len + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length << 1;
    while (cap < need) cap <<= 1;
    const nb = new Uint8Array(cap);
    nb.set(this.buf.subarray(0, this.len));
    this.buf = nb;
  }

  u8(v: u8): Writer { this.room(1); this.buf[this.len++] = v; return this; }

  u16(v: u16): Writer {
    this.room(2);
    this.buf[this.len++] = <u8>(v >> 8);
    this.buf[this.len++] = <u8>v;
    return this;
  }

  u32(v: u32): Writer {
    this.room(4);
    this.buf[this.len++] = <u8>(v >> 24);
    this.buf[this.len++] = <u8>(v >> 16);
    this.buf[this.len++] = <u8>(v >> 8);
    this.buf[this.len++] = <u8>v;
    return this;
  }

  u64(v: u64): Writer { return this.u32(<u32>(v >> 32)).u32(<u32>v); }

  u16le(v: u16): Writer {
    this.room(2);
    this.buf[this.len++] = <u8>v;
    this.buf[this.len++] = <u8>(v >> 8);
    return this;
  }

  u32le(v: u32): Writer {
    this.room(4);
    this.buf[this.len++] = <u8>v;
    this.buf[this.len++] = <u8>(v >> 8);
    this.buf[this.len++] = <u8>(v >> 16);
    this.buf[this.len++] = <u8>(v >> 24);
    return this;
  }

  u64le(v: u64): Writer { return this.u32le(<u32>v).u32le(<u32>(v >> 32)); }

  bigsize(v: u64): Writer {
    if (v < 0xfd) return this.u8(<u8>v);
    if (v <= 0xffff) return this.u8(0xfd).u16(<u16>v);
    if (v <= 0xffffffff) return this.u8(0xfe).u32(<u32>v);
    return this.u8(0xff).u64(v);
  }

  compactSize(v: u64): Writer {
    if (v < 0xfd) return this.u8(<u8>v);
    if (v <= 0xffff) return this.u8(0xfd).u16le(<u16>v);
    if (v <= 0xffffffff) return this.u8(0xfe).u32le(<u32>v);
    return this.u8(0xff).u64le(v);
  }

  bytes(b: Uint8Array): Writer {
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  /** BigSize length then bytes. */
  varbytes(b: Uint8Array): Writer { return this.bigsize(b.length).bytes(b); }

  /** u16 length then bytes. */
  bytes16(b: Uint8Array): Writer { return this.u16(<u16>b.length).bytes(b); }

  /** Bitcoin CompactSize length then bytes. */
  varslice(b: Uint8Array): Writer { return this.compactSize(b.length).bytes(b); }

  tlv(type: u64, value: Uint8Array): Writer { return this.bigsize(type).bigsize(value.length).bytes(value); }

  finish(): Uint8Array { return this.buf.slice(0, this.len); }
}
