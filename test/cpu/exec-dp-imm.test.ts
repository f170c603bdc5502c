// dp-imm executors: expected values worked out by hand from the Arm ARM pseudocode (AddWithCarry,
// DecodeBitMasks, the bitfield and extract operations), not from the code under test.
import test from 'ava';
import { CODE } from './helpers.ts';
import { run, u64 } from './exec-dp-run.ts';

const N = 8;
const Z = 4;
const C = 2;
const V = 1;
const GARBAGE = 0xdead_beef_dead_beefn;

test('ADD/SUB immediate: 64-bit wrap, LSL #12, SP as source and destination', (t) => {
  let r = run(['add x0, x1, #1'], { x1: -1n });
  t.is(r.x(0), 0n);
  r = run(['add x0, x1, #1, lsl #12'], { x1: 0xffff_f000n });
  t.is(r.x(0), 0x1_0000_0000n);
  r = run(['sub sp, sp, #16', 'add x0, sp, #8'], { sp: 0x8_0000_1000n });
  t.is(r.sp, 0x8_0000_0ff0n);
  t.is(r.x(0), 0x8_0000_0ff8n);
  r = run(['sub x0, x1, #4095'], { x1: 0n });
  t.is(r.x(0), u64(-4095n));
});

test('32-bit forms zero the upper half of the destination', (t) => {
  const r = run(['add w0, w1, #1', 'sub w2, w3, #1', 'mov w4, #-1'], { x0: GARBAGE, x1: 0xffff_ffff_ffff_ffffn, x2: GARBAGE, x3: 0n, x4: GARBAGE });
  t.is(r.x(0), 0n);
  t.is(r.x(2), 0xffff_ffffn);
  t.is(r.x(4), 0xffff_ffffn);
});

test('ADDS/SUBS immediate NZCV per AddWithCarry at the carry and overflow edges', (t) => {
  t.is(run(['adds x0, x1, #1'], { x1: 0x7fff_ffff_ffff_ffffn }).nzcv, N | V);
  t.is(run(['adds x0, x1, #1'], { x1: -1n }).nzcv, Z | C);
  t.is(run(['subs x0, x1, #1'], { x1: 0n }).nzcv, N);
  t.is(run(['subs x0, x1, #1'], { x1: 0x8000_0000_0000_0000n }).nzcv, C | V);
  t.is(run(['cmp x1, #0'], { x1: 0n }).nzcv, Z | C); // x - 0 never borrows
  t.is(run(['cmn w1, #1'], { x1: 0x7fff_ffffn }).nzcv, N | V);
  t.is(run(['cmp w1, #1'], { x1: 0x8000_0000n }).nzcv, C | V);
  const r = run(['adds w0, w1, #1'], { x1: 0xffff_ffff_ffff_ffffn, x0: GARBAGE });
  t.is(r.x(0), 0n);
  t.is(r.nzcv, Z | C);
  // ADDS writes Xd, not SP, for Rd = 31: cmp leaves SP alone.
  t.is(run(['cmp x1, #5'], { x1: 5n, sp: 0x1000n }).sp, 0x1000n);
});

test('logical immediates decode as DecodeBitMasks defines; ANDS sets N and Z and clears C and V', (t) => {
  t.is(run(['and x0, x1, #0x5555555555555555'], { x1: -1n }).x(0), 0x5555_5555_5555_5555n);
  t.is(run(['orr w0, wzr, #0x80000001'], { x0: GARBAGE }).x(0), 0x8000_0001n);
  t.is(run(['eor x0, x1, #0xff00ff00ff00ff00'], { x1: 0xffffn }).x(0), 0xff00_ff00_ff00_00ffn);
  t.is(run(['mov x0, #0x7ffffffffffffffe']).x(0), 0x7fff_ffff_ffff_fffen);
  t.is(run(['orr sp, x1, #0xf0'], { x1: 0x100n }).sp, 0x1f0n);
  let r = run(['ands x0, x1, #0x8000000000000000'], { x1: -1n }, C | V);
  t.is(r.x(0), 0x8000_0000_0000_0000n);
  t.is(r.nzcv, N);
  r = run(['tst w1, #0x1'], { x1: 2n }, N | C | V);
  t.is(r.nzcv, Z);
});

test('MOVZ, MOVN, MOVK', (t) => {
  t.is(run(['movz x0, #0x1234, lsl #48']).x(0), 0x1234_0000_0000_0000n);
  t.is(run(['movn x0, #0']).x(0), 0xffff_ffff_ffff_ffffn);
  t.is(run(['movn w0, #0'], { x0: GARBAGE }).x(0), 0xffff_ffffn);
  t.is(run(['movn x0, #0x1, lsl #16']).x(0), 0xffff_ffff_fffe_ffffn);
  t.is(run(['movk x0, #0x1234, lsl #48'], { x0: -1n }).x(0), 0x1234_ffff_ffff_ffffn);
  t.is(run(['movk x0, #0xabcd, lsl #16'], { x0: 0n }).x(0), 0xabcd_0000n);
  t.is(run(['movk w0, #0x5678'], { x0: -1n }).x(0), 0xffff_5678n);
});

