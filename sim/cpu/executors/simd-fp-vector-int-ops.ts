// Layer: sim/cpu/executors. The integer lane operations of the Advanced SIMD arithmetic rows,
// exact (bigint) per the Arm ARM pseudocode, keyed by the row id stem. Imports the engine only.
//
// Every op receives unsigned lane values (n, m, d) and the source lane size e in bits, and
// returns the result at infinite precision; the engine truncates it to the destination lane.
import { type BOp, rshl, satS, satU, shAmt, shl, sx } from './simd-fp-vector-engine.ts';

const ones = -1n;
const abs = (x: bigint): bigint => (x < 0n ? -x : x);
const half = (e: number): bigint => 1n << BigInt(e - 1);

/** Three same (and their scalar forms): m is a lane of the same size. */
export const SAME3: Readonly<Record<string, BOp>> = {
  SHADD: (n, m, _d, e) => (sx(e, n) + sx(e, m)) >> 1n,
  SQADD: (n, m, _d, e) => satS(e, sx(e, n) + sx(e, m)),
  SRHADD: (n, m, _d, e) => (sx(e, n) + sx(e, m) + 1n) >> 1n,
  SHSUB: (n, m, _d, e) => (sx(e, n) - sx(e, m)) >> 1n,
  SQSUB: (n, m, _d, e) => satS(e, sx(e, n) - sx(e, m)),
  CMGT_reg: (n, m, _d, e) => (sx(e, n) > sx(e, m) ? ones : 0n),
  CMGE_reg: (n, m, _d, e) => (sx(e, n) >= sx(e, m) ? ones : 0n),
  SSHL: (n, m, _d, e) => shl(sx(e, n), shAmt(m)),
  SQSHL_reg: (n, m, _d, e) => satS(e, shl(sx(e, n), shAmt(m))),
  SRSHL: (n, m, _d, e) => rshl(sx(e, n), shAmt(m)),
  SQRSHL: (n, m, _d, e) => satS(e, rshl(sx(e, n), shAmt(m))),
  SMAX: (n, m, _d, e) => (sx(e, n) > sx(e, m) ? n : m),
  SMIN: (n, m, _d, e) => (sx(e, n) < sx(e, m) ? n : m),
  SABD: (n, m, _d, e) => abs(sx(e, n) - sx(e, m)),
  SABA: (n, m, d, e) => d + abs(sx(e, n) - sx(e, m)),
  ADD: (n, m) => n + m,
  CMTST: (n, m) => ((n & m) !== 0n ? ones : 0n),
  MLA: (n, m, d) => d + n * m,
  MUL: (n, m) => n * m,
  SMAXP: (n, m, _d, e) => (sx(e, n) > sx(e, m) ? n : m),
  SMINP: (n, m, _d, e) => (sx(e, n) < sx(e, m) ? n : m),
  SQDMULH: (n, m, _d, e) => satS(e, (2n * sx(e, n) * sx(e, m)) >> BigInt(e)),
  ADDP: (n, m) => n + m,
  UHADD: (n, m) => (n + m) >> 1n,
  UQADD: (n, m, _d, e) => satU(e, n + m),
  URHADD: (n, m) => (n + m + 1n) >> 1n,
  UHSUB: (n, m) => (n - m) >> 1n,
  UQSUB: (n, m, _d, e) => satU(e, n - m),
  CMHI_reg: (n, m) => (n > m ? ones : 0n),
  CMHS_reg: (n, m) => (n >= m ? ones : 0n),
  USHL: (n, m) => shl(n, shAmt(m)),
  UQSHL_reg: (n, m, _d, e) => satU(e, shl(n, shAmt(m))),
  URSHL: (n, m) => rshl(n, shAmt(m)),
  UQRSHL: (n, m, _d, e) => satU(e, rshl(n, shAmt(m))),
  UMAX: (n, m) => (n > m ? n : m),
  UMIN: (n, m) => (n < m ? n : m),
  UABD: (n, m) => abs(n - m),
  UABA: (n, m, d) => d + abs(n - m),
  SUB: (n, m) => n - m,
  CMEQ_reg: (n, m) => (n === m ? ones : 0n),
  MLS: (n, m, d) => d - n * m,
  PMUL: (n, m) => pmul(n, m, 8),
  UMAXP: (n, m) => (n > m ? n : m),
  UMINP: (n, m) => (n < m ? n : m),
  SQRDMULH: (n, m, _d, e) => satS(e, (2n * sx(e, n) * sx(e, m) + half(e)) >> BigInt(e)),
  SQRDMLAH: (n, m, d, e) => satS(e, ((sx(e, d) << BigInt(e)) + 2n * sx(e, n) * sx(e, m) + half(e)) >> BigInt(e)),
  SQRDMLSH: (n, m, d, e) => satS(e, ((sx(e, d) << BigInt(e)) - 2n * sx(e, n) * sx(e, m) + half(e)) >> BigInt(e)),
};

