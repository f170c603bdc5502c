// The programs the DWARF tests read: C built by gcc (DWARF 4 and 5, one and two compilation
// units, a header with an inlined function) and assembly built by llvm-mc-16 (LLVM's DWARF 5
// encoding: MD5 checksums, DW_FORM_line_strp into .debug_line_str), ELF linked by gcc, and a
// Mach-O object. Each is built once per test process.
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GCC, gcc, LLVM_MC, run, scratch, writeSources } from './build-tools.ts';

export const SYMBOLS_C = fileURLToPath(new URL('../fixtures/a64/symbols.c', import.meta.url));

export const TWO_UNITS = {
  'util.h': 'static inline int twice(int v) {\n  return v * 2 + 1;\n}\n',
  'main.c':
    '#include "util.h"\nint helper_value(int x);\nint table[8];\n\nint run(int n) {\n  int s = 0;\n  for (int i = 0; i < n; i++)\n    s += twice(i) + table[i & 7];\n  return s;\n}\n\nint main(int argc, char **argv) {\n  (void)argv;\n  return run(argc * 3) + helper_value(argc);\n}\n',
  'second.c': 'int helper_value(int x) {\n  if (x > 3)\n    return x - 3;\n  return x + 7;\n}\n',
};

export const ASM = '.text\n.globl _start\n_start:\n  mov x0, #1\n  bl helper\n  b .\nhelper:\n  add x0, x0, #2\n  ret\n';
export const ASM_MACHO = '.text\n.globl _main\n_main:\n  mov x0, #1\n  bl _helper\n  ret\n_helper:\n  add x0, x0, #2\n  ret\n';

export interface DwarfFixture {
  title: string;
  path: string;
  container: 'elf' | 'macho';
}

const cache = new Map<string, DwarfFixture>();

function once(key: string, make: () => DwarfFixture): DwarfFixture {
  let f = cache.get(key);
  if (!f) cache.set(key, (f = make()));
  return f;
}

export const gccSymbols = (flags: string[]) =>
  once(`symbols ${flags}`, () => ({ title: `symbols.c built with gcc ${flags.join(' ')}`, path: gcc([SYMBOLS_C], flags, 'symbols'), container: 'elf' }));

export const gccTwoUnits = (flags: string[]) =>
  once(`two ${flags}`, () => {
    const src = writeSources(TWO_UNITS);
    return { title: `main.c + second.c (util.h inlined) built with gcc ${flags.join(' ')}`, path: gcc([src['main.c']!, src['second.c']!], flags, 'two'), container: 'elf' };
  });

/** Built from inside the source folder with relative names, so DWARF 4 files sit in directory 0 (the comp dir). */
export const gccRelative = () =>
  once('relative', () => {
    const src = writeSources(TWO_UNITS);
    const folder = dirname(src['main.c']!);
    const out = scratch('relative');
    run(GCC, ['-gdwarf-4', '-O1', '-o', out, 'main.c', 'second.c'], folder);
    return { title: 'main.c + second.c built with gcc -gdwarf-4 from their own folder', path: out, container: 'elf' };
  });

export const mcElf = (dwarfVersion: 4 | 5) =>
  once(`mc elf ${dwarfVersion}`, () => {
    const src = writeSources({ 'start.s': ASM });
    const obj = scratch('start.o');
    run(LLVM_MC, ['-triple', 'aarch64-linux-gnu', '-filetype=obj', '-g', `-dwarf-version=${dwarfVersion}`, '-o', obj, src['start.s']!]);
    return { title: `assembly built with llvm-mc-16 -g -dwarf-version=${dwarfVersion}, linked by gcc`, path: gcc([obj], ['-nostdlib', '-static'], 'start'), container: 'elf' };
  });

export const mcMachO = () =>
  once('mc macho', () => {
    const src = writeSources({ 'main.s': ASM_MACHO });
    const obj = scratch('main.o');
    run(LLVM_MC, ['-triple', 'arm64-apple-macos11', '-filetype=obj', '-g', '-dwarf-version=5', '-o', obj, src['main.s']!]);
    return { title: 'a Mach-O object built with llvm-mc-16 -triple arm64-apple-macos11 -g', path: obj, container: 'macho' };
  });

export const read = (f: DwarfFixture) => new Uint8Array(readFileSync(f.path));
