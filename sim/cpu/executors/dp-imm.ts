// Layer: sim/cpu/executors. Executors for the dp-imm rows of core/arch/a64/tables (see README.md):
// PC-relative addressing, add/sub immediate, logical immediate, move wide, bitfield, extract.
// Imports sim/cpu and core/arch/a64/tables (immediate decoding).
//
// Operands are resolved in `prepare`: immediates become the int32 halves of the operand the
// operation adds or combines (SUB adds the inverted immediate with carry-in 1, as the Arm ARM's
// AddWithCarry does), and each row picks a 32- or 64-bit exec so exec never tests `sf`.

import { decodeBitMask } from '../../../core/arch/a64/tables/dp-imm-format.ts';
import type { Fields } from '../../../core/arch/a64/spec.ts';
import type { Core } from '../core.ts';
import type { ExecutorDef, Predecoded } from '../executor-registry.ts';
import {
  add64 as add64$, adds32 as adds32$, adds64 as adds64$, H as H$, logicFlags as logicFlags$, ror64 as ror64$, rsp as rsp$, rz as rz$, TWO32 as TWO32$, wz as wz$,
} from './dp-common.ts';

// Hot-path imports are read through local consts: under tsx (the bench and test loader) an
// imported binding is a CommonJS-interop getter on every read, which V8 does not reliably inline.
const add64 = add64$;
const adds32 = adds32$;
const adds64 = adds64$;
const H = H$;
const logicFlags = logicFlags$;
const ror64 = ror64$;
const rsp = rsp$;
const rz = rz$;
const TWO32 = TWO32$;
const wz = wz$;

const fv = (f: Fields | undefined, name: string): number => f![name]!;

/** Splits a 64-bit bigint (prepare time only) into p.imm (lo) / p.imm2 (hi). */
function setImm64(p: Predecoded, v: bigint): void {
  p.imm = Number(BigInt.asIntN(32, v));
  p.imm2 = Number(BigInt.asIntN(32, v >> 32n));
}

const ones = (n: number): bigint => (1n << BigInt(n)) - 1n;

// ---- PC-relative ----

function writeVa(x: Int32Array, d: number, v: number): void {
  x[d * 2] = v | 0;
  x[d * 2 + 1] = Math.floor(v / TWO32) | 0;
}

export function execAdr(core: Core, p: Predecoded): void {
  writeVa(core.x, p.a, core.pc + p.imm);
}

export function execAdrp(core: Core, p: Predecoded): void {
  const pc = core.pc;
  writeVa(core.x, p.a, pc - (pc & 0xfff) + p.imm * 4096);
}

function preparePcRel(p: Predecoded, _w: number, f: Fields | undefined): void {
  p.a = wz(fv(f, 'Rd'));
  const off = (fv(f, 'immhi') << 2) | fv(f, 'immlo');
  p.imm = (off << 11) >> 11;
}

// ---- add/sub immediate ----

function prepareAddSubImm(sub: boolean, flags: boolean) {
  return (p: Predecoded, _w: number, f: Fields | undefined): void => {
    p.a = flags ? wz(fv(f, 'Rd')) : rsp(fv(f, 'Rd'));
    p.b = rsp(fv(f, 'Rn'));
    const v = fv(f, 'imm12') * (fv(f, 'sh') ? 4096 : 1);
    p.imm = sub ? ~v : v;
    p.imm2 = sub ? -1 : 0;
    p.c = sub ? 1 : 0;
    const is64 = fv(f, 'sf') === 1;
    p.exec = flags ? (is64 ? addsImm64 : addsImm32) : is64 ? addImm64 : addImm32;
  };
}

export function addImm64(core: Core, p: Predecoded): void {
  const x = core.x;
  add64(x, p.a, x[p.b * 2]!, x[p.b * 2 + 1]!, p.imm, p.imm2, p.c);
}

export function addImm32(core: Core, p: Predecoded): void {
  const x = core.x;
  x[p.a * 2] = (x[p.b * 2]! + p.imm + p.c) | 0;
  x[p.a * 2 + 1] = 0;
}

