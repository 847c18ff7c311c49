// 256-bit unsigned integers for proof-of-work targets and chain work: eight
// 32-bit limbs, least significant first. Only what consensus needs: compact
// encoding (nBits), compare, add, multiply/divide by a small number, and
// full division for work = 2^256 / (target + 1).

export class U256 {
  limbs: StaticArray<u32> = new StaticArray<u32>(8);

  static zero(): U256 { return new U256(); }

  static fromU64(v: u64): U256 {
    const r = new U256();
    r.limbs[0] = <u32>v;
    r.limbs[1] = <u32>(v >> 32);
    return r;
  }

  /** From 32 bytes in little-endian order (a block hash as serialized). */
  static fromLE(b: Uint8Array): U256 {
    const r = new U256();
    for (let i = 0; i < 8; i++) {
      r.limbs[i] = <u32>b[i * 4] | (<u32>b[i * 4 + 1] << 8) | (<u32>b[i * 4 + 2] << 16) | (<u32>b[i * 4 + 3] << 24);
    }
    return r;
  }

  toLE(): Uint8Array {
    const b = new Uint8Array(32);
    for (let i = 0; i < 8; i++) {
      const l = this.limbs[i];
      b[i * 4] = <u8>l; b[i * 4 + 1] = <u8>(l >> 8); b[i * 4 + 2] = <u8>(l >> 16); b[i * 4 + 3] = <u8>(l >> 24);
    }
    return b;
  }

  clone(): U256 {
    const r = new U256();
    for (let i = 0; i < 8; i++) r.limbs[i] = this.limbs[i];
    return r;
  }

  isZero(): bool {
    for (let i = 0; i < 8; i++) if (this.limbs[i] != 0) return false;
    return true;
  }

  cmp(o: U256): i32 {
    for (let i = 7; i >= 0; i--) {
      if (this.limbs[i] != o.limbs[i]) return this.limbs[i] < o.limbs[i] ? -1 : 1;
    }
    return 0;
  }

  add(o: U256): U256 {
    const r = new U256();
    let carry: u64 = 0;
    for (let i = 0; i < 8; i++) {
      const s = <u64>this.limbs[i] + <u64>o.limbs[i] + carry;
      r.limbs[i] = <u32>s;
      carry = s >> 32;
    }
    return r;
  }

  sub(o: U256): U256 {
    const r = new U256();
    let borrow: i64 = 0;
    for (let i = 0; i < 8; i++) {
      let d = <i64>this.limbs[i] - <i64>o.limbs[i] - borrow;
      borrow = d < 0 ? 1 : 0;
      if (d < 0) d += <i64>0x100000000;
      r.limbs[i] = <u32>d;
    }
    return r;
  }

  /** this · m; null on overflow past 256 bits. */
  mulSmall(m: u32): U256 | null {
    const r = new U256();
    let carry: u64 = 0;
    for (let i = 0; i < 8; i++) {
      const p = <u64>this.limbs[i] * <u64>m + carry;
      r.limbs[i] = <u32>p;
      carry = p >> 32;
    }
    return carry == 0 ? r : null;
  }

  divSmall(d: u32): U256 {
    const r = new U256();
    let rem: u64 = 0;
    for (let i = 7; i >= 0; i--) {
      const cur = (rem << 32) | <u64>this.limbs[i];
      r.limbs[i] = <u32>(cur / <u64>d);
      rem = cur % <u64>d;
    }
    return r;
  }

  bit(n: i32): bool { return ((this.limbs[n >> 5] >> (<u32>n & 31)) & 1) != 0; }

  private shl1(): void {
    let carry: u32 = 0;
    for (let i = 0; i < 8; i++) {
      const l = this.limbs[i];
      this.limbs[i] = (l << 1) | carry;
      carry = l >> 31;
    }
  }

  /** Floor division by a non-zero divisor (shift-and-subtract, 256 steps). */
  div(d: U256): U256 {
    const q = new U256();
    let rem = new U256();
    for (let i = 255; i >= 0; i--) {
      rem.shl1();
      if (this.bit(i)) rem.limbs[0] |= 1;
      if (rem.cmp(d) >= 0) {
        rem = rem.sub(d);
        q.limbs[i >> 5] |= <u32>1 << (<u32>i & 31);
      }
    }
    return q;
  }

  not(): U256 {
    const r = new U256();
    for (let i = 0; i < 8; i++) r.limbs[i] = ~this.limbs[i];
    return r;
  }

  /** Number of significant bits. */
  bits(): i32 {
    for (let i = 7; i >= 0; i--) {
      const l = this.limbs[i];
      if (l != 0) return i * 32 + 32 - <i32>clz(l);
    }
    return 0;
  }

  /** The low 64 bits of (this >> shift). */
  shr64(shift: i32): u64 {
    let v: u64 = 0;
    for (let b = 63; b >= 0; b--) {
      const n = shift + b;
      v = (v << 1) | (n < 256 && this.bit(n) ? 1 : 0);
    }
    return v;
  }

  shl(shift: i32): U256 {
    const r = new U256();
    for (let n = 255; n >= shift; n--) if (this.bit(n - shift)) r.limbs[n >> 5] |= <u32>1 << (<u32>n & 31);
    return r;
  }
}

/** nBits → target (Bitcoin Core arith_uint256::SetCompact). null if negative or overflowing. */
export function fromCompact(bits: u32): U256 | null {
  const size = <i32>(bits >> 24);
  let word = bits & 0x007fffff;
  let r: U256;
  if (size <= 3) {
    word >>= 8 * (3 - <u32>size);
    r = U256.fromU64(word);
  } else {
    r = U256.fromU64(word).shl(8 * (size - 3));
    // overflow: any bit of word pushed past 256
    if (word != 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32))) return null;
  }
  if (word != 0 && (bits & 0x00800000) != 0) return null; // negative
  return r;
}

/** target → nBits (arith_uint256::GetCompact, non-negative). */
export function toCompact(t: U256): u32 {
  let size = <u32>((t.bits() + 7) / 8);
  let compact: u32;
  if (size <= 3) compact = <u32>(t.shr64(0) << (8 * (3 - size)));
  else compact = <u32>t.shr64(8 * (<i32>size - 3));
  if ((compact & 0x00800000) != 0) {
    compact >>= 8;
    size++;
  }
  return compact | (size << 24);
}

/** Work of a block with this target: 2^256 / (target + 1) = ~target / (target + 1) + 1. */
export function workOf(target: U256): U256 {
  const one = U256.fromU64(1);
  return target.not().div(target.add(one)).add(one);
}
