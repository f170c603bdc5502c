// Layer: core/formats. The DWARF reader's public surface. Imports this folder only.
export { LineTable, type LineAddresses, type LineLocation, type LineRow, type LineTableOptions } from './line-table.ts';
export type { LineFileEntry, LineProgramHeader } from './line-header.ts';
export { RowFlag, type Sequence } from './line-program.ts';
export { collectDwarfSections, dwarfSectionsFromElf, type DwarfSections } from './sections.ts';
export { FunctionIndex, readCompileUnits, type CompileUnit, type DwarfFunction } from './debug-info.ts';
export { readAbbrevTable, type Abbrev, type AbbrevAttr } from './abbrev.ts';
