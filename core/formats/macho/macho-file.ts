// Layer: core/formats. A parsed 64-bit arm64 Mach-O: header, load commands, segments and
// sections, symbols, entry point, kernelcache fileset entries, and the load plan m1n1's host
// follows (spec §13.4: every LC_SEGMENT_64 copied to `vmaddr − vmin` from the guest base, the
// rest of vmsize zeroed, entry at `pc − vmin`). Parsing is eager and checked. Imports this
// folder, ../dwarf/sections.ts, ../format-error.ts, ../symbolizer.ts.

import { collectDwarfSections, type DwarfSections } from '../dwarf/sections.ts';
import { FormatError, FormatErrorCode } from '../format-error.ts';
import type { SortedSymbols } from '../symbolizer.ts';
import { FileType, S_GB_ZEROFILL, S_THREAD_LOCAL_ZEROFILL, S_ZEROFILL } from './constants.ts';
import { readHeader, readLoadCommands, type FilesetEntryCommand, type LoadCommand, type MachHeader, type MachSection, type SegmentCommand } from './load-commands.ts';
import { machoSymbolizer, readSymbols, type MachoSymbol } from './symbols.ts';

export interface MachoLoadSegment {
  readonly name: string;
  readonly vmaddr: bigint;
  readonly vmsize: bigint;
  readonly fileoff: bigint;
  readonly filesize: bigint;
  /** Where it goes, relative to the guest base: vmaddr − vmin. */
  readonly offset: bigint;
  /** Bytes to place from `offset`: the file bytes, then zeros up to this size. */
  readonly memSize: bigint;
}

export interface MachoLoadPlan {
  /** Lowest vmaddr of the placed segments: the address the guest base stands for. */
  readonly vmin: bigint;
  /** Highest vmaddr + vmsize. */
  readonly vmax: bigint;
  /** The entry's virtual address (LC_UNIXTHREAD pc, or LC_MAIN's entryoff mapped through its segment). */
  readonly entry: bigint;
  /** entry − vmin: m1n1 starts the guest at guest_base + this. */
  readonly entryOffset: bigint;
  readonly segments: readonly MachoLoadSegment[];
}

export interface FilesetEntry {
  readonly entryId: string;
  readonly vmaddr: bigint;
  readonly fileoff: bigint;
}

export class MachoFile {
  private symbolIndex: SortedSymbols | undefined;

  private constructor(
    readonly bytes: Uint8Array,
    readonly header: MachHeader,
    readonly commands: readonly LoadCommand[],
    readonly symbols: readonly MachoSymbol[],
  ) {}

  /** Parses the Mach-O whose header is at `offset` (0, or a fileset entry's fileoff); throws FormatError (MACHO_*). */
  static parse(bytes: Uint8Array, offset = 0): MachoFile {
    const header = readHeader(bytes, offset);
    const commands = readLoadCommands(bytes, header);
    const sections = commands.flatMap((c) => (c.kind === 'segment' ? c.sections : []));
    const symtab = commands.find((c) => c.kind === 'symtab');
    return new MachoFile(bytes, header, commands, symtab ? readSymbols(bytes, symtab, sections) : []);
  }

  get segments(): SegmentCommand[] {
    return this.commands.filter((c): c is SegmentCommand => c.kind === 'segment');
  }

  get sections(): MachSection[] {
    return this.segments.flatMap((s) => s.sections);
  }

  section(segname: string, sectname: string): MachSection | undefined {
    return this.sections.find((s) => s.segname === segname && s.sectname === sectname);
  }

  /** A section's file bytes (zeros for zero-fill sections). */
  sectionBytes(s: MachSection): Uint8Array {
    const type = s.flags & 0xff;
    if (type === S_ZEROFILL || type === S_GB_ZEROFILL || type === S_THREAD_LOCAL_ZEROFILL) return new Uint8Array(Number(s.size));
    return this.bytes.subarray(s.offset, s.offset + Number(s.size));
  }

  get filesetEntries(): FilesetEntry[] {
    return this.commands
      .filter((c): c is FilesetEntryCommand => c.kind === 'fileset-entry')
      .map((c) => ({ entryId: c.entryId, vmaddr: c.vmaddr, fileoff: c.fileoff }));
  }

  /** The Mach-O of a fileset entry (`com.apple.kernel`), parsed from the same file. */
  filesetEntry(entryId: string): MachoFile {
    const e = this.filesetEntries.find((x) => x.entryId === entryId);
    if (!e) {
      throw new FormatError(FormatErrorCode.MACHO_MALFORMED, `the Mach-O has no fileset entry '${entryId}'`, { structure: 'Mach-O' }, { hint: `entries: ${this.filesetEntries.map((x) => x.entryId).join(', ') || 'none'}` });
    }
    const entry = MachoFile.parse(this.bytes, Number(e.fileoff));
    // Filesets do not nest; an entry pointing back at a fileset header would recurse forever.
    if (entry.header.filetype === FileType.FILESET) {
      throw new FormatError(FormatErrorCode.MACHO_MALFORMED, `fileset entry '${entryId}' at offset 0x${e.fileoff.toString(16)} is itself an MH_FILESET`, { structure: 'LC_FILESET_ENTRY', offset: Number(e.fileoff) });
    }
    return entry;
  }

