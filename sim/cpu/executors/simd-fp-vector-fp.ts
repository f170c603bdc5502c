// Layer: sim/cpu/executors. Executors for the FP rows of the Advanced SIMD arithmetic tables:
// three same, two-register misc, by element, across lanes, scalar pairwise, fixed-point shifts,
// FCVTN/FCVTL/FCVTXN, FMLAL/FMLSL, FCMLA/FCADD; half, single and double lanes. Imports sim/cpu.
//
// Record: a/b/c byte offsets of Vd / Vn / Vm (or of the indexed element), d = FMT_H/S/D (log2 of
// the lane bytes), imm = lanes, imm2 = k of the op (fbits). Lanes are processed in order and
// their flags accumulate in FPSR as the Arm ARM's per-element loop does.
import type { Fields } from '../../../core/arch/a64/spec.ts';
import type { Executor, ExecutorDef, Predecoded } from '../executor-registry.ts';
import type { Core } from '../core.ts';
import { FMT_D, FMT_H, FMT_S, FPCR_FZ16, ODD, classify, exactOf, flushType, fpConvert, fpMulAdd, fpOut, roundExact, signOf, T_DENORM, T_NORMAL, FPCR_FZ } from '../fp/index.ts';
import { finish, sv } from './simd-fp-vector-engine.ts';
import { OPS, neg, type FOp } from './simd-fp-vector-fp-ops.ts';
import { elemOffset, immhSize } from './simd-fp-vector-prep.ts';

type Prep = (p: Predecoded, word: number, f: Fields | undefined) => void;

function rdLo(v: DataView, off: number, fmt: number): number {
  return fmt === FMT_H ? v.getUint16(off, true) : v.getInt32(off, true);
}
function rdHi(v: DataView, off: number, fmt: number): number {
  return fmt === FMT_D ? v.getInt32(off + 4, true) : 0;
}
function wr(off: number, fmt: number, lo: number): void {
  if (fmt === FMT_H) sv.setUint16(off, lo & 0xffff, true);
  else {
    sv.setInt32(off, lo, true);
    if (fmt === FMT_D) sv.setInt32(off + 4, fpOut.hi, true);
  }
}

/** mode 0: m per lane; 1: m the element at c; 2: no m. */
function fSame(op: FOp, mode: 0 | 1 | 2): Executor {
  return (core: Core, p: Predecoded) => {
    const v = core.vview;
    const f = p.d;
    for (let i = 0; i < p.imm; i++) {
      const o = i << f;
      const mo = mode === 0 ? p.c + o : p.c;
      const r = op(core, f, p.imm2, rdLo(v, p.a + o, f), rdHi(v, p.a + o, f), rdLo(v, p.b + o, f), rdHi(v, p.b + o, f), rdLo(v, mo, f), rdHi(v, mo, f));
      wr(o, f, r);
    }
    finish(core, p.a, p.imm << f);
  };
}

/** Pairwise: x = n ++ m, d[i] = op(x[2i], x[2i+1]); with imm = 1 it is the scalar pairwise form. */
function fPair(op: FOp): Executor {
  return (core: Core, p: Predecoded) => {
    const v = core.vview;
    const f = p.d;
    const half = p.imm >> 1;
    for (let i = 0; i < p.imm; i++) {
      const src = p.imm === 1 ? p.b : i < half ? p.b + ((2 * i) << f) : p.c + ((2 * (i - half)) << f);
      const s2 = src + (1 << f);
      wr(i << f, f, op(core, f, 0, 0, 0, rdLo(v, src, f), rdHi(v, src, f), rdLo(v, s2, f), rdHi(v, s2, f)));
    }
    finish(core, p.a, p.imm << f);
  };
}

