// Layer: sim/cpu/executors. Dedicated exec functions for the Advanced SIMD integer forms gcc -O2
// emits in vectorised C loops (32-bit lane MUL/MLA/MLS/ADD/SUB, UXTL/SXTL and their shifted
// USHLL/SSHLL forms from 8 and 16 bits). Imports sim/cpu only.
//
// Why: the engine's factories (simd-fp-vector-engine.ts) make one closure per op from one
// function literal, so V8 sees every op through one shared, megamorphic call site and inlines
// none of them. These functions each do one thing with the lanes in int32 words. Semantics are
// the engine's (same record layout, see simd-fp-vector-prep.ts): a/b/c byte offsets of Vd/Vn/Vm,
// d the source lane size log2, imm the lane count, imm2 the shift; a 64-bit (Q = 0) result
// zeroes the upper half of Vd. Each lane reads only its own lanes, so Vd aliasing Vn or Vm is
// safe for the "same" forms; the long forms read every source lane before writing.

import type { Core } from '../core.ts';
import type { Executor, ExecutorDef, Predecoded } from '../executor-registry.ts';

function upper(x: Int32Array, a: number, n: number): void {
  if (n === 2) {
    x[a + 2] = 0;
    x[a + 3] = 0;
  }
}

export function mla32(core: Core, p: Predecoded): void {
  const x = core.vi32;
  const a = p.a >> 2, b = p.b >> 2, c = p.c >> 2, n = p.imm;
  for (let i = 0; i < n; i++) x[a + i] = (x[a + i]! + Math.imul(x[b + i]!, x[c + i]!)) | 0;
  upper(x, a, n);
}
export function mls32(core: Core, p: Predecoded): void {
  const x = core.vi32;
  const a = p.a >> 2, b = p.b >> 2, c = p.c >> 2, n = p.imm;
  for (let i = 0; i < n; i++) x[a + i] = (x[a + i]! - Math.imul(x[b + i]!, x[c + i]!)) | 0;
  upper(x, a, n);
}
export function mul32(core: Core, p: Predecoded): void {
  const x = core.vi32;
  const a = p.a >> 2, b = p.b >> 2, c = p.c >> 2, n = p.imm;
  for (let i = 0; i < n; i++) x[a + i] = Math.imul(x[b + i]!, x[c + i]!);
  upper(x, a, n);
}
export function add32(core: Core, p: Predecoded): void {
  const x = core.vi32;
  const a = p.a >> 2, b = p.b >> 2, c = p.c >> 2, n = p.imm;
  for (let i = 0; i < n; i++) x[a + i] = (x[b + i]! + x[c + i]!) | 0;
  upper(x, a, n);
}
export function sub32(core: Core, p: Predecoded): void {
  const x = core.vi32;
  const a = p.a >> 2, b = p.b >> 2, c = p.c >> 2, n = p.imm;
  for (let i = 0; i < n; i++) x[a + i] = (x[b + i]! - x[c + i]!) | 0;
  upper(x, a, n);
}

const T = new Int32Array(8);

/** USHLL/SSHLL (UXTL/SXTL) 8 → 16 bits: 8 lanes, Vd a whole register. */
function long8(core: Core, p: Predecoded, signed: boolean): void {
  const vb = core.vb;
  const b = p.b, sh = p.imm2;
  for (let i = 0; i < 8; i++) {
    const v = vb[b + i]!;
    T[i] = ((signed ? (v << 24) >> 24 : v) << sh) & 0xffff;
  }
  const x = core.vi32;
  const a = p.a >> 2;
  x[a] = T[0]! | (T[1]! << 16);
  x[a + 1] = T[2]! | (T[3]! << 16);
  x[a + 2] = T[4]! | (T[5]! << 16);
  x[a + 3] = T[6]! | (T[7]! << 16);
}
/** USHLL/SSHLL 16 → 32 bits: 4 lanes. */
function long16(core: Core, p: Predecoded, signed: boolean): void {
  const x = core.vi32;
  const b = p.b >> 2, sh = p.imm2;
  const w0 = x[b]!, w1 = x[b + 1]!;
  const a = p.a >> 2;
  if (signed) {
    x[a] = ((w0 << 16) >> 16) << sh;
    x[a + 1] = (w0 >> 16) << sh;
    x[a + 2] = ((w1 << 16) >> 16) << sh;
    x[a + 3] = (w1 >> 16) << sh;
  } else {
    x[a] = (w0 & 0xffff) << sh;
    x[a + 1] = (w0 >>> 16) << sh;
    x[a + 2] = (w1 & 0xffff) << sh;
    x[a + 3] = (w1 >>> 16) << sh;
  }
}
export const ushll8 = (core: Core, p: Predecoded): void => long8(core, p, false);
export const sshll8 = (core: Core, p: Predecoded): void => long8(core, p, true);
export const ushll16 = (core: Core, p: Predecoded): void => long16(core, p, false);
export const sshll16 = (core: Core, p: Predecoded): void => long16(core, p, true);

