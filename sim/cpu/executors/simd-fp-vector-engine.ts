// Layer: sim/cpu/executors. The lane engine behind the Advanced SIMD arithmetic executors
// (simd-fp-vector*.ts): reading and writing lanes of the V register file, the result scratch,
// FPSR.QC, and exec factories, one per operand shape. Imports sim/cpu only.
//
// Record layout shared by every shape (prepare fills it, see simd-fp-vector-prep.ts):
//   a   byte offset of the first destination lane (Vd*16, + 8 for the "2" narrowing forms)
//   b   byte offset of the first Vn lane (+ 8 for the "2" widening forms)
//   c   byte offset of the first Vm lane / of the indexed element (by-element forms)
//   d   log2 of the source element size in bytes (0 b … 3 d)
//   imm number of result lanes
//   imm2 a shift amount or other constant
// Results go to a 16-byte scratch first (Vd may alias a source), then `writeBack` copies them
// and zeroes the rest of the destination register: Q=0 vector forms and scalar forms zero the
// bits above their result, the "2" narrowing forms (a = Vd*16+8) keep the low half.
//
// Two engines: "number" (lanes of 8–32 bits, values as unsigned JS numbers, exact there; used
// for the ops gcc/clang emit for ordinary C, with simd-fp-vector-d64.ts doing the same for the
// common 64-bit-lane forms) and "bigint" (any lane size, exact products, rounding and
// saturation). The bigint path is a deliberate compromise, against the executor contract's
// no-BigInt rule, for the rarely executed forms: the remaining saturating/rounding/doubling ops,
// their scalar (asisd) forms, 64-bit lanes outside d64's list.

import type { Core } from '../core.ts';
import type { Executor, Predecoded } from '../executor-registry.ts';

const SCR = new ArrayBuffer(16);
export const sv = new DataView(SCR);
export const sb = new Uint8Array(SCR);
const s32 = new Int32Array(SCR);

/** FPSR.QC, cumulative saturation. */
export const FPSR_QC = 1 << 27;
/** Set by a saturating op during one exec; the factories fold it into FPSR.QC. */
export const sat = { qc: 0 };

/** Copies `n` scratch bytes to `a` and zeroes the rest of that 16-byte register. */
export function writeBack(core: Core, a: number, n: number): void {
  if ((a & 15) === 0 && (n === 16 || n === 8)) {
    // Whole-register and Q=0 results: four word moves.
    const x = core.vi32;
    const w = a >> 2;
    x[w] = s32[0]!;
    x[w + 1] = s32[1]!;
    x[w + 2] = n === 16 ? s32[2]! : 0;
    x[w + 3] = n === 16 ? s32[3]! : 0;
    return;
  }
  const vb = core.vb;
  for (let i = 0; i < n; i++) vb[a + i] = sb[i]!;
  const end = (a & ~15) + 16;
  for (let i = a + n; i < end; i++) vb[i] = 0;
}

export function finish(core: Core, a: number, n: number): void {
  writeBack(core, a, n);
  if (sat.qc) {
    core.fpsr |= FPSR_QC;
    sat.qc = 0;
  }
}

// ---- number engine (lanes ≤ 32 bits, unsigned values) ----

export function rdN(v: DataView, off: number, s: number): number {
  switch (s) {
    case 0:
      return v.getUint8(off);
    case 1:
      return v.getUint16(off, true);
    default:
      return v.getUint32(off, true);
  }
}

export function wrN(off: number, s: number, x: number): void {
  switch (s) {
    case 0:
      sv.setUint8(off, x);
      return;
    case 1:
      sv.setUint16(off, x, true);
      return;
    default:
      sv.setUint32(off, x, true);
  }
}

/** Number op: n, m, d as unsigned lane values, e the lane size in bits; the result is truncated on store. */
export type NOp = (n: number, m: number, d: number, e: number) => number;

