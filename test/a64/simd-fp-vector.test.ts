// Advanced SIMD arithmetic (tables/simd-fp-vector*.ts): the tricky decodes, each with the text
// llvm-objdump-16 --mcpu=apple-m1 printed for the word (pasted here as the golden), and the row
// the CPU model will key its executor on.
import test from 'ava';
import { decode } from '../../core/arch/a64/decoder.ts';
import { disassembleWord, UNKNOWN } from '../../core/arch/a64/disassembler.ts';

const text = (word: number) => disassembleWord(word, { pc: 0n });

// [word, LLVM's text, our row id]
const GOLDEN: ReadonlyArray<readonly [number, string, string]> = [
  // ORR with Rn == Rm is LLVM's `mov`; NOT is `mvn`.
  [0x4ea11c20, 'mov\tv0.16b, v1.16b', 'ORR_reg_vector'],
  [0x4ea21c20, 'orr\tv0.16b, v1.16b, v2.16b', 'ORR_reg_vector'],
  [0x6e205820, 'mvn\tv0.16b, v1.16b', 'NOT_vector'],
  [0x4ee08420, 'add\tv0.2d, v1.2d, v0.2d', 'ADD_vector'],
  // Shift amounts come from immh:immb, printed in hex; SSHLL #0 keeps its name (no sxtl).
  [0x0f0f0420, 'sshr\tv0.8b, v1.8b, #0x1', 'SSHR_vector'],
  [0x4f7f0420, 'sshr\tv0.2d, v1.2d, #0x1', 'SSHR_vector'],
  [0x0f08a420, 'sshll\tv0.8h, v1.8b, #0x0', 'SSHLL_vector'],
  [0x4f28a420, 'sshll2\tv0.2d, v1.4s, #0x8', 'SSHLL_vector'],
  [0x0f0c8420, 'shrn\tv0.8b, v1.8h, #0x4', 'SHRN_vector'],
  [0x5f40fc20, 'fcvtzs\td0, d1, #0x40', 'FCVTZS_fix_asisd'],
  [0x2e213820, 'shll\tv0.8h, v1.8b, #8', 'SHLL_vector'],
  // By element: the index and the register share H, L, M.
  [0x4f828020, 'mul\tv0.4s, v1.4s, v2.s[0]', 'MUL_elem_vector'],
  [0x4fb28820, 'mul\tv0.4s, v1.4s, v18.s[3]', 'MUL_elem_vector'],
  [0x4fc09820, 'fmul\tv0.2d, v1.2d, v0.d[1]', 'FMUL_elem_vector'],
  [0x4f82e020, 'sdot\tv0.4s, v1.16b, v2.4b[0]', 'SDOT_elem_vector'],
  // Long, narrow and the upper-half `2` forms.
  [0x0e20e020, 'pmull\tv0.8h, v1.8b, v0.8b', 'PMULL_vector'],
  [0x4ee2e020, 'pmull2\tv0.1q, v1.2d, v2.2d', 'PMULL_vector'],
  [0x4e216820, 'fcvtn2\tv0.8h, v1.4s', 'FCVTN_vector'],
  [0x0e617820, 'fcvtl\tv0.2d, v1.2s', 'FCVTL_vector'],
  [0x0e20ec20, 'fmlal\tv0.2s, v1.2h, v0.2h', 'FMLAL_vector'],
  // Across lanes, scalar and pairwise.
  [0x4e31b820, 'addv\tb0, v1.16b', 'ADDV'],
  [0x6e30c820, 'fmaxnmv\ts0, v1.4s', 'FMAXNMV'],
  [0x5e214820, 'sqxtn\tb0, h1', 'SQXTN_asisd'],
  [0x7e30d820, 'faddp\ts0, v1.2s', 'FADDP_asisd'],
  // Compares with zero.
  [0x4ea0d820, 'fcmeq\tv0.4s, v1.4s, #0.0', 'FCMEQ_zero_vector'],
  [0x4e20a820, 'cmlt\tv0.16b, v1.16b, #0', 'CMLT_zero_vector'],
  // Crypto.
  [0x4e284820, 'aese\tv0.16b, v1.16b', 'AESE'],
  [0xce821420, 'xar\tv0.2d, v1.2d, v2.2d, #0x5', 'XAR'],
];

for (const [word, llvm, id] of GOLDEN) {
  test(`0x${word.toString(16).padStart(8, '0')} is ${JSON.stringify(llvm)} (${id})`, (t) => {
    t.is(text(word), llvm);
    t.is(decode(word)?.spec.id, id);
  });
}

// Reserved size/Q/index combinations: LLVM prints <unknown>, so no row may claim them.
const UNALLOCATED: ReadonlyArray<readonly [number, string]> = [
  [0x0ee08420, 'ADD with 1d lanes'],
  [0x0f7f0420, 'SSHR with 1d lanes'],
  [0x4fe09020, 'FMUL by element, doubles with L = 1'],
  [0x0e60e020, 'PMULL with halfword lanes'],
  [0x0eb1b820, 'ADDV over 2s'],
  [0x5ee14820, 'SQXTN from a doubleword to a 128-bit lane'],
  [0x4f0ff420, 'FCVTZS fixed-point with byte lanes'],
];

for (const [word, what] of UNALLOCATED) {
  test(`0x${word.toString(16).padStart(8, '0')} (${what}) is unallocated`, (t) => {
    t.is(decode(word), undefined);
    t.is(text(word), UNKNOWN);
  });
}
