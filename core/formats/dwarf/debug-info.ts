// Layer: core/formats. A minimal walk of .debug_info (DWARF 2–5 compilation units, §7.5.1):
// each unit's name, compilation directory, line-table offset and code range, and every
// subprogram with code (DW_AT_low_pc) with its name — through DW_AT_specification /
// DW_AT_abstract_origin when the DIE has none — so a backtrace can name functions of a
// stripped image that kept its DWARF. Every form is decoded or skipped by its size (§7.5.6).
// Imports this folder, ../cursor.ts, ../format-error.ts.

import { Cursor, stringAt } from '../cursor.ts';
import { FormatErrorCode, formatError } from '../format-error.ts';
import { readAbbrevTable, type Abbrev } from './abbrev.ts';
import { DW_AT, DW_FORM, DW_TAG, DW_UT } from './constants.ts';
import type { DwarfSections } from './sections.ts';

export interface DwarfFunction {
  readonly name: string;
  readonly lowPc: bigint;
  /** Exclusive; undefined when the DIE has no DW_AT_high_pc. */
  readonly highPc: bigint | undefined;
  /** .debug_info offset of the DIE. */
  readonly offset: number;
}

export interface CompileUnit {
  readonly offset: number;
  readonly version: number;
  readonly name: string | undefined;
  readonly compDir: string | undefined;
  /** DW_AT_stmt_list: this unit's offset in .debug_line. */
  readonly stmtList: number | undefined;
  readonly lowPc: bigint | undefined;
  readonly highPc: bigint | undefined;
  readonly functions: readonly DwarfFunction[];
}

const SECTION = '.debug_info';

type Value = { kind: 'int'; v: bigint } | { kind: 'str'; v: string } | { kind: 'strx'; v: bigint } | { kind: 'addrx'; v: bigint } | { kind: 'ref'; v: number } | { kind: 'none' };

interface UnitCtx {
  readonly c: Cursor;
  readonly s: DwarfSections;
  readonly offsetSize: number;
  readonly addressSize: number;
  readonly version: number;
  readonly unitOffset: number;
}

