// The ldst rows (literal, register in every addressing mode, pairs, exclusives, acquire/release,
// LSE atomics, RCpc, pointer-auth loads, SIMD structures) on hand-picked words: aliases, LLVM's
// annotation, register-offset printing, sign-extended offsets and unallocated encodings. Every
// expected text was printed by `llvm-objdump-16 -d --no-show-raw-insn --mcpu=apple-m1` for that
// word at that address (pasted here, not produced by the code under test). A second test sweeps
// random words over the whole load/store space (op0 = x1x0) against LLVM itself, which catches
// encodings LLVM decodes that have no row.
import test from 'ava';
import { Decoder } from '../../core/arch/a64/decoder.ts';
import { disassembleWord, UNKNOWN } from '../../core/arch/a64/disassembler.ts';
import { LDST } from '../../core/arch/a64/tables/ldst.ts';
import { testWithTool } from '../helpers/external-tool.ts';
import { xorshift } from './corpus.ts';
import { LLVM_MC, LLVM_OBJDUMP, LLVM_PACKAGE, llvmDisassemble } from './llvm-reference.ts';

const decoder = new Decoder(LDST);

/** [word, LLVM's text] with the first word at address 0, four bytes apart. */
const AT_ZERO: ReadonlyArray<readonly [number, string]> = [
  [0x58ffffe0, 'ldr\tx0, 0xfffffffffffffffc'], // ldr x0 lit -4
  [0x18800000, 'ldr\tw0, 0xfffffffffff00004'], // ldr w lit min
  [0x98000041, 'ldrsw\tx1, 0x10'], // ldrsw lit
  [0xd80000a6, 'prfm\t#0x6, 0x20'], // prfm lit unnamed
  [0x9c000062, 'ldr\tq2, 0x1c'], // ldr q lit
  [0xdc000040, '<unknown>'], // fp lit opc 11
  [0xf97ffc20, 'ldr\tx0, [x1, #0x7ff8]'], // ldr x uoff max
  [0x39400020, 'ldrb\tw0, [x1]'], // ldrb uoff 0
  [0x79c00420, 'ldrsh\tw0, [x1, #0x2]'], // ldrsh w uoff
  [0x79800420, 'ldrsh\tx0, [x1, #0x2]'], // ldrsh x uoff
  [0x3dc00420, 'ldr\tq0, [x1, #0x10]'], // ldr q uoff scaled
  [0xf8000c20, 'str\tx0, [x1, #0x0]!'], // str pre 0
  [0xf8500420, 'ldr\tx0, [x1], #-0x100'], // ldr post -256
  [0x385ff3e0, 'ldurb\tw0, [sp, #-0x1]'], // ldurb neg
  [0xb8800be0, 'ldtrsw\tx0, [sp]'], // ldtrsw
  [0xf9800fe3, 'prfm\tpldl2strm, [sp, #0x18]'], // prfm uoff
  [0xf89ff022, 'prfum\tpldl2keep, [x1, #-0x1]'], // prfum
  [0xb8c00c20, '<unknown>'], // ldrsw size10 opc11 pre unalloc
  [0xf8800420, '<unknown>'], // prfm post unalloc
  [0x3c000820, '<unknown>'], // fp unpriv unalloc
  [0x7cc00420, '<unknown>'], // fp size01 opc1x unalloc
  [0x38626820, 'ldrb\tw0, [x1, x2]'], // strb reg lsl S0
  [0x38627820, 'ldrb\tw0, [x1, x2, lsl #0]'], // strb reg lsl S1
  [0xf862d820, 'ldr\tx0, [x1, w2, sxtw #3]'], // ldr sxtw 3
  [0xf8624820, 'ldr\tx0, [x1, w2, uxtw]'], // ldr uxtw S0
  [0x7862f820, 'ldrh\tw0, [x1, x2, sxtx #1]'], // ldrh sxtx 1
  [0xf8620820, '<unknown>'], // ldr option 000 unalloc
  [0x3ce27820, 'ldr\tq0, [x1, x2, lsl #4]'], // ldr q reg lsl 4
  [0xf8a27878, 'rprfm\t#0x18, x2, [x3]'], // rprfm
  [0xf8a26878, 'rprfm\t#0x10, x2, [x3]'], // rprfm unnamed op
  [0xa9600420, 'ldp\tx0, x1, [x1, #-0x200]'], // ldp x -512
  [0xa9bf7bfd, 'stp\tx29, x30, [sp, #-0x10]!'], // stp pre
  [0x68c10420, 'ldpsw\tx0, x1, [x1], #0x8'], // ldpsw post
  [0x69000420, '<unknown>'], // stgp unalloc
  [0xac400420, 'ldnp\tq0, q1, [x1]'], // ldnp q
  [0xe9400420, '<unknown>'], // pair opc 11 unalloc
  [0xc8007c20, 'stxr\tw0, x0, [x1]'], // stxr
  [0x0800fc22, 'stlxrb\tw0, w2, [x1]'], // stlxrb Rs Rt2 != 31
  [0x087ffc20, '<unknown>'], // caspal with odd Rs (31): unallocated
  [0xc87f0420, 'ldxp\tx0, x1, [x1]'], // ldxp
  [0xc8228420, 'stlxp\tw2, x0, x1, [x1]'], // stlxp
  [0x089f7c20, 'stllrb\tw0, [x1]'], // stllrb
  [0x48df7c20, 'ldlarh\tw0, [x1]'], // ldlarh ?
  [0xc8dffc20, 'ldar\tx0, [x1]'], // ldar
  [0x08e2fc20, 'casalb\tw2, w0, [x1]'], // casalb
  [0x08a20020, '<unknown>'], // casb Rt2 != 31 unalloc
  [0x48a27c20, 'cash\tw2, w0, [x1]'], // cash
  [0x48e1fc20, 'casalh\tw1, w0, [x1]'], // casalh
  [0x487efc3e, 'caspal\tx30, xzr, x30, xzr, [x1]'], // caspal x30 pair
  [0xf822003f, 'stadd\tx2, [x1]'], // stadd
  [0x3862103f, 'stclrlb\tw2, [x1]'], // stclrlb
  [0xf8a2003f, 'ldadda\tx2, xzr, [x1]           // acquire semantics dropped since destination is zero'], // ldadda xzr comment
  [0x78e2503f, 'ldsminalh\tw2, wzr, [x1]   // acquire semantics dropped since destination is zero'], // ldsminalh comment
  [0xf8e2803f, 'swpal\tx2, xzr, [x1]           // acquire semantics dropped since destination is zero'], // swpal comment
  [0xf822803f, 'swp\tx2, xzr, [x1]'], // swp xzr
  [0xb8bfc020, 'ldapr\tw0, [x1]'], // ldapr w
  [0xb8a2c020, '<unknown>'], // ldapr Rs != 31 unalloc
  [0xf83f9020, '<unknown>'], // ld64b unalloc
  [0x19000020, 'stlurb\tw0, [x1]'], // stlurb
  [0x99800020, 'ldapursw\tx0, [x1]'], // ldapursw
  [0x19dff020, 'ldapursb\tw0, [x1, #-0x1]'], // ldapursb w neg
  [0xd9800020, '<unknown>'], // size11 opc10 unalloc
  [0xf8200420, 'ldraa\tx0, [x1]'], // ldraa 0
  [0xf8fffc20, 'ldrab\tx0, [x1, #-0x8]!'], // ldrab pre -8
  [0x4c402c1e, 'ld1\t{ v30.2d, v31.2d, v0.2d, v1.2d }, [x0]'], // ld1 4 regs wrap
  [0x0c9f7020, 'st1\t{ v0.8b }, [x1], #8'], // st1 post imm
  [0x0c408420, 'ld2\t{ v0.4h, v1.4h }, [x1]'], // ld2 .4h
  [0x0c40ac20, 'ld1\t{ v0.1d, v1.1d }, [x1]'], // ld1 1d 2 regs
  [0x4de2b020, 'ld4\t{ v0.s, v1.s, v2.s, v3.s }[3], [x1], x2'], // ld4 lane s post reg
  [0x4d008420, 'st1\t{ v0.d }[1], [x1]'], // st1 lane d
  [0x0d404420, '<unknown>'], // ld1 h size0 set unalloc
  [0x4ddfc420, 'ld1r\t{ v0.8h }, [x1], #2'], // ld1r post imm 8h
  [0x4d60ec20, 'ld4r\t{ v0.2d, v1.2d, v2.2d, v3.2d }, [x1]'], // ld4r 2d
  [0x0d40d020, '<unknown>'], // ld1r S=1 unalloc
  [0x0d00c020, '<unknown>'], // st replicate L=0 unalloc
  [0x0c414020, '<unknown>'], // no-offset Rm!=0 unalloc
  [0x0ddf3c20, 'ld3\t{ v0.b, v1.b, v2.b }[7], [x1], #3'], // ld3 lane b post imm
  [0x0c408c20, '<unknown>'], // ld2 .1d: unallocated
  [0x085ffc20, 'ldaxrb\tw0, [x1]'], // ldaxrb
  [0xf8a24878, 'rprfm\tpldkeep, x2, [x3]'], // rprfm named op
  [0x48217c20, '<unknown>'], // casp with odd Rs: unallocated
];