/** Across lanes: the Arm ARM's Reduce halves the vector recursively (lo op hi), so adjacent lanes pair first. */
function fAcross(op: FOp): Executor {
  const vals = new Int32Array(8);
  return (core: Core, p: Predecoded) => {
    const v = core.vview;
    const f = p.d;
    for (let i = 0; i < p.imm; i++) vals[i] = rdLo(v, p.b + (i << f), f);
    for (let n = p.imm; n > 1; n >>= 1) {
      const h = n >> 1;
      for (let i = 0; i < h; i++) vals[i] = op(core, f, 0, 0, 0, vals[2 * i]!, 0, vals[2 * i + 1]!, 0);
    }
    wr(0, f, vals[0]!);
    finish(core, p.a, 1 << f);
  };
}

// ---- prepares ----
const F = (f: Fields | undefined): Fields => f!;
function regs(p: Predecoded, f: Fields): void {
  p.a = f.Rd! * 16;
  p.b = f.Rn! * 16;
  p.c = (f.Rm ?? 0) * 16;
}
/** Vector: fp16 rows have half lanes, others sz picks single/double. */
const prepV =
  (fp16: boolean): Prep =>
  (p, _w, fx) => {
    const f = F(fx);
    regs(p, f);
    p.d = fp16 ? FMT_H : FMT_S + f.sz!;
    p.imm = (f.Q ? 16 : 8) >> p.d;
  };
const prepS =
  (fp16: boolean, lanes = 1): Prep =>
  (p, _w, fx) => {
    const f = F(fx);
    regs(p, f);
    p.d = fp16 ? FMT_H : FMT_S + f.sz!;
    p.imm = lanes;
  };
const prepElem =
  (fp16: boolean, scalar: boolean): Prep =>
  (p, w, fx) => {
    const f = F(fx);
    (scalar ? prepS(fp16) : prepV(fp16))(p, w, f);
    p.c = elemOffset(f, p.d);
  };
const prepFix =
  (scalar: boolean): Prep =>
  (p, _w, fx) => {
    const f = F(fx);
    regs(p, f);
    const s = immhSize(f.immh!);
    p.d = s;
    p.imm2 = 2 * (8 << s) - ((f.immh! << 3) | f.immb!);
    p.imm = scalar ? 1 : (f.Q ? 16 : 8) >> s;
  };
const prepAcross =
  (fp16: boolean): Prep =>
  (p, _w, fx) => {
    const f = F(fx);
    regs(p, f);
    p.d = fp16 ? FMT_H : FMT_S;
    p.imm = fp16 ? (f.Q ? 8 : 4) : 4;
  };

const defs: ExecutorDef[] = [];
const add = (id: string, prepare: Prep, exec: Executor) => defs.push({ id, prepare, exec });

const SAME = ['FMAXNM', 'FMLA', 'FADD', 'FMULX', 'FCMEQ_reg', 'FMAX', 'FRECPS', 'FMINNM', 'FMLS', 'FSUB', 'FMIN', 'FRSQRTS', 'FMUL', 'FCMGE_reg', 'FACGE', 'FDIV', 'FABD', 'FCMGT_reg', 'FACGT'];
const PAIR = ['FMAXNMP', 'FADDP', 'FMAXP', 'FMINNMP', 'FMINP'];
for (const stem of SAME) {
  const ex = fSame(OPS[stem]!, 0);
  add(`${stem}_vector`, prepV(false), ex);
  add(`${stem}_vector_fp16`, prepV(true), ex);
}
for (const stem of PAIR) {
  const ex = fPair(OPS[stem]!);
  add(`${stem}_vector`, prepV(false), ex);
  add(`${stem}_vector_fp16`, prepV(true), ex);
  add(`${stem}_asisd`, prepS(false), ex);
  add(`${stem}_asisd_fp16`, prepS(true), ex);
}
for (const stem of ['FMULX', 'FCMEQ_reg', 'FRECPS', 'FRSQRTS', 'FCMGE_reg', 'FACGE', 'FABD', 'FCMGT_reg', 'FACGT']) {
  const ex = fSame(OPS[stem]!, 0);
  add(`${stem}_asisd`, prepS(false), ex);
  add(`${stem}_asisd_fp16`, prepS(true), ex);
}

