// Layer: core/arch/a64/tables. Advanced SIMD scalar ("asisd") three same, two-register misc and
// pairwise encodings: one lane in b/h/s/d registers (`sqadd b0, b1, b2`, `faddp s0, v1.2s`).
// Imports ../operand-format.ts, ../spec.ts and simd-fp-vector-format.ts only.

import { insn, ops } from '../operand-format.ts';
import type { InstructionSpec } from '../spec.ts';
import { bits, row, sreg, v } from './simd-fp-vector-format.ts';

// Integer three same: [id stem, U, opcode, mnemonic, doubleword only (else all sizes / 'HS')]
type Sizes = 'D' | 'all' | 'HS';
const INT_SAME: ReadonlyArray<readonly [string, number, number, string, Sizes]> = [
  ['SQADD', 0, 0b00001, 'sqadd', 'all'],
  ['SQSUB', 0, 0b00101, 'sqsub', 'all'],
  ['CMGT_reg', 0, 0b00110, 'cmgt', 'D'],
  ['CMGE_reg', 0, 0b00111, 'cmge', 'D'],
  ['SSHL', 0, 0b01000, 'sshl', 'D'],
  ['SQSHL_reg', 0, 0b01001, 'sqshl', 'all'],
  ['SRSHL', 0, 0b01010, 'srshl', 'D'],
  ['SQRSHL', 0, 0b01011, 'sqrshl', 'all'],
  ['ADD', 0, 0b10000, 'add', 'D'],
  ['CMTST', 0, 0b10001, 'cmtst', 'D'],
  ['SQDMULH', 0, 0b10110, 'sqdmulh', 'HS'],
  ['UQADD', 1, 0b00001, 'uqadd', 'all'],
  ['UQSUB', 1, 0b00101, 'uqsub', 'all'],
  ['CMHI_reg', 1, 0b00110, 'cmhi', 'D'],
  ['CMHS_reg', 1, 0b00111, 'cmhs', 'D'],
  ['USHL', 1, 0b01000, 'ushl', 'D'],
  ['UQSHL_reg', 1, 0b01001, 'uqshl', 'all'],
  ['URSHL', 1, 0b01010, 'urshl', 'D'],
  ['UQRSHL', 1, 0b01011, 'uqrshl', 'all'],
  ['SUB', 1, 0b10000, 'sub', 'D'],
  ['CMEQ_reg', 1, 0b10001, 'cmeq', 'D'],
  ['SQRDMULH', 1, 0b10110, 'sqrdmulh', 'HS'],
];
const badSize = (sizes: Sizes, size: number) => (sizes === 'D' ? size !== 3 : sizes === 'HS' ? size === 0 || size === 3 : false);

const intSameRows = INT_SAME.map(([stem, u, opcode, mn, sizes]) =>
  row(
    `${stem}_asisd`,
    `01 ${u} 11110 size:2 1 Rm:5 ${bits(opcode, 5)} 1 Rn:5 Rd:5`,
    (f) => insn(mn, ops(sreg(f.size!, f.Rd!), sreg(f.size!, f.Rn!), sreg(f.size!, f.Rm!))),
    (f) => badSize(sizes, f.size!),
  ),
);

const extraRows = (
  [
    ['SQRDMLAH', '0000', 'sqrdmlah'],
    ['SQRDMLSH', '0001', 'sqrdmlsh'],
  ] as const
).map(([stem, opcode, mn]) =>
  row(
    `${stem}_asisd`,
    `01 1 11110 size:2 0 Rm:5 1 ${opcode} 1 Rn:5 Rd:5`,
    (f) => insn(mn, ops(sreg(f.size!, f.Rd!), sreg(f.size!, f.Rn!), sreg(f.size!, f.Rm!))),
    (f) => badSize('HS', f.size!),
  ),
);

