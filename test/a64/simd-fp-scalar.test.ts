// Scalar FP and SIMD copy/move rows (core/arch/a64/tables/simd-fp-scalar*.ts): the decode cases
// that are easy to get wrong — the 8-bit FP immediate, MOVI's immediates, LLVM's `mov` aliases,
// and encodings the architecture leaves unallocated. Every expected text was printed by
// `llvm-objdump-16 -d --mcpu=apple-m1` for the word beside it.
import test from 'ava';
import { decode } from '../../core/arch/a64/decoder.ts';
import { disassembleWord, UNKNOWN } from '../../core/arch/a64/disassembler.ts';
import { fpImm8Value } from '../../core/arch/a64/tables/simd-fp-scalar-format.ts';

const text = (word: number) => disassembleWord(word, { pc: 0n });

function golden(title: string, cases: ReadonlyArray<readonly [number, string, string?]>) {
  test(title, (t) => {
    for (const [word, llvm, id] of cases) {
      t.is(text(word), llvm, `0x${word.toString(16).padStart(8, '0')}`);
      if (id) t.is(decode(word)?.spec.id, id, `row for 0x${word.toString(16)}`);
    }
  });
}

golden('the 8-bit FP immediate expands as VFPExpandImm says and prints with 8 decimals', [
  [0x1e2e1000, 'fmov\ts0, #1.00000000', 'FMOV_imm'],
  [0x1e3e1000, 'fmov\ts0, #-1.00000000'],
  [0x1e201000, 'fmov\ts0, #2.00000000'],
  [0x1e2f1000, 'fmov\ts0, #1.50000000'],
  [0x1e211000, 'fmov\ts0, #3.00000000'],
  [0x1e271000, 'fmov\ts0, #24.00000000'],
  [0x1e281000, 'fmov\ts0, #0.12500000'],
  [0x1e3f1000, 'fmov\ts0, #-1.50000000'],
  [0x1eff1000, 'fmov\th0, #-1.50000000'],
  [0x1e7e1000, 'fmov\td0, #-1.00000000'],
  [0x1ee61000, 'fmov\th0, #16.00000000'],
  [0x1e2e101f, 'fmov\ts31, #1.00000000'],
  [0x0f03fe00, 'fmov\tv0.4h, #1.00000000', 'FMOV_vector_imm'],
  [0x6f03f600, 'fmov\tv0.2d, #1.00000000', 'FMOV_vector_imm'],
]);

test('fpImm8Value covers the whole range: 0.125 to 31 in magnitude', (t) => {
  t.is(fpImm8Value(0x40), 0.125);
  t.is(fpImm8Value(0x3f), 31);
  t.is(fpImm8Value(0xbf), -31);
  t.is(fpImm8Value(0x70), 1);
});

golden('MOVI/MVNI/ORR/BIC immediates: shifts, MSL, and the 64-bit form LLVM prints with %#016llx', [
  [0x2f07e7e0, 'movi\td0, #0xffffffffffffffff', 'MOVI'],
  [0x6f00e400, 'movi\tv0.2d, #0000000000000000', 'MOVI'],
  [0x2f00e420, 'movi\td0, #0x000000000000ff'],
  [0x6f02e4a0, 'movi\tv0.2d, #0xff000000ff00ff'],
  [0x0f00c400, 'movi\tv0.2s, #0x0, msl #8'],
  [0x4f05d7e0, 'movi\tv0.4s, #0xbf, msl #16'],
  [0x0f072400, 'movi\tv0.2s, #0xe0, lsl #8'],
  [0x2f0037e0, 'bic\tv0.2s, #0x1f, lsl #8', 'BIC_vector_imm'],
  [0x4f02b420, 'orr\tv0.8h, #0x41, lsl #8', 'ORR_vector_imm'],
]);

golden('copies print the mov aliases LLVM prefers: UMOV of s/d, INS, scalar DUP', [
  [0x0e0c3c20, 'mov\tw0, v1.s[1]', 'UMOV'],
  [0x4e083c20, 'mov\tx0, v1.d[0]', 'UMOV'],
  [0x0e023c20, 'umov\tw0, v1.h[0]', 'UMOV'],
  [0x0e012c20, 'smov\tw0, v1.b[0]', 'SMOV'],
  [0x4e042c20, 'smov\tx0, v1.s[0]', 'SMOV'],
  [0x5e0c0420, 'mov\ts0, v1.s[1]', 'DUP_element_scalar'],
  [0x4e0c0420, 'dup\tv0.4s, v1.s[1]', 'DUP_element_vector'],
  [0x6e0c2420, 'mov\tv0.s[1], v1.s[1]', 'INS_element'],
  [0x6e1d6c20, 'mov\tv0.b[14], v1.b[13]', 'INS_element'],
  [0x4e0c1c20, 'mov\tv0.s[1], w1', 'INS_general'],
  [0x4e181c20, 'mov\tv0.d[1], x1', 'INS_general'],
]);

