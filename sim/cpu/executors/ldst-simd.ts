// Layer: sim/cpu/executors. Advanced SIMD structure loads and stores
// (core/arch/a64/tables/ldst-simd.ts): LD1–LD4/ST1–ST4 multiple and single structures and
// LD1R–LD4R, without offset or post-indexed by the transfer size (Rm = 31) or by Xm. Imports
// sim/cpu.
//
// Registers wrap from V31 to V0. Loads of 64-bit arrangements (Q = 0) zero bits 127:64 of
// every register they write; single-structure loads keep the other lanes. LD1/ST1 multiple
// move whole 8-byte halves (memory order is lane order, little-endian); the interleaving
// forms go element by element as the Arm ARM pseudocode does.

import type { Core } from '../core.ts';
import type { ExecutorDef, Predecoded } from '../executor-registry.ts';
import {
  noteStore as noteStore$,
} from '../exclusive-monitor.ts';
import {
  rnOf as rnOf$, rmOf as rmOf$, rtOf as rtOf$, spSlot as spSlot$, wbImm as wbImm$, wbReg as wbReg$, writeWb as writeWb$, xva as xva$,
} from './ldst-common.ts';

// Hot-path imports are read through local consts: under tsx (the bench and test loader) an
// imported binding is a CommonJS-interop getter on every read, which V8 does not reliably inline.
const noteStore = noteStore$;
const rnOf = rnOf$;
const rmOf = rmOf$;
const rtOf = rtOf$;
const spSlot = spSlot$;
const wbImm = wbImm$;
const wbReg = wbReg$;
const writeWb = writeWb$;
const xva = xva$;

// p.a Rt (V number), p.b base slot, p.d Rm slot, p.imm transfer bytes, p.imm2 0 no writeback /
// 1 by immediate / 2 by register, p.c the packed shape (below).
const POST_NONE = 0;
const POST_IMM = 1;

function startWb(core: Core, p: Predecoded): void {
  if (p.imm2 === POST_IMM) wbImm(core, p.b, p.imm);
  else wbReg(core, p.b, p.d);
}

function loadElem(core: Core, va: number, esize: number, off: number): void {
  switch (esize) {
    case 1:
      core.vb[off] = core.read8(va);
      return;
    case 2: {
      const v = core.read16(va);
      core.vb[off] = v;
      core.vb[off + 1] = v >>> 8;
      return;
    }
    case 4:
      core.vi32[off >> 2] = core.read32(va);
      return;
    default: {
      const lo = core.read64(va);
      core.vi32[off >> 2] = lo;
      core.vi32[(off >> 2) + 1] = core.memHi;
    }
  }
}

function storeElem(core: Core, va: number, esize: number, off: number): void {
  switch (esize) {
    case 1:
      core.write8(va, core.vb[off]!);
      return;
    case 2:
      core.write16(va, core.vb[off]! | (core.vb[off + 1]! << 8));
      return;
    case 4:
      core.write32(va, core.vi32[off >> 2]!);
      return;
    default:
      core.write64(va, core.vi32[off >> 2]!, core.vi32[(off >> 2) + 1]!);
  }
}

function zeroUpper(core: Core, reg: number): void {
  core.vi32[reg * 4 + 2] = 0;
  core.vi32[reg * 4 + 3] = 0;
}

// ---- multiple structures: c = Q | L<<1 | log2(esize)<<2 | rpt<<4 | selem<<8 ----

function execMultiple(core: Core, p: Predecoded): void {
  const va = xva(core, p.b);
  if (p.imm2 !== POST_NONE) startWb(core, p);
  const c = p.c;
  const q = c & 1;
  const load = (c & 2) !== 0;
  const esize = 1 << ((c >>> 2) & 3);
  const rpt = (c >>> 4) & 15;
  const selem = c >>> 8;
  const regBytes = q ? 16 : 8;
  const t = p.a;
  if (selem === 1) {
    // LD1/ST1: each register is `regBytes` consecutive bytes in memory.
    for (let r = 0; r < rpt; r++) {
      const reg = (t + r) & 31;
      const a = va + r * regBytes;
      const i = reg * 4;
      const v = core.vi32;
      if (load) {
        const lo = core.read64(a);
        const hi = core.memHi;
        if (q) {
          const lo2 = core.read64(a + 8);
          v[i + 2] = lo2;
          v[i + 3] = core.memHi;
        } else {
          v[i + 2] = 0;
          v[i + 3] = 0;
        }
        v[i] = lo;
        v[i + 1] = hi;
      } else {
        core.write64(a, v[i]!, v[i + 1]!);
        if (q) core.write64(a + 8, v[i + 2]!, v[i + 3]!);
      }
    }
  } else {
    const elements = regBytes / esize;
    let a = va;
    for (let e = 0; e < elements; e++) {
      for (let s = 0; s < selem; s++) {
        const off = ((t + s) & 31) * 16 + e * esize;
        if (load) loadElem(core, a, esize, off);
        else storeElem(core, a, esize, off);
        a += esize;
      }
    }
    if (load && !q) for (let s = 0; s < selem; s++) zeroUpper(core, (t + s) & 31);
  }
  if (!load) noteStore(core, va, p.imm);
  if (p.imm2 !== POST_NONE) writeWb(core, p.b);
}

