// What the signer remembers of the peer's commitments (signer/commitment.ts).
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { Shachain } from "../bolt3/shachain";

const MAX_HTLCS: i32 = 2 * 483;

/** An HTLC in a state the node describes; `ours` = offered by us. */
export class StateHtlc {
  constructor(public ours: bool, public amountMsat: u64, public cltvExpiry: u32, public paymentHash: Uint8Array) {}
  write(w: Writer): void { w.u8(this.ours ? 1 : 0).u64(this.amountMsat).u32(this.cltvExpiry).bytes(this.paymentHash); }
  static read(r: Reader): StateHtlc { return new StateHtlc(r.u8() == 1, r.u64(), r.u32(), r.bytes(32)); }
  same(o: StateHtlc): bool {
    if (this.ours != o.ours || this.amountMsat != o.amountMsat || this.cltvExpiry != o.cltvExpiry) return false;
    for (let i = 0; i < 32; i++) if (this.paymentHash[i] != o.paymentHash[i]) return false;
    return true;
  }
}

/** What the signer remembers of the peer's commitments. */
export class CounterpartyState {
  next: u64 = 0; // the next commitment number we may sign
  lastDigest: Uint8Array = new Uint8Array(32); // content of commitment next-1 (retry-same)
  lastHtlcs: StateHtlc[] = []; // its HTLCs (which of ours are new in the next one)
  secrets: Shachain = new Shachain(); // the peer's revealed per-commitment secrets
  revokedCount: u64 = 0; // secrets received: commitments 0..revokedCount-1 are revoked
  lastPoint: Uint8Array = new Uint8Array(33); // per-commitment point of commitment next-1
  prevPoint: Uint8Array = new Uint8Array(33); // of next-2 (the one the peer revokes next)

  write(w: Writer): void {
    w.u64(this.next).bytes(this.lastDigest).u16(<u16>this.lastHtlcs.length);
    for (let i = 0; i < this.lastHtlcs.length; i++) this.lastHtlcs[i].write(w);
    this.secrets.write(w);
    w.u64(this.revokedCount).bytes(this.lastPoint).bytes(this.prevPoint);
  }

  static read(r: Reader): CounterpartyState | null {
    const s = new CounterpartyState();
    s.next = r.u64();
    s.lastDigest = r.bytes(32);
    const n = <i32>r.u16();
    if (r.ok() && n > MAX_HTLCS) r.fail("htlc count");
    for (let i = 0; i < n && r.ok(); i++) s.lastHtlcs.push(StateHtlc.read(r));
    const sc = Shachain.read(r);
    if (sc === null) return null;
    s.secrets = sc!;
    s.revokedCount = r.u64();
    s.lastPoint = r.bytes(33);
    s.prevPoint = r.bytes(33);
    return r.ok() ? s : null;
  }
}


/** What the signer remembers of its own (holder) commitments. */
export class HolderState {
  validated: u64 = 0; // commitments 0..validated-1 carry the peer's valid signatures
  revealed: u64 = 0; // secrets released: 0..revealed-1 are revoked
  last: Uint8Array = new Uint8Array(0); // the state of commitment validated-1, as the node sent it
  closed: bool = false; // we signed a mutual close

  write(w: Writer): void { w.u64(this.validated).u64(this.revealed).varbytes(this.last).u8(this.closed ? 1 : 0); }

  static read(r: Reader): HolderState {
    const s = new HolderState();
    s.validated = r.u64();
    s.revealed = r.u64();
    s.last = r.varbytes(1 << 20);
    s.closed = r.u8() == 1;
    return s;
  }
}