test('bitfield moves: UBFX/SBFX/UBFIZ/SBFIZ/BFI/BFXIL, shifts and extends as UBFM/SBFM', (t) => {
  const src = 0xfedc_ba98_7654_3210n;
  t.is(run(['ubfx x0, x1, #60, #4'], { x1: src }).x(0), 0xfn);
  t.is(run(['sbfx x0, x1, #60, #4'], { x1: src }).x(0), u64(-1n));
  t.is(run(['sbfx x0, x1, #4, #8'], { x1: src }).x(0), 0x21n);
  t.is(run(['sbfx x0, x1, #28, #8'], { x1: src }).x(0), u64(-0x79n)); // 0x87 sign-extended
  t.is(run(['ubfiz x0, x1, #56, #8'], { x1: 0x1ffn }).x(0), 0xff00_0000_0000_0000n);
  t.is(run(['sbfiz x0, x1, #8, #4'], { x1: 0x8n }).x(0), u64(-0x800n));
  t.is(run(['sbfiz x0, x1, #40, #1'], { x1: 1n }).x(0), 0xffff_ff00_0000_0000n);
  t.is(run(['bfi x0, x1, #8, #16'], { x0: -1n, x1: 0x1234n }).x(0), 0xffff_ffff_ff12_34ffn);
  t.is(run(['bfxil x0, x1, #32, #16'], { x0: 0n, x1: src }).x(0), 0xba98n);
  t.is(run(['bfi w0, w1, #28, #4'], { x0: GARBAGE, x1: 0xan }).x(0), 0xaead_beefn);
  t.is(run(['lsl x0, x1, #63'], { x1: 3n }).x(0), 0x8000_0000_0000_0000n);
  t.is(run(['lsr x0, x1, #63'], { x1: src }).x(0), 1n);
  t.is(run(['asr x0, x1, #63'], { x1: src }).x(0), u64(-1n));
  t.is(run(['asr x0, x1, #32'], { x1: src }).x(0), 0xffff_ffff_fedc_ba98n);
  t.is(run(['lsl w0, w1, #31'], { x1: 3n, x0: GARBAGE }).x(0), 0x8000_0000n);
  t.is(run(['asr w0, w1, #31'], { x1: 0x8000_0000n }).x(0), 0xffff_ffffn);
  t.is(run(['sxtw x0, w1'], { x1: 0x1_8000_0000n }).x(0), 0xffff_ffff_8000_0000n);
  t.is(run(['sxtb w0, w1'], { x1: 0x80n }).x(0), 0xffff_ff80n);
  t.is(run(['sxth x0, w1'], { x1: 0x8000n }).x(0), 0xffff_ffff_ffff_8000n);
  t.is(run(['uxtb w0, w1'], { x1: 0x1ffn }).x(0), 0xffn);
  t.is(run(['uxth w0, w1'], { x1: 0x1_ffffn }).x(0), 0xffffn);
});

test('EXTR and ROR (immediate), at 0, 32 and odd positions', (t) => {
  const n = 0x0123_4567_89ab_cdefn;
  const m = 0xfedc_ba98_7654_3210n;
  t.is(run(['extr x0, x1, x2, #8'], { x1: n, x2: m }).x(0), 0xeffe_dcba_9876_5432n);
  t.is(run(['extr x0, x1, x2, #32'], { x1: n, x2: m }).x(0), 0x89ab_cdef_fedc_ba98n);
  t.is(run(['extr x0, x1, x2, #40'], { x1: n, x2: m }).x(0), 0x6789_abcd_effe_dcban);
  t.is(run(['extr x0, x1, x2, #0'], { x1: n, x2: m }).x(0), m);
  t.is(run(['ror x0, x1, #4'], { x1: n }).x(0), 0xf012_3456_789a_bcden);
  t.is(run(['ror w0, w1, #4'], { x1: n }).x(0), 0xf89a_bcden);
  t.is(run(['extr w0, w1, w2, #0'], { x1: n, x2: m, x0: GARBAGE }).x(0), 0x7654_3210n);
});

test('ADR and ADRP are relative to the instruction, ADRP to its 4 KB page', (t) => {
  const r = run(['nop', 'adr x0, #-4', 'adr x1, #0x100', 'adrp x2, #0x3000', 'adrp x3, #-0x1000']);
  t.is(r.x(0), BigInt(CODE));
  t.is(r.x(1), BigInt(CODE + 8 + 0x100));
  const page = BigInt(CODE) & ~0xfffn;
  t.is(r.x(2), page + 0x3000n);
  t.is(r.x(3), page - 0x1000n);
});
