// Layer: core/plugin. Register classes and register maps as DATA (spec apple-devices §1.1, §1.2):
// a plugin declares them with reg32()/array()/regmap(), the host compiles them once per load into
// an offset → register table and decodes raw values into named fields. Rendering lives in
// regmap-format.ts. Imports core/plugin/errors.ts only.
//
// The declarations are plain objects on purpose: a plugin is bundled by esbuild with its own copy
// of this module, so the host must never rely on class identity (instanceof) across that line.
// Decoding keeps to numbers (two 32-bit halves for 64-bit registers): bigint only at the edges.

import { PluginError, PluginErrorCode } from './errors.ts';

/** §1.1: a field is a bit `n`, a range `[msb, lsb]`, or a range with a type (enum or constant). */
export type FieldSpec = number | readonly [msb: number, lsb: number] | readonly [msb: number, lsb: number, type: FieldType];
export type FieldType = { readonly enum: Readonly<Record<number, string>> } | { readonly constant: number };

export interface FieldDef {
  readonly name: string;
  readonly msb: number;
  readonly lsb: number;
  /** Declared as a single bit `n` (renders in decimal whatever else, §1.1). */
  readonly single: boolean;
  readonly enumNames?: Readonly<Record<number, string>>;
  readonly constant?: number;
}

export type RegWidth = 8 | 16 | 32 | 64;

export interface RegClass<F extends string = string> {
  readonly kind: 'regclass';
  readonly name: string;
  readonly width: RegWidth;
  /** Print order (§1.1 "Field order"). */
  readonly fields: readonly FieldDef[];
  /** Phantom: the field names, for typed access. */
  readonly __fields?: F;
}

/** An enum field type: `[11, 8, enumOf({ 0: 'OFF', 1: 'ON' })]`. */
export function enumOf(names: Readonly<Record<number, string>>): FieldType {
  return { enum: names };
}

/** A field that must equal k; objects built from fields start with it preset (§1.1). */
export function constant(k: number): FieldType {
  return { constant: k };
}

function badDefinition(message: string): PluginError {
  return new PluginError(PluginErrorCode.REGMAP_BAD_DEFINITION, message, {
    hint: 'fields are a bit number, [msb, lsb] or [msb, lsb, enumOf(...)/constant(k)] within the register width (spec apple-devices §1.1)',
  });
}

function toField(regName: string, width: number, name: string, spec: FieldSpec): FieldDef {
  const [msb, lsb, type] = typeof spec === 'number' ? [spec, spec, undefined] : spec;
  if (!Number.isInteger(msb) || !Number.isInteger(lsb) || lsb < 0 || msb < lsb || msb >= width) {
    throw badDefinition(`${regName}.${name}: bits [${msb}:${lsb}] do not fit a ${width}-bit register`);
  }
  // Fields decode to JS numbers; anything wider loses precision (use the raw value instead).
  if (msb - lsb + 1 > 53) throw badDefinition(`${regName}.${name}: ${msb - lsb + 1}-bit field is wider than 53 bits`);
  const field: { -readonly [K in keyof FieldDef]: FieldDef[K] } = { name, msb, lsb, single: typeof spec === 'number' };
  if (type && 'enum' in type) field.enumNames = type.enum;
  if (type && 'constant' in type) field.constant = type.constant;
  return field;
}

function makeClass<F extends string>(width: RegWidth, fields: Readonly<Record<F, FieldSpec>>, name: string, parent?: RegClass): RegClass<F> {
  const own = Object.entries(fields) as Array<[string, FieldSpec]>;
  const out: FieldDef[] = parent ? [...parent.fields] : [];
  for (const [fname, spec] of own) {
    const def = toField(name, width, fname, spec);
    const at = out.findIndex((f) => f.name === fname);
    // §1.1: a re-declared inherited field keeps its position; new fields follow in order.
    if (at >= 0) out[at] = def;
    else out.push(def);
  }
  return { kind: 'regclass', name, width, fields: out };
}

export const reg8 = <F extends string>(fields: Readonly<Record<F, FieldSpec>>, name = 'Register8'): RegClass<F> => makeClass(8, fields, name);
export const reg16 = <F extends string>(fields: Readonly<Record<F, FieldSpec>>, name = 'Register16'): RegClass<F> => makeClass(16, fields, name);
export const reg32 = <F extends string>(fields: Readonly<Record<F, FieldSpec>>, name = 'Register32'): RegClass<F> => makeClass(32, fields, name);
export const reg64 = <F extends string>(fields: Readonly<Record<F, FieldSpec>>, name = 'Register64'): RegClass<F> => makeClass(64, fields, name);

/** A subclass: the parent's fields first, re-declared ones in place, new ones after (§1.1). */
export function extendReg<P extends string, F extends string>(parent: RegClass<P>, fields: Readonly<Record<F, FieldSpec>>, name = parent.name): RegClass<P | F> {
  return makeClass(parent.width, fields, name, parent);
}

