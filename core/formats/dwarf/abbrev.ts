// Layer: core/formats. .debug_abbrev tables (DWARF 5 §7.5.3): abbreviation code → tag, children
// flag and the (attribute, form) list a DIE of that code carries. Imports this folder,
// ../cursor.ts, ../format-error.ts.

import { Cursor } from '../cursor.ts';
import { FormatErrorCode } from '../format-error.ts';
import { DW_FORM } from './constants.ts';

export interface AbbrevAttr {
  readonly name: number;
  readonly form: number;
  /** DW_FORM_implicit_const's value, held in the abbreviation itself. */
  readonly implicitConst?: bigint;
}
export interface Abbrev {
  readonly code: number;
  readonly tag: number;
  readonly hasChildren: boolean;
  readonly attrs: readonly AbbrevAttr[];
}

const SECTION = '.debug_abbrev';

/** The table at `offset`; ends at a 0 code. */
export function readAbbrevTable(bytes: Uint8Array, offset: number): Map<number, Abbrev> {
  const c = new Cursor(bytes, SECTION, FormatErrorCode.DWARF_TRUNCATED).seek(offset);
  if (offset >= bytes.length) c.need(1, 'abbreviation table');
  const table = new Map<number, Abbrev>();
  for (;;) {
    const code = c.uleb('abbreviation code');
    if (code === 0) return table;
    const tag = c.uleb('abbreviation tag');
    const hasChildren = c.u8('children flag') !== 0;
    const attrs: AbbrevAttr[] = [];
    for (;;) {
      const name = c.uleb('attribute name');
      const form = c.uleb('attribute form');
      if (name === 0 && form === 0) break;
      if (form === DW_FORM.implicit_const) {
        const v = c.sleb('DW_FORM_implicit_const value');
        attrs.push({ name, form, implicitConst: BigInt(v) });
      } else {
        attrs.push({ name, form });
      }
    }
    table.set(code, { code, tag, hasChildren, attrs });
  }
}
