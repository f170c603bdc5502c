// Layer: sim/cpu/executors. Executors for the branch-sys rows of core/arch/a64/tables (see
// README.md): this file has the branches; exception generation, hints, barriers and PSTATE
// writes are in branch-sys-exc.ts, SYS/SYSL and MRS/MSR in branch-sys-sys.ts. Imports sim/cpu.
//
// Pointer authentication: the model runs the M1 as if every PAC key were disabled
// (SCTLR_ELx.EnIA/EnIB = 0): BRAA/BRAAZ/… branch to Xn unmodified, RETAA/RETAB return to X30,
// ERETAA/ERETAB are ERET (Arm ARM AuthIA/AuthIB with the key disabled return the pointer as is).
// No BTI on the M1: PSTATE.BTYPE stays 0.

import type { ExecutorDef, Predecoded } from '../executor-registry.ts';
import type { Core } from '../core.ts';
import {
  REG_ZR as REG_ZR$, vaFromBigint as vaFromBigint$,
} from '../state.ts';
import { EXC_SYSTEM_EXECUTORS } from './branch-sys-exc.ts';
import { branch, condSource, registerEmitters } from '../block-emit.ts';
import { SYS_EXECUTORS } from './branch-sys-sys.ts';

// Hot-path imports are read through local consts: under tsx (the bench and test loader) an
// imported binding is a CommonJS-interop getter on every read, which V8 does not reliably inline.
const REG_ZR = REG_ZR$;
const vaFromBigint = vaFromBigint$;

const TWO32 = 4294967296;

/** Sign-extends the low `width` bits of `v`. */
const sext = (v: number, width: number): number => (v << (32 - width)) >> (32 - width);
/** Register 31 reads as zero in every branch form that names a register. */
const readSlot = (r: number): number => (r === 31 ? REG_ZR : r);

/** PC ← Xn (as the signed-number VA; a value beyond ±2^53 goes through bigint, never on canonical addresses). */
function jumpTo(core: Core, slot: number): void {
  const v = core.x[slot * 2 + 1]! * TWO32 + (core.x[slot * 2]! >>> 0);
  core.pc = Number.isSafeInteger(v) ? v : vaFromBigint(core.getX(slot));
}

function setLink(core: Core): void {
  const ret = core.pc + 4;
  core.x[60] = ret | 0;
  core.x[61] = Math.floor(ret / TWO32);
}

// ---- B, BL ----

function execB(core: Core, p: Predecoded): boolean {
  core.pc += p.imm;
  return true;
}

function execBl(core: Core, p: Predecoded): boolean {
  setLink(core);
  core.pc += p.imm;
  return true;
}

// ---- B.cond: one exec per condition (ConditionHolds), picked in prepare ----

const condExecs: readonly ((core: Core, p: Predecoded) => boolean)[] = [
  (c, p) => (c.z === 1 ? ((c.pc += p.imm), true) : false), // EQ
  (c, p) => (c.z === 0 ? ((c.pc += p.imm), true) : false), // NE
  (c, p) => (c.c === 1 ? ((c.pc += p.imm), true) : false), // CS
  (c, p) => (c.c === 0 ? ((c.pc += p.imm), true) : false), // CC
  (c, p) => (c.n === 1 ? ((c.pc += p.imm), true) : false), // MI
  (c, p) => (c.n === 0 ? ((c.pc += p.imm), true) : false), // PL
  (c, p) => (c.v === 1 ? ((c.pc += p.imm), true) : false), // VS
  (c, p) => (c.v === 0 ? ((c.pc += p.imm), true) : false), // VC
  (c, p) => (c.c === 1 && c.z === 0 ? ((c.pc += p.imm), true) : false), // HI
  (c, p) => (c.c === 0 || c.z === 1 ? ((c.pc += p.imm), true) : false), // LS
  (c, p) => (c.n === c.v ? ((c.pc += p.imm), true) : false), // GE
  (c, p) => (c.n !== c.v ? ((c.pc += p.imm), true) : false), // LT
  (c, p) => (c.z === 0 && c.n === c.v ? ((c.pc += p.imm), true) : false), // GT
  (c, p) => (c.z === 1 || c.n !== c.v ? ((c.pc += p.imm), true) : false), // LE
  execB, // AL
  execB, // NV behaves as AL in A64
];

// ---- CBZ/CBNZ (p.a = Rt slot), TBZ/TBNZ (p.a = slot index of the half, p.b = bit mask) ----

function execCbz64(core: Core, p: Predecoded): boolean {
  const x = core.x;
  if ((x[p.a * 2]! | x[p.a * 2 + 1]!) !== 0) return false;
  core.pc += p.imm;
  return true;
}
function execCbnz64(core: Core, p: Predecoded): boolean {
  const x = core.x;
  if ((x[p.a * 2]! | x[p.a * 2 + 1]!) === 0) return false;
  core.pc += p.imm;
  return true;
}
function execCbz32(core: Core, p: Predecoded): boolean {
  if (core.x[p.a * 2]! !== 0) return false;
  core.pc += p.imm;
  return true;
}
function execCbnz32(core: Core, p: Predecoded): boolean {
  if (core.x[p.a * 2]! === 0) return false;
  core.pc += p.imm;
  return true;
}
function execTbz(core: Core, p: Predecoded): boolean {
  if ((core.x[p.a]! & p.b) !== 0) return false;
  core.pc += p.imm;
  return true;
}
function execTbnz(core: Core, p: Predecoded): boolean {
  if ((core.x[p.a]! & p.b) === 0) return false;
  core.pc += p.imm;
  return true;
}