export function addsImm64(core: Core, p: Predecoded): void {
  const x = core.x;
  adds64(core, p.a, x[p.b * 2]!, x[p.b * 2 + 1]!, p.imm, p.imm2, p.c);
}

export function addsImm32(core: Core, p: Predecoded): void {
  adds32(core, p.a, core.x[p.b * 2]!, p.imm, p.c);
}

// ---- logical immediate ----

function prepareLogicalImm(op: 0 | 1 | 2 | 3) {
  return (p: Predecoded, _w: number, f: Fields | undefined): void => {
    const is64 = fv(f, 'sf') === 1;
    p.a = op === 3 ? wz(fv(f, 'Rd')) : rsp(fv(f, 'Rd'));
    p.b = rz(fv(f, 'Rn'));
    // The decoder rejected the reserved encodings, so the mask exists.
    setImm64(p, decodeBitMask(fv(f, 'N'), fv(f, 'immr'), fv(f, 'imms'), is64 ? 64 : 32) ?? 0n);
    p.exec = (is64 ? LOGICAL_IMM_64 : LOGICAL_IMM_32)[op]!;
  };
}

export const LOGICAL_IMM_64 = [
  (core: Core, p: Predecoded): void => {
    const x = core.x;
    const lo = x[p.b * 2]! & p.imm;
    x[p.a * 2 + 1] = x[p.b * 2 + 1]! & p.imm2;
    x[p.a * 2] = lo;
  },
  (core: Core, p: Predecoded): void => {
    const x = core.x;
    const lo = x[p.b * 2]! | p.imm;
    x[p.a * 2 + 1] = x[p.b * 2 + 1]! | p.imm2;
    x[p.a * 2] = lo;
  },
  (core: Core, p: Predecoded): void => {
    const x = core.x;
    const lo = x[p.b * 2]! ^ p.imm;
    x[p.a * 2 + 1] = x[p.b * 2 + 1]! ^ p.imm2;
    x[p.a * 2] = lo;
  },
  (core: Core, p: Predecoded): void => {
    const x = core.x;
    const lo = x[p.b * 2]! & p.imm;
    const hi = x[p.b * 2 + 1]! & p.imm2;
    logicFlags(core, lo, hi);
    x[p.a * 2] = lo;
    x[p.a * 2 + 1] = hi;
  },
];

export const LOGICAL_IMM_32 = [
  (core: Core, p: Predecoded): void => {
    const x = core.x;
    x[p.a * 2] = x[p.b * 2]! & p.imm;
    x[p.a * 2 + 1] = 0;
  },
  (core: Core, p: Predecoded): void => {
    const x = core.x;
    x[p.a * 2] = x[p.b * 2]! | p.imm;
    x[p.a * 2 + 1] = 0;
  },
  (core: Core, p: Predecoded): void => {
    const x = core.x;
    x[p.a * 2] = x[p.b * 2]! ^ p.imm;
    x[p.a * 2 + 1] = 0;
  },
  (core: Core, p: Predecoded): void => {
    const x = core.x;
    const r = x[p.b * 2]! & p.imm;
    core.n = r >>> 31;
    core.z = r === 0 ? 1 : 0;
    core.c = 0;
    core.v = 0;
    x[p.a * 2] = r;
    x[p.a * 2 + 1] = 0;
  },
];

// ---- move wide ----

function prepareMoveWide(kind: 'n' | 'z' | 'k') {
  return (p: Predecoded, _w: number, f: Fields | undefined): void => {
    const is64 = fv(f, 'sf') === 1;
    const hw = fv(f, 'hw');
    p.a = wz(fv(f, 'Rd'));
    const value = BigInt(fv(f, 'imm16')) << BigInt(hw * 16);
    if (kind === 'k') {
      // The 16-bit chunk: which half (c), the bits kept (d), the bits inserted (imm).
      p.c = hw >> 1;
      p.d = ~(0xffff << ((hw & 1) * 16));
      p.imm = fv(f, 'imm16') << ((hw & 1) * 16);
      p.exec = is64 ? movk64 : movk32;
      return;
    }
    setImm64(p, BigInt.asUintN(is64 ? 64 : 32, kind === 'n' ? ~value : value));
    p.exec = movConst;
  };
}

