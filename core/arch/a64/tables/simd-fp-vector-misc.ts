// Layer: core/arch/a64/tables. Advanced SIMD two-register miscellaneous (integer, FP, FP16) and
// across lanes: the vector encodings. Imports ../operand-format.ts, ../spec.ts and
// simd-fp-vector-format.ts only.

import { insn, ops } from '../operand-format.ts';
import type { Fields, InstructionSpec } from '../spec.ts';
import { arr, bits, farr, hArr, row, same2, sizeReserved, sreg, two, v, type SizeRule } from './simd-fp-vector-format.ts';

/** same: Vd.T, Vn.T; zero: … #0; widen: pairwise long (Vd lanes twice as wide, half as many); narrow: XTN-like. */
type Kind = 'same' | 'zero' | 'widen' | 'narrow';

const INT_MISC: ReadonlyArray<readonly [string, number, number, string, SizeRule, Kind]> = [
  ['REV64', 0, 0b00000, 'rev64', 'BHS', 'same'],
  ['REV16', 0, 0b00001, 'rev16', 'B', 'same'],
  ['SADDLP', 0, 0b00010, 'saddlp', 'BHS', 'widen'],
  ['SUQADD', 0, 0b00011, 'suqadd', 'BHSD', 'same'],
  ['CLS', 0, 0b00100, 'cls', 'BHS', 'same'],
  ['CNT', 0, 0b00101, 'cnt', 'B', 'same'],
  ['SADALP', 0, 0b00110, 'sadalp', 'BHS', 'widen'],
  ['SQABS', 0, 0b00111, 'sqabs', 'BHSD', 'same'],
  ['CMGT_zero', 0, 0b01000, 'cmgt', 'BHSD', 'zero'],
  ['CMEQ_zero', 0, 0b01001, 'cmeq', 'BHSD', 'zero'],
  ['CMLT_zero', 0, 0b01010, 'cmlt', 'BHSD', 'zero'],
  ['ABS', 0, 0b01011, 'abs', 'BHSD', 'same'],
  ['XTN', 0, 0b10010, 'xtn', 'BHS', 'narrow'],
  ['SQXTN', 0, 0b10100, 'sqxtn', 'BHS', 'narrow'],
  ['REV32', 1, 0b00000, 'rev32', 'BH', 'same'],
  ['UADDLP', 1, 0b00010, 'uaddlp', 'BHS', 'widen'],
  ['USQADD', 1, 0b00011, 'usqadd', 'BHSD', 'same'],
  ['CLZ', 1, 0b00100, 'clz', 'BHS', 'same'],
  ['UADALP', 1, 0b00110, 'uadalp', 'BHS', 'widen'],
  ['SQNEG', 1, 0b00111, 'sqneg', 'BHSD', 'same'],
  ['CMGE_zero', 1, 0b01000, 'cmge', 'BHSD', 'zero'],
  ['CMLE_zero', 1, 0b01001, 'cmle', 'BHSD', 'zero'],
  ['NEG', 1, 0b01011, 'neg', 'BHSD', 'same'],
  ['SQXTUN', 1, 0b10010, 'sqxtun', 'BHS', 'narrow'],
  ['UQXTN', 1, 0b10100, 'uqxtn', 'BHS', 'narrow'],
];

