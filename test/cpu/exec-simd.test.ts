// Unit tests of the Advanced SIMD arithmetic executors: instruction words from LLVM
// (`llvm-mc-16 -triple=aarch64 -show-encoding`, text beside each), run on a Core over the shared
// decoder, results worked out by hand from the Arm ARM semantics (edge lanes, saturation and
// FPSR.QC, the Q=0 upper-half zeroing, the "2" forms, FP flags) and, for AES, FIPS-197
// Appendix B. The bulk comparison against QEMU is exec-simd-qemu.test.ts.
import test from 'ava';
import { createExecutorRegistry } from '../../sim/cpu/executors/index.ts';
import { CODE, enter, machine, put } from './helpers.ts';

type Lanes = readonly (number | bigint)[];
/** 16 bytes from lanes of `bits` (missing lanes 0), little-endian as the V register file. */
function L(bits: 8 | 16 | 32 | 64, lanes: Lanes): Uint8Array {
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  lanes.forEach((x, i) => {
    const v = BigInt.asUintN(bits, BigInt(x));
    for (let k = 0; k < bits / 8; k++) view.setUint8(i * (bits / 8) + k, Number((v >> BigInt(8 * k)) & 0xffn));
  });
  return out;
}
const bytes = (...b: number[]) => L(8, b);
const f32 = (x: number) => new Uint32Array(new Float32Array([x]).buffer)[0]!;
const f64 = (x: number) => new BigUint64Array(new Float64Array([x]).buffer)[0]!;
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
const GARBAGE = bytes(...Array.from({ length: 16 }, (_, i) => 0xa0 + i));

const QC = 0x0800_0000;
const IOC = 1;
const DZC = 2;
const OFC = 4;
const UFC = 8;
const IXC = 16;

interface Case {
  asm: string;
  word: number;
  set: Record<number, Uint8Array>;
  expect: Record<number, Uint8Array>;
  fpsr?: number;
  fpsrBefore?: number;
}

function run(c: Case): { v: Record<number, Uint8Array>; fpsr: number } {
  const m = machine({ executors: createExecutorRegistry() });
  put(m.ram, CODE, [c.word]);
  enter(m.core, 1, CODE);
  for (let r = 0; r < 32; r++) m.core.vb.set(GARBAGE, r * 16);
  for (const [r, b] of Object.entries(c.set)) m.core.vb.set(b, Number(r) * 16);
  m.core.fpsr = c.fpsrBefore ?? 0;
  m.core.run(1);
  const v: Record<number, Uint8Array> = {};
  for (const r of Object.keys(c.expect)) v[Number(r)] = m.core.vb.slice(Number(r) * 16, Number(r) * 16 + 16);
  return { v, fpsr: m.core.fpsr };
}

function check(c: Case): void {
  test(c.asm, (t) => {
    const { v, fpsr } = run(c);
    t.is(m2(v), m2(c.expect));
    t.is(fpsr, c.fpsr ?? c.fpsrBefore ?? 0, 'FPSR');
  });
}
const m2 = (v: Record<number, Uint8Array>) => Object.entries(v).map(([r, b]) => `v${r}: ${hex(b)}`).join('\n');

const AB = 0xaaaa_aaaa_aaaa_aaaan;