export function movConst(core: Core, p: Predecoded): void {
  core.x[p.a * 2] = p.imm;
  core.x[p.a * 2 + 1] = p.imm2;
}

export function movk64(core: Core, p: Predecoded): void {
  const i = p.a * 2 + p.c;
  core.x[i] = (core.x[i]! & p.d) | p.imm;
}

export function movk32(core: Core, p: Predecoded): void {
  const x = core.x;
  x[p.a * 2] = (x[p.a * 2]! & p.d) | p.imm;
  x[p.a * 2 + 1] = 0;
}

// ---- bitfield: the Arm ARM's DecodeBitMasks(immediate = FALSE), resolved once ----

/**
 * c = R (rotation), d = S | (k << 8) with k the width of tmask; imm/imm2 = wmask AND tmask.
 * UBFM: ROR(src, R) AND M; SBFM also sets the bits ≥ k when src<S> is 1; BFM keeps dst outside M.
 */
function prepareBitfield(kind: 's' | 'b' | 'u') {
  return (p: Predecoded, _w: number, f: Fields | undefined): void => {
    const is64 = fv(f, 'sf') === 1;
    const width = is64 ? 64 : 32;
    const r = fv(f, 'immr');
    const s = fv(f, 'imms');
    const welem = ones(s + 1);
    const wmask = r === 0 ? welem : ((welem >> BigInt(r)) | (welem << BigInt(width - r))) & ones(width);
    const k = ((s - r) & (width - 1)) + 1;
    setImm64(p, wmask & ones(k));
    p.a = wz(fv(f, 'Rd'));
    p.b = rz(fv(f, 'Rn'));
    p.c = r;
    p.d = s | (k << 8);
    p.exec = kind === 'u' ? (is64 ? ubfm64 : ubfm32) : kind === 's' ? (is64 ? sbfm64 : sbfm32) : is64 ? bfm64 : bfm32;
  };
}

export function ubfm64(core: Core, p: Predecoded): void {
  const x = core.x;
  const lo = ror64(x[p.b * 2]!, x[p.b * 2 + 1]!, p.c);
  x[p.a * 2 + 1] = H[0]! & p.imm2;
  x[p.a * 2] = lo & p.imm;
}

export function ubfm32(core: Core, p: Predecoded): void {
  const x = core.x;
  const v = x[p.b * 2]!;
  x[p.a * 2] = ((v >>> p.c) | (v << (32 - p.c))) & p.imm;
  x[p.a * 2 + 1] = 0;
}

export function sbfm64(core: Core, p: Predecoded): void {
  const x = core.x;
  const slo = x[p.b * 2]!;
  const shi = x[p.b * 2 + 1]!;
  const s = p.d & 0xff;
  const sign = s >= 32 ? (shi >>> (s - 32)) & 1 : (slo >>> s) & 1;
  let lo = ror64(slo, shi, p.c) & p.imm;
  let hi = H[0]! & p.imm2;
  if (sign === 1) {
    const k = p.d >>> 8;
    if (k < 32) {
      lo |= -1 << k;
      hi = -1;
    } else if (k < 64) hi |= -1 << (k - 32);
  }
  x[p.a * 2] = lo;
  x[p.a * 2 + 1] = hi;
}

export function sbfm32(core: Core, p: Predecoded): void {
  const x = core.x;
  const v = x[p.b * 2]!;
  let r = ((v >>> p.c) | (v << (32 - p.c))) & p.imm;
  const k = p.d >>> 8;
  if (((v >>> (p.d & 0xff)) & 1) === 1 && k < 32) r |= -1 << k;
  x[p.a * 2] = r;
  x[p.a * 2 + 1] = 0;
}