// ---- register branches (p.a = Rn slot) ----

function execBr(core: Core, p: Predecoded): boolean {
  jumpTo(core, p.a);
  return true;
}

function execBlr(core: Core, p: Predecoded): boolean {
  // Read the target before writing X30 (BLR X30 branches to the old X30).
  const x = core.x;
  const lo = x[p.a * 2]!;
  const hi = x[p.a * 2 + 1]!;
  setLink(core);
  const v = hi * TWO32 + (lo >>> 0);
  core.pc = Number.isSafeInteger(v) ? v : vaFromBigint((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));
  return true;
}

function prepareRn(p: Predecoded, _w: number, f: Readonly<Record<string, number>> | undefined): void {
  p.a = readSlot(f!.Rn!);
}

function prepareRet30(p: Predecoded): void {
  p.a = 30;
}

const BRANCHES: readonly ExecutorDef[] = [
  { id: 'B', exec: execB, prepare: (p, _w, f) => void (p.imm = sext(f!.imm26!, 26) * 4) },
  { id: 'BL', exec: execBl, prepare: (p, _w, f) => void (p.imm = sext(f!.imm26!, 26) * 4) },
  {
    id: 'B_cond',
    exec: execB,
    prepare: (p, _w, f) => {
      p.imm = sext(f!.imm19!, 19) * 4;
      p.c = f!.cond!;
      p.exec = condExecs[p.c]!;
    },
  },
  {
    id: 'CBZ',
    exec: execCbz64,
    prepare: (p, _w, f) => {
      p.a = readSlot(f!.Rt!);
      p.imm = sext(f!.imm19!, 19) * 4;
      p.exec = f!.sf ? execCbz64 : execCbz32;
    },
  },
  {
    id: 'CBNZ',
    exec: execCbnz64,
    prepare: (p, _w, f) => {
      p.a = readSlot(f!.Rt!);
      p.imm = sext(f!.imm19!, 19) * 4;
      p.exec = f!.sf ? execCbnz64 : execCbnz32;
    },
  },
  { id: 'TBZ', exec: execTbz, prepare: prepareTest },
  { id: 'TBNZ', exec: execTbnz, prepare: prepareTest },
  { id: 'BR', exec: execBr, prepare: prepareRn },
  { id: 'BLR', exec: execBlr, prepare: prepareRn },
  { id: 'RET', exec: execBr, prepare: prepareRn },
  // Pointer-auth forms with the keys disabled: the plain branch (see the top of this file).
  { id: 'BRAZ', exec: execBr, prepare: prepareRn },
  { id: 'BLRAZ', exec: execBlr, prepare: prepareRn },
  { id: 'BRA', exec: execBr, prepare: prepareRn },
  { id: 'BLRA', exec: execBlr, prepare: prepareRn },
  { id: 'RETA', exec: execBr, prepare: prepareRet30 },
];

/** TBZ/TBNZ: bit b5:b40 of Rt → which int32 half (x[] index) and the mask within it. */
function prepareTest(p: Predecoded, _w: number, f: Readonly<Record<string, number>> | undefined): void {
  const bit = (f!.b5! << 5) | f!.b40!;
  p.a = readSlot(f!.Rt!) * 2 + (bit >> 5);
  p.b = 1 << (bit & 31);
  p.imm = sext(f!.imm14!, 14) * 4;
}

export const BRANCH_SYS_EXECUTORS: readonly ExecutorDef[] = [...BRANCHES, ...EXC_SYSTEM_EXECUTORS, ...SYS_EXECUTORS];

// Inline forms for translated blocks (block-emit.ts): the condition as source, the offset constant.
registerEmitters([
  [execB, (p) => branch('true', p.imm)],
  [execBl, (p, pc) => branch('true', p.imm, `{ const r = ${pc} + 4; x[60] = r | 0; x[61] = Math.floor(r / 4294967296); }`)],
  ...condExecs.map((e, cond) => [e, (p: Predecoded) => branch(condSource(cond), p.imm)] as const),
  [execCbz64, (p) => branch(`(x[${p.a * 2}] | x[${p.a * 2 + 1}]) === 0`, p.imm)],
  [execCbnz64, (p) => branch(`(x[${p.a * 2}] | x[${p.a * 2 + 1}]) !== 0`, p.imm)],
  [execCbz32, (p) => branch(`x[${p.a * 2}] === 0`, p.imm)],
  [execCbnz32, (p) => branch(`x[${p.a * 2}] !== 0`, p.imm)],
  [execTbz, (p) => branch(`(x[${p.a}] & ${p.b}) === 0`, p.imm)],
  [execTbnz, (p) => branch(`(x[${p.a}] & ${p.b}) !== 0`, p.imm)],
]);
