// The ELF reader against llvm-readelf on real images compiled here by aarch64-linux-gnu-gcc:
// headers, segments, sections and every symbol must read as llvm-readelf prints them, and the
// branch targets llvm-objdump names must get the same names from symbolize().
import { readFileSync } from 'node:fs';
import { ElfFile, SEGMENT_TYPE_NAMES, SegmentFlag, SYMBOL_BINDING_NAMES, SYMBOL_TYPE_NAMES, SymbolType } from '../../core/formats/elf/index.ts';
import { testWithTool } from '../helpers/external-tool.ts';
import { buildFixture, GCC, OBJDUMP, READELF, runTool } from './cross-compile.ts';
import { readelfGolden } from './readelf-golden.ts';

const withTools = testWithTool([GCC, READELF, OBJDUMP]);

const IMAGES = [
  { title: 'a PIE linked against glibc (symbols.c -O2)', source: 'symbols', flags: ['-O2'] },
  { title: 'a static program (lockstep-sum.c -O2 -static)', source: 'lockstep-sum', flags: ['-O2', '-static'] },
  { title: 'an object file (symbols.c -O2 -c)', source: 'symbols', flags: ['-O2', '-c'] },
];

const flagText = (f: number) => `${f & SegmentFlag.R ? 'R' : ' '}${f & SegmentFlag.W ? 'W' : ' '}${f & SegmentFlag.X ? 'E' : ' '}`;
const ndxText = (n: number) => (n === 0 ? 'UND' : n === 0xfff1 ? 'ABS' : n === 0xfff2 ? 'COM' : String(n));

for (const image of IMAGES) {
  withTools(`headers, segments and sections of ${image.title} read as llvm-readelf prints them`, (t) => {
    const path = buildFixture(image.source, image.flags);
    const elf = ElfFile.parse(readFileSync(path));
    const golden = readelfGolden(path);
    t.is(elf.entry, golden.entry);
    t.deepEqual(
      elf.segments.map((s) => ({ type: SEGMENT_TYPE_NAMES[s.type] ?? '?', offset: s.offset, vaddr: s.vaddr, paddr: s.paddr, filesz: s.filesz, memsz: s.memsz, flags: flagText(s.flags), align: s.align })),
      golden.segments,
    );
    t.deepEqual(
      elf.sections.map((s) => ({ index: s.index, name: s.name, address: s.addr, offset: s.offset, size: s.size })),
      golden.sections,
    );
  });

  withTools(`every symbol of ${image.title} reads as llvm-readelf prints it`, (t) => {
    const path = buildFixture(image.source, image.flags);
    const elf = ElfFile.parse(readFileSync(path));
    const golden = readelfGolden(path);
    // llvm-readelf lists the null symbol 0 of each table; .dynsym names carry @VERSION from .gnu.version.
    const expected = golden.symbols.filter((s) => s.num !== 0).map((s) => ({ ...s, name: s.table === '.dynsym' ? s.name.replace(/@.*$/, '') : s.name }));
    const actual = elf.symbols.map((s, i) => ({
      table: s.table,
      value: s.value,
      size: s.size,
      type: SYMBOL_TYPE_NAMES[s.type] ?? String(s.type),
      bind: SYMBOL_BINDING_NAMES[s.binding] ?? String(s.binding),
      ndx: ndxText(s.sectionIndex),
      // readelf shows a section symbol (st_name 0) under its section's name.
      name: s.type === SymbolType.SECTION && s.name === '' ? (elf.sections[s.sectionIndex]?.name ?? '') : s.name,
      i,
    }));
    t.is(actual.length, expected.length);
    t.deepEqual(
      actual.map(({ i: _i, ...s }) => s),
      expected.map(({ num: _num, ...s }) => s),
    );
  });
}

withTools('findSymbol and symbolize name functions and data of the fixture as its source declares them', (t) => {
  const elf = ElfFile.parse(readFileSync(buildFixture('symbols', ['-O2'])));
  const main = elf.findSymbol('main')!;
  t.truthy(main);
  t.is(main.type, SymbolType.FUNC);
  t.is(SYMBOL_BINDING_NAMES[main.binding], 'GLOBAL');
  t.is(elf.symbolize(main.value), 'main');
  t.is(elf.symbolize(main.value + 8n), 'main+0x8');
  t.not(elf.symbolize(main.value + main.size)?.startsWith('main'), true);
  const counter = elf.findSymbol('counter')!;
  t.is(counter.type, SymbolType.OBJECT);
  t.is(counter.size, 4n);
  t.is(elf.symbolize(counter.value + 3n), 'counter+0x3');
  t.is(elf.findSymbol('scratch')?.size, 64n);
  t.is(SYMBOL_BINDING_NAMES[elf.findSymbol('scratch')!.binding], 'LOCAL');
  t.is(elf.findSymbol('greeting')?.size, 3n);
  t.is(elf.findSymbol('no_such_symbol'), undefined);
  t.is(elf.symbolize(0n), undefined);
  const text = elf.codeSegments;
  t.is(text.length, 1);
  t.true(main.value >= text[0]!.vaddr && main.value + main.size <= text[0]!.vaddr + text[0]!.filesz);
});

for (const image of IMAGES.slice(0, 2)) {
  withTools(`branch targets of ${image.title}: symbolize() names them as llvm-objdump does`, (t) => {
    const path = buildFixture(image.source, image.flags);
    const elf = ElfFile.parse(readFileSync(path));
    const out = runTool(OBJDUMP, ['-d', '--no-show-raw-insn', path]);
    let compared = 0;
    const differ: string[] = [];
    for (const m of out.matchAll(/^\s*[0-9a-f]+:\s+(?:b|bl|b\.\w+|cbn?z|tbn?z)\s.*?0x([0-9a-f]+) <([^>]+)>$/gm)) {
      const llvmName = m[2]!;
      // PLT stubs get synthetic names (`abort@plt`) that are in no symbol table, and targets
      // outside every function get a section symbol's name (`.plt+0x30`): neither is FUNC/OBJECT.
      if (llvmName.includes('@plt') || llvmName.startsWith('.')) continue;
      const ours = elf.symbolize(BigInt(`0x${m[1]}`));
      compared++;
      if (ours !== llvmName) differ.push(`${m[0].trim()}  → ours: ${ours}`);
    }
    t.true(compared > 10, `only ${compared} named branch targets found`);
    t.deepEqual(differ.slice(0, 40), [], `${differ.length} of ${compared} differ`);
  });
}
