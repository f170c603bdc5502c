// Layer: core/formats. ELF symbol tables (.symtab, .dynsym) and the debugger's address →
// `name+0xoff` lookup ("which function is this address in"). The names llvm-objdump prints
// after branch targets follow other rules: objdump-symbolizer.ts. Imports this folder only.

import type { ByteReader } from './byte-reader.ts';
import { SectionType, SHN_UNDEF, SYM_SIZE, SymbolType } from './constants.ts';
import { ElfErrorCode, malformed } from './errors.ts';
import type { Section } from './headers.ts';

export interface ElfSymbol {
  readonly name: string;
  readonly value: bigint;
  readonly size: bigint;
  /** STT_*: 0 NOTYPE, 1 OBJECT, 2 FUNC, 3 SECTION, 4 FILE, 6 TLS, 10 GNU_IFUNC. */
  readonly type: number;
  /** STB_*: 0 LOCAL, 1 GLOBAL, 2 WEAK. */
  readonly binding: number;
  /** STV_*: st_other & 3. */
  readonly visibility: number;
  /** st_shndx: 0 undefined, 0xfff1 ABS, otherwise the defining section. */
  readonly sectionIndex: number;
  /** Which table it came from. */
  readonly table: '.symtab' | '.dynsym';
}

/** Every symbol of every SHT_SYMTAB and SHT_DYNSYM section, index 0 (the null symbol) left out. */
export function readSymbols(r: ByteReader, sections: readonly Section[]): ElfSymbol[] {
  const symbols: ElfSymbol[] = [];
  for (const s of sections) {
    if (s.type !== SectionType.SYMTAB && s.type !== SectionType.DYNSYM) continue;
    const where = `section ${s.index} (${s.name || 'unnamed'})`;
    if (s.entsize !== BigInt(SYM_SIZE)) {
      throw malformed(ElfErrorCode.BAD_ENTRY_SIZE, `${where} sh_entsize`, s.headerOffset + 56, `${s.entsize} is not the ELF64 symbol size (${SYM_SIZE})`);
    }
    if (s.size % BigInt(SYM_SIZE) !== 0n) {
      throw malformed(ElfErrorCode.BAD_ENTRY_SIZE, `${where} sh_size`, s.headerOffset + 32, `${s.size} is not a whole number of ${SYM_SIZE}-byte symbols`);
    }
    const strtab = sections[s.link];
    if (s.link === 0 || strtab === undefined || strtab.type !== SectionType.STRTAB) {
      throw malformed(ElfErrorCode.BAD_INDEX, `${where} sh_link`, s.headerOffset + 40, `${s.link} does not name a string table section`);
    }
    const strStart = Number(strtab.offset);
    const strSize = Number(strtab.size);
    const base = Number(s.offset);
    const count = Number(s.size) / SYM_SIZE;
    const table = s.type === SectionType.SYMTAB ? '.symtab' : '.dynsym';
    for (let i = 1; i < count; i++) {
      const at = base + i * SYM_SIZE;
      const info = r.u8(at + 4, `${table} symbol ${i} st_info`);
      symbols.push({
        name: r.cstring(strStart, strSize, r.u32(at, `${table} symbol ${i} st_name`), `${table} symbol ${i} st_name`, at),
        type: info & 0xf,
        binding: info >> 4,
        visibility: r.u8(at + 5, `${table} symbol ${i} st_other`) & 3,
        sectionIndex: r.u16(at + 6, `${table} symbol ${i} st_shndx`),
        value: r.u64(at + 8, `${table} symbol ${i} st_value`),
        size: r.u64(at + 16, `${table} symbol ${i} st_size`),
        table,
      });
    }
  }
  return symbols;
}

/** FUNC and OBJECT, and GNU_IFUNC (a function whose address a resolver picks: `memcpy` in static glibc). */
const isCodeOrData = (s: ElfSymbol) => (s.type === SymbolType.FUNC || s.type === SymbolType.OBJECT || s.type === SymbolType.GNU_IFUNC) && s.sectionIndex !== SHN_UNDEF && s.name !== '';