// ---- integer: wrap-around, lanes, Q=0 zeroing ----
check({
  asm: 'add v0.4s, v1.4s, v2.4s (carry out of each lane dropped)',
  word: 0x4ea28420,
  set: { 1: L(32, [0xffffffff, 0x7fffffff, 1, 0x80000000]), 2: L(32, [1, 1, 2, 0x80000000]) },
  expect: { 0: L(32, [0, 0x80000000, 3, 0]) },
});
check({
  asm: 'add v3.8b, v1.8b, v2.8b (upper 64 bits of v3 zeroed)',
  word: 0x0e228423,
  set: { 1: bytes(4, 3, 2, 1, 0x80, 0x7f, 0xff, 0, 9, 9, 9, 9, 9, 9, 9, 9), 2: L(64, [0x0101010101010101n, AB]), 3: L(64, [AB, AB]) },
  expect: { 3: bytes(5, 4, 3, 2, 0x81, 0x80, 0, 1) },
});
check({
  asm: 'sub v0.2d, v1.2d, v2.2d (64-bit lanes borrow)',
  word: 0x6ee28420,
  set: { 1: L(64, [0, 0x8000000000000000n]), 2: L(64, [1, 1]) },
  expect: { 0: L(64, [0xffffffffffffffffn, 0x7fffffffffffffffn]) },
});
check({
  asm: 'mul v0.8h, v1.8h, v2.8h (low 16 bits of each product)',
  word: 0x4e629c20,
  set: { 1: L(16, [0x100, 0xffff, 3, 0x7fff]), 2: L(16, [0x100, 0xffff, 0xffff, 2]) },
  expect: { 0: L(16, [0, 1, 0xfffd, 0xfffe]) },
});
check({
  asm: 'mla v0.4s, v1.4s, v2.s[3] (by element)',
  word: 0x6fa20820,
  set: { 0: L(32, [1, 2, 3, 4]), 1: L(32, [1, 2, 3, 0x80000000]), 2: L(32, [9, 9, 9, 3]) },
  expect: { 0: L(32, [4, 8, 12, 0x80000004]) },
});
check({
  asm: 'cmhi v0.16b, v1.16b, v2.16b (unsigned)',
  word: 0x6e223420,
  set: { 1: bytes(0x80, 0x7f, 0, 5), 2: bytes(0x7f, 0x80, 0, 4) },
  expect: { 0: bytes(0xff, 0, 0, 0xff) },
});
check({
  asm: 'cmgt v0.16b, v1.16b, v2.16b (signed)',
  word: 0x4e223420,
  set: { 1: bytes(0x80, 0x7f, 0, 5), 2: bytes(0x7f, 0x80, 0, 4) },
  expect: { 0: bytes(0, 0xff, 0, 0xff) },
});
check({
  asm: 'cmeq v0.2d, v1.2d, #0',
  word: 0x4ee09820,
  set: { 1: L(64, [0, 1n << 63n]) },
  expect: { 0: L(64, [-1n, 0]) },
});
check({
  asm: 'bsl v0.16b, v1.16b, v2.16b (Vd selects Vn where 1)',
  word: 0x6e621c20,
  set: { 0: L(64, [0x00ff00ff00ff00ffn, 0x00ff00ff00ff00ffn]), 1: L(64, [0x1111111111111111n, 0x1111111111111111n]), 2: L(64, [0x2222222222222222n, 0x2222222222222222n]) },
  expect: { 0: L(64, [0x2211221122112211n, 0x2211221122112211n]) },
});
check({
  asm: 'bit v0.16b, v1.16b, v2.16b (Vn inserted where Vm is 1)',
  word: 0x6ea21c20,
  set: { 0: L(64, [0x00ff00ff00ff00ffn, 0]), 1: L(64, [0x1111111111111111n, 0]), 2: L(64, [0xf0f0f0f0f0f0f0f0n, 0]) },
  expect: { 0: L(64, [0x101f101f101f101fn, 0]) },
});
check({
  asm: 'bif v0.16b, v1.16b, v2.16b (Vn inserted where Vm is 0)',
  word: 0x6ee21c20,
  set: { 0: L(64, [0x00ff00ff00ff00ffn, 0]), 1: L(64, [0x1111111111111111n, 0]), 2: L(64, [0xf0f0f0f0f0f0f0f0n, 0]) },
  expect: { 0: L(64, [0x01f101f101f101f1n, 0]) },
});

// ---- across lanes and pairwise ----
check({ asm: 'addv b0, v1.16b (sum modulo 256)', word: 0x4e31b820, set: { 1: L(64, [-1n, -1n]) }, expect: { 0: bytes(0xf0) } });
check({ asm: 'umaxv h0, v1.8h', word: 0x6e70a820, set: { 1: L(16, [1, 0x8000, 0x7fff, 0xffff]) }, expect: { 0: L(16, [0xffff]) } });
check({ asm: 'sminv h0, v1.8h (signed)', word: 0x4e71a820, set: { 1: L(16, [1, 0x8000, 0x7fff, 0xffff]) }, expect: { 0: L(16, [0x8000]) } });
check({ asm: 'uaddlv h0, v1.16b (widening sum)', word: 0x6e303820, set: { 1: L(64, [-1n, -1n]) }, expect: { 0: L(16, [0x0ff0]) } });
check({
  asm: 'addp v0.4s, v1.4s, v2.4s',
  word: 0x4ea2bc20,
  set: { 1: L(32, [1, 2, 3, 4]), 2: L(32, [10, 20, 30, 40]) },
  expect: { 0: L(32, [3, 7, 30, 70]) },
});

