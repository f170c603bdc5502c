// Layer: sim/firmware. The target's receive buffer: the host's bytes, kept as the chunks the
// transport delivered, consumed synchronously by the request scanner (spec §3.1). Imports
// nothing from hvdbg.
//
// Performance: nothing here is per-byte-async. The marker scan walks bytes in a tight loop and
// jumps to the next 0xFF with indexOf when no partial marker is pending; data is copied out with
// TypedArray.set or handed out as subarrays (MEMWRITE payload goes straight into memory).
// Chunks are kept by reference: a transport must not reuse a chunk it delivered.

/** m1n1's per-iodev 32-bit shift register (`iodev_proxy_buffer`), kept across sessions (§3.1). */
export interface ShiftRegister {
  reg: number;
}

const SYNC_MASK = 0x00ffffff;
const SYNC = 0x00aa55ff;

export class RxBuffer {
  private chunks: Uint8Array[] = [];
  private head = 0;
  private offset = 0;
  private total = 0;

  get available(): number {
    return this.total;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.total += chunk.length;
  }

  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.offset = 0;
    this.total = 0;
  }

  /**
   * Feeds buffered bytes through the shift register (`reg = reg >> 8 | b << 24`) until its low
   * 24 bits are the sync marker; everything before is discarded (§3.1). True when found: then
   * `sr.reg` is the complete type word. False when the buffer ran dry first.
   */
  scan(sr: ShiftRegister): boolean {
    let reg = sr.reg;
    while (this.total > 0) {
      const c = this.chunks[this.head]!;
      const end = c.length;
      let i = this.offset;
      let found = false;
      while (i < end) {
        // No partial marker (FF, FF 55, FF 55 AA) at the top of the register: nothing can match
        // before the next FF, so skip to it and rebuild the register from the 4 bytes before.
        if (reg >>> 24 !== 0xff && reg >>> 16 !== 0x55ff && reg >>> 8 !== 0xaa55ff) {
          let j = c.indexOf(0xff, i);
          if (j < 0) j = end;
          if (j - i >= 4) {
            reg = ((c[j - 1]! << 24) | (c[j - 2]! << 16) | (c[j - 3]! << 8) | c[j - 4]!) >>> 0;
            i = j;
            continue;
          }
        }
        reg = ((reg >>> 8) | (c[i]! << 24)) >>> 0;
        i++;
        if ((reg & SYNC_MASK) === SYNC) {
          found = true;
          break;
        }
      }
      this.advanceTo(i);
      if (found) {
        sr.reg = reg;
        return true;
      }
    }
    sr.reg = reg;
    return false;
  }

  /** Copies up to `length` bytes into `dst` at `dstOffset`; returns how many. */
  read(dst: Uint8Array, dstOffset: number, length: number): number {
    let done = 0;
    while (done < length && this.total > 0) {
      const c = this.chunks[this.head]!;
      const n = Math.min(length - done, c.length - this.offset);
      dst.set(c.subarray(this.offset, this.offset + n), dstOffset + done);
      done += n;
      this.advanceTo(this.offset + n);
    }
    return done;
  }

  /**
   * Hands up to `length` buffered bytes to `sink` as (chunk, start, end) ranges without copying
   * and consumes them; returns how many.
   */
  drainInto(length: number, sink: (chunk: Uint8Array, start: number, end: number) => void): number {
    let done = 0;
    while (done < length && this.total > 0) {
      const c = this.chunks[this.head]!;
      const n = Math.min(length - done, c.length - this.offset);
      sink(c, this.offset, this.offset + n);
      done += n;
      this.advanceTo(this.offset + n);
    }
    return done;
  }

  /** Consumes the head chunk up to `offset`; moves to the next chunk when it is used up. */
  private advanceTo(offset: number): void {
    const c = this.chunks[this.head]!;
    this.total -= offset - this.offset;
    if (offset < c.length) {
      this.offset = offset;
      return;
    }
    this.chunks[this.head] = EMPTY;
    this.head++;
    this.offset = 0;
    if (this.head === this.chunks.length) {
      this.chunks = [];
      this.head = 0;
    } else if (this.head >= 64 && this.head * 2 >= this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}

const EMPTY = new Uint8Array(0);
