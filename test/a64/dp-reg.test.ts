// The dp-reg rows (logical/add/sub register forms, carry, flags, conditional compare/select,
// 1-, 2- and 3-source) on hand-picked words: every alias LLVM prints, the stack-pointer rules of
// extended registers, PAC and CRC forms and the unallocated encodings. Every expected text was
// printed by `llvm-objdump-16 -d --no-show-raw-insn --mcpu=apple-m1` for that word (pasted here,
// not produced by the code under test).
import test from 'ava';
import { Decoder } from '../../core/arch/a64/decoder.ts';
import { disassembleWord } from '../../core/arch/a64/disassembler.ts';
import { DP_REG } from '../../core/arch/a64/tables/dp-reg.ts';

const decoder = new Decoder(DP_REG);

/** [word, LLVM's text]. */
const GOLDEN: ReadonlyArray<readonly [number, string]> = [
  [0x8a020020, 'and\tx0, x1, x2'],
  [0x8a220020, 'bic\tx0, x1, x2'],
  [0xaa0203e0, 'mov\tx0, x2'],
  [0xaa0207e0, 'orr\tx0, xzr, x2, lsl #1'],
  [0xaa4203e0, 'orr\tx0, xzr, x2, lsr #0'],
  [0xaa2203e0, 'mvn\tx0, x2'],
  [0x2ae20c20, 'orn\tw0, w1, w2, ror #3'],
  [0xea02001f, 'tst\tx0, x2'],
  [0x6a22001f, 'bics\twzr, w0, w2'],
  [0x4a420c20, 'eor\tw0, w1, w2, lsr #3'],
  [0x0a028020, '<unknown>'],
  [0x8b020c20, 'add\tx0, x1, x2, lsl #3'],
  [0x8bc20020, '<unknown>'],
  [0x0b028020, '<unknown>'],
  [0xcb0203e0, 'neg\tx0, x2'],
  [0xeb0203e0, 'negs\tx0, x2'],
  [0xeb0203ff, 'cmp\txzr, x2'],
  [0x6b02043f, 'cmp\tw1, w2, lsl #1'],
  [0x2b02003f, 'cmn\tw1, w2'],
  [0x8b2263e0, 'add\tx0, sp, x2'],
  [0x0b2243e0, 'add\tw0, wsp, w2'],
  [0x8b2663e0, 'add\tx0, sp, x6'],
  [0x8b2443e0, 'add\tx0, sp, w4, uxtw'],
  [0x8b224fe0, 'add\tx0, sp, w2, uxtw #3'],
  [0xab2263ff, 'cmn\tsp, x2'],
  [0xeb22081f, 'cmp\tx0, w2, uxtb #2'],
  [0xcb3f8020, 'sub\tx0, x1, wzr, sxtb'],
  [0x8b221420, '<unknown>'],
  [0x8b6263e0, '<unknown>'],
  [0x9a020020, 'adc\tx0, x1, x2'],
  [0xda1f03e0, 'ngc\tx0, xzr'],
  [0x7a1f03e0, 'ngcs\tw0, wzr'],
  [0xba410000, 'ccmn\tx0, x1, #0x0, eq'],
  [0x3a00080d, 'setf8\tw0'],
  [0x3a00480d, 'setf16\tw0'],
  [0x3a00880d, '<unknown>'],
  [0xba0007e0, 'rmif\txzr, #0x0, #0x0'],
  [0xba1f844a, 'rmif\tx2, #0x3f, #0xa'],
  [0xba0007f0, '<unknown>'],
  [0xd500401f, 'cfinv'],
  [0xd500403f, 'xaflag'],
  [0xd5004f3f, 'xaflag'],
  [0xd500405f, 'axflag'],
  [0xfa400800, 'ccmp\tx0, #0x0, #0x0, eq'],
  [0xfa41a0a4, 'ccmp\tx5, x1, #0x4, ge'],
  [0x3a5f1be2, 'ccmn\twzr, #0x1f, #0x2, ne'],
  [0xfa401c00, '<unknown>'],
  [0x9a820020, 'csel\tx0, x1, x2, eq'],
  [0x1a9f17e0, 'cset\tw0, eq'],
  [0x1a821420, 'csinc\tw0, w1, w2, ne'],
  [0x1a811420, 'cinc\tw0, w1, eq'],
  [0x1a81f420, 'csinc\tw0, w1, w1, nv'],
  [0x5a9f03e0, 'csetm\tw0, ne'],
  [0x5a811020, 'cinv\tw0, w1, eq'],
  [0x5a821420, 'csneg\tw0, w1, w2, ne'],
  [0x5a9f07e0, 'cneg\tw0, wzr, ne'],
  [0x5a81e420, 'csneg\tw0, w1, w1, al'],
  [0xdac00020, 'rbit\tx0, x1'],
  [0xdac00420, 'rev16\tx0, x1'],
  [0x5ac00820, 'rev\tw0, w1'],
  [0xdac00820, 'rev32\tx0, x1'],
  [0xdac00c20, 'rev\tx0, x1'],
  [0x5ac00c20, '<unknown>'],
  [0xdac01020, 'clz\tx0, x1'],
  [0x5ac01420, 'cls\tw0, w1'],
  [0xdac10020, 'pacia\tx0, x1'],
  [0xdac103e0, 'pacia\tx0, sp'],
  [0xdac123e0, 'paciza\tx0'],
  [0xdac123e1, 'paciza\tx1'],
  [0xdac11fe0, 'autdb\tx0, sp'],
  [0xdac13fe0, 'autdzb\tx0'],
  [0xdac143e0, 'xpaci\tx0'],
  [0xdac147e0, 'xpacd\tx0'],
  [0x5ac10020, '<unknown>'],
  [0x9ac20820, 'udiv\tx0, x1, x2'],
  [0x1ac20c20, 'sdiv\tw0, w1, w2'],
  [0x9ac22020, 'lsl\tx0, x1, x2'],
  [0x1ac22420, 'lsr\tw0, w1, w2'],
  [0x9ac22820, 'asr\tx0, x1, x2'],
  [0x1ac22c20, 'ror\tw0, w1, w2'],
  [0x9adf3020, 'pacga\tx0, x1, sp'],
  [0x1ac23020, '<unknown>'],
  [0x1ac24020, 'crc32b\tw0, w1, w2'],
  [0x1ac24420, 'crc32h\tw0, w1, w2'],
  [0x1ac24820, 'crc32w\tw0, w1, w2'],
  [0x9ac24c20, 'crc32x\tw0, w1, x2'],
  [0x1ac24c20, '<unknown>'],
  [0x9ac24020, '<unknown>'],
  [0x1ac25c20, '<unknown>'],
  [0x9b027c20, 'mul\tx0, x1, x2'],
  [0x9b028c20, 'msub\tx0, x1, x2, x3'],
  [0x1b02fc20, 'mneg\tw0, w1, w2'],
  [0x9b22fc20, 'smnegl\tx0, w1, w2'],
  [0x9b220c20, 'smaddl\tx0, w1, w2, x3'],
  [0x9ba27c20, 'umull\tx0, w1, w2'],
  [0x9ba2fc20, 'umnegl\tx0, w1, w2'],
  [0x9b427c20, 'smulh\tx0, x1, x2'],
  [0x9bc20020, 'umulh\tx0, x1, x2'],
  [0x1b427c20, '<unknown>'],
  [0x9b42fc20, '<unknown>'],
  [0x9b607c20, '<unknown>'],
];