/** d[i] = op(n[i], m[i], d[i]); lanes read straight from the byte / word arrays by size. */
export function nSame3(op: NOp): Executor {
  return (core: Core, p: Predecoded) => {
    const s = p.d;
    const n = p.imm;
    if (s === 0) {
      const vb = core.vb;
      for (let i = 0; i < n; i++) sb[i] = op(vb[p.b + i]!, vb[p.c + i]!, vb[p.a + i]!, 8);
    } else if (s === 1) {
      const v = core.vview;
      for (let i = 0, o = 0; i < n; i++, o += 2) sv.setUint16(o, op(v.getUint16(p.b + o, true), v.getUint16(p.c + o, true), v.getUint16(p.a + o, true), 16), true);
    } else {
      const x = core.vi32;
      const a = p.a >> 2;
      const b = p.b >> 2;
      const c = p.c >> 2;
      for (let i = 0; i < n; i++) s32[i] = op(x[b + i]! >>> 0, x[c + i]! >>> 0, x[a + i]! >>> 0, 32);
    }
    finish(core, p.a, n << s);
  };
}

/** d[i] = op(n[i], imm2 or the element at c, d[i]): `elem` reads m once from c. */
export function nSame2(op: NOp, elem: boolean): Executor {
  return (core: Core, p: Predecoded) => {
    const s = p.d;
    const n = p.imm;
    const m = elem ? rdN(core.vview, p.c, s) : p.imm2;
    if (s === 0) {
      const vb = core.vb;
      for (let i = 0; i < n; i++) sb[i] = op(vb[p.b + i]!, m, vb[p.a + i]!, 8);
    } else if (s === 1) {
      const v = core.vview;
      for (let i = 0, o = 0; i < n; i++, o += 2) sv.setUint16(o, op(v.getUint16(p.b + o, true), m, v.getUint16(p.a + o, true), 16), true);
    } else {
      const x = core.vi32;
      const a = p.a >> 2;
      const b = p.b >> 2;
      for (let i = 0; i < n; i++) s32[i] = op(x[b + i]! >>> 0, m, x[a + i]! >>> 0, 32);
    }
    finish(core, p.a, n << s);
  };
}

// ---- bigint engine (any lane size) ----

export function rdB(v: DataView, off: number, s: number): bigint {
  switch (s) {
    case 0:
      return BigInt(v.getUint8(off));
    case 1:
      return BigInt(v.getUint16(off, true));
    case 2:
      return BigInt(v.getUint32(off, true));
    default:
      return v.getBigUint64(off, true);
  }
}

export function wrB(off: number, s: number, x: bigint): void {
  switch (s) {
    case 0:
      sv.setUint8(off, Number(BigInt.asUintN(8, x)));
      return;
    case 1:
      sv.setUint16(off, Number(BigInt.asUintN(16, x)), true);
      return;
    case 2:
      sv.setUint32(off, Number(BigInt.asUintN(32, x)), true);
      return;
    default:
      sv.setBigUint64(off, BigInt.asUintN(64, x), true);
  }
}

/** BigInt op: unsigned lane values (widths per shape), e the *source* lane size in bits. */
export type BOp = (n: bigint, m: bigint, d: bigint, e: number) => bigint;

/**
 * Shapes (see the arm ARM's operand forms):
 *   same    d[i]  = op(n[i], m[i], d[i])                    lanes e → e
 *   elem    d[i]  = op(n[i], M, d[i]), M the element at c
 *   imm     d[i]  = op(n[i], imm2, d[i])
 *   pair    d[i]  = op(x[2i], x[2i+1], d[i]), x = n ++ m
 *   long    d2[i] = op(n[i], m[i], d2[i])                   e, e → 2e
 *   longE   d2[i] = op(n[i], M, d2[i]);  longI with imm2
 *   wide    d2[i] = op(n2[i], m[i], d2[i])                  2e, e → 2e
 *   high    d[i]  = op(n2[i], m2[i], 0)                     2e, 2e → e
 *   narrow  d[i]  = op(n2[i], imm2, 0)                      2e → e
 *   lpair   d2[i] = op(n[2i], n[2i+1], d2[i])               e → 2e
 */
