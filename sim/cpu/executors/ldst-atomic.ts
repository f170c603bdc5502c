// Layer: sim/cpu/executors. Synchronisation loads and stores (core/arch/a64/tables/ldst-atomic.ts):
// exclusives (register and pair) with the exclusive monitor, load-acquire/store-release and
// LORegion forms, LDAPR, CAS/CASP, the LSE atomics LD<op> and SWP. Imports sim/cpu.
//
// The model is sequentially consistent, so acquire/release only add the alignment rule: every
// access here must be aligned to its size (pairs: to the pair) or it takes an alignment fault
// (the M1 has no FEAT_LSE2 relaxation in this model; QEMU 7.2 raises SIGBUS the same way). A
// read-modify-write reads, then writes, then updates registers: a fault on either access
// (read or write permission) leaves memory and registers unchanged. CAS writes memory even
// when the comparison fails (the old value back), so write permission is always checked, as
// QEMU's cmpxchg does.

import type { Core } from '../core.ts';
import type { ExecutorDef, Predecoded } from '../executor-registry.ts';
import { EXCLUSIVE_MONITOR, clearExclusive, markExclusive, noteStore } from '../exclusive-monitor.ts';
import { K_LDRB, K_STRB, checkAligned, rnOf, rSlot, rtOf, rmOf, rt2Of, spSlot, transfer, wSlot, xva } from './ldst-common.ts';

// ---- exclusives: p.a Rt, p.d Rt2, p.b base, p.c bytes (one register), p.imm status slot (Rs) ----

function execLdxr(core: Core, p: Predecoded): void {
  const va = xva(core, p.b);
  checkAligned(core, va, p.c, false);
  transfer(core, p.imm2, va, p.a);
  markExclusive(core, va, p.c);
  core.lastLoadExclusive = true;
}

function execStxr(core: Core, p: Predecoded): void {
  const va = xva(core, p.b);
  checkAligned(core, va, p.c, true);
  let status = 1;
  if (EXCLUSIVE_MONITOR.holds(core, va, p.c)) {
    transfer(core, p.imm2, va, p.a);
    status = 0;
  }
  clearExclusive(core);
  core.x[p.imm * 2] = status;
  core.x[p.imm * 2 + 1] = 0;
}

function execLdxp(core: Core, p: Predecoded): void {
  const va = xva(core, p.b);
  const size = p.c * 2;
  checkAligned(core, va, size, false);
  const x = core.x;
  if (p.c === 4) {
    const lo = core.read64(va);
    x[p.d * 2] = core.memHi;
    x[p.d * 2 + 1] = 0;
    x[p.a * 2] = lo;
    x[p.a * 2 + 1] = 0;
  } else {
    const aLo = core.read64(va);
    const aHi = core.memHi;
    const bLo = core.read64(va + 8);
    x[p.d * 2] = bLo;
    x[p.d * 2 + 1] = core.memHi;
    x[p.a * 2] = aLo;
    x[p.a * 2 + 1] = aHi;
  }
  markExclusive(core, va, size);
  core.lastLoadExclusive = true;
}

function execStxp(core: Core, p: Predecoded): void {
  const va = xva(core, p.b);
  const size = p.c * 2;
  checkAligned(core, va, size, true);
  let status = 1;
  if (EXCLUSIVE_MONITOR.holds(core, va, size)) {
    const x = core.x;
    if (p.c === 4) core.write64(va, x[p.a * 2]!, x[p.d * 2]!);
    else {
      core.write64(va, x[p.a * 2]!, x[p.a * 2 + 1]!);
      core.write64(va + 8, x[p.d * 2]!, x[p.d * 2 + 1]!);
    }
    noteStore(core, va, size);
    status = 0;
  }
  clearExclusive(core);
  core.x[p.imm * 2] = status;
  core.x[p.imm * 2 + 1] = 0;
}

/** LDAR/STLR/LDLAR/STLLR/LDAPR: p.imm2 transfer kind. */
function execOrdered(core: Core, p: Predecoded): void {
  const va = xva(core, p.b);
  checkAligned(core, va, p.c, p.imm2 >= K_STRB);
  transfer(core, p.imm2, va, p.a);
}

function prepExclusive(load: boolean, pair: boolean) {
  return (p: Predecoded, word: number): void => {
    const size = word >>> 30;
    p.c = pair ? (size & 1 ? 8 : 4) : 1 << size;
    p.b = spSlot(rnOf(word));
    p.a = load ? wSlot(rtOf(word)) : rSlot(rtOf(word));
    p.d = load ? wSlot(rt2Of(word)) : rSlot(rt2Of(word));
    p.imm = wSlot(rmOf(word)); // Rs: the status register
    p.imm2 = (load ? K_LDRB : K_STRB) + Math.log2(p.c);
  };
}

// ---- CAS / CASP: p.a Rt (new value), p.imm Rs read slot, p.imm2 Rs write slot, p.c bytes ----

const MASK = [0, 0xff, 0xffff, 0, 0xffffffff];

