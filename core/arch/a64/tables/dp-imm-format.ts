// Layer: core/arch/a64/tables. Immediate decoding and alias tests for the dp-imm group (bitmask
// immediates, move-wide aliases), shared by its `asm` and, later, the CPU model's executors.
// Imports nothing.

/** All ones in the low `n` bits (n ≤ 64). */
const ones = (n: number): bigint => (1n << BigInt(n)) - 1n;

/**
 * The Arm ARM's DecodeBitMasks (immediate form): the value a logical immediate N:immr:imms
 * stands for, `width` bits wide, or undefined for the reserved encodings (no element size, or an
 * element of all ones), which the architecture leaves unallocated.
 */
export function decodeBitMask(n: number, immr: number, imms: number, width: 32 | 64): bigint | undefined {
  const combined = (n << 6) | (~imms & 0x3f);
  if (combined === 0) return undefined;
  const len = 31 - Math.clz32(combined);
  if (len < 1 || 1 << len > width) return undefined;
  const esize = 1 << len;
  const levels = esize - 1;
  const s = imms & levels;
  const r = immr & levels;
  if (s === levels) return undefined;
  const welem = ones(s + 1);
  const mask = ones(esize);
  // ROR(welem, r) within the element.
  const elem = r === 0 ? welem : ((welem >> BigInt(r)) | (welem << BigInt(esize - r))) & mask;
  let value = 0n;
  for (let i = 0; i < width; i += esize) value |= elem << BigInt(i);
  return value;
}

/** MOVZ could write `value` with one 16-bit chunk (LLVM's isAnyMOVZMovAlias). */
export function isMovzValue(value: bigint, width: 32 | 64): boolean {
  const v = BigInt.asUintN(width, value);
  for (let shift = 0; shift < width; shift += 16) if ((v & ~(0xffffn << BigInt(shift))) === 0n) return true;
  return false;
}

/** MOVZ or MOVN could write `value` (then LLVM prints ORR #imm as `orr`, not `mov`). */
export function isMoveWideValue(value: bigint, width: 32 | 64): boolean {
  return isMovzValue(value, width) || isMovzValue(~value, width);
}

/** `value` as a signed number in `width` bits, for `mov` immediates LLVM prints signed. */
export const signedValue = (value: bigint, width: 32 | 64): bigint => BigInt.asIntN(width, value);

