// Scalar FP and SIMD copy/move executors, one instruction at a time, with expected values worked
// out by hand from the Arm ARM pseudocode (FPAdd, FPRoundBase, FPProcessNaNs, FPToFixed,
// FixedToFP, FPRoundInt(N), FPToFixedJS, FPCompare, AdvSIMDExpandImm…) and IEEE 754. Words come
// from LLVM (exec-fp-words.ts). The QEMU lockstep runs are in exec-fp-qemu.test.ts.
import test from 'ava';
import { createExecutorRegistry } from '../../sim/cpu/executors/index.ts';
import type { Core } from '../../sim/cpu/index.ts';
import { CODE, enter, machine, put } from './helpers.ts';
import { FP_WORDS } from './exec-fp-words.ts';

const registry = createExecutorRegistry();

const IOC = 1;
const DZC = 2;
const OFC = 4;
const UFC = 8;
const IXC = 16;
const IDC = 128;
const FZ = 1 << 24;
const DN = 1 << 25;
const RP = 1 << 22;
const RM = 2 << 22;
const RZ = 3 << 22;

interface Setup {
  v?: Record<number, bigint | [bigint, bigint]>;
  x?: Record<number, bigint>;
  fpcr?: number;
  nzcv?: number;
}

/** Runs one instruction; V registers given as a bigint (low 64 bits, high garbage-filled) or [lo, hi]. */
function run(asm: string, s: Setup = {}): Core {
  const word = FP_WORDS[asm];
  if (word === undefined) throw new Error(`no LLVM word for '${asm}'`);
  const { core, ram } = machine({ executors: registry });
  put(ram, CODE, [word]);
  enter(core, 1, CODE);
  // Every V register starts full of a pattern, so a missing upper-half clear shows.
  for (let r = 0; r < 32; r++) core.setV(r, 0x5a5a5a5a5a5a5a5an, 0xa5a5a5a5a5a5a5a5n);
  for (const [r, v] of Object.entries(s.v ?? {})) {
    if (Array.isArray(v)) core.setV(Number(r), v[0], v[1]);
    else core.setV(Number(r), v, 0xdeadbeefdeadbeefn);
  }
  for (const [r, v] of Object.entries(s.x ?? {})) core.setX(Number(r), BigInt.asUintN(64, v));
  core.fpcr = s.fpcr ?? 0;
  core.fpsr = 0;
  core.nzcv = (s.nzcv ?? 0) << 28;
  core.run(1);
  return core;
}

const d = (x: number): bigint => {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, x, true);
  return b.getBigUint64(0, true);
};
const v = (core: Core, r: number) => core.getV(r);

// ---- arithmetic, rounding, flags ----

test('FADD double: 0.1 + 0.2 rounds to nearest (…334), IXC, bits 127:64 cleared', (t) => {
  const core = run('fadd d0, d1, d2', { v: { 1: d(0.1), 2: d(0.2) } });
  t.deepEqual(v(core, 0), [0x3fd3333333333334n, 0n]);
  t.is(core.fpsr, IXC);
});

test('FADD single: 1 + 2^-24 is a tie and rounds to even (1.0), IXC; bits 127:32 cleared', (t) => {
  const core = run('fadd s0, s1, s2', { v: { 1: 0x3f800000n, 2: 0x33800000n } });
  t.deepEqual(v(core, 0), [0x3f800000n, 0n]);
  t.is(core.fpsr, IXC);
});

test('FADD half: 1 + 1 = 2 exactly, bits 127:16 cleared', (t) => {
  const core = run('fadd h0, h1, h2', { v: { 1: 0x3c00n, 2: 0x3c00n } });
  t.deepEqual(v(core, 0), [0x4000n, 0n]);
  t.is(core.fpsr, 0);
});

