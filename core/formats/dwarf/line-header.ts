// Layer: core/formats. The header ("prologue") of one line-number program in .debug_line,
// DWARF versions 2 to 5 (DWARF 5 §6.2.4): the opcode parameters, and the directory and file
// tables — v2–4 as NUL-terminated lists, v5 as self-described entry formats whose strings may
// live in .debug_line_str (DW_FORM_line_strp) or .debug_str (DW_FORM_strp). Imports this folder
// and ../cursor.ts, ../format-error.ts.

import { Cursor, stringAt } from '../cursor.ts';
import { FormatErrorCode, formatError } from '../format-error.ts';
import { DW_FORM, DW_LNCT } from './constants.ts';
import type { DwarfSections } from './sections.ts';

export interface LineFileEntry {
  readonly name: string;
  /** Index into LineProgramHeader.directories (already in the version's own numbering). */
  readonly dirIndex: number;
  readonly mtime: bigint;
  readonly length: bigint;
  /** DW_LNCT_MD5, when the producer recorded one (clang does, gcc does not). */
  readonly md5?: Uint8Array;
}

export interface LineProgramHeader {
  /** Offset of the unit in .debug_line (what DW_AT_stmt_list points at). */
  readonly offset: number;
  /** Offset just past the unit (its unit_length covered). */
  readonly end: number;
  /** Offset of the first opcode. */
  readonly programOffset: number;
  readonly format: 32 | 64;
  readonly version: number;
  readonly addressSize: number | undefined;
  readonly minInstLength: number;
  readonly maxOpsPerInst: number;
  readonly defaultIsStmt: boolean;
  readonly lineBase: number;
  readonly lineRange: number;
  readonly opcodeBase: number;
  /** Operand counts of standard opcodes 1..opcodeBase-1 (index 0 is opcode 1). */
  readonly standardOpcodeLengths: readonly number[];
  /**
   * Directories, indexed as the file entries' dirIndex counts: in v5 entry 0 is the compilation
   * directory as written; before v5 entry 0 is the compilation directory, which the line table
   * does not hold ('' until the unit's DW_AT_comp_dir fills it).
   */
  readonly directories: string[];
  /** Files, indexed from `fileBase`: 0 in v5, 1 before (DW_LNS_set_file's operand counts so). */
  readonly files: LineFileEntry[];
  readonly fileBase: 0 | 1;
}

const SECTION = '.debug_line';