// FP three same: [id stem, U, a, opcode, mnemonic]; FP16 takes the opcode's low 3 bits.
const FP_SAME: ReadonlyArray<readonly [string, number, number, number, string]> = [
  ['FMULX', 0, 0, 0b11011, 'fmulx'],
  ['FCMEQ_reg', 0, 0, 0b11100, 'fcmeq'],
  ['FRECPS', 0, 0, 0b11111, 'frecps'],
  ['FRSQRTS', 0, 1, 0b11111, 'frsqrts'],
  ['FCMGE_reg', 1, 0, 0b11100, 'fcmge'],
  ['FACGE', 1, 0, 0b11101, 'facge'],
  ['FABD', 1, 1, 0b11010, 'fabd'],
  ['FCMGT_reg', 1, 1, 0b11100, 'fcmgt'],
  ['FACGT', 1, 1, 0b11101, 'facgt'],
];
const fpSameRows = FP_SAME.flatMap(([stem, u, a, opcode, mn]) => [
  row(`${stem}_asisd`, `01 ${u} 11110 ${a} sz:1 1 Rm:5 ${bits(opcode, 5)} 1 Rn:5 Rd:5`, (f) =>
    insn(mn, ops(sreg(f.sz! + 2, f.Rd!), sreg(f.sz! + 2, f.Rn!), sreg(f.sz! + 2, f.Rm!))),
  ),
  row(`${stem}_asisd_fp16`, `01 ${u} 11110 ${a} 10 Rm:5 00 ${bits(opcode & 7, 3)} 1 Rn:5 Rd:5`, (f) =>
    insn(mn, ops(sreg(1, f.Rd!), sreg(1, f.Rn!), sreg(1, f.Rm!))),
  ),
]);

// Integer two-register misc: [id stem, U, opcode, mnemonic, form]
type MiscForm = 'all' | 'D' | 'zeroD' | 'narrow';
const INT_MISC: ReadonlyArray<readonly [string, number, number, string, MiscForm]> = [
  ['SUQADD', 0, 0b00011, 'suqadd', 'all'],
  ['SQABS', 0, 0b00111, 'sqabs', 'all'],
  ['CMGT_zero', 0, 0b01000, 'cmgt', 'zeroD'],
  ['CMEQ_zero', 0, 0b01001, 'cmeq', 'zeroD'],
  ['CMLT_zero', 0, 0b01010, 'cmlt', 'zeroD'],
  ['ABS', 0, 0b01011, 'abs', 'D'],
  ['SQXTN', 0, 0b10100, 'sqxtn', 'narrow'],
  ['USQADD', 1, 0b00011, 'usqadd', 'all'],
  ['SQNEG', 1, 0b00111, 'sqneg', 'all'],
  ['CMGE_zero', 1, 0b01000, 'cmge', 'zeroD'],
  ['CMLE_zero', 1, 0b01001, 'cmle', 'zeroD'],
  ['NEG', 1, 0b01011, 'neg', 'D'],
  ['SQXTUN', 1, 0b10010, 'sqxtun', 'narrow'],
  ['UQXTN', 1, 0b10100, 'uqxtn', 'narrow'],
];
const intMiscRows = INT_MISC.map(([stem, u, opcode, mn, form]) =>
  row(
    `${stem}_asisd`,
    `01 ${u} 11110 size:2 10000 ${bits(opcode, 5)} 10 Rn:5 Rd:5`,
    (f) =>
      form === 'narrow'
        ? insn(mn, ops(sreg(f.size!, f.Rd!), sreg(f.size! + 1, f.Rn!)))
        : insn(mn, ops(sreg(f.size!, f.Rd!), sreg(f.size!, f.Rn!), form === 'zeroD' ? '#0' : undefined)),
    (f) => (form === 'narrow' ? f.size === 3 : form === 'all' ? false : f.size !== 3),
  ),
);

