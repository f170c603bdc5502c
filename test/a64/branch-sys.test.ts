// Focused decode checks for the branch-sys group: branch offsets (sign extension, wrap below 0),
// aliases (ret, ssbb/pssbb, clrex/isb defaults, SYS aliases, hint names), the generic spellings
// LLVM falls back to, and the encodings that must stay unallocated. Every expected text is what
// `llvm-objdump-16 -d --mcpu=apple-m1` printed for the word at address 0, pasted here; the Apple
// register names come from the specs instead (apple-devices.md §2.5, m1n1-protocol.md App. B).
import test from 'ava';
import { decode } from '../../core/arch/a64/decoder.ts';
import { disassembleWord } from '../../core/arch/a64/disassembler.ts';

const at0 = (word: number) => disassembleWord(word, { pc: 0n });

// [word, LLVM's text at address 0]
const LLVM_GOLDEN: ReadonlyArray<readonly [number, string]> = [
  // Branch offsets: imm26/imm19/imm14 × 4, sign-extended; targets below 0 wrap to 64 bits.
  [0x14000003, 'b\t0xc'],
  [0x17ffffff, 'b\t0xfffffffffffffffc'],
  [0x97ffffff, 'bl\t0xfffffffffffffffc'],
  [0x54000040, 'b.eq\t0x8'],
  [0x540000ef, 'b.nv\t0x1c'],
  [0xb4000040, 'cbz\tx0, 0x8'],
  [0x34ffffe0, 'cbz\tw0, 0xfffffffffffffffc'],
  [0xb5ffffe1, 'cbnz\tx1, 0xfffffffffffffffc'],
  [0x36180040, 'tbz\tw0, #0x3, 0x8'],
  [0xb6f80040, 'tbz\tx0, #0x3f, 0x8'],
  [0x37ffffe0, 'tbnz\tw0, #0x1f, 0xfffffffffffffffc'],
  // Branch (register) and the pointer-auth forms.
  [0xd65f03c0, 'ret'],
  [0xd65f0020, 'ret\tx1'],
  [0xd65f03e0, 'ret\txzr'],
  [0xd61f0200, 'br\tx16'],
  [0xd63f0100, 'blr\tx8'],
  [0xd69f03e0, 'eret'],
  [0xd6bf03e0, 'drps'],
  [0xd65f0bff, 'retaa'],
  [0xd65f0fff, 'retab'],
  [0xd69f0bff, 'eretaa'],
  [0xd71f0a30, 'braa\tx17, x16'],
  [0xd73f0e3f, 'blrab\tx17, sp'],
  [0xd61f0a3f, 'braaz\tx17'],
  [0xd63f0e3f, 'blrabz\tx17'],
  // Exception generation: 0 prints as #0, other immediates in hex; dcps without an immediate when 0.
  [0xd4000001, 'svc\t#0'],
  [0xd4000002, 'hvc\t#0'],
  [0xd4000003, 'smc\t#0'],
  [0xd4200020, 'brk\t#0x1'],
  [0xd43fffe0, 'brk\t#0xffff'],
  [0xd4400000, 'hlt\t#0'],
  [0xd4a00001, 'dcps1'],
  [0xd4a02462, 'dcps2\t#0x123'],
  [0x00000000, 'udf\t#0x0'],
  [0x0000dead, 'udf\t#0xdead'],
  // Hints: named where the M1 has the feature, `hint #n` otherwise (BTI, PSB CSYNC).
  [0xd503201f, 'nop'],
  [0xd503207f, 'wfi'],
  [0xd503245f, 'hint\t#0x22'],
  [0xd503223f, 'hint\t#0x11'],
  [0xd503225f, 'tsb\tcsync'],
  [0xd503233f, 'paciasp'],
  // A hint with Rt ≠ 31 is no hint: LLVM prints the generic op0 = 0 MSR.
  [0xd503201e, 'msr\tS0_3_C2_C0_0, x30'],
  // Barriers.
  [0xd503305f, 'clrex\t#0x0'],
  [0xd5033f5f, 'clrex'],
  [0xd5033f9f, 'dsb\tsy'],
  [0xd503309f, 'ssbb'],
  [0xd503349f, 'pssbb'],
  [0xd5033b9f, 'dsb\tish'],
  [0xd503389f, 'dsb\t#8'],
  [0xd50339bf, 'dmb\tishld'],
  [0xd5033fdf, 'isb'],
  [0xd50330df, 'isb\t#0'],
  [0xd50330ff, 'sb'],
  [0xd503303f, 'msr\tS0_3_C3_C0_1, xzr'],
  // MSR (immediate) to PSTATE fields.
  [0xd50040bf, 'msr\tSPSel, #0x0'],
  [0xd50342df, 'msr\tDAIFSet, #0x2'],
  [0xd50341ff, 'msr\tDAIFClr, #0x1'],
  [0xd500417f, 'msr\tUAO, #0x1'],
  [0xd503403f, 'msr\tSSBS, #0x0'],
  // SYS aliases; an alias without an address operand ignores Rt, as LLVM does.
  [0xd508871f, 'tlbi\tvmalle1'],
  [0xd508871e, 'tlbi\tvmalle1'],
  [0xd50b7e20, 'dc\tcivac, x0'],
  [0xd50c83df, 'tlbi\tvmalls12e1is'],
  [0xd5087e3f, 'sys\t#0x0, c7, c14, #0x1'],
  [0xd50f7e3f, 'sys\t#0x7, c7, c14, #0x1'],
  [0xd52b0000, 'sysl\tx0, #0x3, c0, c0, #0x0'],
  // MRS/MSR: names, read-only/write-only names, generic spellings (incl. op0 = 0 and 2).
  [0xd53c1100, 'mrs\tx0, HCR_EL2'],
  [0xd5100240, 'msr\tMDSCR_EL1, x0'],
  [0xd5380000, 'mrs\tx0, MIDR_EL1'],
  [0xd5180000, 'msr\tS3_0_C0_C0_0, x0'],
  [0xd5330400, 'mrs\tx0, DBGDTR_EL0'],
  [0xd5130500, 'msr\tDBGDTRTX_EL0, x0'],
  [0xd5200000, 'mrs\tx0, S0_0_C0_C0_0'],
  [0xd5000000, 'msr\tS0_0_C0_C0_0, x0'],
  [0xd5302220, 'mrs\tx0, S2_0_C2_C2_1'],
  [0xd53f0000, 'mrs\tx0, S3_7_C0_C0_0'],
  [0xd53ef200, 'mrs\tx0, S3_6_C15_C2_0'], // IMPDEF space without an Apple name in the table
];

