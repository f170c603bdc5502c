// Layer: core/formats. Recognises a guest file — AArch64 ELF, 64-bit arm64 Mach-O (a macOS
// kernel, a kernelcache fileset, m1n1.macho) or an arm64 Linux Image, any of them optionally
// gzip-compressed — and turns it into one GuestLoadPlan core/hv uploads (§13.4): the byte runs
// to place, where, the entry, symbols and line info for the debugger. Imports this folder
// (elf/, dwarf/, macho/, linux-image.ts, system-map.ts) and core/errors via format-error.ts.

import { dwarfSectionsFromElf, type DwarfSections } from './dwarf/sections.ts';
import { FunctionIndex, readCompileUnits } from './dwarf/debug-info.ts';
import { LineTable } from './dwarf/line-table.ts';
import { ElfFile, FileType as ElfFileType } from './elf/index.ts';
import { FormatError, FormatErrorCode } from './format-error.ts';
import { gunzip, isGzip, IMAGE_BASE_ALIGN, MAGIC_OFFSET, ARM64_IMAGE_MAGIC, parseLinuxImage, type LinuxImage } from './linux-image.ts';
import { MH_MAGIC_64, OTHER_MAGICS } from './macho/constants.ts';
import { MachoFile, type MachoLoadPlan } from './macho/macho-file.ts';
import type { Symbolizer } from './symbolizer.ts';
import { SystemMap } from './system-map.ts';

export interface GuestSegment {
  /** Segment or section name for progress and messages (`__TEXT`, `PT_LOAD 0`, `Image`). */
  readonly name: string;
  /** Where the first byte goes; absolute or base-relative as GuestLoadPlan.placement says. */
  readonly addr: bigint;
  /** The bytes to write at `addr` (a view into the file, not a copy). */
  readonly bytes: Uint8Array;
  /** Memory the segment occupies from `addr`: bytes, then zeros up to here (BSS). */
  readonly memSize: bigint;
}

export type GuestPlacement =
  /** `addr` and `entry` are physical addresses (an ELF linked to run where it is loaded). */
  | { readonly kind: 'absolute' }
  /**
   * `addr` and `entry` are offsets from a base the host chooses, aligned to `align` (Mach-O:
   * guest_base = vmin, §13.4; Linux Image: a 2 MiB-aligned base, the Image at text_offset).
   * `linkBase` is the link-time address the base stands for (Mach-O vmin; 0 for an Image).
   */
  | { readonly kind: 'relative'; readonly align: bigint; readonly linkBase: bigint };

/** What the guest expects in registers at entry: xnu and m1n1 take boot_args in x0, Linux the DTB's address. */
export type GuestBootProtocol = 'xnu' | 'linux-arm64' | 'bare';

export interface GuestLoadPlan {
  readonly placement: GuestPlacement;
  readonly segments: readonly GuestSegment[];
  readonly entry: bigint;
  readonly boot: GuestBootProtocol;
  /** Symbols at link-time addresses (what the guest's PCs are), or undefined when the file has none. */
  readonly symbols: Symbolizer | undefined;
  /** DWARF line table, when the file carries .debug_line. */
  readonly lines?: LineTable;
  /** Functions from .debug_info (names and [low_pc, high_pc)), for backtraces without a symbol table. */
  readonly functions?: FunctionIndex;
  /** Why `lines` or `functions` is missing although the file has DWARF (damaged); the image still loads. */
  readonly linesError?: FormatError;
}

interface Common {
  readonly name: string;
  /** The file was gzip-compressed (Image.gz); `plan` refers to the inflated bytes. */
  readonly gzipped: boolean;
  readonly plan: GuestLoadPlan;
}
export type GuestImage =
  | (Common & { readonly kind: 'elf'; readonly elf: ElfFile })
  | (Common & { readonly kind: 'macho'; readonly macho: MachoFile; readonly machoPlan: MachoLoadPlan })
  | (Common & { readonly kind: 'linux-image'; readonly image: LinuxImage });

export interface DetectOptions {
  /** System.map text, for a Linux Image (which carries no symbols). */
  readonly systemMap?: string;
}

/** Mach-O segments are placed at 16 KiB granularity by m1n1 (§13.4). */
export const MACHO_BASE_ALIGN = 0x4000n;

const u32 = (b: Uint8Array, at: number) => (b.length >= at + 4 ? new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(at, true) : undefined);

