// Layer: sim/cpu/fp. FPAdd/FPSub/FPMul/FPDiv/FPSqrt/FPMulAdd/FPMax/FPMin(/Num) on bit patterns
// (values as (lo, hi) int32 halves; result lo returned, hi in fpOut.hi). Imports this folder.
//
// Fast paths for single and double with FPCR.FZ = 0 compute on JS numbers (RN) and find the
// sign of the rounding error with error-free transformations (TwoSum, Dekker's TwoProduct):
// that gives IXC/UFC and re-rounds by one ulp for RP/RM/RZ. FMA has a fast path for RN only
// (Boldo–Melquiond: an exact product, an exact sum, one round-to-odd, one final rounding).
// Everything else (NaNs, infinities, zeros where their sign needs care, magnitudes near the
// limits, flushing, half precision) takes the exact bigint path (round.ts).
import type { FpEnv } from './constants.ts';
import * as Mconstants from './constants.ts';
import * as Mbits from './bits.ts';
import * as Mnan from './nan.ts';
import type { Exact } from './round.ts';
import * as Mround from './round.ts';
import * as Mfast from './fast.ts';
// Imported bindings copied to module constants once: under tsx every access to an imported
// binding is a getter call, measured at ~40% of the FP hot path (see fp/README.md).
const { FMT_D, FMT_S, FPCR_FZ, FPCR_RMODE_MASK, FPSR_DZC, FPSR_IOC, RM, T_INF, T_QNAN, T_ZERO, fpOut, fpcrRounding } = Mconstants;
const { classify, defaultNaN, infOf, signOf, toNumber, zeroOf } = Mbits;
const { flushType, flushesInputs, processNaN, processNaNs, processNaNs3 } = Mnan;
const { bitLength, exactOf, roundExact } = Mround;
const { D_LIMIT, FMT_H, RM_BITS, TP, finishD, finishS, fmaFast, inRange, okS, twoProduct } = Mfast;

const OP_ADD = 0;
const OP_SUB = 1;
const OP_MUL = 2;
const OP_DIV = 3;

function exactOrZero(fmt: number, type: number, lo: number, hi: number, neg: number): Exact {
  if (type === T_ZERO) return { neg, m: 0n, e: 0 };
  const x = exactOf(fmt, lo, hi);
  x.neg = neg;
  return x;
}

/** Sum of two exact values, rounded; an exact zero sum is +0 (−0 under RM) as IEEE says. */
function addExact(env: FpEnv, fmt: number, a: Exact, b: Exact, rounding: number, fz: boolean): number {
  const e = Math.min(a.e, b.e);
  const ma = a.m << BigInt(a.e - e);
  const mb = b.m << BigInt(b.e - e);
  const sum = (a.neg ? -ma : ma) + (b.neg ? -mb : mb);
  if (sum === 0n) return zeroOf(fmt, rounding === RM ? 1 : 0);
  return roundExact(env, fmt, sum < 0n ? 1 : 0, sum < 0n ? -sum : sum, e, false, rounding, fz);
}

