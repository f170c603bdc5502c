// Layer: sim/cpu/executors. dp-reg executors, part 1: logical and add/sub with shifted or
// extended register, add/sub with carry. Imports sim/cpu and core/arch/a64 (types).
//
// Every row reduces to "combine Rn with an operand": BIC/ORN/EON/BICS invert the operand and
// SUB/SUBS/SBC add it inverted with carry-in 1 (AddWithCarry(x, NOT(y), 1)), so prepare puts
// the inversion mask (0 or -1) in p.imm2 and picks one exec per operation, width and
// whether a shift is needed at all (an amount of 0 is the identity for every shift type).

import type { Fields } from '../../../core/arch/a64/spec.ts';
import type { Core } from '../core.ts';
import type { ExecutorDef, Executor, Predecoded } from '../executor-registry.ts';
import {
  add64 as add64$, adds32 as adds32$, adds64 as adds64$, extend32 as extend32$, extend64 as extend64$, H as H$, logicFlags as logicFlags$, rsp as rsp$, rz as rz$, shift32 as shift32$, shift64 as shift64$, wz as wz$,
} from './dp-common.ts';

// Hot-path imports are read through local consts: under tsx (the bench and test loader) an
// imported binding is a CommonJS-interop getter on every read, which V8 does not reliably inline.
const add64 = add64$;
const adds32 = adds32$;
const adds64 = adds64$;
const extend32 = extend32$;
const extend64 = extend64$;
const H = H$;
const logicFlags = logicFlags$;
const rsp = rsp$;
const rz = rz$;
const shift32 = shift32$;
const shift64 = shift64$;
const wz = wz$;

const fv = (f: Fields | undefined, name: string): number => f![name]!;

/** Operations after operand inversion. */
export const enum Op {
  Add,
  Adds,
  And,
  Orr,
  Eor,
  Ands,
}

// ---- 64-bit, shifted register: operand = ShiftReg(Rm) ^ inv ----

function combine64(core: Core, op: Op, d: number, alo: number, ahi: number, blo: number, bhi: number, cin: number): void {
  const x = core.x;
  switch (op) {
    case Op.Add: add64(x, d, alo, ahi, blo, bhi, cin); return;
    case Op.Adds: adds64(core, d, alo, ahi, blo, bhi, cin); return;
    case Op.And: x[d * 2] = alo & blo; x[d * 2 + 1] = ahi & bhi; return;
    case Op.Orr: x[d * 2] = alo | blo; x[d * 2 + 1] = ahi | bhi; return;
    case Op.Eor: x[d * 2] = alo ^ blo; x[d * 2 + 1] = ahi ^ bhi; return;
    default: {
      const lo = alo & blo;
      const hi = ahi & bhi;
      logicFlags(core, lo, hi);
      x[d * 2] = lo;
      x[d * 2 + 1] = hi;
    }
  }
}

function combine32(core: Core, op: Op, d: number, a: number, b: number, cin: number): void {
  const x = core.x;
  switch (op) {
    case Op.Add: x[d * 2] = (a + b + cin) | 0; break;
    case Op.Adds: adds32(core, d, a, b, cin); return;
    case Op.And: x[d * 2] = a & b; break;
    case Op.Orr: x[d * 2] = a | b; break;
    case Op.Eor: x[d * 2] = a ^ b; break;
    default: {
      const r = a & b;
      core.n = r >>> 31;
      core.z = r === 0 ? 1 : 0;
      core.c = 0;
      core.v = 0;
      x[d * 2] = r;
    }
  }
  x[d * 2 + 1] = 0;
}