test('FADD half overflow: 65504 + 65504 → +Inf with OFC and IXC; RZ gives the largest finite', (t) => {
  let core = run('fadd h0, h1, h2', { v: { 1: 0x7bffn, 2: 0x7bffn } });
  t.deepEqual(v(core, 0), [0x7c00n, 0n]);
  t.is(core.fpsr, OFC | IXC);
  core = run('fadd h0, h1, h2', { v: { 1: 0x7bffn, 2: 0x7bffn }, fpcr: RZ });
  t.deepEqual(v(core, 0), [0x7bffn, 0n]);
});

test('FDIV: 1/3 under RN, RP, RM and RZ', (t) => {
  const regs = { 1: d(1), 2: d(3) };
  t.is(v(run('fdiv d0, d1, d2', { v: regs }), 0)[0], 0x3fd5555555555555n);
  t.is(v(run('fdiv d0, d1, d2', { v: regs, fpcr: RP }), 0)[0], 0x3fd5555555555556n);
  t.is(v(run('fdiv d0, d1, d2', { v: regs, fpcr: RM }), 0)[0], 0x3fd5555555555555n);
  t.is(v(run('fdiv d0, d1, d2', { v: regs, fpcr: RZ }), 0)[0], 0x3fd5555555555555n);
  const neg = run('fdiv d0, d1, d2', { v: { 1: d(-1), 2: d(3) }, fpcr: RM });
  t.is(v(neg, 0)[0], 0xbfd5555555555556n);
  t.is(neg.fpsr, IXC);
});

test('FDIV by zero → +Inf with DZC only; 0/0 → default NaN with IOC', (t) => {
  let core = run('fdiv d0, d1, d2', { v: { 1: d(1), 2: 0n } });
  t.is(v(core, 0)[0], 0x7ff0000000000000n);
  t.is(core.fpsr, DZC);
  core = run('fdiv d0, d1, d2', { v: { 1: 0n, 2: 0n } });
  t.is(v(core, 0)[0], 0x7ff8000000000000n);
  t.is(core.fpsr, IOC);
  core = run('fdiv s0, s1, s2', { v: { 1: 0n, 2: 0x7f800000n } });
  t.deepEqual(v(core, 0), [0n, 0n]);
  t.is(core.fpsr, 0);
});

test('NaN rules: a signalling NaN wins over a quiet one, is quieted (payload kept), IOC; DN gives the default NaN', (t) => {
  const regs = { 1: 0x7ff8000000000002n, 2: 0x7ff4000000000001n };
  let core = run('fadd d0, d1, d2', { v: regs });
  t.is(v(core, 0)[0], 0x7ffc000000000001n);
  t.is(core.fpsr, IOC);
  core = run('fsub d0, d1, d2', { v: { 1: 0x7ff8000000000002n, 2: d(1) } });
  t.is(v(core, 0)[0], 0x7ff8000000000002n);
  t.is(core.fpsr, 0);
  core = run('fadd d0, d1, d2', { v: regs, fpcr: DN });
  t.is(v(core, 0)[0], 0x7ff8000000000000n);
  t.is(core.fpsr, IOC);
  // Inf − Inf is invalid: the default NaN.
  core = run('fsub d0, d1, d2', { v: { 1: d(Infinity), 2: d(Infinity) } });
  t.is(v(core, 0)[0], 0x7ff8000000000000n);
  t.is(core.fpsr, IOC);
});

test('Underflow: tininess before rounding (UFC+IXC even when the result rounds up to the smallest normal)', (t) => {
  // 2^-1022 × (1 − 2^-53) = (2^52 − 0.5) × 2^-1074: a tie, to even → 2^-1022.
  const core = run('fmul d0, d1, d2', { v: { 1: 0x0010000000000000n, 2: 0x3fefffffffffffffn } });
  t.is(v(core, 0)[0], 0x0010000000000000n);
  t.is(core.fpsr, UFC | IXC);
  // An exact denormal result is no underflow.
  const exact = run('fmul d0, d1, d2', { v: { 1: 0x0010000000000000n, 2: d(0.5) } });
  t.is(v(exact, 0)[0], 0x0008000000000000n);
  t.is(exact.fpsr, 0);
});

