// detectGuestImage: each guest format recognised and turned into the load plan core/hv uploads.
// ELF programs are built here by gcc and their plans checked against llvm-readelf-16's program
// headers and llvm-nm-16's symbols; the Mach-O is the hand-built MH_EXECUTE (no Mach-O linker on
// Debian) whose layout macho-vs-objdump.test.ts checks with llvm-objdump; the Linux Image header
// is built from booting.rst's layout.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { FormatError } from '../../core/formats/format-error.ts';
import { detectGuestImage } from '../../core/formats/guest-image.ts';
import { testWithTool } from '../helpers/external-tool.ts';
import { GCC, NM, READELF, gcc, run } from './build-tools.ts';
import { SYMBOLS_C } from './dwarf-fixtures.ts';
import { parseNm } from './llvm-golden.ts';
import { DATA_BYTES, handExecutable, TEXT_BYTES } from './macho-fixtures.ts';
import { readelfGolden } from './readelf-golden.ts';

const withTools = testWithTool([GCC, NM, READELF]);

withTools('a static ELF: PT_LOAD segments at their physical addresses, entry, symbols and lines', (t) => {
  const path = gcc([SYMBOLS_C], ['-g', '-O2', '-static'], 'static-g');
  const bytes = new Uint8Array(readFileSync(path));
  const g = detectGuestImage(bytes, 'static-g');
  t.is(g.kind, 'elf');
  t.false(g.gzipped);
  const { plan } = g;
  t.deepEqual(plan.placement, { kind: 'absolute' });
  t.is(plan.boot, 'bare');
  const golden = readelfGolden(path);
  const loads = golden.segments.filter((s) => s.type === 'LOAD' && s.memsz > 0n);
  t.deepEqual(
    plan.segments.map((s) => ({ addr: s.addr, filesz: BigInt(s.bytes.length), memsz: s.memSize })),
    loads.map((s) => ({ addr: s.paddr, filesz: s.filesz, memsz: s.memsz })),
  );
  for (const [i, s] of plan.segments.entries()) t.deepEqual(s.bytes, bytes.subarray(Number(loads[i]!.offset), Number(loads[i]!.offset + loads[i]!.filesz)));
  t.is(plan.entry, golden.entry);
  const nm = new Map(parseNm(run(NM, ['-p', path])).map((s) => [s.name, s.value]));
  t.is(plan.symbols?.symbolize(nm.get('accumulate')! + 4n), 'accumulate+0x4');
  t.is(plan.symbols?.findSymbol('main')?.value, nm.get('main'));
  t.is(plan.lines?.addressesFor('symbols.c', 10)?.addresses[0], nm.get('accumulate'));
  t.is(plan.linesError, undefined);
  // Functions from .debug_info name code even without the symbol table.
  t.is(plan.functions?.lookup(nm.get('accumulate')! + 4n)?.name, 'accumulate');
  // The same file gzip-compressed.
  const gz = detectGuestImage(gzipSync(bytes), 'static-g.gz');
  t.true(gz.gzipped);
  t.is(gz.kind, 'elf');
  t.is(gz.plan.entry, plan.entry);
});

withTools('a PIE is placed relative to its lowest vaddr; an object file is refused', (t) => {
  const path = gcc([SYMBOLS_C], ['-O2', '-pie'], 'pie');
  const g = detectGuestImage(new Uint8Array(readFileSync(path)), 'pie');
  const golden = readelfGolden(path);
  t.is(g.plan.placement.kind, 'relative');
  t.deepEqual(g.plan.segments.map((s) => s.addr), golden.segments.filter((s) => s.type === 'LOAD').map((s) => s.vaddr));
  t.is(g.plan.entry, golden.entry);
  const obj = gcc([SYMBOLS_C], ['-O2', '-c'], 'obj.o');
  const e = t.throws(() => detectGuestImage(new Uint8Array(readFileSync(obj)), 'obj.o'), { instanceOf: FormatError });
  t.is(e?.code, 'GUEST_IMAGE_UNKNOWN');
  t.regex(e!.message, /object file/);
});

