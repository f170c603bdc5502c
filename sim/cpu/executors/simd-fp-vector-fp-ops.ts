// Layer: sim/cpu/executors. FP lane operations of the Advanced SIMD arithmetic rows, on bit
// patterns through the shared helpers of sim/cpu/fp (rounding, FPSR flags, NaN rules), plus the
// few the helpers leave out: FPMulX, FPRecipStepFused/FPRSqrtStepFused, FPRecipEstimate,
// FPRSqrtEstimate and FPRecpX (Arm ARM shared pseudocode). Imports sim/cpu.
//
// An FOp takes (env, fmt, k, d, n, m) with each value as (lo, hi) int32 halves (hi only for
// doubles) and returns lo, leaving a double's hi in fpOut.hi. k is a per-row constant (fbits,
// rounding mode; -1 = FPCR's rounding).
import type { FpEnv } from '../fp/index.ts';
import {
  FMT_D,
  FMT_H,
  FMT_S,
  FPSR_DZC,
  FPSR_IOC,
  FPSR_IXC,
  FPSR_OFC,
  FPSR_UFC,
  FPCR_FZ,
  FPCR_FZ16,
  RM,
  RN,
  RP,
  T_INF,
  T_QNAN,
  T_ZERO,
  classify,
  defaultNaN,
  flushType,
  fpAdd,
  fpCompareEq,
  fpCompareGe,
  fpCompareGt,
  fpDiv,
  fpMax,
  fpMaxNum,
  fpMin,
  fpMinNum,
  fpMul,
  fpMulAdd,
  fpOut,
  fpRoundInt,
  fpRoundIntN,
  fpSqrt,
  fpSub,
  fpToFixed,
  fixedToFp,
  fpcrRounding,
  infOf,
  processNaN,
  processNaNs,
  signOf,
  zeroOf,
} from '../fp/index.ts';

export type FOp = (env: FpEnv, fmt: number, k: number, dlo: number, dhi: number, nlo: number, nhi: number, mlo: number, mhi: number) => number;

/** Sign bit in the word that holds it (lo for half/single, hi for double). */
export const SIGN = [0, 0x8000, 0x80000000 | 0, 0x80000000 | 0] as const;

/** Flip the sign (FPNeg): lo, with a double's hi in fpOut.hi. */
export function neg(fmt: number, lo: number, hi: number): number {
  if (fmt === FMT_D) {
    fpOut.hi = hi ^ SIGN[3];
    return lo;
  }
  return lo ^ SIGN[fmt]!;
}
export function absv(fmt: number, lo: number, hi: number): number {
  if (fmt === FMT_D) {
    fpOut.hi = hi & 0x7fffffff;
    return lo;
  }
  return lo & ~SIGN[fmt]!;
}

function mask(r: boolean): number {
  const v = r ? -1 : 0;
  fpOut.hi = v;
  return v;
}

/** The pattern of 2.0, 1.5, 3.0 in a format: lo, hi in fpOut.hi. */
function constant(fmt: number, x: 2 | 1.5 | 3, sign: number): number {
  fpOut.hi = 0;
  if (fmt === FMT_H) return (sign << 15) | (x === 2 ? 0x4000 : x === 3 ? 0x4200 : 0x3e00);
  if (fmt === FMT_S) return (sign << 31) | (x === 2 ? 0x40000000 : x === 3 ? 0x40400000 : 0x3fc00000);
  fpOut.hi = (sign << 31) | (x === 2 ? 0x40000000 : x === 3 ? 0x40080000 : 0x3ff80000);
  return 0;
}

/** FPMulX: FPMul with ∞ × 0 = ±2.0 instead of an invalid operation. */
export const fmulx: FOp = (env, fmt, _k, _dl, _dh, nlo, nhi, mlo, mhi) => {
  const ta = flushType(env, fmt, classify(fmt, nlo, nhi));
  const tb = flushType(env, fmt, classify(fmt, mlo, mhi));
  if (ta < T_QNAN && tb < T_QNAN && ((ta === T_INF && tb === T_ZERO) || (ta === T_ZERO && tb === T_INF))) {
    return constant(fmt, 2, signOf(fmt, nlo, nhi) ^ signOf(fmt, mlo, mhi));
  }
  return fpMul(env, fmt, nlo, nhi, mlo, mhi);
};

