// Layer: core/arch/a64/tables. Advanced SIMD three same (integer, logical, FP, FP16) and three
// same (extra): the vector encodings. Imports ../operand-format.ts, ../spec.ts and
// simd-fp-vector-format.ts only.

import { insn, ops } from '../operand-format.ts';
import type { InstructionSpec } from '../spec.ts';
import { arr, bits, farr, hArr, row, same3, sizeReserved, v, type SizeRule } from './simd-fp-vector-format.ts';

// [id stem, U, opcode, mnemonic, allowed sizes]
const INT_SAME: ReadonlyArray<readonly [string, number, number, string, SizeRule]> = [
  ['SHADD', 0, 0b00000, 'shadd', 'BHS'],
  ['SQADD', 0, 0b00001, 'sqadd', 'BHSD'],
  ['SRHADD', 0, 0b00010, 'srhadd', 'BHS'],
  ['SHSUB', 0, 0b00100, 'shsub', 'BHS'],
  ['SQSUB', 0, 0b00101, 'sqsub', 'BHSD'],
  ['CMGT_reg', 0, 0b00110, 'cmgt', 'BHSD'],
  ['CMGE_reg', 0, 0b00111, 'cmge', 'BHSD'],
  ['SSHL', 0, 0b01000, 'sshl', 'BHSD'],
  ['SQSHL_reg', 0, 0b01001, 'sqshl', 'BHSD'],
  ['SRSHL', 0, 0b01010, 'srshl', 'BHSD'],
  ['SQRSHL', 0, 0b01011, 'sqrshl', 'BHSD'],
  ['SMAX', 0, 0b01100, 'smax', 'BHS'],
  ['SMIN', 0, 0b01101, 'smin', 'BHS'],
  ['SABD', 0, 0b01110, 'sabd', 'BHS'],
  ['SABA', 0, 0b01111, 'saba', 'BHS'],
  ['ADD', 0, 0b10000, 'add', 'BHSD'],
  ['CMTST', 0, 0b10001, 'cmtst', 'BHSD'],
  ['MLA', 0, 0b10010, 'mla', 'BHS'],
  ['MUL', 0, 0b10011, 'mul', 'BHS'],
  ['SMAXP', 0, 0b10100, 'smaxp', 'BHS'],
  ['SMINP', 0, 0b10101, 'sminp', 'BHS'],
  ['SQDMULH', 0, 0b10110, 'sqdmulh', 'HS'],
  ['ADDP', 0, 0b10111, 'addp', 'BHSD'],
  ['UHADD', 1, 0b00000, 'uhadd', 'BHS'],
  ['UQADD', 1, 0b00001, 'uqadd', 'BHSD'],
  ['URHADD', 1, 0b00010, 'urhadd', 'BHS'],
  ['UHSUB', 1, 0b00100, 'uhsub', 'BHS'],
  ['UQSUB', 1, 0b00101, 'uqsub', 'BHSD'],
  ['CMHI_reg', 1, 0b00110, 'cmhi', 'BHSD'],
  ['CMHS_reg', 1, 0b00111, 'cmhs', 'BHSD'],
  ['USHL', 1, 0b01000, 'ushl', 'BHSD'],
  ['UQSHL_reg', 1, 0b01001, 'uqshl', 'BHSD'],
  ['URSHL', 1, 0b01010, 'urshl', 'BHSD'],
  ['UQRSHL', 1, 0b01011, 'uqrshl', 'BHSD'],
  ['UMAX', 1, 0b01100, 'umax', 'BHS'],
  ['UMIN', 1, 0b01101, 'umin', 'BHS'],
  ['UABD', 1, 0b01110, 'uabd', 'BHS'],
  ['UABA', 1, 0b01111, 'uaba', 'BHS'],
  ['SUB', 1, 0b10000, 'sub', 'BHSD'],
  ['CMEQ_reg', 1, 0b10001, 'cmeq', 'BHSD'],
  ['MLS', 1, 0b10010, 'mls', 'BHS'],
  ['PMUL', 1, 0b10011, 'pmul', 'B'],
  ['UMAXP', 1, 0b10100, 'umaxp', 'BHS'],
  ['UMINP', 1, 0b10101, 'uminp', 'BHS'],
  ['SQRDMULH', 1, 0b10110, 'sqrdmulh', 'HS'],
];

