// The Mach-O reader against llvm-objdump-16 --macho --private-headers and llvm-nm-16: a real
// object from llvm-mc-16 (-triple arm64-apple-macos11), and hand-built images laid out from the
// Mach-O format (no Mach-O linker exists on Debian: no ld64.lld-16, no clang-16 driver) — an
// MH_EXECUTE with LC_UNIXTHREAD or LC_MAIN, and a kernelcache-style MH_FILESET — which the same
// LLVM tools read back. The load plan follows spec §13.4 with numbers stated in the fixtures.
import { writeFileSync } from 'node:fs';
import test, { type ExecutionContext } from 'ava';
import { MachoFile, type LoadCommand, type MachSection } from '../../core/formats/macho/index.ts';
import { FormatError } from '../../core/formats/format-error.ts';
import { testWithTool } from '../helpers/external-tool.ts';
import { LLVM_MC, NM, OBJDUMP, run, scratch } from './build-tools.ts';
import { mcMachO, read } from './dwarf-fixtures.ts';
import { parseNm, parseObjdumpMachO } from './llvm-golden.ts';
import { buildMachO } from './macho-builder.ts';
import { execCommands, handExecutable, handFileset } from './macho-fixtures.ts';

const withTools = testWithTool([OBJDUMP, NM]);
const withMc = testWithTool([LLVM_MC, OBJDUMP, NM]);

const hex16 = (v: bigint) => `0x${v.toString(16).padStart(16, '0')}`;
const LC_NAME: Record<LoadCommand['kind'], string | undefined> = { segment: 'LC_SEGMENT_64', symtab: 'LC_SYMTAB', thread: undefined, main: 'LC_MAIN', uuid: 'LC_UUID', 'fileset-entry': '?(0x80000035)', other: undefined };

/** Every field llvm-objdump prints for the commands we decode must match ours. */
function compareWithObjdump(t: ExecutionContext, path: string, m: MachoFile): void {
  const golden = parseObjdumpMachO(run(OBJDUMP, ['--macho', '--private-headers', path]));
  t.is(golden.header.ncmds, m.header.ncmds);
  t.is(golden.header.sizeofcmds, m.header.sizeofcmds);
  t.is(golden.commands.length, m.commands.length);
  for (const [i, g] of golden.commands.entries()) {
    const c = m.commands[i]!;
    const f = (k: string) => g.fields.get(k);
    t.is(Number(f('cmdsize')), c.cmdsize, `command ${i} cmdsize`);
    const name = LC_NAME[c.kind];
    if (name) t.is(f('cmd'), name, `command ${i}`);
    switch (c.kind) {
      case 'segment':
        t.deepEqual(
          { segname: f('segname') ?? '', vmaddr: f('vmaddr'), vmsize: f('vmsize'), fileoff: f('fileoff'), filesize: f('filesize'), nsects: f('nsects') },
          { segname: c.segname, vmaddr: hex16(c.vmaddr), vmsize: hex16(c.vmsize), fileoff: String(c.fileoff), filesize: String(c.filesize), nsects: String(c.sections.length) },
        );
        t.is(g.sections.length, c.sections.length);
        for (const [j, s] of g.sections.entries()) {
          const mine: MachSection = c.sections[j]!;
          t.deepEqual(
            { sectname: s.get('sectname'), segname: s.get('segname'), addr: s.get('addr'), size: s.get('size'), offset: s.get('offset'), align: s.get('align'), reloff: s.get('reloff'), nreloc: s.get('nreloc') },
            { sectname: mine.sectname, segname: mine.segname, addr: hex16(mine.addr), size: hex16(mine.size), offset: String(mine.offset), align: `2^${mine.align} (${2 ** mine.align})`, reloff: String(mine.reloff), nreloc: String(mine.nreloc) },
          );
        }
        break;
      case 'symtab':
        t.deepEqual([f('symoff'), f('nsyms'), f('stroff'), f('strsize')], [c.symoff, c.nsyms, c.stroff, c.strsize].map(String));
        break;
      case 'thread':
        t.is(f('cmd'), c.cmd === 5 ? 'LC_UNIXTHREAD' : 'LC_THREAD');
        t.is(f('pc'), c.pc === undefined ? undefined : hex16(c.pc));
        break;
      case 'main':
        t.deepEqual([f('entryoff'), f('stacksize')], [String(c.entryoff), String(c.stacksize)]);
        break;
      case 'uuid':
        t.is(f('uuid'), c.uuid);
        break;
      default:
    }
  }
}

function compareWithNm(t: ExecutionContext, path: string, m: MachoFile): void {
  const golden = parseNm(run(NM, ['-p', path]));
  t.true(golden.length > 0);
  t.deepEqual(
    m.symbols.filter((s) => !s.stab).map((s) => ({ value: s.nmType === 'U' ? undefined : s.value, type: s.nmType, name: s.name })),
    golden,
  );
}

withMc('an llvm-mc object reads as llvm-objdump and llvm-nm print it', (t) => {
  const f = mcMachO();
  const m = MachoFile.parse(read(f));
  t.is(m.header.filetype, 1);
  compareWithObjdump(t, f.path, m);
  compareWithNm(t, f.path, m);
  t.truthy(m.section('__DWARF', '__debug_line'));
  // An object has no entry: loading it as a guest is refused with the reason.
  t.is(m.entry, undefined);
  t.throws(() => m.loadPlan(), { instanceOf: FormatError, code: 'MACHO_NO_ENTRY' });
  t.is(m.symbolizer.symbolize(0x4n), '_main+0x4');
  t.is(m.symbolizer.symbolize(0xcn), '_helper');
});

