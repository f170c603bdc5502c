// Layer: sim/cpu. The architectural state of one core, in numbers and typed arrays only.
// Imports this folder only.
//
// Choice for the 64-bit general registers (measured in test/bench/cpu-state.bench.ts): each
// register is a pair of Int32 halves in one Int32Array, lo at 2n, hi at 2n+1. Int32 elements
// stay small integers in V8 (no heap numbers, unlike Uint32 values ≥ 2^31 or Float64), 32-bit
// arithmetic on them is exact with `|0`/`>>>0`, and there is no BigInt anywhere on the hot
// path. Executors combine halves themselves (add with carry: lo = (a+b)|0, carry =
// (lo>>>0) < (a>>>0)). bigint appears only in the accessors for API boundaries.
// Measured (Node 20, 2 busy cores): a bare 64-bit add is faster on a BigUint64Array (≈900 vs
// ≈470 M/s, V8 lowers that pattern), but a typical executor step — SUBS with NZCV, the result
// used as an address number, a variable shift — runs ≈80 M/s on pairs against ≈9 M/s with
// BigUint64Array, where every flag and address needs a BigInt↔number conversion.
//
// Slots: 0–30 X0–X30; 31 reads as zero (XZR: never written); 32 the live stack pointer (the
// one PSTATE selects); 33–35 the banked SP_EL0/SP_EL1/SP_EL2 (stale for the live one);
// 36 a write sink (a predecoded Rd = XZR writes there). An executor therefore resolves
// register 31 once at predecode time to ZR/SP/SINK and never tests it at run time.
//
// The PC and virtual addresses are JS numbers holding the *signed* value of the 64-bit
// address: canonical addresses (top bits all equal, as TTBR0/TTBR1 regions are) fit
// exactly, so 0xFFFF_FE00_0000_0000 is −0x200_0000_0000 and `pc + 4` needs nothing special.

import { DAIF_D, DAIF_A, DAIF_I, DAIF_F, SPSR } from './constants.ts';

export const REG_ZR = 31;
export const REG_SP = 32;
export const REG_SP_EL0 = 33;
export const REG_SP_EL1 = 34;
export const REG_SP_EL2 = 35;
export const REG_SINK = 36;
const SLOTS = 37;

const TWO32 = 4294967296;

/** 64-bit (as lo/hi int32) → signed number; exact when the value fits ±2^53. */
export function pairToSigned(lo: number, hi: number): number {
  return hi * TWO32 + (lo >>> 0);
}

/** bigint (any 64-bit pattern) → the signed-number VA convention; NaN when not representable. */
export function vaFromBigint(v: bigint): number {
  const s = BigInt.asIntN(64, v);
  return s >= -(1n << 53n) && s <= 1n << 53n ? Number(s) : Number.NaN;
}

/** The signed-number VA convention → the 64-bit bigint. */
export function vaToBigint(va: number): bigint {
  return BigInt.asUintN(64, BigInt(va));
}

export class CpuState {
  /** General registers as lo/hi int32 pairs; see the slot map above. */
  readonly x = new Int32Array(SLOTS * 2);
  /** Signed-number VA of the current instruction. */
  pc = 0;

  // PSTATE, one field each: executors set flags without masking.
  n = 0;
  z = 0;
  c = 0;
  v = 0;
  /** D A I F as DAIF_D|DAIF_A|DAIF_I|DAIF_F. */
  daif = DAIF_D | DAIF_A | DAIF_I | DAIF_F;
  el = 2;
  /** 0 = SP_EL0, 1 = SP_ELx. */
  spsel = 1;
  ss = 0;
  il = 0;
  pan = 0;
  uao = 0;
  dit = 0;
  ssbs = 0;
  tco = 0;
  btype = 0;

  /** V0–V31, 16 bytes each, little-endian lanes over one buffer. */
  readonly vbuf = new ArrayBuffer(32 * 16);
  readonly vb = new Uint8Array(this.vbuf);
  readonly vi32 = new Int32Array(this.vbuf);
  readonly vf32 = new Float32Array(this.vbuf);
  readonly vf64 = new Float64Array(this.vbuf);
  readonly vview = new DataView(this.vbuf);
  fpcr = 0;
  fpsr = 0;