// One exec per (op, width, shifted): `op` is a constant in each, so V8 folds the switch away
// when it inlines combine64/combine32.
function plain64(op: Op): Executor {
  switch (op) {
    case Op.Add: return (core, p) => { const x = core.x; const i = p.imm2; add64(x, p.a, x[p.b * 2]!, x[p.b * 2 + 1]!, x[p.c * 2]! ^ i, x[p.c * 2 + 1]! ^ i, i & 1); };
    case Op.Adds: return (core, p) => { const x = core.x; const i = p.imm2; adds64(core, p.a, x[p.b * 2]!, x[p.b * 2 + 1]!, x[p.c * 2]! ^ i, x[p.c * 2 + 1]! ^ i, i & 1); };
    case Op.And: return (core, p) => { const x = core.x; const i = p.imm2; const lo = x[p.b * 2]! & (x[p.c * 2]! ^ i); x[p.a * 2 + 1] = x[p.b * 2 + 1]! & (x[p.c * 2 + 1]! ^ i); x[p.a * 2] = lo; };
    case Op.Orr: return (core, p) => { const x = core.x; const i = p.imm2; const lo = x[p.b * 2]! | (x[p.c * 2]! ^ i); x[p.a * 2 + 1] = x[p.b * 2 + 1]! | (x[p.c * 2 + 1]! ^ i); x[p.a * 2] = lo; };
    case Op.Eor: return (core, p) => { const x = core.x; const i = p.imm2; const lo = x[p.b * 2]! ^ x[p.c * 2]! ^ i; x[p.a * 2 + 1] = x[p.b * 2 + 1]! ^ x[p.c * 2 + 1]! ^ i; x[p.a * 2] = lo; };
    default: return (core, p) => { const x = core.x; const i = p.imm2; combine64(core, Op.Ands, p.a, x[p.b * 2]!, x[p.b * 2 + 1]!, x[p.c * 2]! ^ i, x[p.c * 2 + 1]! ^ i, 0); };
  }
}

function shifted64(op: Op): Executor {
  return (core, p) => {
    const x = core.x;
    const i = p.imm2;
    const lo = shift64(x[p.c * 2]!, x[p.c * 2 + 1]!, p.d, p.imm) ^ i;
    combine64(core, op, p.a, x[p.b * 2]!, x[p.b * 2 + 1]!, lo, H[0]! ^ i, i & 1);
  };
}

function plain32(op: Op): Executor {
  return (core, p) => {
    const x = core.x;
    combine32(core, op, p.a, x[p.b * 2]!, x[p.c * 2]! ^ p.imm2, p.imm2 & 1);
  };
}

function shifted32(op: Op): Executor {
  return (core, p) => {
    const x = core.x;
    combine32(core, op, p.a, x[p.b * 2]!, shift32(x[p.c * 2]!, p.d, p.imm) ^ p.imm2, p.imm2 & 1);
  };
}

const OPS = [Op.Add, Op.Adds, Op.And, Op.Orr, Op.Eor, Op.Ands];
export const EXEC_PLAIN_64 = OPS.map(plain64);
export const EXEC_SHIFTED_64 = OPS.map(shifted64);
export const EXEC_PLAIN_32 = OPS.map(plain32);
export const EXEC_SHIFTED_32 = OPS.map(shifted32);

function prepareShifted(op: Op, invert: boolean) {
  return (p: Predecoded, _w: number, f: Fields | undefined): void => {
    const is64 = fv(f, 'sf') === 1;
    p.a = wz(fv(f, 'Rd'));
    p.b = rz(fv(f, 'Rn'));
    p.c = rz(fv(f, 'Rm'));
    p.d = fv(f, 'shift');
    p.imm = fv(f, 'imm6');
    p.imm2 = invert ? -1 : 0;
    const shifted = p.imm !== 0;
    p.exec = (is64 ? (shifted ? EXEC_SHIFTED_64 : EXEC_PLAIN_64) : shifted ? EXEC_SHIFTED_32 : EXEC_PLAIN_32)[op]!;
  };
}

// ---- extended register: operand = ExtendReg(Rm, option, imm3) ^ inv; Rn (and Rd without S) may be SP ----

function extended64(op: Op.Add | Op.Adds): Executor {
  return (core, p) => {
    const x = core.x;
    const i = p.imm2;
    const lo = extend64(x[p.c * 2]!, x[p.c * 2 + 1]!, p.d, p.imm) ^ i;
    combine64(core, op, p.a, x[p.b * 2]!, x[p.b * 2 + 1]!, lo, H[0]! ^ i, i & 1);
  };
}

function extended32(op: Op.Add | Op.Adds): Executor {
  return (core, p) => {
    const x = core.x;
    combine32(core, op, p.a, x[p.b * 2]!, extend32(x[p.c * 2]!, p.d, p.imm) ^ p.imm2, p.imm2 & 1);
  };
}

const EXEC_EXT = [extended64(Op.Add), extended64(Op.Adds), extended32(Op.Add), extended32(Op.Adds)];

