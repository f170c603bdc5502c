// Layer: core/formats. The `<symbol+0xoff>` llvm-objdump-16 -d prints after a branch or ADRP
// target, reproduced rule for rule (llvm/tools/llvm-objdump/llvm-objdump.cpp, disassembleObject;
// PLT entries from ELFObjectFile::getPltAddresses and AArch64MCInstrAnalysis::findPltEntries).
// This is not "which function holds this address" (ElfFile.symbolize answers that): llvm-objdump
// names a target after the nearest symbol *below* it in the section(s) that start nearest below
// it, however far past that symbol's end, and falls back to absolute symbols. Imports this folder only.
//
// The rules, as llvm-objdump-16 applies them:
// - Symbols: every named .symtab symbol but STT_SECTION ones (STT_FILE and the mapping symbols
//   $x/$d included), each filed under its section; those without one (undefined, SHN_ABS,
//   SHN_COMMON) are "absolute". Undefined ones sit at 0, common ones at their size. Only when no
//   symbol has a section (a stripped image) do the .dynsym symbols with a section stand in.
// - PLT: for each R_AARCH64_JUMP_SLOT in .rela.plt whose GOT slot a .plt entry loads
//   (adrp + ldr found by scanning .plt), a symbol `name@plt` at that entry, filed under .plt.
// - Each section's list is sorted by (address, name, type); of several symbols at one address the
//   last one wins.
// - A text section llvm-objdump has reached gets a symbol named after the section at its start
//   (`.plt`), losing to any real symbol at that address (in a .o, only a section with no symbol,
//   mapping ones included, at offset 0 gets one). llvm-objdump adds it as it goes, so a target in
//   a text section *after* the one being disassembled does not see it yet: the answer depends on
//   which section the code comes from (`from`).
// - Target T in an executable or shared object: the sections at the greatest address <= T
//   (every section, unallocated ones at 0 included), largest first; in each, the last symbol at
//   or below T that is not a mapping symbol; else the last absolute symbol at or below T.
//   In a relocatable object (.o) only the symbols of the section being disassembled count,
//   then the absolute ones.
// Newer llvm-objdump differs (STT_FILE dropped, a section symbol also where only mapping symbols
// are at the start); each rule above was checked against llvm-objdump-16's own output
// (test/formats/objdump-symbolizer.test.ts).

import { FileType, SectionType, SHN_LORESERVE, SHN_UNDEF, SymbolType } from './constants.ts';
import type { ElfFile } from './elf-file.ts';
import type { Section } from './headers.ts';
import type { ElfSymbol } from './symbols.ts';

/** One entry of llvm-objdump's per-section symbol lists (its SymbolInfoTy). */
interface Entry {
  readonly address: bigint;
  readonly name: string;
  readonly type: number;
  /** $x / $d: kept in the lists, never named as a target. */
  readonly mapping: boolean;
}

const SHN_COMMON = 0xfff2;
const SHF_EXECINSTR = 0x4n;
const R_AARCH64_JUMP_SLOT = 1026;
const RELA_SIZE = 24;
const U64 = (v: bigint) => BigInt.asUintN(64, v);

/** StringRef ordering: UTF-8 bytes, i.e. code points (JS `<` compares UTF-16 units). */
function compareNames(a: string, b: string): number {
  if (a === b) return 0;
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(j)!;
    if (ca !== cb) return ca < cb ? -1 : 1;
    i += ca > 0xffff ? 2 : 1;
    j += cb > 0xffff ? 2 : 1;
  }
  return a.length < b.length ? -1 : 1; // a prefix sorts first; equal prefixes of unequal length
}

function compareEntries(a: Entry, b: Entry): number {
  if (a.address !== b.address) return a.address < b.address ? -1 : 1;
  return compareNames(a.name, b.name) || a.type - b.type;
}

const isMappingName = (name: string) => name.startsWith('$x') || name.startsWith('$d');

/** llvm's SymbolRef::getAddress for ELF: undefined → 0, common → size, else st_value (+ section address in a .o). */
function symbolAddress(s: ElfSymbol, sections: readonly Section[], relocatable: boolean): bigint {
  if (s.sectionIndex === SHN_UNDEF) return 0n;
  if (s.sectionIndex === SHN_COMMON) return s.size;
  const section = s.sectionIndex < SHN_LORESERVE ? sections[s.sectionIndex] : undefined;
  return relocatable && section ? U64(s.value + section.addr) : s.value;
}

/** The section a symbol is filed under, or undefined for an "absolute" one. */
function symbolSection(s: ElfSymbol, sections: readonly Section[]): number | undefined {
  if (s.sectionIndex === SHN_UNDEF || s.sectionIndex >= SHN_LORESERVE) return undefined;
  return s.sectionIndex < sections.length ? s.sectionIndex : undefined;
}

