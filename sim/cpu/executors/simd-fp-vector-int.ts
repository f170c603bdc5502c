// Layer: sim/cpu/executors. Executors for the integer rows of the Advanced SIMD arithmetic
// tables (three same, two-register misc, shifts by immediate, by element, three different,
// their scalar forms, logical, CNT); REV, across lanes, PMULL, dot product and the estimates are
// in simd-fp-vector-int-special.ts. Imports sim/cpu and the table types.
//
// Every row gets the exact bigint executor of the engine; prepare swaps in a number-engine
// executor (`fast`) for lane sizes where JS numbers are exact — the common gcc/clang cases.
import type { Fields } from '../../../core/arch/a64/spec.ts';
import type { Executor, ExecutorDef, Predecoded } from '../executor-registry.ts';
import type { Core } from '../core.ts';
import { bExec, nLong, nNarrow, nPair, nSame2, nSame3, nWide, sat, sxN, type NOp, type Shape } from './simd-fp-vector-engine.ts';
import { HIGH, LONG, MISC2, NARROW, SAME3, SHIFT_IMM, WIDE } from './simd-fp-vector-int-ops.ts';
import * as P from './simd-fp-vector-prep.ts';
import { LONG64, SAME64, d64Long, d64Same } from './simd-fp-vector-d64.ts';
import { withFastPaths } from './simd-fp-vector-fast.ts';

type Prep = (p: Predecoded, word: number, f: Fields | undefined) => void;

/** A row: bigint exec for every size, optional faster exec for sizes below `fastBelow` (log2 bytes). */
function def(id: string, prep: Prep, exec: Executor, fast?: Executor, fastBelow = 3): ExecutorDef {
  if (!fast) return { id, exec, prepare: prep };
  return {
    id,
    exec,
    prepare: (p, w, f) => {
      prep(p, w, f);
      if (p.d < fastBelow) p.exec = fast;
    },
  };
}