function prepareExtended(flags: boolean, sub: boolean) {
  return (p: Predecoded, _w: number, f: Fields | undefined): void => {
    p.a = flags ? wz(fv(f, 'Rd')) : rsp(fv(f, 'Rd'));
    p.b = rsp(fv(f, 'Rn'));
    p.c = rz(fv(f, 'Rm'));
    p.d = fv(f, 'option');
    p.imm = fv(f, 'imm3');
    p.imm2 = sub ? -1 : 0;
    p.exec = EXEC_EXT[(fv(f, 'sf') === 1 ? 0 : 2) + (flags ? 1 : 0)]!;
  };
}

// ---- with carry: AddWithCarry(Rn, Rm ^ inv, PSTATE.C) ----

const EXEC_CARRY: Executor[] = [
  (core, p) => { const x = core.x; const i = p.imm2; add64(x, p.a, x[p.b * 2]!, x[p.b * 2 + 1]!, x[p.c * 2]! ^ i, x[p.c * 2 + 1]! ^ i, core.c); },
  (core, p) => { const x = core.x; const i = p.imm2; adds64(core, p.a, x[p.b * 2]!, x[p.b * 2 + 1]!, x[p.c * 2]! ^ i, x[p.c * 2 + 1]! ^ i, core.c); },
  (core, p) => { const x = core.x; x[p.a * 2] = (x[p.b * 2]! + (x[p.c * 2]! ^ p.imm2) + core.c) | 0; x[p.a * 2 + 1] = 0; },
  (core, p) => { const x = core.x; adds32(core, p.a, x[p.b * 2]!, x[p.c * 2]! ^ p.imm2, core.c); },
];

function prepareCarry(flags: boolean, sub: boolean) {
  return (p: Predecoded, _w: number, f: Fields | undefined): void => {
    p.a = wz(fv(f, 'Rd'));
    p.b = rz(fv(f, 'Rn'));
    p.c = rz(fv(f, 'Rm'));
    p.imm2 = sub ? -1 : 0;
    p.exec = EXEC_CARRY[(fv(f, 'sf') === 1 ? 0 : 2) + (flags ? 1 : 0)]!;
  };
}

function unprepared(core: Core): void {
  core.undefinedInstruction();
}

export const DP_REG_ALU_EXECUTORS: readonly ExecutorDef[] = [
  { id: 'AND_shifted', prepare: prepareShifted(Op.And, false), exec: unprepared },
  { id: 'BIC_shifted', prepare: prepareShifted(Op.And, true), exec: unprepared },
  { id: 'ORR_shifted', prepare: prepareShifted(Op.Orr, false), exec: unprepared },
  { id: 'ORN_shifted', prepare: prepareShifted(Op.Orr, true), exec: unprepared },
  { id: 'EOR_shifted', prepare: prepareShifted(Op.Eor, false), exec: unprepared },
  { id: 'EON_shifted', prepare: prepareShifted(Op.Eor, true), exec: unprepared },
  { id: 'ANDS_shifted', prepare: prepareShifted(Op.Ands, false), exec: unprepared },
  { id: 'BICS_shifted', prepare: prepareShifted(Op.Ands, true), exec: unprepared },
  { id: 'ADD_shifted', prepare: prepareShifted(Op.Add, false), exec: unprepared },
  { id: 'ADDS_shifted', prepare: prepareShifted(Op.Adds, false), exec: unprepared },
  { id: 'SUB_shifted', prepare: prepareShifted(Op.Add, true), exec: unprepared },
  { id: 'SUBS_shifted', prepare: prepareShifted(Op.Adds, true), exec: unprepared },
  { id: 'ADD_ext', prepare: prepareExtended(false, false), exec: unprepared },
  { id: 'ADDS_ext', prepare: prepareExtended(true, false), exec: unprepared },
  { id: 'SUB_ext', prepare: prepareExtended(false, true), exec: unprepared },
  { id: 'SUBS_ext', prepare: prepareExtended(true, true), exec: unprepared },
  { id: 'ADC', prepare: prepareCarry(false, false), exec: unprepared },
  { id: 'ADCS', prepare: prepareCarry(true, false), exec: unprepared },
  { id: 'SBC', prepare: prepareCarry(false, true), exec: unprepared },
  { id: 'SBCS', prepare: prepareCarry(true, true), exec: unprepared },
];