/** Everything that does not depend on the section being disassembled, built once per image. */
interface Tables {
  readonly relocatable: boolean;
  readonly bySection: ReadonlyMap<number, readonly Entry[]>;
  readonly absolute: readonly Entry[];
  /** Every section, by (address, size), stable: llvm-objdump's SectionAddresses. */
  readonly byAddress: readonly Section[];
  /** Text sections llvm-objdump disassembles that get a section-named symbol at their start. */
  readonly dummies: ReadonlyMap<number, Entry>;
}

const cache = new WeakMap<ElfFile, Tables>();

function buildTables(elf: ElfFile): Tables {
  const { sections } = elf;
  const relocatable = elf.header.type === FileType.REL;
  const bySection = new Map<number, Entry[]>();
  const absolute: Entry[] = [];
  const file = (section: number | undefined, e: Entry) => {
    if (section === undefined) return void absolute.push(e);
    const list = bySection.get(section);
    if (list) list.push(e);
    else bySection.set(section, [e]);
  };

  for (const s of elf.symbols) {
    if (s.table !== '.symtab' || s.name === '' || s.type === SymbolType.SECTION) continue;
    const entry = { address: symbolAddress(s, sections, relocatable), name: s.name, type: s.type, mapping: isMappingName(s.name) };
    file(symbolSection(s, sections), entry);
  }
  if (bySection.size === 0) {
    // A stripped image: the dynamic symbols that have a section stand in (addDynamicElfSymbols).
    for (const s of elf.symbols) {
      if (s.table !== '.dynsym' || s.name === '' || s.type === SymbolType.SECTION) continue;
      const section = symbolSection(s, sections);
      if (section === undefined) continue;
      file(section, { address: symbolAddress(s, sections, relocatable), name: s.name, type: s.type, mapping: false });
    }
  }
  for (const plt of pltEntries(elf)) file(plt.section, plt.entry);

  for (const list of bySection.values()) list.sort(compareEntries);
  absolute.sort(compareEntries);

  const byAddress = [...sections].sort((a, b) => (a.addr !== b.addr ? (a.addr < b.addr ? -1 : 1) : a.size < b.size ? -1 : a.size > b.size ? 1 : 0));

  // llvm-objdump-16 tests `Symbols[0].Addr != 0`, not `!= SectionAddr`: in a linked image every
  // disassembled section gets one; in a .o, those without a symbol (mapping ones count) at 0.
  const dummies = new Map<number, Entry>();
  for (const s of sections) {
    if ((s.flags & SHF_EXECINSTR) === 0n || s.type === SectionType.NOBITS || s.size === 0n) continue;
    const first = bySection.get(s.index)?.[0];
    if (first === undefined || first.address !== 0n) dummies.set(s.index, { address: s.addr, name: s.name, type: SymbolType.FUNC, mapping: false });
  }
  return { relocatable, bySection, absolute, byAddress, dummies };
}

/** Synthetic `name@plt` symbols: .plt entries matched to .rela.plt's JUMP_SLOT relocations by GOT slot. */
function pltEntries(elf: ElfFile): Array<{ section: number; entry: Entry }> {
  const named = (name: string) => elf.sections.filter((s) => s.name === name).at(-1);
  const plt = named('.plt');
  const relaPlt = named('.rela.plt');
  const gotPlt = named('.got.plt');
  if (!plt || !relaPlt || !gotPlt || plt.type === SectionType.NOBITS) return [];
  // GOT slot → PLT entry, the first entry found for a slot kept.
  const gotToPlt = new Map<bigint, bigint>();
  for (const [entry, got] of findPltEntries(elf.sectionBytes(plt), plt.addr)) if (!gotToPlt.has(got)) gotToPlt.set(got, entry);

  if (relaPlt.type !== SectionType.RELA || relaPlt.entsize !== BigInt(RELA_SIZE)) return [];
  const symtab = elf.sections[relaPlt.link];
  const table = symtab?.type === SectionType.DYNSYM ? '.dynsym' : symtab?.type === SectionType.SYMTAB ? '.symtab' : undefined;
  const symbols = table ? elf.symbols.filter((s) => s.table === table) : [];
  const bytes = elf.sectionBytes(relaPlt);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Array<{ section: number; entry: Entry }> = [];
  for (let at = 0; at + RELA_SIZE <= bytes.length; at += RELA_SIZE) {
    const info = view.getBigUint64(at + 8, true);
    if (Number(info & 0xffffffffn) !== R_AARCH64_JUMP_SLOT) continue;
    const address = gotToPlt.get(view.getBigUint64(at, true));
    if (address === undefined) continue;
    // Symbol 0 (none) or one past the table: llvm-objdump warns and names nothing.
    const symbol = symbols[Number(info >> 32n) - 1];
    if (symbol === undefined || symbol.name === '') continue;
    out.push({ section: plt.index, entry: { address, name: `${symbol.name}@plt`, type: symbol.type, mapping: false } });
  }
  return out;
}

