// Layer: core/arch/a64/tables. Advanced SIMD shift by immediate, vector and scalar encodings.
// Imports ../operand-format.ts, ../spec.ts and simd-fp-vector-format.ts only.
//
// immh picks the element size (its highest set bit) and, with immb, the shift: right shifts
// encode 2*esize - shift, left shifts esize + shift. immh = 0 is the modified-immediate group,
// never ours.

import { insn, ops } from '../operand-format.ts';
import type { Fields, InstructionSpec } from '../spec.ts';
import { arr, bits, hx, row, sreg, two, v } from './simd-fp-vector-format.ts';

/** right/left: same lanes; narrow: SHRN-like; long: SSHLL-like; fix: fixed-point conversion. */
type Kind = 'right' | 'left' | 'narrow' | 'long' | 'fix';

// [id stem, U, opcode, mnemonic, kind, has a scalar encoding]
const SHIFTS: ReadonlyArray<readonly [string, number, number, string, Kind, boolean]> = [
  ['SSHR', 0, 0b00000, 'sshr', 'right', true],
  ['SSRA', 0, 0b00010, 'ssra', 'right', true],
  ['SRSHR', 0, 0b00100, 'srshr', 'right', true],
  ['SRSRA', 0, 0b00110, 'srsra', 'right', true],
  ['SHL', 0, 0b01010, 'shl', 'left', true],
  ['SQSHL_imm', 0, 0b01110, 'sqshl', 'left', true],
  ['SHRN', 0, 0b10000, 'shrn', 'narrow', false],
  ['RSHRN', 0, 0b10001, 'rshrn', 'narrow', false],
  ['SQSHRN', 0, 0b10010, 'sqshrn', 'narrow', true],
  ['SQRSHRN', 0, 0b10011, 'sqrshrn', 'narrow', true],
  ['SSHLL', 0, 0b10100, 'sshll', 'long', false],
  ['SCVTF_fix', 0, 0b11100, 'scvtf', 'fix', true],
  ['FCVTZS_fix', 0, 0b11111, 'fcvtzs', 'fix', true],
  ['USHR', 1, 0b00000, 'ushr', 'right', true],
  ['USRA', 1, 0b00010, 'usra', 'right', true],
  ['URSHR', 1, 0b00100, 'urshr', 'right', true],
  ['URSRA', 1, 0b00110, 'ursra', 'right', true],
  ['SRI', 1, 0b01000, 'sri', 'right', true],
  ['SLI', 1, 0b01010, 'sli', 'left', true],
  ['SQSHLU', 1, 0b01100, 'sqshlu', 'left', true],
  ['UQSHL_imm', 1, 0b01110, 'uqshl', 'left', true],
  ['SQSHRUN', 1, 0b10000, 'sqshrun', 'narrow', true],
  ['SQRSHRUN', 1, 0b10001, 'sqrshrun', 'narrow', true],
  ['UQSHRN', 1, 0b10010, 'uqshrn', 'narrow', true],
  ['UQRSHRN', 1, 0b10011, 'uqrshrn', 'narrow', true],
  ['USHLL', 1, 0b10100, 'ushll', 'long', false],
  ['UCVTF_fix', 1, 0b11100, 'ucvtf', 'fix', true],
  ['FCVTZU_fix', 1, 0b11111, 'fcvtzu', 'fix', true],
];

/** log2(esize / 8) from immh: 0 for bytes … 3 for doublewords; -1 when immh is 0. */
export const immhSize = (immh: number) => 31 - Math.clz32(immh);
const esize = (f: Fields) => 8 << immhSize(f.immh!);
const immhb = (f: Fields) => (f.immh! << 3) | f.immb!;
const rightShift = (f: Fields) => 2 * esize(f) - immhb(f);
const leftShift = (f: Fields) => immhb(f) - esize(f);

function vectorAsm(mn: string, kind: Kind): (f: Fields) => string {
  return (f) => {
    const size = immhSize(f.immh!);
    const t = arr(size, f.Q!);
    switch (kind) {
      case 'right':
      case 'fix':
        return insn(mn, ops(v(f.Rd!, t), v(f.Rn!, t), hx(rightShift(f))));
      case 'left':
        return insn(mn, ops(v(f.Rd!, t), v(f.Rn!, t), hx(leftShift(f))));
      case 'narrow':
        return insn(two(mn, f.Q!), ops(v(f.Rd!, t), v(f.Rn!, arr(size + 1, 1)), hx(rightShift(f))));
      case 'long':
        return insn(two(mn, f.Q!), ops(v(f.Rd!, arr(size + 1, 1)), v(f.Rn!, t), hx(leftShift(f))));
    }
  };
}

function vectorReject(kind: Kind): (f: Fields) => boolean {
  return (f) => {
    if (f.immh === 0) return true;
    const size = immhSize(f.immh!);
    if (kind === 'narrow' || kind === 'long') return size === 3;
    if (kind === 'fix' && size === 0) return true;
    return size === 3 && f.Q === 0;
  };
}

function scalarAsm(mn: string, kind: Kind): (f: Fields) => string {
  return (f) => {
    const size = immhSize(f.immh!);
    if (kind === 'narrow') return insn(mn, ops(sreg(size, f.Rd!), sreg(size + 1, f.Rn!), hx(rightShift(f))));
    const shift = kind === 'left' ? leftShift(f) : rightShift(f);
    return insn(mn, ops(sreg(size, f.Rd!), sreg(size, f.Rn!), hx(shift)));
  };
}

function scalarReject(kind: Kind, mn: string): (f: Fields) => boolean {
  return (f) => {
    if (f.immh === 0) return true;
    const size = immhSize(f.immh!);
    if (kind === 'narrow') return size === 3;
    if (kind === 'fix') return size === 0;
    // Plain shifts and inserts exist for doublewords only; the saturating left shifts for all sizes.
    if (kind === 'right' || mn === 'shl' || mn === 'sli') return size !== 3;
    return false;
  };
}

export const SIMD_VECTOR_SHIFT: readonly InstructionSpec[] = SHIFTS.flatMap(([stem, u, opcode, mn, kind, scalar]) => {
  const rows = [row(`${stem}_vector`, `0 Q:1 ${u} 011110 immh:4 immb:3 ${bits(opcode, 5)} 1 Rn:5 Rd:5`, vectorAsm(mn, kind), vectorReject(kind))];
  if (scalar) rows.push(row(`${stem}_asisd`, `01 ${u} 111110 immh:4 immb:3 ${bits(opcode, 5)} 1 Rn:5 Rd:5`, scalarAsm(mn, kind), scalarReject(kind, mn)));
  return rows;
});
