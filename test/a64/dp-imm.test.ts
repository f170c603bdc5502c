// The dp-imm rows (PC-relative, add/sub, logical, move wide, bitfield, extract) on hand-picked
// words: aliases, edge immediates, sign-extended offsets and the unallocated encodings. Every
// expected text was printed by `llvm-objdump-16 -d --no-show-raw-insn --mcpu=apple-m1` for that
// word at that address (pasted here, not produced by the code under test).
import test from 'ava';
import { Decoder } from '../../core/arch/a64/decoder.ts';
import { disassembleWord } from '../../core/arch/a64/disassembler.ts';
import { DP_IMM } from '../../core/arch/a64/tables/dp-imm.ts';
import { decodeBitMask } from '../../core/arch/a64/tables/dp-imm-format.ts';

const decoder = new Decoder(DP_IMM);

/** [word, LLVM's text] with the first word at address 0, four bytes apart. */
const AT_ZERO: ReadonlyArray<readonly [number, string]> = [
  [0x10ffffe0, 'adr\tx0, #-0x4'],
  [0x70000000, 'adr\tx0, #0x3'],
  [0x10800000, 'adr\tx0, #-0x100000'],
  [0x707fffe0, 'adr\tx0, #0xfffff'],
  [0x91000420, 'add\tx0, x1, #0x1'],
  [0x910003e0, 'mov\tx0, sp'],
  [0x910007e0, 'add\tx0, sp, #0x1'],
  [0x110003ff, 'mov\twsp, wsp'],
  [0xb10003ff, 'cmn\tsp, #0x0'],
  [0xf10003ff, 'cmp\tsp, #0x0'],
  [0x7140043f, 'cmp\tw1, #0x1, lsl #12       // =0x1000'],
  [0x12000000, 'and\tw0, w0, #0x1'],
  [0x92400000, 'and\tx0, x0, #0x1'],
  [0x320003e0, 'orr\tw0, wzr, #0x1'],
  [0xb20003e0, 'mov\tx0, #0x100000001'],
  [0x32063ffe, 'mov\tw30, #-0x3fffc01'],
  [0x7200001f, 'tst\tw0, #0x1'],
  [0x1200f000, 'and\tw0, w0, #0x55555555'],
  [0x12400000, '<unknown>'],
  [0x92407c00, 'and\tx0, x0, #0xffffffff'],
  [0x1200fc00, '<unknown>'],
  [0x1200f400, '<unknown>'],
  [0x12800000, 'mov\tw0, #-0x1'],
  [0x12a00000, 'movn\tw0, #0x0, lsl #16'],
  [0x129fffe0, 'movn\tw0, #0xffff'],
  [0x92800000, 'mov\tx0, #-0x1'],
  [0x92ffffe0, 'mov\tx0, #0xffffffffffff'],
  [0x52a00000, 'movz\tw0, #0x0, lsl #16'],
  [0x52b00000, 'mov\tw0, #-0x80000000'],
  [0x72a00020, 'movk\tw0, #0x1, lsl #16'],
  [0xf2e00020, 'movk\tx0, #0x1, lsl #48'],
  [0x12c00000, '<unknown>'],
  [0x32800000, '<unknown>'],
  [0xd3410c20, 'ubfx\tx0, x1, #1, #3'],
  [0xd37ff820, 'lsl\tx0, x1, #1'],
  [0x13001c20, 'sxtb\tw0, w1'],
  [0x93407c20, 'sxtw\tx0, w1'],
  [0x53001c20, 'uxtb\tw0, w1'],
  [0xd3401c20, 'ubfx\tx0, x1, #0, #8'],
  [0x13017c20, 'asr\tw0, w1, #1'],
  [0x53017c20, 'lsr\tw0, w1, #1'],
  [0x33000c20, 'bfxil\tw0, w1, #0, #4'],
  [0x330003e0, 'bfc\tw0, #0, #1'],
  [0x331f0c20, 'bfi\tw0, w1, #1, #4'],
  [0x131f0c20, 'sbfiz\tw0, w1, #1, #4'],
  [0x531f0c20, 'ubfiz\tw0, w1, #1, #4'],
  [0x13400000, '<unknown>'],
  [0x93000000, '<unknown>'],
  [0x13200000, '<unknown>'],
  [0x73000000, '<unknown>'],
  [0x93c10820, 'ror\tx0, x1, #0x2'],
  [0x93c20820, 'extr\tx0, x1, x2, #0x2'],
  [0x13821020, 'extr\tw0, w1, w2, #0x4'],
  [0x1382a020, '<unknown>'],
  [0x93800000, '<unknown>'],
  [0x93e00000, '<unknown>'],
];