// ---- shifts by immediate, widening, narrowing ----
check({ asm: 'ushr v0.16b, v1.16b, #8 (shift by the lane size)', word: 0x6f080420, set: { 1: bytes(0x80, 0x7f, 0xff, 1) }, expect: { 0: bytes() } });
check({ asm: 'sshr v0.16b, v1.16b, #8 (sign fill)', word: 0x4f080420, set: { 1: bytes(0x80, 0x7f, 0xff, 1) }, expect: { 0: bytes(0xff, 0, 0xff, 0) } });
check({ asm: 'shl d0, d1, #63 (scalar, upper half zeroed)', word: 0x5f7f5420, set: { 1: L(64, [3, AB]) }, expect: { 0: L(64, [1n << 63n, 0]) } });
check({
  asm: 'ushll2 v0.8h, v1.16b, #0 (upper half, zero-extended)',
  word: 0x6f08a420,
  set: { 1: bytes(0, 1, 2, 3, 4, 5, 6, 7, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87) },
  expect: { 0: L(16, [0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87]) },
});
check({ asm: 'sshll v0.2d, v1.2s, #1 (sign-extended)', word: 0x0f21a420, set: { 1: L(32, [0x80000000, 1, 5, 5]) }, expect: { 0: L(64, [0xffffffff00000000n, 2]) } });
check({
  asm: 'xtn2 v0.16b, v1.8h (lower half of v0 kept)',
  word: 0x4e212820,
  set: { 0: L(64, [0x1122334455667788n, AB]), 1: L(16, [0x1234, 0xabcd, 0x00ff, 0xff00, 0x8001, 0x7ffe, 0x0102, 0x0304]) },
  expect: { 0: L(64, [0x1122334455667788n, 0x0402fe0100ffcd34n]) },
});
check({
  asm: 'umull v0.2d, v1.2s, v2.2s',
  word: 0x2ea2c020,
  set: { 1: L(32, [0xffffffff, 2]), 2: L(32, [0xffffffff, 3]) },
  expect: { 0: L(64, [0xfffffffe00000001n, 6]) },
});
check({
  asm: 'smull2 v0.4s, v1.8h, v2.8h (upper halves, signed)',
  word: 0x4e62c020,
  set: { 1: L(16, [9, 9, 9, 9, 0x8000, 0x7fff, 0xffff, 2]), 2: L(16, [9, 9, 9, 9, 0x8000, 0x8000, 0xffff, 3]) },
  expect: { 0: L(32, [0x40000000, 0xc0008000, 1, 6]) },
});
check({
  asm: 'addhn v0.8b, v1.8h, v2.8h (high byte of each 16-bit sum)',
  word: 0x0e224020,
  set: { 1: L(16, [0xff00, 0x00ff, 0x1234, 0xffff]), 2: L(16, [0x0100, 0x0001, 0x0100, 0x0001]) },
  expect: { 0: bytes(0, 1, 0x13, 0) },
});
check({
  asm: 'srshr v0.4s, v1.4s, #1 (rounding, exact at the extremes)',
  word: 0x4f3f2420,
  set: { 1: L(32, [3, -3, 0x7fffffff, 0x80000000]) },
  expect: { 0: L(32, [2, -1, 0x40000000, 0xc0000000]) },
});