// Logical ops (opcode 00011): the size field picks the operation, lanes are always bytes.
const LOGICAL: ReadonlyArray<readonly [string, number, number, string]> = [
  ['AND', 0, 0b00, 'and'],
  ['BIC_reg', 0, 0b01, 'bic'],
  ['ORR_reg', 0, 0b10, 'orr'],
  ['ORN', 0, 0b11, 'orn'],
  ['EOR', 1, 0b00, 'eor'],
  ['BSL', 1, 0b01, 'bsl'],
  ['BIT', 1, 0b10, 'bit'],
  ['BIF', 1, 0b11, 'bif'],
];

// FP single/double: [id stem, U, a (bit 23), opcode, mnemonic]; FP16 shares the list with its
// 3-bit opcode being the low bits of the 5-bit one.
const FP_SAME: ReadonlyArray<readonly [string, number, number, number, string]> = [
  ['FMAXNM', 0, 0, 0b11000, 'fmaxnm'],
  ['FMLA', 0, 0, 0b11001, 'fmla'],
  ['FADD', 0, 0, 0b11010, 'fadd'],
  ['FMULX', 0, 0, 0b11011, 'fmulx'],
  ['FCMEQ_reg', 0, 0, 0b11100, 'fcmeq'],
  ['FMAX', 0, 0, 0b11110, 'fmax'],
  ['FRECPS', 0, 0, 0b11111, 'frecps'],
  ['FMINNM', 0, 1, 0b11000, 'fminnm'],
  ['FMLS', 0, 1, 0b11001, 'fmls'],
  ['FSUB', 0, 1, 0b11010, 'fsub'],
  ['FMIN', 0, 1, 0b11110, 'fmin'],
  ['FRSQRTS', 0, 1, 0b11111, 'frsqrts'],
  ['FMAXNMP', 1, 0, 0b11000, 'fmaxnmp'],
  ['FADDP', 1, 0, 0b11010, 'faddp'],
  ['FMUL', 1, 0, 0b11011, 'fmul'],
  ['FCMGE_reg', 1, 0, 0b11100, 'fcmge'],
  ['FACGE', 1, 0, 0b11101, 'facge'],
  ['FMAXP', 1, 0, 0b11110, 'fmaxp'],
  ['FDIV', 1, 0, 0b11111, 'fdiv'],
  ['FMINNMP', 1, 1, 0b11000, 'fminnmp'],
  ['FABD', 1, 1, 0b11010, 'fabd'],
  ['FCMGT_reg', 1, 1, 0b11100, 'fcmgt'],
  ['FACGT', 1, 1, 0b11101, 'facgt'],
  ['FMINP', 1, 1, 0b11110, 'fminp'],
];

const intRows = INT_SAME.map(([stem, u, opcode, mn, rule]) =>
  row(
    `${stem}_vector`,
    `0 Q:1 ${u} 01110 size:2 1 Rm:5 ${bits(opcode, 5)} 1 Rn:5 Rd:5`,
    same3(mn, (f) => arr(f.size!, f.Q!)),
    (f) => sizeReserved(rule, f.size!, f.Q!),
  ),
);

const logicalRows = LOGICAL.map(([stem, u, size, mn]) =>
  row(`${stem}_vector`, `0 Q:1 ${u} 01110 ${bits(size, 2)} 1 Rm:5 00011 1 Rn:5 Rd:5`, (f) => {
    const t = f.Q ? '16b' : '8b';
    // ORR with both sources the same register is LLVM's preferred `mov`.
    if (stem === 'ORR_reg' && f.Rn === f.Rm) return insn('mov', ops(v(f.Rd!, t), v(f.Rn!, t)));
    return same3(mn, () => t)(f);
  }),
);