function check(t: import('ava').ExecutionContext, base: bigint, rows: ReadonlyArray<readonly [number, string]>) {
  rows.forEach(([word, llvm], i) => {
    const pc = base + BigInt(i * 4);
    t.is(disassembleWord(word, { pc }, decoder), llvm, `0x${word.toString(16)} at 0x${pc.toString(16)}`);
  });
}

test('aliases, immediates and unallocated encodings print as llvm-objdump prints them', (t) => {
  check(t, 0n, AT_ZERO);
});

test('adrp targets are page-relative and wrap at 64 bits; the lsl #12 comment sits at its column', (t) => {
  // llvm-objdump --adjust-vma=0xffff000000001ff8: a 16-digit address pushes the comment right.
  check(t, 0xffff000000001ff8n, [
    [0x90000000, 'adrp\tx0, 0xffff000000001000'],
    [0xb0ffffe0, 'adrp\tx0, 0xfffeffffffffe000'],
    [0x91400420, 'add\tx0, x1, #0x1, lsl #12 // =0x1000'],
    [0xd0000001, 'adrp\tx1, 0xffff000000004000'],
  ]);
  check(t, 0n, [
    [0x90000000, 'adrp\tx0, 0x0'],
    [0x917fffff, 'add\tsp, sp, #0xfff, lsl #12 // =0xfff000'],
    [0x91437045, 'add\tx5, x2, #0xdc, lsl #12  // =0xdc000'],
  ]);
});

test('adrp targets carry the symbol when one is known', (t) => {
  const symbolize = (a: bigint) => (a === 0x5000n ? 'table' : undefined);
  // LLVM, with a label `table` at 0x5000 and this word at 0x3abc: page 0x3000 plus 2 pages.
  t.is(disassembleWord(0xd0000000, { pc: 0x3abcn, symbolize }, decoder), 'adrp\tx0, 0x5000 <table>');
});

test('bitmask immediates: exactly the element/rotation/run combinations the architecture allows', (t) => {
  // Element sizes 2..64, each with e-1 run lengths and e rotations: sum e(e-1) = 5334 for 64-bit
  // registers, 1302 without the 64-bit element; every one a different value.
  for (const [width, expected] of [
    [64, 5334],
    [32, 1302],
  ] as const) {
    const values = new Set<bigint>();
    for (let n = 0; n < (width === 64 ? 2 : 1); n++)
      for (let immr = 0; immr < 64; immr++)
        for (let imms = 0; imms < 64; imms++) {
          const v = decodeBitMask(n, immr, imms, width);
          if (v !== undefined) values.add(v);
        }
    t.is(values.size, expected, `${width}-bit distinct values`);
  }
  // Values LLVM printed for these encodings (see AT_ZERO above).
  t.is(decodeBitMask(0, 0, 0b111100, 32), 0x55555555n);
  t.is(decodeBitMask(1, 0, 0b011111, 64), 0xffffffffn);
  t.is(decodeBitMask(0, 0b000110, 0b001111, 32), 0xfc0003ffn); // mov w30, #-0x3fffc01
  t.is(decodeBitMask(0, 0, 0b111111, 32), undefined);
  t.is(decodeBitMask(0, 0, 0b111101, 32), undefined);
  t.is(decodeBitMask(1, 0, 0b111111, 64), undefined);
});