// ---- number-engine ops (e ≤ 32) ----
const ONES = -1;
/** Signed / unsigned saturation of an exact number to e bits, noting QC. */
function satSN(e: number, x: number): number {
  const max = 2 ** (e - 1) - 1;
  if (x > max) {
    sat.qc = 1;
    return max;
  }
  if (x < -max - 1) {
    sat.qc = 1;
    return -max - 1;
  }
  return x;
}
function satUN(e: number, x: number): number {
  const max = 2 ** e - 1;
  if (x > max) {
    sat.qc = 1;
    return max;
  }
  if (x < 0) {
    sat.qc = 1;
    return 0;
  }
  return x;
}
const N: Record<string, NOp> = {
  ADD: (n, m) => n + m,
  SUB: (n, m) => n - m,
  MUL: (n, m) => Math.imul(n, m),
  MLA: (n, m, d) => d + Math.imul(n, m),
  MLS: (n, m, d) => d - Math.imul(n, m),
  CMEQ_reg: (n, m) => (n === m ? ONES : 0),
  CMHI_reg: (n, m) => (n > m ? ONES : 0),
  CMHS_reg: (n, m) => (n >= m ? ONES : 0),
  CMGT_reg: (n, m, _d, e) => (sxN(e, n) > sxN(e, m) ? ONES : 0),
  CMGE_reg: (n, m, _d, e) => (sxN(e, n) >= sxN(e, m) ? ONES : 0),
  CMTST: (n, m) => ((n & m) !== 0 ? ONES : 0),
  UMAX: (n, m) => (n > m ? n : m),
  UMIN: (n, m) => (n < m ? n : m),
  SMAX: (n, m, _d, e) => (sxN(e, n) > sxN(e, m) ? n : m),
  SMIN: (n, m, _d, e) => (sxN(e, n) < sxN(e, m) ? n : m),
  UABD: (n, m) => Math.abs(n - m),
  SABD: (n, m, _d, e) => Math.abs(sxN(e, n) - sxN(e, m)),
  UHADD: (n, m) => Math.floor((n + m) / 2),
  UHSUB: (n, m) => Math.floor((n - m) / 2),
  SHADD: (n, m, _d, e) => Math.floor((sxN(e, n) + sxN(e, m)) / 2),
  SHSUB: (n, m, _d, e) => Math.floor((sxN(e, n) - sxN(e, m)) / 2),
  SRHADD: (n, m, _d, e) => Math.floor((sxN(e, n) + sxN(e, m) + 1) / 2),
  SQADD: (n, m, _d, e) => satSN(e, sxN(e, n) + sxN(e, m)),
  SQSUB: (n, m, _d, e) => satSN(e, sxN(e, n) - sxN(e, m)),
  UQADD: (n, m, _d, e) => satUN(e, n + m),
  UQSUB: (n, m, _d, e) => satUN(e, n - m),
  // Saturating narrows (n is the 2e-bit source, e ≤ 16 so it is exact).
  SQXTN: (n, _m, _d, e) => satSN(e, sxN(2 * e, n)),
  SQXTUN: (n, _m, _d, e) => satUN(e, sxN(2 * e, n)),
  UQXTN: (n, _m, _d, e) => satUN(e, n),
  URHADD: (n, m) => Math.floor((n + m + 1) / 2),
  CMEQ_zero: (n) => (n === 0 ? ONES : 0),
  CMGT_zero: (n, _m, _d, e) => (sxN(e, n) > 0 ? ONES : 0),
  CMGE_zero: (n, _m, _d, e) => (sxN(e, n) >= 0 ? ONES : 0),
  CMLT_zero: (n, _m, _d, e) => (sxN(e, n) < 0 ? ONES : 0),
  CMLE_zero: (n, _m, _d, e) => (sxN(e, n) <= 0 ? ONES : 0),
  ABS: (n, _m, _d, e) => Math.abs(sxN(e, n)),
  NEG: (n) => -n,
  CLZ: (n, _m, _d, e) => Math.clz32(n) - (32 - e),
  // Shifts by immediate: m is the amount (right shifts 1..e, left 0..e-1).
  USHR: (n, m, _d, e) => (m >= e ? 0 : n >>> m),
  SSHR: (n, m, _d, e) => sxN(e, n) >> (m >= 32 ? 31 : m),
  USRA: (n, m, d, e) => d + (m >= e ? 0 : n >>> m),
  SSRA: (n, m, d, e) => d + (sxN(e, n) >> (m >= 32 ? 31 : m)),
  SHL: (n, m) => n << m,
  // Long: values fit 32 bits for e ≤ 16.
  UADDL: (n, m) => n + m,
  SADDL: (n, m, _d, e) => sxN(e, n) + sxN(e, m),
  USUBL: (n, m) => n - m,
  SSUBL: (n, m, _d, e) => sxN(e, n) - sxN(e, m),
  UMULL: (n, m) => n * m,
  SMULL: (n, m, _d, e) => sxN(e, n) * sxN(e, m),
  UMLAL: (n, m, d) => d + n * m,
  SMLAL: (n, m, d, e) => d + sxN(e, n) * sxN(e, m),
  UMLSL: (n, m, d) => d - n * m,
  SMLSL: (n, m, d, e) => d - sxN(e, n) * sxN(e, m),
  UABDL: (n, m) => Math.abs(n - m),
  UABAL: (n, m, d) => d + Math.abs(n - m),
  USHLL: (n, m) => n << m,
  SSHLL: (n, m, _d, e) => sxN(e, n) << m,
  SHLL: (n, m) => n << m,
  XTN: (n) => n,
  SHRN: (n, m) => n >>> m,
};

const defs: ExecutorDef[] = [];
const vecSame = (stem: string, shape: Shape, prep: Prep, op = SAME3[stem]!) => defs.push(def(`${stem}_vector`, prep, bExec(shape, op), fastFor(stem, shape)));

