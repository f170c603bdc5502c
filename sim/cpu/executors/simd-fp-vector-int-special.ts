// Layer: sim/cpu/executors. Integer Advanced SIMD rows that are not lane-wise maps: REV16/32/64,
// across lanes (ADDV, [SU]ADDLV, [SU]MAXV, [SU]MINV), scalar ADDP, PMULL, SDOT/UDOT, URECPE and
// URSQRTE. Same record layout as simd-fp-vector-engine.ts. Imports sim/cpu only.
import type { Fields } from '../../../core/arch/a64/spec.ts';
import type { Executor, ExecutorDef, Predecoded } from '../executor-registry.ts';
import type { Core } from '../core.ts';
import { finish, nSame2, rdN, sb, sv, sxN, wrN } from './simd-fp-vector-engine.ts';
import * as P from './simd-fp-vector-prep.ts';

type Prep = (p: Predecoded, word: number, f: Fields | undefined) => void;
const def = (id: string, prepare: Prep, exec: Executor): ExecutorDef => ({ id, prepare, exec });
const defs: ExecutorDef[] = [];

// ---- REV16/32/64: reverse elements of size e within containers of c bytes ----
function rev(container: number): Executor {
  return (core: Core, p: Predecoded) => {
    const vb = core.vb;
    const eb = 1 << p.d;
    const flip = container - eb; // byte offset flip within the container, element-granular
    const n = p.imm << p.d;
    for (let i = 0; i < n; i += eb) {
      const src = p.b + (i ^ flip);
      for (let k = 0; k < eb; k++) sb[i + k] = vb[src + k]!;
    }
    finish(core, p.a, n);
  };
}
defs.push(def('REV64_vector', P.prepVec, rev(8)), def('REV32_vector', P.prepVec, rev(4)), def('REV16_vector', P.prepVec, rev(2)));

// ---- across lanes ----
function across(kind: 'add' | 'saddl' | 'uaddl' | 'smax' | 'smin' | 'umax' | 'umin'): Executor {
  return (core: Core, p: Predecoded) => {
    const v = core.vview;
    const s = p.d;
    const e = 8 << s;
    const signed = kind === 'saddl' || kind === 'smax' || kind === 'smin';
    let acc = 0;
    for (let i = 0; i < p.imm; i++) {
      let x = rdN(v, p.b + (i << s), s);
      if (signed) x = sxN(e, x);
      if (i === 0 && kind !== 'add' && kind !== 'saddl' && kind !== 'uaddl') acc = x;
      else if (kind === 'add' || kind === 'saddl' || kind === 'uaddl') acc += x;
      else if (kind === 'smax' || kind === 'umax') acc = x > acc ? x : acc;
      else acc = x < acc ? x : acc;
    }
    const wide = kind === 'saddl' || kind === 'uaddl';
    if (wide && s === 2) {
      // 64-bit result of up to four 32-bit lanes: exact in a double.
      sv.setUint32(0, acc >>> 0, true);
      sv.setInt32(4, Math.floor(acc / 4294967296), true);
      finish(core, p.a, 8);
    } else {
      const ds = wide ? s + 1 : s;
      wrN(0, ds, acc);
      finish(core, p.a, 1 << ds);
    }
  };
}
defs.push(
  def('ADDV', P.prepVec, across('add')),
  def('SADDLV', P.prepVec, across('saddl')),
  def('UADDLV', P.prepVec, across('uaddl')),
  def('SMAXV', P.prepVec, across('smax')),
  def('SMINV', P.prepVec, across('smin')),
  def('UMAXV', P.prepVec, across('umax')),
  def('UMINV', P.prepVec, across('umin')),
);

// ADDP (scalar): d0 = n[0] + n[1], 64-bit lanes.
defs.push({
  id: 'ADDP_asisd',
  prepare: (p, _w, f) => {
    p.a = f!.Rd! * 16;
    p.b = f!.Rn! * 16;
  },
  exec: (core, p) => {
    const x = core.vi32;
    const b = p.b >> 2;
    const lo = (x[b]! >>> 0) + (x[b + 2]! >>> 0);
    const hi = (x[b + 1]! + x[b + 3]! + (lo > 0xffffffff ? 1 : 0)) | 0;
    sv.setUint32(0, lo >>> 0, true);
    sv.setInt32(4, hi, true);
    finish(core, p.a, 8);
  },
});