/** Exponent field of a pattern. */
function expOf(fmt: number, lo: number, hi: number): number {
  return fmt === FMT_D ? (hi >>> 20) & 0x7ff : fmt === FMT_S ? (lo >>> 23) & 0xff : (lo >>> 10) & 0x1f;
}

/** The pattern halved exactly (exponent − 1); only for exponent fields ≥ 2. */
function halve(fmt: number, lo: number, hi: number): number {
  if (fmt === FMT_D) {
    fpOut.hi = hi - 0x100000;
    return lo;
  }
  return lo - (fmt === FMT_S ? 0x800000 : 0x400);
}

/** FPRecipStepFused (FRECPS, 2 − n×m) and FPRSqrtStepFused (FRSQRTS, (3 − n×m)/2). */
function stepFused(rsqrt: boolean): FOp {
  return (env, fmt, _k, _dl, _dh, nlo0, nhi0, mlo, mhi) => {
    let nhi = nhi0;
    const nlo = neg(fmt, nlo0, nhi0);
    if (fmt === FMT_D) nhi = fpOut.hi;
    const ta = flushType(env, fmt, classify(fmt, nlo, nhi));
    const tb = flushType(env, fmt, classify(fmt, mlo, mhi));
    if (ta >= T_QNAN || tb >= T_QNAN) return processNaNs(env, fmt, ta, nlo, nhi, tb, mlo, mhi);
    if ((ta === T_INF && tb === T_ZERO) || (ta === T_ZERO && tb === T_INF)) return constant(fmt, rsqrt ? 1.5 : 2, 0);
    if (ta === T_INF || tb === T_INF) return infOf(fmt, signOf(fmt, nlo, nhi) ^ signOf(fmt, mlo, mhi));
    if (!rsqrt) {
      const c = constant(fmt, 2, 0);
      return fpMulAdd(env, fmt, c, fpOut.hi, nlo, nhi, mlo, mhi);
    }
    // (3 + n×m)/2 with one rounding: 1.5 + (n/2)×m, halving whichever operand halves exactly.
    if (ta !== T_ZERO && expOf(fmt, nlo, nhi) >= 2) {
      const hlo = halve(fmt, nlo, nhi);
      const hhi = fpOut.hi;
      const c = constant(fmt, 1.5, 0);
      return fpMulAdd(env, fmt, c, fpOut.hi, hlo, hhi, mlo, mhi);
    }
    if (tb !== T_ZERO && expOf(fmt, mlo, mhi) >= 2) {
      const hlo = halve(fmt, mlo, mhi);
      const hhi = fpOut.hi;
      const c = constant(fmt, 1.5, 0);
      return fpMulAdd(env, fmt, c, fpOut.hi, nlo, nhi, hlo, hhi);
    }
    // Both tiny: n×m is far below half an ulp of 3, so rounding 3 + n×m and halving is exact.
    const c = constant(fmt, 3, 0);
    const r = fpMulAdd(env, fmt, c, fpOut.hi, nlo, nhi, mlo, mhi);
    return halve(fmt, r, fpOut.hi);
  };
}
export const frecps = stepFused(false);
export const frsqrts = stepFused(true);

/** Fraction as 52 bits (lo/hi of a double-like fraction) for the estimate algorithms: returns [exp, frac52 as number pair]. */
function unpackFrac(fmt: number, lo: number, hi: number): [number, number] {
  // fraction<51:0> as a JS number (exact, < 2^52)
  if (fmt === FMT_D) return [(hi >>> 20) & 0x7ff, (hi & 0xfffff) * 4294967296 + (lo >>> 0)];
  if (fmt === FMT_S) return [(lo >>> 23) & 0xff, (lo & 0x7fffff) * 2 ** 29];
  return [(lo >>> 10) & 0x1f, (lo & 0x3ff) * 2 ** 42];
}

/** Pattern from sign, biased exponent and the top 8 fraction bits (estimate<7:0>), shifted by `extra` denormal steps. */
function packEstimate(fmt: number, sign: number, exp: number, frac52: number): number {
  if (fmt === FMT_D) {
    const hiF = Math.floor(frac52 / 4294967296);
    fpOut.hi = (sign << 31) | (exp << 20) | hiF;
    return (frac52 - hiF * 4294967296) | 0;
  }
  fpOut.hi = 0;
  if (fmt === FMT_S) return (sign << 31) | (exp << 23) | Math.floor(frac52 / 2 ** 29);
  return (sign << 15) | (exp << 10) | Math.floor(frac52 / 2 ** 42);
}