test('hand-picked words disassemble as llvm-objdump prints them', (t) => {
  AT_ZERO.forEach(([word, llvm], i) => {
    t.is(disassembleWord(word, { pc: BigInt(i * 4) }, decoder), llvm, `0x${word.toString(16).padStart(8, '0')}`);
  });
});

test('aliases and special cases decode to the row of their encoding', (t) => {
  const idOf = (word: number) => decoder.decode(word)?.spec.id;
  t.is(idOf(0xf822003f), 'LDADD'); // stadd x2, [x1]
  t.is(idOf(0x3862103f), 'LDCLRB'); // stclrlb w2, [x1]
  t.is(idOf(0xf8a24878), 'RPRFM'); // PRFM (register) space with Rt<4:3> = 11
  t.is(idOf(0xf8a24860), 'PRFM_reg');
  t.is(idOf(0x487efc3e), 'CASP');
  t.is(idOf(0xf89ff022), 'PRFUM');
  t.is(idOf(0xb8800be0), 'LDTRSW');
  t.is(idOf(0x3ce27820), 'LDR_fpsimd_reg');
  t.is(idOf(0xa9bf7bfd), 'STP_pre');
  t.is(idOf(0xac400420), 'LDNP_fpsimd');
  t.is(idOf(0x4ddfc420), 'LD1R_post');
  t.is(idOf(0x4de2b020), 'LD4_single_post');
  t.is(idOf(0x4c402c1e), 'LD1_mult');
});