export type Shape = 'same' | 'elem' | 'imm' | 'pair' | 'long' | 'longE' | 'longI' | 'wide' | 'high' | 'narrow' | 'lpair';

export function bExec(shape: Shape, op: BOp): Executor {
  switch (shape) {
    case 'same':
    case 'elem':
    case 'imm': {
      const mode = shape === 'same' ? 0 : shape === 'elem' ? 1 : 2;
      return (core, p) => {
        const v = core.vview;
        const s = p.d;
        const e = 8 << s;
        const k = mode === 1 ? rdB(v, p.c, s) : BigInt(p.imm2);
        for (let i = 0; i < p.imm; i++) {
          const o = i << s;
          wrB(o, s, op(rdB(v, p.b + o, s), mode === 0 ? rdB(v, p.c + o, s) : k, rdB(v, p.a + o, s), e));
        }
        finish(core, p.a, p.imm << s);
      };
    }
    case 'pair':
      return (core, p) => {
        const v = core.vview;
        const s = p.d;
        const e = 8 << s;
        const half = p.imm >> 1;
        for (let i = 0; i < p.imm; i++) {
          const src = i < half ? p.b + ((2 * i) << s) : p.c + ((2 * (i - half)) << s);
          wrB(i << s, s, op(rdB(v, src, s), rdB(v, src + (1 << s), s), rdB(v, p.a + (i << s), s), e));
        }
        finish(core, p.a, p.imm << s);
      };
    case 'long':
    case 'longE':
    case 'longI':
    case 'wide':
    case 'lpair': {
      const mode = shape === 'long' ? 0 : shape === 'longE' ? 1 : shape === 'longI' ? 2 : shape === 'wide' ? 3 : 4;
      return (core, p) => {
        const v = core.vview;
        const s = p.d;
        const e = 8 << s;
        const k = mode === 1 ? rdB(v, p.c, s) : BigInt(p.imm2);
        for (let i = 0; i < p.imm; i++) {
          const o = i << s;
          const o2 = i << (s + 1);
          let n: bigint;
          let m: bigint;
          if (mode === 3) {
            n = rdB(v, p.b + o2, s + 1);
            m = rdB(v, p.c + o, s);
          } else if (mode === 4) {
            n = rdB(v, p.b + o2, s);
            m = rdB(v, p.b + o2 + (1 << s), s);
          } else {
            n = rdB(v, p.b + o, s);
            m = mode === 0 ? rdB(v, p.c + o, s) : k;
          }
          wrB(o2, s + 1, op(n, m, rdB(v, p.a + o2, s + 1), e));
        }
        finish(core, p.a, p.imm << (s + 1));
      };
    }
    case 'high':
    case 'narrow': {
      const high = shape === 'high';
      return (core, p) => {
        const v = core.vview;
        const s = p.d;
        const e = 8 << s;
        const k = BigInt(p.imm2);
        for (let i = 0; i < p.imm; i++) {
          const o2 = i << (s + 1);
          wrB(i << s, s, op(rdB(v, p.b + o2, s + 1), high ? rdB(v, p.c + o2, s + 1) : k, 0n, e));
        }
        finish(core, p.a, p.imm << s);
      };
    }
  }
}

// ---- bigint arithmetic helpers ----

export const sx = (e: number, x: bigint): bigint => BigInt.asIntN(e, x);

export function satS(e: number, x: bigint): bigint {
  const max = (1n << BigInt(e - 1)) - 1n;
  if (x > max) {
    sat.qc = 1;
    return max;
  }
  if (x < -max - 1n) {
    sat.qc = 1;
    return -max - 1n;
  }
  return x;
}