const MISC_VEC = [
  'FRINTN', 'FRINTM', 'FCVTNS', 'FCVTMS', 'FCVTAS', 'SCVTF_int', 'FCMGT_zero', 'FCMEQ_zero', 'FCMLT_zero', 'FABS', 'FRINTP', 'FRINTZ', 'FCVTPS',
  'FCVTZS_int', 'FRECPE', 'FRINTA', 'FRINTX', 'FCVTNU', 'FCVTMU', 'FCVTAU', 'UCVTF_int', 'FCMGE_zero', 'FCMLE_zero', 'FNEG', 'FRINTI', 'FCVTPU',
  'FCVTZU_int', 'FRSQRTE', 'FSQRT',
];
for (const stem of MISC_VEC) {
  const ex = fSame(OPS[stem]!, 2);
  add(`${stem}_vector`, prepV(false), ex);
  add(`${stem}_vector_fp16`, prepV(true), ex);
}
for (const stem of ['FRINT32Z', 'FRINT64Z', 'FRINT32X', 'FRINT64X']) add(`${stem}_vector`, prepV(false), fSame(OPS[stem]!, 2));
const MISC_SCALAR = [
  'FCVTNS', 'FCVTMS', 'FCVTAS', 'SCVTF_int', 'FCMGT_zero', 'FCMEQ_zero', 'FCMLT_zero', 'FCVTPS', 'FCVTZS_int', 'FRECPE', 'FRECPX', 'FCVTNU',
  'FCVTMU', 'FCVTAU', 'UCVTF_int', 'FCMGE_zero', 'FCMLE_zero', 'FCVTPU', 'FCVTZU_int', 'FRSQRTE',
];
for (const stem of MISC_SCALAR) {
  const ex = fSame(OPS[stem]!, 2);
  add(`${stem}_asisd`, prepS(false), ex);
  add(`${stem}_asisd_fp16`, prepS(true), ex);
}
for (const stem of ['SCVTF_fix', 'FCVTZS_fix', 'UCVTF_fix', 'FCVTZU_fix']) {
  const ex = fSame(OPS[stem]!, 2);
  add(`${stem}_vector`, prepFix(false), ex);
  add(`${stem}_asisd`, prepFix(true), ex);
}
for (const stem of ['FMLA', 'FMLS', 'FMUL', 'FMULX']) {
  const ex = fSame(OPS[stem]!, 1);
  add(`${stem}_elem_vector`, prepElem(false, false), ex);
  add(`${stem}_elem_vector_fp16`, prepElem(true, false), ex);
  add(`${stem}_elem_asisd`, prepElem(false, true), ex);
  add(`${stem}_elem_asisd_fp16`, prepElem(true, true), ex);
}
for (const [id, stem] of [['FMAXNMV', 'FMAXNM'], ['FMAXV', 'FMAX'], ['FMINNMV', 'FMINNM'], ['FMINV', 'FMIN']] as const) {
  add(id, prepAcross(false), fAcross(OPS[stem]!));
  add(`${id}_fp16`, prepAcross(true), fAcross(OPS[stem]!));
}

// ---- precision conversions ----
/** FCVTN (narrow, "2" writes the upper half) / FCVTXN (round to odd) / FCVTL (widen, "2" reads the upper half). */
function fcvtNarrow(odd: boolean): Executor {
  return (core: Core, p: Predecoded) => {
    const v = core.vview;
    const from = p.d;
    const to = from - 1;
    for (let i = 0; i < p.imm; i++) {
      const o = p.b + (i << from);
      const lo = rdLo(v, o, from);
      const hi = rdHi(v, o, from);
      wr(i << to, to, odd ? convertOdd(core, lo, hi) : fpConvert(core, from, to, lo, hi));
    }
    finish(core, p.a, p.imm << to);
  };
}

