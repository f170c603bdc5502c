// Layer: core/hv handlers. Which DBGWVR/DBGWCR pairs watch a byte range (spec §9.11; Arm ARM
// DBGWCR<n>_EL1 BAS and MASK): a pair watches either up to 8 bytes of one
// 8-byte aligned doubleword (BAS, one bit per byte) or a naturally aligned power-of-two region
// of 8 bytes to 2 GiB (MASK = log2(size), 3..31, BAS all ones, WVR aligned to the size; MASK 1
// and 2 are reserved). Imports this folder only.

import { HvError, HvErrorCode, hex } from '../errors.ts';

/** One watchpoint pair's worth of a range. */
export interface WatchPiece {
  /** DBGWVR: the doubleword (BAS) or the region (MASK). */
  readonly wvr: bigint;
  /** DBGWCR.BAS: bytes of the doubleword at `wvr`; 0xFF with a MASK. */
  readonly bas: number;
  /** DBGWCR.MASK: 0 (BAS only) or 3..31. */
  readonly mask: number;
}

export const WATCH_MASK_MIN = 3;
export const WATCH_MASK_MAX = 31;
const ADDRESS_END = 1n << 64n;

/** DBGWCR for a watchpoint (§9.11): E | PAC = EL1+EL0 | LSC | BAS | MASK. */
export function watchControl(bas: number, lsc: 1 | 2 | 3, mask = 0): bigint {
  return BigInt(1 | (0b11 << 1) | (lsc << 3) | ((bas & 0xff) << 5)) | (BigInt(mask & 0x1f) << 24n);
}

/**
 * The fewest pairs that watch exactly [address, address + length): a partial doubleword at
 * either end takes a BAS pair; the aligned middle splits into the largest naturally aligned
 * power-of-two blocks (MASK pairs; a lone doubleword is BAS 0xFF). So a small range across a
 * doubleword boundary takes two pairs, an aligned 4 KiB page one.
 */
export function planWatchRange(address: bigint, length: number): WatchPiece[] {
  if (!Number.isSafeInteger(length) || length < 1) {
    throw new HvError(HvErrorCode.BAD_ARGUMENT, `a watched range of ${length} byte(s) is not a positive whole number of bytes`);
  }
  const end = address + BigInt(length);
  if (address < 0n || end > ADDRESS_END) throw new HvError(HvErrorCode.BAD_ARGUMENT, `the watched range ${hex(address)}+${length} leaves the 64-bit address space`);
  const pieces: WatchPiece[] = [];
  for (let a = address; a < end; ) {
    if ((a & 7n) !== 0n || end - a < 8n) {
      const dword = a & ~7n;
      const stop = end < dword + 8n ? end : dword + 8n;
      pieces.push({ wvr: dword, bas: ((1 << Number(stop - a)) - 1) << Number(a - dword), mask: 0 });
      a = stop;
      continue;
    }
    let mask = WATCH_MASK_MIN;
    while (mask < WATCH_MASK_MAX && a % (1n << BigInt(mask + 1)) === 0n && a + (1n << BigInt(mask + 1)) <= end) mask++;
    pieces.push({ wvr: a, bas: 0xff, mask: mask === WATCH_MASK_MIN ? 0 : mask });
    a += 1n << BigInt(mask);
  }
  return pieces;
}

/** The bytes a pair watches: [lo, hi) and, for BAS pairs, which of them (bit n = lo + n). */
export function watchedBytes(wvr: bigint, control: bigint): { lo: bigint; hi: bigint; bas: number } {
  const mask = Number((control >> 24n) & 0x1fn);
  if (mask >= WATCH_MASK_MIN) {
    const size = 1n << BigInt(mask);
    const lo = wvr & ~(size - 1n);
    return { lo, hi: lo + size, bas: 0xff };
  }
  const lo = wvr & ~7n;
  return { lo, hi: lo + 8n, bas: Number((control >> 5n) & 0xffn) };
}
