// The .debug_info walk against llvm-dwarfdump-16 --debug-info on the same programs as the line
// tests: each compilation unit's name, directory, line-table offset and range, and every
// subprogram with code — its name (own, or through DW_AT_abstract_origin / DW_AT_specification
// as llvm-dwarfdump shows it), low_pc and high_pc. Then function lookup by address.
import { readCompileUnits, FunctionIndex, dwarfSectionsFromElf, LineTable } from '../../core/formats/dwarf/index.ts';
import { ElfFile } from '../../core/formats/elf/index.ts';
import { FormatError } from '../../core/formats/format-error.ts';
import { MachoFile } from '../../core/formats/macho/index.ts';
import { testWithTool } from '../helpers/external-tool.ts';
import { DWARFDUMP, GCC, LLVM_MC, run } from './build-tools.ts';
import { gccRelative, gccSymbols, gccTwoUnits, mcElf, mcMachO, read, type DwarfFixture } from './dwarf-fixtures.ts';

const withTools = testWithTool([GCC, LLVM_MC, DWARFDUMP]);

interface DumpedDie {
  offset: number;
  tag: string;
  attrs: Map<string, string>;
}

function parseDies(text: string): DumpedDie[] {
  const dies: DumpedDie[] = [];
  for (const line of text.split('\n')) {
    let m = /^0x([0-9a-f]{8}):\s+(DW_TAG_\w+)/.exec(line);
    if (m) {
      dies.push({ offset: parseInt(m[1]!, 16), tag: m[2]!, attrs: new Map() });
      continue;
    }
    if ((m = /^\s+(DW_AT_\w+)\s+\((.*)\)?$/.exec(line)) && dies.length > 0) dies.at(-1)!.attrs.set(m[1]!, m[2]!);
  }
  return dies;
}

const quoted = (v: string | undefined) => (v === undefined ? undefined : /"(.*)"/.exec(v)?.[1]);
const num = (v: string | undefined) => (v === undefined ? undefined : BigInt(/0x[0-9a-f]+/.exec(v)![0]));

const FIXTURES: Array<() => DwarfFixture> = [
  () => gccSymbols(['-g', '-O2']),
  () => gccSymbols(['-gdwarf-4', '-O2']),
  () => gccTwoUnits(['-g', '-O1']),
  () => gccTwoUnits(['-gdwarf-4', '-O2']),
  () => mcElf(5),
  () => mcElf(4),
  () => mcMachO(),
];

for (const [n, make] of FIXTURES.entries()) {
  withTools(`units and functions of fixture #${n} read as llvm-dwarfdump-16 --debug-info prints them`, (t) => {
    const f = make();
    t.log(f.title);
    const bytes = read(f);
    const s = f.container === 'elf' ? dwarfSectionsFromElf(ElfFile.parse(bytes))! : MachoFile.parse(bytes).dwarfSections()!;
    const units = readCompileUnits(s);
    const dies = parseDies(run(DWARFDUMP, ['--debug-info', f.path]));
    const cus = dies.filter((d) => d.tag === 'DW_TAG_compile_unit');
    t.is(units.length, cus.length);
    for (const [i, cu] of cus.entries()) {
      const u = units[i]!;
      t.is(u.name, quoted(cu.attrs.get('DW_AT_name')));
      t.is(u.compDir, quoted(cu.attrs.get('DW_AT_comp_dir')));
      t.is(u.stmtList === undefined ? undefined : BigInt(u.stmtList), num(cu.attrs.get('DW_AT_stmt_list')));
      t.is(u.lowPc, num(cu.attrs.get('DW_AT_low_pc')));
      t.is(u.highPc, num(cu.attrs.get('DW_AT_high_pc')));
    }
    const expected = dies
      .filter((d) => d.tag === 'DW_TAG_subprogram' && d.attrs.has('DW_AT_low_pc'))
      .map((d) => ({
        name: quoted(d.attrs.get('DW_AT_name') ?? d.attrs.get('DW_AT_abstract_origin') ?? d.attrs.get('DW_AT_specification')),
        lowPc: num(d.attrs.get('DW_AT_low_pc')),
        highPc: num(d.attrs.get('DW_AT_high_pc')),
      }));
    t.deepEqual(
      units.flatMap((u) => u.functions.map((x) => ({ name: x.name, lowPc: x.lowPc, highPc: x.highPc }))),
      expected,
    );
    if (f.container === 'elf' && f.path.includes('symbols')) t.true(expected.length >= 2);
    // Lookup: the middle of each function names it.
    const index = new FunctionIndex(units);
    for (const e of expected) if (e.highPc! > e.lowPc!) t.is(index.lookup((e.lowPc! + e.highPc!) / 2n)?.name, e.name);
  });
}

withTools('v4 line tables get their directory 0 from the unit’s DW_AT_comp_dir', (t) => {
  const f = gccRelative();
  const s = dwarfSectionsFromElf(ElfFile.parse(read(f)))!;
  const units = readCompileUnits(s);
  const compDirs = new Map(units.map((u) => [u.stmtList!, u.compDir!]));
  const plain = LineTable.parse(s);
  const withDirs = LineTable.parse(s, { compDirs });
  t.true(plain.units.every((h) => h.version === 4));
  // gcc names the sources as given on its command line: relative, in directory 0.
  t.true(plain.files().includes('second.c'));
  const compDir = quoted(parseDies(run(DWARFDUMP, ['--debug-info', f.path])).find((d) => d.tag === 'DW_TAG_compile_unit')!.attrs.get('DW_AT_comp_dir'))!;
  t.true(withDirs.files().includes(`${compDir}/second.c`));
  t.true(withDirs.addressesFor(`${compDir}/second.c`, 1)!.addresses.length > 0);
});

withTools('damaged .debug_info and .debug_abbrev give typed errors', (t) => {
  const s = dwarfSectionsFromElf(ElfFile.parse(read(gccSymbols(['-g', '-O2']))))!;
  for (let n = 1; n < s.info!.length; n += 3) {
    const cut = s.info!.slice(0, n);
    if (n >= 4) new DataView(cut.buffer).setUint32(0, n - 4, true);
    try {
      readCompileUnits({ ...s, info: cut });
    } catch (e) {
      t.true(e instanceof FormatError && /^DWARF_/.test(e.code), `cut at ${n}: ${String(e)}`);
    }
  }
  for (let at = 0; at < s.abbrev!.length; at++) {
    const bad = s.abbrev!.slice();
    bad[at] = 0xff;
    try {
      readCompileUnits({ ...s, abbrev: bad });
    } catch (e) {
      t.true(e instanceof FormatError && /^DWARF_/.test(e.code), `abbrev byte ${at}: ${String(e)}`);
    }
  }
});