golden('FMOV (general) incl. the upper half of a 128-bit register, and conversions', [
  [0x9eae0020, 'fmov\tx0, v1.d[1]', 'FMOV_general'],
  [0x9eaf03e0, 'fmov\tv0.d[1], xzr', 'FMOV_general'],
  [0x1e260020, 'fmov\tw0, s1'],
  [0x1ee70020, 'fmov\th0, w1'],
  [0x9e660020, 'fmov\tx0, d1'],
  [0x9e028020, 'scvtf\ts0, x1, #0x20', 'SCVTF_scalar_fixed'],
  [0x1e02fc20, 'scvtf\ts0, w1, #0x1'],
  [0x1ed8b055, 'fcvtzs\tw21, h2, #0x14', 'FCVTZS_scalar_fixed'],
  [0x1e230000, 'ucvtf\ts0, w0', 'UCVTF_scalar_int'],
  [0x1e7e0020, 'fjcvtzs\tw0, d1', 'FJCVTZS'],
]);

golden('compares, conditional compares and select; EXT and table lookups', [
  [0x1e212008, 'fcmp\ts0, #0.0', 'FCMP'],
  [0x1e212018, 'fcmpe\ts0, #0.0', 'FCMPE'],
  [0x1e202010, 'fcmpe\ts0, s0'],
  [0x1e2a2410, 'fccmpe\ts0, s10, #0x0, hs', 'FCCMPE'],
  [0x1e2ac420, 'fccmp\ts1, s10, #0x0, gt', 'FCCMP'],
  [0x1e2a8c20, 'fcsel\ts0, s1, s10, hi', 'FCSEL'],
  [0x1ee44020, 'frintn\th0, h1'],
  [0x6e021820, 'ext\tv0.16b, v1.16b, v2.16b, #0x3', 'EXT'],
  [0x2e0a1820, 'ext\tv0.8b, v1.8b, v10.8b, #0x3'],
  [0x0e025020, 'tbx\tv0.8b, { v1.16b, v2.16b, v3.16b }, v2.8b', 'TBX'],
  [0x4e1f7020, 'tbx\tv0.16b, { v1.16b, v2.16b, v3.16b, v4.16b }, v31.16b'],
]);

test('unallocated encodings are not decoded (llvm-objdump prints <unknown>)', (t) => {
  const unallocated: Array<[number, string]> = [
    [0x1e21201f, 'FCMP with opcode2<2:0> ≠ 000'],
    [0x1e634020, 'BFCVT (FEAT_BF16, not on the M1)'],
    [0x1e224020, 'FCVT to its own precision'],
    [0x1ea04020, 'ftype 10'],
    [0x1ee84020, 'FRINT32Z with half precision'],
    [0x9e2e0020, 'FMOV (general) X with ftype 00'],
    [0x1e6e0020, 'FMOV (general) W with a double'],
    [0x9e260020, 'FMOV (general) X with a single'],
    [0x1e020020, 'SCVTF (fixed) 32-bit with scale < 32'],
    [0x0ec23820, 'ZIP1 with the reserved 1d arrangement'],
    [0x2f07f7e0, 'FMOV (vector) double with Q=0'],
    [0x0f00ac00, 'modified immediate with o2=1 outside FP16 FMOV'],
    [0x0e083c20, 'UMOV of a d element into W'],
    [0x4e043c20, 'UMOV of an s element into X'],
    [0x0e0c2c20, 'SMOV of an s element into W'],
    [0x0e080420, 'DUP (element) .1d'],
    [0x0e002c20, 'SMOV with imm5 = 00000'],
    [0x2e0a4020, 'EXT with Q=0 and imm4<3> = 1'],
  ];
  for (const [word, what] of unallocated) t.is(text(word), UNKNOWN, `${what}: 0x${word.toString(16)}`);
});