export function recipEstimate9(a: number): number {
  const b = Math.floor((1 << 19) / (a * 2 + 1));
  return Math.floor((b + 1) / 2);
}
export function rsqrtEstimate9(a0: number): number {
  const a = a0 < 256 ? a0 * 2 + 1 : (((a0 >> 1) << 1) + 1) * 2;
  let b = 512;
  while (a * (b + 1) * (b + 1) < 1 << 28) b++;
  return Math.floor((b + 1) / 2);
}

const MINRECIP = [0, 2 ** -16, 2 ** -128, 2 ** -1024];
const FZ_LIMIT = [0, 2 ** 14, 2 ** 126, 2 ** 1022];
const RECIP_BIAS = [0, 29, 253, 2045];
const RSQRT_BIAS = [0, 44, 380, 3068];

function magnitude(fmt: number, lo: number, hi: number): number {
  const [e, f] = unpackFrac(fmt, lo, hi);
  const bias = fmt === FMT_D ? 1023 : fmt === FMT_S ? 127 : 15;
  const frac = f / 2 ** 52;
  return e === 0 ? frac * 2 ** (1 - bias) : (1 + frac) * 2 ** (e - bias);
}

/** FPRecipEstimate (FRECPE). */
export const frecpe: FOp = (env, fmt, _k, _dl, _dh, lo, hi) => {
  const t = flushType(env, fmt, classify(fmt, lo, hi));
  const sign = signOf(fmt, lo, hi);
  if (t >= T_QNAN) return processNaN(env, fmt, t, lo, hi);
  if (t === T_INF) return zeroOf(fmt, sign);
  if (t === T_ZERO) {
    env.fpsr |= FPSR_DZC;
    return infOf(fmt, sign);
  }
  const x = magnitude(fmt, lo, hi);
  if (x < MINRECIP[fmt]!) {
    const r = fpcrRounding(env.fpcr);
    const toInf = r === RN || (r === RP && !sign) || (r === RM && sign === 1);
    env.fpsr |= FPSR_OFC | FPSR_IXC;
    if (toInf) return infOf(fmt, sign);
    return maxNormal(fmt, sign);
  }
  if ((env.fpcr & (fmt === FMT_H ? FPCR_FZ16 : FPCR_FZ)) !== 0 && x >= FZ_LIMIT[fmt]!) {
    env.fpsr |= FPSR_UFC;
    return zeroOf(fmt, sign);
  }
  let [exp, frac] = unpackFrac(fmt, lo, hi);
  if (exp === 0) {
    if (frac < 2 ** 51) {
      exp = -1;
      frac = (frac % 2 ** 50) * 4;
    } else frac = (frac % 2 ** 51) * 2;
  }
  const scaled = 256 + Math.floor(frac / 2 ** 44);
  let rexp = RECIP_BIAS[fmt]! - exp;
  const est = recipEstimate9(scaled);
  let f = (est & 0xff) * 2 ** 44;
  if (rexp === 0) f = 2 ** 51 + Math.floor(f / 2);
  else if (rexp === -1) {
    f = 2 ** 50 + Math.floor(f / 4);
    rexp = 0;
  }
  return packEstimate(fmt, sign, rexp, f);
};

function maxNormal(fmt: number, sign: number): number {
  if (fmt === FMT_D) {
    fpOut.hi = (sign << 31) | 0x7fefffff;
    return -1;
  }
  fpOut.hi = 0;
  return fmt === FMT_S ? (sign << 31) | 0x7f7fffff : (sign << 15) | 0x7bff;
}

/** FPRSqrtEstimate (FRSQRTE). */
export const frsqrte: FOp = (env, fmt, _k, _dl, _dh, lo, hi) => {
  const t = flushType(env, fmt, classify(fmt, lo, hi));
  const sign = signOf(fmt, lo, hi);
  if (t >= T_QNAN) return processNaN(env, fmt, t, lo, hi);
  if (t === T_ZERO) {
    env.fpsr |= FPSR_DZC;
    return infOf(fmt, sign);
  }
  if (sign) {
    env.fpsr |= FPSR_IOC;
    return defaultNaN(fmt);
  }
  if (t === T_INF) return zeroOf(fmt, 0);
  let [exp, frac] = unpackFrac(fmt, lo, hi);
  if (exp === 0) {
    while (frac < 2 ** 51) {
      frac *= 2;
      exp--;
    }
    frac = (frac % 2 ** 51) * 2;
  }
  const scaled = (exp & 1) === 0 ? 256 + Math.floor(frac / 2 ** 44) : 128 + Math.floor(frac / 2 ** 45);
  const rexp = Math.floor((RSQRT_BIAS[fmt]! - exp) / 2);
  const est = rsqrtEstimate9(scaled);
  return packEstimate(fmt, 0, rexp, (est & 0xff) * 2 ** 44);
};