test('FZ: a tiny result flushes to +0 with UFC only; a denormal input flushes with IDC', (t) => {
  let core = run('fmul d0, d1, d2', { v: { 1: 0x0010000000000000n, 2: d(0.5) }, fpcr: FZ });
  t.is(v(core, 0)[0], 0n);
  t.is(core.fpsr, UFC);
  core = run('fadd d0, d1, d2', { v: { 1: 0x0000000000000001n, 2: d(1) }, fpcr: FZ });
  t.is(v(core, 0)[0], d(1));
  t.is(core.fpsr, IDC);
});

test('FSQRT: √2 inexact, √4 exact, √−1 invalid, √−0 = −0', (t) => {
  let core = run('fsqrt d0, d1', { v: { 1: d(2) } });
  t.is(v(core, 0)[0], 0x3ff6a09e667f3bcdn);
  t.is(core.fpsr, IXC);
  core = run('fsqrt d0, d1', { v: { 1: d(4) } });
  t.is(v(core, 0)[0], d(2));
  t.is(core.fpsr, 0);
  core = run('fsqrt d0, d1', { v: { 1: d(-1) } });
  t.is(v(core, 0)[0], 0x7ff8000000000000n);
  t.is(core.fpsr, IOC);
  t.is(v(run('fsqrt d0, d1', { v: { 1: 0x8000000000000000n } }), 0)[0], 0x8000000000000000n);
});

test('FMAX/FMIN/FMAXNM: zeros by sign, quiet NaN vs number', (t) => {
  t.is(v(run('fmin d0, d1, d2', { v: { 1: 0n, 2: 0x8000000000000000n } }), 0)[0], 0x8000000000000000n);
  t.is(v(run('fmax d0, d1, d2', { v: { 1: 0x8000000000000000n, 2: 0n } }), 0)[0], 0n);
  t.is(v(run('fmax d0, d1, d2', { v: { 1: 0x7ff8000000000005n, 2: d(1) } }), 0)[0], 0x7ff8000000000005n);
  const nm = run('fmaxnm d0, d1, d2', { v: { 1: 0x7ff8000000000005n, 2: d(1) } });
  t.is(v(nm, 0)[0], d(1));
  t.is(nm.fpsr, 0);
  const snan = run('fmaxnm d0, d1, d2', { v: { 1: 0x7ff0000000000005n, 2: d(1) } });
  t.is(v(snan, 0)[0], 0x7ff8000000000005n);
  t.is(snan.fpsr, IOC);
});

test('FNMUL negates after rounding (NaN results too); FNEG/FABS are sign-bit operations', (t) => {
  t.is(v(run('fnmul d0, d1, d2', { v: { 1: d(3), 2: d(0.5) } }), 0)[0], d(-1.5));
  t.is(v(run('fnmul d0, d1, d2', { v: { 1: d(Infinity), 2: 0n } }), 0)[0], 0xfff8000000000000n);
  const neg = run('fneg d0, d1', { v: { 1: 0x7ff4000000000001n } });
  t.is(v(neg, 0)[0], 0xfff4000000000001n);
  t.is(neg.fpsr, 0);
  t.deepEqual(v(run('fabs h0, h1', { v: { 1: 0xfc01n } }), 0), [0x7c01n, 0n]);
});

