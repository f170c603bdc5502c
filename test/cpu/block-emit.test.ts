// Translated blocks with inline source (sim/cpu/block-emit.ts, executors/dp-emit.ts) against
// the interpreter: loops built from the LLVM-encoded data-processing words of the exec-dp
// tests (plus forward conditional branches and loads/stores into a scratch buffer), run long
// enough to be translated, on two cores — one translating, one interpreting only — in chunks
// of irregular lengths. After every chunk PC, icount, registers and NZCV must be equal. The
// interpreter's executors are the ones checked against QEMU (exec-dp-qemu, lockstep).
import test from 'ava';
import { machine, put, enter, CODE, RAM_BASE, type Machine } from './helpers.ts';
import { createExecutorRegistry } from '../../sim/cpu/executors/index.ts';
import { WORDS } from './exec-dp-words.ts';
import type { Core } from '../../sim/cpu/index.ts';

const DATA = RAM_BASE + 0x100000;
const COUNTER = 28;
const BASE_REG = 27;
/** subs x28, x28, #1 */
const SUBS_COUNTER = 0xf1000400 | (COUNTER << 5) | COUNTER;
/** b.ne back `n` instructions */
const bne = (n: number): number => (0x54000001 | (((-n) & 0x7ffff) << 5)) >>> 0;
const bl = (n: number): number => (0x94000000 | (n & 0x3ffffff)) >>> 0;
const RET = 0xd65f03c0;
const bcond = (cond: number, n: number): number => (0x54000000 | ((n & 0x7ffff) << 5) | cond) >>> 0;
const cbz = (rt: number, n: number): number => (0xb4000000 | ((n & 0x7ffff) << 5) | rt) >>> 0;
const tbnz = (rt: number, bit: number, n: number): number => (0x37000000 | ((bit >> 5) << 31) | ((bit & 31) << 19) | ((n & 0x3fff) << 5) | rt) >>> 0;
const INDEX_REG = 26;
/** Loads and stores from x27 (x26 a small index), SIMD forms of vectorised loops; words from LLVM (llvm-mc-16 -show-encoding). */
const OTHER_WORDS = [
  0xf9400761, // ldr x1, [x27, #8]
  0xb9000f62, // str w2, [x27, #12]
  0x39401763, // ldrb w3, [x27, #5]
  0x38000764, // strb w4, [x27], #0
  0xf9000b65, // str x5, [x27, #16]
  0xb9800763, // ldrsw x3, [x27, #4]
  0x39c00f64, // ldrsb w4, [x27, #3]
  0x787a7b65, // ldrh w5, [x27, x26, lsl #1]
  0x783a4b66, // strh w6, [x27, w26, uxtw]
  0xf87adb67, // ldr x7, [x27, w26, sxtw #3]
  0x387a6b63, // ldrb w3, [x27, x26]
  0x383a6b62, // strb w2, [x27, x26]
  0xb87a7b64, // ldr w4, [x27, x26, lsl #2]
  0x4ea29470, // mla v16.4s, v3.4s, v2.4s
  0x0ea29421, // mla v1.2s, v1.2s, v2.2s
  0x6ea694a4, // mls v4.4s, v5.4s, v6.4s
  0x4ea79c27, // mul v7.4s, v1.4s, v7.4s
  0x4ea48462, // add v2.4s, v3.4s, v4.4s
  0x2ea784c5, // sub v5.2s, v6.2s, v7.2s
  0x6e271c00, // eor v0.16b, v0.16b, v7.16b
  0x2e231c41, // eor v1.8b, v2.8b, v3.8b
  0x4ea41c83, // mov v3.16b, v4.16b
  0x4ea11cc5, // orr v5.16b, v6.16b, v1.16b
  0x0e221c26, // and v6.8b, v1.8b, v2.8b
  0x2f08a401, // ushll v1.8h, v0.8b, #0
  0x6f08a400, // ushll2 v0.8h, v0.16b, #0
  0x2f10a426, // ushll v6.4s, v1.4h, #0
  0x6f10a421, // ushll2 v1.4s, v1.8h, #0
  0x0f08a462, // sshll v2.8h, v3.8b, #0
  0x4f13a443, // sshll2 v3.4s, v2.8h, #3
  0x2f0fa4a4, // ushll v4.8h, v5.8b, #7
  0x4ddfc360, // ld1r { v0.16b }, [x27], #1
  0x4d40c761, // ld1r { v1.8h }, [x27]
  0x0ddfcb62, // ld1r { v2.2s }, [x27], #4
  0x4d40cf63, // ld1r { v3.2d }, [x27]
  0x3d800b60, // str q0, [x27, #32]
  0x3dc00b65, // ldr q5, [x27, #32]
  0xfc008761, // str d1, [x27], #8
  0xfc5f8f62, // ldr d2, [x27, #-8]!
  0x3c9f8763, // str q3, [x27], #-8
];

const dpWords = Object.values(WORDS).filter((w) => {
  const rd = w & 31;
  const rn = (w >>> 5) & 31;
  return rd !== COUNTER && rd !== BASE_REG && rd !== INDEX_REG && rd !== 30 && rn !== BASE_REG && !/^(pac|xpac|aut)/.test(Object.keys(WORDS).find((k) => WORDS[k] === w) ?? '');
});

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s >>> 8;
  };
}

