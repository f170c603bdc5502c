// Layer: core/formats. The errors of the DWARF, Mach-O, Linux Image, System.map and guest-image
// readers (the ELF reader keeps its own, elf/errors.ts). Imports core/errors only.
//
// Every malformed input gets one of these, naming the structure (a section such as
// `.debug_line`, a load command, a header field) and the byte offset it sits at, so a user can
// look at the same byte with a hex dump, llvm-dwarfdump or llvm-objdump.

import { HvdbgError, type HvdbgErrorOptions } from '../errors.ts';

export const FormatErrorCode = {
  /** A DWARF section ends before the structure it must hold. */
  DWARF_TRUNCATED: 'DWARF_TRUNCATED',
  /** A DWARF unit or line table version, address size or form we do not read. */
  DWARF_UNSUPPORTED: 'DWARF_UNSUPPORTED',
  /** A DWARF field whose value cannot be right (an index past its table, a zero line_range, …). */
  DWARF_MALFORMED: 'DWARF_MALFORMED',
  /** The Mach-O file ends before a structure it must hold. */
  MACHO_TRUNCATED: 'MACHO_TRUNCATED',
  /** Not a Mach-O file: the magic is not MH_MAGIC_64 (or a fat/32-bit one we name in the message). */
  MACHO_BAD_MAGIC: 'MACHO_BAD_MAGIC',
  /** Mach-O, but not 64-bit little-endian arm64. */
  MACHO_UNSUPPORTED: 'MACHO_UNSUPPORTED',
  /** A load command, section or symbol whose fields cannot be right. */
  MACHO_MALFORMED: 'MACHO_MALFORMED',
  /** An offset or size that reaches past the end of the file. */
  MACHO_OUT_OF_RANGE: 'MACHO_OUT_OF_RANGE',
  /** The Mach-O has no entry point (no LC_UNIXTHREAD, no LC_MAIN) where one is needed. */
  MACHO_NO_ENTRY: 'MACHO_NO_ENTRY',
  /** Not an arm64 Linux Image: no "ARM\x64" magic at 0x38. */
  LINUX_IMAGE_BAD_MAGIC: 'LINUX_IMAGE_BAD_MAGIC',
  /** Shorter than the 64-byte arm64 Image header. */
  LINUX_IMAGE_TRUNCATED: 'LINUX_IMAGE_TRUNCATED',
  /** A header an AArch64 little-endian guest cannot boot (big-endian kernel, image_size < file). */
  LINUX_IMAGE_UNSUPPORTED: 'LINUX_IMAGE_UNSUPPORTED',
  /** gzip data that does not inflate. */
  GZIP_CORRUPT: 'GZIP_CORRUPT',
  /** A System.map line that is not `ADDRESS TYPE NAME`. */
  SYSTEM_MAP_BAD_LINE: 'SYSTEM_MAP_BAD_LINE',
  /** A file that is none of the guest formats we load. */
  GUEST_IMAGE_UNKNOWN: 'GUEST_IMAGE_UNKNOWN',
} as const;
export type FormatErrorCodeName = (typeof FormatErrorCode)[keyof typeof FormatErrorCode];

export interface FormatErrorWhere {
  /** The section, table or structure: `.debug_line`, `load command 3 (LC_SEGMENT_64)`, `System.map`. */
  readonly structure: string;
  /** Byte offset inside that structure's container (section offset for DWARF, file offset otherwise). */
  readonly offset?: number;
  /** 1-based line, for text formats. */
  readonly line?: number;
}

const HINTS: Partial<Record<FormatErrorCodeName, string>> = {
  DWARF_TRUNCATED: 'the debug info is damaged; check it with `llvm-dwarfdump-16 --debug-line FILE` (the image still loads without line info)',
  DWARF_UNSUPPORTED: 'hvdbg reads DWARF 2–5 line tables and DWARF 4–5 units; rebuild with -gdwarf-4 or -gdwarf-5',
  DWARF_MALFORMED: 'the debug info is damaged; check it with `llvm-dwarfdump-16 --debug-line FILE` (the image still loads without line info)',
  MACHO_BAD_MAGIC: 'give a 64-bit arm64 Mach-O (a kernelcache must be decompressed first); check it with `llvm-objdump-16 --macho --private-headers FILE`',
  MACHO_UNSUPPORTED: 'only 64-bit little-endian arm64 Mach-O files can be loaded; a fat file must be thinned first (`lipo -thin arm64`)',
  LINUX_IMAGE_BAD_MAGIC: 'give arch/arm64/boot/Image or Image.gz (not vmlinux, not a zImage)',
  LINUX_IMAGE_UNSUPPORTED: 'build the kernel little-endian (CONFIG_CPU_BIG_ENDIAN=n)',
  GZIP_CORRUPT: 'the file is damaged or not gzip; try `gzip -t FILE`',
  SYSTEM_MAP_BAD_LINE: 'give the System.map the kernel build wrote next to vmlinux',
  GUEST_IMAGE_UNKNOWN: 'give an AArch64 ELF, a Mach-O (macOS kernel, m1n1.macho) or an arm64 Linux Image (optionally gzip-compressed)',
};
const DEFAULT_HINT = 'the file is damaged or of another kind; check it with llvm-objdump-16 / llvm-dwarfdump-16';

/** Base of every error these readers raise. None of them is fatal to a session. */
export class FormatError extends HvdbgError {
  constructor(
    code: FormatErrorCodeName,
    message: string,
    readonly where?: FormatErrorWhere,
    options: HvdbgErrorOptions = {},
  ) {
    super(code, message, { hint: HINTS[code] ?? DEFAULT_HINT, ...options, fatal: false });
  }
}

const hex = (n: number) => `0x${n.toString(16)}`;

/** `what` in `structure` at `offset` is wrong: one message shape for every malformed-input error. */
export function formatError(code: FormatErrorCodeName, structure: string, offset: number, what: string): FormatError {
  return new FormatError(code, `${structure} at offset ${hex(offset)}: ${what}`, { structure, offset });
}