test('disassembly of hand-picked branch-sys words equals LLVM', (t) => {
  for (const [word, text] of LLVM_GOLDEN) t.is(at0(word), text, `0x${word.toString(16).padStart(8, '0')}`);
});

test('branch targets are relative to the instruction address and wrap at 64 bits', (t) => {
  // b -4 (0x17ffffff) from 0xffff_ff80_0000_1000, and b +0xc past the top of the address space.
  t.is(disassembleWord(0x17ffffff, { pc: 0xffffff8000001000n }), 'b\t0xffffff8000000ffc');
  t.is(disassembleWord(0x14000003, { pc: 0xfffffffffffffffcn }), 'b\t0x8');
  t.is(disassembleWord(0x94000000, { pc: 0x1000n, symbolize: (a) => (a === 0x1000n ? 'main' : undefined) }), 'bl\t0x1000 <main>');
});

test('unallocated words in the group decode to nothing (LLVM prints <unknown>)', (t) => {
  for (const word of [
    0x54000050, // B.cond with o0 = 1 (BC.cond, not on the M1)
    0xd4000004, // exception generation, op2 ≠ 000
    0xd4200021, // BRK with LL ≠ 00
    0xd4a00000, // DCPS with LL = 00
    0x00010000, // reserved group, op1 ≠ 0
    0xd65f0fe0, // RETAB with Rn ≠ 31
    0xd69f0000, // ERET with Rn ≠ 31
    0xd7ff03e0, // branch (register) opc = 1111
    0xd61e03c0, // branch (register) op2 ≠ 11111
  ]) {
    t.is(decode(word), undefined, `0x${word.toString(16)}`);
    t.is(at0(word), '<unknown>');
  }
});

test('rows: specific encodings win over general ones', (t) => {
  t.is(decode(0xd503201f)?.spec.id, 'NOP');
  t.is(decode(0xd503245f)?.spec.id, 'HINT');
  t.is(decode(0xd503201e)?.spec.id, 'MSR_reg');
  t.is(decode(0xd50c83df)?.spec.id, 'SYS');
  t.is(decode(0xd53c1100)?.spec.id, 'MRS');
  t.is(decode(0xd50040bf)?.spec.id, 'MSR_imm');
  t.is(decode(0xd500409f)?.spec.id, 'MSR_imm'); // msr PAN, #0x0
  t.is(decode(0xd501401f)?.spec.id, 'MSR_reg'); // op1:op2 = 1:0 is PM only with CRm = 001x: LLVM prints msr S0_1_C4_C0_0, xzr
  t.is(at0(0xd501401f), 'msr\tS0_1_C4_C0_0, xzr');
});

test("Apple registers print by the specs' names (LLVM prints S3_5_C15_…)", (t) => {
  // apple-devices.md §2.5 gives these words: MSR IPI_RR_LOCAL = 0xd51df000 | Rt, MRS IPI_SR = 0xd53df120 | Rt.
  t.is(at0(0xd51df000 | 3), 'msr\tIPI_RR_LOCAL_EL1, x3');
  t.is(at0(0xd51df020), 'msr\tIPI_RR_GLOBAL_EL1, x0');
  t.is(at0(0xd53df120 | 9), 'mrs\tx9, IPI_SR_EL1');
  t.is(at0(0xd51df320), 'msr\tIPI_CR_EL1, x0');
  // m1n1-protocol.md Appendix B: CYC_OVRD_EL1 (3,5,15,5,0), SPRR_CONFIG_EL1 (3,6,15,1,0), APSTS_EL12 (3,6,15,14,7).
  t.is(at0(0xd53df500), 'mrs\tx0, CYC_OVRD_EL1');
  t.is(at0(0xd51ef100), 'msr\tSPRR_CONFIG_EL1, x0');
  t.is(at0(0xd51efee0), 'msr\tAPSTS_EL12, x0');
});
