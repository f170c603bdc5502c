// Layer: sim/cpu/executors. Inline source of the hottest integer data-processing executors
// (dp-imm.ts, dp-reg-alu.ts, dp-reg-src.ts) for translated blocks (../block-emit.ts). Imports
// sim/cpu and those modules.
//
// Each emitter writes exactly what its exec does, with the record's operands as constants:
// register slots become fixed indexes of `x`, shift types and amounts select the expression,
// immediates are literals. Reads come before writes (Rd may be Rn or Rm).

import type { Predecoded, Executor } from '../executor-registry.ts';
import { pure, registerEmitters, type Emitter } from '../block-emit.ts';
import {
  execAdr, execAdrp, addImm64, addImm32, addsImm64, addsImm32, LOGICAL_IMM_64, LOGICAL_IMM_32, movConst, movk64, movk32, ubfm64, ubfm32, sbfm64, sbfm32,
} from './dp-imm.ts';
import { EXEC_PLAIN_64, EXEC_SHIFTED_64, EXEC_PLAIN_32, EXEC_SHIFTED_32, Op } from './dp-reg-alu.ts';
import { THREE_SOURCE } from './dp-reg-src.ts';
import { REG_ZR } from '../state.ts';

/** Low / high half of a register slot as source ('0' for the zero register). */
const lo = (slot: number): string => (slot === REG_ZR ? '0' : `x[${slot * 2}]`);
const hi = (slot: number): string => (slot === REG_ZR ? '0' : `x[${slot * 2 + 1}]`);

/** ROR of the 64-bit pair (l, h) by `a` (0..63) as [lo, hi] source (dp-common.ts ror64). */
function ror64(l: string, h: string, a: number): [string, string] {
  if (a === 0) return [l, h];
  if (a < 32) return [`((${l} >>> ${a}) | (${h} << ${32 - a}))`, `((${h} >>> ${a}) | (${l} << ${32 - a}))`];
  if (a === 32) return [h, l];
  const b = a - 32;
  return [`((${h} >>> ${b}) | (${l} << ${32 - b}))`, `((${l} >>> ${b}) | (${h} << ${32 - b}))`];
}

/** ShiftReg of a 64-bit pair (dp-common.ts shift64): type 0 LSL, 1 LSR, 2 ASR, 3 ROR. */
function shift64(l: string, h: string, type: number, a: number): [string, string] {
  if (a === 0) return [l, h];
  switch (type) {
    case 0: return a < 32 ? [`(${l} << ${a})`, `((${h} << ${a}) | (${l} >>> ${32 - a}))`] : ['0', `(${l} << ${a - 32})`];
    case 1: return a < 32 ? [`((${l} >>> ${a}) | (${h} << ${32 - a}))`, `(${h} >>> ${a})`] : [`(${h} >>> ${a - 32})`, '0'];
    case 2: return a < 32 ? [`((${l} >>> ${a}) | (${h} << ${32 - a}))`, `(${h} >> ${a})`] : [`(${h} >> ${a - 32})`, `(${h} >> 31)`];
    default: return ror64(l, h, a);
  }
}

/** ShiftReg of a 32-bit value (dp-common.ts shift32), amount 1..31. */
function shift32(v: string, type: number, a: number): string {
  switch (type) {
    case 0: return `(${v} << ${a})`;
    case 1: return `(${v} >>> ${a})`;
    case 2: return `(${v} >> ${a})`;
    default: return `((${v} >>> ${a}) | (${v} << ${32 - a}))`;
  }
}

const inv = (v: string, i: number): string => (i === 0 ? v : `~${v}`);

// Carries come from int32 arithmetic only: r = (a + b + cin) | 0 carried out iff r <u a
// (cin 0) or r ≤u a (cin 1), compared as signed after flipping bit 31. No value leaves the
// int32 range, so V8 never deoptimises a block when a sum first passes 2^30 or 2^31.
const MIN = '-2147483648';
/** Unsigned a < b (or ≤ when `orEqual`) of int32 sources. */
const ult = (a: string, b: string, orEqual: boolean): string => `(${a} ^ ${MIN}) ${orEqual ? '<=' : '<'} (${b} ^ ${MIN})`;

