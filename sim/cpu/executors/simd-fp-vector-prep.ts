// Layer: sim/cpu/executors. Operand resolution (prepare) for the Advanced SIMD arithmetic rows:
// decoder fields → the record layout of simd-fp-vector-engine.ts. Imports sim/cpu and
// core/arch/a64/spec.ts (types) only.
import type { Fields } from '../../../core/arch/a64/spec.ts';
import type { Predecoded } from '../executor-registry.ts';

type Prep = (p: Predecoded, word: number, f: Fields | undefined) => void;

const F = (f: Fields | undefined): Fields => f!;

/** log2(esize/8) from immh (its highest set bit). */
export const immhSize = (immh: number): number => 31 - Math.clz32(immh);

function regs(p: Predecoded, f: Fields): void {
  p.a = f.Rd! * 16;
  p.b = f.Rn! * 16;
  p.c = (f.Rm ?? 0) * 16;
}

/** Vector three-same / two-misc: lanes of `size` over 64 or 128 bits. */
export const prepVec: Prep = (p, _w, fx) => {
  const f = F(fx);
  regs(p, f);
  p.d = f.size!;
  p.imm = (f.Q ? 16 : 8) >> f.size!;
};

/** Logical (bytes). */
export const prepBytes: Prep = (p, _w, fx) => {
  const f = F(fx);
  regs(p, f);
  p.d = 0;
  p.imm = f.Q ? 16 : 8;
};

/** Fixed lane size regardless of the size field (e.g. 32-bit URECPE, 64-bit SHA512). */
export const prepFixed =
  (size: number, lanesQ0: number, lanesQ1: number): Prep =>
  (p, _w, fx) => {
    const f = F(fx);
    regs(p, f);
    p.d = size;
    p.imm = f.Q ? lanesQ1 : lanesQ0;
  };

/** Scalar (asisd): one lane of `size`. */
export const prepScalar: Prep = (p, _w, fx) => {
  const f = F(fx);
  regs(p, f);
  p.d = f.size!;
  p.imm = 1;
};

/** Long (e → 2e) three-different and SHLL: the "2" forms read the upper halves. */
export const prepLong: Prep = (p, _w, fx) => {
  const f = F(fx);
  regs(p, f);
  p.b += f.Q! * 8;
  p.c += f.Q! * 8;
  p.d = f.size!;
  p.imm = 8 >> f.size!;
  p.imm2 = 8 << f.size!; // SHLL's shift
};

/** Wide (2e, e → 2e): only Vm is narrow. */
export const prepWide: Prep = (p, _w, fx) => {
  const f = F(fx);
  regs(p, f);
  p.c += f.Q! * 8;
  p.d = f.size!;
  p.imm = 8 >> f.size!;
};

/** Narrowing (2e → e) vector forms: the "2" forms write the upper half and keep the lower. */
export const prepNarrow: Prep = (p, _w, fx) => {
  const f = F(fx);
  regs(p, f);
  p.a += f.Q! * 8;
  p.d = f.size!;
  p.imm = 8 >> f.size!;
};

/** Pairwise long (SADDLP…): 2e lanes over 64/128 bits. */
export const prepLPair: Prep = (p, _w, fx) => {
  const f = F(fx);
  regs(p, f);
  p.d = f.size!;
  p.imm = (f.Q ? 16 : 8) >> (f.size! + 1);
};

/** Shift by immediate, vector. kind: right / left / narrow / long. */
export const prepShift =
  (kind: 'right' | 'left' | 'narrow' | 'long', scalar: boolean): Prep =>
  (p, _w, fx) => {
    const f = F(fx);
    regs(p, f);
    const s = immhSize(f.immh!);
    const e = 8 << s;
    const immhb = (f.immh! << 3) | f.immb!;
    p.imm2 = kind === 'left' || kind === 'long' ? immhb - e : 2 * e - immhb;
    p.d = s;
    if (scalar) {
      p.imm = 1;
      return;
    }
    if (kind === 'narrow') {
      p.a += f.Q! * 8;
      p.imm = 8 >> s;
    } else if (kind === 'long') {
      p.b += f.Q! * 8;
      p.imm = 8 >> s;
    } else p.imm = (f.Q ? 16 : 8) >> s;
  };

/** The by-element register and index (H:L:M with Rm<4> for halves; H:L, M:Rm for singles; H for doubles). */
export function elemOffset(f: Fields, size: number): number {
  if (size === 1) return f.Rm! * 16 + (((f.H! << 2) | (f.L! << 1) | f.M!) << 1);
  const reg = (f.M! << 4) | f.Rm!;
  if (size === 2) return reg * 16 + (((f.H! << 1) | f.L!) << 2);
  return reg * 16 + (f.H! << 3);
}

/** By element, integer: kind same (vector/scalar) or long (vector "2" form, scalar). */
export const prepElem =
  (kind: 'same' | 'long', scalar: boolean): Prep =>
  (p, _w, fx) => {
    const f = F(fx);
    p.a = f.Rd! * 16;
    p.b = f.Rn! * 16;
    p.d = f.size!;
    p.c = elemOffset(f, f.size!);
    if (scalar) p.imm = 1;
    else if (kind === 'long') {
      p.b += f.Q! * 8;
      p.imm = 8 >> f.size!;
    } else p.imm = (f.Q ? 16 : 8) >> f.size!;
  };
