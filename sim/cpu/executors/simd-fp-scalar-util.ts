// Layer: sim/cpu/executors. Shared bits of the scalar FP / SIMD copy executors: FP register
// writes (a scalar write zeroes the rest of the 128-bit V register, Arm ARM V[] setter with
// width < 128), general-register slots, condition codes. Imports sim/cpu.
import type { Core } from '../core.ts';
import * as Mindex from '../fp/index.ts';
import * as Mstate from '../state.ts';
// Imported bindings copied to module constants once: under tsx every access to an imported
// binding is a getter call, measured at ~40% of the FP hot path (see fp/README.md).
const { FMT_D, FMT_H, FMT_S } = Mindex;
const { REG_SINK, REG_ZR } = Mstate;

/** ftype field → FMT_* (00 single, 01 double, 11 half; 10 has no scalar type). */
export const FTYPE_FMT = [FMT_S, FMT_D, 0, FMT_H] as const;
export const fmtOf = (ftype: number): number => FTYPE_FMT[ftype & 3]!;

/** General-register slots for register 31 as the zero register. */
export const rz = (r: number): number => (r === 31 ? REG_ZR : r);
export const wz = (r: number): number => (r === 31 ? REG_SINK : r);

/** Writes a scalar FP result (lo, hi as the fp helpers return them) and zeroes bits 127:width. */
export function writeFp(core: Core, rd: number, fmt: number, lo: number, hi: number): void {
  const v = core.vi32;
  const i = rd << 2;
  v[i] = fmt === FMT_H ? lo & 0xffff : lo;
  v[i + 1] = fmt === FMT_D ? hi : 0;
  v[i + 2] = 0;
  v[i + 3] = 0;
}

/** Low word of an FP register (half: zero-extended 16 bits). */
export function fpLo(core: Core, r: number, fmt: number): number {
  const lo = core.vi32[r << 2]!;
  return fmt === FMT_H ? lo & 0xffff : lo;
}

/** Sign-bit masks (lo word, hi word) of a format, for FNEG-style sign flips. */
export const signLo = (fmt: number): number => (fmt === FMT_D ? 0 : fmt === FMT_S ? 0x80000000 | 0 : 0x8000);
export const signHi = (fmt: number): number => (fmt === FMT_D ? 0x80000000 | 0 : 0);

/** ConditionHolds (Arm ARM shared pseudocode) on the core's NZCV. */
export function condHolds(core: Core, cond: number): boolean {
  let r: boolean;
  switch (cond >> 1) {
    case 0:
      r = core.z === 1;
      break;
    case 1:
      r = core.c === 1;
      break;
    case 2:
      r = core.n === 1;
      break;
    case 3:
      r = core.v === 1;
      break;
    case 4:
      r = core.c === 1 && core.z === 0;
      break;
    case 5:
      r = core.n === core.v;
      break;
    case 6:
      r = core.n === core.v && core.z === 0;
      break;
    default:
      r = true;
  }
  return cond & 1 && cond !== 15 ? !r : r;
}

/** Sets NZCV from a 4-bit nibble. */
export function setNzcv(core: Core, nzcv: number): void {
  core.n = (nzcv >> 3) & 1;
  core.z = (nzcv >> 2) & 1;
  core.c = (nzcv >> 1) & 1;
  core.v = nzcv & 1;
}
