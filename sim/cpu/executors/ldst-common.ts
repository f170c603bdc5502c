// Layer: sim/cpu/executors. Pieces shared by the load/store executors: register-slot
// resolution, address arithmetic on lo/hi pairs, writeback, alignment faults and the
// general/SIMD&FP register transfers by kind. Imports sim/cpu.
//
// Addresses are signed-number VAs (state.ts). An immediate offset is added as a number; a
// register offset is added on lo/hi pairs first so that the sum wraps modulo 2^64 as the
// architecture says. Writeback values are computed before the access (a load into the base
// register must not change them) and written after it: for a load with Rt == Rn and
// writeback (CONSTRAINED UNPREDICTABLE) the base gets the written-back address, as QEMU does;
// a store with Rt == Rn stores the register's value from before the writeback (QEMU again).

import type { Core } from '../core.ts';
import { EC, FSC, ISS_DA_WNR } from '../constants.ts';
import { raiseSync, syncTargetEl } from '../exceptions.ts';
import {
  REG_SINK as REG_SINK$, REG_SP as REG_SP$, REG_ZR as REG_ZR$,
} from '../state.ts';
import {
  noteStore as noteStore$,
} from '../exclusive-monitor.ts';

// Hot-path imports are read through local consts: under tsx (the bench and test loader) an
// imported binding is a CommonJS-interop getter on every read, which V8 does not reliably inline.
const REG_SINK = REG_SINK$;
const REG_SP = REG_SP$;
const REG_ZR = REG_ZR$;
const noteStore = noteStore$;

export const TWO32 = 4294967296;

/** Register 31 as XZR for reads / the sink for writes / SP for a base. */
export const rSlot = (r: number): number => (r === 31 ? REG_ZR : r);
export const wSlot = (r: number): number => (r === 31 ? REG_SINK : r);
export const spSlot = (r: number): number => (r === 31 ? REG_SP : r);

export const rtOf = (w: number): number => w & 31;
export const rnOf = (w: number): number => (w >>> 5) & 31;
export const rt2Of = (w: number): number => (w >>> 10) & 31;
export const rmOf = (w: number): number => (w >>> 16) & 31;
/** imm9 (bits 20:12), sign-extended. */
export const imm9Of = (w: number): number => (w << 11) >> 23;

/**
 * The base register as a signed-number VA. A base of SP not 16-byte aligned takes the SP
 * alignment fault (EC 0x26) when SCTLR_ELx.SA/SA0 say so (Arm ARM CheckSPAlignment); the
 * test costs one compare on the hot path.
 */
export function xva(core: Core, slot: number): number {
  const x = core.x;
  if (slot === REG_SP && (x[REG_SP * 2]! & 15) !== 0) checkSpAlignment(core);
  return x[slot * 2 + 1]! * TWO32 + (x[slot * 2]! >>> 0);
}

/** SCTLR_EL1.SA0 (bit 4) governs EL0, SCTLR_ELx.SA (bit 3) EL1/EL2; EL0 under TGE uses SCTLR_EL2. */
export function checkSpAlignment(core: Core): void {
  const el = core.el;
  const sctlr = core.sysregs.get(el === 2 || (el === 0 && core.el0InEl2Regime) ? 'SCTLR_EL2' : 'SCTLR_EL1');
  if ((sctlr >> (el === 0 ? 4n : 3n)) & 1n) raiseSync(core, EC.SP_ALIGN, 0, { target: syncTargetEl(core, EC.SP_ALIGN) });
}

/** The written-back base, computed before the access and written after it (one shared scratch: exec allocates nothing). */
export const wb = { lo: 0, hi: 0 };

/** wb = X[slot] + imm (imm a small signed number). */
export function wbImm(core: Core, slot: number, imm: number): void {
  const lo = (core.x[slot * 2]! >>> 0) + imm;
  wb.lo = lo | 0;
  wb.hi = (core.x[slot * 2 + 1]! + Math.floor(lo / TWO32)) | 0;
}