/** FPRecpX (FRECPX): exponent inverted, fraction cleared. */
export const frecpx: FOp = (env, fmt, _k, _dl, _dh, lo, hi) => {
  const t = flushType(env, fmt, classify(fmt, lo, hi));
  const sign = signOf(fmt, lo, hi);
  if (t >= T_QNAN) return processNaN(env, fmt, t, lo, hi);
  const ebits = fmt === FMT_D ? 11 : fmt === FMT_S ? 8 : 5;
  const emax = (1 << ebits) - 1;
  const e = t === T_ZERO ? 0 : expOf(fmt, lo, hi);
  const re = e === 0 ? emax - 1 : ~e & emax;
  return packEstimate(fmt, sign, re, 0);
};

// ---- conversions to and from integers of the lane size ----

/** FPToFixed into a lane-sized integer (16/32/64); k = fbits. */
export function toInt(unsigned: boolean, rounding: number): FOp {
  return (env, fmt, k, _dl, _dh, lo, hi) => {
    const rnd = rounding < 0 ? fpcrRounding(env.fpcr) : rounding;
    if (fmt !== FMT_H) return fpToFixed(env, fmt, lo, hi, k, unsigned, fmt === FMT_D ? 64 : 32, rnd);
    const before = env.fpsr;
    const r = fpToFixed(env, fmt, lo, hi, k, unsigned, 32, rnd);
    const max = unsigned ? 0xffff : 0x7fff;
    const min = unsigned ? 0 : -0x8000;
    const v = unsigned ? r >>> 0 : r;
    if (v > max || v < min) {
      // FPToFixed saturates at the lane size: InvalidOp only.
      env.fpsr = before | FPSR_IOC;
      return v > max ? max : min;
    }
    return r;
  };
}

/** FixedToFP from a lane-sized integer; k = fbits. */
export function fromInt(unsigned: boolean): FOp {
  return (env, fmt, k, _dl, _dh, lo, hi) => {
    const rnd = fpcrRounding(env.fpcr);
    if (fmt === FMT_H) return fixedToFp(env, fmt, unsigned ? lo & 0xffff : (lo << 16) >> 16, 0, k, unsigned, 32, rnd);
    return fixedToFp(env, fmt, lo, hi, k, unsigned, fmt === FMT_D ? 64 : 32, rnd);
  };
}

export const roundInt = (rounding: number, exact: boolean): FOp => (env, fmt, _k, _dl, _dh, lo, hi) =>
  fpRoundInt(env, fmt, lo, hi, rounding < 0 ? fpcrRounding(env.fpcr) : rounding, exact);
export const roundIntN = (rounding: number, bits: number): FOp => (env, fmt, _k, _dl, _dh, lo, hi) =>
  fpRoundIntN(env, fmt, lo, hi, rounding < 0 ? fpcrRounding(env.fpcr) : rounding, bits);