/** Rd ← op(al:ah, bl:bh) with carry-in `cin` (a constant), as combine64/add64/adds64 do. */
function combine64(op: Op, d: number, al: string, ah: string, bl: string, bh: string, cin: number): string {
  const D = d * 2;
  const head = `const al = ${al}, ah = ${ah}, bl = ${bl}, bh = ${bh};`;
  switch (op) {
    case Op.Add:
      return `{ ${head} const l = (al + bl + ${cin}) | 0; const c = ${ult('l', 'al', cin === 1)} ? 1 : 0; x[${D}] = l; x[${D + 1}] = (ah + bh + c) | 0; }`;
    case Op.Adds:
      return `{ ${head} const rl = (al + bl + ${cin}) | 0; const c1 = ${ult('rl', 'al', cin === 1)} ? 1 : 0; const rh = (ah + bh + c1) | 0;` +
        ` core.n = rh >>> 31; core.z = (rl | rh) === 0 ? 1 : 0; core.c = ${ult('rh', 'ah', false)} || (c1 === 1 && rh === ah) ? 1 : 0;` +
        ` core.v = ((ah ^ rh) & (bh ^ rh)) >>> 31; x[${D}] = rl; x[${D + 1}] = rh; }`;
    case Op.And: return `{ ${head} x[${D}] = al & bl; x[${D + 1}] = ah & bh; }`;
    case Op.Orr: return `{ ${head} x[${D}] = al | bl; x[${D + 1}] = ah | bh; }`;
    case Op.Eor: return `{ ${head} x[${D}] = al ^ bl; x[${D + 1}] = ah ^ bh; }`;
    default:
      return `{ ${head} const l = al & bl, h = ah & bh; core.n = h >>> 31; core.z = (l | h) === 0 ? 1 : 0; core.c = 0; core.v = 0; x[${D}] = l; x[${D + 1}] = h; }`;
  }
}

/** Rd ← op(a, b) on W registers (combine32/adds32), upper half zeroed. */
function combine32(op: Op, d: number, a: string, b: string, cin: number): string {
  const D = d * 2;
  const head = `const a = ${a}, b = ${b};`;
  switch (op) {
    case Op.Add: return `{ ${head} x[${D}] = (a + b + ${cin}) | 0; x[${D + 1}] = 0; }`;
    case Op.Adds:
      return `{ ${head} const r = (a + b + ${cin}) | 0; core.n = r >>> 31; core.z = r === 0 ? 1 : 0; core.c = ${ult('r', 'a', cin === 1)} ? 1 : 0;` +
        ` core.v = ((a ^ r) & (b ^ r)) >>> 31; x[${D}] = r; x[${D + 1}] = 0; }`;
    case Op.And: return `{ ${head} x[${D}] = a & b; x[${D + 1}] = 0; }`;
    case Op.Orr: return `{ ${head} x[${D}] = a | b; x[${D + 1}] = 0; }`;
    case Op.Eor: return `{ ${head} x[${D}] = a ^ b; x[${D + 1}] = 0; }`;
    default: return `{ ${head} const r = a & b; core.n = r >>> 31; core.z = r === 0 ? 1 : 0; core.c = 0; core.v = 0; x[${D}] = r; x[${D + 1}] = 0; }`;
  }
}

const OPS = [Op.Add, Op.Adds, Op.And, Op.Orr, Op.Eor, Op.Ands];
const entries: [Executor, Emitter][] = [];

// Shifted register: a = Rd, b = Rn, c = Rm, d = shift type, imm = amount, imm2 = inversion mask.
OPS.forEach((op, i) => {
  entries.push([EXEC_PLAIN_64[i]!, (p) => pure(combine64(op, p.a, lo(p.b), hi(p.b), inv(lo(p.c), p.imm2), inv(hi(p.c), p.imm2), p.imm2 & 1))]);
  entries.push([EXEC_SHIFTED_64[i]!, (p) => {
    const [l, h] = shift64(lo(p.c), hi(p.c), p.d, p.imm);
    return pure(combine64(op, p.a, lo(p.b), hi(p.b), inv(l, p.imm2), inv(h, p.imm2), p.imm2 & 1));
  }]);
  entries.push([EXEC_PLAIN_32[i]!, (p) => pure(combine32(op, p.a, lo(p.b), inv(lo(p.c), p.imm2), p.imm2 & 1))]);
  entries.push([EXEC_SHIFTED_32[i]!, (p) => pure(combine32(op, p.a, lo(p.b), inv(shift32(lo(p.c), p.d, p.imm), p.imm2), p.imm2 & 1))]);
});

