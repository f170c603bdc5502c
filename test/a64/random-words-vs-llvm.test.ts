// The whole 32-bit space, sampled: random words (seeded) through llvm-objdump-16 and through
// our disassembler. Rows are checked one by one in disasm-vs-llvm.test.ts; this test finds what
// no row covers. Any word both sides decode must print the same, a word LLVM decodes and we
// print as <unknown> is a coverage gap, and a word LLVM calls unallocated must be <unknown>.
import { Decoder } from '../../core/arch/a64/decoder.ts';
import { UNKNOWN } from '../../core/arch/a64/disassembler.ts';
import { testWithTool } from '../helpers/external-tool.ts';
import { ALIAS_CHOICES } from './alias-choices.ts';
import { xorshift } from './corpus.ts';
import { LLVM_MC, LLVM_OBJDUMP, LLVM_PACKAGE, llvmDisassemble } from './llvm-reference.ts';

const withLlvm = testWithTool([
  { names: LLVM_MC, debianPackage: LLVM_PACKAGE },
  { names: LLVM_OBJDUMP, debianPackage: LLVM_PACKAGE },
]);

const SAMPLE = 200_000;

withLlvm('random words: every word both decode prints as llvm-objdump prints it; coverage gaps are counted', (t) => {
  const decoder = new Decoder();
  const next = xorshift(0xa64a64);
  const words = Array.from({ length: SAMPLE }, () => next());
  const llvm = llvmDisassemble(words);
  let same = 0;
  let bothUnknown = 0;
  let documented = 0;
  const gaps: string[] = [];
  const extra: string[] = [];
  const differ: string[] = [];
  words.forEach((word, i) => {
    const decoded = decoder.decode(word);
    const ours = decoded ? decoded.spec.asm(decoded.fields, { pc: BigInt(i * 4) }) : UNKNOWN;
    const theirs = llvm[i]!;
    const hexWord = `0x${word.toString(16).padStart(8, '0')}`;
    if (ours === theirs) return void (ours === UNKNOWN ? bothUnknown++ : same++);
    if (ours === UNKNOWN) return void gaps.push(`${hexWord}  llvm: ${theirs}`);
    if (theirs === UNKNOWN) return void extra.push(`${hexWord} [${decoded!.spec.id}]  ours: ${ours}`);
    if (ALIAS_CHOICES.some((c) => c.id === decoded!.spec.id && c.llvm.test(theirs) && c.ours.test(ours))) return void documented++;
    differ.push(`${hexWord} [${decoded!.spec.id}]  llvm: ${JSON.stringify(theirs)}  ours: ${JSON.stringify(ours)}`);
  });
  const llvmKnown = SAMPLE - bothUnknown - extra.length;
  t.log(
    `${SAMPLE} random words: LLVM decodes ${llvmKnown}; ${same} identical, ${documented} documented alias choices, ` +
      `${differ.length} different, ${gaps.length} not covered by a row yet, ${extra.length} decoded by us but not by LLVM`,
  );
  t.deepEqual(differ.slice(0, 30), [], 'words both decode must print the same');
  t.deepEqual(extra.slice(0, 30), [], 'words LLVM calls unallocated must print <unknown>');
  t.deepEqual(gaps.slice(0, 30), [], 'words LLVM decodes must be covered by a row');
});
