// Layer: sim/cpu/fp. Conversions: FPConvert between precisions, FPToFixed / FixedToFP (the FCVT*
// and SCVTF/UCVTF families, integer and fixed point), FPRoundInt (FRINT*), FPRoundIntN
// (FRINT32x and FRINT64x), FPToFixedJS (FJCVTZS), VFPExpandImm. Imports this folder and the
// shared table helper for the 8-bit FP immediate.
import * as Msimd_fp_scalar_format from '../../../core/arch/a64/tables/simd-fp-scalar-format.ts';
import type { FpEnv } from './constants.ts';
import * as Mconstants from './constants.ts';
import * as Mbits from './bits.ts';
import * as Mnan from './nan.ts';
import * as Mround from './round.ts';
// Imported bindings copied to module constants once: under tsx every access to an imported
// binding is a getter call, measured at ~40% of the FP hot path (see fp/README.md).
const { fpImm8Value } = Msimd_fp_scalar_format;
const { FMT_D, FMT_H, FMT_S, FPCR_AHP, FPCR_DN, FPCR_FZ, FPCR_FZ16, FPCR_RMODE_MASK, FPSR_IOC, FPSR_IXC, FBITS, RM, RN, RP, T_INF, T_NORMAL, T_QNAN, T_SNAN, T_ZERO, TIEAWAY, fpOut, fpcrRounding } = Mconstants;
const { classify, defaultNaN, fromNumber, infOf, signOf, toNumber, zeroOf } = Mbits;
const { flushType, processNaN } = Mnan;
const { exactOf, roundExact } = Mround;

const TWO32 = 4294967296;
const FAST_MASK = FPCR_FZ | FPCR_RMODE_MASK;
const MIN_NORMAL_S = 2 ** -126;

/** Rounds a number to an integral number in `rounding` (exact for every finite double). */
export function roundToIntegral(y: number, rounding: number): number {
  switch (rounding) {
    case RN: {
      const f = Math.floor(y);
      const d = y - f;
      return d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
    }
    case RP:
      return Math.ceil(y);
    case RM:
      return Math.floor(y);
    case TIEAWAY: {
      const a = Math.abs(y);
      const f = Math.floor(a);
      const r = a - f >= 0.5 ? f + 1 : f;
      return y < 0 ? -r : r;
    }
    default:
      return Math.trunc(y);
  }
}

/** FPConvert between precisions (`from`/`to` are FMT_*), with FPCR rounding, DN, FZ and AHP. */
export function fpConvert(env: FpEnv, from: number, to: number, lo: number, hi: number): number {
  const fpcr = env.fpcr;
  if ((fpcr & FAST_MASK) === 0) {
    if (from === FMT_S && to === FMT_D) {
      const t = classify(FMT_S, lo, hi);
      if (t < T_QNAN) return fromNumber(FMT_D, toNumber(FMT_S, lo, hi));
    } else if (from === FMT_D && to === FMT_S) {
      const x = toNumber(FMT_D, lo, hi);
      const r = Math.fround(x);
      if (r - r === 0 && (Math.abs(x) >= MIN_NORMAL_S || x === 0)) {
        if (r !== x) env.fpsr |= FPSR_IXC;
        return fromNumber(FMT_S, r);
      }
    }
  }
  const altIn = from === FMT_H && (fpcr & FPCR_AHP) !== 0;
  const altOut = to === FMT_H && (fpcr & FPCR_AHP) !== 0;
  // FPUnpackCV: half inputs are never flushed; single/double ones are under FZ.
  let t = classify(from, lo, hi);
  if (altIn && (t === T_INF || t >= T_QNAN)) t = T_NORMAL; // exponent 31 is a normal number in AHP
  if (from !== FMT_H) t = flushType(env, from, t);
  const sign = signOf(from, lo, hi);
  if (t >= T_QNAN) {
    if (t === T_SNAN || altOut) env.fpsr |= FPSR_IOC;
    if (altOut) return zeroOf(to, sign);
    if (fpcr & FPCR_DN) return defaultNaN(to);
    return convertNaN(from, to, lo, hi);
  }
  if (t === T_INF) {
    if (altOut) {
      env.fpsr |= FPSR_IOC;
      fpOut.hi = 0;
      return (sign << 15) | 0x7fff;
    }
    return infOf(to, sign);
  }
  if (t === T_ZERO) return zeroOf(to, sign);
  let x = exactOf(from, lo, hi);
  if (altIn && ((lo >>> 10) & 0x1f) === 0x1f) x = { neg: sign, m: BigInt((lo & 0x3ff) | 0x400), e: 31 - 15 - 10 };
  const fz = to !== FMT_H && (fpcr & FPCR_FZ) !== 0;
  return roundExact(env, to, sign, x.m, x.e, false, fpcrRounding(fpcr), fz, altOut);
}