function program(seed: number): number[] {
  const r = rng(seed);
  const body: number[] = [];
  const n = 4 + (r() % 40);
  for (let i = 0; i < n; i++) {
    const kind = r() % 10;
    if (kind < 5) body.push(dpWords[r() % dpWords.length]!);
    else if (kind < 8) body.push(OTHER_WORDS[r() % OTHER_WORDS.length]!);
    else {
      // A forward skip over 1..3 instructions (stays inside the body).
      const skip = 2 + (r() % 3);
      const which = r() % 3;
      body.push(which === 0 ? bcond(r() % 16, skip) : which === 1 ? cbz(r() % 8, skip) : tbnz(r() % 8, r() % 64, skip));
    }
  }
  body.push(0xd503201f, 0xd503201f, 0xd503201f); // skips land here at worst
  // Some loops call a leaf function placed after the loop (BL there, RET back).
  const call = r() % 2 === 0;
  const fn = [dpWords[r() % dpWords.length]!, dpWords[r() % dpWords.length]!, RET];
  if (call) body.push(0); // patched below: bl fn
  const loop = [...body, SUBS_COUNTER, bne(body.length + 1), 0x14000000 /* b . */];
  if (call) loop[body.length - 1] = bl(loop.length - (body.length - 1));
  return call ? [...loop, ...fn] : loop;
}

function boot(words: number[], seed: number, translate: boolean): Machine {
  const m = machine({ executors: createExecutorRegistry(), translateBlocks: translate });
  put(m.ram, CODE, words);
  enter(m.core, 1, CODE);
  const r = rng(seed ^ 0x5a5a);
  for (let i = 0; i < 27; i++) m.core.setX(i, (BigInt(r()) << 40n) ^ (BigInt(r()) << 20n) ^ BigInt(r()) ^ (i % 3 === 0 ? 1n << 63n : 0n));
  for (let i = 0; i < 32; i++) m.core.setV(i, (BigInt(r()) << 40n) ^ BigInt(r()), (BigInt(r()) << 33n) ^ BigInt(r()));
  m.core.setX(BASE_REG, BigInt(DATA));
  m.core.setX(INDEX_REG, BigInt(r() % 200));
  m.core.setX(COUNTER, 300n);
  m.core.setX(32, BigInt(RAM_BASE + 0x200000));
  return m;
}

function differences(a: Core, b: Core): string[] {
  const out: string[] = [];
  if (a.pc !== b.pc) out.push(`pc ${a.pc.toString(16)} vs ${b.pc.toString(16)}`);
  if (a.icount !== b.icount) out.push(`icount ${a.icount} vs ${b.icount}`);
  if (a.nzcv !== b.nzcv) out.push(`nzcv ${a.nzcv} vs ${b.nzcv}`);
  for (let i = 0; i < a.x.length; i++) if (a.x[i] !== b.x[i]) out.push(`x slot ${i >> 1}${i & 1 ? ' hi' : ' lo'}: ${a.x[i]} vs ${b.x[i]}`);
  for (let i = 0; i < a.vi32.length; i++) if (a.vi32[i] !== b.vi32[i]) out.push(`v${i >> 2} word ${i & 3}`);
  for (const r of ['ELR_EL1', 'ESR_EL1', 'FAR_EL1', 'SPSR_EL1']) if (a.sysregs.get(r) !== b.sysregs.get(r)) out.push(r);
  if (a.el !== b.el) out.push(`el ${a.el} vs ${b.el}`);
  return out;
}

test('loops of data-processing words, branches and loads/stores: translated blocks equal the interpreter', (t) => {
  let compared = 0;
  let translated = 0;
  for (let seed = 1; seed <= 60; seed++) {
    const words = program(seed);
    const fast = boot(words, seed, true);
    const slow = boot(words, seed, false);
    const r = rng(seed * 7919);
    const end = CODE + (words.indexOf(0x14000000) * 4);
    for (let chunk = 0; chunk < 10_000 && (fast.core.pc !== end || slow.core.pc !== end); chunk++) {
      const n = 1 + (r() % 300);
      fast.core.run(n);
      slow.core.run(n);
      compared++;
      const diff = differences(fast.core, slow.core);
      if (diff.length > 0) {
        t.fail(`seed ${seed}, chunk ${chunk}: ${diff.slice(0, 6).join(', ')}`);
        return;
      }
    }
    t.is(fast.core.pc, end, `seed ${seed}: the loop ran to its end`);
    t.is(fast.core.getX(COUNTER), 0n);
    translated += fast.core.blocksTranslated;
  }
  t.true(translated > 60, 'hot loops were translated');
  t.log(`${compared} chunks compared, ${translated} blocks translated, no difference`);
});

test('a load that faults inside a translated loop: same PC, icount, ELR/ESR/FAR as the interpreter', (t) => {
  // ldr x1, [x27]; add x0, x0, #1; add x27, x27, #4095; add x27, x27, #1; subs x28, x28, #1; b.ne loop
  // x27 walks page by page off the end of RAM: the load faults mid-block.
  const words = [0xf9400361, 0x91000400, 0x913fff7b, 0x9100077b, SUBS_COUNTER, bne(5), 0x14000000];
  const start = (m: Machine): void => {
    m.core.setX(BASE_REG, BigInt(RAM_BASE + 0x400_0000 - 100 * 4096));
    m.core.setX(COUNTER, 1000n);
  };
  const fast = boot(words, 1, true);
  const slow = boot(words, 1, false);
  start(fast);
  start(slow);
  for (let chunk = 0; chunk < 40; chunk++) {
    fast.core.run(37);
    slow.core.run(37);
    t.deepEqual(differences(fast.core, slow.core), [], `chunk ${chunk}`);
  }
  t.true(fast.core.blocksTranslated > 0);
  t.is(slow.core.sysregs.get('ELR_EL1'), BigInt(CODE), 'the fault was taken at the load');
  t.is(Number(slow.core.sysregs.get('ESR_EL1') >> 26n), 0x25, 'a data abort');
});
