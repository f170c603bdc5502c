// Layer: sim/cpu/executors. Number (lo/hi int32) executors for the 64-bit-lane integer ops gcc
// and clang emit in ordinary loops — ADD/SUB/compares/shifts on .2d and d registers, and the
// 32→64 widening USHLL/SSHLL/UMULL/SMULL/UMLAL/SMLAL/UADDL/SADDL/USUBL/SSUBL — so they avoid the
// engine's bigint path. Same record layout as simd-fp-vector-engine.ts. Imports sim/cpu only.
import type { Core } from '../core.ts';
import type { Executor, Predecoded } from '../executor-registry.ts';
import { finish, sv } from './simd-fp-vector-engine.ts';

/** Result of a 64-bit op: lo, hi int32. */
const R = { lo: 0, hi: 0 };
/** (a, b, d) as lo/hi pairs → R. `b` is the other lane, the zero pair, or the shift in bl. */
type Op64 = (al: number, ah: number, bl: number, bh: number, dl: number, dh: number) => void;

function set(lo: number, hi: number): void {
  R.lo = lo | 0;
  R.hi = hi | 0;
}

function add64(al: number, ah: number, bl: number, bh: number): void {
  const lo = (al >>> 0) + (bl >>> 0);
  set(lo, ah + bh + (lo > 0xffffffff ? 1 : 0));
}
function sub64(al: number, ah: number, bl: number, bh: number): void {
  const lo = (al >>> 0) - (bl >>> 0);
  set(lo, ah - bh - (lo < 0 ? 1 : 0));
}
const mask = (t: boolean) => set(t ? -1 : 0, t ? -1 : 0);
const gtS = (al: number, ah: number, bl: number, bh: number) => ah > bh || (ah === bh && al >>> 0 > bl >>> 0);
const gtU = (al: number, ah: number, bl: number, bh: number) => ah >>> 0 > bh >>> 0 || (ah === bh && al >>> 0 > bl >>> 0);

/** Unsigned 32×32 → 64 product of two uint32 numbers. */
function mulU(a: number, b: number): void {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  set(Math.imul(a, b), a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16));
}
/** Signed 32×32 → 64: the unsigned product minus the two's-complement corrections in the high word. */
function mulS(a: number, b: number): void {
  mulU(a >>> 0, b >>> 0);
  R.hi = (R.hi - (a < 0 ? b : 0) - (b < 0 ? a : 0)) | 0;
}

export const SAME64: Readonly<Record<string, Op64>> = {
  ADD: add64,
  SUB: sub64,
  CMEQ_reg: (al, ah, bl, bh) => mask(al === bl && ah === bh),
  CMGT_reg: (al, ah, bl, bh) => mask(gtS(al, ah, bl, bh)),
  CMGE_reg: (al, ah, bl, bh) => mask(!gtS(bl, bh, al, ah)),
  CMHI_reg: (al, ah, bl, bh) => mask(gtU(al, ah, bl, bh)),
  CMHS_reg: (al, ah, bl, bh) => mask(!gtU(bl, bh, al, ah)),
  CMTST: (al, ah, bl, bh) => mask((al & bl) !== 0 || (ah & bh) !== 0),
  CMEQ_zero: (al, ah) => mask(al === 0 && ah === 0),
  CMGT_zero: (al, ah) => mask(ah > 0 || (ah === 0 && al !== 0)),
  CMGE_zero: (_al, ah) => mask(ah >= 0),
  CMLT_zero: (_al, ah) => mask(ah < 0),
  CMLE_zero: (al, ah) => mask(ah < 0 || (ah === 0 && al === 0)),
  NEG: (al, ah) => sub64(0, 0, al, ah),
  // Shifts by immediate: the amount is bl (right 1..64, left 0..63).
  USHR: (al, ah, m) => (m >= 64 ? set(0, 0) : m >= 32 ? set(ah >>> (m - 32), 0) : set((al >>> m) | (ah << (32 - m)), ah >>> m)),
  SSHR: (al, ah, m) => (m >= 32 ? set(ah >> Math.min(m - 32, 31), ah >> 31) : set((al >>> m) | (ah << (32 - m)), ah >> m)),
  SHL: (al, ah, m) => (m === 0 ? set(al, ah) : m >= 32 ? set(0, al << (m - 32)) : set(al << m, (ah << m) | (al >>> (32 - m)))),
};

/** Long ops on 32-bit sources (a, b as int32), accumulator (dl, dh). */
export const LONG64: Readonly<Record<string, Op64>> = {
  UMULL: (a, _ah, b) => mulU(a >>> 0, b >>> 0),
  SMULL: (a, _ah, b) => mulS(a, b),
  UMLAL: (a, _ah, b, _bh, dl, dh) => {
    mulU(a >>> 0, b >>> 0);
    add64(dl, dh, R.lo, R.hi);
  },
  SMLAL: (a, _ah, b, _bh, dl, dh) => {
    mulS(a, b);
    add64(dl, dh, R.lo, R.hi);
  },
  UADDL: (a, _ah, b) => add64(a, 0, b, 0),
  SADDL: (a, _ah, b) => add64(a, a >> 31, b, b >> 31),
  USUBL: (a, _ah, b) => sub64(a, 0, b, 0),
  SSUBL: (a, _ah, b) => sub64(a, a >> 31, b, b >> 31),
  // Shift by immediate (bl = 0..31).
  USHLL: (a, _ah, m) => set(a << m, m ? a >>> (32 - m) : 0),
  SSHLL: (a, _ah, m) => set(a << m, m ? a >> (32 - m) : a >> 31),
};

/** mode 0: b per lane; 1: b = imm2 (shift) / zero. */
export function d64Same(op: Op64, mode: 0 | 1): Executor {
  return (core: Core, p: Predecoded) => {
    const x = core.vi32;
    for (let i = 0; i < p.imm; i++) {
      const a = (p.b >> 2) + 2 * i;
      const b = (p.c >> 2) + 2 * i;
      const d = (p.a >> 2) + 2 * i;
      if (mode === 0) op(x[a]!, x[a + 1]!, x[b]!, x[b + 1]!, x[d]!, x[d + 1]!);
      else op(x[a]!, x[a + 1]!, p.imm2, 0, x[d]!, x[d + 1]!);
      sv.setInt32(i * 8, R.lo, true);
      sv.setInt32(i * 8 + 4, R.hi, true);
    }
    finish(core, p.a, p.imm << 3);
  };
}

/** 32-bit sources (Vn lanes at b, Vm lanes at c or the element at c, or imm2), 64-bit results. mode 0 reg, 1 elem, 2 imm. */
export function d64Long(op: Op64, mode: 0 | 1 | 2): Executor {
  return (core: Core, p: Predecoded) => {
    const x = core.vi32;
    const e = x[p.c >> 2]!;
    for (let i = 0; i < p.imm; i++) {
      const d = (p.a >> 2) + 2 * i;
      op(x[(p.b >> 2) + i]!, 0, mode === 0 ? x[(p.c >> 2) + i]! : mode === 1 ? e : p.imm2, 0, x[d]!, x[d + 1]!);
      sv.setInt32(i * 8, R.lo, true);
      sv.setInt32(i * 8 + 4, R.hi, true);
    }
    finish(core, p.a, p.imm << 3);
  };
}