function fastFor(stem: string, shape: Shape): Executor | undefined {
  const op = N[stem];
  if (!op) return undefined;
  if (shape === 'same') return nSame3(op);
  if (shape === 'pair') return nPair(op);
  if (shape === 'imm') return nSame2(op, false);
  if (shape === 'elem') return nSame2(op, true);
  return undefined;
}

// Three same, vector and scalar.
const PAIRWISE = new Set(['SMAXP', 'SMINP', 'ADDP', 'UMAXP', 'UMINP']);
N.ADDP = N.ADD!;
N.UMAXP = N.UMAX!;
N.UMINP = N.UMIN!;
N.SMAXP = N.SMAX!;
N.SMINP = N.SMIN!;
for (const stem of Object.keys(SAME3)) {
  if (stem === 'SQRDMLAH' || stem === 'SQRDMLSH') continue;
  vecSame(stem, PAIRWISE.has(stem) ? 'pair' : 'same', P.prepVec);
}
for (const stem of ['SQRDMLAH', 'SQRDMLSH']) {
  defs.push(def(`${stem}_vector`, P.prepVec, bExec('same', SAME3[stem]!)));
  defs.push(def(`${stem}_asisd`, P.prepScalar, bExec('same', SAME3[stem]!)));
}
for (const stem of [
  'SQADD', 'SQSUB', 'CMGT_reg', 'CMGE_reg', 'SSHL', 'SQSHL_reg', 'SRSHL', 'SQRSHL', 'ADD', 'CMTST', 'SQDMULH',
  'UQADD', 'UQSUB', 'CMHI_reg', 'CMHS_reg', 'USHL', 'UQSHL_reg', 'URSHL', 'UQRSHL', 'SUB', 'CMEQ_reg', 'SQRDMULH',
]) {
  defs.push(def(`${stem}_asisd`, P.prepScalar, bExec('same', SAME3[stem]!)));
}

// Two-register misc, vector and scalar.
for (const stem of ['SUQADD', 'USQADD', 'CLS', 'CLZ', 'SQABS', 'SQNEG', 'CMGT_zero', 'CMEQ_zero', 'CMLT_zero', 'CMGE_zero', 'CMLE_zero', 'ABS', 'NEG']) {
  const op = MISC2[stem]!;
  const fast = N[stem] ? nSame2(N[stem], false) : undefined;
  defs.push(def(`${stem}_vector`, P.prepVec, bExec('imm', op), fast));
  if (stem !== 'CLS' && stem !== 'CLZ') defs.push(def(`${stem}_asisd`, P.prepScalar, bExec('imm', op)));
}
defs.push(def('NOT_vector', P.prepBytes, bExec('imm', MISC2.NOT!), nSame2((n) => ~n, false)));
defs.push(def('RBIT_vector', P.prepBytes, bExec('imm', MISC2.RBIT!)));

// Popcount of bytes.
const POP = new Uint8Array(256);
for (let i = 1; i < 256; i++) POP[i] = (i & 1) + POP[i >> 1]!;
defs.push(def('CNT_vector', P.prepBytes, nSame2((n) => POP[n]!, false)));

// Narrowing (vector "2" forms write the upper half) and their scalar forms.
for (const stem of ['XTN', 'SQXTN', 'SQXTUN', 'UQXTN']) {
  defs.push(def(`${stem}_vector`, P.prepNarrow, bExec('narrow', NARROW[stem]!), nNarrow(N[stem]!), stem === 'XTN' ? 4 : 2));
  if (stem !== 'XTN') defs.push(def(`${stem}_asisd`, P.prepScalar, bExec('narrow', NARROW[stem]!)));
}

// Pairwise long.
const LPAIR_N: Record<string, NOp> = {
  SADDLP: (n, m, _d, e) => sxN(e, n) + sxN(e, m),
  UADDLP: (n, m) => n + m,
  SADALP: (n, m, d, e) => d + sxN(e, n) + sxN(e, m),
  UADALP: (n, m, d) => d + n + m,
};
for (const stem of ['SADDLP', 'UADDLP', 'SADALP', 'UADALP']) defs.push(def(`${stem}_vector`, P.prepLPair, bExec('lpair', LONG[stem]!), nWide(LPAIR_N[stem]!, true), 2));
defs.push(def('SHLL_vector', P.prepLong, bExec('longI', LONG.SHLL!), nLong(N.SHLL!, 2), 2));

