// Layer: core/formats. ELF64 constants (System V gABI and the AArch64 ELF supplement) as data.
// Imports nothing.

export const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46] as const;
export const ELFCLASS64 = 2;
export const ELFDATA2LSB = 1;
export const EV_CURRENT = 1;
export const EM_AARCH64 = 183;

/** Sizes of the ELF64 structures; entry sizes in a file must equal these. */
export const EHDR_SIZE = 64;
export const PHDR_SIZE = 56;
export const SHDR_SIZE = 64;
export const SYM_SIZE = 24;

/** e_phnum value meaning "the real count is in section 0's sh_info". */
export const PN_XNUM = 0xffff;
/** e_shstrndx value meaning "the real index is in section 0's sh_link". */
export const SHN_XINDEX = 0xffff;
export const SHN_UNDEF = 0;
/** Section indices from here up are reserved (ABS, COMMON, …), not real sections. */
export const SHN_LORESERVE = 0xff00;

export const FileType = { NONE: 0, REL: 1, EXEC: 2, DYN: 3, CORE: 4 } as const;

export const SegmentType = { NULL: 0, LOAD: 1, DYNAMIC: 2, INTERP: 3, NOTE: 4, SHLIB: 5, PHDR: 6, TLS: 7 } as const;
export const SegmentFlag = { X: 1, W: 2, R: 4 } as const;

export const SectionType = { NULL: 0, PROGBITS: 1, SYMTAB: 2, STRTAB: 3, RELA: 4, HASH: 5, DYNAMIC: 6, NOTE: 7, NOBITS: 8, DYNSYM: 11 } as const;

export const SymbolType = { NOTYPE: 0, OBJECT: 1, FUNC: 2, SECTION: 3, FILE: 4, COMMON: 5, TLS: 6, GNU_IFUNC: 10 } as const;
export const SymbolBinding = { LOCAL: 0, GLOBAL: 1, WEAK: 2, GNU_UNIQUE: 10 } as const;

/** Names as readelf prints them, for messages and tests. */
export const SYMBOL_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'NOTYPE',
  1: 'OBJECT',
  2: 'FUNC',
  3: 'SECTION',
  4: 'FILE',
  5: 'COMMON',
  6: 'TLS',
  10: 'IFUNC',
};
export const SYMBOL_BINDING_NAMES: Readonly<Record<number, string>> = { 0: 'LOCAL', 1: 'GLOBAL', 2: 'WEAK', 10: 'UNIQUE' };
export const SEGMENT_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'NULL',
  1: 'LOAD',
  2: 'DYNAMIC',
  3: 'INTERP',
  4: 'NOTE',
  5: 'SHLIB',
  6: 'PHDR',
  7: 'TLS',
  0x6474e550: 'GNU_EH_FRAME',
  0x6474e551: 'GNU_STACK',
  0x6474e552: 'GNU_RELRO',
  0x6474e553: 'GNU_PROPERTY',
};