test('FMADD rounds once: 0.1×10 + 1 = 2 (inexact); FNMADD and FMSUB signs', (t) => {
  let core = run('fmadd d0, d1, d2, d3', { v: { 1: d(0.1), 2: d(10), 3: d(1) } });
  t.is(v(core, 0)[0], d(2));
  t.is(core.fpsr, IXC);
  // −(1) − (2×3) = −7
  core = run('fnmadd d0, d1, d2, d3', { v: { 1: d(2), 2: d(3), 3: d(1) } });
  t.is(v(core, 0)[0], d(-7));
  // 1 − 2×3 = −5 (single)
  core = run('fmsub s0, s1, s2, s3', { v: { 1: 0x40000000n, 2: 0x40400000n, 3: 0x3f800000n } });
  t.deepEqual(v(core, 0), [0xc0a00000n, 0n]);
  // 0 × Inf + qNaN: the default NaN and IOC (FPMulAdd's special case).
  core = run('fmadd d0, d1, d2, d3', { v: { 1: 0n, 2: d(Infinity), 3: 0x7ff8000000000009n } });
  t.is(v(core, 0)[0], 0x7ff8000000000000n);
  t.is(core.fpsr, IOC);
});

// ---- compare and select ----

test('FCMP/FCMPE: NZCV for lt, eq, gt, unordered (0011); FCMPE signals quiet NaNs', (t) => {
  t.is(run('fcmp d1, d2', { v: { 1: d(1), 2: d(2) } }).nzcv >>> 28, 0b1000);
  t.is(run('fcmp d1, d2', { v: { 1: d(2), 2: d(2) } }).nzcv >>> 28, 0b0110);
  t.is(run('fcmp d1, d2', { v: { 1: d(3), 2: d(2) } }).nzcv >>> 28, 0b0010);
  const q = run('fcmp d1, d2', { v: { 1: 0x7ff8000000000000n, 2: d(2) } });
  t.is(q.nzcv >>> 28, 0b0011);
  t.is(q.fpsr, 0);
  const e = run('fcmpe d1, d2', { v: { 1: 0x7ff8000000000000n, 2: d(2) } });
  t.is(e.nzcv >>> 28, 0b0011);
  t.is(e.fpsr, IOC);
  t.is(run('fcmp d1, #0.0', { v: { 1: 0x8000000000000000n } }).nzcv >>> 28, 0b0110);
});

test('FCCMP: compares when the condition holds, else takes #nzcv; FCSEL picks by condition', (t) => {
  t.is(run('fccmp d1, d2, #0xa, eq', { v: { 1: d(1), 2: d(1) }, nzcv: 0b0100 }).nzcv >>> 28, 0b0110);
  t.is(run('fccmp d1, d2, #0xa, eq', { v: { 1: d(1), 2: d(1) }, nzcv: 0 }).nzcv >>> 28, 0b1010);
  t.deepEqual(v(run('fcsel s0, s1, s2, ne', { v: { 1: 0x11n, 2: 0x22n }, nzcv: 0 }), 0), [0x11n, 0n]);
  t.deepEqual(v(run('fcsel s0, s1, s2, ne', { v: { 1: 0x11n, 2: 0x22n }, nzcv: 0b0100 }), 0), [0x22n, 0n]);
});

// ---- conversions ----

test('FCVT* to integer: rounding of the mnemonic, saturation with IOC, NaN → 0', (t) => {
  const conv = (asm: string, x: number | bigint) => run(asm, { v: { 1: typeof x === 'bigint' ? x : d(x) } });
  let core = conv('fcvtzs w0, d1', 1e10);
  t.is(core.getX(0), 0x7fffffffn);
  t.is(core.fpsr, IOC);
  core = conv('fcvtzs w0, d1', -1.5);
  t.is(core.getX(0), 0xffffffffn); // W result zero-extended
  t.is(core.fpsr, IXC);
  t.is(conv('fcvtzs w0, d1', 0x7ff8000000000000n).getX(0), 0n);
  t.is(conv('fcvtns x0, d1', 2.5).getX(0), 2n);
  t.is(conv('fcvtas x0, d1', 2.5).getX(0), 3n);
  t.is(conv('fcvtas x0, d1', -2.5).getX(0), BigInt.asUintN(64, -3n));
  core = conv('fcvtmu w0, d1', -0.5);
  t.is(core.getX(0), 0n);
  t.is(core.fpsr, IOC);
  core = conv('fcvtpu x0, d1', -0.5);
  t.is(core.getX(0), 0n);
  t.is(core.fpsr, IXC);
  t.is(conv('fcvtns x0, d1', 2 ** 63).getX(0), 0x7fffffffffffffffn);
  t.is(conv('fcvtzs x0, d1, #4', 1.3).getX(0), 20n); // 20.8 toward zero
  core = run('fcvtzu w0, s1', { v: { 1: 0x4f800000n } }); // 2^32
  t.is(core.getX(0), 0xffffffffn);
  t.is(core.fpsr, IOC);
});