  /** Which banked slot the live SP (slot 32) belongs to. */
  get spBank(): number {
    return this.spsel === 0 || this.el === 0 ? REG_SP_EL0 : REG_SP_EL0 + this.el;
  }

  // ---- 64-bit accessors for API boundaries (bigint) ----

  getX(slot: number): bigint {
    return (BigInt(this.x[slot * 2 + 1]! >>> 0) << 32n) | BigInt(this.x[slot * 2]! >>> 0);
  }

  setX(slot: number, value: bigint): void {
    this.x[slot * 2] = Number(BigInt.asIntN(32, value));
    this.x[slot * 2 + 1] = Number(BigInt.asIntN(32, value >> 32n));
  }

  /** A banked SP, reading the live slot when that bank is live. */
  getSp(bankSlot: number): bigint {
    return this.getX(bankSlot === this.spBank ? REG_SP : bankSlot);
  }

  setSp(bankSlot: number, value: bigint): void {
    this.setX(bankSlot === this.spBank ? REG_SP : bankSlot, value);
  }

  get pc64(): bigint {
    return vaToBigint(this.pc);
  }

  /** Changes EL and/or SPSel, swapping the live SP with its bank. */
  selectStack(el: number, spsel: number): void {
    const x = this.x;
    const from = this.spBank * 2;
    x[from] = x[REG_SP * 2]!;
    x[from + 1] = x[REG_SP * 2 + 1]!;
    this.el = el;
    this.spsel = spsel;
    const to = this.spBank * 2;
    x[REG_SP * 2] = x[to]!;
    x[REG_SP * 2 + 1] = x[to + 1]!;
  }

  /** NZCV as the NZCV system register / SPSR bits 31:28 hold them. */
  get nzcv(): number {
    return ((this.n << 31) | (this.z << 30) | (this.c << 29) | (this.v << 28)) >>> 0;
  }

  set nzcv(bits: number) {
    this.n = (bits >>> 31) & 1;
    this.z = (bits >>> 30) & 1;
    this.c = (bits >>> 29) & 1;
    this.v = (bits >>> 28) & 1;
  }

  /** PSTATE packed in the SPSR layout (Appendix B), as exception entry saves it. */
  toSpsr(): number {
    const mode = (this.el << 2) | (this.el === 0 ? 0 : this.spsel);
    return (
      (this.nzcv |
        mode |
        (this.daif << 6) |
        (this.btype << SPSR_BTYPE) |
        (this.ssbs ? SPSR.SSBS : 0) |
        (this.il ? SPSR.IL : 0) |
        (this.ss ? SPSR.SS : 0) |
        (this.pan ? SPSR.PAN : 0) |
        (this.uao ? SPSR.UAO : 0) |
        (this.dit ? SPSR.DIT : 0) |
        (this.tco ? SPSR.TCO : 0)) >>>
      0
    );
  }

  /** Restores everything but EL/SPSel (the caller decides those, see exceptions.ts). */
  loadSpsrFlags(spsr: number): void {
    this.nzcv = spsr;
    this.daif = (spsr >>> 6) & 0xf;
    this.btype = (spsr >>> SPSR_BTYPE) & 3;
    this.ssbs = spsr & SPSR.SSBS ? 1 : 0;
    this.il = spsr & SPSR.IL ? 1 : 0;
    this.ss = spsr & SPSR.SS ? 1 : 0;
    this.pan = spsr & SPSR.PAN ? 1 : 0;
    this.uao = spsr & SPSR.UAO ? 1 : 0;
    this.dit = spsr & SPSR.DIT ? 1 : 0;
    this.tco = spsr & SPSR.TCO ? 1 : 0;
  }

  /** Qn as bigint (lo, hi 64-bit halves) for API boundaries. */
  getV(n: number): [bigint, bigint] {
    return [this.vview.getBigUint64(n * 16, true), this.vview.getBigUint64(n * 16 + 8, true)];
  }

  setV(n: number, lo: bigint, hi = 0n): void {
    this.vview.setBigUint64(n * 16, BigInt.asUintN(64, lo), true);
    this.vview.setBigUint64(n * 16 + 8, BigInt.asUintN(64, hi), true);
  }
}

const SPSR_BTYPE = SPSR.BTYPE_SHIFT;
