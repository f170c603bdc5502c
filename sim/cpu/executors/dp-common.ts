// Layer: sim/cpu/executors. Shared arithmetic for the integer data-processing executors
// (dp-imm.ts, dp-reg*.ts): register-slot resolution, the Arm ARM's AddWithCarry on int32
// halves, condition codes, shifts/extends of 64-bit pairs, 64×64→128 multiplication and
// 64-bit division without BigInt. Imports sim/cpu only.
//
// 64-bit helpers return the low half and leave the high half in `H[0]` (a module-wide
// scratch, so the hot path allocates nothing). Read `H[0]` before calling another helper.

import type { Core } from '../core.ts';
import {
  REG_SINK as REG_SINK$, REG_SP as REG_SP$, REG_ZR as REG_ZR$,
} from '../state.ts';

// Hot-path imports are read through local consts: under tsx (the bench and test loader) an
// imported binding is a CommonJS-interop getter on every read, which V8 does not reliably inline.
const REG_SINK = REG_SINK$;
const REG_SP = REG_SP$;
const REG_ZR = REG_ZR$;

export const TWO32 = 4294967296;
/** Scratch for the high halves of helper results (see above). */
export const H = new Int32Array(4);

/** Register 31 as XZR when read. */
export const rz = (r: number): number => (r === 31 ? REG_ZR : r);
/** Register 31 as XZR when written (writes go to the sink). */
export const wz = (r: number): number => (r === 31 ? REG_SINK : r);
/** Register 31 as SP. */
export const rsp = (r: number): number => (r === 31 ? REG_SP : r);

// ---- AddWithCarry (Arm ARM shared pseudocode), writing Rd and optionally NZCV ----

export function add64(x: Int32Array, d: number, alo: number, ahi: number, blo: number, bhi: number, cin: number): void {
  const lo = (alo >>> 0) + (blo >>> 0) + cin;
  x[d * 2] = lo | 0;
  x[d * 2 + 1] = (ahi + bhi + (lo > 0xffffffff ? 1 : 0)) | 0;
}

export function adds64(core: Core, d: number, alo: number, ahi: number, blo: number, bhi: number, cin: number): void {
  const lo = (alo >>> 0) + (blo >>> 0) + cin;
  const hiU = (ahi >>> 0) + (bhi >>> 0) + (lo > 0xffffffff ? 1 : 0);
  const rlo = lo | 0;
  const rhi = hiU | 0;
  core.n = rhi >>> 31;
  core.z = (rlo | rhi) === 0 ? 1 : 0;
  core.c = hiU > 0xffffffff ? 1 : 0;
  core.v = ((ahi ^ rhi) & (bhi ^ rhi)) >>> 31;
  const x = core.x;
  x[d * 2] = rlo;
  x[d * 2 + 1] = rhi;
}

export function adds32(core: Core, d: number, a: number, b: number, cin: number): void {
  const u = (a >>> 0) + (b >>> 0) + cin;
  const r = u | 0;
  core.n = r >>> 31;
  core.z = r === 0 ? 1 : 0;
  core.c = u > 0xffffffff ? 1 : 0;
  core.v = ((a ^ r) & (b ^ r)) >>> 31;
  const x = core.x;
  x[d * 2] = r;
  x[d * 2 + 1] = 0;
}

/** NZCV of a logical result (C and V cleared), as ANDS/BICS set them. */
export function logicFlags(core: Core, lo: number, hi: number): void {
  core.n = hi >>> 31;
  core.z = (lo | hi) === 0 ? 1 : 0;
  core.c = 0;
  core.v = 0;
}

/** ConditionHolds(cond) on PSTATE.NZCV; AL and NV both hold. */
export function condHolds(core: Core, cond: number): boolean {
  let r: boolean;
  switch (cond >>> 1) {
    case 0: r = core.z === 1; break;
    case 1: r = core.c === 1; break;
    case 2: r = core.n === 1; break;
    case 3: r = core.v === 1; break;
    case 4: r = core.c === 1 && core.z === 0; break;
    case 5: r = core.n === core.v; break;
    case 6: r = core.n === core.v && core.z === 0; break;
    default: return true;
  }
  return (cond & 1) === 1 ? !r : r;
}

// ---- shifts of 64-bit pairs, amount 0..63 ----