/** Carry-less multiply of two e-bit values. */
export function pmul(n: bigint, m: bigint, e: number): bigint {
  let r = 0n;
  for (let i = 0; i < e; i++) if ((m >> BigInt(i)) & 1n) r ^= n << BigInt(i);
  return r;
}

function clz(x: bigint, e: number): bigint {
  let k = 0;
  for (let i = e - 1; i >= 0 && ((x >> BigInt(i)) & 1n) === 0n; i--) k++;
  return BigInt(k);
}

/** Two-register misc (m unused unless noted); d is the destination lane. */
export const MISC2: Readonly<Record<string, BOp>> = {
  SUQADD: (n, _m, d, e) => satS(e, sx(e, d) + n),
  USQADD: (n, _m, d, e) => satU(e, d + sx(e, n)),
  CLS: (n, _m, _d, e) => clz(((n >> 1n) ^ n) & ((1n << BigInt(e - 1)) - 1n), e - 1),
  CLZ: (n, _m, _d, e) => clz(n, e),
  CNT: (n) => {
    let c = 0n;
    for (let x = n; x; x >>= 1n) c += x & 1n;
    return c;
  },
  SQABS: (n, _m, _d, e) => satS(e, abs(sx(e, n))),
  SQNEG: (n, _m, _d, e) => satS(e, -sx(e, n)),
  CMGT_zero: (n, _m, _d, e) => (sx(e, n) > 0n ? ones : 0n),
  CMEQ_zero: (n) => (n === 0n ? ones : 0n),
  CMLT_zero: (n, _m, _d, e) => (sx(e, n) < 0n ? ones : 0n),
  CMGE_zero: (n, _m, _d, e) => (sx(e, n) >= 0n ? ones : 0n),
  CMLE_zero: (n, _m, _d, e) => (sx(e, n) <= 0n ? ones : 0n),
  ABS: (n, _m, _d, e) => abs(sx(e, n)),
  NEG: (n) => -n,
  NOT: (n) => ~n,
  RBIT: (n) => {
    let r = 0n;
    for (let i = 0n; i < 8n; i++) if ((n >> i) & 1n) r |= 1n << (7n - i);
    return r;
  },
};

/** Shift by immediate (m = the shift amount), same lane size. */
export const SHIFT_IMM: Readonly<Record<string, BOp>> = {
  SSHR: (n, m, _d, e) => sx(e, n) >> m,
  SSRA: (n, m, d, e) => d + (sx(e, n) >> m),
  SRSHR: (n, m, _d, e) => rshl(sx(e, n), -Number(m)),
  SRSRA: (n, m, d, e) => d + rshl(sx(e, n), -Number(m)),
  SHL: (n, m) => n << m,
  SQSHL_imm: (n, m, _d, e) => satS(e, sx(e, n) << m),
  USHR: (n, m) => n >> m,
  USRA: (n, m, d) => d + (n >> m),
  URSHR: (n, m) => rshl(n, -Number(m)),
  URSRA: (n, m, d) => d + rshl(n, -Number(m)),
  SRI: (n, m, d, e) => {
    const mask = ((1n << BigInt(e)) - 1n) >> m;
    return (d & ~mask) | ((n >> m) & mask);
  },
  SLI: (n, m, d, e) => {
    const mask = BigInt.asUintN(e, ((1n << BigInt(e)) - 1n) << m);
    return (d & ~mask) | ((n << m) & mask);
  },
  SQSHLU: (n, m, _d, e) => satU(e, sx(e, n) << m),
  UQSHL_imm: (n, m, _d, e) => satU(e, n << m),
};

