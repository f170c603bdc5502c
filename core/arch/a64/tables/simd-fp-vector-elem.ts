// Layer: core/arch/a64/tables. Advanced SIMD vector x indexed element and scalar x indexed
// element, and three different (long, wide, narrow). Imports ../operand-format.ts, ../spec.ts and
// simd-fp-vector-format.ts only.
//
// By element, the lane index and the register of the element share bits: for half lanes the
// index is H:L:M and Rm is v0–v15; for single lanes H:L and M:Rm; for double lanes H (L = 0).

import { insn, ops } from '../operand-format.ts';
import type { Fields, InstructionSpec } from '../spec.ts';
import { arr, bits, farr, row, sreg, two, v } from './simd-fp-vector-format.ts';

/** The `vM.T[i]` operand for lanes of `size` (1 h, 2 s, 3 d). */
export function element(f: Fields, size: number): string {
  if (size === 1) return `${v(f.Rm!, 'h')}[${(f.H! << 2) | (f.L! << 1) | f.M!}]`;
  const reg = (f.M! << 4) | f.Rm!;
  if (size === 2) return `${v(reg, 's')}[${(f.H! << 1) | f.L!}]`;
  return `${v(reg, 'd')}[${f.H!}]`;
}

const ELEM = 'L:1 M:1 Rm:4';
type Kind = 'same' | 'long';

// Integer by element: [id stem, U, opcode, mnemonic, kind, has a scalar encoding]
const INT_ELEM: ReadonlyArray<readonly [string, number, number, string, Kind, boolean]> = [
  ['SMLAL', 0, 0b0010, 'smlal', 'long', false],
  ['SQDMLAL', 0, 0b0011, 'sqdmlal', 'long', true],
  ['SMLSL', 0, 0b0110, 'smlsl', 'long', false],
  ['SQDMLSL', 0, 0b0111, 'sqdmlsl', 'long', true],
  ['MUL', 0, 0b1000, 'mul', 'same', false],
  ['SMULL', 0, 0b1010, 'smull', 'long', false],
  ['SQDMULL', 0, 0b1011, 'sqdmull', 'long', true],
  ['SQDMULH', 0, 0b1100, 'sqdmulh', 'same', true],
  ['SQRDMULH', 0, 0b1101, 'sqrdmulh', 'same', true],
  ['MLA', 1, 0b0000, 'mla', 'same', false],
  ['UMLAL', 1, 0b0010, 'umlal', 'long', false],
  ['MLS', 1, 0b0100, 'mls', 'same', false],
  ['UMLSL', 1, 0b0110, 'umlsl', 'long', false],
  ['UMULL', 1, 0b1010, 'umull', 'long', false],
  ['SQRDMLAH', 1, 0b1101, 'sqrdmlah', 'same', true],
  ['SQRDMLSH', 1, 0b1111, 'sqrdmlsh', 'same', true],
];

const intElemRows = INT_ELEM.flatMap(([stem, u, opcode, mn, kind, scalar]) => {
  const reject = (f: Fields) => f.size === 0 || f.size === 3;
  const rows = [
    row(
      `${stem}_elem_vector`,
      `0 Q:1 ${u} 01111 size:2 ${ELEM} ${bits(opcode, 4)} H:1 0 Rn:5 Rd:5`,
      (f) =>
        kind === 'same'
          ? insn(mn, ops(v(f.Rd!, arr(f.size!, f.Q!)), v(f.Rn!, arr(f.size!, f.Q!)), element(f, f.size!)))
          : insn(two(mn, f.Q!), ops(v(f.Rd!, arr(f.size! + 1, 1)), v(f.Rn!, arr(f.size!, f.Q!)), element(f, f.size!))),
      reject,
    ),
  ];
  if (scalar) {
    rows.push(
      row(
        `${stem}_elem_asisd`,
        `01 ${u} 11111 size:2 ${ELEM} ${bits(opcode, 4)} H:1 0 Rn:5 Rd:5`,
        (f) => insn(mn, ops(sreg(f.size! + (kind === 'long' ? 1 : 0), f.Rd!), sreg(f.size!, f.Rn!), element(f, f.size!))),
        reject,
      ),
    );
  }
  return rows;
});

