// Whole compiled programs, not just sampled words: every instruction of gcc-built AArch64
// binaries (a static glibc program: some 100k instructions of real compiler and libc output,
// hand-written SIMD string routines included), disassembled by hvdbg with the ELF's symbols
// and by llvm-objdump-16 -d, compared line by line, branch-target symbols included.
import { readFileSync } from 'node:fs';
import { disassemble } from '../../core/arch/a64/disassembler.ts';
import { ElfFile } from '../../core/formats/elf/index.ts';
import { objdumpSymbolizer } from '../../core/formats/elf/objdump-symbolizer.ts';
import { buildFixture, GCC, OBJDUMP, runTool } from '../formats/cross-compile.ts';
import { testWithTool } from '../helpers/external-tool.ts';
import { ALIAS_CHOICES } from './alias-choices.ts';

const withTools = testWithTool([GCC, OBJDUMP]);
const SHF_EXECINSTR = 0x4n;

function llvmByAddress(path: string): Map<bigint, string> {
  const out = runTool(OBJDUMP, ['-d', '--no-show-raw-insn', '--mcpu=apple-m1', path]);
  const lines = new Map<bigint, string>();
  for (const line of out.split('\n')) {
    const m = /^\s*([0-9a-f]+):\s+(.*)$/.exec(line);
    if (m) lines.set(BigInt(`0x${m[1]}`), m[2]!.trim());
  }
  return lines;
}

for (const [name, flags] of [
  ['lockstep-sum', ['-O2', '-static']],
  ['symbols', ['-O2']],
] as const) {
  withTools(`every instruction of ${name} (gcc ${flags.join(' ')}) disassembles as llvm-objdump prints it`, (t) => {
    const path = buildFixture(name, flags);
    const elf = ElfFile.parse(readFileSync(path));
    const llvm = llvmByAddress(path);
    let compared = 0;
    let documented = 0;
    const differ: string[] = [];
    for (const section of elf.sections) {
      if ((section.flags & SHF_EXECINSTR) === 0n || section.size === 0n) continue;
      const code = elf.sectionBytes(section);
      for (const line of disassemble(code, section.addr, objdumpSymbolizer(elf, section))) {
        const theirs = llvm.get(line.address);
        if (theirs === undefined) continue; // llvm-objdump shows data (mapping symbol $d) differently
        compared++;
        if (theirs === line.text) continue;
        if (ALIAS_CHOICES.some((c) => c.llvm.test(theirs) && c.ours.test(line.text))) {
          documented++;
          continue;
        }
        if (differ.length < 30) differ.push(`0x${line.address.toString(16)}: llvm ${JSON.stringify(theirs)} ours ${JSON.stringify(line.text)}`);
      }
    }
    t.log(`${name}: ${compared} instructions, ${compared - documented - differ.length} identical, ${documented} documented alias choices`);
    t.true(compared > 100);
    t.deepEqual(differ, []);
  });
}
