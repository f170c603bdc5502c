// Layer: sim/memory. Imports only this folder and core/errors.
//
// A RAM region of the virtual M1, allocated lazily in 16 KiB pages (the M1's page size): an
// 8 GiB Mac mini costs nothing until the host or the guest writes to it. Reads of a page never
// written return zeros without allocating it. Addresses are plain numbers inside (RAM offsets
// stay far below 2^53), bigint only at the PhysicalMemory boundary.

import { HvdbgError } from '../../core/errors.ts';
import {
  addressToNumber,
  lengthToNumber,
  type AccessWidth,
  type Fault,
  FAULT,
  type PhysicalMemory,
} from './physical-memory.ts';

export const RAM_PAGE_SIZE = 0x4000;
/** Where DRAM starts on the M1 (t8103). */
export const M1_DRAM_BASE = 0x8_0000_0000n;
/** DRAM of an 8 GiB Mac mini (j274). */
export const MAC_MINI_8GB_RAM_SIZE = 0x2_0000_0000n;

export interface SparseRamOptions {
  /** Physical base address (default M1_DRAM_BASE). */
  base?: bigint;
  /** Size in bytes, a multiple of 16 KiB (default 8 GiB). */
  sizeBytes?: bigint;
}

export class SparseRam implements PhysicalMemory {
  readonly base: bigint;
  readonly sizeBytes: bigint;
  /** `base` and `sizeBytes` as numbers, for the number-based accessors. */
  readonly baseNumber: number;
  readonly sizeNumber: number;

  private readonly pages = new Map<number, Uint8Array>();
  // One-entry cache: width accesses and consecutive pages of a block hit the same page.
  private lastIndex = -1;
  private lastPage: Uint8Array | undefined;

  constructor(options: SparseRamOptions = {}) {
    this.base = options.base ?? M1_DRAM_BASE;
    this.sizeBytes = options.sizeBytes ?? MAC_MINI_8GB_RAM_SIZE;
    this.baseNumber = addressToNumber(this.base);
    this.sizeNumber = lengthToNumber(this.sizeBytes);
    const end = this.baseNumber + this.sizeNumber;
    if (this.baseNumber < 0 || this.sizeNumber <= 0 || !Number.isSafeInteger(end) || this.sizeNumber % RAM_PAGE_SIZE !== 0 || this.baseNumber % RAM_PAGE_SIZE !== 0) {
      throw new HvdbgError('SIM_BAD_RAM_REGION', `RAM region base 0x${this.base.toString(16)} size 0x${this.sizeBytes.toString(16)} is not usable`, {
        hint: 'Base and size must be non-zero multiples of 16 KiB below 2^53.',
      });
    }
  }

  /** Pages allocated so far (each RAM_PAGE_SIZE bytes). */
  get allocatedPages(): number {
    return this.pages.size;
  }

  /** Drops every page: the RAM reads as zeros again. */
  clear(): void {
    this.pages.clear();
    this.lastIndex = -1;
    this.lastPage = undefined;
  }

  // ---- number-based accessors; `offset` is relative to `base` and the caller checks bounds ----

  readAt(offset: number, into: Uint8Array, intoOffset: number, length: number): void {
    let index = Math.floor(offset / RAM_PAGE_SIZE);
    let inPage = offset - index * RAM_PAGE_SIZE;
    let out = intoOffset;
    let left = length;
    while (left > 0) {
      const n = Math.min(left, RAM_PAGE_SIZE - inPage);
      const page = this.page(index, false);
      if (page) into.set(n === RAM_PAGE_SIZE ? page : page.subarray(inPage, inPage + n), out);
      else into.fill(0, out, out + n);
      out += n;
      left -= n;
      index++;
      inPage = 0;
    }
  }

  writeAt(offset: number, from: Uint8Array, fromOffset: number, length: number): void {
    let index = Math.floor(offset / RAM_PAGE_SIZE);
    let inPage = offset - index * RAM_PAGE_SIZE;
    let src = fromOffset;
    let left = length;
    while (left > 0) {
      const n = Math.min(left, RAM_PAGE_SIZE - inPage);
      this.page(index, true)!.set(from.subarray(src, src + n), inPage);
      src += n;
      left -= n;
      index++;
      inPage = 0;
    }
  }