/** Field-less classes (render as `0x<v> ()`, §1.1). */
export const Register8 = reg8({}, 'Register8');
export const Register16 = reg16({}, 'Register16');
export const Register32 = reg32({}, 'Register32');
export const Register64 = reg64({}, 'Register64');

/** §1.2 `irange(s, n, st)`: the n addresses s, s+st, …; a step of 1 means "the register width". */
export interface IRange {
  readonly start: number;
  readonly count: number;
  readonly stride: number;
}
export function irange(start: number, count: number, stride = 1): IRange {
  return { start, count, stride };
}

export interface ScalarEntry<C extends RegClass = RegClass> {
  readonly kind: 'scalar';
  readonly offset: number;
  readonly cls: C;
}
export interface ArrayEntry<C extends RegClass = RegClass> {
  readonly kind: 'array';
  /** One range per dimension; element (i, j, …) is at ranges[0][i] + ranges[1][j] + … (§1.2). */
  readonly ranges: readonly IRange[];
  readonly cls: C;
}
export type RegEntry<C extends RegClass = RegClass> = ScalarEntry<C> | ArrayEntry<C>;

export const scalar = <C extends RegClass>(offset: number, cls: C): ScalarEntry<C> => ({ kind: 'scalar', offset, cls });
/** A 1-D array: `count` registers from `start`, `stride` bytes apart. */
export const array = <C extends RegClass>(start: number, count: number, stride: number, cls: C): ArrayEntry<C> => ({
  kind: 'array',
  ranges: [irange(start, count, stride)],
  cls,
});
/** An N-D array, e.g. GPIO IRQ_GROUP = arrayNd([irange(0x800, 7, 0x40), irange(0, 7, 4)], Register32). */
export const arrayNd = <C extends RegClass>(ranges: readonly IRange[], cls: C): ArrayEntry<C> => ({ kind: 'array', ranges, cls });

export interface RegMapDef<E extends Record<string, RegEntry> = Record<string, RegEntry>> {
  readonly kind: 'regmap';
  readonly name: string;
  readonly entries: E;
}

export function regmap<E extends Record<string, RegEntry>>(entries: E, name = 'RegMap'): RegMapDef<E> {
  return { kind: 'regmap', name, entries };
}

/** The register names of a map (what a plugin's handlers may be keyed by). */
export type RegNames<M extends RegMapDef> = keyof M['entries'] & string;
/** The field names of register `N` of map `M`. */
export type FieldNames<M extends RegMapDef, N extends RegNames<M>> = M['entries'][N]['cls'] extends RegClass<infer F> ? F : string;

/** One register of a compiled map, as found by offset. */
export interface RegHit {
  readonly name: string;
  /** undefined for a scalar, a number for a 1-D array, a tuple for N-D. */
  readonly index: number | readonly number[] | undefined;
  readonly cls: RegClass;
  /** `NAME`, `NAME[i]` or, for N-D arrays, Python's tuple form `NAME[(2, 3)]` (§1.2 MMIO lines). */
  readonly display: string;
  readonly offset: number;
}

/** A RegMapDef ready for lookups: every element address enumerated once. */
export interface CompiledRegMap {
  readonly def: RegMapDef;
  lookup(offset: number): RegHit | undefined;
  /** Offset of `name` (and index for arrays); throws REGMAP_NO_SUCH_REGISTER. */
  offsetOf(name: string, index?: number | readonly number[]): number;
  /** Every register in declaration order (arrays element by element). */
  all(): readonly RegHit[];
}

function elementOffsets(ranges: readonly IRange[], width: RegWidth): Array<{ offset: number; index: number[] }> {
  let acc: Array<{ offset: number; index: number[] }> = [{ offset: 0, index: [] }];
  for (const r of ranges) {
    const step = r.stride === 1 ? width / 8 : r.stride;
    const next: Array<{ offset: number; index: number[] }> = [];
    for (const a of acc) for (let i = 0; i < r.count; i++) next.push({ offset: a.offset + r.start + i * step, index: [...a.index, i] });
    acc = next;
  }
  return acc;
}

