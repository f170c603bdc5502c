// Layer: core/formats. The ELF64 file header, program headers and section headers, checked
// field by field against the file's size. Imports this folder only.

import { ByteReader } from './byte-reader.ts';
import {
  EHDR_SIZE,
  ELF_MAGIC,
  ELFCLASS64,
  ELFDATA2LSB,
  EM_AARCH64,
  EV_CURRENT,
  PHDR_SIZE,
  PN_XNUM,
  SectionType,
  SHDR_SIZE,
  SHN_XINDEX,
} from './constants.ts';
import { ElfError, ElfErrorCode, malformed } from './errors.ts';

export interface FileHeader {
  /** e_type: 2 EXEC, 3 DYN (PIE or shared object), 1 REL. */
  readonly type: number;
  readonly machine: number;
  readonly entry: bigint;
  readonly flags: number;
  readonly phoff: bigint;
  readonly shoff: bigint;
  /** Counts after resolving the extended-numbering escapes (PN_XNUM, SHN_XINDEX). */
  readonly phnum: number;
  readonly shnum: number;
  readonly shstrndx: number;
}

export interface Segment {
  readonly index: number;
  readonly type: number;
  /** PF_X | PF_W | PF_R. */
  readonly flags: number;
  readonly offset: bigint;
  readonly vaddr: bigint;
  readonly paddr: bigint;
  readonly filesz: bigint;
  readonly memsz: bigint;
  readonly align: bigint;
}

export interface Section {
  readonly index: number;
  /** File offset of this section's header, for messages about its fields. */
  readonly headerOffset: number;
  readonly name: string;
  readonly type: number;
  readonly flags: bigint;
  readonly addr: bigint;
  readonly offset: bigint;
  readonly size: bigint;
  readonly link: number;
  readonly info: number;
  readonly addralign: bigint;
  readonly entsize: bigint;
}

const unsupported = (field: string, offset: number, why: string) => malformed(ElfErrorCode.UNSUPPORTED, field, offset, why);