/** wb = X[slot] + X[m] (64-bit, modulo 2^64). */
export function wbReg(core: Core, slot: number, m: number): void {
  const x = core.x;
  const lo = (x[slot * 2]! >>> 0) + (x[m * 2]! >>> 0);
  wb.lo = lo | 0;
  wb.hi = (x[slot * 2 + 1]! + x[m * 2 + 1]! + (lo >= TWO32 ? 1 : 0)) | 0;
}

export function writeWb(core: Core, slot: number): void {
  core.x[slot * 2] = wb.lo;
  core.x[slot * 2 + 1] = wb.hi;
}

/**
 * Register-offset address: X[n] + (extend(X[m]) << shift). `ext`: 2 UXTW, 3 LSL/UXTX,
 * 6 SXTW, 7 SXTX (option; the table rejects the others).
 */
export function regOffsetVa(core: Core, n: number, m: number, ext: number, shift: number): number {
  const x = core.x;
  if (n === REG_SP && (x[REG_SP * 2]! & 15) !== 0) checkSpAlignment(core);
  let lo = x[m * 2]!;
  let hi = ext === 2 ? 0 : ext === 6 ? lo >> 31 : x[m * 2 + 1]!;
  if (shift !== 0) {
    hi = (hi << shift) | (lo >>> (32 - shift));
    lo <<= shift;
  }
  const sumLo = (x[n * 2]! >>> 0) + (lo >>> 0);
  const sumHi = (x[n * 2 + 1]! + hi + (sumLo >= TWO32 ? 1 : 0)) | 0;
  return sumHi * TWO32 + (sumLo >>> 0);
}

/** Alignment fault (DFSC 0x21) unless `va` is a multiple of `size` (exclusives, atomics, ordered). */
export function checkAligned(core: Core, va: number, size: number, write: boolean): void {
  if ((va & (size - 1)) !== 0) {
    raiseSync(core, EC.DABORT_LOWER, FSC.ALIGNMENT | (write ? ISS_DA_WNR : 0), { far: va, target: syncTargetEl(core, EC.DABORT_LOWER) });
  }
}

// ---- transfers by kind: one switch per access, resolved to a kind at predecode ----

export const K_LDRB = 0;
export const K_LDRH = 1;
export const K_LDRW = 2;
export const K_LDRX = 3;
export const K_LDRSB_W = 4;
export const K_LDRSH_W = 5;
export const K_LDRSB_X = 6;
export const K_LDRSH_X = 7;
export const K_LDRSW = 8;
export const K_STRB = 9;
export const K_STRH = 10;
export const K_STRW = 11;
export const K_STRX = 12;
export const K_LDB_V = 13;
export const K_LDH_V = 14;
export const K_LDS_V = 15;
export const K_LDD_V = 16;
export const K_LDQ_V = 17;
export const K_STB_V = 18;
export const K_STH_V = 19;
export const K_STS_V = 20;
export const K_STD_V = 21;
export const K_STQ_V = 22;
export const K_PRFM = 23;

/** Access size in bytes of each kind. */
export const KIND_SIZE = [1, 2, 4, 8, 1, 2, 1, 2, 4, 1, 2, 4, 8, 1, 2, 4, 8, 16, 1, 2, 4, 8, 16, 1];
export const kindIsStore = (k: number): boolean => (k >= K_STRB && k <= K_STRX) || k >= K_STB_V && k <= K_STQ_V;

