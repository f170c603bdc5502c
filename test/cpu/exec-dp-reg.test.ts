// dp-reg executors: expected values worked out by hand from the Arm ARM pseudocode, published CRC
// check values, and (for the randomised multiply/divide/shift checks) the architecture's
// definitions written out with bigint integers, independent of the int32-pair code under test.
import test from 'ava';
import { encodeRow } from '../../core/arch/a64/encoder.ts';
import { createExecutorRegistry } from '../../sim/cpu/executors/index.ts';
import { run, u64 } from './exec-dp-run.ts';
import { machine } from './helpers.ts';

const N = 8;
const Z = 4;
const C = 2;
const V = 1;
const GARBAGE = 0xdead_beef_dead_beefn;
const MIN64 = 0x8000_0000_0000_0000n;
const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);

test('ADD/SUB/ADDS/SUBS shifted register: shifts by 0, 1, 63; NZCV at the edges', (t) => {
  t.is(run(['add x0, x1, x2, lsl #63'], { x1: 1n, x2: 1n }).x(0), MIN64 + 1n);
  t.is(run(['add x0, x1, x2, lsr #63'], { x1: 1n, x2: MIN64 }).x(0), 2n);
  t.is(run(['sub x0, x1, x2, asr #63'], { x1: 1n, x2: MIN64 }).x(0), 2n);
  t.is(run(['sub x0, x1, x2, asr #1'], { x1: 0n, x2: u64(-8n) }).x(0), 4n);
  t.is(run(['neg x0, x1'], { x1: MIN64 }).x(0), MIN64);
  let r = run(['adds x0, x1, x2'], { x1: 0x7fff_ffff_ffff_ffffn, x2: 1n });
  t.deepEqual([r.x(0), r.nzcv], [MIN64, N | V]);
  r = run(['adds x0, x1, x2'], { x1: u64(-1n), x2: 1n });
  t.deepEqual([r.x(0), r.nzcv], [0n, Z | C]);
  r = run(['subs x0, x1, x2'], { x1: 0n, x2: 1n });
  t.deepEqual([r.x(0), r.nzcv], [u64(-1n), N]);
  r = run(['subs x0, x1, x2'], { x1: MIN64, x2: 1n });
  t.deepEqual([r.x(0), r.nzcv], [0x7fff_ffff_ffff_ffffn, C | V]);
  t.is(run(['cmp x1, x1'], { x1: 12345n }).nzcv, Z | C);
  t.is(run(['cmp w1, w2'], { x1: 0x8000_0000n, x2: 1n }).nzcv, C | V);
  t.is(run(['cmp w1, w2'], { x1: 1n, x2: 2n }).nzcv, N);
  t.is(run(['cmn w1, w2, lsl #31'], { x1: 0x8000_0000n, x2: 1n }).nzcv, Z | C | V);
  r = run(['subs w0, w1, w2, lsr #4'], { x1: 0x10n, x2: 0x100n, x0: GARBAGE });
  t.deepEqual([r.x(0), r.nzcv], [0n, Z | C]);
});

test('ADD/SUB extended register: every extend, LSL #0-4, SP operands, 32-bit forms', (t) => {
  t.is(run(['add x0, x1, w2, sxtw'], { x1: 0n, x2: 0xffff_ffffn }).x(0), u64(-1n));
  t.is(run(['add x0, x1, w2, uxtw #2'], { x1: 1n, x2: 0x1_ffff_ffffn }).x(0), 0x3_ffff_fffdn);
  t.is(run(['add x0, x1, w2, sxtb #4'], { x1: 0n, x2: 0x180n }).x(0), u64(-0x800n));
  t.is(run(['sub x0, x1, w2, uxth #4'], { x1: 0x10_0000n, x2: 0xf_ffffn }).x(0), 0x10n);
  t.is(run(['add x0, x1, w2, sxth'], { x1: 0n, x2: 0x8000n }).x(0), u64(-0x8000n));
  t.is(run(['add x0, x1, x2, sxtx #3'], { x1: 8n, x2: u64(-1n) }).x(0), 0n);
  t.is(run(['add x0, sp, w1, uxtw #2'], { sp: 0x1000n, x1: 4n }).x(0), 0x1010n);
  t.is(run(['sub sp, sp, x1'], { sp: 0x1000n, x1: 0x10n }).sp, 0xff0n);
  t.is(run(['add w0, w1, w2, uxtb'], { x1: 0xffff_ffffn, x2: 0x101n, x0: GARBAGE }).x(0), 0n);
  t.is(run(['add w0, w1, w2, sxth #1'], { x1: 0n, x2: 0x8000n }).x(0), 0xffff_0000n);
  const r = run(['cmp x1, w2, uxtw'], { x1: 0x1_0000_0000n, x2: 0xffff_ffff_0000_0001n });
  t.is(r.nzcv, C);
});

