// Layer: core/formats. The ELF reader's public surface. Imports this folder only.
export { ElfFile, parseElf } from './elf-file.ts';
export { ElfError, ElfErrorCode, type ElfErrorCodeName } from './errors.ts';
export type { FileHeader, Section, Segment } from './headers.ts';
export { SymbolIndex, type ElfSymbol } from './symbols.ts';
export { objdumpSymbolizer } from './objdump-symbolizer.ts';
export * from './constants.ts';
