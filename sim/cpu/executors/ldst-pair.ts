// Layer: sim/cpu/executors. Load/store pair (core/arch/a64/tables/ldst-pair.ts): LDP/STP/LDPSW
// and LDNP/STNP, general and SIMD&FP, signed offset and pre/post-index. Imports sim/cpu.
//
// A pair load reads both values before it writes any register, and the writeback comes last,
// so a fault on the second access changes nothing. CONSTRAINED UNPREDICTABLE cases, resolved as
// QEMU 7.2 does: LDP with Rt == Rt2 leaves the first value in a general register (QEMU writes
// Rt2, then Rt) but the second in a SIMD&FP register (Rt, then Rt2); writeback with Rn == Rt or Rt2 (loads) leaves the written-back address;
// STP with writeback and Rn == Rt stores the value from before the writeback.

import type { Core } from '../core.ts';
import type { ExecutorDef, Predecoded } from '../executor-registry.ts';
import {
  noteStore as noteStore$,
} from '../exclusive-monitor.ts';
import {
  rnOf as rnOf$, rSlot as rSlot$, rt2Of as rt2Of$, rtOf as rtOf$, spSlot as spSlot$, wbImm as wbImm$, writeWb as writeWb$, wSlot as wSlot$, xva as xva$,
} from './ldst-common.ts';

// Hot-path imports are read through local consts: under tsx (the bench and test loader) an
// imported binding is a CommonJS-interop getter on every read, which V8 does not reliably inline.
const noteStore = noteStore$;
const rnOf = rnOf$;
const rSlot = rSlot$;
const rt2Of = rt2Of$;
const rtOf = rtOf$;
const spSlot = spSlot$;
const wbImm = wbImm$;
const writeWb = writeWb$;
const wSlot = wSlot$;
const xva = xva$;

// Pair kinds (p.c): general W, X, LDPSW; SIMD&FP S, D, Q.
const P_W = 0;
const P_X = 1;
const P_SW = 2;
const P_S = 3;
const P_D = 4;
// 5: Q (P_S + opc for opc = 2; the default case below).

function pairLoad(core: Core, kind: number, va: number, t: number, t2: number): void {
  switch (kind) {
    case P_W:
    case P_SW: {
      const a = core.read32(va);
      const b = core.read32(va + 4);
      const x = core.x;
      const sw = kind === P_SW;
      x[t2 * 2] = b;
      x[t2 * 2 + 1] = sw ? b >> 31 : 0;
      x[t * 2] = a;
      x[t * 2 + 1] = sw ? a >> 31 : 0;
      return;
    }
    case P_X: {
      const aLo = core.read64(va);
      const aHi = core.memHi;
      const bLo = core.read64(va + 8);
      const x = core.x;
      x[t2 * 2] = bLo;
      x[t2 * 2 + 1] = core.memHi;
      x[t * 2] = aLo;
      x[t * 2 + 1] = aHi;
      return;
    }
    case P_S: {
      const a = core.read32(va);
      const b = core.read32(va + 4);
      setV(core, t, a, 0, 0, 0);
      setV(core, t2, b, 0, 0, 0);
      return;
    }
    case P_D: {
      const aLo = core.read64(va);
      const aHi = core.memHi;
      const bLo = core.read64(va + 8);
      const bHi = core.memHi;
      setV(core, t, aLo, aHi, 0, 0);
      setV(core, t2, bLo, bHi, 0, 0);
      return;
    }
    default: {
      const a0 = core.read64(va);
      const a1 = core.memHi;
      const a2 = core.read64(va + 8);
      const a3 = core.memHi;
      const b0 = core.read64(va + 16);
      const b1 = core.memHi;
      const b2 = core.read64(va + 24);
      const b3 = core.memHi;
      setV(core, t, a0, a1, a2, a3);
      setV(core, t2, b0, b1, b2, b3);
    }
  }
}

function setV(core: Core, n: number, w0: number, w1: number, w2: number, w3: number): void {
  const v = core.vi32;
  v[n * 4] = w0;
  v[n * 4 + 1] = w1;
  v[n * 4 + 2] = w2;
  v[n * 4 + 3] = w3;
}