function bfm64(core: Core, p: Predecoded): void {
  const x = core.x;
  const lo = ror64(x[p.b * 2]!, x[p.b * 2 + 1]!, p.c);
  const hi = H[0]!;
  x[p.a * 2] = (x[p.a * 2]! & ~p.imm) | (lo & p.imm);
  x[p.a * 2 + 1] = (x[p.a * 2 + 1]! & ~p.imm2) | (hi & p.imm2);
}

function bfm32(core: Core, p: Predecoded): void {
  const x = core.x;
  const v = x[p.b * 2]!;
  x[p.a * 2] = (x[p.a * 2]! & ~p.imm) | (((v >>> p.c) | (v << (32 - p.c))) & p.imm);
  x[p.a * 2 + 1] = 0;
}

// ---- extract ----

function prepareExtr(p: Predecoded, _w: number, f: Fields | undefined): void {
  p.a = wz(fv(f, 'Rd'));
  p.b = rz(fv(f, 'Rn'));
  p.c = rz(fv(f, 'Rm'));
  p.imm = fv(f, 'imms');
  p.exec = fv(f, 'sf') === 1 ? extr64 : extr32;
}

function extr64(core: Core, p: Predecoded): void {
  const x = core.x;
  const mlo = x[p.c * 2]!;
  const mhi = x[p.c * 2 + 1]!;
  const nlo = x[p.b * 2]!;
  const nhi = x[p.b * 2 + 1]!;
  const l = p.imm;
  let lo: number;
  let hi: number;
  if (l === 0) {
    lo = mlo;
    hi = mhi;
  } else if (l < 32) {
    lo = (mlo >>> l) | (mhi << (32 - l));
    hi = (mhi >>> l) | (nlo << (32 - l));
  } else if (l === 32) {
    lo = mhi;
    hi = nlo;
  } else {
    const b = l - 32;
    lo = (mhi >>> b) | (nlo << (32 - b));
    hi = (nlo >>> b) | (nhi << (32 - b));
  }
  x[p.a * 2] = lo;
  x[p.a * 2 + 1] = hi;
}

function extr32(core: Core, p: Predecoded): void {
  const x = core.x;
  const l = p.imm;
  x[p.a * 2] = l === 0 ? x[p.c * 2]! : (x[p.c * 2]! >>> l) | (x[p.b * 2]! << (32 - l));
  x[p.a * 2 + 1] = 0;
}

/** Placeholder exec for rows whose prepare picks the real one. */
function unprepared(core: Core): void {
  core.undefinedInstruction();
}

export const DP_IMM_EXECUTORS: readonly ExecutorDef[] = [
  { id: 'ADR', prepare: preparePcRel, exec: execAdr },
  { id: 'ADRP', prepare: preparePcRel, exec: execAdrp },
  { id: 'ADD_imm', prepare: prepareAddSubImm(false, false), exec: unprepared },
  { id: 'ADDS_imm', prepare: prepareAddSubImm(false, true), exec: unprepared },
  { id: 'SUB_imm', prepare: prepareAddSubImm(true, false), exec: unprepared },
  { id: 'SUBS_imm', prepare: prepareAddSubImm(true, true), exec: unprepared },
  { id: 'AND_imm', prepare: prepareLogicalImm(0), exec: unprepared },
  { id: 'ORR_imm', prepare: prepareLogicalImm(1), exec: unprepared },
  { id: 'EOR_imm', prepare: prepareLogicalImm(2), exec: unprepared },
  { id: 'ANDS_imm', prepare: prepareLogicalImm(3), exec: unprepared },
  { id: 'MOVN', prepare: prepareMoveWide('n'), exec: unprepared },
  { id: 'MOVZ', prepare: prepareMoveWide('z'), exec: unprepared },
  { id: 'MOVK', prepare: prepareMoveWide('k'), exec: unprepared },
  { id: 'SBFM', prepare: prepareBitfield('s'), exec: unprepared },
  { id: 'BFM', prepare: prepareBitfield('b'), exec: unprepared },
  { id: 'UBFM', prepare: prepareBitfield('u'), exec: unprepared },
  { id: 'EXTR', prepare: prepareExtr, exec: unprepared },
];
