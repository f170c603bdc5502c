// Layer: core/arch/a64. Encoding patterns as data. Imports nothing.
//
// A pattern spells the 32 bits of an encoding from bit 31 down, as space-separated segments:
// a run of fixed bits ("100010"), with "x" for a bit that may be anything, or a field
// "name:width" that the decoder extracts (unsigned). Widths add up to 32. The names follow
// the Arm ARM's encoding diagrams (sf, op, S, sh, imm12, Rn, Rd, opc, size, V, …), so a reader
// can hold a table row next to the manual.
//
//   ADD (immediate):  "sf:1 0 0 100010 sh:1 imm12:12 Rn:5 Rd:5"

export interface FieldDef {
  readonly name: string;
  /** Bit position of the field's least significant bit. */
  readonly lsb: number;
  readonly width: number;
}

export interface CompiledPattern {
  /** Bits fixed by the pattern. */
  readonly mask: number;
  /** Their required values. */
  readonly value: number;
  readonly fields: readonly FieldDef[];
}

export function compilePattern(pattern: string): CompiledPattern {
  let bit = 32;
  let mask = 0;
  let value = 0;
  const fields: FieldDef[] = [];
  for (const segment of pattern.trim().split(/\s+/)) {
    const field = /^([A-Za-z][A-Za-z0-9_]*):(\d+)$/.exec(segment);
    if (field) {
      const width = Number(field[2]);
      bit -= width;
      fields.push({ name: field[1]!, lsb: bit, width });
      continue;
    }
    if (!/^[01x]+$/.test(segment)) throw new Error(`pattern '${pattern}': bad segment '${segment}'`);
    for (const c of segment) {
      bit--;
      if (c === 'x') continue;
      mask |= 1 << bit;
      if (c === '1') value |= 1 << bit;
    }
  }
  if (bit !== 0) throw new Error(`pattern '${pattern}' spells ${32 - bit} bits, not 32`);
  return { mask: mask >>> 0, value: value >>> 0, fields };
}

export function extractField(word: number, field: FieldDef): number {
  return field.width === 32 ? word >>> 0 : (word >>> field.lsb) & ((1 << field.width) - 1);
}

/** Two's-complement value of an extracted `width`-bit field. */
export function signExtend(value: number, width: number): number {
  const shift = 32 - width;
  return (value << shift) >> shift;
}
