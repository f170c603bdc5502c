// Layer: core/formats. 64-bit Mach-O constants (<mach-o/loader.h>, <mach-o/nlist.h>,
// <mach/machine.h>, <mach/arm/thread_status.h>) as data. Imports nothing.

export const MH_MAGIC_64 = 0xfeedfacf;
/** Magics we recognise only to say what the file is instead. */
export const OTHER_MAGICS: Readonly<Record<number, string>> = {
  0xfeedface: 'a 32-bit Mach-O (MH_MAGIC)',
  0xcefaedfe: 'a big-endian 32-bit Mach-O',
  0xcffaedfe: 'a big-endian 64-bit Mach-O',
  0xbebafeca: 'a fat (universal) Mach-O',
  0xcafebabe: 'a fat (universal) Mach-O',
};
export const CPU_TYPE_ARM64 = 0x0100000c;
export const HEADER_SIZE = 32;
export const LOAD_COMMAND_SIZE = 8;
export const SEGMENT_COMMAND_SIZE = 72;
export const SECTION_SIZE = 80;
export const NLIST_SIZE = 16;

export const FileType = { OBJECT: 1, EXECUTE: 2, DYLIB: 6, DYLINKER: 7, BUNDLE: 8, DSYM: 0xa, KEXT_BUNDLE: 0xb, FILESET: 0xc } as const;
export const FILE_TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'OBJECT',
  2: 'EXECUTE',
  3: 'FVMLIB',
  4: 'CORE',
  5: 'PRELOAD',
  6: 'DYLIB',
  7: 'DYLINKER',
  8: 'BUNDLE',
  9: 'DYLIB_STUB',
  10: 'DSYM',
  11: 'KEXT_BUNDLE',
  12: 'FILESET',
};

export const LC = {
  SEGMENT: 0x1,
  SYMTAB: 0x2,
  THREAD: 0x4,
  UNIXTHREAD: 0x5,
  DYSYMTAB: 0xb,
  LOAD_DYLIB: 0xc,
  ID_DYLIB: 0xd,
  LOAD_DYLINKER: 0xe,
  SEGMENT_64: 0x19,
  UUID: 0x1b,
  CODE_SIGNATURE: 0x1d,
  FUNCTION_STARTS: 0x26,
  DATA_IN_CODE: 0x29,
  SOURCE_VERSION: 0x2a,
  BUILD_VERSION: 0x32,
  MAIN: 0x80000028,
  DYLD_EXPORTS_TRIE: 0x80000033,
  DYLD_CHAINED_FIXUPS: 0x80000034,
  FILESET_ENTRY: 0x80000035,
  VERSION_MIN_MACOSX: 0x24,
  LINKER_OPTIMIZATION_HINT: 0x2e,
  NOTE: 0x31,
} as const;
/** Names as llvm-objdump --private-headers prints them. */
export const LC_NAMES: Readonly<Record<number, string>> = Object.fromEntries(Object.entries(LC).map(([k, v]) => [v, `LC_${k}`]));

/** Thread-state flavours of LC_UNIXTHREAD on arm64. */
export const ARM_THREAD_STATE64 = 6;
/** ARM_THREAD_STATE64_COUNT, in 32-bit words: x0–x28, fp, lr, sp, pc (8 bytes each), cpsr, flags. */
export const ARM_THREAD_STATE64_COUNT = 68;
/** Byte offset of `pc` inside arm_thread_state64_t. */
export const ARM_THREAD_STATE64_PC = 32 * 8;

/** nlist_64 n_type bits. */
export const N_STAB = 0xe0;
export const N_PEXT = 0x10;
export const N_TYPE = 0x0e;
export const N_EXT = 0x01;
export const NType = { UNDF: 0x0, ABS: 0x2, INDR: 0xa, PBUD: 0xc, SECT: 0xe } as const;
/** n_sect of a symbol in no section. */
export const NO_SECT = 0;

/** Section type (low byte of flags). */
export const S_ZEROFILL = 0x1;
export const S_GB_ZEROFILL = 0xc;
export const S_THREAD_LOCAL_ZEROFILL = 0x12;
export const S_ATTR_PURE_INSTRUCTIONS = 0x80000000;
export const S_ATTR_SOME_INSTRUCTIONS = 0x400;

export const VM_PROT = { READ: 1, WRITE: 2, EXECUTE: 4 } as const;