test('offsets are sign-extended and scaled by the access size', (t) => {
  const fieldsOf = (word: number) => decoder.decode(word)!.fields;
  // ldr x0, [x1], #-0x100: imm9 = 0x100 is -256, unscaled.
  t.is(fieldsOf(0xf8500420).imm9, 0x100);
  t.is(disassembleWord(0xf8500420, { pc: 0n }, decoder), 'ldr\tx0, [x1], #-0x100');
  // ldp x0, x1, [x1, #-0x200]: imm7 = 0x40 is -64, times 8.
  t.is(fieldsOf(0xa9600420).imm7, 0x40);
  // ldrab x0, [x1, #-0x8]!: S:imm9 is a 10-bit signed count of doublewords.
  t.is(disassembleWord(0xf8fffc20, { pc: 0n }, decoder), 'ldrab\tx0, [x1, #-0x8]!');
});

test('every ldst row has a unique id in the ldst group', (t) => {
  const ids = new Set(decoder.specs.map((s) => s.id));
  t.is(ids.size, decoder.specs.length);
  t.true(decoder.specs.every((s) => s.group === 'ldst'));
});

const withLlvm = testWithTool([
  { names: LLVM_MC, debianPackage: LLVM_PACKAGE },
  { names: LLVM_OBJDUMP, debianPackage: LLVM_PACKAGE },
]);

withLlvm('random words over the whole load/store space disassemble as llvm-objdump prints them', (t) => {
  const next = xorshift(0x1d57);
  // Bits 28:25 = x1x0 is the Arm ARM's loads-and-stores space, all of it this table's.
  const words = Array.from({ length: 40_000 }, () => ((next() | (1 << 27)) & ~(1 << 25)) >>> 0);
  const llvm = llvmDisassemble(words);
  const failures: string[] = [];
  let unknown = 0;
  let different = 0;
  words.forEach((word, i) => {
    const ours = disassembleWord(word, { pc: BigInt(i * 4) }, decoder);
    if (ours === UNKNOWN) unknown++;
    if (ours === llvm[i]) return;
    if (different++ < 20) failures.push(`0x${word.toString(16).padStart(8, '0')}  llvm: ${JSON.stringify(llvm[i])}  ours: ${JSON.stringify(ours)}`);
  });
  t.log(`${words.length} words, ${unknown} unallocated, ${different} different`);
  t.deepEqual(failures, []);
});