/** FPConvertNaN: sign kept, payload's top bits moved across, quiet bit set. */
function convertNaN(from: number, to: number, lo: number, hi: number): number {
  const sign = signOf(from, lo, hi);
  let frac: bigint;
  if (from === FMT_D) frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo >>> 0);
  else frac = BigInt(lo & ((1 << FBITS[from]!) - 1));
  const fin = FBITS[from]!;
  const fout = FBITS[to]!;
  frac = fin >= fout ? frac >> BigInt(fin - fout) : frac << BigInt(fout - fin);
  frac |= 1n << BigInt(fout - 1);
  if (to === FMT_D) {
    fpOut.hi = (sign << 31) | 0x7ff00000 | Number(frac >> 32n);
    return Number(frac & 0xffffffffn) | 0;
  }
  fpOut.hi = 0;
  return to === FMT_S ? (sign << 31) | 0x7f800000 | Number(frac) : (sign << 15) | 0x7c00 | Number(frac);
}

/**
 * FPToFixed: the value × 2^fbits rounded in `rounding`, saturated to a signed/unsigned
 * `intBits` (32/64) integer. NaN → 0 and IOC; saturation → IOC; else inexact → IXC. Returns lo,
 * hi in fpOut.hi (0 for 32-bit results).
 */
export function fpToFixed(env: FpEnv, fmt: number, lo: number, hi: number, fbits: number, unsigned: boolean, intBits: number, rounding: number): number {
  const t = flushType(env, fmt, classify(fmt, lo, hi));
  fpOut.hi = 0;
  if (t >= T_QNAN) {
    env.fpsr |= FPSR_IOC;
    return 0;
  }
  const y = t === T_ZERO ? 0 : toNumber(fmt, lo, hi) * 2 ** fbits;
  const r = roundToIntegral(y, rounding);
  if (intBits === 32) {
    const max = unsigned ? TWO32 - 1 : 0x7fffffff;
    const min = unsigned ? 0 : -0x80000000;
    if (r > max || r < min) {
      env.fpsr |= FPSR_IOC;
      return (r > max ? max : min) | 0;
    }
    if (r !== y) env.fpsr |= FPSR_IXC;
    return r | 0;
  }
  const max = unsigned ? 2 ** 64 : 2 ** 63; // exclusive
  const min = unsigned ? 0 : -(2 ** 63);
  if (r >= max || r < min) {
    env.fpsr |= FPSR_IOC;
    if (r < min) {
      fpOut.hi = unsigned ? 0 : -0x80000000;
      return 0;
    }
    fpOut.hi = unsigned ? -1 : 0x7fffffff;
    return -1;
  }
  if (r !== y) env.fpsr |= FPSR_IXC;
  const h = Math.floor(r / TWO32);
  fpOut.hi = h | 0;
  return (r - h * TWO32) | 0;
}

/**
 * FixedToFP: the (lo, hi) integer (`intBits` 32 uses lo only) ÷ 2^fbits rounded to `fmt` in
 * `rounding` (FPCR's for SCVTF/UCVTF), FZ/FZ16 applying to the result.
 */