test('SCVTF/UCVTF: round to nearest even, fixed point', (t) => {
  let core = run('scvtf d0, x1', { x: { 1: 2n ** 53n + 1n } });
  t.deepEqual(v(core, 0), [0x4340000000000000n, 0n]);
  t.is(core.fpsr, IXC);
  core = run('ucvtf s0, w1', { x: { 1: 0xffffffffn } });
  t.deepEqual(v(core, 0), [0x4f800000n, 0n]);
  t.is(core.fpsr, IXC);
  core = run('scvtf d0, w1, #1', { x: { 1: 0xfffffffdn } }); // −3 / 2
  t.is(v(core, 0)[0], d(-1.5));
  t.is(core.fpsr, 0);
  core = run('ucvtf h0, x1', { x: { 1: 65520n } }); // past the largest half: overflow
  t.deepEqual(v(core, 0), [0x7c00n, 0n]);
  t.is(core.fpsr, OFC | IXC);
  t.deepEqual(v(run('scvtf d0, x1', { x: { 1: 2n ** 53n + 1n }, fpcr: RP }), 0), [0x4340000000000001n, 0n]);
});

test('FCVT between precisions: rounding, overflow, NaN payloads', (t) => {
  let core = run('fcvt s0, d1', { v: { 1: d(0.1) } });
  t.deepEqual(v(core, 0), [0x3dcccccdn, 0n]);
  t.is(core.fpsr, IXC);
  core = run('fcvt h0, s1', { v: { 1: 0x477ff000n } }); // 65520 rounds up past 65504
  t.deepEqual(v(core, 0), [0x7c00n, 0n]);
  t.is(core.fpsr, OFC | IXC);
  core = run('fcvt d0, h1', { v: { 1: 0x7d00n } }); // signalling half NaN, payload 0x100
  t.deepEqual(v(core, 0), [0x7ffc000000000000n, 0n]);
  t.is(core.fpsr, IOC);
  core = run('fcvt d0, h1', { v: { 1: 0x0001n } }); // smallest half denormal = 2^-24, exact
  t.is(v(core, 0)[0], d(2 ** -24));
  t.is(core.fpsr, 0);
});

test('FRINT*: ties, sign of zero, FRINTX inexact, FRINT32Z/FRINT64X ranges', (t) => {
  let core = run('frinta d0, d1', { v: { 1: d(-2.5) } });
  t.is(v(core, 0)[0], d(-3));
  t.is(core.fpsr, 0);
  core = run('frintx d0, d1', { v: { 1: d(2.5) } });
  t.is(v(core, 0)[0], d(2));
  t.is(core.fpsr, IXC);
  t.is(v(run('frintn d0, d1', { v: { 1: d(-0.5) } }), 0)[0], 0x8000000000000000n);
  core = run('frint32z s0, s1', { v: { 1: 0x4f32d05en } }); // 3e9 > 2^31 − 1
  t.deepEqual(v(core, 0), [0xcf000000n, 0n]);
  t.is(core.fpsr, IOC);
  core = run('frint64x d0, d1', { v: { 1: d(2.5) } });
  t.is(v(core, 0)[0], d(2));
  t.is(core.fpsr, IXC);
});