// [id stem, U, a, opcode, mnemonic, has an FP16 encoding, compares with zero]
const FP_MISC: ReadonlyArray<readonly [string, number, number, number, string, boolean, boolean]> = [
  ['FRINTN', 0, 0, 0b11000, 'frintn', true, false],
  ['FRINTM', 0, 0, 0b11001, 'frintm', true, false],
  ['FCVTNS', 0, 0, 0b11010, 'fcvtns', true, false],
  ['FCVTMS', 0, 0, 0b11011, 'fcvtms', true, false],
  ['FCVTAS', 0, 0, 0b11100, 'fcvtas', true, false],
  ['SCVTF_int', 0, 0, 0b11101, 'scvtf', true, false],
  ['FRINT32Z', 0, 0, 0b11110, 'frint32z', false, false],
  ['FRINT64Z', 0, 0, 0b11111, 'frint64z', false, false],
  ['FCMGT_zero', 0, 1, 0b01100, 'fcmgt', true, true],
  ['FCMEQ_zero', 0, 1, 0b01101, 'fcmeq', true, true],
  ['FCMLT_zero', 0, 1, 0b01110, 'fcmlt', true, true],
  ['FABS', 0, 1, 0b01111, 'fabs', true, false],
  ['FRINTP', 0, 1, 0b11000, 'frintp', true, false],
  ['FRINTZ', 0, 1, 0b11001, 'frintz', true, false],
  ['FCVTPS', 0, 1, 0b11010, 'fcvtps', true, false],
  ['FCVTZS_int', 0, 1, 0b11011, 'fcvtzs', true, false],
  ['FRECPE', 0, 1, 0b11101, 'frecpe', true, false],
  ['FRINTA', 1, 0, 0b11000, 'frinta', true, false],
  ['FRINTX', 1, 0, 0b11001, 'frintx', true, false],
  ['FCVTNU', 1, 0, 0b11010, 'fcvtnu', true, false],
  ['FCVTMU', 1, 0, 0b11011, 'fcvtmu', true, false],
  ['FCVTAU', 1, 0, 0b11100, 'fcvtau', true, false],
  ['UCVTF_int', 1, 0, 0b11101, 'ucvtf', true, false],
  ['FRINT32X', 1, 0, 0b11110, 'frint32x', false, false],
  ['FRINT64X', 1, 0, 0b11111, 'frint64x', false, false],
  ['FCMGE_zero', 1, 1, 0b01100, 'fcmge', true, true],
  ['FCMLE_zero', 1, 1, 0b01101, 'fcmle', true, true],
  ['FNEG', 1, 1, 0b01111, 'fneg', true, false],
  ['FRINTI', 1, 1, 0b11001, 'frinti', true, false],
  ['FCVTPU', 1, 1, 0b11010, 'fcvtpu', true, false],
  ['FCVTZU_int', 1, 1, 0b11011, 'fcvtzu', true, false],
  ['FRSQRTE', 1, 1, 0b11101, 'frsqrte', true, false],
  ['FSQRT', 1, 1, 0b11111, 'fsqrt', true, false],
];

function intAsm(mn: string, kind: Kind): (f: Fields) => string {
  switch (kind) {
    case 'same':
      return same2(mn, (f) => arr(f.size!, f.Q!));
    case 'zero':
      return same2(mn, (f) => arr(f.size!, f.Q!), '#0');
    case 'widen':
      return (f) => insn(mn, ops(v(f.Rd!, arr(f.size! + 1, f.Q!)), v(f.Rn!, arr(f.size!, f.Q!))));
    case 'narrow':
      return (f) => insn(two(mn, f.Q!), ops(v(f.Rd!, arr(f.size!, f.Q!)), v(f.Rn!, arr(f.size! + 1, 1))));
  }
}

const intRows = INT_MISC.map(([stem, u, opcode, mn, rule, kind]) =>
  row(`${stem}_vector`, `0 Q:1 ${u} 01110 size:2 10000 ${bits(opcode, 5)} 10 Rn:5 Rd:5`, intAsm(mn, kind), (f) =>
    sizeReserved(rule, f.size!, f.Q!),
  ),
);

const fpRows = FP_MISC.flatMap(([stem, u, a, opcode, mn, fp16, zero]) => {
  const extra = zero ? '#0.0' : undefined;
  const rows = [
    row(
      `${stem}_vector`,
      `0 Q:1 ${u} 01110 ${a} sz:1 10000 ${bits(opcode, 5)} 10 Rn:5 Rd:5`,
      same2(mn, (f) => farr(f.sz!, f.Q!), extra),
      (f) => f.sz === 1 && f.Q === 0,
    ),
  ];
  if (fp16) rows.push(row(`${stem}_vector_fp16`, `0 Q:1 ${u} 01110 ${a} 1111 00 ${bits(opcode, 5)} 10 Rn:5 Rd:5`, same2(mn, (f) => hArr(f.Q!), extra)));
  return rows;
});

