// Layer: core/formats. The nlist_64 symbol table of LC_SYMTAB, each symbol with the letter
// llvm-nm prints for it, and the SortedSymbols lookup over the defined ones. Imports this folder,
// ../cursor.ts, ../format-error.ts, ../symbolizer.ts.

import { Cursor, stringAt } from '../cursor.ts';
import { FormatErrorCode } from '../format-error.ts';
import { SortedSymbols, type UnsizedSymbol } from '../symbolizer.ts';
import { N_EXT, N_STAB, N_TYPE, NLIST_SIZE, NO_SECT, NType, S_ATTR_PURE_INSTRUCTIONS, S_ATTR_SOME_INSTRUCTIONS } from './constants.ts';
import type { MachSection, SymtabCommand } from './load-commands.ts';

export interface MachoSymbol {
  readonly name: string;
  readonly value: bigint;
  /** Raw n_type, n_sect (1-based section ordinal, 0 = NO_SECT), n_desc. */
  readonly type: number;
  readonly sect: number;
  readonly desc: number;
  readonly external: boolean;
  /** A debugger (stab) entry, not a real symbol. */
  readonly stab: boolean;
  readonly section: MachSection | undefined;
  /** The letter llvm-nm prints: T/t, D/d, B/b, S/s, A/a, U, C, I, '-' for stabs. */
  readonly nmType: string;
}

/** Reads every nlist_64 entry; `sections` are all sections of the file in load-command order (n_sect counts them from 1). */
export function readSymbols(bytes: Uint8Array, cmd: SymtabCommand, sections: readonly MachSection[]): MachoSymbol[] {
  const strings = bytes.subarray(cmd.stroff, cmd.stroff + cmd.strsize);
  const c = new Cursor(bytes, 'LC_SYMTAB symbol table', FormatErrorCode.MACHO_TRUNCATED);
  const out: MachoSymbol[] = [];
  for (let i = 0; i < cmd.nsyms; i++) {
    c.seek(cmd.symoff + i * NLIST_SIZE);
    const strx = c.u32(`symbol ${i} n_strx`);
    const type = c.u8(`symbol ${i} n_type`);
    const sect = c.u8(`symbol ${i} n_sect`);
    const desc = c.u16(`symbol ${i} n_desc`);
    const value = c.u64(`symbol ${i} n_value`);
    const name = strx === 0 ? '' : stringAt(strings, strx, 'LC_SYMTAB string table', FormatErrorCode.MACHO_MALFORMED, `symbol ${i} n_strx`);
    const stab = (type & N_STAB) !== 0;
    const section = !stab && (type & N_TYPE) === NType.SECT && sect !== NO_SECT ? sections[sect - 1] : undefined;
    out.push({ name, value, type, sect, desc, external: (type & N_EXT) !== 0, stab, section, nmType: nmLetter(type, value, section) });
  }
  return out;
}

function nmLetter(type: number, value: bigint, section: MachSection | undefined): string {
  if (type & N_STAB) return '-';
  const ext = (type & N_EXT) !== 0;
  let c: string;
  switch (type & N_TYPE) {
    case NType.UNDF:
      return ext && value !== 0n ? 'C' : 'U';
    case NType.PBUD:
      return 'U';
    case NType.ABS:
      c = 'a';
      break;
    case NType.INDR:
      c = 'i';
      break;
    case NType.SECT:
      if (section?.segname === '__TEXT' && section.sectname === '__text') c = 't';
      else if (section?.segname === '__DATA' && section.sectname === '__data') c = 'd';
      else if (section?.segname === '__DATA' && section.sectname === '__bss') c = 'b';
      else c = 's';
      break;
    default:
      c = '?';
  }
  return ext ? c.toUpperCase() : c;
}

/** Address lookup over the defined, non-stab, in-section symbols; each ends at the next one or its section's end. */
export function machoSymbolizer(symbols: readonly MachoSymbol[]): SortedSymbols {
  const defined: UnsizedSymbol[] = [];
  for (const s of symbols) {
    if (!s.section || s.name === '') continue;
    const code = (s.section.flags & (S_ATTR_PURE_INSTRUCTIONS | S_ATTR_SOME_INSTRUCTIONS)) !== 0;
    defined.push({ name: s.name, value: s.value, kind: code ? 'function' : 'object', limit: s.section.addr + s.section.size });
  }
  return new SortedSymbols(defined);
}