// Whole-register logical ops (prepBytes layout: imm 16 or 8 bytes).
export function eorV(core: Core, p: Predecoded): void {
  const x = core.vi32;
  const a = p.a >> 2, b = p.b >> 2, c = p.c >> 2;
  const r0 = x[b]! ^ x[c]!, r1 = x[b + 1]! ^ x[c + 1]!;
  if (p.imm === 16) {
    const r2 = x[b + 2]! ^ x[c + 2]!;
    x[a + 3] = x[b + 3]! ^ x[c + 3]!;
    x[a + 2] = r2;
  } else {
    x[a + 2] = 0;
    x[a + 3] = 0;
  }
  x[a] = r0;
  x[a + 1] = r1;
}
export function orrV(core: Core, p: Predecoded): void {
  const x = core.vi32;
  const a = p.a >> 2, b = p.b >> 2, c = p.c >> 2;
  const r0 = x[b]! | x[c]!, r1 = x[b + 1]! | x[c + 1]!;
  if (p.imm === 16) {
    const r2 = x[b + 2]! | x[c + 2]!;
    x[a + 3] = x[b + 3]! | x[c + 3]!;
    x[a + 2] = r2;
  } else {
    x[a + 2] = 0;
    x[a + 3] = 0;
  }
  x[a] = r0;
  x[a + 1] = r1;
}
export function andV(core: Core, p: Predecoded): void {
  const x = core.vi32;
  const a = p.a >> 2, b = p.b >> 2, c = p.c >> 2;
  const r0 = x[b]! & x[c]!, r1 = x[b + 1]! & x[c + 1]!;
  if (p.imm === 16) {
    const r2 = x[b + 2]! & x[c + 2]!;
    x[a + 3] = x[b + 3]! & x[c + 3]!;
    x[a + 2] = r2;
  } else {
    x[a + 2] = 0;
    x[a + 3] = 0;
  }
  x[a] = r0;
  x[a + 1] = r1;
}

/** Row id → (record after prepare → dedicated exec, or undefined to keep the prepared one). */
const FAST: Record<string, (p: Predecoded) => Executor | undefined> = {
  EOR_vector: () => eorV,
  ORR_reg_vector: () => orrV,
  AND_vector: () => andV,
  MLA_vector: (p) => (p.d === 2 ? mla32 : undefined),
  MLS_vector: (p) => (p.d === 2 ? mls32 : undefined),
  MUL_vector: (p) => (p.d === 2 ? mul32 : undefined),
  ADD_vector: (p) => (p.d === 2 ? add32 : undefined),
  SUB_vector: (p) => (p.d === 2 ? sub32 : undefined),
  USHLL_vector: (p) => ((p.b & 7) !== 0 ? undefined : p.d === 0 ? ushll8 : p.d === 1 ? ushll16 : undefined),
  SSHLL_vector: (p) => ((p.b & 7) !== 0 ? undefined : p.d === 0 ? sshll8 : p.d === 1 ? sshll16 : undefined),
};

/** `defs` with the dedicated exec functions chosen after each listed row's own prepare. */
export function withFastPaths(defs: readonly ExecutorDef[]): ExecutorDef[] {
  return defs.map((d) => {
    const pick = FAST[d.id];
    const prep = d.prepare;
    if (!pick || !prep) return d;
    return {
      id: d.id,
      exec: d.exec,
      prepare: (p, w, f) => {
        prep(p, w, f);
        p.exec = pick(p) ?? p.exec;
      },
    };
  });
}