function execCas(core: Core, p: Predecoded): void {
  const va = xva(core, p.b);
  checkAligned(core, va, p.c, false);
  const x = core.x;
  const s = p.imm * 2;
  const t = p.a * 2;
  if (p.c === 8) {
    const lo = core.read64(va);
    const hi = core.memHi;
    const equal = lo === x[s] && hi === x[s + 1];
    core.write64(va, equal ? x[t]! : lo, equal ? x[t + 1]! : hi);
    noteStore(core, va, 8);
    x[p.imm2 * 2] = lo;
    x[p.imm2 * 2 + 1] = hi;
    return;
  }
  const mask = MASK[p.c]!;
  const old = read(core, va, p.c);
  const equal = ((old ^ x[s]!) & mask) === 0;
  write(core, va, p.c, equal ? x[t]! & mask : old);
  noteStore(core, va, p.c);
  x[p.imm2 * 2] = old;
  x[p.imm2 * 2 + 1] = 0;
}

/** CASP: p.a Rt (even), p.d Rs (even) register numbers, p.c bytes per register. */
function execCasp(core: Core, p: Predecoded): void {
  const va = xva(core, p.b);
  checkAligned(core, va, p.c * 2, false);
  const x = core.x;
  const s0 = rSlot(p.d) * 2;
  const s1 = rSlot(p.d + 1) * 2;
  const t0 = rSlot(p.a) * 2;
  const t1 = rSlot(p.a + 1) * 2;
  if (p.c === 4) {
    const lo = core.read64(va);
    const hi = core.memHi;
    const equal = lo === x[s0] && hi === x[s1];
    core.write64(va, equal ? x[t0]! : lo, equal ? x[t1]! : hi);
    noteStore(core, va, 8);
    setW(core, wSlot(p.d), lo);
    setW(core, wSlot(p.d + 1), hi);
    return;
  }
  const aLo = core.read64(va);
  const aHi = core.memHi;
  const bLo = core.read64(va + 8);
  const bHi = core.memHi;
  const equal = aLo === x[s0] && aHi === x[s0 + 1] && bLo === x[s1] && bHi === x[s1 + 1];
  if (equal) {
    const n0 = x[t0]!;
    const n1 = x[t0 + 1]!;
    const n2 = x[t1]!;
    const n3 = x[t1 + 1]!;
    core.write64(va, n0, n1);
    core.write64(va + 8, n2, n3);
  } else {
    core.write64(va, aLo, aHi);
    core.write64(va + 8, bLo, bHi);
  }
  noteStore(core, va, 16);
  const r0 = wSlot(p.d) * 2;
  const r1 = wSlot(p.d + 1) * 2;
  x[r0] = aLo;
  x[r0 + 1] = aHi;
  x[r1] = bLo;
  x[r1 + 1] = bHi;
}

function setW(core: Core, slot: number, v: number): void {
  core.x[slot * 2] = v;
  core.x[slot * 2 + 1] = 0;
}

/** Zero-extended value of a 1/2/4-byte read (4: the bits as int32). */
function read(core: Core, va: number, size: number): number {
  return size === 1 ? core.read8(va) : size === 2 ? core.read16(va) : core.read32(va);
}

function write(core: Core, va: number, size: number, v: number): void {
  if (size === 1) core.write8(va, v & 0xff);
  else if (size === 2) core.write16(va, v & 0xffff);
  else core.write32(va, v);
}

// ---- LD<op> / SWP: p.a Rt write slot, p.d Rs read slot, p.c bytes, p.imm op ----

const OP_ADD = 0;
const OP_CLR = 1;
const OP_EOR = 2;
const OP_SET = 3;
const OP_SMAX = 4;
const OP_SMIN = 5;
const OP_UMAX = 6;
const OP_UMIN = 7;
const OP_SWP = 8;

function execAtomic(core: Core, p: Predecoded): void {
  const va = xva(core, p.b);
  const size = p.c;
  checkAligned(core, va, size, false);
  const x = core.x;
  const s = x[p.d * 2]!;
  const old = read(core, va, size);
  // Sign-extending shift for the signed comparisons: 24, 16 or 0.
  const sh = 32 - size * 8;
  let v: number;
  switch (p.imm) {
    case OP_ADD:
      v = old + s;
      break;
    case OP_CLR:
      v = old & ~s;
      break;
    case OP_EOR:
      v = old ^ s;
      break;
    case OP_SET:
      v = old | s;
      break;
    case OP_SMAX:
      v = (old << sh) >> sh >= (s << sh) >> sh ? old : s;
      break;
    case OP_SMIN:
      v = (old << sh) >> sh <= (s << sh) >> sh ? old : s;
      break;
    case OP_UMAX:
      v = (old << sh) >>> sh >= (s << sh) >>> sh ? old : s;
      break;
    case OP_UMIN:
      v = (old << sh) >>> sh <= (s << sh) >>> sh ? old : s;
      break;
    default:
      v = s;
  }
  write(core, va, size, v | 0);
  noteStore(core, va, size);
  x[p.a * 2] = old;
  x[p.a * 2 + 1] = 0;
}