/** Reads one attribute value of `form`; values the walk does not use are skipped by size. */
function readForm(u: UnitCtx, form: number, implicitConst: bigint | undefined): Value {
  const { c, offsetSize, addressSize } = u;
  const int = (v: bigint): Value => ({ kind: 'int', v });
  switch (form) {
    case DW_FORM.addr:
      return int(c.uN(addressSize, 'DW_FORM_addr'));
    case DW_FORM.data1:
    case DW_FORM.flag:
      return int(BigInt(c.u8('1-byte value')));
    case DW_FORM.data2:
      return int(BigInt(c.u16('2-byte value')));
    case DW_FORM.data4:
      return int(BigInt(c.u32('4-byte value')));
    case DW_FORM.data8:
    case DW_FORM.ref_sig8:
      return int(c.u64('8-byte value'));
    case DW_FORM.data16:
      c.skip(16, 'DW_FORM_data16');
      return { kind: 'none' };
    case DW_FORM.sdata:
      return int(BigInt(c.sleb('DW_FORM_sdata')));
    case DW_FORM.udata:
      return int(c.ulebBig('DW_FORM_udata'));
    case DW_FORM.string:
      return { kind: 'str', v: c.cstring('DW_FORM_string') };
    case DW_FORM.strp:
      return { kind: 'str', v: stringAt(u.s.str ?? new Uint8Array(0), Number(c.uN(offsetSize, 'DW_FORM_strp')), '.debug_str', FormatErrorCode.DWARF_MALFORMED, `${SECTION} DW_FORM_strp`) };
    case DW_FORM.line_strp:
      return { kind: 'str', v: stringAt(u.s.lineStr ?? new Uint8Array(0), Number(c.uN(offsetSize, 'DW_FORM_line_strp')), '.debug_line_str', FormatErrorCode.DWARF_MALFORMED, `${SECTION} DW_FORM_line_strp`) };
    case DW_FORM.strx:
    case DW_FORM.GNU_str_index:
      return { kind: 'strx', v: c.ulebBig('DW_FORM_strx') };
    case DW_FORM.strx1:
      return { kind: 'strx', v: BigInt(c.u8('DW_FORM_strx1')) };
    case DW_FORM.strx2:
      return { kind: 'strx', v: BigInt(c.u16('DW_FORM_strx2')) };
    case DW_FORM.strx3:
      return { kind: 'strx', v: c.uN(3, 'DW_FORM_strx3') };
    case DW_FORM.strx4:
      return { kind: 'strx', v: BigInt(c.u32('DW_FORM_strx4')) };
    case DW_FORM.addrx:
    case DW_FORM.GNU_addr_index:
      return { kind: 'addrx', v: c.ulebBig('DW_FORM_addrx') };
    case DW_FORM.addrx1:
      return { kind: 'addrx', v: BigInt(c.u8('DW_FORM_addrx1')) };
    case DW_FORM.addrx2:
      return { kind: 'addrx', v: BigInt(c.u16('DW_FORM_addrx2')) };
    case DW_FORM.addrx3:
      return { kind: 'addrx', v: c.uN(3, 'DW_FORM_addrx3') };
    case DW_FORM.addrx4:
      return { kind: 'addrx', v: BigInt(c.u32('DW_FORM_addrx4')) };
    case DW_FORM.ref1:
      return { kind: 'ref', v: u.unitOffset + c.u8('DW_FORM_ref1') };
    case DW_FORM.ref2:
      return { kind: 'ref', v: u.unitOffset + c.u16('DW_FORM_ref2') };
    case DW_FORM.ref4:
      return { kind: 'ref', v: u.unitOffset + c.u32('DW_FORM_ref4') };
    case DW_FORM.ref8:
      return { kind: 'ref', v: u.unitOffset + Number(c.u64('DW_FORM_ref8')) };
    case DW_FORM.ref_udata:
      return { kind: 'ref', v: u.unitOffset + c.uleb('DW_FORM_ref_udata') };
    case DW_FORM.ref_addr:
      // DWARF 2 sized it as an address, later versions as an offset.
      return { kind: 'ref', v: Number(c.uN(u.version <= 2 ? addressSize : offsetSize, 'DW_FORM_ref_addr')) };
    case DW_FORM.sec_offset:
    case DW_FORM.strp_sup:
    case DW_FORM.GNU_ref_alt:
    case DW_FORM.GNU_strp_alt:
      return int(c.uN(offsetSize, 'section offset'));
    case DW_FORM.ref_sup4:
      return int(BigInt(c.u32('DW_FORM_ref_sup4')));
    case DW_FORM.ref_sup8:
      return int(c.u64('DW_FORM_ref_sup8'));
    case DW_FORM.block1:
      c.skip(c.u8('DW_FORM_block1 length'), 'DW_FORM_block1');
      return { kind: 'none' };
    case DW_FORM.block2:
      c.skip(c.u16('DW_FORM_block2 length'), 'DW_FORM_block2');
      return { kind: 'none' };
    case DW_FORM.block4:
      c.skip(c.u32('DW_FORM_block4 length'), 'DW_FORM_block4');
      return { kind: 'none' };
    case DW_FORM.block:
    case DW_FORM.exprloc:
      c.skip(c.uleb('block length'), 'block');
      return { kind: 'none' };
    case DW_FORM.flag_present:
      return int(1n);
    case DW_FORM.implicit_const:
      return int(implicitConst ?? 0n);
    case DW_FORM.loclistx:
    case DW_FORM.rnglistx:
      return int(c.ulebBig('list index'));
    case DW_FORM.indirect: {
      const real = c.uleb('DW_FORM_indirect form');
      if (real === DW_FORM.indirect) throw formatError(FormatErrorCode.DWARF_MALFORMED, SECTION, c.offset, 'DW_FORM_indirect names itself');
      return readForm(u, real, implicitConst);
    }
    default:
      throw formatError(FormatErrorCode.DWARF_UNSUPPORTED, SECTION, c.offset, `attribute form 0x${form.toString(16)} is unknown, so the rest of the unit cannot be read`);
  }
}

interface RawDie {
  offset: number;
  tag: number;
  attrs: Map<number, Value>;
}

