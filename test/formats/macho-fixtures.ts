// The hand-built Mach-O images the tests use (macho-builder.ts), with every number stated here,
// from the Mach-O layout: a small MH_EXECUTE laid out as ld64 lays out a program (__PAGEZERO,
// __TEXT from file offset 0 holding the headers, __DATA with a zero-fill __bss, __LINKEDIT with
// the symbol table), and a kernelcache-style MH_FILESET wrapping one such entry.
import { buildMachO, stringTableSize, symtabBlobs, type HandCommand, type HandSymbol } from './macho-builder.ts';

export const N_EXT = 0x01;
export const N_SECT = 0x0e;
export const N_ABS = 0x02;

export const EXEC_SYMBOLS: HandSymbol[] = [
  { name: '__mh_execute_header', type: N_SECT | N_EXT, sect: 1, desc: 0x10, value: 0x100000000n },
  { name: '_main', type: N_SECT | N_EXT, sect: 1, desc: 0, value: 0x100003f00n },
  { name: '_helper', type: N_SECT, sect: 1, desc: 0, value: 0x100003f10n },
  { name: '_counter', type: N_SECT | N_EXT, sect: 2, desc: 0, value: 0x100004000n },
  { name: '_buf', type: N_SECT, sect: 3, desc: 0, value: 0x100004010n },
  { name: '_abs_marker', type: N_ABS | N_EXT, sect: 0, desc: 0, value: 0x1234n },
  { name: '_puts', type: N_EXT, sect: 0, desc: 0x100, value: 0n },
];

/** Code at _main: mov x0, #1; bl _helper; ret — the instruction words, little-endian. */
export const TEXT_BYTES = Uint8Array.from([0x20, 0x00, 0x80, 0xd2, 0x04, 0x00, 0x00, 0x94, 0xc0, 0x03, 0x5f, 0xd6, 0x1f, 0x20, 0x03, 0xd5, 0x00, 0x08, 0x00, 0x91, 0xc0, 0x03, 0x5f, 0xd6, 0, 0, 0, 0, 0, 0, 0, 0]);
export const DATA_BYTES = Uint8Array.from([7, 0, 0, 0, 0, 0, 0, 0, 0xaa, 0xbb, 0xcc, 0xdd, 0, 0, 0, 0]);

export function execCommands(entry: 'unixthread' | 'main'): HandCommand[] {
  const symoff = 0x8000;
  return [
    { kind: 'segment', segment: { segname: '__PAGEZERO', vmaddr: 0n, vmsize: 0x100000000n, fileoff: 0n, filesize: 0n, maxprot: 0, initprot: 0, sections: [] } },
    {
      kind: 'segment',
      segment: {
        segname: '__TEXT',
        vmaddr: 0x100000000n,
        vmsize: 0x4000n,
        fileoff: 0n,
        filesize: 0x4000n,
        maxprot: 5,
        initprot: 5,
        sections: [{ sectname: '__text', segname: '__TEXT', addr: 0x100003f00n, size: 0x20n, offset: 0x3f00, align: 2, flags: 0x80000400 }],
      },
    },
    {
      kind: 'segment',
      segment: {
        segname: '__DATA',
        vmaddr: 0x100004000n,
        vmsize: 0x8000n,
        fileoff: 0x4000n,
        filesize: 0x4000n,
        maxprot: 3,
        initprot: 3,
        sections: [
          { sectname: '__data', segname: '__DATA', addr: 0x100004000n, size: 0x10n, offset: 0x4000, align: 3, flags: 0 },
          { sectname: '__bss', segname: '__DATA', addr: 0x100004010n, size: 0x100n, offset: 0, align: 3, flags: 0x1 },
        ],
      },
    },
    { kind: 'segment', segment: { segname: '__LINKEDIT', vmaddr: 0x10000c000n, vmsize: 0x4000n, fileoff: 0x8000n, filesize: 0x1000n, maxprot: 1, initprot: 1, sections: [] } },
    { kind: 'symtab', symoff, stroff: symoff + 16 * EXEC_SYMBOLS.length, symbols: EXEC_SYMBOLS },
    entry === 'unixthread' ? { kind: 'unixthread', pc: 0x100003f00n } : { kind: 'main', entryoff: 0x3f00n, stacksize: 0n },
    { kind: 'uuid', bytes: Uint8Array.from({ length: 16 }, (_, i) => 0x10 + i) },
  ];
}