/** FPConvert double → single with rounding to odd (FCVTXN). */
function convertOdd(core: Core, lo: number, hi: number): number {
  const t = flushType(core, FMT_D, classify(FMT_D, lo, hi));
  if (t !== T_NORMAL && t !== T_DENORM) return fpConvert(core, FMT_D, FMT_S, lo, hi);
  const x = exactOf(FMT_D, lo, hi);
  return roundExact(core, FMT_S, signOf(FMT_D, lo, hi), x.m, x.e, false, ODD, (core.fpcr & FPCR_FZ) !== 0);
}

const fcvtl: Executor = (core, p) => {
  const v = core.vview;
  const to = p.d;
  const from = to - 1;
  for (let i = 0; i < p.imm; i++) {
    const o = p.b + (i << from);
    wr(i << to, to, fpConvert(core, from, to, rdLo(v, o, from), rdHi(v, o, from)));
  }
  finish(core, p.a, p.imm << to);
};

const prepCvt =
  (narrow: boolean, odd: boolean, scalar = false): Prep =>
  (p, _w, fx) => {
    const f = F(fx);
    regs(p, f);
    const sz = odd ? 1 : f.sz!;
    p.d = narrow ? FMT_S + sz : FMT_S + sz; // narrow: source format; long: destination format
    p.imm = scalar ? 1 : sz ? 2 : 4;
    if (scalar) return;
    if (narrow) p.a += f.Q! * 8;
    else p.b += f.Q! * 8;
  };
add('FCVTN_vector', prepCvt(true, false), fcvtNarrow(false));
add('FCVTXN_vector', prepCvt(true, true), fcvtNarrow(true));
add('FCVTXN_asisd', prepCvt(true, true, true), fcvtNarrow(true));
add('FCVTL_vector', prepCvt(false, false), fcvtl);

// ---- FMLAL/FMLSL: half products accumulated into single lanes with one rounding (FPMulAddH) ----
/** A half pattern as a single pattern with the same value; NaNs keep their payload and signal bit. */
function halfToSingle(core: Core, h: number): number {
  const sign = (h & 0x8000) << 16;
  const e = (h >>> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0x1f) return sign | 0x7f800000 | (f << 13);
  if (e === 0) {
    if (f === 0 || (core.fpcr & FPCR_FZ16) !== 0) return sign; // FZ16 flushes half inputs (no IDC)
    let m = f;
    let ex = -14;
    while ((m & 0x400) === 0) {
      m <<= 1;
      ex--;
    }
    return sign | ((ex + 127) << 23) | ((m & 0x3ff) << 13);
  }
  return sign | ((e - 15 + 127) << 23) | (f << 13);
}
function fmlal(sub: boolean, upper: boolean, elem: boolean): Executor {
  return (core: Core, p: Predecoded) => {
    const v = core.vview;
    const off = upper ? p.imm * 2 : 0;
    const m0 = elem ? halfToSingle(core, v.getUint16(p.c, true)) : 0;
    for (let i = 0; i < p.imm; i++) {
      let n = halfToSingle(core, v.getUint16(p.b + off + i * 2, true));
      if (sub) n = neg(FMT_S, n, 0);
      const m = elem ? m0 : halfToSingle(core, v.getUint16(p.c + off + i * 2, true));
      wr(i * 4, FMT_S, fpMulAdd(core, FMT_S, v.getInt32(p.a + i * 4, true), 0, n, 0, m, 0));
    }
    finish(core, p.a, p.imm * 4);
  };
}
const prepFmlal =
  (elem: boolean): Prep =>
  (p, _w, fx) => {
    const f = F(fx);
    regs(p, f);
    p.d = FMT_S;
    p.imm = f.Q ? 4 : 2;
    if (elem) p.c = elemOffset(f, 1);
  };
for (const [stem, sub, upper] of [['FMLAL', false, false], ['FMLSL', true, false], ['FMLAL2', false, true], ['FMLSL2', true, true]] as const) {
  add(`${stem}_vector`, prepFmlal(false), fmlal(sub, upper, false));
  add(`${stem}_elem_vector`, prepFmlal(true), fmlal(sub, upper, true));
}

