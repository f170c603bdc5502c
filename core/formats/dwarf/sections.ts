// Layer: core/formats. The DWARF sections a reader needs, taken out of an ELF image (`.debug_*`,
// SHF_COMPRESSED ones inflated) or handed over by another container (Mach-O's
// `__DWARF,__debug_*`). Imports ../elf, ../format-error.ts and node:zlib (compressed sections).

import { inflateSync } from 'node:zlib';
import type { ElfFile } from '../elf/index.ts';
import { FormatErrorCode, formatError } from '../format-error.ts';

export interface DwarfSections {
  readonly line: Uint8Array;
  readonly lineStr?: Uint8Array;
  readonly str?: Uint8Array;
  readonly info?: Uint8Array;
  readonly abbrev?: Uint8Array;
  readonly strOffsets?: Uint8Array;
  readonly addr?: Uint8Array;
}

/** The section names without their container's prefix (`.debug_` in ELF, `__debug_` in Mach-O). */
export const DWARF_SECTION_NAMES = { line: 'line', lineStr: 'line_str', str: 'str', info: 'info', abbrev: 'abbrev', strOffsets: 'str_offsets', addr: 'addr' } as const;

/** Builds DwarfSections from a lookup by suffix (`line`, `line_str`, …); undefined without a line table. */
export function collectDwarfSections(get: (suffix: string) => Uint8Array | undefined): DwarfSections | undefined {
  const line = get(DWARF_SECTION_NAMES.line);
  if (!line) return undefined;
  const out: { -readonly [K in keyof DwarfSections]: DwarfSections[K] } = { line };
  for (const [key, suffix] of Object.entries(DWARF_SECTION_NAMES) as Array<[keyof DwarfSections, string]>) {
    if (key === 'line') continue;
    const bytes = get(suffix);
    if (bytes) out[key] = bytes;
  }
  return out;
}

const SHF_COMPRESSED = 0x800n;
const ELFCOMPRESS_ZLIB = 1;

/** The DWARF sections of an ELF image, or undefined when it has no .debug_line. */
export function dwarfSectionsFromElf(elf: ElfFile): DwarfSections | undefined {
  return collectDwarfSections((suffix) => {
    const name = `.debug_${suffix}`;
    const s = elf.section(name);
    if (!s) return undefined;
    const raw = elf.sectionBytes(s);
    if ((s.flags & SHF_COMPRESSED) === 0n) return raw;
    // Elf64_Chdr: ch_type, ch_reserved, ch_size, ch_addralign, then the zlib stream.
    if (raw.length < 24) throw formatError(FormatErrorCode.DWARF_TRUNCATED, name, 0, 'compressed section shorter than its 24-byte Elf64_Chdr');
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const type = view.getUint32(0, true);
    if (type !== ELFCOMPRESS_ZLIB) throw formatError(FormatErrorCode.DWARF_UNSUPPORTED, name, 0, `compression type ${type} (hvdbg inflates zlib, type 1; zstd sections: rebuild with --compress-debug-sections=zlib)`);
    try {
      return new Uint8Array(inflateSync(raw.subarray(24)));
    } catch (cause) {
      throw formatError(FormatErrorCode.DWARF_TRUNCATED, name, 24, `zlib data does not inflate (${(cause as Error).message})`);
    }
  });
}
