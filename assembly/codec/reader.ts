// BOLT 1 style decoder: big-endian integers, BigSize, length-prefixed bytes and
// TLV streams. A failed read latches `err` and returns zeroes; the caller checks
// `ok()` / `finish()` once, so truncation and trailing bytes are typed errors
// (protocol/errors.ts Code.MALFORMED) and never traps.

export class Reader {
  pos: i32;
  err: string | null = null;

  constructor(public buf: Uint8Array, start: i32 = 0, public end: i32 = -1) {
    this.pos = start;
    if (end < 0) this.end = buf.length;
  }

  fail(msg: string): void { if (this.err === null) this.err = msg; }
  ok(): bool { return this.err === null; }
  remaining(): i32 { return this.end - this.pos; }

  /** Ok and no trailing bytes. */
  finish(): bool {
    if (this.err === null && this.pos != this.end) this.fail("trailing bytes");
    return this.err === null;
  }

  private take(n: i32): bool {
    if (this.err !== null) return false;
    if (n < 0 || this.end - this.pos < n) { this.fail("truncated"); return false; }
    return true;
  }

  u8(): u8 {
    if (!this.take(1)) return 0;
    return this.buf[this.pos++];
  }

  u16(): u16 {
    if (!this.take(2)) return 0;
    const b = this.buf, p = this.pos;
    this.pos += 2;
    return (<u16>b[p] << 8) | <u16>b[p + 1];
  }

  u32(): u32 {
    if (!this.take(4)) return 0;
    const b = this.buf, p = this.pos;
    this.pos += 4;
    return (<u32>b[p] << 24) | (<u32>b[p + 1] << 16) | (<u32>b[p + 2] << 8) | <u32>b[p + 3];
  }

  u64(): u64 {
    const hi = <u64>this.u32();
    return (hi << 32) | <u64>this.u32();
  }

  /** Little-endian integers, for Bitcoin serialization. */
  u16le(): u16 {
    if (!this.take(2)) return 0;
    const b = this.buf, p = this.pos;
    this.pos += 2;
    return <u16>b[p] | (<u16>b[p + 1] << 8);
  }

  u32le(): u32 {
    if (!this.take(4)) return 0;
    const b = this.buf, p = this.pos;
    this.pos += 4;
    return <u32>b[p] | (<u32>b[p + 1] << 8) | (<u32>b[p + 2] << 16) | (<u32>b[p + 3] << 24);
  }

  u64le(): u64 {
    const lo = <u64>this.u32le();
    return lo | (<u64>this.u32le() << 32);
  }

  /** BOLT 1 BigSize: big-endian, minimally encoded. */
  bigsize(): u64 {
    const first = this.u8();
    if (first < 0xfd) return first;
    if (first == 0xfd) {
      const v = this.u16();
      if (this.ok() && v < 0xfd) this.fail("non-canonical bigsize");
      return v;
    }
    if (first == 0xfe) {
      const v = this.u32();
      if (this.ok() && v < 0x10000) this.fail("non-canonical bigsize");
      return v;
    }
    const v = this.u64();
    if (this.ok() && v < 0x100000000) this.fail("non-canonical bigsize");
    return v;
  }

  /** Bitcoin CompactSize: little-endian, minimally encoded. */
  compactSize(): u64 {
    const first = this.u8();
    if (first < 0xfd) return first;
    if (first == 0xfd) {
      const v = this.u16le();
      if (this.ok() && v < 0xfd) this.fail("non-canonical compact size");
      return v;
    }
    if (first == 0xfe) {
      const v = this.u32le();
      if (this.ok() && v < 0x10000) this.fail("non-canonical compact size");
      return v;
    }
    const v = this.u64le();
    if (this.ok() && v < 0x100000000) this.fail("non-canonical compact size");
    return v;
  }

  /** A copy of the next n bytes. */
  bytes(n: i32): Uint8Array {
    if (!this.take(n)) return new Uint8Array(n < 0 || n > 64 ? 0 : n);
    const out = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** BigSize length then bytes; lengths above `max` are refused before reading. */
  varbytes(max: i32): Uint8Array {
    const n = this.bigsize();
    if (!this.ok()) return new Uint8Array(0);
    if (n > <u64>max) { this.fail("length over limit"); return new Uint8Array(0); }
    return this.bytes(<i32>n);
  }

  /** u16 length then bytes (BOLT 1 `u16`-prefixed fields). */
  bytes16(max: i32): Uint8Array {
    const n = <i32>this.u16();
    if (n > max) { this.fail("length over limit"); return new Uint8Array(0); }
    return this.bytes(n);
  }

  /** Skip n bytes. */
  skip(n: i32): void { if (this.take(n)) this.pos += n; }

  /** A reader over the next n bytes; this reader moves past them. */
  sub(n: i32): Reader {
    if (!this.take(n)) { const r = new Reader(this.buf, 0, 0); r.fail(this.err !== null ? this.err! : "truncated"); return r; }
    const r = new Reader(this.buf, this.pos, this.pos + n);
    this.pos += n;
    return r;
  }
}

/** One TLV record: type and the range of its value within the stream's buffer. */
export class Tlv {
  constructor(public type: u64, public value: Reader) {}
}

/**
 * BOLT 1 TLV stream: types strictly increasing, minimal BigSize, lengths within
 * the stream. Unknown even types are refused unless `anyEven` (a stream whose
 * meaning belongs to someone else, e.g. a BOLT 12 message); odd ones are kept
 * for the caller to ignore. Returns null with `r.err` set on error.
 */
export function readTlvStream(r: Reader, knownEven: u64[] = [], anyEven: bool = false): Tlv[] | null {
  const out = new Array<Tlv>();
  let first = true;
  let last: u64 = 0;
  while (r.ok() && r.remaining() > 0) {
    const t = r.bigsize();
    const len = r.bigsize();
    if (!r.ok()) return null;
    if (!first && t <= last) { r.fail("tlv types not increasing"); return null; }
    if (len > <u64>r.remaining()) { r.fail("tlv length past end"); return null; }
    if (!anyEven && (t & 1) == 0 && !knownEven.includes(t)) { r.fail("unknown even tlv type"); return null; }
    out.push(new Tlv(t, r.sub(<i32>len)));
    first = false;
    last = t;
  }
  return r.ok() ? out : null;
}
