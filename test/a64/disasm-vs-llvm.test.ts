// The disassembler against llvm-objdump-16, word by word, over a generated corpus that covers
// every table row (see corpus.ts). Reports the agreement figure; any difference not listed in
// alias-choices.ts fails the test with the word, LLVM's text and ours.
import { Decoder } from '../../core/arch/a64/decoder.ts';
import { UNKNOWN } from '../../core/arch/a64/disassembler.ts';
import { testWithTool } from '../helpers/external-tool.ts';
import { ALIAS_CHOICES } from './alias-choices.ts';
import { wordsFor } from './corpus.ts';
import { LLVM_MC, LLVM_OBJDUMP, LLVM_PACKAGE, llvmDisassemble } from './llvm-reference.ts';

const withLlvm = testWithTool([
  { names: LLVM_MC, debianPackage: LLVM_PACKAGE },
  { names: LLVM_OBJDUMP, debianPackage: LLVM_PACKAGE },
]);

const WORDS_PER_ROW = 96;
/** A64_GROUP=ldst (or a comma list) limits the run to some groups while a table is being written. */
const GROUPS = process.env.A64_GROUP?.split(',');

withLlvm('disassembly equals llvm-objdump for a corpus covering every encoding row', (t) => {
  const decoder = new Decoder();
  const corpus: number[] = [];
  for (const spec of decoder.specs) if (!GROUPS || GROUPS.includes(spec.group)) corpus.push(...wordsFor(spec, WORDS_PER_ROW, 0x5eed));
  const llvm = llvmDisassemble(corpus);
  let agree = 0;
  let documented = 0;
  const failures: string[] = [];
  corpus.forEach((word, i) => {
    const pc = BigInt(i * 4);
    const decoded = decoder.decode(word);
    const ours = decoded ? decoded.spec.asm(decoded.fields, { pc }) : UNKNOWN;
    const theirs = llvm[i]!;
    if (ours === theirs) return void agree++;
    const choice = decoded && ALIAS_CHOICES.find((c) => c.id === decoded.spec.id && c.llvm.test(theirs) && c.ours.test(ours));
    if (choice) return void documented++;
    if (failures.length < 40) {
      failures.push(`0x${word.toString(16).padStart(8, '0')} [${decoded?.spec.id ?? 'no row'}]  llvm: ${JSON.stringify(theirs)}  ours: ${JSON.stringify(ours)}`);
    }
  });
  const differ = corpus.length - agree - documented;
  t.log(`${corpus.length} words over ${decoder.specs.length} rows: ${agree} identical, ${documented} documented alias choices, ${differ} different`);
  t.true(corpus.length > 0);
  t.is(differ, 0, failures.join('\n'));
});