const fpRows = FP_SAME.flatMap(([stem, u, a, opcode, mn]) => [
  row(
    `${stem}_vector`,
    `0 Q:1 ${u} 01110 ${a} sz:1 1 Rm:5 ${bits(opcode, 5)} 1 Rn:5 Rd:5`,
    same3(mn, (f) => farr(f.sz!, f.Q!)),
    (f) => f.sz === 1 && f.Q === 0,
  ),
  row(`${stem}_vector_fp16`, `0 Q:1 ${u} 01110 ${a} 10 Rm:5 00 ${bits(opcode & 7, 3)} 1 Rn:5 Rd:5`, same3(mn, (f) => hArr(f.Q!))),
]);

// FMLAL/FMLSL (FEAT_FHM): widening half-precision multiply-add into single lanes.
const fmlalVec = (id: string, u: number, size: string, opcode: string, mn: string) =>
  row(id, `0 Q:1 ${u} 01110 ${size} 1 Rm:5 ${opcode} 1 Rn:5 Rd:5`, (f) => {
    const src = f.Q ? '4h' : '2h';
    return insn(mn, ops(v(f.Rd!, f.Q ? '4s' : '2s'), v(f.Rn!, src), v(f.Rm!, src)));
  });

// Three same (extra): RDM, dot product, complex arithmetic.
const extraRows: InstructionSpec[] = [
  row(
    'SQRDMLAH_vector',
    '0 Q:1 1 01110 size:2 0 Rm:5 1 0000 1 Rn:5 Rd:5',
    same3('sqrdmlah', (f) => arr(f.size!, f.Q!)),
    (f) => sizeReserved('HS', f.size!, f.Q!),
  ),
  row(
    'SQRDMLSH_vector',
    '0 Q:1 1 01110 size:2 0 Rm:5 1 0001 1 Rn:5 Rd:5',
    same3('sqrdmlsh', (f) => arr(f.size!, f.Q!)),
    (f) => sizeReserved('HS', f.size!, f.Q!),
  ),
  ...(['sdot', 'udot'] as const).map((mn, u) =>
    row(`${mn.toUpperCase()}_vector`, `0 Q:1 ${u} 01110 10 0 Rm:5 1 0010 1 Rn:5 Rd:5`, (f) => {
      const src = f.Q ? '16b' : '8b';
      return insn(mn, ops(v(f.Rd!, f.Q ? '4s' : '2s'), v(f.Rn!, src), v(f.Rm!, src)));
    }),
  ),
  row(
    'FCMLA_vector',
    '0 Q:1 1 01110 size:2 0 Rm:5 1 10 rot:2 1 Rn:5 Rd:5',
    (f) => insn('fcmla', ops(v(f.Rd!, arr(f.size!, f.Q!)), v(f.Rn!, arr(f.size!, f.Q!)), v(f.Rm!, arr(f.size!, f.Q!)), `#${f.rot! * 90}`)),
    (f) => f.size === 0 || (f.size === 3 && f.Q === 0),
  ),
  row(
    'FCADD_vector',
    '0 Q:1 1 01110 size:2 0 Rm:5 1 11 rot:1 0 1 Rn:5 Rd:5',
    (f) => insn('fcadd', ops(v(f.Rd!, arr(f.size!, f.Q!)), v(f.Rn!, arr(f.size!, f.Q!)), v(f.Rm!, arr(f.size!, f.Q!)), `#${f.rot ? 270 : 90}`)),
    (f) => f.size === 0 || (f.size === 3 && f.Q === 0),
  ),
];

export const SIMD_VECTOR_SAME: readonly InstructionSpec[] = [
  ...intRows,
  ...logicalRows,
  ...fpRows,
  fmlalVec('FMLAL_vector', 0, '00', '11101', 'fmlal'),
  fmlalVec('FMLSL_vector', 0, '10', '11101', 'fmlsl'),
  fmlalVec('FMLAL2_vector', 1, '00', '11001', 'fmlal2'),
  fmlalVec('FMLSL2_vector', 1, '10', '11001', 'fmlsl2'),
  ...extraRows,
];
