// Layer: core/dcp. The argument types of the DCP method table and a parser for the compact
// signature text the table is written in (apple-devices.md §7.6, §7.7). Pure; imports this
// folder's errors only.
//
// Signature text mirrors the spec's "args" column, e.g.
//   "obj: fourcc, key: char[0x40], value: inout* u64"
//   "surfaces: (in* IOSurface)[4]"       — an array of nullable pointers (one flag byte each)
// Directions: plain = in; `in*`, `out*`, `inout*` = nullable pointers; `inout` = non-null in+out.

import { DcpCodecError } from './errors.ts';

export type ScalarKind = 'bool' | 'bool32' | 'u32' | 'i32' | 'u64' | 'f32' | 'f64' | 'fourcc';

export type DcpType =
  | { readonly kind: ScalarKind }
  | { readonly kind: 'char'; readonly size: number }
  | { readonly kind: 'bytes'; readonly size: number }
  | { readonly kind: 'dict1'; readonly size: number }
  | { readonly kind: 'struct'; readonly name: string; readonly size: number }
  | { readonly kind: 'array'; readonly count: number; readonly elem: DcpType };

export type ArgDirection = 'in' | 'out' | 'inout';

export interface DcpArg {
  readonly name: string;
  readonly type: DcpType;
  readonly dir: ArgDirection;
  /** A pointer: one null-flag byte in the input block (§7.6). */
  readonly nullable: boolean;
  /** For `(in* T)[n]`: n pointers, n flag bytes; the value is an array of n (T | null). */
  readonly pointerCount?: number;
}

const SCALAR_SIZES: Readonly<Record<ScalarKind, number>> = {
  bool: 1, bool32: 4, u32: 4, i32: 4, u64: 8, f32: 4, f64: 8, fourcc: 4,
};

/** Struct types of §7.6 (opaque byte blocks at this layer). */
export const DCP_STRUCT_SIZES: Readonly<Record<string, number>> = {
  IOUserClient: 0x10,
  rt_bw_config: 0x3c,
  IOMFBSwapRec: 0x320,
  IOSurface: 0x204,
};

export function typeSize(t: DcpType): number {
  switch (t.kind) {
    case 'char':
    case 'bytes':
    case 'dict1':
    case 'struct':
      return t.size;
    case 'array':
      return t.count * typeSize(t.elem);
    default:
      return SCALAR_SIZES[t.kind];
  }
}

function tableError(text: string, why: string): never {
  throw new DcpCodecError('DCP_METHOD_TABLE', `cannot parse ${JSON.stringify(text)}: ${why}`);
}

function parseNumber(text: string, s: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n <= 0) tableError(text, `bad size ${s}`);
  return n;
}

/** "u64[3][3]", "char[0x40]", "IOSurface", "bytes[0x680]". */
export function parseType(text: string): DcpType {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)((?:\[[0-9a-fx]+\])*)$/.exec(text.trim());
  if (!m) tableError(text, 'not a type');
  const base = m[1]!;
  const dims = [...m[2]!.matchAll(/\[([0-9a-fx]+)\]/g)].map((d) => parseNumber(text, d[1]!));
  let type: DcpType;
  if (base === 'char' || base === 'bytes' || base === 'dict1') {
    const size = dims.shift();
    if (size === undefined) tableError(text, `${base} needs a size`);
    type = { kind: base, size };
  } else if (base in SCALAR_SIZES) {
    type = { kind: base as ScalarKind };
  } else if (base in DCP_STRUCT_SIZES) {
    type = { kind: 'struct', name: base, size: DCP_STRUCT_SIZES[base]! };
  } else {
    tableError(text, `unknown type ${base}`);
  }
  // C order: u64[5][3] is 5 rows of 3.
  for (let i = dims.length - 1; i >= 0; i--) type = { kind: 'array', count: dims[i]!, elem: type };
  return type;
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

export function parseArg(text: string): DcpArg {
  const colon = text.indexOf(':');
  if (colon < 0) tableError(text, 'missing "name:"');
  const name = text.slice(0, colon).trim();
  let rest = text.slice(colon + 1).trim();
  const ptrArray = /^\((in\*|out\*|inout\*)\s+(.+)\)\[([0-9a-fx]+)\]$/.exec(rest);
  if (ptrArray) {
    return {
      name,
      dir: ptrArray[1]!.slice(0, -1) as ArgDirection,
      nullable: true,
      pointerCount: parseNumber(text, ptrArray[3]!),
      type: parseType(ptrArray[2]!),
    };
  }
  let dir: ArgDirection = 'in';
  let nullable = false;
  const dm = /^(in\*|out\*|inout\*|inout)\s+/.exec(rest);
  if (dm) {
    const d = dm[1]!;
    nullable = d.endsWith('*');
    dir = (nullable ? d.slice(0, -1) : d) as ArgDirection;
    rest = rest.slice(dm[0].length);
  }
  return { name, dir, nullable, type: parseType(rest) };
}

export function parseArgs(text: string): DcpArg[] {
  return splitTopLevel(text).map(parseArg);
}
