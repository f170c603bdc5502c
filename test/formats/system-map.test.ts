// System.map parsing and nearest-symbol lookup. The maps are made from real programs the way the
// kernel's scripts/mksysmap makes System.map: `nm -n` (here llvm-nm-16 -n on an image gcc built)
// without the absolute, debugging, undefined and weak-undefined lines. Lookups are checked against
// the ELF reader's own symbol sizes for the same image.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { ElfFile, SymbolType } from '../../core/formats/elf/index.ts';
import { FormatError } from '../../core/formats/format-error.ts';
import { SystemMap } from '../../core/formats/system-map.ts';
import { testWithTool } from '../helpers/external-tool.ts';
import { GCC, NM, gcc, run } from './build-tools.ts';
import { SYMBOLS_C } from './dwarf-fixtures.ts';

const withTools = testWithTool([GCC, NM]);

/** scripts/mksysmap: drop ` a `, ` N `, ` U `, ` w ` lines (and address-less ones). */
const mksysmap = (nm: string) =>
  nm
    .split('\n')
    .filter((l) => /^[0-9a-f]{16} [^aNUw] /.test(l))
    .join('\n');

withTools('a System.map of a static program: every line read, lookups agree with the ELF symbol sizes', (t) => {
  const path = gcc([SYMBOLS_C], ['-O2', '-static'], 'static');
  const text = mksysmap(run(NM, ['-n', path]));
  const map = SystemMap.parse(text);
  const lines = text.split('\n');
  t.is(map.symbols.length, lines.length);
  for (const [i, s] of map.symbols.entries()) {
    t.is(`${s.value.toString(16).padStart(16, '0')} ${s.type} ${s.name}`, lines[i]);
    t.is(s.line, i + 1);
  }
  const elf = ElfFile.parse(readFileSync(path));
  const starts = new Map<bigint, number>();
  for (const s of map.symbols) starts.set(s.value, (starts.get(s.value) ?? 0) + 1);
  let checked = 0;
  for (const f of elf.symbols) {
    if (f.type !== SymbolType.FUNC || f.size < 8n || f.table !== '.symtab' || starts.get(f.value) !== 1) continue;
    const last = f.value + f.size - 1n;
    // Only where no other map symbol starts inside the function (nested labels would win, rightly).
    if (map.symbols.some((s) => s.value > f.value && s.value <= last)) continue;
    t.is(map.symbolize(f.value), elf.symbolize(f.value), f.name);
    t.is(map.symbolize(last), elf.symbolize(last), f.name);
    t.is(map.nearest(last)?.symbol.name, f.name);
    // Static functions of different objects may share a name; the first in the map is found.
    if (map.symbols.filter((s) => s.name === f.name).length === 1) t.is(map.symbolizer.findSymbol(f.name)?.value, f.value);
    checked++;
  }
  t.true(checked > 100, `${checked} functions checked`);
  const first = map.symbols[0]!;
  t.is(map.symbolize(first.value - 1n), undefined);
  const top = map.symbols.at(-1)!;
  t.is(map.nearest(top.value + 0x1000n)?.offset, 0x1000n);
});

test('kernel-style lines: types, module names, CRLF, blank lines; address-less nm lines skipped', (t) => {
  const map = SystemMap.parse(
    [
      '0000000000000000 A __crc_foo',
      'ffff800008000000 T _text',
      'ffff800008010000 T _stext',
      'ffff800008010000 t __do_one',
      '',
      'ffff800008010040 T do_one_initcall\r',
      '                 U undefined_thing',
      'ffff800009000000 D init_task',
      'ffff80000a000000 B __bss_start',
      'ffff800010000000 t mod_fn\t[my_mod]',
    ].join('\n'),
  );
  t.deepEqual(
    map.symbols.map((s) => [s.type, s.name, s.line]),
    [
      ['A', '__crc_foo', 1],
      ['T', '_text', 2],
      ['T', '_stext', 3],
      ['t', '__do_one', 4],
      ['T', 'do_one_initcall', 6],
      ['D', 'init_task', 8],
      ['B', '__bss_start', 9],
      ['t', 'mod_fn [my_mod]', 10],
    ],
  );
  // Absolute symbols locate nothing: address 0x10 is below every located one.
  t.is(map.symbolize(0x10n), undefined);
  t.is(map.symbolize(0xffff800008000004n), '_text+0x4');
  t.is(map.symbolize(0xffff800008010020n), '__do_one+0x20');
  t.is(map.symbolize(0xffff800008010044n), 'do_one_initcall+0x4');
  t.is(map.nearest(0xffff800009000100n)?.symbol.type, 'D');
  t.is(map.find('init_task')?.value, 0xffff800009000000n);
  t.is(map.symbolizer.symbolAt(0xffff800008000010n)?.symbol.name, '_text');
});

test('a line that is not ADDRESS TYPE NAME is a typed error with its line number', (t) => {
  const e = t.throws(() => SystemMap.parse('ffff800008000000 T _text\nthis is not a map\n'), { instanceOf: FormatError });
  t.is(e?.code, 'SYSTEM_MAP_BAD_LINE');
  t.is(e?.where?.line, 2);
  t.regex(e!.message, /line 2: 'this is not a map'/);
  t.throws(() => SystemMap.parse('zzzz T _text'), { instanceOf: FormatError, code: 'SYSTEM_MAP_BAD_LINE' });
  t.is(SystemMap.parse('').symbols.length, 0);
});
