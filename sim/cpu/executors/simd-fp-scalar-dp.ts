// Layer: sim/cpu/executors. Scalar FP data processing, 1/2/3 sources (FMOV, FABS, FNEG, FSQRT,
// FRINT*, FCVT; FADD…FNMUL; FMADD…FNMSUB). Operands: a = Rd, b = Rn, c = Rm, d = format
// (FMT_*), imm/imm2 per row. Imports sim/cpu (fp helpers included).
import type { Core } from '../core.ts';
import type { Executor, ExecutorDef, Predecoded } from '../executor-registry.ts';
import type { Fields } from '../../../core/arch/a64/spec.ts';
import * as Mindex from '../fp/index.ts';
import * as Msimd_fp_scalar_util from './simd-fp-scalar-util.ts';
import * as Mfast from './simd-fp-scalar-fast.ts';
// Imported bindings copied to module constants once: under tsx every access to an imported
// binding is a getter call, measured at ~40% of the FP hot path (see fp/README.md).
const { FMT_D, FMT_S, RM, RN, RP, RZ, TIEAWAY, fpAdd, fpConvert, fpDiv, fpMax, fpMaxNum, fpMin, fpMinNum, fpMul, fpMulAdd, fpOut, fpRoundInt, fpRoundIntN, fpSqrt, fpSub, fpcrRounding } = Mindex;
const { fmtOf, fpLo, signHi, signLo, writeFp } = Msimd_fp_scalar_util;
const { execFaddD, execFaddS, execFdivD, execFmaddD, execFmulD, execFmulS, execFsubD, execFsubS, setFallbacks } = Mfast;

/** Common prepare: Rd, Rn, Rm and the format. */
function prep(p: Predecoded, _w: number, f: Fields | undefined): void {
  p.a = f!.Rd!;
  p.b = f!.Rn!;
  p.c = f!.Rm ?? 0;
  p.d = fmtOf(f!.ftype!);
}

const vhi = (core: Core, r: number): number => core.vi32[(r << 2) + 1]!;

// ---- one source ----

function execFmovReg(core: Core, p: Predecoded): void {
  writeFp(core, p.a, p.d, fpLo(core, p.b, p.d), vhi(core, p.b));
}
function execFabs(core: Core, p: Predecoded): void {
  writeFp(core, p.a, p.d, fpLo(core, p.b, p.d) & ~signLo(p.d), vhi(core, p.b) & ~signHi(p.d));
}
function execFneg(core: Core, p: Predecoded): void {
  writeFp(core, p.a, p.d, fpLo(core, p.b, p.d) ^ signLo(p.d), vhi(core, p.b) ^ signHi(p.d));
}
function execFsqrt(core: Core, p: Predecoded): void {
  const lo = fpSqrt(core, p.d, fpLo(core, p.b, p.d), vhi(core, p.b));
  writeFp(core, p.a, p.d, lo, fpOut.hi);
}
/** imm = rounding (−1: FPCR.RMode), imm2 = 1 for FRINTX (exact). */
function execFrint(core: Core, p: Predecoded): void {
  const rounding = p.imm < 0 ? fpcrRounding(core.fpcr) : p.imm;
  const lo = fpRoundInt(core, p.d, fpLo(core, p.b, p.d), vhi(core, p.b), rounding, p.imm2 === 1);
  writeFp(core, p.a, p.d, lo, fpOut.hi);
}
/** imm = rounding (−1: FPCR.RMode), imm2 = 32 or 64. */
function execFrintN(core: Core, p: Predecoded): void {
  const rounding = p.imm < 0 ? fpcrRounding(core.fpcr) : p.imm;
  const lo = fpRoundIntN(core, p.d, fpLo(core, p.b, p.d), vhi(core, p.b), rounding, p.imm2);
  writeFp(core, p.a, p.d, lo, fpOut.hi);
}
/** d = source format, c = destination format. */
function execFcvt(core: Core, p: Predecoded): void {
  const lo = fpConvert(core, p.d, p.c, fpLo(core, p.b, p.d), vhi(core, p.b));
  writeFp(core, p.a, p.c, lo, fpOut.hi);
}