/** Reads the header of the unit at `offset`; leaves nothing on the cursor. */
export function readLineHeader(sections: DwarfSections, offset: number): LineProgramHeader {
  const c = new Cursor(sections.line, SECTION, FormatErrorCode.DWARF_TRUNCATED).seek(offset);
  let format: 32 | 64 = 32;
  let unitLength = c.u32('unit_length');
  if (unitLength === 0xffffffff) {
    format = 64;
    const big = c.u64('unit_length (64-bit)');
    if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw formatError(FormatErrorCode.DWARF_TRUNCATED, SECTION, offset, `unit_length 0x${big.toString(16)} runs past the section`);
    unitLength = Number(big);
  } else if (unitLength >= 0xfffffff0) {
    throw formatError(FormatErrorCode.DWARF_UNSUPPORTED, SECTION, offset, `unit_length 0x${unitLength.toString(16)} is a reserved value`);
  }
  const end = c.pos + unitLength;
  if (end > c.length) {
    throw formatError(FormatErrorCode.DWARF_TRUNCATED, SECTION, offset, `unit_length 0x${unitLength.toString(16)} reaches past the end of the section (0x${c.length.toString(16)} bytes)`);
  }
  // Bound every later read by the unit, so a damaged header cannot read the next unit as its own.
  const u = new Cursor(sections.line.subarray(0, end), SECTION, FormatErrorCode.DWARF_TRUNCATED).seek(c.pos);
  const offsetSize = format === 64 ? 8 : 4;
  const versionAt = u.pos;
  const version = u.u16('version');
  if (version < 2 || version > 5) throw formatError(FormatErrorCode.DWARF_UNSUPPORTED, SECTION, versionAt, `line table version ${version} (hvdbg reads 2 to 5)`);
  let addressSize: number | undefined;
  if (version >= 5) {
    const at = u.pos;
    addressSize = u.u8('address_size');
    const segSel = u.u8('segment_selector_size');
    if (addressSize !== 4 && addressSize !== 8) throw formatError(FormatErrorCode.DWARF_UNSUPPORTED, SECTION, at, `address_size ${addressSize} (hvdbg reads 4 and 8)`);
    if (segSel !== 0) throw formatError(FormatErrorCode.DWARF_UNSUPPORTED, SECTION, at + 1, `segment_selector_size ${segSel} (segmented addresses are not used on AArch64)`);
  }
  const headerLength = Number(u.uN(offsetSize, 'header_length'));
  const programOffset = u.pos + headerLength;
  if (programOffset > end) throw formatError(FormatErrorCode.DWARF_TRUNCATED, SECTION, u.pos - offsetSize, `header_length 0x${headerLength.toString(16)} reaches past the unit's end`);
  const minInstLength = u.u8('minimum_instruction_length');
  const maxOpsPerInst = version >= 4 ? u.u8('maximum_operations_per_instruction') : 1;
  if (maxOpsPerInst === 0) throw formatError(FormatErrorCode.DWARF_MALFORMED, SECTION, u.pos - 1, 'maximum_operations_per_instruction is 0');
  const defaultIsStmt = u.u8('default_is_stmt') !== 0;
  const lineBase = u.s8('line_base');
  const lineRangeAt = u.pos;
  const lineRange = u.u8('line_range');
  if (lineRange === 0) throw formatError(FormatErrorCode.DWARF_MALFORMED, SECTION, lineRangeAt, 'line_range is 0 (special opcodes would divide by it)');
  const opcodeBaseAt = u.pos;
  const opcodeBase = u.u8('opcode_base');
  if (opcodeBase === 0) throw formatError(FormatErrorCode.DWARF_MALFORMED, SECTION, opcodeBaseAt, 'opcode_base is 0');
  const standardOpcodeLengths: number[] = [];
  for (let i = 1; i < opcodeBase; i++) standardOpcodeLengths.push(u.u8(`standard_opcode_lengths[${i}]`));

  const directories: string[] = [];
  const files: LineFileEntry[] = [];
  if (version >= 5) {
    const read = entryReader(u, sections, offsetSize);
    for (const e of read('directory')) directories.push(e.name);
    files.push(...read('file_name'));
  } else {
    directories.push('');
    for (;;) {
      const dir = u.cstring('include_directories entry');
      if (dir === '') break;
      directories.push(dir);
    }
    for (;;) {
      const name = u.cstring('file_names entry name');
      if (name === '') break;
      files.push({ name, dirIndex: u.uleb('file_names directory index'), mtime: BigInt(u.uleb('file_names mtime')), length: BigInt(u.uleb('file_names length')) });
    }
  }
  if (u.pos > programOffset) {
    throw formatError(FormatErrorCode.DWARF_MALFORMED, SECTION, offset, `the header's tables end at 0x${u.pos.toString(16)}, past header_length's 0x${programOffset.toString(16)}`);
  }
  return {
    offset,
    end,
    programOffset,
    format,
    version,
    addressSize,
    minInstLength,
    maxOpsPerInst,
    defaultIsStmt,
    lineBase,
    lineRange,
    opcodeBase,
    standardOpcodeLengths,
    directories,
    files,
    fileBase: version >= 5 ? 0 : 1,
  };
}