/** Narrowing (n is 2e wide, m the right shift; XTN-like ops ignore m). */
export const NARROW: Readonly<Record<string, BOp>> = {
  XTN: (n) => n,
  SQXTN: (n, _m, _d, e) => satS(e, sx(2 * e, n)),
  SQXTUN: (n, _m, _d, e) => satU(e, sx(2 * e, n)),
  UQXTN: (n, _m, _d, e) => satU(e, n),
  SHRN: (n, m) => n >> m,
  RSHRN: (n, m) => rshl(n, -Number(m)),
  SQSHRN: (n, m, _d, e) => satS(e, sx(2 * e, n) >> m),
  SQRSHRN: (n, m, _d, e) => satS(e, rshl(sx(2 * e, n), -Number(m))),
  SQSHRUN: (n, m, _d, e) => satU(e, sx(2 * e, n) >> m),
  SQRSHRUN: (n, m, _d, e) => satU(e, rshl(sx(2 * e, n), -Number(m))),
  UQSHRN: (n, m, _d, e) => satU(e, n >> m),
  UQRSHRN: (n, m, _d, e) => satU(e, rshl(n, -Number(m))),
};

/** High-half narrowing of two 2e operands. */
export const HIGH: Readonly<Record<string, BOp>> = {
  ADDHN: (n, m, _d, e) => (n + m) >> BigInt(e),
  RADDHN: (n, m, _d, e) => (n + m + half(e)) >> BigInt(e),
  SUBHN: (n, m, _d, e) => (n - m) >> BigInt(e),
  RSUBHN: (n, m, _d, e) => (n - m + half(e)) >> BigInt(e),
};

const sqdmull = (n: bigint, m: bigint, e: number): bigint => satS(2 * e, 2n * sx(e, n) * sx(e, m));

/** Long (e, e → 2e; d is the 2e accumulator); also the by-element and scalar long forms. */
export const LONG: Readonly<Record<string, BOp>> = {
  SADDL: (n, m, _d, e) => sx(e, n) + sx(e, m),
  SSUBL: (n, m, _d, e) => sx(e, n) - sx(e, m),
  SABAL: (n, m, d, e) => d + abs(sx(e, n) - sx(e, m)),
  SABDL: (n, m, _d, e) => abs(sx(e, n) - sx(e, m)),
  SMLAL: (n, m, d, e) => d + sx(e, n) * sx(e, m),
  SMLSL: (n, m, d, e) => d - sx(e, n) * sx(e, m),
  SMULL: (n, m, _d, e) => sx(e, n) * sx(e, m),
  SQDMULL: (n, m, _d, e) => sqdmull(n, m, e),
  SQDMLAL: (n, m, d, e) => satS(2 * e, sx(2 * e, d) + sqdmull(n, m, e)),
  SQDMLSL: (n, m, d, e) => satS(2 * e, sx(2 * e, d) - sqdmull(n, m, e)),
  UADDL: (n, m) => n + m,
  USUBL: (n, m) => n - m,
  UABAL: (n, m, d) => d + abs(n - m),
  UABDL: (n, m) => abs(n - m),
  UMLAL: (n, m, d) => d + n * m,
  UMLSL: (n, m, d) => d - n * m,
  UMULL: (n, m) => n * m,
  SSHLL: (n, m, _d, e) => sx(e, n) << m,
  USHLL: (n, m) => n << m,
  SHLL: (n, m) => n << m,
  SADDLP: (n, m, _d, e) => sx(e, n) + sx(e, m),
  UADDLP: (n, m) => n + m,
  SADALP: (n, m, d, e) => d + sx(e, n) + sx(e, m),
  UADALP: (n, m, d) => d + n + m,
};

/** Wide (n 2e, m e). */
export const WIDE: Readonly<Record<string, BOp>> = {
  SADDW: (n, m, _d, e) => n + sx(e, m),
  SSUBW: (n, m, _d, e) => n - sx(e, m),
  UADDW: (n, m) => n + m,
  USUBW: (n, m) => n - m,
};
