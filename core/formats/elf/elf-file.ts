// Layer: core/formats. A parsed AArch64 ELF64 image: headers, loadable segments, sections,
// symbols, and reads by virtual address. Parsing is eager: everything is checked once, up front,
// so a malformed file fails at parseElf with a typed ElfError and never later. Imports this
// folder only (and no Node API: callers read the file).

import { ByteReader } from './byte-reader.ts';
import { SectionType, SegmentFlag, SegmentType } from './constants.ts';
import { ElfError, ElfErrorCode } from './errors.ts';
import { readFileHeader, readSections, readSegments, type FileHeader, type Section, type Segment } from './headers.ts';
import { readSymbols, SymbolIndex, type ElfSymbol } from './symbols.ts';

export class ElfFile {
  private readonly index: SymbolIndex;

  private constructor(
    readonly bytes: Uint8Array,
    readonly header: FileHeader,
    readonly segments: readonly Segment[],
    readonly sections: readonly Section[],
    /** Every symbol of .symtab and .dynsym, in table order. */
    readonly symbols: readonly ElfSymbol[],
  ) {
    this.index = new SymbolIndex(symbols, sections);
  }

  /** Parses and checks `bytes`; throws ElfError (code ELF_*) naming the bad field if malformed. */
  static parse(bytes: Uint8Array): ElfFile {
    const r = new ByteReader(bytes);
    const header = readFileHeader(r);
    const segments = readSegments(r, header);
    const sections = readSections(r, header);
    return new ElfFile(bytes, header, segments, sections, readSymbols(r, sections));
  }

  get entry(): bigint {
    return this.header.entry;
  }

  /** PT_LOAD segments, in file order. */
  get loadSegments(): Segment[] {
    return this.segments.filter((s) => s.type === SegmentType.LOAD);
  }

  /** Executable PT_LOAD segments (where code lives). */
  get codeSegments(): Segment[] {
    return this.loadSegments.filter((s) => (s.flags & SegmentFlag.X) !== 0);
  }

  section(name: string): Section | undefined {
    return this.sections.find((s) => s.name === name);
  }

  /** The loadable segment whose memory image holds `address`, if any. */
  segmentAt(address: bigint): Segment | undefined {
    return this.loadSegments.find((s) => address >= s.vaddr && address < s.vaddr + s.memsz);
  }

  /**
   * `length` bytes of the loaded image from `address`, as the loader lays them out: file bytes up
   * to p_filesz, zeros after. Throws ELF_ADDRESS_NOT_MAPPED when any byte is outside one segment.
   */
  read(address: bigint, length: number): Uint8Array {
    const seg = this.segmentAt(address);
    const last = address + BigInt(Math.max(length, 1)) - 1n;
    if (!seg || last >= seg.vaddr + seg.memsz) {
      throw new ElfError(
        ElfErrorCode.ADDRESS_NOT_MAPPED,
        `0x${address.toString(16)}..0x${last.toString(16)} is not inside one loadable segment of the image`,
        undefined,
        { hint: `loadable segments: ${this.loadSegments.map((s) => `0x${s.vaddr.toString(16)}-0x${(s.vaddr + s.memsz).toString(16)}`).join(', ') || 'none'}` },
      );
    }
    const out = new Uint8Array(length);
    const rel = Number(address - seg.vaddr);
    const inFile = Math.max(0, Math.min(length, Number(seg.filesz) - rel));
    const from = Number(seg.offset) + rel;
    if (inFile > 0) out.set(this.bytes.subarray(from, from + inFile));
    return out;
  }

  /** A section's bytes as loaded (zeros for SHT_NOBITS); its range was checked at parse. */
  sectionBytes(section: Section): Uint8Array {
    if (section.type === SectionType.NOBITS) return new Uint8Array(Number(section.size));
    if (section.type === SectionType.NULL) return new Uint8Array(0);
    return this.bytes.subarray(Number(section.offset), Number(section.offset + section.size));
  }

  /**
   * The bytes a symbol covers: through the loadable segments in an executable or shared object,
   * through its own section in a relocatable object (.o), whose sections all start at 0.
   */
  symbolBytes(symbol: ElfSymbol): Uint8Array {
    const section = this.sections[symbol.sectionIndex];
    if (this.loadSegments.length > 0 || !section) return this.read(symbol.value, Number(symbol.size));
    const from = symbol.value - section.addr;
    if (from < 0n || from + symbol.size > section.size) {
      throw new ElfError(ElfErrorCode.ADDRESS_NOT_MAPPED, `symbol '${symbol.name}' (0x${symbol.value.toString(16)}, ${symbol.size} bytes) lies outside its section ${section.name}`);
    }
    return this.sectionBytes(section).subarray(Number(from), Number(from + symbol.size));
  }

  /** The defined FUNC/OBJECT symbols the address lookup uses, sorted by address. */
  get addressSymbols(): readonly ElfSymbol[] {
    return this.index.all;
  }

  /** `main`, `main+0x10`, or undefined where no FUNC/OBJECT symbol covers `address`. */
  symbolize(address: bigint): string | undefined {
    return this.index.symbolize(address);
  }

  /** The covering symbol and the offset into it. */
  symbolAt(address: bigint): { symbol: ElfSymbol; offset: bigint } | undefined {
    return this.index.lookup(address);
  }

  /** A defined symbol by exact name (.symtab preferred, FUNC preferred). */
  findSymbol(name: string): ElfSymbol | undefined {
    return this.index.find(name);
  }

  /** Like findSymbol, but a missing name is an ELF_NO_SUCH_SYMBOL error. */
  requireSymbol(name: string): ElfSymbol {
    const s = this.findSymbol(name);
    if (s) return s;
    const hasSymtab = this.sections.some((x) => x.type === SectionType.SYMTAB);
    throw new ElfError(ElfErrorCode.NO_SUCH_SYMBOL, `the image defines no symbol '${name}'`, undefined, {
      hint: hasSymtab ? 'list the symbols with `llvm-readelf -s FILE`' : 'the image has no .symtab (stripped?); use --start ADDR --count N instead',
    });
  }
}

export const parseElf = (bytes: Uint8Array): ElfFile => ElfFile.parse(bytes);