// Shifts by immediate.
const SHIFT_KIND: Record<string, 'right' | 'left' | 'narrow' | 'long'> = {
  SSHR: 'right', SSRA: 'right', SRSHR: 'right', SRSRA: 'right', SHL: 'left', SQSHL_imm: 'left', USHR: 'right', USRA: 'right',
  URSHR: 'right', URSRA: 'right', SRI: 'right', SLI: 'left', SQSHLU: 'left', UQSHL_imm: 'left',
};
for (const [stem, kind] of Object.entries(SHIFT_KIND)) {
  const op = SHIFT_IMM[stem]!;
  defs.push(def(`${stem}_vector`, P.prepShift(kind, false), bExec('imm', op), N[stem] ? nSame2(N[stem], false) : undefined));
  defs.push(def(`${stem}_asisd`, P.prepShift(kind, true), bExec('imm', op)));
}
for (const stem of Object.keys(NARROW)) {
  if (stem.endsWith('XTN') || stem === 'XTUN' || stem === 'SQXTUN') continue;
  defs.push(def(`${stem}_vector`, P.prepShift('narrow', false), bExec('narrow', NARROW[stem]!), stem === 'SHRN' ? nNarrow(N.SHRN!) : undefined, 2));
  if (stem !== 'SHRN' && stem !== 'RSHRN') defs.push(def(`${stem}_asisd`, P.prepShift('narrow', true), bExec('narrow', NARROW[stem]!)));
}
for (const stem of ['SSHLL', 'USHLL']) defs.push(def(`${stem}_vector`, P.prepShift('long', false), bExec('longI', LONG[stem]!), nLong(N[stem]!, 2), 2));

// Three different.
for (const stem of ['SADDL', 'SSUBL', 'SABAL', 'SABDL', 'SMLAL', 'SMLSL', 'SMULL', 'SQDMULL', 'SQDMLAL', 'SQDMLSL', 'UADDL', 'USUBL', 'UABAL', 'UABDL', 'UMLAL', 'UMLSL', 'UMULL']) {
  defs.push(def(`${stem}_vector`, P.prepLong, bExec('long', LONG[stem]!), N[stem] ? nLong(N[stem], 0) : undefined, 2));
  if (stem.startsWith('SQD')) defs.push(def(`${stem}_asisd`, P.prepScalar, bExec('long', LONG[stem]!)));
}
const WIDE_N: Record<string, NOp> = {
  SADDW: (n, m, _d, e) => n + sxN(e, m),
  SSUBW: (n, m, _d, e) => n - sxN(e, m),
  UADDW: (n, m) => n + m,
  USUBW: (n, m) => n - m,
};
for (const stem of Object.keys(WIDE)) defs.push(def(`${stem}_vector`, P.prepWide, bExec('wide', WIDE[stem]!), nWide(WIDE_N[stem]!, false), 2));
for (const stem of Object.keys(HIGH)) defs.push(def(`${stem}_vector`, P.prepNarrow, bExec('high', HIGH[stem]!)));

// By element.
for (const stem of ['MUL', 'MLA', 'MLS', 'SQDMULH', 'SQRDMULH', 'SQRDMLAH', 'SQRDMLSH']) {
  const fast = N[stem] ? nSame2(N[stem], true) : undefined;
  defs.push(def(`${stem}_elem_vector`, P.prepElem('same', false), bExec('elem', SAME3[stem]!), fast));
  if (stem.startsWith('SQ')) defs.push(def(`${stem}_elem_asisd`, P.prepElem('same', true), bExec('elem', SAME3[stem]!)));
}
for (const stem of ['SMLAL', 'SQDMLAL', 'SMLSL', 'SQDMLSL', 'SMULL', 'SQDMULL', 'UMLAL', 'UMLSL', 'UMULL']) {
  defs.push(def(`${stem}_elem_vector`, P.prepElem('long', false), bExec('longE', LONG[stem]!), N[stem] ? nLong(N[stem], 1) : undefined, 2));
  if (stem.startsWith('SQD')) defs.push(def(`${stem}_elem_asisd`, P.prepElem('long', true), bExec('longE', LONG[stem]!)));
}