export function fixedToFp(env: FpEnv, fmt: number, lo: number, hi: number, fbits: number, unsigned: boolean, intBits: number, rounding: number): number {
  let n: number;
  if (intBits === 32) n = unsigned ? lo >>> 0 : lo | 0;
  else n = (unsigned ? hi >>> 0 : hi | 0) * TWO32 + (lo >>> 0);
  const exact = Number.isSafeInteger(n);
  if (exact && fmt !== FMT_H && (env.fpcr & FAST_MASK) === 0 && rounding === RN) {
    const x = n * 2 ** -fbits;
    if (fmt === FMT_D) return fromNumber(FMT_D, x);
    const r = Math.fround(x);
    if (r !== x) env.fpsr |= FPSR_IXC;
    return fromNumber(FMT_S, r);
  }
  let big: bigint;
  if (intBits === 32) big = BigInt(n);
  else big = (BigInt(unsigned ? hi >>> 0 : hi | 0) << 32n) | BigInt(lo >>> 0);
  const neg = big < 0n ? 1 : 0;
  const fz = (env.fpcr & (fmt === FMT_H ? FPCR_FZ16 : FPCR_FZ)) !== 0;
  return roundExact(env, fmt, neg, neg ? -big : big, -fbits, false, rounding, fz);
}

/** FPRoundInt (FRINTN/P/M/Z/A/I/X): `exact` (FRINTX) raises IXC when the value changes. */
export function fpRoundInt(env: FpEnv, fmt: number, lo: number, hi: number, rounding: number, exact: boolean): number {
  const t = flushType(env, fmt, classify(fmt, lo, hi));
  if (t >= T_QNAN) return processNaN(env, fmt, t, lo, hi);
  const sign = signOf(fmt, lo, hi);
  if (t === T_ZERO) return zeroOf(fmt, sign);
  if (t === T_INF) return infOf(fmt, sign);
  const x = toNumber(fmt, lo, hi);
  const r = roundToIntegral(x, rounding);
  if (exact && r !== x) env.fpsr |= FPSR_IXC;
  return r === 0 ? zeroOf(fmt, sign) : fromNumber(fmt, r);
}

/** FPRoundIntN (FRINT32x and FRINT64x): out of range, NaN or ∞ → −2^(intBits−1) and IOC; inexact → IXC. */
export function fpRoundIntN(env: FpEnv, fmt: number, lo: number, hi: number, rounding: number, intBits: number): number {
  const t = flushType(env, fmt, classify(fmt, lo, hi));
  const sign = signOf(fmt, lo, hi);
  const limit = 2 ** (intBits - 1);
  if (t === T_ZERO) return zeroOf(fmt, sign);
  if (t === T_INF || t >= T_QNAN) {
    env.fpsr |= FPSR_IOC;
    return fromNumber(fmt, -limit);
  }
  const x = toNumber(fmt, lo, hi);
  const r = roundToIntegral(x, rounding);
  if (r >= limit || r < -limit) {
    env.fpsr |= FPSR_IOC;
    return fromNumber(fmt, -limit);
  }
  if (r !== x) env.fpsr |= FPSR_IXC;
  return r === 0 ? zeroOf(fmt, sign) : fromNumber(fmt, r);
}

/**
 * FPToFixedJS (FJCVTZS): double → int32 rounding toward zero, modulo 2^32. Returns the W value;
 * fpOut.hi is the Z flag (1 only for an exact, in-range conversion that is not −0).
 */
export function fpToFixedJS(env: FpEnv, lo: number, hi: number): number {
  const raw = classify(FMT_D, lo, hi);
  const t = flushType(env, FMT_D, raw);
  if (t >= T_INF) {
    env.fpsr |= FPSR_IOC;
    fpOut.hi = 0;
    return 0;
  }
  if (t === T_ZERO) {
    fpOut.hi = raw === T_ZERO && hi >= 0 ? 1 : 0;
    return 0;
  }
  const x = toNumber(FMT_D, lo, hi);
  const r = Math.trunc(x);
  let z = 1;
  if (r > 0x7fffffff || r < -0x80000000) {
    env.fpsr |= FPSR_IOC;
    z = 0;
  } else if (r !== x) {
    env.fpsr |= FPSR_IXC;
    z = 0;
  }
  fpOut.hi = z;
  return x | 0; // ToInt32: truncation modulo 2^32, exact for any finite double
}

/** VFPExpandImm: the 8-bit FP immediate as a pattern of `fmt`. */
export function fpExpandImm(fmt: number, imm8: number): number {
  return fromNumber(fmt, fpImm8Value(imm8));
}