export function lsl64(lo: number, hi: number, a: number): number {
  if (a === 0) { H[0] = hi; return lo; }
  if (a < 32) { H[0] = (hi << a) | (lo >>> (32 - a)); return lo << a; }
  H[0] = lo << (a - 32);
  return 0;
}

export function lsr64(lo: number, hi: number, a: number): number {
  if (a === 0) { H[0] = hi; return lo; }
  if (a < 32) { H[0] = hi >>> a; return (lo >>> a) | (hi << (32 - a)); }
  H[0] = 0;
  return hi >>> (a - 32);
}

export function asr64(lo: number, hi: number, a: number): number {
  if (a === 0) { H[0] = hi; return lo; }
  if (a < 32) { H[0] = hi >> a; return (lo >>> a) | (hi << (32 - a)); }
  H[0] = hi >> 31;
  return hi >> (a - 32);
}

export function ror64(lo: number, hi: number, a: number): number {
  if (a === 0) { H[0] = hi; return lo; }
  if (a < 32) { H[0] = (hi >>> a) | (lo << (32 - a)); return (lo >>> a) | (hi << (32 - a)); }
  if (a === 32) { H[0] = lo; return hi; }
  const b = a - 32;
  H[0] = (lo >>> b) | (hi << (32 - b));
  return (hi >>> b) | (lo << (32 - b));
}

/** ShiftReg for a 64-bit operand: type 0 LSL, 1 LSR, 2 ASR, 3 ROR. */
export function shift64(lo: number, hi: number, type: number, a: number): number {
  switch (type) {
    case 0: return lsl64(lo, hi, a);
    case 1: return lsr64(lo, hi, a);
    case 2: return asr64(lo, hi, a);
    default: return ror64(lo, hi, a);
  }
}

/** ShiftReg for a 32-bit operand (amount 0..31; JS masks shift counts to 5 bits, so ROR #0 is exact). */
export function shift32(v: number, type: number, a: number): number {
  switch (type) {
    case 0: return v << a;
    case 1: return v >>> a;
    case 2: return v >> a;
    default: return (v >>> a) | (v << (32 - a));
  }
}

/** ExtendReg for a 64-bit operation: option 0–7 (UXTB…SXTX), then LSL #0–4. */
export function extend64(lo: number, hi: number, option: number, s: number): number {
  switch (option) {
    case 0: lo &= 0xff; hi = 0; break;
    case 1: lo &= 0xffff; hi = 0; break;
    case 2: hi = 0; break;
    case 4: lo = (lo << 24) >> 24; hi = lo >> 31; break;
    case 5: lo = (lo << 16) >> 16; hi = lo >> 31; break;
    case 6: hi = lo >> 31; break;
    default: break; // UXTX, SXTX
  }
  return lsl64(lo, hi, s);
}

/** ExtendReg for a 32-bit operation (only the low word of the operand matters). */
export function extend32(v: number, option: number, s: number): number {
  switch (option & 3) {
    case 0: v = option & 4 ? (v << 24) >> 24 : v & 0xff; break;
    case 1: v = option & 4 ? (v << 16) >> 16 : v & 0xffff; break;
    default: break;
  }
  return v << s;
}

// ---- multiplication ----

/** High word of the unsigned 32×32 product. */
export function umulhi32(a: number, b: number): number {
  const al = a & 0xffff;
  const ah = a >>> 16;
  const bl = b & 0xffff;
  const bh = b >>> 16;
  const ll = al * bl;
  const lh = al * bh;
  const hl = ah * bl;
  const t = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (ah * bh + (lh >>> 16) + (hl >>> 16) + (t >>> 16)) | 0;
}

/** High word of the signed 32×32 product. */
export function smulhi32(a: number, b: number): number {
  return (umulhi32(a, b) - (a < 0 ? b : 0) - (b < 0 ? a : 0)) | 0;
}

/** Low 64 bits of a 64×64 product (sign-agnostic). */
export function mul64(alo: number, ahi: number, blo: number, bhi: number): number {
  H[0] = (umulhi32(alo, blo) + Math.imul(alo, bhi) + Math.imul(ahi, blo)) | 0;
  return Math.imul(alo, blo);
}

