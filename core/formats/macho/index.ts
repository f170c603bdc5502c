// Layer: core/formats. The Mach-O reader's public surface. Imports this folder only.
export { MachoFile, type FilesetEntry, type MachoLoadPlan, type MachoLoadSegment } from './macho-file.ts';
export type { LoadCommand, MachHeader, MachSection, SegmentCommand, SymtabCommand, ThreadCommand, MainCommand, UuidCommand, FilesetEntryCommand } from './load-commands.ts';
export { machoSymbolizer, type MachoSymbol } from './symbols.ts';
export * from './constants.ts';