  loadAt(offset: number, width: AccessWidth): bigint {
    const index = Math.floor(offset / RAM_PAGE_SIZE);
    const inPage = offset - index * RAM_PAGE_SIZE;
    let bytes: Uint8Array | undefined;
    let at = inPage;
    if (inPage + width <= RAM_PAGE_SIZE) {
      bytes = this.page(index, false);
      if (!bytes) return 0n;
    } else {
      bytes = new Uint8Array(8);
      this.readAt(offset, bytes, 0, width);
      at = 0;
    }
    switch (width) {
      case 1:
        return BigInt(bytes[at]!);
      case 2:
        return BigInt(bytes[at]! | (bytes[at + 1]! << 8));
      case 4:
        return BigInt(u32(bytes, at));
      case 8:
        return (BigInt(u32(bytes, at + 4)) << 32n) | BigInt(u32(bytes, at));
    }
  }

  storeAt(offset: number, width: AccessWidth, value: bigint): void {
    const index = Math.floor(offset / RAM_PAGE_SIZE);
    const inPage = offset - index * RAM_PAGE_SIZE;
    // A zero store to a page never written changes nothing observable: keep it unallocated.
    if (value === 0n && !this.page(index, false) && inPage + width <= RAM_PAGE_SIZE) return;
    const lo = Number(BigInt.asUintN(32, value));
    const hi = width === 8 ? Number(BigInt.asUintN(32, value >> 32n)) : 0;
    if (inPage + width <= RAM_PAGE_SIZE) {
      putLe(this.page(index, true)!, inPage, width, lo, hi);
    } else {
      const tmp = new Uint8Array(8);
      putLe(tmp, 0, width, lo, hi);
      this.writeAt(offset, tmp, 0, width);
    }
  }

  /**
   * The backing page (RAM_PAGE_SIZE bytes) holding `offset`, allocating it when `allocate`.
   * For the CPU model's software TLB (sim/cpu/bus.ts), which loads and stores into it
   * directly; a caller holding pages must drop them when `clear()` is called.
   */
  pageAt(offset: number, allocate: boolean): Uint8Array | undefined {
    return this.page(Math.floor(offset / RAM_PAGE_SIZE), allocate);
  }

  // ---- PhysicalMemory ----

  readBlock(addr: bigint, into: Uint8Array, offset: number, length: number): boolean {
    const off = this.offsetOf(addr, length);
    if (off < 0) return false;
    this.readAt(off, into, offset, length);
    return true;
  }

  writeBlock(addr: bigint, from: Uint8Array, offset: number, length: number): boolean {
    const off = this.offsetOf(addr, length);
    if (off < 0) return false;
    this.writeAt(off, from, offset, length);
    return true;
  }

  read(addr: bigint, widthBytes: AccessWidth): bigint | Fault {
    const off = this.offsetOf(addr, widthBytes);
    return off < 0 ? FAULT : this.loadAt(off, widthBytes);
  }

  write(addr: bigint, widthBytes: AccessWidth, value: bigint): boolean {
    const off = this.offsetOf(addr, widthBytes);
    if (off < 0) return false;
    this.storeAt(off, widthBytes, value);
    return true;
  }

  probe(addr: bigint, length: bigint | number, _write: boolean): boolean {
    const len = lengthToNumber(length);
    return len >= 0 && this.offsetOf(addr, len) >= 0;
  }

  isRam(addr: bigint, length: number): boolean {
    return this.offsetOf(addr, length) >= 0;
  }

  /** Offset of `[addr, addr+length)` inside this RAM, or −1 when it is not wholly inside. */
  private offsetOf(addr: bigint, length: number): number {
    const a = addressToNumber(addr);
    if (a < 0) return -1;
    const off = a - this.baseNumber;
    return off >= 0 && length >= 0 && off + length <= this.sizeNumber ? off : -1;
  }

  private page(index: number, allocate: boolean): Uint8Array | undefined {
    if (index === this.lastIndex) return this.lastPage;
    let page = this.pages.get(index);
    if (!page) {
      if (!allocate) return undefined;
      page = new Uint8Array(RAM_PAGE_SIZE);
      this.pages.set(index, page);
    }
    this.lastIndex = index;
    this.lastPage = page;
    return page;
  }
}

function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

function putLe(b: Uint8Array, at: number, width: AccessWidth, lo: number, hi: number): void {
  b[at] = lo & 0xff;
  if (width === 1) return;
  b[at + 1] = (lo >>> 8) & 0xff;
  if (width === 2) return;
  b[at + 2] = (lo >>> 16) & 0xff;
  b[at + 3] = lo >>> 24;
  if (width === 4) return;
  b[at + 4] = hi & 0xff;
  b[at + 5] = (hi >>> 8) & 0xff;
  b[at + 6] = (hi >>> 16) & 0xff;
  b[at + 7] = hi >>> 24;
}
