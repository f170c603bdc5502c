// Layer: sim/memory, the virtual M1's target physical memory. Imports nothing from hvdbg.
//
// The contract every memory model of the virtual M1 fulfils. Two kinds of access:
// - block access for REQ_MEMREAD / REQ_MEMWRITE (spec §4.3, §4.4): plain byte copies that a RAM
//   model serves with a few TypedArray.set/subarray calls, never per byte;
// - width access for the register proxy ops (§6.3) and, later, the CPU model: one load or store
//   of 1, 2, 4 or 8 bytes, little-endian (§0), which MMIO devices see as one access.
// A fault is a value (FAULT / false), never an exception: the firmware model decides what a
// fault means through its exception guard (§5).

/** Returned by `read` when the access faults (unmapped address, or a device refusing it). */
export const FAULT: unique symbol = Symbol('FAULT');
export type Fault = typeof FAULT;

/** Access sizes in bytes of m1n1's read8/16/32/64 and write8/16/32/64. */
export type AccessWidth = 1 | 2 | 4 | 8;

export interface PhysicalMemory {
  /**
   * Copies `[addr, addr+length)` into `into[offset, offset+length)`. Returns false when any byte
   * faults; `into` may then hold a partial copy.
   */
  readBlock(addr: bigint, into: Uint8Array, offset: number, length: number): boolean;
  /** Copies `from[offset, offset+length)` to `[addr, addr+length)`; false = fault (a prefix may be written). */
  writeBlock(addr: bigint, from: Uint8Array, offset: number, length: number): boolean;
  /** One little-endian load of `widthBytes`, zero-extended. */
  read(addr: bigint, widthBytes: AccessWidth): bigint | Fault;
  /** One little-endian store of the low `widthBytes` of `value`; false = fault (nothing stored). */
  write(addr: bigint, widthBytes: AccessWidth, value: bigint): boolean;
  /** Whether every byte of `[addr, addr+length)` is accessible (for writing when `write`). No side effects. */
  probe(addr: bigint, length: bigint | number, write: boolean): boolean;
  /**
   * Whether `[addr, addr+length)` is entirely plain RAM: reads have no side effects and block
   * copies are indistinguishable from element-wise accesses. Lets P_MEMCPY and P_MEMSET take
   * the block path instead of one width access per element.
   */
  isRam(addr: bigint, length: number): boolean;
}

/** Largest address the models handle as a JS number; anything above is unmapped on an M1. */
export const MAX_ADDRESS = Number.MAX_SAFE_INTEGER;

/** bigint address → number, or −1 when it cannot be a mapped address. */
export function addressToNumber(addr: bigint): number {
  return addr >= 0n && addr <= BigInt(MAX_ADDRESS) ? Number(addr) : -1;
}

/** A length (bigint or number) as a number, or −1 when it exceeds any mappable range. */
export function lengthToNumber(length: bigint | number): number {
  if (typeof length === 'number') return length >= 0 && length <= MAX_ADDRESS ? Math.floor(length) : -1;
  return length >= 0n && length <= BigInt(MAX_ADDRESS) ? Number(length) : -1;
}

/** Mask of a width in bits, as bigint: 1 → 0xFFn, 8 → 2^64−1. */
export function widthMask(widthBytes: AccessWidth): bigint {
  return (1n << BigInt(widthBytes * 8)) - 1n;
}