// ---- logical (whole register, 32-bit words) ----
function logical(op: (d: number, n: number, m: number) => number): Executor {
  return (core: Core, p: Predecoded) => {
    const x = core.vi32;
    const a = p.a >> 2;
    const b = p.b >> 2;
    const c = p.c >> 2;
    const r0 = op(x[a]!, x[b]!, x[c]!);
    const r1 = op(x[a + 1]!, x[b + 1]!, x[c + 1]!);
    if (p.imm === 16) {
      const r2 = op(x[a + 2]!, x[b + 2]!, x[c + 2]!);
      x[a + 3] = op(x[a + 3]!, x[b + 3]!, x[c + 3]!);
      x[a + 2] = r2;
    } else {
      x[a + 2] = 0;
      x[a + 3] = 0;
    }
    x[a] = r0;
    x[a + 1] = r1;
  };
}
defs.push(
  def('AND_vector', P.prepBytes, logical((_d, n, m) => n & m)),
  def('BIC_reg_vector', P.prepBytes, logical((_d, n, m) => n & ~m)),
  def('ORR_reg_vector', P.prepBytes, logical((_d, n, m) => n | m)),
  def('ORN_vector', P.prepBytes, logical((_d, n, m) => n | ~m)),
  def('EOR_vector', P.prepBytes, logical((_d, n, m) => n ^ m)),
  def('BSL_vector', P.prepBytes, logical((d, n, m) => (d & n) | (~d & m))),
  def('BIT_vector', P.prepBytes, logical((d, n, m) => (n & m) | (d & ~m))),
  def('BIF_vector', P.prepBytes, logical((d, n, m) => (n & ~m) | (d & m))),
);

// ---- lo/hi number executors for the common 64-bit-lane forms (instead of the bigint path) ----
function with64(id: string, size: number, exec: Executor): void {
  const i = defs.findIndex((d) => d.id === id);
  const base = defs[i]!;
  const prep = base.prepare!;
  defs[i] = {
    id,
    exec: base.exec,
    prepare: (p, w, f) => {
      prep(p, w, f);
      if (p.d === size) p.exec = exec;
    },
  };
}
for (const stem of ['ADD', 'SUB', 'CMEQ_reg', 'CMGT_reg', 'CMGE_reg', 'CMHI_reg', 'CMHS_reg', 'CMTST']) {
  with64(`${stem}_vector`, 3, d64Same(SAME64[stem]!, 0));
  with64(`${stem}_asisd`, 3, d64Same(SAME64[stem]!, 0));
}
for (const stem of ['CMEQ_zero', 'CMGT_zero', 'CMGE_zero', 'CMLT_zero', 'CMLE_zero', 'NEG', 'USHR', 'SSHR', 'SHL']) {
  with64(`${stem}_vector`, 3, d64Same(SAME64[stem]!, 1));
  with64(`${stem}_asisd`, 3, d64Same(SAME64[stem]!, 1));
}
for (const stem of ['UMULL', 'SMULL', 'UMLAL', 'SMLAL', 'UADDL', 'SADDL', 'USUBL', 'SSUBL']) with64(`${stem}_vector`, 2, d64Long(LONG64[stem]!, 0));
for (const stem of ['UMULL', 'SMULL', 'UMLAL', 'SMLAL']) with64(`${stem}_elem_vector`, 2, d64Long(LONG64[stem]!, 1));
for (const stem of ['USHLL', 'SSHLL']) with64(`${stem}_vector`, 2, d64Long(LONG64[stem]!, 2));

export const SIMD_INT_EXECUTORS: readonly ExecutorDef[] = withFastPaths(defs);