const MULT_SHAPE: Readonly<Record<number, readonly [number, number]>> = {
  0b0000: [1, 4],
  0b0010: [4, 1],
  0b0100: [1, 3],
  0b0110: [3, 1],
  0b0111: [1, 1],
  0b1000: [1, 2],
  0b1010: [2, 1],
};

function prepCommon(p: Predecoded, word: number, post: boolean, bytes: number): void {
  p.a = rtOf(word);
  p.b = spSlot(rnOf(word));
  const rm = rmOf(word);
  p.imm = bytes;
  p.imm2 = !post ? POST_NONE : rm === 31 ? POST_IMM : 2;
  p.d = rm;
}

function prepMultiple(post: boolean) {
  return (p: Predecoded, word: number): void => {
    const q = (word >>> 30) & 1;
    const l = (word >>> 22) & 1;
    const size = (word >>> 10) & 3;
    const [rpt, selem] = MULT_SHAPE[(word >>> 12) & 15]!;
    p.c = q | (l << 1) | (size << 2) | (rpt << 4) | (selem << 8);
    prepCommon(p, word, post, rpt * selem * (q ? 16 : 8));
  };
}

// ---- single structure: c = log2(esize) | selem<<2 | index<<5 | L<<9 ----

function execSingle(core: Core, p: Predecoded): void {
  const va = xva(core, p.b);
  if (p.imm2 !== POST_NONE) startWb(core, p);
  const c = p.c;
  const esize = 1 << (c & 3);
  const selem = (c >>> 2) & 7;
  const index = (c >>> 5) & 15;
  const load = (c >>> 9) & 1;
  for (let s = 0; s < selem; s++) {
    const off = ((p.a + s) & 31) * 16 + index * esize;
    if (load) loadElem(core, va + s * esize, esize, off);
    else storeElem(core, va + s * esize, esize, off);
  }
  if (!load) noteStore(core, va, p.imm);
  if (p.imm2 !== POST_NONE) writeWb(core, p.b);
}

function prepSingle(post: boolean) {
  return (p: Predecoded, word: number): void => {
    const q = (word >>> 30) & 1;
    const l = (word >>> 22) & 1;
    const r = (word >>> 21) & 1;
    const opcode = (word >>> 13) & 7;
    const s = (word >>> 12) & 1;
    const size = (word >>> 10) & 3;
    const selem = (((opcode & 1) << 1) | r) + 1;
    let log2: number;
    let index: number;
    switch (opcode >> 1) {
      case 0:
        log2 = 0;
        index = (q << 3) | (s << 2) | size;
        break;
      case 1:
        log2 = 1;
        index = (q << 2) | (s << 1) | (size >> 1);
        break;
      default:
        if (size === 0) {
          log2 = 2;
          index = (q << 1) | s;
        } else {
          log2 = 3;
          index = q;
        }
    }
    p.c = log2 | (selem << 2) | (index << 5) | (l << 9);
    prepCommon(p, word, post, selem << log2);
  };
}

// ---- LD1R–LD4R: c = Q | log2(esize)<<1 | selem<<3 ----

export function execReplicate(core: Core, p: Predecoded): void {
  const va = xva(core, p.b);
  if (p.imm2 !== POST_NONE) startWb(core, p);
  const c = p.c;
  const q = c & 1;
  const log2 = (c >>> 1) & 3;
  const esize = 1 << log2;
  const selem = c >>> 3;
  const v = core.vi32;
  for (let s = 0; s < selem; s++) {
    const a = va + s * esize;
    let lo: number;
    let hi: number;
    switch (log2) {
      case 0:
        lo = hi = Math.imul(core.read8(a), 0x01010101);
        break;
      case 1:
        lo = hi = core.read16(a) * 0x10001;
        break;
      case 2:
        lo = hi = core.read32(a);
        break;
      default:
        lo = core.read64(a);
        hi = core.memHi;
    }
    const i = ((p.a + s) & 31) * 4;
    v[i] = lo;
    v[i + 1] = hi;
    v[i + 2] = q ? lo : 0;
    v[i + 3] = q ? hi : 0;
  }
  if (p.imm2 !== POST_NONE) writeWb(core, p.b);
}

function prepReplicate(post: boolean) {
  return (p: Predecoded, word: number): void => {
    const q = (word >>> 30) & 1;
    const r = (word >>> 21) & 1;
    const opcode = (word >>> 13) & 7;
    const size = (word >>> 10) & 3;
    const selem = (((opcode & 1) << 1) | r) + 1;
    p.c = q | (size << 1) | (selem << 3);
    prepCommon(p, word, post, selem << size);
  };
}

const NAMES = ['1', '2', '3', '4'];

export const LDST_SIMD_EXECUTORS: readonly ExecutorDef[] = [
  ...['ST', 'LD'].flatMap((op) =>
    NAMES.flatMap((n) => [
      { id: `${op}${n}_mult`, exec: execMultiple, prepare: prepMultiple(false) },
      { id: `${op}${n}_mult_post`, exec: execMultiple, prepare: prepMultiple(true) },
      { id: `${op}${n}_single`, exec: execSingle, prepare: prepSingle(false) },
      { id: `${op}${n}_single_post`, exec: execSingle, prepare: prepSingle(true) },
    ]),
  ),
  ...NAMES.flatMap((n) => [
    { id: `LD${n}R`, exec: execReplicate, prepare: prepReplicate(false) },
    { id: `LD${n}R_post`, exec: execReplicate, prepare: prepReplicate(true) },
  ]),
];