for (const entry of ['unixthread', 'main'] as const) {
  withTools(`a hand-built MH_EXECUTE with LC_${entry.toUpperCase()} reads as llvm-objdump and llvm-nm print it`, (t) => {
    const path = scratch(`exec-${entry}`);
    const bytes = handExecutable(entry);
    writeFileSync(path, bytes);
    const m = MachoFile.parse(bytes);
    compareWithObjdump(t, path, m);
    compareWithNm(t, path, m);
    t.is(m.entry, 0x100003f00n);
  });
}

withTools('the load plan of the MH_EXECUTE places each segment at vmaddr − vmin, __PAGEZERO left out (§13.4)', (t) => {
  const m = MachoFile.parse(handExecutable('unixthread'));
  const plan = m.loadPlan();
  t.is(plan.vmin, 0x100000000n);
  t.is(plan.vmax, 0x100010000n);
  t.is(plan.entry, 0x100003f00n);
  t.is(plan.entryOffset, 0x3f00n);
  t.deepEqual(
    plan.segments.map((s) => [s.name, s.offset, s.fileoff, s.filesize, s.memSize]),
    [
      ['__TEXT', 0x0n, 0x0n, 0x4000n, 0x4000n],
      ['__DATA', 0x4000n, 0x4000n, 0x4000n, 0x8000n],
      ['__LINKEDIT', 0xc000n, 0x8000n, 0x1000n, 0x4000n],
    ],
  );
  t.deepEqual(MachoFile.parse(handExecutable('main')).loadPlan().entryOffset, 0x3f00n);
  // Symbols: sizes run to the next symbol or the section's end; data and bss too.
  const s = m.symbolizer;
  t.is(s.symbolize(0x100003f00n), '_main');
  t.is(s.symbolize(0x100003f0cn), '_main+0xc');
  t.is(s.symbolize(0x100003f14n), '_helper+0x4');
  t.is(s.symbolize(0x100003f20n), undefined); // past __text
  t.is(s.symbolize(0x100004004n), '_counter+0x4');
  t.is(s.symbolize(0x1000040ffn), '_buf+0xef');
  t.is(s.findSymbol('_helper')?.value, 0x100003f10n);
  t.is(s.findSymbol('_puts'), undefined);
  t.is(m.symbols.find((x) => x.name === '_abs_marker')?.nmType, 'A');
});

withTools('a kernelcache-style MH_FILESET: entries, the kernel entry point and symbols, as LLVM reads the entry', (t) => {
  const bytes = handFileset();
  const m = MachoFile.parse(bytes);
  t.is(m.header.filetype, 12);
  t.deepEqual(m.filesetEntries, [{ entryId: 'com.apple.kernel', vmaddr: 0xfffffe0007004000n, fileoff: 0x4000n }]);
  const kernel = m.filesetEntry('com.apple.kernel');
  // llvm-objdump-16 does not decode LC_FILESET_ENTRY; it reads the entry's own header when that
  // header is put at offset 0 of the same file (its offsets count from the file's start).
  const path = scratch('kernel-entry');
  const asEntry = bytes.slice();
  asEntry.set(bytes.subarray(0x4000, 0x4000 + 32 + kernel.header.sizeofcmds), 0);
  writeFileSync(path, asEntry);
  compareWithObjdump(t, path, kernel);
  compareWithNm(t, path, kernel);
  const fsPath = scratch('fileset');
  writeFileSync(fsPath, bytes);
  compareWithObjdump(t, fsPath, m);
  t.is(m.entry, 0xfffffe0007004100n);
  const plan = m.loadPlan();
  t.is(plan.vmin, 0xfffffe0007000000n);
  t.is(plan.entryOffset, 0x4100n);
  t.deepEqual(plan.segments.map((s) => s.name), ['__TEXT', '__TEXT_EXEC', '__LINKEDIT']);
  t.is(m.symbolizer.symbolize(0xfffffe0007004184n), '_kernel_bootstrap+0x4');
  t.throws(() => m.filesetEntry('com.apple.driver.Nope'), { instanceOf: FormatError, code: 'MACHO_MALFORMED' });
});

test('m1n1.macho: the PYLD segment keeps its file bytes and a 4-byte end marker, not its whole vmsize', (t) => {
  // m1n1's own image ends in a PYLD segment whose vmsize reserves room for appended payloads;
  // m1n1's loader places only the file bytes and 4 zero bytes after them (§13.4 layout).
  const commands = execCommands('unixthread');
  commands.splice(4, 0, {
    kind: 'segment',
    segment: { segname: 'PYLD', vmaddr: 0x100010000n, vmsize: 0x100000n, fileoff: 0x8000n, filesize: 0x800n, maxprot: 1, initprot: 1, sections: [] },
  });
  const m = MachoFile.parse(buildMachO({ filetype: 2, flags: 0, commands, blobs: [], size: 0x9000 }));
  const pyld = m.loadPlan().segments.find((s) => s.name === 'PYLD')!;
  t.deepEqual([pyld.offset, pyld.filesize, pyld.memSize], [0x10000n, 0x800n, 0x804n]);
});