export const EXEC_SIZE = 0x9000;

/** MH_EXECUTE (2), flags MH_NOUNDEFS|MH_DYLDLINK|MH_TWOLEVEL|MH_PIE = 0x200085. */
export function handExecutable(entry: 'unixthread' | 'main'): Uint8Array {
  return buildMachO({
    filetype: 2,
    flags: 0x200085,
    commands: execCommands(entry),
    blobs: [
      { offset: 0x3f00, bytes: TEXT_BYTES },
      { offset: 0x4000, bytes: DATA_BYTES },
    ],
    size: EXEC_SIZE,
  });
}

export const strtabSize = () => stringTableSize(EXEC_SYMBOLS);

/**
 * An MH_FILESET (12) as a kernelcache is built: top-level segments covering the whole file, one
 * LC_FILESET_ENTRY `com.apple.kernel` whose own MH_EXECUTE header (at file offset 0x4000) holds
 * the LC_UNIXTHREAD and its LC_SYMTAB (tables at file offsets, as in a real kernelcache).
 */
export function handFileset(): Uint8Array {
  const kernelSymbols: HandSymbol[] = [
    { name: '_start', type: N_SECT | N_EXT, sect: 1, desc: 0, value: 0xfffffe0007004000n + 0x100n },
    { name: '_kernel_bootstrap', type: N_SECT | N_EXT, sect: 1, desc: 0, value: 0xfffffe0007004000n + 0x180n },
  ];
  const symoff = 0xc000;
  const stroff = symoff + 16 * kernelSymbols.length;
  const kernel = buildMachO({
    filetype: 2,
    flags: 0x1,
    commands: [
      {
        kind: 'segment',
        segment: {
          segname: '__TEXT_EXEC',
          vmaddr: 0xfffffe0007004000n,
          vmsize: 0x4000n,
          fileoff: 0x4000n,
          filesize: 0x4000n,
          maxprot: 5,
          initprot: 5,
          sections: [{ sectname: '__text', segname: '__TEXT_EXEC', addr: 0xfffffe0007004100n, size: 0x200n, offset: 0x4100, align: 2, flags: 0x80000400 }],
        },
      },
      { kind: 'symtab', symoff, stroff, symbols: kernelSymbols },
      { kind: 'unixthread', pc: 0xfffffe0007004100n },
    ],
    blobs: [],
    size: 0x400,
  });
  const { nlist, strings } = symtabBlobs(kernelSymbols);
  return buildMachO({
    filetype: 12,
    flags: 0x80000000,
    commands: [
      {
        kind: 'segment',
        segment: { segname: '__TEXT', vmaddr: 0xfffffe0007000000n, vmsize: 0x4000n, fileoff: 0n, filesize: 0x4000n, maxprot: 1, initprot: 1, sections: [] },
      },
      {
        kind: 'segment',
        segment: { segname: '__TEXT_EXEC', vmaddr: 0xfffffe0007004000n, vmsize: 0x4000n, fileoff: 0x4000n, filesize: 0x4000n, maxprot: 5, initprot: 5, sections: [] },
      },
      {
        kind: 'segment',
        segment: { segname: '__LINKEDIT', vmaddr: 0xfffffe0007008000n, vmsize: 0x4000n, fileoff: 0xc000n, filesize: 0x1000n, maxprot: 1, initprot: 1, sections: [] },
      },
      { kind: 'fileset-entry', vmaddr: 0xfffffe0007004000n, fileoff: 0x4000n, id: 'com.apple.kernel' },
    ],
    blobs: [
      { offset: 0x4000, bytes: kernel.subarray(0, 0x400) },
      { offset: symoff, bytes: nlist },
      { offset: stroff, bytes: strings },
    ],
    size: 0xd000,
  });
}
