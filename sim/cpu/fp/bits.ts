// Layer: sim/cpu/fp. Bit-pattern helpers: classify, sign, NaN quieting, default NaN, exact
// conversions between bit patterns and JS numbers. Imports this folder only.
//
// Every finite half, single and double value is exactly a JS number, so value-level work (compare,
// round to integral, conversions to integer) happens on numbers; NaNs never go through a number
// (a float32 signalling NaN read through Float32Array is quieted by the host), they stay bits.
import * as Mconstants from './constants.ts';
// Imported bindings copied to module constants once: under tsx every access to an imported
// binding is a getter call, measured at ~40% of the FP hot path (see fp/README.md).
const { FMT_D, FMT_S, T_DENORM, T_INF, T_NORMAL, T_QNAN, T_SNAN, T_ZERO, fpOut } = Mconstants;

const buf = new ArrayBuffer(8);
const I32 = new Int32Array(buf);
const F32 = new Float32Array(buf);
const F64 = new Float64Array(buf);

/** FPType of a bit pattern (denormals reported as T_DENORM; flushing is the caller's choice). */
export function classify(fmt: number, lo: number, hi: number): number {
  let e: number, f: number, q: number;
  if (fmt === FMT_D) {
    e = (hi >>> 20) & 0x7ff;
    f = (hi & 0xfffff) | lo;
    if (e === 0x7ff) return f === 0 ? T_INF : hi & 0x80000 ? T_QNAN : T_SNAN;
    return e !== 0 ? T_NORMAL : f === 0 ? T_ZERO : T_DENORM;
  }
  if (fmt === FMT_S) {
    e = (lo >>> 23) & 0xff;
    f = lo & 0x7fffff;
    q = 0x400000;
    if (e === 0xff) return f === 0 ? T_INF : f & q ? T_QNAN : T_SNAN;
  } else {
    e = (lo >>> 10) & 0x1f;
    f = lo & 0x3ff;
    q = 0x200;
    if (e === 0x1f) return f === 0 ? T_INF : f & q ? T_QNAN : T_SNAN;
  }
  return e !== 0 ? T_NORMAL : f === 0 ? T_ZERO : T_DENORM;
}

/** Sign bit (0/1) of a pattern. */
export function signOf(fmt: number, lo: number, hi: number): number {
  return fmt === FMT_D ? hi >>> 31 : fmt === FMT_S ? lo >>> 31 : (lo >>> 15) & 1;
}

/** FPDefaultNaN (positive, quiet, zero payload). */
export function defaultNaN(fmt: number): number {
  if (fmt === FMT_D) {
    fpOut.hi = 0x7ff80000;
    return 0;
  }
  fpOut.hi = 0;
  return fmt === FMT_S ? 0x7fc00000 : 0x7e00;
}

/** The pattern with its quiet bit set. */
export function quietNaN(fmt: number, lo: number, hi: number): number {
  if (fmt === FMT_D) {
    fpOut.hi = hi | 0x80000;
    return lo;
  }
  fpOut.hi = 0;
  return fmt === FMT_S ? lo | 0x400000 : (lo | 0x200) & 0xffff;
}

/** ±0, ±Inf and the largest finite value as patterns. */
export function zeroOf(fmt: number, sign: number): number {
  if (fmt === FMT_D) {
    fpOut.hi = sign << 31;
    return 0;
  }
  fpOut.hi = 0;
  return fmt === FMT_S ? sign << 31 : sign << 15;
}

export function infOf(fmt: number, sign: number): number {
  if (fmt === FMT_D) {
    fpOut.hi = (sign << 31) | 0x7ff00000;
    return 0;
  }
  fpOut.hi = 0;
  return fmt === FMT_S ? (sign << 31) | 0x7f800000 : (sign << 15) | 0x7c00;
}

/** Value of a finite pattern (exact). */
export function toNumber(fmt: number, lo: number, hi: number): number {
  if (fmt === FMT_D) {
    I32[0] = lo;
    I32[1] = hi;
    return F64[0]!;
  }
  if (fmt === FMT_S) {
    I32[0] = lo;
    return F32[0]!;
  }
  const e = (lo >>> 10) & 0x1f;
  const f = lo & 0x3ff;
  const mag = e === 0 ? f * 2 ** -24 : e === 0x1f ? (f ? Number.NaN : Infinity) : (1024 + f) * 2 ** (e - 25);
  return lo & 0x8000 ? -mag : mag;
}

/** Pattern of a number exactly representable in `fmt` (±0 and ±Inf included). */
export function fromNumber(fmt: number, x: number): number {
  if (fmt === FMT_D) {
    F64[0] = x;
    fpOut.hi = I32[1]!;
    return I32[0]!;
  }
  fpOut.hi = 0;
  if (fmt === FMT_S) {
    F32[0] = x;
    return I32[0]!;
  }
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a === Infinity) return sign | 0x7c00;
  if (a < 2 ** -14) return sign | (a * 2 ** 24);
  F64[0] = a;
  const e = ((I32[1]! >>> 20) & 0x7ff) - 1023;
  return sign | ((e + 15) << 10) | ((a * 2 ** (10 - e)) & 0x3ff);
}
