// Layer: sim/cpu/executors. Inline source of the Advanced SIMD forms of vectorised C loops
// (simd-fp-vector-fast.ts) and of LD1R (ldst-simd.ts) for translated blocks
// (../block-emit.ts). Imports sim/cpu and those modules.
//
// Lanes are unrolled with fixed indexes into `v` (core.vi32) and `vb` (core.vb); the record
// layout is the exec's (a/b/c byte offsets of Vd/Vn/Vm, imm the lane count or byte width,
// imm2 the shift). Every source lane is read before Vd is written.

import type { Executor, Predecoded } from '../executor-registry.ts';
import { mem, pure, registerEmitters, type Emitter } from '../block-emit.ts';
import { REG_SP } from '../state.ts';
import { mla32, mls32, mul32, add32, sub32, eorV, orrV, andV, ushll8, sshll8, ushll16, sshll16 } from './simd-fp-vector-fast.ts';
import { execReplicate } from './ldst-simd.ts';

/** Vd ← op(Vn, Vm) on `p.imm` 32-bit lanes (2: Q = 0, upper half zeroed). */
function lanes32(op: (n: string, m: string, d: string) => string): Emitter {
  return (p) => {
    const a = p.a >> 2, b = p.b >> 2, c = p.c >> 2, n = p.imm;
    const reads: string[] = [];
    const writes: string[] = [];
    for (let i = 0; i < n; i++) {
      reads.push(`const r${i} = ${op(`v[${b + i}]`, `v[${c + i}]`, `v[${a + i}]`)};`);
      writes.push(`v[${a + i}] = r${i};`);
    }
    if (n === 2) writes.push(`v[${a + 2}] = 0; v[${a + 3}] = 0;`);
    return pure(`{ ${reads.join(' ')} ${writes.join(' ')} }`);
  };
}

/** Whole-register logical op (imm 16 or 8 bytes). */
function bitwise(op: string): Emitter {
  return (p) => {
    const a = p.a >> 2, b = p.b >> 2, c = p.c >> 2;
    const n = p.imm === 16 ? 4 : 2;
    const reads: string[] = [];
    const writes: string[] = [];
    for (let i = 0; i < n; i++) {
      reads.push(b === c && op !== '^' ? `const r${i} = v[${b + i}];` : `const r${i} = v[${b + i}] ${op} v[${c + i}];`);
      writes.push(`v[${a + i}] = r${i};`);
    }
    if (n === 2) writes.push(`v[${a + 2}] = 0; v[${a + 3}] = 0;`);
    return pure(`{ ${reads.join(' ')} ${writes.join(' ')} }`);
  };
}

/** USHLL/SSHLL 8 → 16 bits: 8 byte lanes of Vn (byte offset p.b) into Vd. */
function long8(signed: boolean): Emitter {
  return (p) => {
    const b = p.b, sh = p.imm2, a = p.a >> 2;
    const lane = (i: number): string => `((${signed ? `((vb[${b + i}] << 24) >> 24)` : `vb[${b + i}]`} << ${sh}) & 0xffff)`;
    const reads = [0, 1, 2, 3].map((w) => `const r${w} = ${lane(2 * w)} | (${lane(2 * w + 1)} << 16);`);
    return pure(`{ ${reads.join(' ')} v[${a}] = r0; v[${a + 1}] = r1; v[${a + 2}] = r2; v[${a + 3}] = r3; }`);
  };
}

/** USHLL/SSHLL 16 → 32 bits: 4 lanes from the low 8 bytes at Vn (word offset p.b >> 2). */
function long16(signed: boolean): Emitter {
  return (p) => {
    const b = p.b >> 2, sh = p.imm2, a = p.a >> 2;
    const l = signed ? ['((w0 << 16) >> 16)', '(w0 >> 16)', '((w1 << 16) >> 16)', '(w1 >> 16)'] : ['(w0 & 0xffff)', '(w0 >>> 16)', '(w1 & 0xffff)', '(w1 >>> 16)'];
    return pure(`{ const w0 = v[${b}], w1 = v[${b + 1}]; ${l.map((e, i) => `v[${a + i}] = ${e} << ${sh};`).join(' ')} }`);
  };
}

/**
 * LD1R (one register, no write-back or write-back by the immediate): p.a Vt, p.b base slot,
 * p.imm transfer bytes, p.imm2 write-back kind, p.c = Q | log2(esize) << 1 | selem << 3.
 */
const replicate: Emitter = (p: Predecoded) => {
  const q = p.c & 1, log2 = (p.c >>> 1) & 3, selem = p.c >>> 3;
  if (selem !== 1 || p.imm2 > 1 || p.b === REG_SP) return null;
  const b = p.b * 2;
  const i = (p.a & 31) * 4;
  const load = [
    'const lo = Math.imul(core.read8(va), 0x01010101), hi = lo;',
    'const lo = core.read16(va) * 0x10001, hi = lo;',
    'const lo = core.read32(va), hi = lo;',
    'const lo = core.read64(va), hi = core.memHi;',
  ][log2]!;
  // The write-back in int32 halves (imm > 0: a carry when the low half wrapped).
  const wb = p.imm2 === 1 ? `const wl = (x[${b}] + ${p.imm}) | 0; const wh = (x[${b + 1}] + ((wl ^ -2147483648) < (x[${b}] ^ -2147483648) ? 1 : 0)) | 0;` : '';
  const wbWrite = p.imm2 === 1 ? `x[${b}] = wl; x[${b + 1}] = wh;` : '';
  return mem(
    `{ const va = vaOf(x[${b + 1}], x[${b}], 0); ${wb} ${load} v[${i}] = lo; v[${i + 1}] = hi; v[${i + 2}] = ${q ? 'lo' : '0'}; v[${i + 3}] = ${q ? 'hi' : '0'}; ${wbWrite} }`,
  );
};

const entries: [Executor, Emitter][] = [
  [mla32, lanes32((n, m, d) => `(${d} + Math.imul(${n}, ${m})) | 0`)],
  [mls32, lanes32((n, m, d) => `(${d} - Math.imul(${n}, ${m})) | 0`)],
  [mul32, lanes32((n, m) => `Math.imul(${n}, ${m})`)],
  [add32, lanes32((n, m) => `(${n} + ${m}) | 0`)],
  [sub32, lanes32((n, m) => `(${n} - ${m}) | 0`)],
  [eorV, bitwise('^')],
  [orrV, bitwise('|')],
  [andV, bitwise('&')],
  [ushll8, long8(false)],
  [sshll8, long8(true)],
  [ushll16, long16(false)],
  [sshll16, long16(true)],
  [execReplicate, replicate],
];

registerEmitters(entries);