/** Walks every compilation unit of .debug_info; type and split units are stepped over. */
export function readCompileUnits(s: DwarfSections): CompileUnit[] {
  const info = s.info;
  const abbrev = s.abbrev;
  if (!info || !abbrev) return [];
  const tables = new Map<number, Map<number, Abbrev>>();
  const units: CompileUnit[] = [];
  for (let offset = 0; offset < info.length; ) {
    const c = new Cursor(info, SECTION, FormatErrorCode.DWARF_TRUNCATED).seek(offset);
    let length = c.u32('unit_length');
    let offsetSize = 4;
    if (length === 0xffffffff) {
      length = Number(c.u64('unit_length (64-bit)'));
      offsetSize = 8;
    } else if (length >= 0xfffffff0) {
      throw formatError(FormatErrorCode.DWARF_UNSUPPORTED, SECTION, offset, `unit_length 0x${length.toString(16)} is a reserved value`);
    }
    const end = c.pos + length;
    if (end > info.length) throw formatError(FormatErrorCode.DWARF_TRUNCATED, SECTION, offset, `unit_length 0x${length.toString(16)} reaches past the end of the section`);
    const u = new Cursor(info.subarray(0, end), SECTION, FormatErrorCode.DWARF_TRUNCATED).seek(c.pos);
    const version = u.u16('version');
    if (version < 2 || version > 5) throw formatError(FormatErrorCode.DWARF_UNSUPPORTED, SECTION, offset + offsetSize, `unit version ${version} (hvdbg reads 2 to 5)`);
    let unitType: number = DW_UT.compile;
    let addressSize: number;
    let abbrevOffset: number;
    if (version >= 5) {
      unitType = u.u8('unit_type');
      addressSize = u.u8('address_size');
      abbrevOffset = Number(u.uN(offsetSize, 'debug_abbrev_offset'));
      if (unitType === DW_UT.skeleton || unitType === DW_UT.split_compile) u.skip(8, 'dwo_id');
      else if (unitType === DW_UT.type || unitType === DW_UT.split_type) u.skip(8 + offsetSize, 'type signature and offset');
    } else {
      abbrevOffset = Number(u.uN(offsetSize, 'debug_abbrev_offset'));
      addressSize = u.u8('address_size');
    }
    if (unitType !== DW_UT.compile && unitType !== DW_UT.partial && unitType !== DW_UT.skeleton) {
      offset = end;
      continue;
    }
    if (addressSize !== 4 && addressSize !== 8) throw formatError(FormatErrorCode.DWARF_UNSUPPORTED, SECTION, offset, `address_size ${addressSize}`);
    let table = tables.get(abbrevOffset);
    if (!table) tables.set(abbrevOffset, (table = readAbbrevTable(abbrev, abbrevOffset)));
    units.push(walkUnit({ c: u, s, offsetSize, addressSize, version, unitOffset: offset }, table, end));
    offset = end;
  }
  return units;
}

const WANTED = new Set<number>([DW_AT.name, DW_AT.low_pc, DW_AT.high_pc, DW_AT.comp_dir, DW_AT.stmt_list, DW_AT.specification, DW_AT.abstract_origin, DW_AT.linkage_name, DW_AT.str_offsets_base, DW_AT.addr_base]);

