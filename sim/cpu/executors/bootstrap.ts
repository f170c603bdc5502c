// Layer: sim/cpu/executors. A minimal set of executors so the machinery around them (exception
// entry/return, sysregs, step, breakpoints, the code cache) is testable before the real
// executors exist. Imports sim/cpu.
//
// TEMPORARY: each decodes its word itself (`match`, fields by hand from the Arm ARM encoding
// diagrams) under an id defined here, because the shared tables (core/arch/a64/tables) are
// being written. When the tables have these rows, the real executors register under the
// tables' ids and this file goes. Only the 64-bit forms that tests need are covered.

import type { ExecutorDef, Predecoded } from '../executor-registry.ts';
import type { Core } from '../core.ts';
import { REG_SINK, REG_SP, REG_ZR, vaFromBigint } from '../state.ts';

export const BOOT_ID = {
  NOP: 'BOOT_NOP',
  B: 'BOOT_B',
  BL: 'BOOT_BL',
  BR: 'BOOT_BR',
  RET: 'BOOT_RET',
  BRK: 'BOOT_BRK',
  HVC: 'BOOT_HVC',
  SVC: 'BOOT_SVC',
  ERET: 'BOOT_ERET',
  MRS: 'BOOT_MRS',
  MSR: 'BOOT_MSR',
  MOVZ: 'BOOT_MOVZ',
  ADD_IMM: 'BOOT_ADD_IMM',
  STR_IMM: 'BOOT_STR_IMM',
  LDR_IMM: 'BOOT_LDR_IMM',
  WFI: 'BOOT_WFI',
  WFE: 'BOOT_WFE',
  SEV: 'BOOT_SEV',
  SEVL: 'BOOT_SEVL',
} as const;

const TWO32 = 4294967296;
const rn = (w: number): number => (w >>> 5) & 31;
const rd = (w: number): number => w & 31;
/** Register 31 as the zero register: reads ZR, writes the sink. */
const readSlot = (r: number): number => (r === 31 ? REG_ZR : r);
const writeSlot = (r: number): number => (r === 31 ? REG_SINK : r);
const spSlot = (r: number): number => (r === 31 ? REG_SP : r);

function xAsVa(core: Core, slot: number): number {
  return core.x[slot * 2 + 1]! * TWO32 + (core.x[slot * 2]! >>> 0);
}

function setPcFromX(core: Core, slot: number): boolean {
  const v = xAsVa(core, slot);
  core.pc = Number.isSafeInteger(v) ? v : vaFromBigint(core.getX(slot));
  return true;
}