withTools('damaged line info costs the line table, not the load', (t) => {
  const path = gcc([SYMBOLS_C], ['-g', '-O2', '-static'], 'static-g');
  const bytes = new Uint8Array(readFileSync(path));
  const golden = readelfGolden(path);
  const debugLine = golden.sections.find((s) => s.name === '.debug_line')!;
  const bad = bytes.slice();
  bad[Number(debugLine.offset) + 4] = 9; // version 9
  const g = detectGuestImage(bad, 'bad-dwarf');
  t.is(g.plan.lines, undefined);
  t.is(g.plan.linesError?.code, 'DWARF_UNSUPPORTED');
  t.is(g.plan.segments.length, detectGuestImage(bytes).plan.segments.length);
});

test('a Mach-O is placed at vmaddr − vmin with its entry offset, 16 KiB aligned (§13.4)', (t) => {
  const bytes = handExecutable('unixthread');
  const g = detectGuestImage(bytes, 'exec');
  t.is(g.kind, 'macho');
  t.deepEqual(g.plan.placement, { kind: 'relative', align: 0x4000n, linkBase: 0x100000000n });
  t.is(g.plan.entry, 0x3f00n);
  t.is(g.plan.boot, 'xnu');
  t.deepEqual(
    g.plan.segments.map((s) => [s.name, s.addr, s.bytes.length, s.memSize]),
    [
      ['__TEXT', 0n, 0x4000, 0x4000n],
      ['__DATA', 0x4000n, 0x4000, 0x8000n],
      ['__LINKEDIT', 0xc000n, 0x1000, 0x4000n],
    ],
  );
  t.deepEqual(g.plan.segments[0]!.bytes.subarray(0x3f00, 0x3f00 + TEXT_BYTES.length), TEXT_BYTES);
  t.deepEqual(g.plan.segments[1]!.bytes.subarray(0, DATA_BYTES.length), DATA_BYTES);
  t.is(g.plan.symbols?.symbolize(0x100003f04n), '_main+0x4');
  t.is(g.plan.lines, undefined);
});

test('a Linux Image and Image.gz: one segment at text_offset, 2 MiB-aligned base, System.map symbols', (t) => {
  const img = new Uint8Array(0x1000);
  const v = new DataView(img.buffer);
  v.setUint32(0, 0x91005a4d, true);
  v.setBigUint64(8, 0x80000n, true); // text_offset
  v.setBigUint64(16, 0x200000n, true); // image_size
  v.setBigUint64(24, 0xan, true);
  img.set([0x41, 0x52, 0x4d, 0x64], 0x38);
  const map = 'ffff800008000000 T _text\nffff800008000040 T primary_entry\n';
  for (const [bytes, gzipped] of [[img, false], [gzipSync(img), true]] as const) {
    const g = detectGuestImage(bytes, 'Image', { systemMap: map });
    t.is(g.kind, 'linux-image');
    t.is(g.gzipped, gzipped);
    t.deepEqual(g.plan.placement, { kind: 'relative', align: 0x200000n, linkBase: 0n });
    t.is(g.plan.entry, 0x80000n);
    t.is(g.plan.boot, 'linux-arm64');
    t.deepEqual(g.plan.segments.map((s) => [s.addr, s.bytes.length, s.memSize]), [[0x80000n, 0x1000, 0x200000n]]);
    t.is(g.plan.symbols?.symbolize(0xffff800008000044n), 'primary_entry+0x4');
  }
  t.is(detectGuestImage(img).plan.symbols, undefined);
});

test('anything else is GUEST_IMAGE_UNKNOWN, naming the first bytes', (t) => {
  let e = t.throws(() => detectGuestImage(new TextEncoder().encode('#!/bin/sh\necho hi\n'), 'script.sh'), { instanceOf: FormatError });
  t.is(e?.code, 'GUEST_IMAGE_UNKNOWN');
  t.regex(e!.message, /script\.sh is not a guest.*23 21 2f 62/);
  e = t.throws(() => detectGuestImage(new Uint8Array(0)), { instanceOf: FormatError });
  t.regex(e!.message, /empty/);
  e = t.throws(() => detectGuestImage(gzipSync(new Uint8Array(100))), { instanceOf: FormatError });
  t.regex(e!.message, /after gunzip/);
  e = t.throws(() => detectGuestImage(Uint8Array.from([0x1f, 0x8b, 0x08, 1, 2, 3])), { instanceOf: FormatError });
  t.is(e?.code, 'GZIP_CORRUPT');
  // A fat Mach-O is recognised as Mach-O and refused with the reason.
  e = t.throws(() => detectGuestImage(Uint8Array.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2])), { instanceOf: FormatError });
  t.is(e?.code, 'MACHO_UNSUPPORTED');
});