/**
 * Address lookup over the defined FUNC, IFUNC and OBJECT symbols. A symbol covers [value, value+size).
 * A size-0 one (assembly without `.size`, e.g. crtstuff's deregister_tm_clones) covers up to the
 * next symbol of its section or the section's end, as llvm-objdump treats it. Of several symbols
 * at one address the one with the greatest name wins, the one llvm-objdump's sorted list ends on.
 */
export class SymbolIndex {
  private readonly sorted: ElfSymbol[];
  /** maxEnd[i]: the highest end address among sorted[0..i], to stop the backward scan early. */
  private readonly maxEnd: bigint[];
  private readonly byName = new Map<string, ElfSymbol>();

  /** End address of each symbol in `sorted` (exclusive). */
  private readonly ends: bigint[];

  constructor(symbols: readonly ElfSymbol[], sections: readonly Section[] = []) {
    const seen = new Set<string>();
    this.sorted = symbols
      .filter(isCodeOrData)
      .filter((s) => {
        const key = `${s.value}:${s.name}`; // the same symbol in .symtab and .dynsym
        return seen.has(key) ? false : (seen.add(key), true);
      })
      .sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    // One backward pass (linear even for a damaged table of size-0 symbols): per section, the
    // lowest start seen so far and the lowest one above the current address.
    this.ends = new Array<bigint>(this.sorted.length);
    const above = new Map<number, { value: bigint; greater: bigint | undefined }>();
    for (let i = this.sorted.length - 1; i >= 0; i--) {
      const s = this.sorted[i]!;
      const seen = above.get(s.sectionIndex);
      const next = seen === undefined ? undefined : seen.value > s.value ? seen.value : seen.greater;
      above.set(s.sectionIndex, { value: s.value, greater: next });
      if (s.size !== 0n) {
        this.ends[i] = s.value + s.size;
        continue;
      }
      const section = sections[s.sectionIndex];
      let end = section && s.value >= section.addr && s.value < section.addr + section.size ? section.addr + section.size : s.value + 1n;
      if (next !== undefined && next < end) end = next;
      this.ends[i] = end;
    }
    let max = 0n;
    this.maxEnd = this.ends.map((e) => (max = maxBig(max, e)));
    // Names: .symtab before .dynsym, FUNC before OBJECT, GLOBAL before the rest.
    const rank = (s: ElfSymbol) => (s.table === '.symtab' ? 0 : 4) + (s.type === SymbolType.FUNC ? 0 : 2) + (s.binding === 1 ? 0 : 1);
    for (const s of symbols) {
      if (s.sectionIndex === SHN_UNDEF || s.name === '') continue;
      const old = this.byName.get(s.name);
      if (!old || rank(s) < rank(old)) this.byName.set(s.name, s);
    }
  }

  /** Symbols the lookup uses, by address. */
  get all(): readonly ElfSymbol[] {
    return this.sorted;
  }

  /** The symbol covering `address` and the offset into it, or undefined. */
  lookup(address: bigint): { symbol: ElfSymbol; offset: bigint } | undefined {
    // Last symbol starting at or before the address.
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid]!.value <= address) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo - 1; i >= 0 && this.maxEnd[i]! > address; i--) {
      const s = this.sorted[i]!;
      if (address < this.ends[i]!) return { symbol: s, offset: address - s.value };
    }
    return undefined;
  }

  /** `main` at its start, `main+0x10` inside it, undefined outside every symbol. */
  symbolize(address: bigint): string | undefined {
    const hit = this.lookup(address);
    if (!hit) return undefined;
    return hit.offset === 0n ? hit.symbol.name : `${hit.symbol.name}+0x${hit.offset.toString(16)}`;
  }

  /** A defined symbol of any type with this exact name. */
  find(name: string): ElfSymbol | undefined {
    return this.byName.get(name);
  }
}

const maxBig = (a: bigint, b: bigint) => (a > b ? a : b);