// PMULL: bytes → halfwords, or (size 3) doublewords → one 128-bit lane.
defs.push({
  id: 'PMULL_vector',
  prepare: (p, _w, f) => {
    P.prepLong(p, 0, f);
  },
  exec: (core, p) => {
    const v = core.vview;
    if (p.d === 0) {
      for (let i = 0; i < 8; i++) {
        const n = v.getUint8(p.b + i);
        const m = v.getUint8(p.c + i);
        let r = 0;
        for (let k = 0; k < 8; k++) if ((m >> k) & 1) r ^= n << k;
        wrN(i * 2, 1, r);
      }
      finish(core, p.a, 16);
      return;
    }
    const n = v.getBigUint64(p.b, true);
    const m = v.getBigUint64(p.c, true);
    let r = 0n;
    for (let k = 0n; k < 64n; k++) if ((m >> k) & 1n) r ^= n << k;
    sv.setBigUint64(0, BigInt.asUintN(64, r), true);
    sv.setBigUint64(8, BigInt.asUintN(64, r >> 64n), true);
    finish(core, p.a, 16);
  },
});

// SDOT/UDOT: four byte products summed into each 32-bit lane.
function dot(signed: boolean, elem: boolean): Executor {
  return (core: Core, p: Predecoded) => {
    const v = core.vview;
    for (let i = 0; i < p.imm; i++) {
      let acc = v.getUint32(p.a + i * 4, true);
      const mo = elem ? p.c : p.c + i * 4;
      for (let k = 0; k < 4; k++) {
        const n = signed ? v.getInt8(p.b + i * 4 + k) : v.getUint8(p.b + i * 4 + k);
        const m = signed ? v.getInt8(mo + k) : v.getUint8(mo + k);
        acc += n * m;
      }
      sv.setUint32(i * 4, acc >>> 0, true);
    }
    finish(core, p.a, p.imm * 4);
  };
}
const prepDot = (elem: boolean): Prep => (p, _w, f) => {
  P.prepFixed(2, 2, 4)(p, 0, f);
  if (elem) p.c = ((f!.M! << 4) | f!.Rm!) * 16 + ((f!.H! << 1) | f!.L!) * 4;
};
defs.push(
  def('SDOT_vector', prepDot(false), dot(true, false)),
  def('UDOT_vector', prepDot(false), dot(false, false)),
  def('SDOT_elem_vector', prepDot(true), dot(true, true)),
  def('UDOT_elem_vector', prepDot(true), dot(false, true)),
);

// URECPE / URSQRTE (32-bit lanes), per the Arm ARM's UnsignedRecipEstimate / UnsignedRSqrtEstimate.
function recipEstimate(a: number): number {
  // a: 9-bit value in [256, 511]
  const aa = a * 2 + 1;
  const b = Math.floor((1 << 19) / aa);
  return Math.floor((b + 1) / 2);
}
function rsqrtEstimate(a0: number): number {
  let a = a0;
  if (a < 256) a = a * 2 + 1;
  else {
    a = (a >> 1) << 1;
    a = (a + 1) * 2;
  }
  let b = 512;
  while (a * (b + 1) * (b + 1) < 1 << 28) b++;
  return Math.floor((b + 1) / 2);
}
defs.push(
  def(
    'URECPE_vector',
    P.prepFixed(2, 2, 4),
    nSame2((n) => (n < 0x80000000 ? 0xffffffff : recipEstimate(n >>> 23) * 2 ** 23), false),
  ),
  def(
    'URSQRTE_vector',
    P.prepFixed(2, 2, 4),
    nSame2((n) => (n < 0x40000000 ? 0xffffffff : rsqrtEstimate(n >>> 23) * 2 ** 23), false),
  ),
);

export const SIMD_INT_SPECIAL_EXECUTORS: readonly ExecutorDef[] = defs;
