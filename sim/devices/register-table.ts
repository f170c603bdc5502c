// Layer: sim/devices. Declarative register maps for the device models. Imports nothing.
//
// A device lists its registers as data — scalars and arrays, in the RegMap style of
// apple-devices §1.2 — and looks an access offset up once to get the register name and index.
// Offsets that hit no register are the device's "unmapped" case (each device documents whether
// that is RAZ/WI or a fault).

export type RegAccess = 'R' | 'W' | 'RW';

export interface RegDef<N extends string> {
  readonly name: N;
  readonly offset: number;
  /** Array length; 1 (a scalar) when absent. Element i sits at offset + i·stride. */
  readonly count?: number;
  /** Array stride in bytes; 4 when absent. */
  readonly stride?: number;
  readonly access: RegAccess;
}

export interface RegHit<N extends string> {
  readonly name: N;
  /** Array index (0 for scalars). */
  readonly index: number;
  readonly access: RegAccess;
}

export class RegisterTable<N extends string> {
  private readonly byOffset = new Map<number, RegHit<N>>();

  constructor(readonly defs: readonly RegDef<N>[]) {
    for (const d of defs) {
      const count = d.count ?? 1;
      const stride = d.stride ?? 4;
      for (let i = 0; i < count; i++) {
        const off = d.offset + i * stride;
        if (this.byOffset.has(off)) throw new Error(`register table: ${d.name}[${i}] overlaps at 0x${off.toString(16)}`);
        this.byOffset.set(off, { name: d.name, index: i, access: d.access });
      }
    }
  }

  lookup(offset: number): RegHit<N> | undefined {
    return this.byOffset.get(offset);
  }

  /** Offset of element `index` of register `name` (for tests and tracers). */
  offsetOf(name: N, index = 0): number {
    const d = this.defs.find((x) => x.name === name);
    if (!d || index < 0 || index >= (d.count ?? 1)) throw new Error(`register table: no ${name}[${index}]`);
    return d.offset + index * (d.stride ?? 4);
  }
}

/** Bits [msb:lsb] of a 32-bit value (apple-devices §1.1 field decode). */
export function bits(value: number, msb: number, lsb: number): number {
  return ((value >>> lsb) & (2 ** (msb - lsb + 1) - 1)) >>> 0;
}

/** `value` with bits [msb:lsb] replaced by `field` (apple-devices §1.1 field encode). */
export function withBits(value: number, msb: number, lsb: number, field: number): number {
  const mask = (2 ** (msb - lsb + 1) - 1) * 2 ** lsb;
  return ((value & ~mask) | ((field * 2 ** lsb) & mask)) >>> 0;
}
