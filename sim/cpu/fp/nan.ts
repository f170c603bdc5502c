// Layer: sim/cpu/fp. The AArch64 NaN rules (Arm ARM FPProcessNaN, FPProcessNaNs, FPProcessNaNs3)
// and input flushing (FPUnpack with FZ/FZ16). Imports this folder only.
import type { FpEnv } from './constants.ts';
import * as Mconstants from './constants.ts';
import * as Mbits from './bits.ts';
// Imported bindings copied to module constants once: under tsx every access to an imported
// binding is a getter call, measured at ~40% of the FP hot path (see fp/README.md).
const { FMT_H, FPCR_DN, FPCR_FZ, FPCR_FZ16, FPSR_IDC, FPSR_IOC, T_DENORM, T_QNAN, T_SNAN, T_ZERO } = Mconstants;
const { defaultNaN, quietNaN } = Mbits;

/** FPProcessNaN: a signalling NaN raises IOC and is quieted; FPCR.DN replaces any NaN by the default NaN. */
export function processNaN(env: FpEnv, fmt: number, type: number, lo: number, hi: number): number {
  if (type === T_SNAN) env.fpsr |= FPSR_IOC;
  if (env.fpcr & FPCR_DN) return defaultNaN(fmt);
  return quietNaN(fmt, lo, hi);
}

/** FPProcessNaNs for two operands, at least one a NaN: first signalling NaN, else first quiet NaN. */
export function processNaNs(env: FpEnv, fmt: number, ta: number, alo: number, ahi: number, tb: number, blo: number, bhi: number): number {
  if (ta === T_SNAN) return processNaN(env, fmt, ta, alo, ahi);
  if (tb === T_SNAN) return processNaN(env, fmt, tb, blo, bhi);
  if (ta === T_QNAN) return processNaN(env, fmt, ta, alo, ahi);
  return processNaN(env, fmt, tb, blo, bhi);
}

/** FPProcessNaNs3 (operand order as FPMulAdd passes them: addend, op1, op2). */
export function processNaNs3(
  env: FpEnv,
  fmt: number,
  ta: number,
  alo: number,
  ahi: number,
  tb: number,
  blo: number,
  bhi: number,
  tc: number,
  clo: number,
  chi: number,
): number {
  if (ta === T_SNAN) return processNaN(env, fmt, ta, alo, ahi);
  if (tb === T_SNAN) return processNaN(env, fmt, tb, blo, bhi);
  if (tc === T_SNAN) return processNaN(env, fmt, tc, clo, chi);
  if (ta === T_QNAN) return processNaN(env, fmt, ta, alo, ahi);
  if (tb === T_QNAN) return processNaN(env, fmt, tb, blo, bhi);
  return processNaN(env, fmt, tc, clo, chi);
}

/** Whether FPUnpack flushes this format's denormal inputs (FZ for single/double, FZ16 for half). */
export function flushesInputs(env: FpEnv, fmt: number): boolean {
  return (env.fpcr & (fmt === FMT_H ? FPCR_FZ16 : FPCR_FZ)) !== 0;
}

/** FPUnpack's flush: a denormal becomes T_ZERO under FZ (IDC) or FZ16 (no flag, as the Arm ARM says). */
export function flushType(env: FpEnv, fmt: number, type: number): number {
  if (type !== T_DENORM || !flushesInputs(env, fmt)) return type;
  if (fmt !== FMT_H) env.fpsr |= FPSR_IDC;
  return T_ZERO;
}
