// Damaged .debug_line sections: cut at every offset, every byte overwritten, and the specific
// field errors — each must end in a typed FormatError naming the section and an offset inside it,
// never a RangeError, a hang, or a silently wrong table. The sections come from real programs
// (gcc 12's DWARF 5, llvm-mc-16's DWARF 5 with .debug_line_str).
import { HvdbgError } from '../../core/errors.ts';
import { LineTable, dwarfSectionsFromElf, type DwarfSections } from '../../core/formats/dwarf/index.ts';
import { ElfFile } from '../../core/formats/elf/index.ts';
import { FormatError } from '../../core/formats/format-error.ts';
import { MachoFile } from '../../core/formats/macho/index.ts';
import { testWithTool } from '../helpers/external-tool.ts';
import { GCC, LLVM_MC } from './build-tools.ts';
import { gccSymbols, gccTwoUnits, mcMachO, read } from './dwarf-fixtures.ts';

const withTools = testWithTool([GCC, LLVM_MC]);

const SOURCES: Array<{ title: string; get: () => DwarfSections }> = [
  { title: 'gcc -g -O2 (DWARF 5)', get: () => dwarfSectionsFromElf(ElfFile.parse(read(gccSymbols(['-g', '-O2']))))! },
  { title: 'gcc -gdwarf-4, two units', get: () => dwarfSectionsFromElf(ElfFile.parse(read(gccTwoUnits(['-gdwarf-4', '-O2']))))! },
  { title: 'llvm-mc Mach-O (DWARF 5, line_strp, MD5)', get: () => MachoFile.parse(read(mcMachO())).dwarfSections()! },
];

/** Parses, and if it throws, checks the error is a DWARF FormatError naming a section and an offset. */
function parseOrTypedError(t: import('ava').ExecutionContext, s: DwarfSections, what: string): LineTable | FormatError {
  try {
    return LineTable.parse(s);
  } catch (e) {
    if (!(e instanceof FormatError)) {
      t.fail(`${what}: ${String(e)} is not a FormatError`);
      throw e;
    }
    if (!/^DWARF_/.test(e.code) || !/\.debug_(line|line_str|str)\b/.test(e.message) || e.where?.offset === undefined) t.fail(`${what}: ${e.code} ${e.message}`);
    if (!(e instanceof HvdbgError) || e.hint === undefined) t.fail(`${what}: no hint`);
    return e;
  }
}

const withUnitLength = (line: Uint8Array, n: number) => {
  const cut = line.slice(0, n);
  if (n >= 4) new DataView(cut.buffer).setUint32(0, n - 4, true);
  return cut;
};

for (const src of SOURCES) {
  withTools(`${src.title}: .debug_line cut at every offset gives a typed error, never a crash`, (t) => {
    const s = src.get();
    const whole = LineTable.parse(s);
    const firstEnd = whole.units[0]!.end;
    let errors = 0;
    for (let n = 1; n < firstEnd; n++) {
      // As cut: unit_length now reaches past the end.
      const cut = parseOrTypedError(t, { ...s, line: s.line.subarray(0, n) }, `cut at ${n}`);
      t.true(cut instanceof FormatError, `cut at ${n}`);
      // unit_length shrunk to match: the header or the program itself ends early.
      const r = parseOrTypedError(t, { ...s, line: withUnitLength(s.line, n) }, `unit cut at ${n}`);
      if (r instanceof FormatError) errors++;
      else t.true(r.rowCount <= whole.rowCount, `unit cut at ${n}`);
    }
    t.true(errors > firstEnd / 4, `${errors} of ${firstEnd} cuts were errors`);
  });

  withTools(`${src.title}: every byte of .debug_line overwritten gives a table or a typed error`, (t) => {
    const s = src.get();
    const n = Math.min(s.line.length, 600);
    let tables = 0;
    for (let at = 0; at < n; at++) {
      for (const value of [0x00, 0xff, 0x80, s.line[at]! ^ 0x5a]) {
        const bad = s.line.slice();
        bad[at] = value;
        if (!(parseOrTypedError(t, { ...s, line: bad }, `byte ${at} = 0x${value.toString(16)}`) instanceof FormatError)) tables++;
      }
    }
    // Most single-byte changes land in the program and still give a (different) table.
    t.true(tables > 0);
  });
}

withTools('specific header damage is reported with its field and offset', (t) => {
  const s = SOURCES[0]!.get();
  const patch = (at: number, bytes: number[]) => {
    const b = s.line.slice();
    b.set(bytes, at);
    return { ...s, line: b };
  };
  const err = (x: DwarfSections) => t.throws(() => LineTable.parse(x), { instanceOf: FormatError });
  let e = err(patch(4, [6, 0]));
  t.is(e?.code, 'DWARF_UNSUPPORTED');
  t.is(e?.where?.offset, 4);
  t.regex(e!.message, /\.debug_line at offset 0x4: line table version 6/);
  // DWARF 5 layout: unit_length @0, version @4, address_size @6, seg_sel @7, header_length @8,
  // min_inst @12, max_ops @13, default_is_stmt @14, line_base @15, line_range @16.
  e = err(patch(16, [0]));
  t.is(e?.code, 'DWARF_MALFORMED');
  t.regex(e!.message, /offset 0x10: line_range is 0/);
  e = err(patch(0, [0xf5, 0xff, 0xff, 0xff]));
  t.is(e?.code, 'DWARF_UNSUPPORTED');
  e = err(patch(0, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0]));
  t.is(e?.code, 'DWARF_TRUNCATED');
  e = err(patch(6, [3]));
  t.is(e?.code, 'DWARF_UNSUPPORTED');
  t.regex(e!.message, /address_size 3/);
});

withTools('a .debug_line_str that is cut short is named in the error', (t) => {
  const s = SOURCES[2]!.get();
  t.truthy(s.lineStr);
  const e = t.throws(() => LineTable.parse({ ...s, lineStr: s.lineStr!.subarray(0, 2) }), { instanceOf: FormatError });
  t.is(e?.code, 'DWARF_MALFORMED');
  t.regex(e!.message, /\.debug_line_str/);
  const e2 = t.throws(() => LineTable.parse({ line: s.line }), { instanceOf: FormatError });
  t.regex(e2!.message, /\.debug_line_str/);
});