// ---- complex arithmetic ----
/** FCADD: rot 90 adds (−im, re) of Vm to Vn, rot 270 (im, −re). imm2 = rot bit. */
const fcadd: Executor = (core, p) => {
  const v = core.vview;
  const f = p.d;
  for (let i = 0; i < p.imm; i += 2) {
    const o0 = i << f;
    const o1 = (i + 1) << f;
    const reLo = rdLo(v, p.c + o0, f);
    const reHi = rdHi(v, p.c + o0, f);
    const imLo = rdLo(v, p.c + o1, f);
    const imHi = rdHi(v, p.c + o1, f);
    let e1lo = imLo;
    let e1hi = imHi;
    let e3lo = reLo;
    let e3hi = reHi;
    if (p.imm2 === 0) {
      e1lo = neg(f, imLo, imHi);
      e1hi = fpOut.hi;
    } else {
      e3lo = neg(f, reLo, reHi);
      e3hi = fpOut.hi;
    }
    wr(o0, f, OPS.FADD!(core, f, 0, 0, 0, rdLo(v, p.b + o0, f), rdHi(v, p.b + o0, f), e1lo, e1hi));
    wr(o1, f, OPS.FADD!(core, f, 0, 0, 0, rdLo(v, p.b + o1, f), rdHi(v, p.b + o1, f), e3lo, e3hi));
  }
  finish(core, p.a, p.imm << f);
};

/** FCMLA: imm2 = rot (0..3); elem: c is the indexed complex pair of Vm (same for all pairs). */
function fcmla(elem: boolean): Executor {
  return (core: Core, p: Predecoded) => {
    const v = core.vview;
    const f = p.d;
    const rot = p.imm2;
    for (let i = 0; i < p.imm; i += 2) {
      const o0 = i << f;
      const o1 = (i + 1) << f;
      const m0 = elem ? p.c : p.c + o0;
      const m1 = m0 + (1 << f);
      // element2/element4: Vn's real (rot 0, 2) or imaginary (rot 1, 3) part.
      const nOff = p.b + (rot & 1 ? o1 : o0);
      const nlo = rdLo(v, nOff, f);
      const nhi = rdHi(v, nOff, f);
      // element1 (for the real result) and element3 (imaginary), negated per rot.
      const e1o = rot & 1 ? m1 : m0;
      const e3o = rot & 1 ? m0 : m1;
      let e1lo = rdLo(v, e1o, f);
      let e1hi = rdHi(v, e1o, f);
      let e3lo = rdLo(v, e3o, f);
      let e3hi = rdHi(v, e3o, f);
      if (rot === 1 || rot === 2) {
        e1lo = neg(f, e1lo, e1hi);
        e1hi = fpOut.hi;
      }
      if (rot === 2 || rot === 3) {
        e3lo = neg(f, e3lo, e3hi);
        e3hi = fpOut.hi;
      }
      wr(o0, f, fpMulAdd(core, f, rdLo(v, p.a + o0, f), rdHi(v, p.a + o0, f), nlo, nhi, e1lo, e1hi));
      wr(o1, f, fpMulAdd(core, f, rdLo(v, p.a + o1, f), rdHi(v, p.a + o1, f), nlo, nhi, e3lo, e3hi));
    }
    finish(core, p.a, p.imm << f);
  };
}
const prepComplex =
  (elem: boolean): Prep =>
  (p, _w, fx) => {
    const f = F(fx);
    regs(p, f);
    p.d = f.size!;
    p.imm = (f.Q ? 16 : 8) >> f.size!;
    p.imm2 = f.rot!;
    if (elem) {
      const reg = ((f.M! << 4) | f.Rm!) * 16;
      p.c = reg + (f.size === 1 ? ((f.H! << 1) | f.L!) * 4 : f.H! * 8);
    }
  };
add('FCADD_vector', prepComplex(false), fcadd);
add('FCMLA_vector', prepComplex(false), fcmla(false));
add('FCMLA_elem_vector', prepComplex(true), fcmla(true));

export const SIMD_FP_EXECUTORS: readonly ExecutorDef[] = defs;