export function satU(e: number, x: bigint): bigint {
  const max = (1n << BigInt(e)) - 1n;
  if (x > max) {
    sat.qc = 1;
    return max;
  }
  if (x < 0n) {
    sat.qc = 1;
    return 0n;
  }
  return x;
}

/** x << sh for sh ≥ 0, x >> -sh (floor) otherwise. */
export const shl = (x: bigint, sh: number): bigint => (sh >= 0 ? x << BigInt(sh) : x >> BigInt(-sh));
/** As shl, rounding right shifts (adds half before shifting). */
export const rshl = (x: bigint, sh: number): bigint => (sh >= 0 ? x << BigInt(sh) : (x + (1n << BigInt(-sh - 1))) >> BigInt(-sh));
/** The signed shift amount of a register-shift op: the low byte of m. */
export const shAmt = (m: bigint): number => Number(BigInt.asIntN(8, m));

/** Pairwise: x = n ++ m, d[i] = op(x[2i], x[2i+1]). */
export function nPair(op: NOp): Executor {
  return (core: Core, p: Predecoded) => {
    const v = core.vview;
    const s = p.d;
    const e = 8 << s;
    const half = p.imm >> 1;
    for (let i = 0; i < p.imm; i++) {
      const src = i < half ? p.b + ((2 * i) << s) : p.c + ((2 * (i - half)) << s);
      wrN(i << s, s, op(rdN(v, src, s), rdN(v, src + (1 << s), s), 0, e));
    }
    finish(core, p.a, p.imm << s);
  };
}

/** Long, lanes of 8/16 bits only (results fit 32): d2[i] = op(n[i], m[i] | M | imm2, d2[i]); mode 0 reg, 1 elem, 2 imm. */
export function nLong(op: NOp, mode: 0 | 1 | 2): Executor {
  return (core: Core, p: Predecoded) => {
    const v = core.vview;
    const s = p.d;
    const e = 8 << s;
    const k = mode === 1 ? rdN(v, p.c, s) : p.imm2;
    for (let i = 0; i < p.imm; i++) {
      const o = i << s;
      const o2 = i << (s + 1);
      wrN(o2, s + 1, op(rdN(v, p.b + o, s), mode === 0 ? rdN(v, p.c + o, s) : k, rdN(v, p.a + o2, s + 1), e));
    }
    finish(core, p.a, p.imm << (s + 1));
  };
}

/** Truncating narrow (XTN, SHRN for 8/16-bit results): d[i] = op(low 32 bits of n2[i], imm2). */
export function nNarrow(op: NOp): Executor {
  return (core: Core, p: Predecoded) => {
    const v = core.vview;
    const s = p.d;
    const e = 8 << s;
    for (let i = 0; i < p.imm; i++) wrN(i << s, s, op(rdN(v, p.b + (i << (s + 1)), s === 2 ? 2 : s + 1), p.imm2, 0, e));
    finish(core, p.a, p.imm << s);
  };
}

/** Sign-extends the low e bits of x (e ≤ 32). */
export const sxN = (e: number, x: number): number => (x << (32 - e)) >> (32 - e);

/** Wide (n 2e, m e → 2e) for e ≤ 16, and pairwise long (n[2i], n[2i+1] → 2e) when `pairs`. */
export function nWide(op: NOp, pairs: boolean): Executor {
  return (core: Core, p: Predecoded) => {
    const v = core.vview;
    const s = p.d;
    const e = 8 << s;
    for (let i = 0; i < p.imm; i++) {
      const o2 = i << (s + 1);
      const n = pairs ? rdN(v, p.b + o2, s) : rdN(v, p.b + o2, s + 1);
      const m = pairs ? rdN(v, p.b + o2 + (1 << s), s) : rdN(v, p.c + (i << s), s);
      wrN(o2, s + 1, op(n, m, rdN(v, p.a + o2, s + 1), e));
    }
    finish(core, p.a, p.imm << (s + 1));
  };
}