test('FJCVTZS: modulo 2^32, Z only for an exact in-range non-(−0) value', (t) => {
  let core = run('fjcvtzs w0, d1', { v: { 1: d(2 ** 32 + 5) } });
  t.is(core.getX(0), 5n);
  t.is(core.nzcv >>> 28, 0);
  t.is(core.fpsr, IOC);
  core = run('fjcvtzs w0, d1', { v: { 1: d(-3) } });
  t.is(core.getX(0), 0xfffffffdn);
  t.is(core.nzcv >>> 28, 0b0100);
  t.is(core.fpsr, 0);
  t.is(run('fjcvtzs w0, d1', { v: { 1: 0x8000000000000000n } }).nzcv >>> 28, 0);
  core = run('fjcvtzs w0, d1', { v: { 1: d(-3.75) } });
  t.is(core.getX(0), 0xfffffffdn);
  t.is(core.fpsr, IXC);
  // A denormal flushed by FZ: IDC, and Z = 0 (FPToFixedJS: value 0 from a non-zero fraction).
  core = run('fjcvtzs w0, d1', { v: { 1: 0x000fffffffffffffn }, fpcr: FZ });
  t.is(core.nzcv >>> 28, 0);
  t.is(core.fpsr, IDC);
});

// ---- FMOV ----

test('FMOV general: V.D[1] forms keep the low half; scalar forms clear the rest', (t) => {
  let core = run('fmov x0, v1.d[1]', { v: { 1: [1n, 0x1122334455667788n] } });
  t.is(core.getX(0), 0x1122334455667788n);
  core = run('fmov v1.d[1], x0', { v: { 1: [0xabcn, 0n] }, x: { 0: 0x99n } });
  t.deepEqual(v(core, 1), [0xabcn, 0x99n]);
  core = run('fmov h0, w1', { x: { 1: 0xffff1234n } });
  t.deepEqual(v(core, 0), [0x1234n, 0n]);
  core = run('fmov w0, s1', { v: { 1: 0xfedcba9876543210n }, x: { 0: -1n } });
  t.is(core.getX(0), 0x76543210n);
  t.deepEqual(v(run('fmov d0, #-1.25', {}), 0), [d(-1.25), 0n]);
  t.deepEqual(v(run('fmov h0, #0.5', {}), 0), [0x3800n, 0n]);
});

// ---- SIMD copy/move ----

test('MOVI/MVNI/ORR/BIC/FMOV (vector) immediates', (t) => {
  t.deepEqual(v(run('movi v0.2d, #0xff00ff00ff00ff00'), 0), [0xff00ff00ff00ff00n, 0xff00ff00ff00ff00n]);
  t.deepEqual(v(run('mvni v0.4s, #0x12, lsl #8'), 0), [0xffffedffffffedffn, 0xffffedffffffedffn]);
  t.deepEqual(v(run('fmov v0.4s, #1.5'), 0), [0x3fc000003fc00000n, 0x3fc000003fc00000n]);
  t.deepEqual(v(run('movi v0.4s, #0x12, msl #16'), 0), [0x0012ffff0012ffffn, 0x0012ffff0012ffffn]);
  // Q = 0 forms clear bits 127:64.
  t.deepEqual(v(run('orr v0.2s, #0x80, lsl #24', { v: { 0: [0x1n, 0x2n] } }), 0), [0x8000000080000001n, 0n]);
  t.deepEqual(v(run('bic v0.8h, #0xff', { v: { 0: [0x1234567812345678n, 0xffffffffffffffffn] } }), 0), [0x1200560012005600n, 0xff00ff00ff00ff00n]);
});

const BYTES_1: [bigint, bigint] = [0x0706050403020100n, 0x0f0e0d0c0b0a0908n];
const BYTES_2: [bigint, bigint] = [0x1716151413121110n, 0x1f1e1d1c1b1a1918n];

