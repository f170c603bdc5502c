// Layer: core/arch/a64/tables. Operand spellings for the scalar FP and SIMD copy/move rows
// (simd-fp-scalar*.ts), as llvm-objdump prints them. Imports nothing.

/** Scalar FP register for the `ftype` field: 00 single, 01 double, 11 half (FP16); 10 is not a scalar type. */
export function fpr(ftype: number, n: number): string {
  return `${'sd?h'[ftype & 3]}${n}`;
}

/** ftype 10 is unallocated for every scalar FP operation (FMOV's top-half form aside). */
export const badFtype = (ftype: number) => ftype === 2;

/** Arrangement of a vector for the usual size:Q pair (size 11 with Q=0, "1d", is reserved in most encodings). */
export const ARRANGEMENTS = ['8b', '16b', '4h', '8h', '2s', '4s', '1d', '2d'] as const;
export const arrangement = (size: number, q: number) => ARRANGEMENTS[((size & 3) << 1) | (q & 1)]!;

/** `v<n>.<arrangement>`. */
export const vreg = (n: number, arr: string) => `v${n}.${arr}`;

/** Element size (0 b, 1 h, 2 s, 3 d) encoded by the lowest set bit of imm5; undefined for x0000. */
export function imm5Size(imm5: number): number | undefined {
  for (let size = 0; size < 4; size++) if (imm5 & (1 << size)) return size;
  return undefined;
}

/** `v<n>.<T>[<index>]` for an imm5-encoded element (index in the bits above the size marker). */
export function imm5Element(n: number, imm5: number): string {
  const size = imm5Size(imm5)!;
  return `v${n}.${'bhsd'[size]}[${imm5 >> (size + 1)}]`;
}

/**
 * VFPExpandImm's value for an 8-bit FP immediate (Arm ARM shared pseudocode): sign a, exponent
 * from NOT(b):b…b:c:d, fraction efgh — so ±(16+efgh)/16 × 2^e with e in −3…4.
 */
export function fpImm8Value(imm8: number): number {
  const sign = imm8 & 0x80 ? -1 : 1;
  const b = (imm8 >> 6) & 1;
  const cd = (imm8 >> 4) & 3;
  const exponent = b ? cd - 3 : cd + 1;
  return (sign * (16 + (imm8 & 15)) * 2 ** exponent) / 16;
}

/** LLVM prints FP immediates as `#%.8f`; every imm8 value is exact in 8 decimals. */
export const fpImm = (imm8: number) => `#${fpImm8Value(imm8).toFixed(8)}`;

/**
 * The 64-bit MOVI immediate (each imm8 bit becomes a byte of ones), printed as LLVM does with
 * C's `%#016llx`: zero has no `0x` and 16 digits; anything else is `0x` plus at least 14 digits.
 */
export function movi64Imm(imm8: number): string {
  let hex = '';
  for (let bit = 7; bit >= 0; bit--) hex += imm8 & (1 << bit) ? 'ff' : '00';
  if (imm8 === 0) return `#${hex}`;
  return `#0x${hex.replace(/^0+/, '').padStart(14, '0')}`;
}
