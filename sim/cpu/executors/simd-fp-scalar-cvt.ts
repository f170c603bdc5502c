// Layer: sim/cpu/executors. Scalar FP compare, conditional compare/select, FMOV (immediate and
// general), and the conversions to and from integers and fixed point (FCVT[NPMZA][SU], SCVTF,
// UCVTF, FJCVTZS). Imports sim/cpu (fp helpers included).
import type { Core } from '../core.ts';
import type { ExecutorDef, Predecoded } from '../executor-registry.ts';
import type { Fields } from '../../../core/arch/a64/spec.ts';
import * as Mindex from '../fp/index.ts';
import * as Msimd_fp_scalar_util from './simd-fp-scalar-util.ts';
// Imported bindings copied to module constants once: under tsx every access to an imported
// binding is a getter call, measured at ~40% of the FP hot path (see fp/README.md).
const { RM, RN, RP, RZ, TIEAWAY, fixedToFp, fpCompare, fpExpandImm, fpOut, fpToFixed, fpToFixedJS, fpcrRounding } = Mindex;
const { condHolds, fmtOf, fpLo, rz, setNzcv, writeFp, wz } = Msimd_fp_scalar_util;

const vhi = (core: Core, r: number): number => core.vi32[(r << 2) + 1]!;

// ---- compare and select ----

/** a = Rn, b = Rm (−1: compare with +0.0), d = format, imm = 1 for the signalling FCMPE. */
function execFcmp(core: Core, p: Predecoded): void {
  const d = p.d;
  const m = p.b;
  const blo = m < 0 ? 0 : fpLo(core, m, d);
  const bhi = m < 0 ? 0 : vhi(core, m);
  setNzcv(core, fpCompare(core, d, fpLo(core, p.a, d), vhi(core, p.a), blo, bhi, p.imm === 1));
}

/** As FCMP plus c = cond, imm2 = the NZCV used when cond fails. */
function execFccmp(core: Core, p: Predecoded): void {
  if (!condHolds(core, p.c)) return setNzcv(core, p.imm2);
  const d = p.d;
  setNzcv(core, fpCompare(core, d, fpLo(core, p.a, d), vhi(core, p.a), fpLo(core, p.b, d), vhi(core, p.b), p.imm === 1));
}

function execFcsel(core: Core, p: Predecoded): void {
  const r = condHolds(core, p.imm) ? p.b : p.c;
  writeFp(core, p.a, p.d, fpLo(core, r, p.d), vhi(core, r));
}

function execFmovImm(core: Core, p: Predecoded): void {
  writeFp(core, p.a, p.d, p.imm, p.imm2);
}

const fcmp = (id: string, e: number): ExecutorDef => ({
  id,
  exec: execFcmp,
  prepare: (p, _w, f) => {
    p.a = f!.Rn!;
    p.b = f!.opc ? -1 : f!.Rm!;
    p.d = fmtOf(f!.ftype!);
    p.imm = e;
  },
});
const fccmp = (id: string, e: number): ExecutorDef => ({
  id,
  exec: execFccmp,
  prepare: (p, _w, f) => {
    p.a = f!.Rn!;
    p.b = f!.Rm!;
    p.c = f!.cond!;
    p.d = fmtOf(f!.ftype!);
    p.imm = e;
    p.imm2 = f!.nzcv!;
  },
});

const COMPARE_SELECT: ExecutorDef[] = [
  fcmp('FCMP', 0),
  fcmp('FCMPE', 1),
  fccmp('FCCMP', 0),
  fccmp('FCCMPE', 1),
  {
    id: 'FCSEL',
    exec: execFcsel,
    prepare: (p, _w, f) => {
      p.a = f!.Rd!;
      p.b = f!.Rn!;
      p.c = f!.Rm!;
      p.d = fmtOf(f!.ftype!);
      p.imm = f!.cond!;
    },
  },
  {
    id: 'FMOV_imm',
    exec: execFmovImm,
    prepare: (p, _w, f) => {
      p.a = f!.Rd!;
      p.d = fmtOf(f!.ftype!);
      p.imm = fpExpandImm(p.d, f!.imm8!);
      p.imm2 = fpOut.hi;
    },
  },
];

// ---- FP → integer: a = Rd slot, b = Rn, c = fbits, d = format, imm = rounding, imm2 = bit0 unsigned | bit1 64-bit ----

function execToInt(core: Core, p: Predecoded): void {
  const lo = fpToFixed(core, p.d, fpLo(core, p.b, p.d), vhi(core, p.b), p.c, (p.imm2 & 1) === 1, p.imm2 & 2 ? 64 : 32, p.imm);
  const x = core.x;
  x[p.a * 2] = lo;
  x[p.a * 2 + 1] = fpOut.hi;
}

/** a = Rd (V), b = Rn slot, c = fbits, d = format, imm2 as above; rounding is FPCR's. */
function execFromInt(core: Core, p: Predecoded): void {
  const x = core.x;
  const lo = fixedToFp(core, p.d, x[p.b * 2]!, x[p.b * 2 + 1]!, p.c, (p.imm2 & 1) === 1, p.imm2 & 2 ? 64 : 32, fpcrRounding(core.fpcr));
  writeFp(core, p.a, p.d, lo, fpOut.hi);
}