// FP two-register misc: [id stem, U, a, opcode, mnemonic, compares with zero]
const FP_MISC: ReadonlyArray<readonly [string, number, number, number, string, boolean]> = [
  ['FCVTNS', 0, 0, 0b11010, 'fcvtns', false],
  ['FCVTMS', 0, 0, 0b11011, 'fcvtms', false],
  ['FCVTAS', 0, 0, 0b11100, 'fcvtas', false],
  ['SCVTF_int', 0, 0, 0b11101, 'scvtf', false],
  ['FCMGT_zero', 0, 1, 0b01100, 'fcmgt', true],
  ['FCMEQ_zero', 0, 1, 0b01101, 'fcmeq', true],
  ['FCMLT_zero', 0, 1, 0b01110, 'fcmlt', true],
  ['FCVTPS', 0, 1, 0b11010, 'fcvtps', false],
  ['FCVTZS_int', 0, 1, 0b11011, 'fcvtzs', false],
  ['FRECPE', 0, 1, 0b11101, 'frecpe', false],
  ['FRECPX', 0, 1, 0b11111, 'frecpx', false],
  ['FCVTNU', 1, 0, 0b11010, 'fcvtnu', false],
  ['FCVTMU', 1, 0, 0b11011, 'fcvtmu', false],
  ['FCVTAU', 1, 0, 0b11100, 'fcvtau', false],
  ['UCVTF_int', 1, 0, 0b11101, 'ucvtf', false],
  ['FCMGE_zero', 1, 1, 0b01100, 'fcmge', true],
  ['FCMLE_zero', 1, 1, 0b01101, 'fcmle', true],
  ['FCVTPU', 1, 1, 0b11010, 'fcvtpu', false],
  ['FCVTZU_int', 1, 1, 0b11011, 'fcvtzu', false],
  ['FRSQRTE', 1, 1, 0b11101, 'frsqrte', false],
];
const fpMiscRows = FP_MISC.flatMap(([stem, u, a, opcode, mn, zero]) => {
  const extra = zero ? '#0.0' : undefined;
  return [
    row(`${stem}_asisd`, `01 ${u} 11110 ${a} sz:1 10000 ${bits(opcode, 5)} 10 Rn:5 Rd:5`, (f) =>
      insn(mn, ops(sreg(f.sz! + 2, f.Rd!), sreg(f.sz! + 2, f.Rn!), extra)),
    ),
    row(`${stem}_asisd_fp16`, `01 ${u} 11110 ${a} 1111 00 ${bits(opcode, 5)} 10 Rn:5 Rd:5`, (f) =>
      insn(mn, ops(sreg(1, f.Rd!), sreg(1, f.Rn!), extra)),
    ),
  ];
});

const fcvtxnRow = row('FCVTXN_asisd', '01 1 11110 0 1 10000 10110 10 Rn:5 Rd:5', (f) => insn('fcvtxn', ops(sreg(2, f.Rd!), sreg(3, f.Rn!))));

// Scalar pairwise: the two lanes of a vector into one scalar.
const FP_PAIR: ReadonlyArray<readonly [string, number, number, string]> = [
  ['FMAXNMP', 0, 0b01100, 'fmaxnmp'],
  ['FADDP', 0, 0b01101, 'faddp'],
  ['FMAXP', 0, 0b01111, 'fmaxp'],
  ['FMINNMP', 1, 0b01100, 'fminnmp'],
  ['FMINP', 1, 0b01111, 'fminp'],
];
const pairRows: InstructionSpec[] = [
  row('ADDP_asisd', '01 0 11110 11 11000 11011 10 Rn:5 Rd:5', (f) => insn('addp', ops(sreg(3, f.Rd!), v(f.Rn!, '2d')))),
  ...FP_PAIR.flatMap(([stem, a, opcode, mn]) => [
    row(`${stem}_asisd`, `01 1 11110 ${a} sz:1 11000 ${bits(opcode, 5)} 10 Rn:5 Rd:5`, (f) =>
      insn(mn, ops(sreg(f.sz! + 2, f.Rd!), v(f.Rn!, f.sz ? '2d' : '2s'))),
    ),
    row(`${stem}_asisd_fp16`, `01 0 11110 ${a} 0 11000 ${bits(opcode, 5)} 10 Rn:5 Rd:5`, (f) => insn(mn, ops(sreg(1, f.Rd!), v(f.Rn!, '2h')))),
  ]),
];

export const SIMD_SCALAR_ARITH: readonly InstructionSpec[] = [
  ...intSameRows,
  ...extraRows,
  ...fpSameRows,
  ...intMiscRows,
  ...fpMiscRows,
  fcvtxnRow,
  ...pairRows,
];