function frint(id: string, rounding: number, exact = 0): ExecutorDef {
  return {
    id,
    exec: execFrint,
    prepare: (p, w, f) => {
      prep(p, w, f);
      p.imm = rounding;
      p.imm2 = exact;
    },
  };
}
function frintN(id: string, rounding: number, bits: number): ExecutorDef {
  return {
    id,
    exec: execFrintN,
    prepare: (p, w, f) => {
      prep(p, w, f);
      p.imm = rounding;
      p.imm2 = bits;
    },
  };
}

const DP1: ExecutorDef[] = [
  { id: 'FMOV_reg', exec: execFmovReg, prepare: prep },
  { id: 'FABS_scalar', exec: execFabs, prepare: prep },
  { id: 'FNEG_scalar', exec: execFneg, prepare: prep },
  { id: 'FSQRT_scalar', exec: execFsqrt, prepare: prep },
  frint('FRINTN_scalar', RN),
  frint('FRINTP_scalar', RP),
  frint('FRINTM_scalar', RM),
  frint('FRINTZ_scalar', RZ),
  frint('FRINTA_scalar', TIEAWAY),
  frint('FRINTX_scalar', -1, 1),
  frint('FRINTI_scalar', -1),
  frintN('FRINT32Z_scalar', RZ, 32),
  frintN('FRINT32X_scalar', -1, 32),
  frintN('FRINT64Z_scalar', RZ, 64),
  frintN('FRINT64X_scalar', -1, 64),
  {
    id: 'FCVT',
    exec: execFcvt,
    prepare: (p, w, f) => {
      prep(p, w, f);
      p.c = fmtOf(f!.opc!);
    },
  },
];

// ---- two sources ----

function execFmul(core: Core, p: Predecoded): void {
  const d = p.d;
  writeFp(core, p.a, d, fpMul(core, d, fpLo(core, p.b, d), vhi(core, p.b), fpLo(core, p.c, d), vhi(core, p.c)), fpOut.hi);
}
function execFdiv(core: Core, p: Predecoded): void {
  const d = p.d;
  writeFp(core, p.a, d, fpDiv(core, d, fpLo(core, p.b, d), vhi(core, p.b), fpLo(core, p.c, d), vhi(core, p.c)), fpOut.hi);
}
function execFadd(core: Core, p: Predecoded): void {
  const d = p.d;
  writeFp(core, p.a, d, fpAdd(core, d, fpLo(core, p.b, d), vhi(core, p.b), fpLo(core, p.c, d), vhi(core, p.c)), fpOut.hi);
}
function execFsub(core: Core, p: Predecoded): void {
  const d = p.d;
  writeFp(core, p.a, d, fpSub(core, d, fpLo(core, p.b, d), vhi(core, p.b), fpLo(core, p.c, d), vhi(core, p.c)), fpOut.hi);
}
function execFmax(core: Core, p: Predecoded): void {
  const d = p.d;
  writeFp(core, p.a, d, fpMax(core, d, fpLo(core, p.b, d), vhi(core, p.b), fpLo(core, p.c, d), vhi(core, p.c)), fpOut.hi);
}
function execFmin(core: Core, p: Predecoded): void {
  const d = p.d;
  writeFp(core, p.a, d, fpMin(core, d, fpLo(core, p.b, d), vhi(core, p.b), fpLo(core, p.c, d), vhi(core, p.c)), fpOut.hi);
}
function execFmaxnm(core: Core, p: Predecoded): void {
  const d = p.d;
  writeFp(core, p.a, d, fpMaxNum(core, d, fpLo(core, p.b, d), vhi(core, p.b), fpLo(core, p.c, d), vhi(core, p.c)), fpOut.hi);
}
function execFminnm(core: Core, p: Predecoded): void {
  const d = p.d;
  writeFp(core, p.a, d, fpMinNum(core, d, fpLo(core, p.b, d), vhi(core, p.b), fpLo(core, p.c, d), vhi(core, p.c)), fpOut.hi);
}
/** FNMUL = FPNeg(FPMul(n, m)): the sign flips after rounding, NaN results included. */
function execFnmul(core: Core, p: Predecoded): void {
  const d = p.d;
  const lo = fpMul(core, d, fpLo(core, p.b, d), vhi(core, p.b), fpLo(core, p.c, d), vhi(core, p.c));
  writeFp(core, p.a, d, lo ^ signLo(d), fpOut.hi ^ signHi(d));
}

