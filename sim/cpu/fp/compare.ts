// Layer: sim/cpu/fp. FPCompare (FCMP/FCMPE/FCCMP) and the vector predicates FPCompareEQ/GE/GT.
// Imports this folder only.
import type { FpEnv } from './constants.ts';
import * as Mconstants from './constants.ts';
import * as Mbits from './bits.ts';
import * as Mnan from './nan.ts';
// Imported bindings copied to module constants once: under tsx every access to an imported
// binding is a getter call, measured at ~40% of the FP hot path (see fp/README.md).
const { FPSR_IOC, T_QNAN, T_SNAN, T_ZERO } = Mconstants;
const { classify, toNumber } = Mbits;
const { flushType } = Mnan;

/** NZCV nibbles FPCompare returns. */
export const NZCV_UNORDERED = 0b0011;
export const NZCV_EQUAL = 0b0110;
export const NZCV_LESS = 0b1000;
export const NZCV_GREATER = 0b0010;

let ca = 0;
let cb = 0;
/** Unpacks both (flushing, IDC); returns -1 for unordered after raising IOC as `signalQuiet` says. */
function unpack2(env: FpEnv, fmt: number, alo: number, ahi: number, blo: number, bhi: number, signalQuiet: boolean): number {
  const ta = flushType(env, fmt, classify(fmt, alo, ahi));
  const tb = flushType(env, fmt, classify(fmt, blo, bhi));
  if (ta >= T_QNAN || tb >= T_QNAN) {
    if (signalQuiet || ta === T_SNAN || tb === T_SNAN) env.fpsr |= FPSR_IOC;
    return -1;
  }
  ca = ta === T_ZERO ? 0 : toNumber(fmt, alo, ahi);
  cb = tb === T_ZERO ? 0 : toNumber(fmt, blo, bhi);
  return 0;
}

/** FPCompare: NZCV as a 4-bit number (unordered 0011, equal 0110, less 1000, greater 0010). `signalNaNs` is FCMPE's. */
export function fpCompare(env: FpEnv, fmt: number, alo: number, ahi: number, blo: number, bhi: number, signalNaNs: boolean): number {
  if (unpack2(env, fmt, alo, ahi, blo, bhi, signalNaNs) < 0) return NZCV_UNORDERED;
  return ca === cb ? NZCV_EQUAL : ca < cb ? NZCV_LESS : NZCV_GREATER;
}

/** FPCompareEQ (quiet: only signalling NaNs raise IOC). */
export function fpCompareEq(env: FpEnv, fmt: number, alo: number, ahi: number, blo: number, bhi: number): boolean {
  return unpack2(env, fmt, alo, ahi, blo, bhi, false) === 0 && ca === cb;
}

/** FPCompareGE (any NaN raises IOC). */
export function fpCompareGe(env: FpEnv, fmt: number, alo: number, ahi: number, blo: number, bhi: number): boolean {
  return unpack2(env, fmt, alo, ahi, blo, bhi, true) === 0 && ca >= cb;
}

/** FPCompareGT (any NaN raises IOC). */
export function fpCompareGt(env: FpEnv, fmt: number, alo: number, ahi: number, blo: number, bhi: number): boolean {
  return unpack2(env, fmt, alo, ahi, blo, bhi, true) === 0 && ca > cb;
}