  /**
   * The entry point's virtual address: LC_UNIXTHREAD / LC_THREAD pc, else LC_MAIN's entryoff
   * through the segment holding that file offset; for a fileset, the first entry that has one
   * (the kernel). Undefined when there is none (an object file, a dylib).
   */
  get entry(): bigint | undefined {
    for (const c of this.commands) if (c.kind === 'thread' && c.pc !== undefined) return c.pc;
    for (const c of this.commands) {
      if (c.kind !== 'main') continue;
      const seg = this.segments.find((s) => c.entryoff >= s.fileoff && c.entryoff < s.fileoff + s.filesize);
      if (seg) return seg.vmaddr + (c.entryoff - seg.fileoff);
    }
    if (this.header.filetype === FileType.FILESET) {
      for (const e of this.filesetEntries) {
        const pc = this.filesetEntry(e.entryId).entry;
        if (pc !== undefined) return pc;
      }
    }
    return undefined;
  }

  /** Every symbol of this file, and for a fileset, of each entry too (entry symbols after the top level's). */
  allSymbols(): MachoSymbol[] {
    if (this.header.filetype !== FileType.FILESET) return [...this.symbols];
    return [...this.symbols, ...this.filesetEntries.flatMap((e) => this.filesetEntry(e.entryId).symbols)];
  }

  /** Address lookup over the defined symbols (those of fileset entries included). */
  get symbolizer(): SortedSymbols {
    return (this.symbolIndex ??= machoSymbolizer(this.allSymbols()));
  }

  /** `__DWARF,__debug_*` sections, when the file has a line table (a .o or a dSYM). */
  dwarfSections(): DwarfSections | undefined {
    return collectDwarfSections((suffix) => {
      const s = this.section('__DWARF', `__debug_${suffix}`.slice(0, 16));
      return s ? this.sectionBytes(s) : undefined;
    });
  }

  /**
   * The segments to place and the entry, as m1n1's host places a Mach-O (§13.4): every
   * LC_SEGMENT_64 with a vmsize, relative to the lowest vmaddr; __PAGEZERO (no access, no file
   * bytes) is left out since it is a guard, not memory. m1n1's own PYLD segment keeps only its
   * file bytes plus a 4-byte zero end marker, as m1n1's loader does.
   */
  loadPlan(): MachoLoadPlan {
    const segs = this.segments.filter((s) => s.vmsize > 0n && !(s.segname === '__PAGEZERO' || (s.initprot === 0 && s.maxprot === 0 && s.filesize === 0n)));
    if (segs.length === 0) throw new FormatError(FormatErrorCode.MACHO_MALFORMED, 'the Mach-O has no LC_SEGMENT_64 to load', { structure: 'Mach-O' });
    const entry = this.entry;
    if (entry === undefined) {
      throw new FormatError(FormatErrorCode.MACHO_NO_ENTRY, 'the Mach-O has no entry point (no LC_UNIXTHREAD with an ARM_THREAD_STATE64 pc, no LC_MAIN)', { structure: 'Mach-O' }, {
        hint: 'an object file or dylib cannot be run as a guest; give a linked kernel or m1n1.macho',
      });
    }
    let vmin = segs[0]!.vmaddr;
    let vmax = 0n;
    for (const s of segs) {
      if (s.vmaddr < vmin) vmin = s.vmaddr;
      if (s.vmaddr + s.vmsize > vmax) vmax = s.vmaddr + s.vmsize;
    }
    if (entry < vmin || entry >= vmax) {
      throw new FormatError(FormatErrorCode.MACHO_MALFORMED, `the entry point 0x${entry.toString(16)} is outside the loaded segments (0x${vmin.toString(16)}..0x${vmax.toString(16)})`, { structure: 'Mach-O' });
    }
    const segments = segs.map((s) => {
      const filesize = s.filesize < s.vmsize ? s.filesize : s.vmsize;
      const memSize = s.segname === 'PYLD' && s.vmsize > filesize ? filesize + 4n : s.vmsize;
      return { name: s.segname, vmaddr: s.vmaddr, vmsize: s.vmsize, fileoff: s.fileoff, filesize, offset: s.vmaddr - vmin, memSize };
    });
    return { vmin, vmax, entry, entryOffset: entry - vmin, segments };
  }
}