export function compileRegMap(def: RegMapDef): CompiledRegMap {
  const byOffset = new Map<number, RegHit>();
  const scalars = new Map<number, RegHit>();
  const byName = new Map<string, RegHit[]>();
  const all: RegHit[] = [];
  for (const [name, entry] of Object.entries(def.entries)) {
    const hits: RegHit[] = [];
    if (entry.kind === 'scalar') {
      hits.push({ name, index: undefined, cls: entry.cls, display: name, offset: entry.offset });
    } else {
      const nd = entry.ranges.length > 1;
      for (const { offset, index } of elementOffsets(entry.ranges, entry.cls.width)) {
        const idx = nd ? index : index[0]!;
        hits.push({ name, index: idx, cls: entry.cls, display: nd ? `${name}[(${index.join(', ')})]` : `${name}[${index[0]}]`, offset });
      }
    }
    byName.set(name, hits);
    for (const hit of hits) {
      all.push(hit);
      // §1.2 lookup: an exact scalar match first, then the first array element at that offset.
      if (entry.kind === 'scalar') scalars.set(hit.offset, hit);
      else if (!byOffset.has(hit.offset)) byOffset.set(hit.offset, hit);
    }
  }
  for (const [offset, hit] of scalars) byOffset.set(offset, hit);
  return {
    def,
    lookup: (offset) => byOffset.get(offset),
    all: () => all,
    offsetOf(name, index) {
      const hits = byName.get(name);
      const want = Array.isArray(index) ? index.join(',') : index === undefined ? undefined : String(index);
      const hit = hits?.find((h) => (h.index === undefined ? want === undefined : (Array.isArray(h.index) ? h.index.join(',') : String(h.index)) === want));
      if (!hit) {
        throw new PluginError(PluginErrorCode.REGMAP_NO_SUCH_REGISTER, `${def.name} has no register ${name}${want === undefined ? '' : `[${want}]`}`, {
          hint: `registers: ${[...byName.keys()].slice(0, 16).join(', ')}`,
        });
      }
      return hit.offset;
    },
  };
}

const TWO32 = 2 ** 32;

/** Field `f` of a register value given as 32-bit halves (hi is 0 for ≤ 32-bit registers). */
export function extractField(f: FieldDef, lo: number, hi: number): number {
  const w = f.msb - f.lsb + 1;
  if (f.msb < 32) return w === 32 ? lo >>> 0 : ((lo >>> f.lsb) & (2 ** w - 1)) >>> 0;
  if (f.lsb >= 32) {
    const s = f.lsb - 32;
    return w === 32 ? hi >>> 0 : ((hi >>> s) & (2 ** w - 1)) >>> 0;
  }
  // Spans bit 32: the high part scaled above the low part (exact: fields are ≤ 53 bits).
  const lowBits = 32 - f.lsb;
  const highPart = (hi & (2 ** (f.msb - 31) - 1)) >>> 0;
  return highPart * 2 ** lowBits + (lo >>> f.lsb);
}

/** Splits a raw value (bigint or number) into 32-bit halves, truncated to the register width. */
export function halves(raw: bigint | number, width: RegWidth): [lo: number, hi: number] {
  if (typeof raw === 'number') {
    const lo = raw % TWO32 >>> 0;
    return [width === 64 ? lo : width === 32 ? lo : lo & (2 ** width - 1), width === 64 ? Math.floor(raw / TWO32) >>> 0 : 0];
  }
  const lo = Number(raw & 0xffffffffn);
  if (width !== 64) return [width === 32 ? lo : lo & (2 ** width - 1), 0];
  return [lo, Number((raw >> 32n) & 0xffffffffn)];
}

/** A raw register value with its fields decoded on first use. */
export class RegValue<F extends string = string> {
  readonly raw: bigint;
  readonly cls: RegClass<F>;
  private decoded: Record<string, number> | undefined;

  constructor(cls: RegClass<F>, raw: bigint) {
    this.cls = cls;
    const mask = cls.width === 64 ? 0xffffffffffffffffn : (1n << BigInt(cls.width)) - 1n;
    this.raw = raw & mask;
  }

  /** Named fields as numbers, in print order. */
  get fields(): Readonly<Record<F, number>> {
    if (!this.decoded) {
      const [lo, hi] = halves(this.raw, this.cls.width);
      const out: Record<string, number> = {};
      for (const f of this.cls.fields) out[f.name] = extractField(f, lo, hi);
      this.decoded = out;
    }
    return this.decoded as Record<F, number>;
  }

  /** The raw value as a number (exact up to 2^53; 64-bit registers above that lose low bits). */
  get value(): number {
    return Number(this.raw);
  }
}

/** Decodes `raw` with `cls`. */
export function decodeReg<F extends string>(cls: RegClass<F>, raw: bigint): RegValue<F> {
  return new RegValue(cls, raw);
}

/**
 * Encodes field values into a raw value: starts from `base` (0 by default, with every constant
 * field preset as §1.1 says), clears each given field's bits and ORs in `(v & mask) << lsb`.
 */
export function encodeReg<F extends string>(cls: RegClass<F>, values: Partial<Record<F, number | bigint>>, base?: bigint): bigint {
  let out = base ?? 0n;
  const set = (f: FieldDef, v: number | bigint): void => {
    const mask = (1n << BigInt(f.msb - f.lsb + 1)) - 1n;
    out = (out & ~(mask << BigInt(f.lsb))) | ((BigInt(v) & mask) << BigInt(f.lsb));
  };
  if (base === undefined) for (const f of cls.fields) if (f.constant !== undefined) set(f, f.constant);
  for (const f of cls.fields) {
    const v = (values as Record<string, number | bigint | undefined>)[f.name];
    if (v !== undefined) set(f, v);
  }
  return out;
}
