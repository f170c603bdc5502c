// The DWARF line-table reader against llvm-dwarfdump-16 on programs built here by gcc 12
// (DWARF 4 and 5) and llvm-mc-16 (LLVM's DWARF 5: MD5, .debug_line_str), in ELF and Mach-O:
// every unit's directories and files, every row, and address lookups must read as
// llvm-dwarfdump prints them; `break file:line` addresses must land on the functions llvm-nm names.
import { basename } from 'node:path';
import { LineTable, dwarfSectionsFromElf, type DwarfSections } from '../../core/formats/dwarf/index.ts';
import { ElfFile } from '../../core/formats/elf/index.ts';
import { MachoFile } from '../../core/formats/macho/index.ts';
import { testWithTool } from '../helpers/external-tool.ts';
import { DWARFDUMP, GCC, LLVM_MC, NM, run, runAnyStatus } from './build-tools.ts';
import { gccRelative, gccSymbols, gccTwoUnits, mcElf, mcMachO, read, type DwarfFixture } from './dwarf-fixtures.ts';
import { parseDwarfdumpLines, parseDwarfdumpLookup, parseNm } from './llvm-golden.ts';

const withGcc = testWithTool([GCC, DWARFDUMP, NM]);
const withMc = testWithTool([GCC, LLVM_MC, DWARFDUMP]);

function sectionsOf(f: DwarfFixture): DwarfSections {
  const bytes = read(f);
  const s = f.container === 'elf' ? dwarfSectionsFromElf(ElfFile.parse(bytes)) : MachoFile.parse(bytes).dwarfSections();
  if (!s) throw new Error(`${f.path} has no line table`);
  return s;
}

const FIXTURES: Array<{ make: () => DwarfFixture; suite: typeof withGcc; version: number }> = [
  { make: () => gccSymbols(['-g', '-O2']), suite: withGcc, version: 5 },
  { make: () => gccSymbols(['-gdwarf-4', '-O2']), suite: withGcc, version: 4 },
  { make: () => gccSymbols(['-g', '-O0']), suite: withGcc, version: 5 },
  { make: () => gccTwoUnits(['-g', '-O1']), suite: withGcc, version: 5 },
  { make: () => gccTwoUnits(['-gdwarf-4', '-O2']), suite: withGcc, version: 4 },
  { make: () => gccRelative(), suite: withGcc, version: 4 },
  { make: () => mcElf(5), suite: withMc, version: 5 },
  { make: () => mcElf(4), suite: withMc, version: 4 },
  { make: () => mcMachO(), suite: withMc, version: 5 },
];

const FLAG_ORDER = ['is_stmt', 'basic_block', 'end_sequence', 'prologue_end', 'epilogue_begin'] as const;

for (const [n, fx] of FIXTURES.entries()) {
  fx.suite(`line table #${n} (DWARF ${fx.version}) reads as llvm-dwarfdump-16 --debug-line prints it`, (t) => {
    const f = fx.make();
    const table = LineTable.parse(sectionsOf(f));
    const golden = parseDwarfdumpLines(run(DWARFDUMP, ['--debug-line', f.path]));
    t.log(f.title);
    t.true(golden.length > 0);
    t.is(table.units.length, golden.length);
    for (const [u, g] of golden.entries()) {
      const h = table.units[u]!;
      t.is(h.offset, g.offset);
      t.is(h.version, g.version);
      t.is(h.version, fx.version);
      // v5 numbers directories and files from 0; v2–4 directories from 1 (0 is the comp dir) and files from 1.
      for (const [i, dir] of g.directories) t.is(h.directories[i], dir, `unit ${u} directory ${i}`);
      t.is(h.directories.length - (h.version >= 5 ? 0 : 1), g.directories.size);
      t.is(h.files.length, g.files.size);
      for (const [i, file] of g.files) {
        const mine = h.files[i - h.fileBase]!;
        t.is(mine.name, file.name, `unit ${u} file ${i}`);
        t.is(mine.dirIndex, file.dirIndex);
        t.is(mine.md5 && Buffer.from(mine.md5).toString('hex'), file.md5);
      }
      const rows = table.unitRows(u).map((r) => ({
        address: r.address,
        line: r.line,
        column: r.column,
        file: r.fileIndex,
        isa: r.isa,
        discriminator: r.discriminator,
        flags: FLAG_ORDER.filter((_, bit) => [r.isStmt, r.basicBlock, r.endSequence, r.prologueEnd, r.epilogueBegin][bit]),
      }));
      t.true(g.rows.length > 0);
      t.deepEqual(rows, g.rows, `unit ${u} rows`);
    }
  });

  fx.suite(`line table #${n}: address lookups agree with llvm-dwarfdump-16 --lookup`, (t) => {
    const f = fx.make();
    const table = LineTable.parse(sectionsOf(f));
    // Every distinct row address and one byte past it (inside the same row's range), up to 40.
    const addresses = new Set<bigint>();
    for (const s of table.sequences) {
      for (let i = s.first; i < s.last && addresses.size < 40; i++) {
        addresses.add(table.rows.address[i]!);
        if (table.rows.address[i]! + 1n < s.high) addresses.add(table.rows.address[i]! + 1n);
      }
    }
    for (const s of table.sequences) addresses.add(s.high); // just past a sequence
    // llvm-dwarfdump takes --lookup=0 as "no address" and prints nothing; the object file's code is at 0.
    addresses.delete(0n);
    for (const a of addresses) {
      const golden = parseDwarfdumpLookup(runAnyStatus(DWARFDUMP, [`--lookup=0x${a.toString(16)}`, f.path]));
      const mine = table.lookup(a);
      if (golden === undefined) {
        t.is(mine, undefined, `0x${a.toString(16)}`);
        continue;
      }
      t.truthy(mine, `0x${a.toString(16)}`);
      t.deepEqual({ file: basename(mine!.file), line: mine!.line, column: mine!.column }, { ...golden, file: basename(golden.file) }, `0x${a.toString(16)}`);
    }
  });
}