test('logical shifted register incl. BIC/ORN/EON/BICS/MVN, ROR, and flags', (t) => {
  const a = 0xff00_ff00_f0f0_0f0fn;
  t.is(run(['and x0, x1, x2, ror #8'], { x1: -1n, x2: a }).x(0), 0x0fff_00ff_00f0_f00fn);
  t.is(run(['bic x0, x1, x2'], { x1: -1n, x2: a }).x(0), 0x00ff_00ff_0f0f_f0f0n);
  t.is(run(['orn x0, x1, x2'], { x1: 0n, x2: a }).x(0), 0x00ff_00ff_0f0f_f0f0n);
  t.is(run(['eon x0, x1, x2'], { x1: a, x2: a }).x(0), u64(-1n));
  t.is(run(['mvn w0, w1'], { x1: 0n, x0: GARBAGE }).x(0), 0xffff_ffffn);
  t.is(run(['mov x0, x1'], { x1: a }).x(0), a);
  t.is(run(['eor w0, w1, w2, asr #31'], { x1: 0n, x2: 0x8000_0000n }).x(0), 0xffff_ffffn);
  t.is(run(['orr w0, w1, w2, ror #1'], { x1: 0n, x2: 1n }).x(0), 0x8000_0000n);
  let r = run(['ands x0, x1, x2'], { x1: a, x2: MIN64 }, C | V);
  t.deepEqual([r.x(0), r.nzcv], [MIN64, N]);
  r = run(['bics x0, x1, x2'], { x1: a, x2: a }, N | C);
  t.deepEqual([r.x(0), r.nzcv], [0n, Z]);
  r = run(['tst w1, w2, lsl #1'], { x1: 0x8000_0000n, x2: 0x4000_0000n });
  t.is(r.nzcv, N);
});

test('ADC/ADCS/SBC/SBCS/NGC take PSTATE.C as carry in', (t) => {
  let r = run(['adcs x0, x1, x2'], { x1: u64(-1n), x2: 0n }, C);
  t.deepEqual([r.x(0), r.nzcv], [0n, Z | C]);
  r = run(['adcs x0, x1, x2'], { x1: 0x7fff_ffff_ffff_fffen, x2: 1n }, C);
  t.deepEqual([r.x(0), r.nzcv], [MIN64, N | V]);
  t.is(run(['adc x0, x1, x2'], { x1: 0xffff_ffffn, x2: 0n }, C).x(0), 0x1_0000_0000n);
  r = run(['sbcs x0, x1, x2'], { x1: 5n, x2: 3n }, 0);
  t.deepEqual([r.x(0), r.nzcv], [1n, C]);
  r = run(['sbcs x0, x1, x2'], { x1: 5n, x2: 5n }, 0);
  t.deepEqual([r.x(0), r.nzcv], [u64(-1n), N]);
  t.is(run(['sbc x0, x1, x2'], { x1: 5n, x2: 5n }, C).x(0), 0n);
  t.is(run(['ngc w0, w1'], { x1: 1n, x0: GARBAGE }, 0).x(0), 0xffff_fffen);
  r = run(['adcs w0, w1, w2'], { x1: 0xffff_ffffn, x2: 0xffff_ffffn }, C);
  t.deepEqual([r.x(0), r.nzcv], [0xffff_ffffn, N | C]);
  r = run(['sbcs w0, w1, w2'], { x1: 0x8000_0000n, x2: 0n }, 0);
  t.deepEqual([r.x(0), r.nzcv], [0x7fff_ffffn, C | V]);
});