/** Loads into / stores from register `r` (a slot for general kinds, a V number for SIMD&FP). */
export function transfer(core: Core, kind: number, va: number, r: number): void {
  const x = core.x;
  const i = r * 2;
  switch (kind) {
    case K_LDRB:
      x[i] = core.read8(va);
      x[i + 1] = 0;
      return;
    case K_LDRH:
      x[i] = core.read16(va);
      x[i + 1] = 0;
      return;
    case K_LDRW:
      x[i] = core.read32(va);
      x[i + 1] = 0;
      return;
    case K_LDRX: {
      const lo = core.read64(va);
      x[i] = lo;
      x[i + 1] = core.memHi;
      return;
    }
    case K_LDRSB_W:
      x[i] = (core.read8(va) << 24) >> 24;
      x[i + 1] = 0;
      return;
    case K_LDRSH_W:
      x[i] = (core.read16(va) << 16) >> 16;
      x[i + 1] = 0;
      return;
    case K_LDRSB_X: {
      const v = (core.read8(va) << 24) >> 24;
      x[i] = v;
      x[i + 1] = v >> 31;
      return;
    }
    case K_LDRSH_X: {
      const v = (core.read16(va) << 16) >> 16;
      x[i] = v;
      x[i + 1] = v >> 31;
      return;
    }
    case K_LDRSW: {
      const v = core.read32(va);
      x[i] = v;
      x[i + 1] = v >> 31;
      return;
    }
    case K_STRB:
      core.write8(va, x[i]! & 0xff);
      noteStore(core, va, 1);
      return;
    case K_STRH:
      core.write16(va, x[i]! & 0xffff);
      noteStore(core, va, 2);
      return;
    case K_STRW:
      core.write32(va, x[i]!);
      noteStore(core, va, 4);
      return;
    case K_STRX:
      core.write64(va, x[i]!, x[i + 1]!);
      noteStore(core, va, 8);
      return;
    case K_PRFM:
      return;
    default:
      transferV(core, kind, va, r);
  }
}

/** SIMD&FP scalar loads (zeroing the rest of the 128-bit register) and stores. */
function transferV(core: Core, kind: number, va: number, r: number): void {
  const v = core.vi32;
  const i = r * 4;
  switch (kind) {
    case K_LDB_V:
      v[i] = core.read8(va);
      v[i + 1] = v[i + 2] = v[i + 3] = 0;
      return;
    case K_LDH_V:
      v[i] = core.read16(va);
      v[i + 1] = v[i + 2] = v[i + 3] = 0;
      return;
    case K_LDS_V:
      v[i] = core.read32(va);
      v[i + 1] = v[i + 2] = v[i + 3] = 0;
      return;
    case K_LDD_V: {
      const lo = core.read64(va);
      v[i] = lo;
      v[i + 1] = core.memHi;
      v[i + 2] = v[i + 3] = 0;
      return;
    }
    case K_LDQ_V: {
      // Both halves read before the register changes: a fault on the second leaves it intact.
      const lo = core.read64(va);
      const hi = core.memHi;
      const lo2 = core.read64(va + 8);
      v[i] = lo;
      v[i + 1] = hi;
      v[i + 2] = lo2;
      v[i + 3] = core.memHi;
      return;
    }
    case K_STB_V:
      core.write8(va, v[i]! & 0xff);
      noteStore(core, va, 1);
      return;
    case K_STH_V:
      core.write16(va, v[i]! & 0xffff);
      noteStore(core, va, 2);
      return;
    case K_STS_V:
      core.write32(va, v[i]!);
      noteStore(core, va, 4);
      return;
    case K_STD_V:
      core.write64(va, v[i]!, v[i + 1]!);
      noteStore(core, va, 8);
      return;
    case K_STQ_V:
      core.write64(va, v[i]!, v[i + 1]!);
      core.write64(va + 8, v[i + 2]!, v[i + 3]!);
      noteStore(core, va, 16);
      return;
    default:
      throw new Error(`ldst: unknown transfer kind ${kind}`);
  }
}

/** Predecode helper: Rt as a slot (general kinds: ZR/SINK for 31) or a V number. */
export function transferReg(kind: number, rt: number): number {
  if (kind >= K_LDB_V && kind <= K_STQ_V) return rt;
  return kindIsStore(kind) ? rSlot(rt) : wSlot(rt);
}