/**
 * [entry address, GOT slot] for each `adrp xN, page; ldr xM, [xN, #off]` pair in .plt, as
 * AArch64MCInstrAnalysis::findPltEntries finds them (a `bti c` before the adrp is stepped over,
 * the entry then starting at the bti). llvm reads only 18 of adrp's 19 high immediate bits, so a
 * GOT below the PLT comes out wrong there as here.
 */
export function findPltEntries(code: Uint8Array, pltAddress: bigint): Array<[bigint, bigint]> {
  const view = new DataView(code.buffer, code.byteOffset, code.byteLength);
  const word = (at: number) => (at + 4 <= code.length ? view.getUint32(at, true) : 0);
  const out: Array<[bigint, bigint]> = [];
  for (let at = 0; at + 7 < code.length; at += 4) {
    let off = 0;
    let insn = word(at);
    if (insn === 0xd503245f) {
      off = 4;
      insn = word(at + off);
    }
    if ((insn & 0x9f000000) >>> 0 !== 0x90000000) continue;
    off += 4;
    const here = pltAddress + BigInt(at);
    let got = U64(((here >> 12n) << 12n) + (BigInt((insn >>> 29) & 3) << 12n) + (BigInt((insn >>> 5) & 0x3ffff) << 14n));
    const ldr = word(at + off);
    if (ldr >>> 22 === 0x3e5) {
      got = U64(got + (BigInt((ldr >>> 10) & 0xfff) << 3n));
      out.push([here, got]);
      at += 4;
    }
  }
  return out;
}

/**
 * std::partition_point over `list` (with `front` before it, as llvm-objdump inserts its section
 * symbol) for `address <= target`, then back over mapping symbols: the symbol naming `target`.
 */
function lastAtOrBelow(list: readonly Entry[], front: Entry | undefined, target: bigint): Entry | undefined {
  const at = (i: number) => (front ? (i === 0 ? front : list[i - 1]!) : list[i]!);
  let first = 0;
  let len = list.length + (front ? 1 : 0);
  while (len > 0) {
    const half = len >>> 1;
    if (at(first + half).address <= target) {
      first += half + 1;
      len -= half + 1;
    } else {
      len = half;
    }
  }
  for (let i = first - 1; i >= 0; i--) if (!at(i).mapping) return at(i);
  return undefined;
}

/**
 * A function naming branch and ADRP targets exactly as llvm-objdump-16 -d does inside `<…>`:
 * `name` or `name+0xoff`, undefined where it prints nothing.
 *
 * `from` is the section whose code is being disassembled. llvm-objdump's answer depends on it:
 * in a relocatable object (.o, every section at 0) only that section's symbols count, and a text
 * section's section-named symbol exists only once llvm-objdump has reached that section. Omitted:
 * as seen after every text section (in a .o, only absolute symbols then answer).
 */
export function objdumpSymbolizer(elf: ElfFile, from?: Section): (address: bigint) => string | undefined {
  let tables = cache.get(elf);
  if (!tables) cache.set(elf, (tables = buildTables(elf)));
  const { relocatable, bySection, absolute, byAddress, dummies } = tables;
  const reached = (section: number) => from === undefined || section <= from.index;
  const inSection = (section: number, target: bigint) => {
    const dummy = dummies.get(section);
    return lastAtOrBelow(bySection.get(section) ?? [], dummy && reached(section) ? dummy : undefined, target);
  };

  return (target) => {
    let hit: Entry | undefined;
    if (relocatable) {
      if (from) hit = inSection(from.index, target);
    } else {
      // Sections at the greatest address <= target, the largest first (SectionAddresses walked back).
      let i = partitionPoint(byAddress, (s) => s.addr <= target) - 1;
      const address = byAddress[i]?.addr;
      for (; !hit && i >= 0 && byAddress[i]!.addr === address; i--) hit = inSection(byAddress[i]!.index, target);
    }
    hit ??= lastAtOrBelow(absolute, undefined, target);
    if (!hit) return undefined;
    const disp = U64(target - hit.address);
    return disp === 0n ? hit.name : `${hit.name}+0x${disp.toString(16)}`;
  };
}

function partitionPoint<T>(list: readonly T[], below: (x: T) => boolean): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (below(list[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