function binarySlow(env: FpEnv, fmt: number, op: number, alo: number, ahi: number, blo: number, bhi: number): number {
  const ta = flushType(env, fmt, classify(fmt, alo, ahi));
  const tb = flushType(env, fmt, classify(fmt, blo, bhi));
  if (ta >= T_QNAN || tb >= T_QNAN) return processNaNs(env, fmt, ta, alo, ahi, tb, blo, bhi);
  const fz = flushesInputs(env, fmt);
  const rounding = fpcrRounding(env.fpcr);
  const sa = signOf(fmt, alo, ahi);
  const sb = signOf(fmt, blo, bhi) ^ (op === OP_SUB ? 1 : 0);
  if (op <= OP_SUB) {
    if (ta === T_INF && tb === T_INF && sa !== sb) return invalid(env, fmt);
    if (ta === T_INF) return infOf(fmt, sa);
    if (tb === T_INF) return infOf(fmt, sb);
    if (ta === T_ZERO && tb === T_ZERO) return zeroOf(fmt, sa === sb ? sa : rounding === RM ? 1 : 0);
    return addExact(env, fmt, exactOrZero(fmt, ta, alo, ahi, sa), exactOrZero(fmt, tb, blo, bhi, sb), rounding, fz);
  }
  const s = sa ^ sb;
  if (op === OP_MUL) {
    if ((ta === T_INF && tb === T_ZERO) || (ta === T_ZERO && tb === T_INF)) return invalid(env, fmt);
    if (ta === T_INF || tb === T_INF) return infOf(fmt, s);
    if (ta === T_ZERO || tb === T_ZERO) return zeroOf(fmt, s);
    const a = exactOf(fmt, alo, ahi);
    const b = exactOf(fmt, blo, bhi);
    return roundExact(env, fmt, s, a.m * b.m, a.e + b.e, false, rounding, fz);
  }
  if ((ta === T_INF && tb === T_INF) || (ta === T_ZERO && tb === T_ZERO)) return invalid(env, fmt);
  if (ta === T_INF || tb === T_ZERO) {
    if (ta !== T_INF) env.fpsr |= FPSR_DZC;
    return infOf(fmt, s);
  }
  if (ta === T_ZERO || tb === T_INF) return zeroOf(fmt, s);
  const a = exactOf(fmt, alo, ahi);
  const b = exactOf(fmt, blo, bhi);
  const shift = Math.max(0, 60 + bitLength(b.m) - bitLength(a.m));
  const num = a.m << BigInt(shift);
  return roundExact(env, fmt, s, num / b.m, a.e - b.e - shift, num % b.m !== 0n, rounding, fz);
}

function invalid(env: FpEnv, fmt: number): number {
  env.fpsr |= FPSR_IOC;
  return defaultNaN(fmt);
}

/** FPAdd. */
export function fpAdd(env: FpEnv, fmt: number, alo: number, ahi: number, blo: number, bhi: number): number {
  return addSub(env, fmt, OP_ADD, alo, ahi, blo, bhi);
}

/** FPSub (op1 − op2; a NaN op2 propagates with its own sign). */
export function fpSub(env: FpEnv, fmt: number, alo: number, ahi: number, blo: number, bhi: number): number {
  return addSub(env, fmt, OP_SUB, alo, ahi, blo, bhi);
}

function addSub(env: FpEnv, fmt: number, op: number, alo: number, ahi: number, blo: number, bhi: number): number {
  const fpcr = env.fpcr;
  if ((fpcr & FPCR_FZ) === 0 && fmt !== FMT_H) {
    const a = toNumber(fmt, alo, ahi);
    let b = toNumber(fmt, blo, bhi);
    if (op === OP_SUB) b = -b;
    const s = a + b;
    // An exact zero sum is −0 under RM, which JS's (RN) addition does not give.
    if (s - s === 0 && (s !== 0 || (fpcr & FPCR_RMODE_MASK) !== RM_BITS)) {
      const bb = s - a;
      const err = a - (s - bb) + (b - bb);
      if (fmt === FMT_D) {
        if (Math.abs(s) < D_LIMIT) return finishD(env, s, err);
      } else if (okS(s)) return finishS(env, s, err);
    }
  }
  return binarySlow(env, fmt, op, alo, ahi, blo, bhi);
}

/** FPMul. */
export function fpMul(env: FpEnv, fmt: number, alo: number, ahi: number, blo: number, bhi: number): number {
  if ((env.fpcr & FPCR_FZ) === 0) {
    if (fmt === FMT_D) {
      const a = toNumber(fmt, alo, ahi);
      const b = toNumber(fmt, blo, bhi);
      if (inRange(a) && inRange(b)) {
        const p = twoProduct(a, b);
        return finishD(env, p, TP.err);
      }
    } else if (fmt === FMT_S) {
      const p = toNumber(fmt, alo, ahi) * toNumber(fmt, blo, bhi); // exact in binary64
      if (okS(p)) return finishS(env, p, 0);
    }
  }
  return binarySlow(env, fmt, OP_MUL, alo, ahi, blo, bhi);
}