// ---- the plain ops ----
export const OPS: Record<string, FOp> = {
  FADD: (e, f, _k, _dl, _dh, a, ah, b, bh) => fpAdd(e, f, a, ah, b, bh),
  FSUB: (e, f, _k, _dl, _dh, a, ah, b, bh) => fpSub(e, f, a, ah, b, bh),
  FMUL: (e, f, _k, _dl, _dh, a, ah, b, bh) => fpMul(e, f, a, ah, b, bh),
  FDIV: (e, f, _k, _dl, _dh, a, ah, b, bh) => fpDiv(e, f, a, ah, b, bh),
  FMAX: (e, f, _k, _dl, _dh, a, ah, b, bh) => fpMax(e, f, a, ah, b, bh),
  FMIN: (e, f, _k, _dl, _dh, a, ah, b, bh) => fpMin(e, f, a, ah, b, bh),
  FMAXNM: (e, f, _k, _dl, _dh, a, ah, b, bh) => fpMaxNum(e, f, a, ah, b, bh),
  FMINNM: (e, f, _k, _dl, _dh, a, ah, b, bh) => fpMinNum(e, f, a, ah, b, bh),
  FMLA: (e, f, _k, dl, dh, a, ah, b, bh) => fpMulAdd(e, f, dl, dh, a, ah, b, bh),
  FMLS: (e, f, _k, dl, dh, a, ah, b, bh) => {
    const na = neg(f, a, ah);
    return fpMulAdd(e, f, dl, dh, na, f === FMT_D ? fpOut.hi : 0, b, bh);
  },
  FMULX: fmulx,
  FABD: (e, f, _k, _dl, _dh, a, ah, b, bh) => {
    const r = fpSub(e, f, a, ah, b, bh);
    return absv(f, r, fpOut.hi);
  },
  FCMEQ_reg: (e, f, _k, _dl, _dh, a, ah, b, bh) => mask(fpCompareEq(e, f, a, ah, b, bh)),
  FCMGE_reg: (e, f, _k, _dl, _dh, a, ah, b, bh) => mask(fpCompareGe(e, f, a, ah, b, bh)),
  FCMGT_reg: (e, f, _k, _dl, _dh, a, ah, b, bh) => mask(fpCompareGt(e, f, a, ah, b, bh)),
  FACGE: (e, f, _k, _dl, _dh, a, ah, b, bh) => {
    const x = absv(f, a, ah);
    const xh = fpOut.hi;
    const y = absv(f, b, bh);
    return mask(fpCompareGe(e, f, x, xh, y, fpOut.hi));
  },
  FACGT: (e, f, _k, _dl, _dh, a, ah, b, bh) => {
    const x = absv(f, a, ah);
    const xh = fpOut.hi;
    const y = absv(f, b, bh);
    return mask(fpCompareGt(e, f, x, xh, y, fpOut.hi));
  },
  FRECPS: frecps,
  FRSQRTS: frsqrts,
  FCMGT_zero: (e, f, _k, _dl, _dh, a, ah) => mask(fpCompareGt(e, f, a, ah, 0, 0)),
  FCMGE_zero: (e, f, _k, _dl, _dh, a, ah) => mask(fpCompareGe(e, f, a, ah, 0, 0)),
  FCMEQ_zero: (e, f, _k, _dl, _dh, a, ah) => mask(fpCompareEq(e, f, a, ah, 0, 0)),
  FCMLT_zero: (e, f, _k, _dl, _dh, a, ah) => mask(fpCompareGt(e, f, 0, 0, a, ah)),
  FCMLE_zero: (e, f, _k, _dl, _dh, a, ah) => mask(fpCompareGe(e, f, 0, 0, a, ah)),
  FABS: (_e, f, _k, _dl, _dh, a, ah) => absv(f, a, ah),
  FNEG: (_e, f, _k, _dl, _dh, a, ah) => neg(f, a, ah),
  FSQRT: (e, f, _k, _dl, _dh, a, ah) => fpSqrt(e, f, a, ah),
  FRECPE: frecpe,
  FRSQRTE: frsqrte,
  FRECPX: frecpx,
  FRINTN: roundInt(RN, false),
  FRINTM: roundInt(RM, false),
  FRINTP: roundInt(RP, false),
  FRINTZ: roundInt(3, false),
  FRINTA: roundInt(4, false),
  FRINTI: roundInt(-1, false),
  FRINTX: roundInt(-1, true),
  FRINT32Z: roundIntN(3, 32),
  FRINT64Z: roundIntN(3, 64),
  FRINT32X: roundIntN(-1, 32),
  FRINT64X: roundIntN(-1, 64),
  FCVTNS: toInt(false, RN),
  FCVTMS: toInt(false, RM),
  FCVTPS: toInt(false, RP),
  FCVTZS_int: toInt(false, 3),
  FCVTAS: toInt(false, 4),
  FCVTNU: toInt(true, RN),
  FCVTMU: toInt(true, RM),
  FCVTPU: toInt(true, RP),
  FCVTZU_int: toInt(true, 3),
  FCVTAU: toInt(true, 4),
  FCVTZS_fix: toInt(false, 3),
  FCVTZU_fix: toInt(true, 3),
  SCVTF_int: fromInt(false),
  UCVTF_int: fromInt(true),
  SCVTF_fix: fromInt(false),
  UCVTF_fix: fromInt(true),
};
OPS.FMAXP = OPS.FMAX!;
OPS.FMINP = OPS.FMIN!;
OPS.FMAXNMP = OPS.FMAXNM!;
OPS.FMINNMP = OPS.FMINNM!;
OPS.FADDP = OPS.FADD!;
