// Layer: sim/cpu/fp. The number fast paths' plumbing: Dekker's TwoProduct, one-ulp steps,
// re-rounding an RN result for RP/RM/RZ from the sign of its error, finishing single and double
// results with their flags, and the FMA fast path (Boldo–Melquiond, RN). Imports this folder.
import type { FpEnv } from './constants.ts';
import * as Mconstants from './constants.ts';
import * as Mbits from './bits.ts';
// Imported bindings copied to module constants once: under tsx every access to an imported
// binding is a getter call, measured at ~40% of the FP hot path (see README.md).
const { FMT_D, FMT_S, FPSR_IXC, FPSR_UFC, RM, RN, RP, fpcrRounding } = Mconstants;
const { fromNumber } = Mbits;

const SPLIT = 134217729; // 2^27 + 1
const LO_LIM = 2 ** -500;
const HI_LIM = 2 ** 500;
export const MIN_NORMAL_S = 2 ** -126;

/** The error term of the last twoProduct (an object, so importers see updates). */
export const TP = { err: 0 };
/** a*b = p + TP.err exactly (no FMA in JS: Dekker). Inputs within ±2^±500. */
export function twoProduct(a: number, b: number): number {
  const p = a * b;
  let c = SPLIT * a;
  const ah = c - (c - a);
  const al = a - ah;
  c = SPLIT * b;
  const bh = c - (c - b);
  const bl = b - bh;
  TP.err = ah * bh - p + ah * bl + al * bh + al * bl;
  return p;
}

export const inRange = (x: number): boolean => {
  const a = Math.abs(x);
  return a >= LO_LIM && a <= HI_LIM;
};

export const FMT_H = 1;
export const RM_BITS = RM << 22;
export const D_LIMIT = 2 ** 1000;
const S_LIMIT = 2 ** 127;
/** Below this an FMA result could be tiny or have an error term below the denormals. */
const FMA_MIN = 2 ** -960;
const fbuf = new ArrayBuffer(8);
const F64 = new Float64Array(fbuf);
const F32 = new Float32Array(fbuf);
const I32 = new Int32Array(fbuf);

/** A double one ulp further from zero (away = 1) or nearer to it (away = −1). */
export function stepD(x: number, away: number): number {
  F64[0] = x;
  let lo = I32[0]!;
  let hi = I32[1]!;
  if (away > 0) {
    lo = (lo + 1) | 0;
    if (lo === 0) hi = (hi + 1) | 0;
  } else {
    if (lo === 0) hi = (hi - 1) | 0;
    lo = (lo - 1) | 0;
  }
  I32[0] = lo;
  I32[1] = hi;
  return F64[0]!;
}

function stepS(x: number, away: number): number {
  F32[0] = x;
  I32[0] = (I32[0]! + away) | 0;
  return F32[0]!;
}

/** Re-rounds x = RN(exact) for RP/RM/RZ, given err with the sign of (exact − x), x ≠ 0. */
function directed(fmt: number, x: number, err: number, rounding: number): number {
  let away = 0;
  if (rounding === RP) away = err > 0 ? (x > 0 ? 1 : -1) : 0;
  else if (rounding === RM) away = err < 0 ? (x < 0 ? 1 : -1) : 0;
  else if (err > 0 !== x > 0) away = -1; // RZ: exact nearer zero than x
  if (away === 0) return x;
  return fmt === FMT_D ? stepD(x, away) : stepS(x, away);
}

/** Double result x = RN(exact) with err of the sign of (exact − x); x within ±2^1000. */
export function finishD(env: FpEnv, x: number, err: number): number {
  if (err !== 0) {
    env.fpsr |= FPSR_IXC;
    const rounding = fpcrRounding(env.fpcr);
    if (rounding !== RN) x = directed(FMT_D, x, err, rounding);
  }
  return fromNumber(FMT_D, x);
}

/** Whether a binary64 intermediate x rounds to a single the fast path can finish. */
export function okS(x: number): boolean {
  const r = Math.fround(x);
  return r - r === 0 && Math.abs(r) < S_LIMIT && (r !== 0 || x === 0);
}

/** Single result from x = RN64(exact), err of the sign of (exact − x) (double rounding is innocuous). */
export function finishS(env: FpEnv, x: number, err: number): number {
  let r = Math.fround(x);
  const d1 = x - r;
  const e = d1 !== 0 ? d1 : err;
  if (e !== 0) {
    env.fpsr |= Math.abs(x) < MIN_NORMAL_S ? FPSR_IXC | FPSR_UFC : FPSR_IXC;
    const rounding = fpcrRounding(env.fpcr);
    if (rounding !== RN) r = directed(FMT_S, r, e, rounding);
  }
  return fromNumber(FMT_S, r);
}

/** x made odd when inexact (round to odd from RN: step toward the error), for the FMA fast path. */
function toOdd(x: number, err: number): number {
  if (err === 0) return x;
  F64[0] = x;
  if (I32[0]! & 1) return x;
  return stepD(x, err > 0 === x > 0 ? 1 : -1);
}

/**
 * FMA without bigint, RN only (Boldo–Melquiond): (uh, ul) = a×b exactly, (th, tl) = c + uh
 * exactly, v = RO(tl + ul), result = RN(th + v).
 */
export function fmaFast(env: FpEnv, fmt: number, c: number, a: number, b: number): number | undefined {
  if (fmt === FMT_D) {
    if (!inRange(a) || !inRange(b) || !inRange(c)) return undefined;
    const uh = twoProduct(a, b);
    const ul = TP.err;
    const th = c + uh;
    let bb = th - c;
    const tl = c - (th - bb) + (uh - bb);
    let v = tl + ul;
    bb = v - tl;
    const e2 = tl - (v - bb) + (ul - bb);
    v = toOdd(v, e2);
    const r = th + v;
    bb = r - th;
    const e3 = th - (r - bb) + (v - bb);
    const m = Math.abs(r);
    if (!(m >= FMA_MIN && m <= D_LIMIT)) return undefined;
    if (e2 !== 0 || e3 !== 0) env.fpsr |= FPSR_IXC;
    return fromNumber(FMT_D, r);
  }
  const p = a * b; // exact for singles
  let s = p + c;
  if (!(s - s === 0)) return undefined;
  const bb = s - p;
  const e = p - (s - bb) + (c - bb);
  s = toOdd(s, e);
  const r = Math.fround(s);
  if (!(r - r === 0) || Math.abs(r) >= S_LIMIT || (r === 0 && e !== 0)) return undefined;
  if (e !== 0 || r !== s) env.fpsr |= Math.abs(s) < MIN_NORMAL_S ? FPSR_IXC | FPSR_UFC : FPSR_IXC;
  return fromNumber(FMT_S, r);
}