/** Identifies `bytes` and builds its load plan; FormatError / ElfError for anything it cannot load. */
export function detectGuestImage(bytes: Uint8Array, name = 'guest image', options: DetectOptions = {}): GuestImage {
  const gzipped = isGzip(bytes);
  const data = gzipped ? gunzip(bytes, name) : bytes;
  const magic = u32(data, 0);
  if (data[0] === 0x7f && data[1] === 0x45 && data[2] === 0x4c && data[3] === 0x46) {
    const elf = ElfFile.parse(data);
    return { kind: 'elf', name, gzipped, elf, plan: elfPlan(elf, name) };
  }
  if (magic === MH_MAGIC_64 || (magic !== undefined && OTHER_MAGICS[magic] !== undefined)) {
    const macho = MachoFile.parse(data);
    const machoPlan = macho.loadPlan();
    return { kind: 'macho', name, gzipped, macho, machoPlan, plan: machoGuestPlan(macho, machoPlan) };
  }
  if (u32(data, MAGIC_OFFSET) === ARM64_IMAGE_MAGIC) {
    const image = parseLinuxImage(data);
    return { kind: 'linux-image', name, gzipped, image, plan: linuxPlan(image, options) };
  }
  const head = [...data.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new FormatError(FormatErrorCode.GUEST_IMAGE_UNKNOWN, `${name} is not a guest hvdbg can load (first bytes: ${head || 'none, the file is empty'}${gzipped ? ', after gunzip' : ''})`, { structure: name, offset: 0 });
}

/** Line table and functions from the DWARF sections; damaged DWARF is reported in linesError, never thrown. */
function withLines(get: () => DwarfSections | undefined): { lines?: LineTable; functions?: FunctionIndex; linesError?: FormatError } {
  const out: { lines?: LineTable; functions?: FunctionIndex; linesError?: FormatError } = {};
  const guard = (f: () => void) => {
    try {
      f();
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      out.linesError ??= e;
    }
  };
  let sections: DwarfSections | undefined;
  guard(() => (sections = get()));
  if (!sections) return out;
  const s = sections;
  const compDirs = new Map<number, string>();
  guard(() => {
    const units = readCompileUnits(s);
    for (const u of units) if (u.stmtList !== undefined && u.compDir !== undefined) compDirs.set(u.stmtList, u.compDir);
    out.functions = new FunctionIndex(units);
  });
  guard(() => (out.lines = LineTable.parse(s, { compDirs })));
  return out;
}

function elfPlan(elf: ElfFile, name: string): GuestLoadPlan {
  if (elf.header.type !== ElfFileType.EXEC && elf.header.type !== ElfFileType.DYN) {
    throw new FormatError(FormatErrorCode.GUEST_IMAGE_UNKNOWN, `${name} is an ELF object file (e_type ${elf.header.type}), not a linked program`, { structure: name }, { hint: 'link it first (the demo guest is built with its linker script)' });
  }
  const loads = elf.loadSegments.filter((s) => s.memsz > 0n);
  if (loads.length === 0) throw new FormatError(FormatErrorCode.GUEST_IMAGE_UNKNOWN, `${name} has no PT_LOAD segment to place`, { structure: name });
  const lines = withLines(() => dwarfSectionsFromElf(elf));
  const symbols = elf.addressSymbols.length > 0 ? elf : undefined;
  if (elf.header.type === ElfFileType.DYN) {
    // A position-independent image: offsets from its lowest vaddr, base aligned to the largest p_align.
    let low = loads[0]!.vaddr;
    let align = 0x1000n;
    for (const s of loads) {
      if (s.vaddr < low) low = s.vaddr;
      if (s.align > align) align = s.align;
    }
    const segments = loads.map((s) => ({ name: `PT_LOAD ${s.index}`, addr: s.vaddr - low, bytes: elf.bytes.subarray(Number(s.offset), Number(s.offset + s.filesz)), memSize: s.memsz }));
    return { placement: { kind: 'relative', align, linkBase: low }, segments, entry: elf.entry - low, boot: 'bare', symbols, ...lines };
  }
  // Placed at physical addresses (p_paddr); the entry, a virtual address, goes through its segment.
  const segments = loads.map((s) => ({ name: `PT_LOAD ${s.index}`, addr: s.paddr, bytes: elf.bytes.subarray(Number(s.offset), Number(s.offset + s.filesz)), memSize: s.memsz }));
  const home = loads.find((s) => elf.entry >= s.vaddr && elf.entry < s.vaddr + s.memsz);
  if (!home) {
    throw new FormatError(FormatErrorCode.GUEST_IMAGE_UNKNOWN, `${name}'s entry point 0x${elf.entry.toString(16)} is in no PT_LOAD segment`, { structure: name }, { hint: 'check e_entry and the program headers with `llvm-readelf -lh FILE`' });
  }
  return { placement: { kind: 'absolute' }, segments, entry: elf.entry - home.vaddr + home.paddr, boot: 'bare', symbols, ...lines };
}

function machoGuestPlan(macho: MachoFile, plan: MachoLoadPlan): GuestLoadPlan {
  const segments = plan.segments.map((s) => ({ name: s.name, addr: s.offset, bytes: macho.bytes.subarray(Number(s.fileoff), Number(s.fileoff + s.filesize)), memSize: s.memSize }));
  const symbols = macho.symbolizer.all.length > 0 ? macho.symbolizer : undefined;
  return { placement: { kind: 'relative', align: MACHO_BASE_ALIGN, linkBase: plan.vmin }, segments, entry: plan.entryOffset, boot: 'xnu', symbols, ...withLines(() => macho.dwarfSections()) };
}

function linuxPlan(image: LinuxImage, options: DetectOptions): GuestLoadPlan {
  const t = image.header.textOffset;
  return {
    placement: { kind: 'relative', align: IMAGE_BASE_ALIGN, linkBase: 0n },
    segments: [{ name: 'Image', addr: t, bytes: image.bytes, memSize: image.memSize }],
    entry: t,
    boot: 'linux-arm64',
    symbols: options.systemMap === undefined ? undefined : SystemMap.parse(options.systemMap),
  };
}