function walkUnit(u: UnitCtx, table: Map<number, Abbrev>, end: number): CompileUnit {
  const dies: RawDie[] = [];
  const highIsOffset = new Set<number>();
  while (u.c.pos < end) {
    const at = u.c.pos;
    const code = u.c.uleb('abbreviation code');
    if (code === 0) continue; // end of a sibling chain
    const a = table.get(code);
    if (!a) throw formatError(FormatErrorCode.DWARF_MALFORMED, SECTION, at, `abbreviation code ${code} is not in the unit's abbreviation table`);
    const keep = dies.length === 0 || a.tag === DW_TAG.subprogram || a.tag === DW_TAG.inlined_subroutine || a.attrs.some((x) => x.name === DW_AT.name);
    const attrs = new Map<number, Value>();
    for (const attr of a.attrs) {
      const v = readForm(u, attr.form, attr.implicitConst);
      if (keep && WANTED.has(attr.name)) attrs.set(attr.name, v);
      // DWARF 4+: a constant-class high_pc is an offset from low_pc (§2.17.2).
      if (attr.name === DW_AT.high_pc && attr.form !== DW_FORM.addr && !(attr.form >= DW_FORM.addrx1 && attr.form <= DW_FORM.addrx4) && attr.form !== DW_FORM.addrx) highIsOffset.add(at);
    }
    if (keep) dies.push({ offset: at, tag: a.tag, attrs });
  }
  const cu = dies[0];
  const strBase = cu ? intOf(cu.attrs.get(DW_AT.str_offsets_base)) : undefined;
  const addrBase = cu ? intOf(cu.attrs.get(DW_AT.addr_base)) : undefined;
  const str = (v: Value | undefined): string | undefined => {
    if (!v) return undefined;
    if (v.kind === 'str') return v.v;
    if (v.kind !== 'strx' || !u.s.strOffsets || !u.s.str) return undefined;
    const base = Number(strBase ?? BigInt(u.offsetSize === 8 ? 16 : 8));
    const c = new Cursor(u.s.strOffsets, '.debug_str_offsets', FormatErrorCode.DWARF_TRUNCATED).seek(base + Number(v.v) * u.offsetSize);
    return stringAt(u.s.str, Number(c.uN(u.offsetSize, 'string offset')), '.debug_str', FormatErrorCode.DWARF_MALFORMED, `${SECTION} strx ${v.v}`);
  };
  const addr = (v: Value | undefined): bigint | undefined => {
    if (!v) return undefined;
    if (v.kind === 'int') return v.v;
    if (v.kind !== 'addrx' || !u.s.addr) return undefined;
    const base = Number(addrBase ?? 8n);
    return new Cursor(u.s.addr, '.debug_addr', FormatErrorCode.DWARF_TRUNCATED).seek(base + Number(v.v) * u.addressSize).uN(u.addressSize, 'address');
  };
  const high = (d: RawDie, low: bigint | undefined): bigint | undefined => {
    const v = d.attrs.get(DW_AT.high_pc);
    if (!v) return undefined;
    if (highIsOffset.has(d.offset)) return low === undefined ? undefined : low + (intOf(v) ?? 0n);
    return addr(v);
  };
  const byOffset = new Map(dies.map((d) => [d.offset, d]));
  const nameOf = (d: RawDie, depth = 0): string | undefined => {
    const own = str(d.attrs.get(DW_AT.name));
    if (own !== undefined || depth > 8) return own;
    for (const key of [DW_AT.specification, DW_AT.abstract_origin]) {
      const ref = d.attrs.get(key);
      const target = ref?.kind === 'ref' ? byOffset.get(ref.v) : undefined;
      if (target) return nameOf(target, depth + 1);
    }
    return undefined;
  };
  const functions: DwarfFunction[] = [];
  for (const d of dies) {
    if (d.tag !== DW_TAG.subprogram) continue;
    const lowPc = addr(d.attrs.get(DW_AT.low_pc));
    if (lowPc === undefined) continue;
    functions.push({ name: nameOf(d) ?? `<subprogram 0x${d.offset.toString(16)}>`, lowPc, highPc: high(d, lowPc), offset: d.offset });
  }
  const lowPc = cu ? addr(cu.attrs.get(DW_AT.low_pc)) : undefined;
  const stmt = cu ? intOf(cu.attrs.get(DW_AT.stmt_list)) : undefined;
  return {
    offset: u.unitOffset,
    version: u.version,
    name: cu ? str(cu.attrs.get(DW_AT.name)) : undefined,
    compDir: cu ? str(cu.attrs.get(DW_AT.comp_dir)) : undefined,
    stmtList: stmt === undefined ? undefined : Number(stmt),
    lowPc,
    highPc: cu ? high(cu, lowPc) : undefined,
    functions,
  };
}

const intOf = (v: Value | undefined): bigint | undefined => (v?.kind === 'int' ? v.v : undefined);

/** Address → the innermost DWARF function whose [low_pc, high_pc) holds it. */
export class FunctionIndex {
  private readonly sorted: DwarfFunction[];
  /** maxHigh[i]: highest high_pc among sorted[0..i], to stop the backward scan. */
  private readonly maxHigh: bigint[];

  constructor(units: readonly CompileUnit[]) {
    this.sorted = units.flatMap((u) => u.functions).filter((f) => f.highPc !== undefined && f.highPc > f.lowPc);
    this.sorted.sort((a, b) => (a.lowPc < b.lowPc ? -1 : a.lowPc > b.lowPc ? 1 : 0));
    let max = 0n;
    this.maxHigh = this.sorted.map((f) => (max = f.highPc! > max ? f.highPc! : max));
  }

  get all(): readonly DwarfFunction[] {
    return this.sorted;
  }

  lookup(address: bigint): DwarfFunction | undefined {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid]!.lowPc <= address) lo = mid + 1;
      else hi = mid;
    }
    let best: DwarfFunction | undefined;
    for (let i = lo - 1; i >= 0 && this.maxHigh[i]! > address; i--) {
      const f = this.sorted[i]!;
      if (address < f.highPc! && (!best || f.highPc! - f.lowPc < best.highPc! - best.lowPc)) best = f;
    }
    return best;
  }
}
