// Layer: core/formats. The errors of the ELF reader. Imports core/errors only.
//
// Every malformed image gets one of these, naming the field that is wrong and the file offset
// it sits at, so a user can look at the same byte with a hex dump or readelf.

import { HvdbgError, type HvdbgErrorOptions } from '../../errors.ts';

export const ElfErrorCode = {
  /** The file ends before a structure it must hold (header, table, string). */
  TRUNCATED: 'ELF_TRUNCATED',
  /** Not an ELF file at all: the first four bytes are not 7f 'E' 'L' 'F'. */
  BAD_MAGIC: 'ELF_BAD_MAGIC',
  /** ELF, but not a 64-bit little-endian AArch64 image of a version we know. */
  UNSUPPORTED: 'ELF_UNSUPPORTED',
  /** A table entry size that is not the one the ELF64 format defines. */
  BAD_ENTRY_SIZE: 'ELF_BAD_ENTRY_SIZE',
  /** An offset or size that reaches past the end of the file (or wraps). */
  OUT_OF_RANGE: 'ELF_OUT_OF_RANGE',
  /** A section index (e_shstrndx, sh_link) that names no section, or the wrong kind of one. */
  BAD_INDEX: 'ELF_BAD_INDEX',
  /** A name offset outside its string table, or a name without its terminating NUL. */
  BAD_STRING: 'ELF_BAD_STRING',
  /** A count no real image has (more entries than the file could hold). */
  TOO_MANY: 'ELF_TOO_MANY',
  /** An address no loadable segment maps (asked for by a caller, e.g. `hvdbg disasm --start`). */
  ADDRESS_NOT_MAPPED: 'ELF_ADDRESS_NOT_MAPPED',
  /** A symbol name the image does not define. */
  NO_SUCH_SYMBOL: 'ELF_NO_SUCH_SYMBOL',
} as const;
export type ElfErrorCodeName = (typeof ElfErrorCode)[keyof typeof ElfErrorCode];

const MALFORMED_HINT = 'the file is damaged or not an AArch64 ELF image; check it with `llvm-readelf -a FILE`';

/** Base of every error the ELF reader raises. None of them is fatal to a session. */
export class ElfError extends HvdbgError {
  constructor(
    code: ElfErrorCodeName,
    message: string,
    /** File offset of the offending field, when the error is about one. */
    readonly fileOffset?: number,
    options: HvdbgErrorOptions = {},
  ) {
    super(code, message, { hint: MALFORMED_HINT, ...options, fatal: false });
  }
}

/** `field` at `fileOffset` is wrong: one message shape for every malformed-file error. */
export function malformed(code: ElfErrorCodeName, field: string, fileOffset: number, why: string): ElfError {
  return new ElfError(code, `malformed ELF: ${field} at file offset 0x${fileOffset.toString(16)}: ${why}`, fileOffset);
}