const specialRows: InstructionSpec[] = [
  // NOT prints as LLVM's preferred `mvn`; RBIT shares the opcode with size 01.
  row('NOT_vector', '0 Q:1 1 01110 00 10000 00101 10 Rn:5 Rd:5', same2('mvn', (f) => (f.Q ? '16b' : '8b'))),
  row('RBIT_vector', '0 Q:1 1 01110 01 10000 00101 10 Rn:5 Rd:5', same2('rbit', (f) => (f.Q ? '16b' : '8b'))),
  row(
    'SHLL_vector',
    '0 Q:1 1 01110 size:2 10000 10011 10 Rn:5 Rd:5',
    (f) => insn(two('shll', f.Q!), ops(v(f.Rd!, arr(f.size! + 1, 1)), v(f.Rn!, arr(f.size!, f.Q!)), `#${8 << f.size!}`)),
    (f) => f.size === 3,
  ),
  // FCVTN/FCVTL/FCVTXN: sz picks half<->single or single<->double.
  row('FCVTN_vector', '0 Q:1 0 01110 0 sz:1 10000 10110 10 Rn:5 Rd:5', (f) =>
    insn(two('fcvtn', f.Q!), ops(v(f.Rd!, arr(f.sz! + 1, f.Q!)), v(f.Rn!, f.sz ? '2d' : '4s'))),
  ),
  row('FCVTL_vector', '0 Q:1 0 01110 0 sz:1 10000 10111 10 Rn:5 Rd:5', (f) =>
    insn(two('fcvtl', f.Q!), ops(v(f.Rd!, f.sz ? '2d' : '4s'), v(f.Rn!, arr(f.sz! + 1, f.Q!)))),
  ),
  row('FCVTXN_vector', '0 Q:1 1 01110 0 1 10000 10110 10 Rn:5 Rd:5', (f) =>
    insn(two('fcvtxn', f.Q!), ops(v(f.Rd!, f.Q ? '4s' : '2s'), v(f.Rn!, '2d'))),
  ),
  row('URECPE_vector', '0 Q:1 0 01110 1 0 10000 11100 10 Rn:5 Rd:5', same2('urecpe', (f) => (f.Q ? '4s' : '2s'))),
  row('URSQRTE_vector', '0 Q:1 1 01110 1 0 10000 11100 10 Rn:5 Rd:5', same2('ursqrte', (f) => (f.Q ? '4s' : '2s'))),
];

// Across lanes: [id stem, U, opcode, mnemonic, widening (result lane twice the source lane)]
const ACROSS: ReadonlyArray<readonly [string, number, number, string, boolean]> = [
  ['SADDLV', 0, 0b00011, 'saddlv', true],
  ['SMAXV', 0, 0b01010, 'smaxv', false],
  ['SMINV', 0, 0b11010, 'sminv', false],
  ['ADDV', 0, 0b11011, 'addv', false],
  ['UADDLV', 1, 0b00011, 'uaddlv', true],
  ['UMAXV', 1, 0b01010, 'umaxv', false],
  ['UMINV', 1, 0b11010, 'uminv', false],
];
const acrossRows = ACROSS.map(([stem, u, opcode, mn, wide]) =>
  row(
    stem,
    `0 Q:1 ${u} 01110 size:2 11000 ${bits(opcode, 5)} 10 Rn:5 Rd:5`,
    (f) => insn(mn, ops(sreg(f.size! + (wide ? 1 : 0), f.Rd!), v(f.Rn!, arr(f.size!, f.Q!)))),
    // Lanes must number at least four: no 2s (and no d lanes).
    (f) => f.size === 3 || (f.size === 2 && f.Q === 0),
  ),
);
const FP_ACROSS: ReadonlyArray<readonly [string, number, number, string]> = [
  ['FMAXNMV', 0, 0b01100, 'fmaxnmv'],
  ['FMAXV', 0, 0b01111, 'fmaxv'],
  ['FMINNMV', 1, 0b01100, 'fminnmv'],
  ['FMINV', 1, 0b01111, 'fminv'],
];
const fpAcrossRows = FP_ACROSS.flatMap(([stem, a, opcode, mn]) => [
  row(stem, `0 1 1 01110 ${a} 0 11000 ${bits(opcode, 5)} 10 Rn:5 Rd:5`, (f) => insn(mn, ops(`s${f.Rd}`, v(f.Rn!, '4s')))),
  row(`${stem}_fp16`, `0 Q:1 0 01110 ${a} 0 11000 ${bits(opcode, 5)} 10 Rn:5 Rd:5`, (f) => insn(mn, ops(`h${f.Rd}`, v(f.Rn!, hArr(f.Q!))))),
]);

export const SIMD_VECTOR_MISC: readonly InstructionSpec[] = [...intRows, ...fpRows, ...specialRows, ...acrossRows, ...fpAcrossRows];
