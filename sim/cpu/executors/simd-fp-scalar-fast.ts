// Layer: sim/cpu/executors. Specialised scalar FP executors for the common case — double or
// single, FPCR.FZ = 0 and RMode = RN, finite operands of ordinary magnitude — working on the V
// registers' Float64Array/Float32Array views directly (no bit shuffling); anything else falls
// through to the general executor given, which goes through ../fp. A computed non-NaN value
// stored through a float view is exact, so nothing is lost; NaN operands always fall through
// (a float32 signalling NaN read through Float32Array is quieted by the host). Imports sim/cpu.
import type { Core } from '../core.ts';
import type { Executor, Predecoded } from '../executor-registry.ts';
import { stepD, TP, twoProduct } from '../fp/fast.ts';

const FAST_OFF = (1 << 24) | (3 << 22); // FZ | RMode
const IXC = 16;
const UFC = 8;
const LO = 2 ** -500;
const HI = 2 ** 500;
const MIN_NORMAL_S = 2 ** -126;

let fallAdd: Executor;
let fallSub: Executor;
let fallMul: Executor;
let fallDiv: Executor;
let fallFma: Executor;

/** The general executors the fast ones fall back to (set once by simd-fp-scalar-dp.ts). */
export function setFallbacks(add: Executor, sub: Executor, mul: Executor, div: Executor, fma: Executor): void {
  fallAdd = add;
  fallSub = sub;
  fallMul = mul;
  fallDiv = div;
  fallFma = fma;
}

function storeD(core: Core, rd: number, x: number): void {
  const i = rd << 1;
  core.vf64[i] = x;
  core.vf64[i + 1] = 0;
}

function storeS(core: Core, rd: number, x: number): void {
  const i = rd << 2;
  core.vf32[i] = x;
  const v = core.vi32;
  v[i + 1] = 0;
  v[i + 2] = 0;
  v[i + 3] = 0;
}

function addD(core: Core, p: Predecoded, sign: number): boolean {
  if ((core.fpcr & FAST_OFF) !== 0) return false;
  const vf = core.vf64;
  const a = vf[p.b << 1]!;
  const b = sign * vf[p.c << 1]!;
  const s = a + b;
  if (!(s - s === 0)) return false;
  const bb = s - a;
  if (a - (s - bb) + (b - bb) !== 0) core.fpsr |= IXC;
  storeD(core, p.a, s);
  return true;
}

export function execFaddD(core: Core, p: Predecoded): void {
  if (!addD(core, p, 1)) fallAdd(core, p);
}
export function execFsubD(core: Core, p: Predecoded): void {
  if (!addD(core, p, -1)) fallSub(core, p);
}


const ordinary = (x: number): boolean => {
  const m = Math.abs(x);
  return m >= LO && m <= HI;
};

export function execFmulD(core: Core, p: Predecoded): void {
  const vf = core.vf64;
  const a = vf[p.b << 1]!;
  const b = vf[p.c << 1]!;
  if ((core.fpcr & FAST_OFF) !== 0 || !ordinary(a) || !ordinary(b)) return void fallMul(core, p);
  const r = twoProduct(a, b);
  if (TP.err !== 0) core.fpsr |= IXC;
  storeD(core, p.a, r);
}

export function execFdivD(core: Core, p: Predecoded): void {
  const vf = core.vf64;
  const a = vf[p.b << 1]!;
  const b = vf[p.c << 1]!;
  if ((core.fpcr & FAST_OFF) !== 0 || !ordinary(a) || !ordinary(b)) return void fallDiv(core, p);
  const q = a / b;
  const m = twoProduct(q, b);
  if (a - m !== TP.err) core.fpsr |= IXC;
  storeD(core, p.a, q);
}

/** FMADD only (imm = Ra, imm2 = 0): Boldo–Melquiond with a round-to-odd middle step, as ../fp does. */
export function execFmaddD(core: Core, p: Predecoded): void {
  const vf = core.vf64;
  const a = vf[p.b << 1]!;
  const b = vf[p.c << 1]!;
  const c = vf[p.imm << 1]!;
  if ((core.fpcr & FAST_OFF) !== 0 || !ordinary(a) || !ordinary(b) || !ordinary(c)) return void fallFma(core, p);
  const uh = twoProduct(a, b);
  const ul = TP.err;
  const th = c + uh;
  let bb = th - c;
  const tl = c - (th - bb) + (uh - bb);
  let v = tl + ul;
  bb = v - tl;
  const e2 = tl - (v - bb) + (ul - bb);
  if (e2 !== 0) {
    // Round to odd: an even last bit moves one ulp toward the error.
    F64[0] = v;
    if ((I32[0]! & 1) === 0) v = stepD(v, e2 > 0 === v > 0 ? 1 : -1);
  }
  const r = th + v;
  const m = Math.abs(r);
  if (!(m >= 2 ** -960 && m <= 2 ** 1000)) return void fallFma(core, p);
  bb = r - th;
  if (e2 !== 0 || th - (r - bb) + (v - bb) !== 0) core.fpsr |= IXC;
  storeD(core, p.a, r);
}
const sbuf = new ArrayBuffer(8);
const F64 = new Float64Array(sbuf);
const I32 = new Int32Array(sbuf);

function finishS(core: Core, p: Predecoded, x: number, err: number): boolean {
  const r = Math.fround(x);
  if (!(r - r === 0) || Math.abs(r) >= 2 ** 127) return false;
  if (err !== 0 || r !== x) core.fpsr |= Math.abs(x) < MIN_NORMAL_S ? IXC | UFC : IXC;
  storeS(core, p.a, r);
  return true;
}

function addS(core: Core, p: Predecoded, sign: number): boolean {
  if ((core.fpcr & FAST_OFF) !== 0) return false;
  const vf = core.vf32;
  const a = vf[p.b << 2]!;
  const b = sign * vf[p.c << 2]!;
  const s = a + b;
  if (!(s - s === 0)) return false;
  const bb = s - a;
  return finishS(core, p, s, a - (s - bb) + (b - bb));
}

export function execFaddS(core: Core, p: Predecoded): void {
  if (!addS(core, p, 1)) fallAdd(core, p);
}
export function execFsubS(core: Core, p: Predecoded): void {
  if (!addS(core, p, -1)) fallSub(core, p);
}
export function execFmulS(core: Core, p: Predecoded): void {
  const vf = core.vf32;
  const x = vf[p.b << 2]! * vf[p.c << 2]!; // exact in binary64
  if ((core.fpcr & FAST_OFF) !== 0 || !(x - x === 0) || !finishS(core, p, x, 0)) fallMul(core, p);
}