// FP by element: [id stem, U, opcode, mnemonic]; each has vector and scalar, half and single/double.
const FP_ELEM: ReadonlyArray<readonly [string, number, number, string]> = [
  ['FMLA', 0, 0b0001, 'fmla'],
  ['FMLS', 0, 0b0101, 'fmls'],
  ['FMUL', 0, 0b1001, 'fmul'],
  ['FMULX', 1, 0b1001, 'fmulx'],
];
const fpElemRows = FP_ELEM.flatMap(([stem, u, opcode, mn]) => {
  const op = bits(opcode, 4);
  // sz = 1 (doubles) needs L = 0, and as a vector Q = 1.
  return [
    row(
      `${stem}_elem_vector`,
      `0 Q:1 ${u} 01111 1 sz:1 ${ELEM} ${op} H:1 0 Rn:5 Rd:5`,
      (f) => insn(mn, ops(v(f.Rd!, farr(f.sz!, f.Q!)), v(f.Rn!, farr(f.sz!, f.Q!)), element(f, f.sz! + 2))),
      (f) => f.sz === 1 && (f.L === 1 || f.Q === 0),
    ),
    row(`${stem}_elem_vector_fp16`, `0 Q:1 ${u} 01111 00 ${ELEM} ${op} H:1 0 Rn:5 Rd:5`, (f) =>
      insn(mn, ops(v(f.Rd!, f.Q ? '8h' : '4h'), v(f.Rn!, f.Q ? '8h' : '4h'), element(f, 1))),
    ),
    row(
      `${stem}_elem_asisd`,
      `01 ${u} 11111 1 sz:1 ${ELEM} ${op} H:1 0 Rn:5 Rd:5`,
      (f) => insn(mn, ops(sreg(f.sz! + 2, f.Rd!), sreg(f.sz! + 2, f.Rn!), element(f, f.sz! + 2))),
      (f) => f.sz === 1 && f.L === 1,
    ),
    row(`${stem}_elem_asisd_fp16`, `01 ${u} 11111 00 ${ELEM} ${op} H:1 0 Rn:5 Rd:5`, (f) =>
      insn(mn, ops(sreg(1, f.Rd!), sreg(1, f.Rn!), element(f, 1))),
    ),
  ];
});

const specialElemRows: InstructionSpec[] = [
  // SDOT/UDOT (by element): four bytes per lane, the element is a group of four (`v2.4b[1]`).
  ...(['sdot', 'udot'] as const).map((mn, u) =>
    row(`${mn.toUpperCase()}_elem_vector`, `0 Q:1 ${u} 01111 10 ${ELEM} 1110 H:1 0 Rn:5 Rd:5`, (f) =>
      insn(mn, ops(v(f.Rd!, f.Q ? '4s' : '2s'), v(f.Rn!, f.Q ? '16b' : '8b'), `${v((f.M! << 4) | f.Rm!, '4b')}[${(f.H! << 1) | f.L!}]`)),
    ),
  ),
  // FMLAL/FMLSL (by element, FEAT_FHM): half elements widened into single lanes.
  ...(
    [
      ['FMLAL', 0, '0000', 'fmlal'],
      ['FMLSL', 0, '0100', 'fmlsl'],
      ['FMLAL2', 1, '1000', 'fmlal2'],
      ['FMLSL2', 1, '1100', 'fmlsl2'],
    ] as const
  ).map(([stem, u, opcode, mn]) =>
    row(`${stem}_elem_vector`, `0 Q:1 ${u} 01111 10 ${ELEM} ${opcode} H:1 0 Rn:5 Rd:5`, (f) =>
      insn(mn, ops(v(f.Rd!, f.Q ? '4s' : '2s'), v(f.Rn!, f.Q ? '4h' : '2h'), element(f, 1))),
    ),
  ),
  // FCMLA (by element) indexes complex pairs: size 01 half lanes (index H:L, H = 0 for 4h),
  // size 10 single lanes (index H, 4s only).
  row(
    'FCMLA_elem_vector',
    '0 Q:1 1 01111 size:2 L:1 M:1 Rm:4 0 rot:2 1 H:1 0 Rn:5 Rd:5',
    (f) => {
      const t = arr(f.size!, f.Q!);
      const reg = (f.M! << 4) | f.Rm!;
      const el = f.size === 1 ? `${v(reg, 'h')}[${(f.H! << 1) | f.L!}]` : `${v(reg, 's')}[${f.H!}]`;
      return insn('fcmla', ops(v(f.Rd!, t), v(f.Rn!, t), el, `#${f.rot! * 90}`));
    },
    (f) => f.size === 0 || f.size === 3 || (f.size === 2 && (f.L === 1 || f.Q === 0)) || (f.size === 1 && f.Q === 0 && f.H === 1),
  ),
];