// ---- saturation and FPSR.QC ----
check({
  asm: 'sqadd v0.4s, v1.4s, v2.4s (saturates both ways, sets QC)',
  word: 0x4ea20c20,
  set: { 1: L(32, [0x7fffffff, 0x80000000, 1, 0]), 2: L(32, [1, 0xffffffff, 1, 0]) },
  expect: { 0: L(32, [0x7fffffff, 0x80000000, 2, 0]) },
  fpsr: QC,
});
check({
  asm: 'sqadd v0.4s, v1.4s, v2.4s without saturation leaves QC as it was',
  word: 0x4ea20c20,
  set: { 1: L(32, [1, 2, 3, 4]), 2: L(32, [1, 1, 1, 1]) },
  expect: { 0: L(32, [2, 3, 4, 5]) },
  fpsrBefore: QC | IXC,
});
check({
  asm: 'sqadd v0.4s, v1.4s, v2.4s without saturation does not set QC',
  word: 0x4ea20c20,
  set: { 1: L(32, [1, 2, 3, 4]), 2: L(32, [1, 1, 1, 1]) },
  expect: { 0: L(32, [2, 3, 4, 5]) },
});
check({ asm: 'uqsub v0.16b, v1.16b, v2.16b (clamps at 0)', word: 0x6e222c20, set: { 1: bytes(1, 200), 2: bytes(2, 100) }, expect: { 0: bytes(0, 100) }, fpsr: QC });
check({
  asm: 'sqrdmulh v0.8h, v1.8h, v2.8h (-1 × -1 saturates, rounding)',
  word: 0x6e62b420,
  set: { 1: L(16, [0x8000, 0x4000, 0xffff, 0x7fff]), 2: L(16, [0x8000, 0x4000, 1, 0x7fff]) },
  expect: { 0: L(16, [0x7fff, 0x2000, 0, 0x7ffe]) },
  fpsr: QC,
});
check({ asm: 'uqxtn b0, h1 (scalar narrow, saturates)', word: 0x7e214820, set: { 1: L(16, [0x0100, 7]) }, expect: { 0: bytes(0xff) }, fpsr: QC });
check({
  asm: 'sqshrn v0.8b, v1.8h, #4',
  word: 0x0f0c9420,
  set: { 1: L(16, [0x7fff, 0x8000, 0x0070, 0xfff0]) },
  expect: { 0: bytes(0x7f, 0x80, 7, 0xff) },
  fpsr: QC,
});

// ---- bit counting and permutes within lanes ----
check({ asm: 'cnt v0.8b, v1.8b', word: 0x0e205820, set: { 1: bytes(0xff, 0x0f, 0, 0x80, 1, 3, 7, 0x7f, 0xff) }, expect: { 0: bytes(8, 4, 0, 1, 1, 2, 3, 7) } });
check({
  asm: 'rev64 v0.16b, v1.16b',
  word: 0x4e200820,
  set: { 1: bytes(...Array.from({ length: 16 }, (_, i) => i)) },
  expect: { 0: bytes(7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8) },
});
check({ asm: 'rbit v0.16b, v1.16b', word: 0x6e605820, set: { 1: bytes(1, 0x0f, 0xb4) }, expect: { 0: bytes(0x80, 0xf0, 0x2d) } });
check({
  asm: 'sdot v0.4s, v1.16b, v2.16b',
  word: 0x4e829420,
  set: {
    0: L(32, [1, 0, 0, 0x7fffffff]),
    1: bytes(1, 2, 3, 4, 0x80, 0x80, 0x80, 0x80, 0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0),
    2: bytes(5, 6, 7, 8, 0x80, 0x80, 0x80, 0x80, 1, 1, 1, 1, 1, 0, 0, 0),
  },
  expect: { 0: L(32, [71, 65536, -4, 0x80000000]) },
});