setFallbacks(execFadd, execFsub, execFmul, execFdiv, execFma);

/** prepare that also picks a specialised double/single executor (simd-fp-scalar-fast.ts). */
function prepFast(double: Executor | undefined, single: Executor | undefined) {
  return (p: Predecoded, w: number, f: Fields | undefined): void => {
    prep(p, w, f);
    if (p.d === FMT_D && double) p.exec = double;
    else if (p.d === FMT_S && single) p.exec = single;
  };
}

const DP2: ExecutorDef[] = [
  { id: 'FMUL_scalar', exec: execFmul, prepare: prepFast(execFmulD, execFmulS) },
  { id: 'FDIV_scalar', exec: execFdiv, prepare: prepFast(execFdivD, undefined) },
  { id: 'FADD_scalar', exec: execFadd, prepare: prepFast(execFaddD, execFaddS) },
  { id: 'FSUB_scalar', exec: execFsub, prepare: prepFast(execFsubD, execFsubS) },
  { id: 'FMAX_scalar', exec: execFmax, prepare: prep },
  { id: 'FMIN_scalar', exec: execFmin, prepare: prep },
  { id: 'FMAXNM_scalar', exec: execFmaxnm, prepare: prep },
  { id: 'FMINNM_scalar', exec: execFminnm, prepare: prep },
  { id: 'FNMUL_scalar', exec: execFnmul, prepare: prep },
];

// ---- three sources: imm = Ra; imm2 = sign masks: bit 0 negates Ra, bit 1 negates Rn ----

function execFma(core: Core, p: Predecoded): void {
  const d = p.d;
  const ra = p.imm;
  const negA = p.imm2 & 1 ? -1 : 0;
  const negN = p.imm2 & 2 ? -1 : 0;
  const sl = signLo(d);
  const sh = signHi(d);
  const lo = fpMulAdd(
    core,
    d,
    fpLo(core, ra, d) ^ (sl & negA),
    vhi(core, ra) ^ (sh & negA),
    fpLo(core, p.b, d) ^ (sl & negN),
    vhi(core, p.b) ^ (sh & negN),
    fpLo(core, p.c, d),
    vhi(core, p.c),
  );
  writeFp(core, p.a, d, lo, fpOut.hi);
}

function fma(id: string, negs: number): ExecutorDef {
  return {
    id,
    exec: execFma,
    prepare: (p, w, f) => {
      prep(p, w, f);
      p.imm = f!.Ra!;
      p.imm2 = negs;
      if (negs === 0 && p.d === FMT_D) p.exec = execFmaddD;
    },
  };
}

const DP3: ExecutorDef[] = [
  fma('FMADD', 0), // Ra + Rn×Rm
  fma('FMSUB', 2), // Ra + (−Rn)×Rm
  fma('FNMADD', 3), // (−Ra) + (−Rn)×Rm
  fma('FNMSUB', 1), // (−Ra) + Rn×Rm
];

export const SIMD_FP_SCALAR_DP_EXECUTORS: readonly ExecutorDef[] = [...DP1, ...DP2, ...DP3];