test('DUP, INS, SMOV, UMOV', (t) => {
  t.deepEqual(v(run('dup v0.8h, v1.h[5]', { v: { 1: BYTES_1 } }), 0), [0x0b0a0b0a0b0a0b0an, 0x0b0a0b0a0b0a0b0an]);
  t.deepEqual(v(run('dup v0.4s, w1', { x: { 1: 0x89abcdefn } }), 0), [0x89abcdef89abcdefn, 0x89abcdef89abcdefn]);
  t.deepEqual(v(run('mov v0.s[2], w1', { v: { 0: [0n, 0n] }, x: { 1: 0x12345678n } }), 0), [0n, 0x12345678n]);
  t.deepEqual(v(run('mov v0.b[15], v1.b[0]', { v: { 0: [0n, 0n], 1: [0xaan, 0n] } }), 0), [0n, 0xaa00000000000000n]);
  t.is(run('smov x0, v1.h[3]', { v: { 1: [0x8001000000000000n, 0n] } }).getX(0), 0xffffffffffff8001n);
  t.is(run('umov w0, v1.b[9]', { v: { 1: BYTES_1 } }).getX(0), 9n);
  t.is(run('mov x0, v1.d[1]', { v: { 1: BYTES_1 } }).getX(0), BYTES_1[1]);
  t.deepEqual(v(run('mov s0, v1.s[3]', { v: { 1: BYTES_1 } }), 0), [0x0f0e0d0cn, 0n]);
});

test('EXT, TBL/TBX (out-of-range indices), ZIP/UZP/TRN', (t) => {
  t.deepEqual(v(run('ext v0.16b, v1.16b, v2.16b, #3', { v: { 1: BYTES_1, 2: BYTES_2 } }), 0), [0x0a09080706050403n, 0x1211100f0e0d0c0bn]);
  t.deepEqual(v(run('ext v0.8b, v1.8b, v2.8b, #6', { v: { 1: BYTES_1, 2: BYTES_2 } }), 0), [0x1514131211100706n, 0n]);
  // Indices 0x00, 0x1f, 0x20 (out of a 32-byte table), 0x10, 0xff, 0x05, 0x11, 0x0f.
  const idx: [bigint, bigint] = [0x0f1105ff10201f00n, 0n];
  t.deepEqual(v(run('tbl v0.16b, {v1.16b, v2.16b}, v3.16b', { v: { 1: BYTES_1, 2: BYTES_2, 3: idx } }), 0), [0x0f11050010001f00n, 0n]);
  t.deepEqual(v(run('tbx v0.8b, {v1.16b}, v3.8b', { v: { 0: [0xeeeeeeeeeeeeeeeen, 0x1n], 1: BYTES_1, 3: idx } }), 0), [0x0fee05eeeeeeee00n, 0n]);
  t.deepEqual(v(run('zip1 v0.4s, v1.4s, v2.4s', { v: { 1: BYTES_1, 2: BYTES_2 } }), 0), [0x1312111003020100n, 0x1716151407060504n]);
  t.deepEqual(v(run('zip2 v0.8b, v1.8b, v2.8b', { v: { 1: BYTES_1, 2: BYTES_2 } }), 0), [0x1707160615051404n, 0n]);
  t.deepEqual(v(run('uzp1 v0.8h, v1.8h, v2.8h', { v: { 1: BYTES_1, 2: BYTES_2 } }), 0), [0x0d0c090805040100n, 0x1d1c191815141110n]);
  t.deepEqual(v(run('uzp2 v0.16b, v1.16b, v2.16b', { v: { 1: BYTES_1, 2: BYTES_2 } }), 0), [0x0f0d0b0907050301n, 0x1f1d1b1917151311n]);
  t.deepEqual(v(run('trn1 v0.4h, v1.4h, v2.4h', { v: { 1: BYTES_1, 2: BYTES_2 } }), 0), [0x1514050411100100n, 0n]);
  t.deepEqual(v(run('trn2 v0.2d, v1.2d, v2.2d', { v: { 1: BYTES_1, 2: BYTES_2 } }), 0), [BYTES_1[1], BYTES_2[1]]);
});