function pairStore(core: Core, kind: number, va: number, t: number, t2: number): void {
  const x = core.x;
  const v = core.vi32;
  switch (kind) {
    case P_W:
      core.write32(va, x[t * 2]!);
      core.write32(va + 4, x[t2 * 2]!);
      noteStore(core, va, 8);
      return;
    case P_X:
      core.write64(va, x[t * 2]!, x[t * 2 + 1]!);
      core.write64(va + 8, x[t2 * 2]!, x[t2 * 2 + 1]!);
      noteStore(core, va, 16);
      return;
    case P_S:
      core.write32(va, v[t * 4]!);
      core.write32(va + 4, v[t2 * 4]!);
      noteStore(core, va, 8);
      return;
    case P_D:
      core.write64(va, v[t * 4]!, v[t * 4 + 1]!);
      core.write64(va + 8, v[t2 * 4]!, v[t2 * 4 + 1]!);
      noteStore(core, va, 16);
      return;
    default:
      core.write64(va, v[t * 4]!, v[t * 4 + 1]!);
      core.write64(va + 8, v[t * 4 + 2]!, v[t * 4 + 3]!);
      core.write64(va + 16, v[t2 * 4]!, v[t2 * 4 + 1]!);
      core.write64(va + 24, v[t2 * 4 + 2]!, v[t2 * 4 + 3]!);
      noteStore(core, va, 32);
  }
}

// p.a Rt, p.d Rt2 (slots or V numbers), p.b base slot, p.c pair kind, p.imm offset.

function execLdpOff(core: Core, p: Predecoded): void {
  pairLoad(core, p.c, xva(core, p.b) + p.imm, p.a, p.d);
}
function execLdpPre(core: Core, p: Predecoded): void {
  const va = xva(core, p.b) + p.imm;
  wbImm(core, p.b, p.imm);
  pairLoad(core, p.c, va, p.a, p.d);
  writeWb(core, p.b);
}
function execLdpPost(core: Core, p: Predecoded): void {
  const va = xva(core, p.b);
  wbImm(core, p.b, p.imm);
  pairLoad(core, p.c, va, p.a, p.d);
  writeWb(core, p.b);
}
function execStpOff(core: Core, p: Predecoded): void {
  pairStore(core, p.c, xva(core, p.b) + p.imm, p.a, p.d);
}
function execStpPre(core: Core, p: Predecoded): void {
  const va = xva(core, p.b) + p.imm;
  wbImm(core, p.b, p.imm);
  pairStore(core, p.c, va, p.a, p.d);
  writeWb(core, p.b);
}
function execStpPost(core: Core, p: Predecoded): void {
  const va = xva(core, p.b);
  wbImm(core, p.b, p.imm);
  pairStore(core, p.c, va, p.a, p.d);
  writeWb(core, p.b);
}

function prepare(p: Predecoded, word: number): void {
  const opc = word >>> 30;
  const simd = ((word >>> 26) & 1) === 1;
  const load = ((word >>> 22) & 1) === 1;
  const kind = simd ? P_S + opc : opc === 1 ? P_SW : opc === 2 ? P_X : P_W;
  const scale = simd ? 2 + opc : opc === 2 ? 3 : 2;
  p.c = kind;
  p.b = spSlot(rnOf(word));
  const reg = simd ? (r: number) => r : load ? wSlot : rSlot;
  p.a = reg(rtOf(word));
  p.d = reg(rt2Of(word));
  p.imm = (((word >>> 15) & 0x7f) << 25 >> 25) * 2 ** scale;
}

const def = (id: string, exec: (core: Core, p: Predecoded) => void): ExecutorDef => ({ id, exec, prepare });

export const LDST_PAIR_EXECUTORS: readonly ExecutorDef[] = [
  def('STP_post', execStpPost),
  def('STP_off', execStpOff),
  def('STP_pre', execStpPre),
  def('LDP_post', execLdpPost),
  def('LDP_off', execLdpOff),
  def('LDP_pre', execLdpPre),
  def('LDPSW_post', execLdpPost),
  def('LDPSW_off', execLdpOff),
  def('LDPSW_pre', execLdpPre),
  def('STP_fpsimd_post', execStpPost),
  def('STP_fpsimd_off', execStpOff),
  def('STP_fpsimd_pre', execStpPre),
  def('LDP_fpsimd_post', execLdpPost),
  def('LDP_fpsimd_off', execLdpOff),
  def('LDP_fpsimd_pre', execLdpPre),
  def('STNP', execStpOff),
  def('LDNP', execLdpOff),
  def('STNP_fpsimd', execStpOff),
  def('LDNP_fpsimd', execLdpOff),
];
