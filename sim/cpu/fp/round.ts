// Layer: sim/cpu/fp. FPRound (Arm ARM shared pseudocode FPRoundBase) on an exact value
// m × 2^e (m a non-negative bigint, `sticky` = the true value is a little above it), with every
// rounding mode, flush-to-zero of tiny results, overflow and the FPSR flags. Imports this folder.
//
// This is the slow, always-correct path: the fast paths (arith.ts) stay on JS numbers and fall
// back here for directed rounding, FZ, half precision, results near under/overflow and FMA.
import type { FpEnv } from './constants.ts';
import * as Mconstants from './constants.ts';
// Imported bindings copied to module constants once: under tsx every access to an imported
// binding is a getter call, measured at ~40% of the FP hot path (see fp/README.md).
const { EBITS, FBITS, FMT_D, FMT_H, FMT_S, FPSR_IOC, FPSR_IXC, FPSR_OFC, FPSR_UFC, ODD, RM, RN, RP, RZ, TIEAWAY, fpOut } = Mconstants;

/** An exact finite value: (-1)^neg × m × 2^e. */
export interface Exact {
  neg: number;
  m: bigint;
  e: number;
}

export function bitLength(m: bigint): number {
  return m === 0n ? 0 : m.toString(2).length;
}

/** The exact value of a finite pattern (denormals as they are; callers flush first). */
export function exactOf(fmt: number, lo: number, hi: number): Exact {
  const fb = FBITS[fmt]!;
  const bias = (1 << (EBITS[fmt]! - 1)) - 1;
  let neg: number, ef: number, frac: bigint;
  if (fmt === FMT_D) {
    neg = hi >>> 31;
    ef = (hi >>> 20) & 0x7ff;
    frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo >>> 0);
  } else if (fmt === FMT_S) {
    neg = lo >>> 31;
    ef = (lo >>> 23) & 0xff;
    frac = BigInt(lo & 0x7fffff);
  } else {
    neg = (lo >>> 15) & 1;
    ef = (lo >>> 10) & 0x1f;
    frac = BigInt(lo & 0x3ff);
  }
  if (ef !== 0) frac |= 1n << BigInt(fb);
  return { neg, m: frac, e: (ef === 0 ? 1 : ef) - bias - fb };
}

function pack(fmt: number, neg: number, biased: number, frac: bigint): number {
  if (fmt === FMT_D) {
    fpOut.hi = (neg << 31) | (biased << 20) | Number(frac >> 32n);
    return Number(frac & 0xffffffffn) | 0;
  }
  fpOut.hi = 0;
  if (fmt === FMT_S) return (neg << 31) | (biased << 23) | Number(frac);
  return (neg << 15) | (biased << 10) | Number(frac);
}

/**
 * Rounds (-1)^neg × (m + sticky·ε) × 2^e to `fmt`. `fz` flushes tiny results to zero (UFC, no
 * IXC, as FPRoundBase does with FZ/FZ16); `ahp` is the alternative half-precision format.
 */
export function roundExact(
  env: FpEnv,
  fmt: number,
  neg: number,
  m: bigint,
  e: number,
  sticky: boolean,
  rounding: number,
  fz: boolean,
  ahp = false,
): number {
  if (m === 0n && !sticky) return pack(fmt, neg, 0, 0n);
  if (m === 0n) {
    // Only a sticky remainder: scale so the value has a leading one well below any format.
    m = 1n;
    e -= 4000;
    sticky = false;
  }
  const fb = FBITS[fmt]!;
  const eb = EBITS[fmt]!;
  const minExp = 2 - (1 << (eb - 1));
  const exponent = e + bitLength(m) - 1;
  if (fz && exponent < minExp) {
    env.fpsr |= FPSR_UFC;
    return pack(fmt, neg, 0, 0n);
  }
  let biased = Math.max(exponent - minExp + 1, 0);
  const lsb = biased > 0 ? exponent - fb : minExp - fb;
  const shift = lsb - e;
  let q: bigint;
  let err = sticky;
  let gt = false;
  let eq = false;
  if (shift <= 0) {
    q = m << BigInt(-shift);
  } else {
    const sh = BigInt(shift);
    q = m >> sh;
    const rem = m & ((1n << sh) - 1n);
    const half = 1n << (sh - 1n);
    if (rem !== 0n) err = true;
    gt = rem > half || (rem === half && sticky);
    eq = rem === half && !sticky;
  }
  if (biased === 0 && err) env.fpsr |= FPSR_UFC;
  let up = false;
  let toInf = true;
  switch (rounding) {
    case RN:
      up = gt || (eq && (q & 1n) === 1n);
      break;
    case RP:
      up = err && !neg;
      toInf = !neg;
      break;
    case RM:
      up = err && neg === 1;
      toInf = neg === 1;
      break;
    case RZ:
      toInf = false;
      break;
    case TIEAWAY:
      up = gt || eq;
      break;
    case ODD:
      toInf = false;
      break;
  }
  if (up) {
    q++;
    if (biased === 0) {
      if (q >= 1n << BigInt(fb)) biased = 1;
    } else if (q >= 1n << BigInt(fb + 1)) {
      q >>= 1n;
      biased++;
    }
  }
  if (err && rounding === ODD) q |= 1n;
  const fracMask = (1n << BigInt(fb)) - 1n;
  if (ahp && fmt === FMT_H) {
    if (biased >= 32) {
      env.fpsr |= FPSR_IOC;
      return (neg << 15) | 0x7fff;
    }
  } else if (biased >= (1 << eb) - 1) {
    env.fpsr |= FPSR_OFC | FPSR_IXC;
    return toInf ? pack(fmt, neg, (1 << eb) - 1, 0n) : pack(fmt, neg, (1 << eb) - 2, fracMask);
  }
  if (err) env.fpsr |= FPSR_IXC;
  return pack(fmt, neg, biased, q & fracMask);
}