test('CCMP/CCMN: the comparison when the condition holds, #nzcv when it does not', (t) => {
  t.is(run(['ccmp x1, x2, #5, eq'], { x1: 1n, x2: 1n }, 0).nzcv, 5);
  t.is(run(['ccmp x1, x2, #5, eq'], { x1: 1n, x2: 1n }, Z).nzcv, Z | C);
  t.is(run(['ccmp x1, #31, #0, ne'], { x1: 0n }, 0).nzcv, N);
  t.is(run(['ccmn x1, #1, #0, al'], { x1: u64(-1n) }, N | V).nzcv, Z | C);
  t.is(run(['ccmn w1, w2, #0xf, hi'], { x1: 0x7fff_ffffn, x2: 1n }, C).nzcv, N | V);
  t.is(run(['ccmn w1, w2, #0xf, hi'], { x1: 0x7fff_ffffn, x2: 1n }, C | Z).nzcv, 0xf);
  t.is(run(['ccmp w1, #1, #0, ge'], { x1: 0x8000_0000n }, N | V).nzcv, C | V);
  t.is(run(['ccmp w1, #1, #2, lt'], { x1: 0x8000_0000n }, N | V).nzcv, C);
});

test('CSEL/CSINC/CSINV/CSNEG and the cset/csetm/cinc/cneg aliases over every condition', (t) => {
  // With only Z and C set: eq, hs, pl, vc, ls (Z=1), ge (N=V), le (Z=1), al and nv hold.
  const holds = [true, false, true, false, false, true, false, true, false, true, true, false, false, true, true, true];
  const conds = ['eq', 'ne', 'hs', 'lo', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al', 'nv'];
  conds.forEach((c, i) => {
    const r = run([`csel x0, x1, x2, ${c}`], { x1: 1n, x2: 2n }, Z | C);
    t.is(r.x(0), holds[i] ? 1n : 2n, c);
  });
  t.is(run(['csinc x0, x1, x2, ne'], { x1: 1n, x2: u64(-1n) }, Z).x(0), 0n);
  t.is(run(['csinc w0, w1, w2, ne'], { x1: 1n, x2: 0xffff_ffffn, x0: GARBAGE }, Z).x(0), 0n);
  t.is(run(['csinc x0, x1, x2, ne'], { x1: 1n, x2: 0xffff_ffffn }, Z).x(0), 0x1_0000_0000n);
  t.is(run(['csinv x0, x1, x2, ne'], { x1: 1n, x2: 0n }, Z).x(0), u64(-1n));
  t.is(run(['csneg x0, x1, x2, ne'], { x1: 1n, x2: 5n }, Z).x(0), u64(-5n));
  t.is(run(['csneg x0, x1, x2, ne'], { x1: 1n, x2: 0n }, Z).x(0), 0n);
  t.is(run(['csneg w0, w1, w2, ne'], { x1: 1n, x2: 0x8000_0000n }, Z).x(0), 0x8000_0000n);
  t.is(run(['cset w0, eq'], { x0: GARBAGE }, Z).x(0), 1n);
  t.is(run(['csetm x0, ne'], {}, 0).x(0), u64(-1n));
  t.is(run(['cinc x0, x1, lt'], { x1: 7n }, N).x(0), 8n);
  t.is(run(['cneg x0, x1, mi'], { x1: 7n }, N).x(0), u64(-7n));
});

test('RBIT, REV16, REV32, REV, CLZ, CLS', (t) => {
  const v = 0x0123_4567_89ab_cdefn;
  t.is(run(['rbit x0, x1'], { x1: 1n }).x(0), MIN64);
  t.is(run(['rbit x0, x1'], { x1: v }).x(0), 0xf7b3_d591_e6a2_c480n);
  t.is(run(['rbit w0, w1'], { x1: 0x1_0000_0003n, x0: GARBAGE }).x(0), 0xc000_0000n);
  t.is(run(['rev x0, x1'], { x1: v }).x(0), 0xefcd_ab89_6745_2301n);
  t.is(run(['rev32 x0, x1'], { x1: v }).x(0), 0x6745_2301_efcd_ab89n);
  t.is(run(['rev16 x0, x1'], { x1: v }).x(0), 0x2301_6745_ab89_efcdn);
  t.is(run(['rev w0, w1'], { x1: v }).x(0), 0xefcd_ab89n);
  t.is(run(['rev16 w0, w1'], { x1: v }).x(0), 0xab89_efcdn);
  t.is(run(['clz x0, x1'], { x1: 0n }).x(0), 64n);
  t.is(run(['clz x0, x1'], { x1: 1n }).x(0), 63n);
  t.is(run(['clz x0, x1'], { x1: 0x1_0000_0000n }).x(0), 31n);
  t.is(run(['clz w0, w1'], { x1: 0xffff_ffff_0000_0000n }).x(0), 32n);
  t.is(run(['cls x0, x1'], { x1: 0n }).x(0), 63n);
  t.is(run(['cls x0, x1'], { x1: u64(-1n) }).x(0), 63n);
  t.is(run(['cls x0, x1'], { x1: 1n }).x(0), 62n);
  t.is(run(['cls x0, x1'], { x1: 0xffff_ffff_7fff_ffffn }).x(0), 31n);
  t.is(run(['cls x0, x1'], { x1: MIN64 }).x(0), 0n);
  t.is(run(['cls w0, w1'], { x1: 0xffffn }).x(0), 15n);
  t.is(run(['cls w0, w1'], { x1: 0xffff_ffffn }).x(0), 31n);
});

test('UDIV/SDIV: divide by zero gives 0, INT_MIN / -1 gives INT_MIN, rounding toward zero', (t) => {
  t.is(run(['udiv x0, x1, x2'], { x1: 5n, x2: 0n, x0: GARBAGE }).x(0), 0n);
  t.is(run(['sdiv x0, x1, x2'], { x1: 5n, x2: 0n, x0: GARBAGE }).x(0), 0n);
  t.is(run(['udiv w0, w1, w2'], { x1: 5n, x2: 0n, x0: GARBAGE }).x(0), 0n);
  t.is(run(['sdiv w0, w1, w2'], { x1: 5n, x2: 0n, x0: GARBAGE }).x(0), 0n);
  t.is(run(['sdiv x0, x1, x2'], { x1: MIN64, x2: u64(-1n) }).x(0), MIN64);
  t.is(run(['sdiv w0, w1, w2'], { x1: 0x8000_0000n, x2: 0xffff_ffffn, x0: GARBAGE }).x(0), 0x8000_0000n);
  t.is(run(['sdiv x0, x1, x2'], { x1: u64(-7n), x2: 2n }).x(0), u64(-3n));
  t.is(run(['sdiv x0, x1, x2'], { x1: 7n, x2: u64(-2n) }).x(0), u64(-3n));
  t.is(run(['sdiv w0, w1, w2'], { x1: u64(-7n), x2: 2n }).x(0), 0xffff_fffdn);
  t.is(run(['udiv x0, x1, x2'], { x1: u64(-1n), x2: 3n }).x(0), 0x5555_5555_5555_5555n);
  t.is(run(['udiv x0, x1, x2'], { x1: u64(-1n), x2: 0x8000_0000_0000_0001n }).x(0), 1n);
  t.is(run(['udiv x0, x1, x2'], { x1: u64(-2n), x2: u64(-1n) }).x(0), 0n);
  t.is(run(['udiv w0, w1, w2'], { x1: 0xffff_ffffn, x2: 1n }).x(0), 0xffff_ffffn);
});

test('variable shifts take the amount modulo the register size', (t) => {
  t.is(run(['lsl x0, x1, x2'], { x1: 1n, x2: 67n }).x(0), 8n);
  t.is(run(['lsr x0, x1, x2'], { x1: MIN64, x2: 63n }).x(0), 1n);
  t.is(run(['asr x0, x1, x2'], { x1: MIN64, x2: 127n }).x(0), u64(-1n));
  t.is(run(['ror x0, x1, x2'], { x1: 1n, x2: 1n }).x(0), MIN64);
  t.is(run(['ror x0, x1, x2'], { x1: 0x1234n, x2: 64n }).x(0), 0x1234n);
  t.is(run(['lsl w0, w1, w2'], { x1: 1n, x2: 33n, x0: GARBAGE }).x(0), 2n);
  t.is(run(['lsr w0, w1, w2'], { x1: 0xffff_ffff_8000_0000n, x2: 31n }).x(0), 1n);
  t.is(run(['asr w0, w1, w2'], { x1: 0x8000_0000n, x2: 4n }).x(0), 0xf800_0000n);
  t.is(run(['ror w0, w1, w2'], { x1: 1n, x2: 32n + 1n }).x(0), 0x8000_0000n);
});

test('CRC32 and CRC32C reach the published check values over "123456789"', (t) => {
  // Standard CRCs: start from all ones, feed the bytes, invert (the instructions do neither).
  const bytes = 0x3837_3635_3433_3231n; // "12345678" little-endian
  const nine = 0x39n;
  const crc = (x: string, b: string): bigint =>
    run([`${x} w0, w0, x2`, `${b} w0, w0, w3`, 'mvn w0, w0'], { x0: 0xffff_ffffn, x2: bytes, x3: nine }).x(0);
  t.is(crc('crc32x', 'crc32b'), 0xcbf4_3926n);
  t.is(crc('crc32cx', 'crc32cb'), 0xe306_9283n);
  // The same data as words and halfwords.
  const r = run(['crc32w w0, w0, w2', 'crc32h w0, w0, w3', 'crc32h w0, w0, w4', 'crc32b w0, w0, w5', 'mvn w0, w0'], {
    x0: 0xffff_ffffn,
    x2: 0x3433_3231n,
    x3: 0x3635n,
    x4: 0xffff_3837n, // only the low halfword counts
    x5: nine,
  });
  t.is(r.x(0), 0xcbf4_3926n);
});

test('multiply: MADD/MSUB low 64 bits, long multiplies, SMULH/UMULH 128-bit high halves', (t) => {
  t.is(run(['mul x0, x1, x2'], { x1: 0xffff_ffffn, x2: 0xffff_ffffn }).x(0), 0xffff_fffe_0000_0001n);
  t.is(run(['madd x0, x1, x2, x3'], { x1: u64(-3n), x2: 5n, x3: 20n }).x(0), 5n);
  t.is(run(['msub x0, x1, x2, x3'], { x1: 3n, x2: 5n, x3: 10n }).x(0), u64(-5n));
  t.is(run(['mul w0, w1, w2'], { x1: 0x1_0001_0000n, x2: 0x1_0000n, x0: GARBAGE }).x(0), 0n);
  t.is(run(['msub w0, w1, w2, w3'], { x1: 2n, x2: 3n, x3: 0n }).x(0), 0xffff_fffan);
  t.is(run(['smull x0, w1, w2'], { x1: 0xffff_ffffn, x2: 2n }).x(0), u64(-2n));
  t.is(run(['umull x0, w1, w2'], { x1: 0xffff_ffffn, x2: 2n }).x(0), 0x1_ffff_fffen);
  t.is(run(['smaddl x0, w1, w2, x3'], { x1: 0xffff_ffffn, x2: 2n, x3: 5n }).x(0), 3n);
  t.is(run(['umsubl x0, w1, w2, x3'], { x1: 0xffff_ffffn, x2: 0xffff_ffffn, x3: 0n }).x(0), u64(-0xffff_fffe_0000_0001n));
  t.is(run(['smnegl x0, w1, w2'], { x1: 0x8000_0000n, x2: 0x8000_0000n }).x(0), u64(-(1n << 62n)));
  t.is(run(['umulh x0, x1, x2'], { x1: u64(-1n), x2: u64(-1n) }).x(0), u64(-2n));
  t.is(run(['smulh x0, x1, x2'], { x1: u64(-1n), x2: u64(-1n) }).x(0), 0n);
  t.is(run(['smulh x0, x1, x2'], { x1: MIN64, x2: MIN64 }).x(0), 1n << 62n);
  t.is(run(['smulh x0, x1, x2'], { x1: MIN64, x2: u64(-1n) }).x(0), 0n);
  t.is(run(['smulh x0, x1, x2'], { x1: u64(-2n), x2: 3n }).x(0), u64(-1n));
});

/** A fixed xorshift stream of 64-bit values, biased toward the edges. */
function* values(count: number): Generator<bigint> {
  const edges = [0n, 1n, u64(-1n), MIN64, MIN64 - 1n, 0xffff_ffffn, 0x1_0000_0000n, 0x8000_0000n, 0x1f_ffff_ffff_ffffn, 0x20_0000_0000_0000n];
  yield* edges;
  let s = 0x9e37_79b9_7f4a_7c15n;
  for (let i = 0; i < count; i++) {
    s ^= u64(s << 13n);
    s ^= s >> 7n;
    s ^= u64(s << 17n);
    const shift = BigInt(i % 64);
    yield i % 3 === 0 ? s >> shift : s;
  }
}

test('randomised 64-bit multiply, divide and shifts against their definitions on integers', (t) => {
  const vs = [...values(40)];
  const reg = (asm: string, a: bigint, b: bigint): bigint => run([asm], { x1: a, x2: b }).x(0);
  let checked = 0;
  for (const a of vs) {
    for (const b of vs.slice(0, 20)) {
      t.is(reg('umulh x0, x1, x2', a, b), (a * b) >> 64n);
      t.is(reg('smulh x0, x1, x2', a, b), u64((s64(a) * s64(b)) >> 64n));
      t.is(reg('mul x0, x1, x2', a, b), u64(a * b));
      t.is(reg('udiv x0, x1, x2', a, b), b === 0n ? 0n : a / b);
      t.is(reg('sdiv x0, x1, x2', a, b), b === 0n ? 0n : u64(s64(a) / s64(b)));
      const sh = b & 63n;
      t.is(reg('lsr x0, x1, x2', a, b), a >> sh);
      t.is(reg('asr x0, x1, x2', a, b), u64(s64(a) >> sh));
      t.is(reg('ror x0, x1, x2', a, b), u64((a >> sh) | (a << (64n - sh))));
      const sum = a + b;
      const f = run(['adds x0, x1, x2'], { x1: a, x2: b });
      const res = u64(sum);
      const flags = (res >> 63n ? N : 0) | (res === 0n ? Z : 0) | (sum >> 64n ? C : 0) | (s64(a) + s64(b) !== s64(res) ? V : 0);
      t.is(f.nzcv, flags);
      checked++;
    }
  }
  t.log(`${checked} operand pairs`);
});

test('flag manipulation: CFINV, RMIF, SETF8/SETF16, AXFLAG, XAFLAG', (t) => {
  t.is(run(['cfinv'], {}, N | C).nzcv, N);
  t.is(run(['cfinv'], {}, Z).nzcv, Z | C);
  // Bits 3:0 of Xn ROR 4 are bits 7:4 of Xn = 0b1010; mask 0b0110 copies Z and C only.
  t.is(run(['rmif x1, #4, #6'], { x1: 0xa0n }, N | V).nzcv, N | C | V);
  t.is(run(['rmif x1, #62, #15'], { x1: 0x3n << 62n | 0x3n }).nzcv, N | Z | C | V);
  t.is(run(['setf8 w1'], { x1: 0x180n }, C).nzcv, N | C);
  t.is(run(['setf8 w1'], { x1: 0x100n }).nzcv, Z | V);
  t.is(run(['setf8 w1'], { x1: 0x7fn }, N | Z).nzcv, 0);
  t.is(run(['setf16 w1'], { x1: 0x1_0000n }).nzcv, Z | V);
  t.is(run(['setf16 w1'], { x1: 0x8000n }).nzcv, N | V);
  // AXFLAG: Z |= V, C &= !V, N = V = 0.
  t.is(run(['axflag'], {}, N | C | V).nzcv, Z);
  t.is(run(['axflag'], {}, N | C).nzcv, C);
  // XAFLAG: N = !C & !Z, Z = Z & C, C = C | Z, V = !C & Z.
  t.is(run(['xaflag'], {}, 0).nzcv, N);
  t.is(run(['xaflag'], {}, Z).nzcv, C | V);
  t.is(run(['xaflag'], {}, C).nzcv, C);
  t.is(run(['xaflag'], {}, Z | C).nzcv, Z | C);
});

test('pointer authentication with the keys disabled: PAC*/AUT* leave Xd alone, XPAC* strip per TCR', (t) => {
  const signed = 0x00ab_0000_1234_5678n;
  for (const asm of ['pacia x0, x1', 'pacizb x0', 'autda x0, sp', 'autdzb x0']) {
    t.is(run([asm], { x0: signed, x1: 7n }).x(0), signed, asm);
  }
  // TCR_EL1.T0SZ = 16 (48-bit VAs), no top-byte-ignore: bits 63:48 become copies of bit 55 (1 here).
  const noTbi = (core: import('../../sim/cpu/index.ts').Core) => core.sysregs.set('TCR_EL1', 16n | (16n << 16n));
  t.is(run(['xpaci x0'], { x0: signed }, 0, noTbi).x(0), 0xffff_0000_1234_5678n);
  // TBI0 on: bits 63:56 stay, 55:48 copy bit 55. XPACI also needs TBID0 = 0 for that.
  const tbi = (core: import('../../sim/cpu/index.ts').Core) => core.sysregs.set('TCR_EL1', 16n | (16n << 16n) | (1n << 37n));
  t.is(run(['xpacd x0'], { x0: 0x5a2b_0000_1234_5678n }, 0, tbi).x(0), 0x5a00_0000_1234_5678n);
  const tbid = (core: import('../../sim/cpu/index.ts').Core) => core.sysregs.set('TCR_EL1', 16n | (1n << 37n) | (1n << 51n));
  t.is(run(['xpaci x0'], { x0: 0x5a2b_0000_1234_5678n }, 0, tbid).x(0), 0x0000_0000_1234_5678n);
  t.is(run(['xpaci x0'], { x0: 0x0000_7fff_1234_5678n }, 0, noTbi).x(0), 0x0000_7fff_1234_5678n);
  // PACGA: bits 31:0 zero, the same digest for the same inputs.
  const a = run(['pacga x0, x1, x2'], { x1: 1n, x2: 2n }).x(0);
  const b = run(['pacga x0, x1, x2'], { x1: 1n, x2: 2n }).x(0);
  t.is(a & 0xffff_ffffn, 0n);
  t.is(a, b);
  t.not(run(['pacga x0, x1, x2'], { x1: 1n, x2: 3n }).x(0), a);
});

test('ADR/ADRP at a high-half (negative) PC', (t) => {
  const { core } = machine();
  const reg = createExecutorRegistry();
  core.pc = -0x2000_0000_0000 + 0x1ff8; // 0xffff_e000_0000_1ff8
  const adrp = reg.predecode(encodeRow('ADRP', { Rd: 0, immlo: 1, immhi: 0 })); // +0x1000 pages
  adrp.exec(core, adrp);
  t.is(core.getX(0), 0xffff_e000_0000_2000n);
  const adr = reg.predecode(encodeRow('ADR', { Rd: 1, immlo: 0, immhi: 0x7ffff })); // -4
  adr.exec(core, adr);
  t.is(core.getX(1), 0xffff_e000_0000_1ff4n);
});
