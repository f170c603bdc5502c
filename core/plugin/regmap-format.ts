// Layer: core/plugin. Text rendering of register values and the generic MMIO trace line, exactly
// as spec apple-devices §1.1 ("Text rendering of a register value") and §1.3 ("Generic MMIO
// line") state them. Imports core/plugin/regmap.ts only.

import { extractField, halves, type FieldDef, type RegClass, type RegHit, type RegValue } from './regmap.ts';

/** One field's value text: §1.1's rules for single bits, narrow/wide ranges and enums. */
export function renderField(f: FieldDef, v: number): string {
  const width = f.msb - f.lsb + 1;
  const plain = f.single || width <= 3 ? String(v) : `0x${v.toString(16)}`;
  const name = f.enumNames?.[v];
  return name === undefined ? plain : `${plain}(${name})`;
}

/** The part inside the parentheses: `F1=v1, F2=v2` in print order ('' for a field-less class). */
export function fieldsString(cls: RegClass, raw: bigint): string {
  const [lo, hi] = halves(raw, cls.width);
  let out = '';
  for (const f of cls.fields) {
    if (out) out += ', ';
    out += `${f.name}=${renderField(f, extractField(f, lo, hi))}`;
  }
  return out;
}

/** `0x<value, lowercase, unpadded> (<fields>)` (§1.1). */
export function renderValue(cls: RegClass, raw: bigint): string {
  const mask = cls.width === 64 ? 0xffffffffffffffffn : (1n << BigInt(cls.width)) - 1n;
  const v = raw & mask;
  return `0x${v.toString(16)} (${fieldsString(cls, v)})`;
}

/** Rendering of a decoded value (the `str(val)` of the spec's tracer lines). */
export function renderRegValue(v: RegValue): string {
  return renderValue(v.cls, v.raw);
}

/** A register's name in a register dump: N-D tuples lose their parentheses (`IRQ_GROUP[2, 3]`, §1.2). */
export function dumpName(hit: RegHit): string {
  if (hit.index === undefined) return hit.name;
  return Array.isArray(hit.index) ? `${hit.name}[${hit.index.join(', ')}]` : `${hit.name}[${hit.index}]`;
}

export interface MmioLineInput {
  readonly write: boolean;
  /** Access size in bytes (1, 2, 4 or 8). */
  readonly width: number;
  readonly multi?: boolean;
  readonly addr: bigint;
  readonly value: bigint;
}

/**
 * `MMIO: <R|W>.<bytes, left-aligned in 2 columns><'+' if MULTI else ' '> <NAME> = <rendered>`;
 * for an unknown register `… 0x<addr> = 0x<data>` (§1.3).
 */
export function mmioLine(ev: MmioLineInput, hit: RegHit | undefined): string {
  const head = `MMIO: ${ev.write ? 'W' : 'R'}.${String(ev.width).padEnd(2)}${ev.multi ? '+' : ' '} `;
  if (!hit) return `${head}0x${ev.addr.toString(16)} = 0x${ev.value.toString(16)}`;
  return `${head}${hit.display} = ${renderValue(hit.cls, ev.value)}`;
}