test('every dp-reg form prints as llvm-objdump prints it, aliases and unallocated encodings included', (t) => {
  GOLDEN.forEach(([word, llvm], i) => {
    t.is(disassembleWord(word, { pc: BigInt(i * 4) }, decoder), llvm, `0x${word.toString(16).padStart(8, '0')}`);
  });
});

test('CFINV is only the CRm=0 word; the rest of its MSR-immediate space is left to the system rows', (t) => {
  // LLVM prints 0xd500411f as `msr S0_0_C4_C1_0, xzr` (an MSR the branch-sys rows spell), not cfinv.
  t.is(decoder.decode(0xd500411f), undefined);
  t.is(decoder.decode(0xd500401f)?.spec.id, 'CFINV');
});

test('rows are one operation each: aliases do not change the row id the CPU model keys on', (t) => {
  // mov/cmp/neg/cset/mul are spellings of ORR/SUBS/SUB/CSINC/MADD.
  t.is(decoder.decode(0xaa0203e0)?.spec.id, 'ORR_shifted');
  t.is(decoder.decode(0xeb0203ff)?.spec.id, 'SUBS_shifted');
  t.is(decoder.decode(0xcb0203e0)?.spec.id, 'SUB_shifted');
  t.is(decoder.decode(0x1a9f17e0)?.spec.id, 'CSINC');
  t.is(decoder.decode(0x9b027c20)?.spec.id, 'MADD');
  t.is(decoder.decode(0xdac123e0)?.spec.id, 'PACIZA');
  t.is(decoder.decode(0xdac00820)?.spec.id, 'REV32');
  t.is(decoder.decode(0x5ac00820)?.spec.id, 'REV');
});
