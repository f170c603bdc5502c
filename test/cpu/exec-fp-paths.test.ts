// Internal consistency of sim/cpu/fp: the number fast paths (TwoSum/TwoProduct error signs,
// one-ulp re-rounding for RP/RM/RZ, round-to-odd FMA) against the exact bigint rounding, on
// pseudo-random normal-range singles and doubles where FZ changes nothing, so FZ = 1 forces the
// exact path. The exact path itself is checked against QEMU (exec-fp-qemu.test.ts) and by hand
// (exec-fp.test.ts); this catches a fast path drifting from it on values no fixture has.
import test from 'ava';
import { fpAdd, fpDiv, fpMul, fpMulAdd, fpOut, fpSqrt, fpSub, FMT_D, FMT_S, type FpEnv } from '../../sim/cpu/fp/index.ts';

let seed = 20261121;
const rnd = (): number => {
  seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
  return seed / 0x80000000;
};
const view = new DataView(new ArrayBuffer(8));

/** A double of random sign, mantissa and exponent in ±2^40; a fifth with a 3-bit fraction (exact results, ties). */
function value(fmt: number): [number, number] {
  let x = (1 + rnd()) * 2 ** (Math.floor(rnd() * 80) - 40) * (rnd() < 0.5 ? -1 : 1);
  if (rnd() < 0.2) x = Math.round(x * 8) / 8 || 1;
  if (fmt === FMT_S) {
    view.setFloat32(0, x, true);
    return [view.getInt32(0, true), 0];
  }
  view.setFloat64(0, x, true);
  return [view.getInt32(0, true), view.getInt32(4, true)];
}

const OPS: ReadonlyArray<[string, (e: FpEnv, f: number, a: [number, number], b: [number, number], c: [number, number]) => number]> = [
  ['add', (e, f, a, b) => fpAdd(e, f, a[0], a[1], b[0], b[1])],
  ['sub', (e, f, a, b) => fpSub(e, f, a[0], a[1], b[0], b[1])],
  ['mul', (e, f, a, b) => fpMul(e, f, a[0], a[1], b[0], b[1])],
  ['div', (e, f, a, b) => fpDiv(e, f, a[0], a[1], b[0], b[1])],
  ['sqrt', (e, f, a) => (f === FMT_D ? fpSqrt(e, f, a[0], a[1] & 0x7fffffff) : fpSqrt(e, f, a[0] & 0x7fffffff, 0))],
  ['fma', (e, f, a, b, c) => fpMulAdd(e, f, c[0], c[1], a[0], a[1], b[0], b[1])],
];

for (const fmt of [FMT_D, FMT_S]) {
  for (const [mode, rmode] of [['RN', 0], ['RP', 1], ['RM', 2], ['RZ', 3]] as const) {
    test(`${fmt === FMT_D ? 'double' : 'single'} ${mode}: fast paths give the exact path's result and flags`, (t) => {
      const bad: string[] = [];
      for (let i = 0; i < 3000; i++) {
        const a = value(fmt);
        const b = value(fmt);
        const c = value(fmt);
        for (const [name, op] of OPS) {
          const fast = { fpcr: rmode << 22, fpsr: 0 };
          const lo1 = op(fast, fmt, a, b, c);
          const hi1 = fpOut.hi;
          const exact = { fpcr: (rmode << 22) | (1 << 24), fpsr: 0 };
          const lo2 = op(exact, fmt, a, b, c);
          const hi2 = fpOut.hi;
          if (lo1 !== lo2 || (fmt === FMT_D && hi1 !== hi2) || fast.fpsr !== exact.fpsr) bad.push(`${name} ${a} ${b} ${c}`);
        }
      }
      t.deepEqual(bad.slice(0, 5), []);
    });
  }
}