// Add/sub immediate: a = Rd, b = Rn, imm/imm2 the (possibly inverted) operand, c the carry-in.
entries.push(
  [addImm64, (p) => pure(combine64(Op.Add, p.a, lo(p.b), hi(p.b), `${p.imm}`, `${p.imm2}`, p.c))],
  [addsImm64, (p) => pure(combine64(Op.Adds, p.a, lo(p.b), hi(p.b), `${p.imm}`, `${p.imm2}`, p.c))],
  [addImm32, (p) => pure(combine32(Op.Add, p.a, lo(p.b), `${p.imm}`, p.c))],
  [addsImm32, (p) => pure(combine32(Op.Adds, p.a, lo(p.b), `${p.imm}`, p.c))],
);

// Logical immediate: AND, ORR, EOR, ANDS.
const LOGICAL = [Op.And, Op.Orr, Op.Eor, Op.Ands];
LOGICAL.forEach((op, i) => {
  entries.push([LOGICAL_IMM_64[i]!, (p) => pure(combine64(op, p.a, lo(p.b), hi(p.b), `${p.imm}`, `${p.imm2}`, 0))]);
  entries.push([LOGICAL_IMM_32[i]!, (p) => pure(combine32(op, p.a, lo(p.b), `${p.imm}`, 0))]);
});

// Move wide, bitfield moves, PC-relative addresses, MADD (W).
entries.push(
  [movConst, (p) => pure(`x[${p.a * 2}] = ${p.imm}; x[${p.a * 2 + 1}] = ${p.imm2};`)],
  [movk64, (p) => pure(`x[${p.a * 2 + p.c}] = (x[${p.a * 2 + p.c}] & ${p.d}) | ${p.imm};`)],
  [movk32, (p) => pure(`x[${p.a * 2}] = (x[${p.a * 2}] & ${p.d}) | ${p.imm}; x[${p.a * 2 + 1}] = 0;`)],
  [ubfm64, (p) => {
    const [l, h] = ror64('sl', 'sh', p.c);
    return pure(`{ const sl = ${lo(p.b)}, sh = ${hi(p.b)}; x[${p.a * 2}] = ${l} & ${p.imm}; x[${p.a * 2 + 1}] = ${h} & ${p.imm2}; }`);
  }],
  [ubfm32, (p) => pure(`{ const v = ${lo(p.b)}; x[${p.a * 2}] = ((v >>> ${p.c}) | (v << ${32 - p.c})) & ${p.imm}; x[${p.a * 2 + 1}] = 0; }`)],
  [sbfm64, (p) => {
    const [l, h] = ror64('sl', 'sh', p.c);
    const s = p.d & 0xff;
    const k = p.d >>> 8;
    const sign = s >= 32 ? `((sh >>> ${s - 32}) & 1)` : `((sl >>> ${s}) & 1)`;
    const fill = k < 32 ? `l |= ${-1 << k}; h = -1;` : k < 64 ? `h |= ${-1 << (k - 32)};` : '';
    return pure(`{ const sl = ${lo(p.b)}, sh = ${hi(p.b)}; let l = ${l} & ${p.imm}, h = ${h} & ${p.imm2}; if (${sign} === 1) { ${fill} } x[${p.a * 2}] = l; x[${p.a * 2 + 1}] = h; }`);
  }],
  [sbfm32, (p) => {
    const k = p.d >>> 8;
    const fill = k < 32 ? `if (((v >>> ${p.d & 0xff}) & 1) === 1) r |= ${-1 << k};` : '';
    return pure(`{ const v = ${lo(p.b)}; let r = ((v >>> ${p.c}) | (v << ${32 - p.c})) & ${p.imm}; ${fill} x[${p.a * 2}] = r; x[${p.a * 2 + 1}] = 0; }`);
  }],
  [execAdr, (p, pc) => pure(`{ const v = ${pc} + ${p.imm}; x[${p.a * 2}] = v | 0; x[${p.a * 2 + 1}] = Math.floor(v / 4294967296) | 0; }`)],
  [execAdrp, (p, pc) => pure(`{ const pc = ${pc}; const v = pc - (pc & 0xfff) + ${p.imm * 4096}; x[${p.a * 2}] = v | 0; x[${p.a * 2 + 1}] = Math.floor(v / 4294967296) | 0; }`)],
  [THREE_SOURCE.MADD32!, (p: Predecoded) => pure(`x[${p.a * 2}] = (${lo(p.d)} + Math.imul(${lo(p.b)}, ${lo(p.c)})) | 0; x[${p.a * 2 + 1}] = 0;`)],
);

registerEmitters(entries);
