// Layer: sim/cpu/executors. dp-reg executors, part 2: conditional compare, conditional select
// and the flag-manipulation instructions (CFINV, RMIF, SETF8/16, XAFLAG, AXFLAG).
// Imports sim/cpu and core/arch/a64 (types).

import type { Fields } from '../../../core/arch/a64/spec.ts';
import type { Core } from '../core.ts';
import type { ExecutorDef, Executor, Predecoded } from '../executor-registry.ts';
import {
  adds32 as adds32$, adds64 as adds64$, condHolds as condHolds$, rz as rz$, wz as wz$,
} from './dp-common.ts';
import {
  REG_SINK as REG_SINK$,
} from '../state.ts';

// Hot-path imports are read through local consts: under tsx (the bench and test loader) an
// imported binding is a CommonJS-interop getter on every read, which V8 does not reliably inline.
const adds32 = adds32$;
const adds64 = adds64$;
const condHolds = condHolds$;
const rz = rz$;
const wz = wz$;
const REG_SINK = REG_SINK$;

const fv = (f: Fields | undefined, name: string): number => f![name]!;

// ---- conditional compare: cond ? AddWithCarry(Rn, op2 ^ inv, inv & 1) flags : #nzcv ----
// b = Rn, c = Rm slot or imm5, d = cond, imm = nzcv, imm2 = inversion (CCMP) or 0 (CCMN).

function setNzcv(core: Core, nzcv: number): void {
  core.n = (nzcv >>> 3) & 1;
  core.z = (nzcv >>> 2) & 1;
  core.c = (nzcv >>> 1) & 1;
  core.v = nzcv & 1;
}

const EXEC_CCMP: Executor[] = [
  (core, p) => {
    if (!condHolds(core, p.d)) return setNzcv(core, p.imm);
    const x = core.x;
    const i = p.imm2;
    adds64(core, REG_SINK, x[p.b * 2]!, x[p.b * 2 + 1]!, x[p.c * 2]! ^ i, x[p.c * 2 + 1]! ^ i, i & 1);
  },
  (core, p) => {
    if (!condHolds(core, p.d)) return setNzcv(core, p.imm);
    const x = core.x;
    const i = p.imm2;
    adds64(core, REG_SINK, x[p.b * 2]!, x[p.b * 2 + 1]!, p.c ^ i, i, i & 1);
  },
  (core, p) => {
    if (!condHolds(core, p.d)) return setNzcv(core, p.imm);
    adds32(core, REG_SINK, core.x[p.b * 2]!, core.x[p.c * 2]! ^ p.imm2, p.imm2 & 1);
  },
  (core, p) => {
    if (!condHolds(core, p.d)) return setNzcv(core, p.imm);
    adds32(core, REG_SINK, core.x[p.b * 2]!, p.c ^ p.imm2, p.imm2 & 1);
  },
];

function prepareCondCompare(sub: boolean, imm: boolean) {
  return (p: Predecoded, _w: number, f: Fields | undefined): void => {
    p.b = rz(fv(f, 'Rn'));
    p.c = imm ? fv(f, 'imm5') : rz(fv(f, 'Rm'));
    p.d = fv(f, 'cond');
    p.imm = fv(f, 'nzcv');
    p.imm2 = sub ? -1 : 0;
    p.exec = EXEC_CCMP[(fv(f, 'sf') === 1 ? 0 : 2) + (imm ? 1 : 0)]!;
  };
}

// ---- conditional select: Rd = cond ? Rn : (Rm ^ inv) + inc ----
// CSEL inv 0 inc 0, CSINC 0/1, CSINV -1/0, CSNEG -1/1 (NOT(x) + 1 = -x).

function csel64(core: Core, p: Predecoded): void {
  const x = core.x;
  if (condHolds(core, p.d)) {
    const lo = x[p.b * 2]!;
    x[p.a * 2 + 1] = x[p.b * 2 + 1]!;
    x[p.a * 2] = lo;
    return;
  }
  const lo = ((x[p.c * 2]! ^ p.imm2) >>> 0) + p.imm;
  x[p.a * 2 + 1] = ((x[p.c * 2 + 1]! ^ p.imm2) + (lo > 0xffffffff ? 1 : 0)) | 0;
  x[p.a * 2] = lo | 0;
}