export const BOOTSTRAP_EXECUTORS: readonly ExecutorDef[] = [
  { id: BOOT_ID.NOP, match: { mask: 0xffffffff, value: 0xd503201f }, exec: () => {} },
  {
    id: BOOT_ID.WFI,
    match: { mask: 0xffffffff, value: 0xd503207f },
    exec: (core) => core.waitFor(1),
  },
  { id: BOOT_ID.WFE, match: { mask: 0xffffffff, value: 0xd503205f }, exec: (core) => core.waitFor(2) },
  { id: BOOT_ID.SEV, match: { mask: 0xffffffff, value: 0xd503209f }, exec: (core) => core.sendEvent() },
  { id: BOOT_ID.SEVL, match: { mask: 0xffffffff, value: 0xd50320bf }, exec: (core) => core.sendEvent(true) },
  {
    id: BOOT_ID.B,
    match: { mask: 0xfc000000, value: 0x14000000 },
    prepare: (p, w) => void (p.imm = ((w << 6) >> 6) * 4),
    exec: (core, p) => ((core.pc += p.imm), true),
  },
  {
    id: BOOT_ID.BL,
    match: { mask: 0xfc000000, value: 0x94000000 },
    prepare: (p, w) => void (p.imm = ((w << 6) >> 6) * 4),
    exec: (core, p) => {
      const ret = core.pc + 4;
      core.x[60] = ret | 0;
      core.x[61] = Math.floor(ret / TWO32);
      core.pc += p.imm;
      return true;
    },
  },
  { id: BOOT_ID.BR, match: { mask: 0xfffffc1f, value: 0xd61f0000 }, prepare: (p, w) => void (p.a = readSlot(rn(w))), exec: (core, p) => setPcFromX(core, p.a) },
  { id: BOOT_ID.RET, match: { mask: 0xfffffc1f, value: 0xd65f0000 }, prepare: (p, w) => void (p.a = readSlot(rn(w))), exec: (core, p) => setPcFromX(core, p.a) },
  { id: BOOT_ID.BRK, match: { mask: 0xffe0001f, value: 0xd4200000 }, prepare: imm16, exec: (core, p) => core.brk(p.imm) },
  { id: BOOT_ID.HVC, match: { mask: 0xffe0001f, value: 0xd4000002 }, prepare: imm16, exec: (core, p) => core.hvc(p.imm) },
  { id: BOOT_ID.SVC, match: { mask: 0xffe0001f, value: 0xd4000001 }, prepare: imm16, exec: (core, p) => core.svc(p.imm) },
  {
    id: BOOT_ID.ERET,
    match: { mask: 0xffffffff, value: 0xd69f03e0 },
    exec: (core) => {
      if (core.el === 0) core.undefinedInstruction();
      core.eret();
      return true;
    },
  },
  {
    id: BOOT_ID.MRS,
    match: { mask: 0xfff00000, value: 0xd5300000 },
    prepare: (p, w) => void ((p.imm = (w >>> 5) & 0x7fff | 0x8000), (p.a = rd(w))),
    exec: (core, p) => {
      const rt = p.a === 31 ? REG_SINK : p.a;
      core.sysregAccess(p.imm, rt, true);
    },
  },
  {
    id: BOOT_ID.MSR,
    match: { mask: 0xfff00000, value: 0xd5100000 },
    prepare: (p, w) => void ((p.imm = (w >>> 5) & 0x7fff | 0x8000), (p.a = readSlot(rd(w)))),
    exec: (core, p) => core.sysregAccess(p.imm, p.a, false),
  },
  {
    // MOVZ Xd, #imm16, LSL #hw*16 (64-bit).
    id: BOOT_ID.MOVZ,
    match: { mask: 0xff800000, value: 0xd2800000 },
    prepare: (p, w) => {
      p.a = writeSlot(rd(w));
      const shift = ((w >>> 21) & 3) * 16;
      const imm = (w >>> 5) & 0xffff;
      p.imm = shift < 32 ? (imm << shift) | 0 : 0;
      p.imm2 = shift >= 32 ? (imm << (shift - 32)) | 0 : 0;
    },
    exec: (core, p) => {
      core.x[p.a * 2] = p.imm;
      core.x[p.a * 2 + 1] = p.imm2;
    },
  },
  {
    // ADD Xd|SP, Xn|SP, #imm12{, LSL #12} (64-bit, no flags).
    id: BOOT_ID.ADD_IMM,
    match: { mask: 0xff800000, value: 0x91000000 },
    prepare: (p, w) => {
      p.a = spSlot(rd(w));
      p.b = spSlot(rn(w));
      p.imm = ((w >>> 10) & 0xfff) * ((w >>> 22) & 1 ? 4096 : 1);
    },
    exec: addImm,
  },
  {
    // STR Xt, [Xn|SP, #imm12*8] (unsigned offset).
    id: BOOT_ID.STR_IMM,
    match: { mask: 0xffc00000, value: 0xf9000000 },
    prepare: ldstPrepare,
    exec: (core, p) => core.write64(xAsVa(core, p.b) + p.imm, core.x[p.a * 2]!, core.x[p.a * 2 + 1]!),
  },
  {
    // LDR Xt, [Xn|SP, #imm12*8] (unsigned offset).
    id: BOOT_ID.LDR_IMM,
    match: { mask: 0xffc00000, value: 0xf9400000 },
    prepare: (p, w) => {
      ldstPrepare(p, w);
      p.a = writeSlot(rd(w));
    },
    exec: (core, p) => {
      const lo = core.read64(xAsVa(core, p.b) + p.imm);
      core.x[p.a * 2] = lo;
      core.x[p.a * 2 + 1] = core.memHi;
    },
  },
];

function imm16(p: Predecoded, w: number): void {
  p.imm = (w >>> 5) & 0xffff;
}

function ldstPrepare(p: Predecoded, w: number): void {
  p.a = readSlot(rd(w));
  p.b = spSlot(rn(w));
  p.imm = ((w >>> 10) & 0xfff) * 8;
}

function addImm(core: Core, p: Predecoded): void {
  const x = core.x;
  const lo = (x[p.b * 2]! >>> 0) + p.imm;
  x[p.a * 2 + 1] = (x[p.b * 2 + 1]! + (lo >= TWO32 ? 1 : 0)) | 0;
  x[p.a * 2] = lo | 0;
}