/** FPDiv. */
export function fpDiv(env: FpEnv, fmt: number, alo: number, ahi: number, blo: number, bhi: number): number {
  if ((env.fpcr & FPCR_FZ) === 0 && fmt !== FMT_H) {
    const a = toNumber(fmt, alo, ahi);
    const b = toNumber(fmt, blo, bhi);
    if (fmt === FMT_D ? inRange(a) && inRange(b) : b !== 0 && b - b === 0 && a - a === 0) {
      const q = a / b;
      // sign(a/b − q) = sign(a − q·b) · sign(b), a − q·b exactly from TwoProduct.
      const p = twoProduct(q, b);
      const res = a - p - TP.err;
      const err = b > 0 ? res : -res;
      if (fmt === FMT_D) return finishD(env, q, err);
      if (okS(q)) return finishS(env, q, err);
    }
  }
  return binarySlow(env, fmt, OP_DIV, alo, ahi, blo, bhi);
}

function isqrt(m: bigint): bigint {
  let x = 1n << BigInt((bitLength(m) + 1) >> 1);
  for (;;) {
    const y = (x + m / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** FPSqrt. */
export function fpSqrt(env: FpEnv, fmt: number, lo: number, hi: number): number {
  if ((env.fpcr & FPCR_FZ) === 0 && fmt !== FMT_H) {
    const a = toNumber(fmt, lo, hi);
    if (fmt === FMT_D ? a > 0 && inRange(a) : a >= 0 && a !== Infinity) {
      const r = Math.sqrt(a);
      const p = twoProduct(r, r);
      const err = a - p - TP.err; // sign of (√a − r)
      return fmt === FMT_D ? finishD(env, r, err) : finishS(env, r, err);
    }
  }
  const t = flushType(env, fmt, classify(fmt, lo, hi));
  if (t >= T_QNAN) return processNaN(env, fmt, t, lo, hi);
  const sign = signOf(fmt, lo, hi);
  if (t === T_ZERO) return zeroOf(fmt, sign);
  if (sign) return invalid(env, fmt);
  if (t === T_INF) return infOf(fmt, 0);
  const x = exactOf(fmt, lo, hi);
  let m = x.m;
  let e = x.e;
  if (e & 1) {
    m <<= 1n;
    e--;
  }
  const want = 2 * 64;
  const k = Math.max(0, (want - bitLength(m) + 1) >> 1);
  m <<= BigInt(2 * k);
  e -= 2 * k;
  const r = isqrt(m);
  return roundExact(env, fmt, 0, r, e / 2, r * r !== m, fpcrRounding(env.fpcr), flushesInputs(env, fmt));
}

/**
 * FPMulAdd(addend, op1, op2) = addend + op1×op2 with one rounding. FMSUB/FNMADD/FNMSUB negate
 * operands first (flip the sign bit, NaNs included) as the Arm ARM does.
 */
export function fpMulAdd(env: FpEnv, fmt: number, clo: number, chi: number, alo: number, ahi: number, blo: number, bhi: number): number {
  if ((env.fpcr & (FPCR_FZ | FPCR_RMODE_MASK)) === 0 && fmt !== FMT_H) {
    const r = fmaFast(env, fmt, toNumber(fmt, clo, chi), toNumber(fmt, alo, ahi), toNumber(fmt, blo, bhi));
    if (r !== undefined) return r;
  }
  const tc = flushType(env, fmt, classify(fmt, clo, chi));
  const ta = flushType(env, fmt, classify(fmt, alo, ahi));
  const tb = flushType(env, fmt, classify(fmt, blo, bhi));
  const infTimesZero = (ta === T_INF && tb === T_ZERO) || (ta === T_ZERO && tb === T_INF);
  if (tc >= T_QNAN || ta >= T_QNAN || tb >= T_QNAN) {
    if (tc === T_QNAN && infTimesZero) return invalid(env, fmt);
    return processNaNs3(env, fmt, tc, clo, chi, ta, alo, ahi, tb, blo, bhi);
  }
  const sc = signOf(fmt, clo, chi);
  const sp = signOf(fmt, alo, ahi) ^ signOf(fmt, blo, bhi);
  const infP = ta === T_INF || tb === T_INF;
  const zeroP = ta === T_ZERO || tb === T_ZERO;
  if (infTimesZero || (tc === T_INF && infP && sc !== sp)) return invalid(env, fmt);
  if (tc === T_INF) return infOf(fmt, sc);
  if (infP) return infOf(fmt, sp);
  const rounding = fpcrRounding(env.fpcr);
  if (tc === T_ZERO && zeroP) return zeroOf(fmt, sc === sp ? sc : rounding === RM ? 1 : 0);
  const c = exactOrZero(fmt, tc, clo, chi, sc);
  let p: Exact;
  if (zeroP) p = { neg: sp, m: 0n, e: 0 };
  else {
    const a = exactOf(fmt, alo, ahi);
    const b = exactOf(fmt, blo, bhi);
    p = { neg: sp, m: a.m * b.m, e: a.e + b.e };
  }
  if (p.m === 0n) return fromExactNonZero(env, fmt, c, rounding);
  if (c.m === 0n) return roundExact(env, fmt, sp, p.m, p.e, false, rounding, flushesInputs(env, fmt));
  return addExact(env, fmt, c, p, rounding, flushesInputs(env, fmt));
}

function fromExactNonZero(env: FpEnv, fmt: number, x: Exact, rounding: number): number {
  return roundExact(env, fmt, x.neg, x.m, x.e, false, rounding, flushesInputs(env, fmt));
}

const MAX = 0;
const MIN = 1;

/** FPMax / FPMin (NaNs propagate; max(+0, −0) = +0, min = −0). */
export function fpMax(env: FpEnv, fmt: number, alo: number, ahi: number, blo: number, bhi: number): number {
  return maxMin(env, fmt, MAX, alo, ahi, blo, bhi);
}
export function fpMin(env: FpEnv, fmt: number, alo: number, ahi: number, blo: number, bhi: number): number {
  return maxMin(env, fmt, MIN, alo, ahi, blo, bhi);
}

/** FPMaxNum / FPMinNum: one quiet NaN against a number gives the number. */
export function fpMaxNum(env: FpEnv, fmt: number, alo: number, ahi: number, blo: number, bhi: number): number {
  return maxMinNum(env, fmt, MAX, alo, ahi, blo, bhi);
}
export function fpMinNum(env: FpEnv, fmt: number, alo: number, ahi: number, blo: number, bhi: number): number {
  return maxMinNum(env, fmt, MIN, alo, ahi, blo, bhi);
}

function maxMinNum(env: FpEnv, fmt: number, which: number, alo: number, ahi: number, blo: number, bhi: number): number {
  const ta = classify(fmt, alo, ahi);
  const tb = classify(fmt, blo, bhi);
  const aNaN = ta >= T_QNAN;
  const bNaN = tb >= T_QNAN;
  if (ta === T_QNAN && !bNaN) {
    alo = infOf(fmt, which === MAX ? 1 : 0);
    ahi = fpOut.hi;
  } else if (!aNaN && tb === T_QNAN) {
    blo = infOf(fmt, which === MAX ? 1 : 0);
    bhi = fpOut.hi;
  }
  return maxMin(env, fmt, which, alo, ahi, blo, bhi);
}

function maxMin(env: FpEnv, fmt: number, which: number, alo: number, ahi: number, blo: number, bhi: number): number {
  const ta = flushType(env, fmt, classify(fmt, alo, ahi));
  const tb = flushType(env, fmt, classify(fmt, blo, bhi));
  if (ta >= T_QNAN || tb >= T_QNAN) return processNaNs(env, fmt, ta, alo, ahi, tb, blo, bhi);
  const sa = signOf(fmt, alo, ahi);
  const sb = signOf(fmt, blo, bhi);
  if (ta === T_ZERO && tb === T_ZERO) return zeroOf(fmt, which === MAX ? sa & sb : sa | sb);
  const a = ta === T_ZERO ? 0 : toNumber(fmt, alo, ahi);
  const b = tb === T_ZERO ? 0 : toNumber(fmt, blo, bhi);
  const pickA = which === MAX ? a > b : a < b;
  if (pickA) return ta === T_ZERO ? zeroOf(fmt, sa) : keep(alo, ahi);
  return tb === T_ZERO ? zeroOf(fmt, sb) : keep(blo, bhi);
}

function keep(lo: number, hi: number): number {
  fpOut.hi = hi;
  return lo;
}
