// Layer: plugins/dcp. Python's repr() and pprint.pformat() for the values of the DCP call trace
// (spec apple-devices §7.13 "repr rules" and "pformat"): the seed trace was printed by Python, so
// its argument text is Python's. Values: None (null), bool, int (number | bigint), float (PyFloat),
// str, bytes (Uint8Array), list (array), dict (Map, insertion order) and parsed structs
// (PyStruct, rendered elsewhere). Pure; imports nothing.

export class PyFloat {
  constructor(readonly value: number) {}
}

/** A parsed struct (construct Container): long, rendered by render-struct.ts. */
export interface PyStruct {
  readonly struct: string;
  readonly fields: ReadonlyArray<readonly [name: string, value: PyValue, hex?: number]>;
}

export type PyValue = null | boolean | number | bigint | PyFloat | string | Uint8Array | PyStruct | readonly PyValue[] | ReadonlyMap<PyValue, PyValue>;

export const isStruct = (v: PyValue): v is PyStruct => typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && !(v instanceof PyFloat) && !(v instanceof Map) && !Array.isArray(v) && 'struct' in v;

function hexByte(c: number): string {
  return `\\x${c.toString(16).padStart(2, '0')}`;
}

/** Python's str.isprintable() approximated by Unicode categories (C* and Z* other than space). */
const NON_PRINTABLE = /[\p{C}\p{Z}]/u;

export function reprStr(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = q;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === q) out += `\\${q}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += hexByte(c);
    else if (c < 0x7f || !NON_PRINTABLE.test(ch) || ch === ' ') out += ch;
    else if (c < 0x100) out += hexByte(c);
    else if (c < 0x10000) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += `\\U${c.toString(16).padStart(8, '0')}`;
  }
  return out + q;
}

export function reprBytes(b: Uint8Array): string {
  const hasSingle = b.includes(0x27);
  const q = hasSingle && !b.includes(0x22) ? '"' : "'";
  let out = `b${q}`;
  for (const c of b) {
    if (c === 0x5c) out += '\\\\';
    else if (c === q.charCodeAt(0)) out += `\\${q}`;
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c >= 0x20 && c < 0x7f) out += String.fromCharCode(c);
    else out += hexByte(c);
  }
  return out + q;
}

/** repr(float): shortest round-trip digits; positional for exponents −4 … 15 (§7.13). */
export function reprFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  let body: string;
  if (exp >= -4 && exp < 16) {
    if (exp < 0) body = `0.${'0'.repeat(-exp - 1)}${digits}`;
    else if (digits.length > exp + 1) body = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
    else body = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  } else {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    body = `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return neg ? `-${body}` : body;
}

export function repr(v: PyValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : reprFloat(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') return reprStr(v);
  if (v instanceof PyFloat) return reprFloat(v.value);
  if (v instanceof Uint8Array) return reprBytes(v);
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${repr(k as PyValue)}: ${repr(x as PyValue)}`).join(', ')}}`;
  if (Array.isArray(v)) return `[${(v as readonly PyValue[]).map(repr).join(', ')}]`;
  const s = v as PyStruct;
  return `Container(${s.fields.map(([n, x]) => `${n}=${repr(x)}`).join(', ')})`;
}

const WIDTH = 80;

function pformatStr(s: string, indent: number, allowance: number, level: number): string {
  if (s.length === 0) return repr(s);
  const lines = s.split(/(?<=\r\n|\n|\r)/);
  if (level === 1) {
    indent += 1;
    allowance += 1;
  }
  const maxWidth = WIDTH - indent;
  let maxWidth1 = maxWidth;
  const chunks: string[] = [];
  lines.forEach((line, i) => {
    const rep = repr(line);
    if (i === lines.length - 1) maxWidth1 -= allowance;
    if (rep.length <= maxWidth1) {
      chunks.push(rep);
      return;
    }
    const parts = line.match(/\S*\s*/g)!.filter((p) => p.length > 0);
    let maxWidth2 = maxWidth;
    let current = '';
    parts.forEach((part, j) => {
      const candidate = current + part;
      if (j === parts.length - 1 && i === lines.length - 1) maxWidth2 -= allowance;
      if (repr(candidate).length > maxWidth2) {
        if (current) chunks.push(repr(current));
        current = part;
      } else {
        current = candidate;
      }
    });
    if (current) chunks.push(repr(current));
  });
  if (chunks.length === 1) return chunks[0]!;
  const body = chunks.join(`\n${' '.repeat(indent)}`);
  return level === 1 ? `(${body})` : body;
}

function pformatBytes(b: Uint8Array, indent: number, allowance: number, level: number): string {
  if (b.length <= 4) return repr(b);
  const parens = level === 1;
  if (parens) {
    indent += 1;
    allowance += 1;
  }
  let width = WIDTH - indent;
  const reps: string[] = [];
  let current = new Uint8Array(0);
  const last = Math.floor(b.length / 4) * 4;
  for (let i = 0; i < b.length; i += 4) {
    const part = b.subarray(i, i + 4);
    const candidate = new Uint8Array(current.length + part.length);
    candidate.set(current);
    candidate.set(part, current.length);
    if (i === last) width -= allowance;
    if (reprBytes(candidate).length > width) {
      if (current.length) reps.push(reprBytes(current));
      current = part.slice();
    } else {
      current = candidate;
    }
  }
  if (current.length) reps.push(reprBytes(current));
  const body = reps.join(`\n${' '.repeat(indent)}`);
  return parens ? `(${body})` : body;
}

function format(v: PyValue, indent: number, allowance: number, level: number): string {
  const rep = repr(v);
  if (rep.length <= WIDTH - indent - allowance) return rep;
  if (v instanceof Map) {
    if (v.size === 0) return rep;
    const items = [...v];
    const inner = indent + 1;
    return `{${items
      .map(([k, x], i) => {
        const kr = repr(k as PyValue);
        const last = i === items.length - 1;
        return `${kr}: ${format(x as PyValue, inner + kr.length + 2, last ? allowance + 1 : 1, level + 1)}`;
      })
      .join(`,\n${' '.repeat(inner)}`)}}`;
  }
  if (Array.isArray(v)) {
    const list = v as readonly PyValue[];
    if (list.length === 0) return rep;
    const inner = indent + 1;
    return `[${list.map((x, i) => format(x, inner, i === list.length - 1 ? allowance + 1 : 1, level + 1)).join(`,\n${' '.repeat(inner)}`)}]`;
  }
  if (typeof v === 'string') return pformatStr(v, indent, allowance, level);
  if (v instanceof Uint8Array) return pformatBytes(v, indent, allowance, level);
  return rep;
}

/** pprint.pformat(v, width=80, indent=1, sort_dicts=False). */
export function pformat(v: PyValue): string {
  return format(v, 0, 0, 1);
}