/** DWARF 5: `format_count (content type, form)*, count, entries` for directories or files. */
function entryReader(u: Cursor, sections: DwarfSections, offsetSize: number) {
  return (what: 'directory' | 'file_name'): LineFileEntry[] => {
    const formatCount = u.u8(`${what}_entry_format_count`);
    const formats: Array<{ type: number; form: number }> = [];
    for (let i = 0; i < formatCount; i++) formats.push({ type: u.uleb(`${what}_entry_format content type`), form: u.uleb(`${what}_entry_format form`) });
    const countAt = u.pos;
    const count = u.uleb(`${what}s_count`);
    // Each entry takes at least one byte per format: a count beyond that is damage, not a huge table.
    if (count > 0 && count * Math.max(1, formatCount) > u.remaining) {
      throw formatError(FormatErrorCode.DWARF_TRUNCATED, SECTION, countAt, `${what}s_count ${count} cannot fit in the ${u.remaining} byte(s) left in the unit`);
    }
    if (count > 0 && !formats.some((f) => f.type === DW_LNCT.path)) {
      throw formatError(FormatErrorCode.DWARF_MALFORMED, SECTION, countAt, `${what} entries have no DW_LNCT_path`);
    }
    const out: LineFileEntry[] = [];
    for (let i = 0; i < count; i++) {
      let name = '';
      let dirIndex = 0;
      let mtime = 0n;
      let length = 0n;
      let md5: Uint8Array | undefined;
      for (const f of formats) {
        const field = `${what}s[${i}]`;
        const at = u.pos;
        const v = readEntryForm(u, sections, offsetSize, f.form, field);
        switch (f.type) {
          case DW_LNCT.path:
            if (typeof v !== 'string') throw formatError(FormatErrorCode.DWARF_MALFORMED, SECTION, at, `${field} DW_LNCT_path has non-string form 0x${f.form.toString(16)}`);
            name = v;
            break;
          case DW_LNCT.directory_index:
            dirIndex = Number(asInt(v, field, at));
            break;
          case DW_LNCT.timestamp:
            mtime = v instanceof Uint8Array ? 0n : asInt(v, field, at);
            break;
          case DW_LNCT.size:
            length = asInt(v, field, at);
            break;
          case DW_LNCT.MD5:
            if (v instanceof Uint8Array) md5 = v;
            break;
          default: // vendor content types (DW_LNCT_LLVM_source, …): read and ignored
        }
      }
      out.push(md5 ? { name, dirIndex, mtime, length, md5 } : { name, dirIndex, mtime, length });
    }
    return out;
  };
}

function asInt(v: string | bigint | Uint8Array, field: string, at: number): bigint {
  if (typeof v !== 'bigint') throw formatError(FormatErrorCode.DWARF_MALFORMED, SECTION, at, `${field} needs an integer form`);
  return v;
}

/** The forms DWARF 5 allows in line-table entry formats (§6.2.4.1). */
function readEntryForm(u: Cursor, sections: DwarfSections, offsetSize: number, form: number, field: string): string | bigint | Uint8Array {
  const at = u.pos;
  switch (form) {
    case DW_FORM.string:
      return u.cstring(field);
    case DW_FORM.line_strp:
      return stringAt(sections.lineStr ?? new Uint8Array(0), Number(u.uN(offsetSize, field)), '.debug_line_str', FormatErrorCode.DWARF_MALFORMED, `${SECTION} ${field}`);
    case DW_FORM.strp:
      return stringAt(sections.str ?? new Uint8Array(0), Number(u.uN(offsetSize, field)), '.debug_str', FormatErrorCode.DWARF_MALFORMED, `${SECTION} ${field}`);
    case DW_FORM.udata:
      return u.ulebBig(field);
    case DW_FORM.data1:
      return BigInt(u.u8(field));
    case DW_FORM.data2:
      return BigInt(u.u16(field));
    case DW_FORM.data4:
      return BigInt(u.u32(field));
    case DW_FORM.data8:
      return u.u64(field);
    case DW_FORM.data16:
      return u.bytesOf(16, field).slice();
    case DW_FORM.block:
      return u.bytesOf(u.uleb(field), field).slice();
    default:
      throw formatError(FormatErrorCode.DWARF_UNSUPPORTED, SECTION, at, `${field} uses form 0x${form.toString(16)}, which hvdbg does not read in line-table headers`);
  }
}