function execAtomic64(core: Core, p: Predecoded): void {
  const va = xva(core, p.b);
  checkAligned(core, va, 8, false);
  const x = core.x;
  const sLo = x[p.d * 2]!;
  const sHi = x[p.d * 2 + 1]!;
  const lo = core.read64(va);
  const hi = core.memHi;
  let vLo: number;
  let vHi: number;
  switch (p.imm) {
    case OP_ADD: {
      const sum = (lo >>> 0) + (sLo >>> 0);
      vLo = sum | 0;
      vHi = (hi + sHi + (sum > 0xffffffff ? 1 : 0)) | 0;
      break;
    }
    case OP_CLR:
      vLo = lo & ~sLo;
      vHi = hi & ~sHi;
      break;
    case OP_EOR:
      vLo = lo ^ sLo;
      vHi = hi ^ sHi;
      break;
    case OP_SET:
      vLo = lo | sLo;
      vHi = hi | sHi;
      break;
    default: {
      let keepOld: boolean;
      if (p.imm === OP_SWP) keepOld = false;
      else {
        const signed = p.imm === OP_SMAX || p.imm === OP_SMIN;
        const oh = signed ? hi : hi >>> 0;
        const sh = signed ? sHi : sHi >>> 0;
        // -1 old < Rs, 0 equal, 1 old > Rs
        const cmp = oh !== sh ? (oh < sh ? -1 : 1) : lo >>> 0 !== sLo >>> 0 ? (lo >>> 0 < sLo >>> 0 ? -1 : 1) : 0;
        keepOld = p.imm === OP_SMAX || p.imm === OP_UMAX ? cmp >= 0 : cmp <= 0;
      }
      vLo = keepOld ? lo : sLo;
      vHi = keepOld ? hi : sHi;
    }
  }
  core.write64(va, vLo, vHi);
  noteStore(core, va, 8);
  x[p.a * 2] = lo;
  x[p.a * 2 + 1] = hi;
}

function prepAtomic(p: Predecoded, word: number): void {
  const size = word >>> 30;
  p.c = 1 << size;
  p.b = spSlot(rnOf(word));
  p.a = wSlot(rtOf(word));
  p.d = rSlot(rmOf(word));
  p.imm = (word >>> 15) & 1 ? OP_SWP : (word >>> 12) & 7;
  if (size === 3) p.exec = execAtomic64;
}

function prepCas(p: Predecoded, word: number): void {
  p.c = 1 << (word >>> 30);
  p.b = spSlot(rnOf(word));
  p.a = rSlot(rtOf(word));
  p.imm = rSlot(rmOf(word));
  p.imm2 = wSlot(rmOf(word));
}

function prepCasp(p: Predecoded, word: number): void {
  p.c = (word >>> 30) & 1 ? 8 : 4;
  p.b = spSlot(rnOf(word));
  p.a = rtOf(word);
  p.d = rmOf(word);
}

/** LDAR/STLR/LDLAR/STLLR (L is bit 22); LDAPR, whose bit 22 is 0, always loads. */
function prepOrdered(p: Predecoded, word: number): void {
  const size = word >>> 30;
  const load = ((word >>> 22) & 1) === 1 || ((word >>> 21) & 1) === 1;
  p.c = 1 << size;
  p.b = spSlot(rnOf(word));
  p.a = load ? wSlot(rtOf(word)) : rSlot(rtOf(word));
  p.imm2 = (load ? K_LDRB : K_STRB) + size;
}

const SIZES = ['B', 'H', ''];
const LD_OPS = ['ADD', 'CLR', 'EOR', 'SET', 'SMAX', 'SMIN', 'UMAX', 'UMIN'];

export const LDST_ATOMIC_EXECUTORS: readonly ExecutorDef[] = [
  ...SIZES.flatMap((sz) => [
    { id: `STXR${sz}`, exec: execStxr, prepare: prepExclusive(false, false) },
    { id: `STLXR${sz}`, exec: execStxr, prepare: prepExclusive(false, false) },
    { id: `LDXR${sz}`, exec: execLdxr, prepare: prepExclusive(true, false) },
    { id: `LDAXR${sz}`, exec: execLdxr, prepare: prepExclusive(true, false) },
    ...['STLLR', 'STLR', 'LDLAR', 'LDAR', 'LDAPR'].map((stem) => ({ id: `${stem}${sz}`, exec: execOrdered, prepare: prepOrdered })),
    { id: `CAS${sz}`, exec: execCas, prepare: prepCas },
    ...LD_OPS.map((op) => ({ id: `LD${op}${sz}`, exec: execAtomic, prepare: prepAtomic })),
    { id: `SWP${sz}`, exec: execAtomic, prepare: prepAtomic },
  ]),
  { id: 'STXP', exec: execStxp, prepare: prepExclusive(false, true) },
  { id: 'STLXP', exec: execStxp, prepare: prepExclusive(false, true) },
  { id: 'LDXP', exec: execLdxp, prepare: prepExclusive(true, true) },
  { id: 'LDAXP', exec: execLdxp, prepare: prepExclusive(true, true) },
  { id: 'CASP', exec: execCasp, prepare: prepCasp },
];