// ---- floating point ----
const QNAN_S = 0x7fc00001;
const SNAN_S = 0x7f800001;
check({
  asm: 'fadd v0.4s, v1.4s, v2.4s (overflow, quiet and signalling NaNs)',
  word: 0x4e22d420,
  set: { 1: L(32, [f32(1.5), f32(3e38), QNAN_S, SNAN_S]), 2: L(32, [f32(2.25), f32(3e38), f32(1), f32(1)]) },
  expect: { 0: L(32, [f32(3.75), 0x7f800000, QNAN_S, 0x7fc00001]) },
  fpsr: IOC | OFC | IXC,
});
check({
  asm: 'fmla v0.2d, v1.2d, v2.2d (fused: one rounding)',
  word: 0x4e62cc20,
  set: { 0: L(64, [f64(-1), 0]), 1: L(64, [f64(1 + 2 ** -30), 0]), 2: L(64, [f64(1 - 2 ** -30), 0]) },
  expect: { 0: L(64, [f64(-(2 ** -60)), 0]) },
});
check({
  asm: 'faddp v0.2d, v1.2d, v2.2d',
  word: 0x6e62d420,
  set: { 1: L(64, [f64(1), f64(2)]), 2: L(64, [f64(0.5), f64(-0.5)]) },
  expect: { 0: L(64, [f64(3), 0]) },
});
check({
  asm: 'fcmgt v0.4s, v1.4s, v2.4s (a NaN compares false and raises IOC)',
  word: 0x6ea2e420,
  set: { 1: L(32, [f32(2), f32(1), QNAN_S, 0x80000000]), 2: L(32, [f32(1), f32(2), f32(1), 0]) },
  expect: { 0: L(32, [0xffffffff, 0, 0, 0]) },
  fpsr: IOC,
});
check({
  asm: 'fcvtzs v0.4s, v1.4s (truncation, saturation, NaN)',
  word: 0x4ea1b820,
  set: { 1: L(32, [f32(3.7), f32(-3.7), f32(3e9), QNAN_S]) },
  expect: { 0: L(32, [3, -3, 0x7fffffff, 0]) },
  fpsr: IOC | IXC,
});
check({
  asm: 'fmul v0.4h, v1.4h, v2.4h (half: overflow, underflow to zero, NaN)',
  word: 0x2e421c20,
  set: { 1: L(16, [0x3e00, 0x7bff, 0x0001, 0x7e00]), 2: L(16, [0x4000, 0x4000, 0x3800, 0x3c00]) },
  expect: { 0: L(16, [0x4200, 0x7c00, 0, 0x7e00]) },
  fpsr: OFC | UFC | IXC,
});
check({
  asm: 'frecpe v0.4s, v1.4s (estimates of 1/x)',
  word: 0x4ea1d820,
  set: { 1: L(32, [f32(1), f32(2), 0, 0xff800000]) },
  expect: { 0: L(32, [0x3f7f8000, 0x3eff8000, 0x7f800000, 0x80000000]) },
  fpsr: DZC,
});
check({
  asm: 'fmaxv s0, v1.4s (a NaN wins)',
  word: 0x6e30f820,
  set: { 1: L(32, [f32(1), 0x7fc00000, f32(3), f32(2)]) },
  expect: { 0: L(32, [0x7fc00000]) },
});

// ---- crypto: FIPS-197 Appendix B, round 1 ----
check({
  asm: 'aese v0.16b, v1.16b (AddRoundKey, SubBytes, ShiftRows)',
  word: 0x4e284820,
  set: {
    0: bytes(0x32, 0x43, 0xf6, 0xa8, 0x88, 0x5a, 0x30, 0x8d, 0x31, 0x31, 0x98, 0xa2, 0xe0, 0x37, 0x07, 0x34),
    1: bytes(0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c),
  },
  expect: { 0: bytes(0xd4, 0xbf, 0x5d, 0x30, 0xe0, 0xb4, 0x52, 0xae, 0xb8, 0x41, 0x11, 0xf1, 0x1e, 0x27, 0x98, 0xe5) },
});
check({
  asm: 'aesmc v0.16b, v0.16b (MixColumns)',
  word: 0x4e286800,
  set: { 0: bytes(0xd4, 0xbf, 0x5d, 0x30, 0xe0, 0xb4, 0x52, 0xae, 0xb8, 0x41, 0x11, 0xf1, 0x1e, 0x27, 0x98, 0xe5) },
  expect: { 0: bytes(0x04, 0x66, 0x81, 0xe5, 0xe0, 0xcb, 0x19, 0x9a, 0x48, 0xf8, 0xd3, 0x7a, 0x28, 0x06, 0x26, 0x4c) },
});
check({ asm: 'sha1h s0, s1 (rotate left by 30)', word: 0x5e280820, set: { 1: L(32, [1, 5, 5, 5]) }, expect: { 0: L(32, [0x40000000]) } });
