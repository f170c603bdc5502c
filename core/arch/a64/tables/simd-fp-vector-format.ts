// Layer: core/arch/a64/tables. Operand spellings and row builders for the Advanced SIMD
// arithmetic rows (simd-fp-vector*.ts). Imports ../operand-format.ts and ../spec.ts only.
//
// Row ids: `<NAME>_vector` for the Arm ARM's vector encoding, `<NAME>_asisd` for its Advanced
// SIMD *scalar* encoding (the Arm ARM's "asisd" classes: `add d0, d1, d2`), `_fp16` appended
// for the half-precision encoding of an FP instruction, `_elem_` inserted for "by element"
// (`FMLA_elem_vector`, `FMLA_elem_asisd_fp16`). Instructions with a single encoding (ADDV,
// AESE, XAR, …) are just their name. Register and zero forms of one mnemonic (CMEQ (register),
// CMEQ (zero)) are separate instructions, so separate rows (`CMEQ_reg_vector`, `CMEQ_zero_vector`).

import { insn, ops } from '../operand-format.ts';
import type { Fields, InstructionSpec } from '../spec.ts';

/** Arrangement by size:Q, as LLVM spells it; '1d' (size 3, Q 0) is reserved for most rows. */
export const ARRANGEMENTS = ['8b', '16b', '4h', '8h', '2s', '4s', '1d', '2d'] as const;
export const arr = (size: number, q: number) => ARRANGEMENTS[size * 2 + q]!;
/** `v<n>.<T>`. */
export const v = (n: number, t: string) => `v${n}.${t}`;
/** Scalar register of a lane size: b/h/s/d/q + n. */
export const SCALAR_PREFIX = ['b', 'h', 's', 'd', 'q'] as const;
export const sreg = (size: number, n: number) => `${SCALAR_PREFIX[size]!}${n}`;
/** `#0x…` as llvm-objdump prints shift amounts and fixed-point fraction bits. */
export const hx = (n: number) => `#0x${n.toString(16)}`;

/** Which size:Q combinations a row allows (anything else is unallocated, so LLVM prints <unknown>). */
export type SizeRule =
  | 'BHS' // size 3 reserved
  | 'BHSD' // 1d (size 3, Q 0) reserved
  | 'HS' // sizes 1, 2
  | 'B' // size 0 only
  | 'BH'; // sizes 0, 1
export function sizeReserved(rule: SizeRule, size: number, q: number): boolean {
  switch (rule) {
    case 'BHS':
      return size === 3;
    case 'BHSD':
      return size === 3 && q === 0;
    case 'HS':
      return size === 0 || size === 3;
    case 'B':
      return size !== 0;
    case 'BH':
      return size > 1;
  }
}

/** FP single/double arrangement from sz:Q (sz=1, Q=0 is reserved). */
export const farr = (sz: number, q: number) => (sz ? '2d' : q ? '4s' : '2s');
export const hArr = (q: number) => (q ? '8h' : '4h');

export function row(
  id: string,
  pattern: string,
  asm: (f: Fields) => string,
  reject?: (f: Fields) => boolean,
): InstructionSpec {
  return reject ? { id, group: 'simd-fp', pattern, reject, asm } : { id, group: 'simd-fp', pattern, asm };
}

/** `mn vd.T, vn.T, vm.T` with T from one function of the fields. */
export const same3 = (mn: string, t: (f: Fields) => string) => (f: Fields) => insn(mn, ops(v(f.Rd!, t(f)), v(f.Rn!, t(f)), v(f.Rm!, t(f))));
/** `mn vd.T, vn.T` (+ extra operand). */
export const same2 =
  (mn: string, t: (f: Fields) => string, extra?: string) =>
  (f: Fields) =>
    insn(mn, ops(v(f.Rd!, t(f)), v(f.Rn!, t(f)), extra));

/** `mn` or `mn2` for the upper-half (Q=1) forms of widening and narrowing instructions. */
export const two = (mn: string, q: number) => (q ? `${mn}2` : mn);

/** Bits as a pattern segment, MSB first. */
export const bits = (value: number, width: number) => value.toString(2).padStart(width, '0');