function csel32(core: Core, p: Predecoded): void {
  const x = core.x;
  x[p.a * 2] = condHolds(core, p.d) ? x[p.b * 2]! : ((x[p.c * 2]! ^ p.imm2) + p.imm) | 0;
  x[p.a * 2 + 1] = 0;
}

function prepareCondSelect(inv: boolean, inc: boolean) {
  return (p: Predecoded, _w: number, f: Fields | undefined): void => {
    p.a = wz(fv(f, 'Rd'));
    p.b = rz(fv(f, 'Rn'));
    p.c = rz(fv(f, 'Rm'));
    p.d = fv(f, 'cond');
    p.imm = inc ? 1 : 0;
    p.imm2 = inv ? -1 : 0;
    p.exec = fv(f, 'sf') === 1 ? csel64 : csel32;
  };
}

// ---- flag manipulation (FEAT_FlagM, FEAT_FlagM2) ----

/** RMIF: rotate Xn right by imm6 and copy bits 3:0 into N Z C V where `mask` has a 1. */
function execRmif(core: Core, p: Predecoded): void {
  const x = core.x;
  const r = p.imm;
  const lo = x[p.b * 2]!;
  const hi = x[p.b * 2 + 1]!;
  // Only bits 3:0 of the rotated value matter: bits r+3..r of Xn, modulo 64.
  let bits = 0;
  for (let i = 0; i < 4; i++) {
    const k = (r + i) & 63;
    bits |= (k < 32 ? (lo >>> k) & 1 : (hi >>> (k - 32)) & 1) << i;
  }
  const m = p.c;
  if (m & 8) core.n = (bits >>> 3) & 1;
  if (m & 4) core.z = (bits >>> 2) & 1;
  if (m & 2) core.c = (bits >>> 1) & 1;
  if (m & 1) core.v = bits & 1;
}

/** SETF8/SETF16: N = bit top, Z = low bits zero, V = bit top+1 XOR bit top; C unchanged. */
function execSetf(core: Core, p: Predecoded): void {
  const v = core.x[p.b * 2]!;
  const top = p.imm; // 7 or 15
  core.n = (v >>> top) & 1;
  core.z = (v & ((2 << top) - 1)) === 0 ? 1 : 0;
  core.v = ((v >>> (top + 1)) ^ (v >>> top)) & 1;
}

function execCfinv(core: Core): void {
  core.c ^= 1;
}

/** XAFLAG: external (float compare) flag format to Arm's. */
function execXaflag(core: Core): void {
  const z = core.z;
  const c = core.c;
  core.n = (c | z) ^ 1;
  core.z = z & c;
  core.c = c | z;
  core.v = (c ^ 1) & z;
}

/** AXFLAG: Arm's flag format to the external one. */
function execAxflag(core: Core): void {
  const v = core.v;
  core.z |= v;
  core.c &= v ^ 1;
  core.n = 0;
  core.v = 0;
}

function unprepared(core: Core): void {
  core.undefinedInstruction();
}

export const DP_REG_COND_EXECUTORS: readonly ExecutorDef[] = [
  { id: 'CCMN_reg', prepare: prepareCondCompare(false, false), exec: unprepared },
  { id: 'CCMP_reg', prepare: prepareCondCompare(true, false), exec: unprepared },
  { id: 'CCMN_imm', prepare: prepareCondCompare(false, true), exec: unprepared },
  { id: 'CCMP_imm', prepare: prepareCondCompare(true, true), exec: unprepared },
  { id: 'CSEL', prepare: prepareCondSelect(false, false), exec: unprepared },
  { id: 'CSINC', prepare: prepareCondSelect(false, true), exec: unprepared },
  { id: 'CSINV', prepare: prepareCondSelect(true, false), exec: unprepared },
  { id: 'CSNEG', prepare: prepareCondSelect(true, true), exec: unprepared },
  {
    id: 'RMIF',
    prepare: (p, _w, f) => void ((p.b = rz(fv(f, 'Rn'))), (p.imm = fv(f, 'imm6')), (p.c = fv(f, 'mask'))),
    exec: execRmif,
  },
  { id: 'SETF', prepare: (p, _w, f) => void ((p.b = rz(fv(f, 'Rn'))), (p.imm = fv(f, 'sz') ? 15 : 7)), exec: execSetf },
  { id: 'CFINV', exec: execCfinv },
  { id: 'XAFLAG', exec: execXaflag },
  { id: 'AXFLAG', exec: execAxflag },
];