// Three different: [id stem, U, opcode, mnemonic, kind]; long: Vd wide from two narrow, wide:
// Vd and Vn wide, Vm narrow; high: narrow result from two wide (the *HN ops).
type DiffKind = 'long' | 'wide' | 'high';
const DIFF: ReadonlyArray<readonly [string, number, number, string, DiffKind]> = [
  ['SADDL', 0, 0b0000, 'saddl', 'long'],
  ['SADDW', 0, 0b0001, 'saddw', 'wide'],
  ['SSUBL', 0, 0b0010, 'ssubl', 'long'],
  ['SSUBW', 0, 0b0011, 'ssubw', 'wide'],
  ['ADDHN', 0, 0b0100, 'addhn', 'high'],
  ['SABAL', 0, 0b0101, 'sabal', 'long'],
  ['SUBHN', 0, 0b0110, 'subhn', 'high'],
  ['SABDL', 0, 0b0111, 'sabdl', 'long'],
  ['SMLAL', 0, 0b1000, 'smlal', 'long'],
  ['SQDMLAL', 0, 0b1001, 'sqdmlal', 'long'],
  ['SMLSL', 0, 0b1010, 'smlsl', 'long'],
  ['SQDMLSL', 0, 0b1011, 'sqdmlsl', 'long'],
  ['SMULL', 0, 0b1100, 'smull', 'long'],
  ['SQDMULL', 0, 0b1101, 'sqdmull', 'long'],
  ['UADDL', 1, 0b0000, 'uaddl', 'long'],
  ['UADDW', 1, 0b0001, 'uaddw', 'wide'],
  ['USUBL', 1, 0b0010, 'usubl', 'long'],
  ['USUBW', 1, 0b0011, 'usubw', 'wide'],
  ['RADDHN', 1, 0b0100, 'raddhn', 'high'],
  ['UABAL', 1, 0b0101, 'uabal', 'long'],
  ['RSUBHN', 1, 0b0110, 'rsubhn', 'high'],
  ['UABDL', 1, 0b0111, 'uabdl', 'long'],
  ['UMLAL', 1, 0b1000, 'umlal', 'long'],
  ['UMLSL', 1, 0b1010, 'umlsl', 'long'],
  ['UMULL', 1, 0b1100, 'umull', 'long'],
];

const diffRows = DIFF.flatMap(([stem, u, opcode, mn, kind]) => {
  const saturating = mn.startsWith('sqd');
  const rows = [
    row(
      `${stem}_vector`,
      `0 Q:1 ${u} 01110 size:2 1 Rm:5 ${bits(opcode, 4)} 00 Rn:5 Rd:5`,
      (f) => {
        const narrow = arr(f.size!, f.Q!);
        const wide = arr(f.size! + 1, 1);
        const [d, n, m] = kind === 'long' ? [wide, narrow, narrow] : kind === 'wide' ? [wide, wide, narrow] : [narrow, wide, wide];
        return insn(two(mn, f.Q!), ops(v(f.Rd!, d), v(f.Rn!, n), v(f.Rm!, m)));
      },
      (f) => f.size === 3 || (saturating && f.size === 0),
    ),
  ];
  if (saturating) {
    rows.push(
      row(
        `${stem}_asisd`,
        `01 ${u} 11110 size:2 1 Rm:5 ${bits(opcode, 4)} 00 Rn:5 Rd:5`,
        (f) => insn(mn, ops(sreg(f.size! + 1, f.Rd!), sreg(f.size!, f.Rn!), sreg(f.size!, f.Rm!))),
        (f) => f.size === 0 || f.size === 3,
      ),
    );
  }
  return rows;
});

// PMULL: bytes into halfwords, or (FEAT_PMULL, crypto) doublewords into a 128-bit `1q` lane.
const pmullRow = row(
  'PMULL_vector',
  '0 Q:1 0 01110 size:2 1 Rm:5 1110 00 Rn:5 Rd:5',
  (f) => {
    const [d, s] = f.size === 0 ? ['8h', arr(0, f.Q!)] : ['1q', f.Q ? '2d' : '1d'];
    return insn(two('pmull', f.Q!), ops(v(f.Rd!, d), v(f.Rn!, s), v(f.Rm!, s)));
  },
  (f) => f.size === 1 || f.size === 2,
);

export const SIMD_VECTOR_ELEM: readonly InstructionSpec[] = [...intElemRows, ...fpElemRows, ...specialElemRows, ...diffRows, pmullRow];