function toInt(id: string, rounding: number, unsigned: number, fixed: boolean): ExecutorDef {
  return {
    id,
    exec: execToInt,
    prepare: (p: Predecoded, _w: number, f: Fields | undefined) => {
      p.a = wz(f!.Rd!);
      p.b = f!.Rn!;
      p.c = fixed ? 64 - f!.scale! : 0;
      p.d = fmtOf(f!.ftype!);
      p.imm = rounding;
      p.imm2 = unsigned | (f!.sf! << 1);
    },
  };
}
function fromInt(id: string, unsigned: number, fixed: boolean): ExecutorDef {
  return {
    id,
    exec: execFromInt,
    prepare: (p: Predecoded, _w: number, f: Fields | undefined) => {
      p.a = f!.Rd!;
      p.b = rz(f!.Rn!);
      p.c = fixed ? 64 - f!.scale! : 0;
      p.d = fmtOf(f!.ftype!);
      p.imm2 = unsigned | (f!.sf! << 1);
    },
  };
}

/** FJCVTZS: W result, NZCV = 0:Z:0:0. */
function execFjcvtzs(core: Core, p: Predecoded): void {
  const lo = fpToFixedJS(core, core.vi32[p.b << 2]!, vhi(core, p.b));
  core.x[p.a * 2] = lo;
  core.x[p.a * 2 + 1] = 0;
  core.n = 0;
  core.z = fpOut.hi;
  core.c = 0;
  core.v = 0;
}

// ---- FMOV (general): a = Rd, b = Rn (slots for the general side) ----

/** W/X ← S/H/D (lane 0): imm = mask of the low word (0xffff for half), imm2 = 1 to keep the high word (D). */
function execFmovToGp(core: Core, p: Predecoded): void {
  const v = core.vi32;
  core.x[p.a * 2] = v[p.b << 2]! & p.imm;
  core.x[p.a * 2 + 1] = p.imm2 ? v[(p.b << 2) + 1]! : 0;
}
/** S/H/D ← W/X: zeroes the rest of the V register. */
function execFmovFromGp(core: Core, p: Predecoded): void {
  const v = core.vi32;
  const i = p.a << 2;
  v[i] = core.x[p.b * 2]! & p.imm;
  v[i + 1] = p.imm2 ? core.x[p.b * 2 + 1]! : 0;
  v[i + 2] = 0;
  v[i + 3] = 0;
}
/** Xd ← Vn.D[1]. */
function execFmovFromTop(core: Core, p: Predecoded): void {
  const v = core.vi32;
  core.x[p.a * 2] = v[(p.b << 2) + 2]!;
  core.x[p.a * 2 + 1] = v[(p.b << 2) + 3]!;
}
/** Vd.D[1] ← Xn; the low 64 bits are kept. */
function execFmovToTop(core: Core, p: Predecoded): void {
  const v = core.vi32;
  v[(p.a << 2) + 2] = core.x[p.b * 2]!;
  v[(p.a << 2) + 3] = core.x[p.b * 2 + 1]!;
}

const fmovGeneral: ExecutorDef = {
  id: 'FMOV_general',
  exec: execFmovToGp,
  prepare: (p, _w, f) => {
    const toFp = f!.op === 1;
    p.a = toFp ? f!.Rd! : wz(f!.Rd!);
    p.b = toFp ? rz(f!.Rn!) : f!.Rn!;
    const ftype = f!.ftype!;
    p.imm = ftype === 3 ? 0xffff : -1;
    p.imm2 = ftype === 1 ? 1 : 0;
    if (ftype === 2) p.exec = toFp ? execFmovToTop : execFmovFromTop;
    else p.exec = toFp ? execFmovFromGp : execFmovToGp;
  },
};

const CONVERT: ExecutorDef[] = [
  toInt('FCVTNS_scalar', RN, 0, false),
  toInt('FCVTNU_scalar', RN, 1, false),
  toInt('FCVTAS_scalar', TIEAWAY, 0, false),
  toInt('FCVTAU_scalar', TIEAWAY, 1, false),
  toInt('FCVTPS_scalar', RP, 0, false),
  toInt('FCVTPU_scalar', RP, 1, false),
  toInt('FCVTMS_scalar', RM, 0, false),
  toInt('FCVTMU_scalar', RM, 1, false),
  toInt('FCVTZS_scalar_int', RZ, 0, false),
  toInt('FCVTZU_scalar_int', RZ, 1, false),
  fromInt('SCVTF_scalar_int', 0, false),
  fromInt('UCVTF_scalar_int', 1, false),
  toInt('FCVTZS_scalar_fixed', RZ, 0, true),
  toInt('FCVTZU_scalar_fixed', RZ, 1, true),
  fromInt('SCVTF_scalar_fixed', 0, true),
  fromInt('UCVTF_scalar_fixed', 1, true),
  {
    id: 'FJCVTZS',
    exec: execFjcvtzs,
    prepare: (p, _w, f) => {
      p.a = wz(f!.Rd!);
      p.b = f!.Rn!;
    },
  },
  fmovGeneral,
];

export const SIMD_FP_SCALAR_CVT_EXECUTORS: readonly ExecutorDef[] = [...COMPARE_SELECT, ...CONVERT];