/** High 64 bits of the unsigned 64×64 product (UMULH). */
export function umulh64(alo: number, ahi: number, blo: number, bhi: number): number {
  // Words of the 128-bit product, carries summed in doubles (each term < 2^32).
  const w1 = (umulhi32(alo, blo) >>> 0) + (Math.imul(alo, bhi) >>> 0) + (Math.imul(ahi, blo) >>> 0);
  const c1 = Math.floor(w1 / TWO32);
  const w2 = (umulhi32(alo, bhi) >>> 0) + (umulhi32(ahi, blo) >>> 0) + (Math.imul(ahi, bhi) >>> 0) + c1;
  const c2 = Math.floor(w2 / TWO32);
  H[0] = (umulhi32(ahi, bhi) + c2) | 0;
  return w2 | 0;
}

/** High 64 bits of the signed 64×64 product (SMULH): UMULH minus the sign corrections. */
export function smulh64(alo: number, ahi: number, blo: number, bhi: number): number {
  let lo = umulh64(alo, ahi, blo, bhi);
  let hi = H[0]!;
  if (ahi < 0) {
    const l = (lo >>> 0) - (blo >>> 0);
    hi = (hi - bhi - (l < 0 ? 1 : 0)) | 0;
    lo = l | 0;
  }
  if (bhi < 0) {
    const l = (lo >>> 0) - (alo >>> 0);
    hi = (hi - ahi - (l < 0 ? 1 : 0)) | 0;
    lo = l | 0;
  }
  H[0] = hi;
  return lo;
}

// ---- division ----

/** Unsigned 64-bit quotient, 0 for a zero divisor (UDIV). */
export function udiv64(nlo: number, nhi: number, dlo: number, dhi: number): number {
  if ((dlo | dhi) === 0) { H[0] = 0; return 0; }
  const nh = nhi >>> 0;
  const dh = dhi >>> 0;
  if (nh < 0x200000 && dh < 0x200000) {
    // Both below 2^53: exact doubles; the rounded quotient is at most one off.
    const n = nh * TWO32 + (nlo >>> 0);
    const d = dh * TWO32 + (dlo >>> 0);
    let q = Math.floor(n / d);
    const r = n - q * d;
    if (r < 0) q--;
    else if (r >= d) q++;
    H[0] = Math.floor(q / TWO32) | 0;
    return q | 0;
  }
  // Restoring division, one quotient bit per step.
  let qlo = 0;
  let qhi = 0;
  let rlo = 0;
  let rhi = 0;
  const dl = dlo >>> 0;
  for (let i = 63; i >= 0; i--) {
    const bit = i >= 32 ? (nh >>> (i - 32)) & 1 : (nlo >>> i) & 1;
    // A divisor ≥ 2^63 can leave a remainder whose doubling carries out of 64 bits.
    const out = rhi >>> 31;
    rhi = ((rhi << 1) | (rlo >>> 31)) >>> 0;
    rlo = ((rlo << 1) | bit) >>> 0;
    qhi = ((qhi << 1) | (qlo >>> 31)) >>> 0;
    qlo = (qlo << 1) >>> 0;
    if (out === 1 || rhi > dh || (rhi === dh && rlo >= dl)) {
      const l = rlo - dl;
      rhi = (rhi - dh - (l < 0 ? 1 : 0)) >>> 0;
      rlo = l >>> 0;
      qlo = (qlo | 1) >>> 0;
    }
  }
  H[0] = qhi | 0;
  return qlo | 0;
}

/** Signed 64-bit quotient rounded toward zero; 0 for a zero divisor, INT64_MIN / -1 = INT64_MIN (SDIV). */
export function sdiv64(nlo: number, nhi: number, dlo: number, dhi: number): number {
  const neg = (nhi ^ dhi) < 0;
  if (nhi < 0) { nlo = -nlo | 0; nhi = (~nhi + (nlo === 0 ? 1 : 0)) | 0; }
  if (dhi < 0) { dlo = -dlo | 0; dhi = (~dhi + (dlo === 0 ? 1 : 0)) | 0; }
  let lo = udiv64(nlo, nhi, dlo, dhi);
  let hi = H[0]!;
  if (neg) { lo = -lo | 0; hi = (~hi + (lo === 0 ? 1 : 0)) | 0; }
  H[0] = hi;
  return lo;
}