/** Checks e_ident and reads the fixed part of the header (counts not yet resolved). */
function readIdentAndHeader(r: ByteReader) {
  if (r.length < ELF_MAGIC.length || ELF_MAGIC.some((b, i) => r.bytes[i] !== b)) {
    const got = Array.from(r.bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new ElfError(ElfErrorCode.BAD_MAGIC, `not an ELF file: the first bytes are [${got}], not 7f 45 4c 46 ("\\x7fELF")`, 0);
  }
  const cls = r.u8(4, 'e_ident[EI_CLASS]');
  if (cls !== ELFCLASS64) throw unsupported('e_ident[EI_CLASS]', 4, `class ${cls} is not ELFCLASS64 (2): only 64-bit images are supported`);
  const data = r.u8(5, 'e_ident[EI_DATA]');
  if (data !== ELFDATA2LSB) throw unsupported('e_ident[EI_DATA]', 5, `data encoding ${data} is not ELFDATA2LSB (1): only little-endian images are supported`);
  const identVersion = r.u8(6, 'e_ident[EI_VERSION]');
  if (identVersion !== EV_CURRENT) throw unsupported('e_ident[EI_VERSION]', 6, `version ${identVersion} is not EV_CURRENT (1)`);
  // The whole header must be there before any field past e_ident is read.
  if (r.length < EHDR_SIZE) throw malformed(ElfErrorCode.TRUNCATED, 'ELF file header', 0, `needs ${EHDR_SIZE} bytes but the file is ${r.length} bytes long`);
  const machine = r.u16(18, 'e_machine');
  if (machine !== EM_AARCH64) throw unsupported('e_machine', 18, `machine ${machine} is not EM_AARCH64 (183)`);
  const version = r.u32(20, 'e_version');
  if (version !== EV_CURRENT) throw unsupported('e_version', 20, `version ${version} is not EV_CURRENT (1)`);
  const phentsize = r.u16(54, 'e_phentsize');
  const shentsize = r.u16(58, 'e_shentsize');
  return {
    type: r.u16(16, 'e_type'),
    machine,
    entry: r.u64(24, 'e_entry'),
    phoff: r.u64(32, 'e_phoff'),
    shoff: r.u64(40, 'e_shoff'),
    flags: r.u32(48, 'e_flags'),
    phentsize,
    phnum: r.u16(56, 'e_phnum'),
    shentsize,
    shnum: r.u16(60, 'e_shnum'),
    shstrndx: r.u16(62, 'e_shstrndx'),
  };
}

/** A table of `count` entries of `entsize` bytes at `offset`, all inside the file. */
function tableStart(r: ByteReader, offset: bigint, count: number, entsize: number, what: string, fieldOffset: number): number {
  if (count > Math.floor(r.length / entsize)) {
    throw malformed(ElfErrorCode.TOO_MANY, what, fieldOffset, `${count} entries of ${entsize} bytes cannot fit in a ${r.length}-byte file`);
  }
  return r.span(offset, BigInt(count * entsize), what, fieldOffset);
}

export function readFileHeader(r: ByteReader): FileHeader {
  const h = readIdentAndHeader(r);
  let { shnum, shstrndx, phnum } = h;
  if (h.shoff !== 0n) {
    if (h.shentsize !== SHDR_SIZE) throw malformed(ElfErrorCode.BAD_ENTRY_SIZE, 'e_shentsize', 58, `${h.shentsize} is not the ELF64 section header size (${SHDR_SIZE})`);
    // Extended numbering: with 0xffff or more sections the real counts live in section 0.
    if (shnum === 0 || shstrndx === SHN_XINDEX || phnum === PN_XNUM) {
      const s0 = r.span(h.shoff, BigInt(SHDR_SIZE), 'e_shoff (section header 0)', 40);
      if (shnum === 0) shnum = checkedCount(r.u64(s0 + 32, 'section 0 sh_size'), s0 + 32, 'section 0 sh_size (extended e_shnum)', r.length / SHDR_SIZE);
      if (shstrndx === SHN_XINDEX) shstrndx = r.u32(s0 + 40, 'section 0 sh_link');
      if (phnum === PN_XNUM) phnum = r.u32(s0 + 44, 'section 0 sh_info');
    }
  } else {
    shnum = 0;
  }
  if (phnum !== 0 && h.phentsize !== PHDR_SIZE) throw malformed(ElfErrorCode.BAD_ENTRY_SIZE, 'e_phentsize', 54, `${h.phentsize} is not the ELF64 program header size (${PHDR_SIZE})`);
  if (shnum !== 0 && shstrndx !== 0 && shstrndx >= shnum) {
    throw malformed(ElfErrorCode.BAD_INDEX, 'e_shstrndx', 62, `section name table index ${shstrndx} is not below the section count ${shnum}`);
  }
  return { type: h.type, machine: h.machine, entry: h.entry, flags: h.flags, phoff: h.phoff, shoff: h.shoff, phnum, shnum, shstrndx };
}

function checkedCount(value: bigint, fieldOffset: number, field: string, limit: number): number {
  if (value > BigInt(Math.floor(limit))) throw malformed(ElfErrorCode.TOO_MANY, field, fieldOffset, `${value} entries cannot fit in the file`);
  return Number(value);
}

export function readSegments(r: ByteReader, h: FileHeader): Segment[] {
  if (h.phnum === 0) return [];
  const base = tableStart(r, h.phoff, h.phnum, PHDR_SIZE, 'program header table (e_phoff, e_phnum)', 32);
  const segments: Segment[] = [];
  for (let i = 0; i < h.phnum; i++) {
    const at = base + i * PHDR_SIZE;
    const field = (name: string) => `program header ${i} ${name}`;
    const s: Segment = {
      index: i,
      type: r.u32(at, field('p_type')),
      flags: r.u32(at + 4, field('p_flags')),
      offset: r.u64(at + 8, field('p_offset')),
      vaddr: r.u64(at + 16, field('p_vaddr')),
      paddr: r.u64(at + 24, field('p_paddr')),
      filesz: r.u64(at + 32, field('p_filesz')),
      memsz: r.u64(at + 40, field('p_memsz')),
      align: r.u64(at + 48, field('p_align')),
    };
    // Only what a loader would read must be inside the file; p_memsz past p_filesz is zero fill.
    // A segment with no file bytes (a bss-only PT_LOAD) may carry any offset: ld gives it the
    // offset it would have had, which can lie past the end of a small file.
    if (s.filesz > 0n) r.span(s.offset, s.filesz, field('p_offset + p_filesz'), at + 8);
    if (s.filesz > s.memsz) throw malformed(ElfErrorCode.OUT_OF_RANGE, field('p_filesz'), at + 32, `p_filesz 0x${s.filesz.toString(16)} exceeds p_memsz 0x${s.memsz.toString(16)}`);
    if (s.vaddr + s.memsz > 1n << 64n) throw malformed(ElfErrorCode.OUT_OF_RANGE, field('p_vaddr + p_memsz'), at + 16, 'the segment wraps past the top of the 64-bit address space');
    segments.push(s);
  }
  return segments;
}

export function readSections(r: ByteReader, h: FileHeader): Section[] {
  if (h.shnum === 0) return [];
  const base = tableStart(r, h.shoff, h.shnum, SHDR_SIZE, 'section header table (e_shoff, e_shnum)', 40);
  const raw = [];
  for (let i = 0; i < h.shnum; i++) {
    const at = base + i * SHDR_SIZE;
    const field = (name: string) => `section header ${i} ${name}`;
    const s = {
      at,
      nameIndex: r.u32(at, field('sh_name')),
      type: r.u32(at + 4, field('sh_type')),
      flags: r.u64(at + 8, field('sh_flags')),
      addr: r.u64(at + 16, field('sh_addr')),
      offset: r.u64(at + 24, field('sh_offset')),
      size: r.u64(at + 32, field('sh_size')),
      link: r.u32(at + 40, field('sh_link')),
      info: r.u32(at + 44, field('sh_info')),
      addralign: r.u64(at + 48, field('sh_addralign')),
      entsize: r.u64(at + 56, field('sh_entsize')),
    };
    // Section 0 is the null entry (or holds extended counts): it has no bytes of its own.
    if (i !== 0 && s.type !== SectionType.NOBITS && s.type !== SectionType.NULL) r.span(s.offset, s.size, field('sh_offset + sh_size'), at + 24);
    raw.push(s);
  }
  let names: { start: number; size: number } | undefined;
  if (h.shstrndx !== 0) {
    const t = raw[h.shstrndx]!;
    if (t.type !== SectionType.STRTAB) {
      throw malformed(ElfErrorCode.BAD_INDEX, 'e_shstrndx', 62, `section ${h.shstrndx} is of type ${t.type}, not a string table (SHT_STRTAB = 3)`);
    }
    names = { start: Number(t.offset), size: Number(t.size) };
  }
  return raw.map((s, index) => ({
    index,
    headerOffset: s.at,
    name: names ? r.cstring(names.start, names.size, s.nameIndex, `section header ${index} sh_name`, s.at) : '',
    type: s.type,
    flags: s.flags,
    addr: s.addr,
    offset: s.offset,
    size: s.size,
    link: s.link,
    info: s.info,
    addralign: s.addralign,
    entsize: s.entsize,
  }));
}