withGcc('break symbols.c:LINE resolves to the functions llvm-nm-16 places there, in DWARF 4 and 5', (t) => {
  for (const flags of [['-g', '-O2'], ['-gdwarf-4', '-O2'], ['-g', '-O0']]) {
    const f = gccSymbols(flags);
    const table = LineTable.parse(sectionsOf(f));
    const nm = new Map(parseNm(run(NM, ['-p', f.path])).map((s) => [s.name, s.value]));
    // symbols.c: square opens on line 8, accumulate on line 10, main on line 19.
    for (const [line, fn] of [[8, 'square'], [10, 'accumulate'], [19, 'main']] as const) {
      const hit = table.addressesFor('symbols.c', line);
      t.truthy(hit, `${flags} ${fn}`);
      t.is(hit!.line, line);
      t.is(hit!.addresses[0], nm.get(fn)!, `${flags.join(' ')}: first address of line ${line} is ${fn}`);
    }
    // Line 9 is blank: a breakpoint there moves to the next line with code (10), as gdb moves it.
    t.is(table.addressesFor('symbols.c', 9)!.line, 10);
    // A directory suffix matches too; a file no unit names does not.
    t.is(table.addressesFor('a64/symbols.c', 10)!.addresses[0], nm.get('accumulate')!);
    t.is(table.addressesFor('other.c', 10), undefined);
    t.is(table.addressesFor('ymbols.c', 10), undefined);
    // Past the last line with code: known file, no addresses.
    t.deepEqual(table.addressesFor('symbols.c', 1000)!.addresses, []);
  }
});

withGcc('the inlined header function of two units is found by its own file name', (t) => {
  const f = gccTwoUnits(['-g', '-O1']);
  const table = LineTable.parse(sectionsOf(f));
  const inHeader = table.addressesFor('util.h', 2);
  t.truthy(inHeader);
  t.true(inHeader!.addresses.length > 0);
  // Each address starts a util.h:2 row in llvm-dwarfdump's own listing (several rows may share
  // the address, the inlining caller's line last, which is what a lookup then reports).
  const golden = parseDwarfdumpLines(run(DWARFDUMP, ['--debug-line', f.path]));
  for (const a of inHeader!.addresses) {
    const found = golden.some((u) => u.rows.some((r) => r.address === a && r.line === 2 && u.files.get(r.file)?.name === 'util.h' && r.flags.includes('is_stmt')));
    t.true(found, `0x${a.toString(16)}`);
  }
  const nm = new Map(parseNm(run(NM, ['-p', f.path])).map((s) => [s.name, s.value]));
  t.is(table.addressesFor('second.c', 1)!.addresses[0], nm.get('helper_value')!);
  t.true(table.files().some((p) => p.endsWith('/second.c')));
});

withGcc('an image built without -g has no line table to read', (t) => {
  t.is(dwarfSectionsFromElf(ElfFile.parse(read(gccSymbols(['-O2'])))), undefined);
});
