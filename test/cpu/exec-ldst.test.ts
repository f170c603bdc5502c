// The ldst executors on their own, results worked out by hand from the Arm ARM: page-crossing
// and register-offset addressing, sign extension, writeback (Rt == Rn as QEMU resolves it), LSE
// atomics and CAS, LDRAA/LDRAB, SIMD&FP scalar and structure forms, SP-base alignment. The
// faulting and synchronisation cases are in exec-ldst-sync-mmu.test.ts; every form against
// QEMU in exec-ldst-qemu.test.ts.
import test from 'ava';
import { REG_SP } from '../../sim/cpu/index.ts';
import { LDST_EXECUTORS } from '../../sim/cpu/executors/ldst.ts';
import { createExecutorRegistry } from '../../sim/cpu/executors/index.ts';
import { LDST } from '../../core/arch/a64/tables/ldst.ts';
import { CODE, DATA_PA, RAM_BASE, W, X, enter, esr, exec, flat, put64, setX } from './exec-ldst-helpers.ts';

test('every ldst row of the table has an executor, in LDST_EXECUTORS and in the full registry', (t) => {
  const ids = new Set(LDST_EXECUTORS.map((d) => d.id));
  t.deepEqual(LDST.filter((r) => !ids.has(r.id)).map((r) => r.id), []);
  t.is(ids.size, LDST_EXECUTORS.length);
  const all = createExecutorRegistry();
  t.deepEqual(LDST.filter((r) => !all.has(r.id)).map((r) => r.id), []);
});

test('an unaligned LDR crossing a page boundary reads the bytes of both pages; STUR writes them', (t) => {
  const m = flat();
  const va = DATA_PA + 0x1000 - 3;
  put64(m.ram, DATA_PA + 0xff8, 0x8877665544332211n); // bytes 0xffd..0xfff = 66 77 88
  put64(m.ram, DATA_PA + 0x1000, 0xffeeddccbbaa9988n);
  setX(m, 1, va);
  t.is(exec(m, W.LDR_X), 'ok');
  t.is(X(m, 0), 0xccbbaa9988887766n);
  t.is(exec(m, W.LDR_W), 'ok');
  t.is(X(m, 0), 0x88887766n);
  setX(m, 1, va + 1); // stur x3, [x1, #-1]: the same address
  setX(m, 3, 0x0102030405060708n);
  t.is(exec(m, W.STUR_X), 'ok');
  setX(m, 1, va);
  exec(m, W.LDR_X);
  t.is(X(m, 0), 0x0102030405060708n);
  setX(m, 1, va + 1);
  exec(m, W.LDUR_X);
  t.is(X(m, 0), 0x0102030405060708n);
});

test('LSE atomics: old value to Rt, the operation on the memory size (ADD wraps, SMAX signed, UMIN unsigned, SWPB)', (t) => {
  const m = flat();
  const va = DATA_PA + 0x100;
  setX(m, 1, va);
  put64(m.ram, va, 0xffff_ffff_ffff_fff0n);
  setX(m, 3, 0x20n);
  exec(m, W.LDADD_X);
  t.is(X(m, 0), 0xffff_ffff_ffff_fff0n);
  exec(m, W.LDR_X);
  t.is(X(m, 0), 0x10n);
  put64(m.ram, va, 0x1234_8000n); // halfword 0x8000 = -32768
  setX(m, 3, 0xffff_0001n); // w3's halfword 0x0001
  exec(m, W.LDSMAXH);
  t.is(X(m, 0), 0x8000n);
  exec(m, W.LDR_X);
  t.is(X(m, 0), 0x1234_0001n);
  put64(m.ram, va, 0x8000_0000_0000_0000n);
  setX(m, 3, 0x7fff_ffff_ffff_ffffn);
  exec(m, W.LDUMIN_X);
  exec(m, W.LDR_X);
  t.is(X(m, 0), 0x7fff_ffff_ffff_ffffn);
  put64(m.ram, va, 0xaabbn);
  setX(m, 3, 0x1ccn);
  exec(m, W.SWPB);
  t.is(X(m, 0), 0xbbn);
  exec(m, W.LDR_X);
  t.is(X(m, 0), 0xaaccn);
});

test('CAS and CASP: swap on equal, old value back to Rs either way', (t) => {
  const m = flat();
  const va = DATA_PA + 0x200;
  setX(m, 1, va);
  put64(m.ram, va, 5n);
  setX(m, 2, 5n);
  setX(m, 3, 9n);
  exec(m, W.CAS_X);
  t.is(X(m, 2), 5n);
  exec(m, W.LDR_X);
  t.is(X(m, 0), 9n);
  setX(m, 2, 5n);
  exec(m, W.CAS_X);
  t.is(X(m, 2), 9n);
  exec(m, W.LDR_X);
  t.is(X(m, 0), 9n);
  // casp x2, x3, x6, x7: memory (low first) against x2:x3.
  put64(m.ram, va + 8, 10n);
  setX(m, 2, 9n);
  setX(m, 3, 10n);
  setX(m, 6, 100n);
  setX(m, 7, 200n);
  exec(m, W.CASP_X);
  t.deepEqual([X(m, 2), X(m, 3)], [9n, 10n]);
  exec(m, W.LDR_X);
  t.is(X(m, 0), 100n);
});

test('writeback: post-index loads from the old base; Rt == Rn resolves as QEMU does', (t) => {
  const m = flat();
  const va = DATA_PA + 0x300;
  put64(m.ram, va, 0xaan);
  setX(m, 1, va);
  exec(m, W.LDR_POST);
  t.is(X(m, 0), 0xaan);
  t.is(X(m, 1), BigInt(va + 8));
  // str x1, [x1, #8]!: stores the base from before the writeback.
  setX(m, 1, va);
  exec(m, W.STR_X_WB_SAME);
  t.is(X(m, 1), BigInt(va + 8));
  setX(m, 1, va + 8);
  exec(m, W.LDR_X);
  t.is(X(m, 0), BigInt(va));
  // ldr x1, [x1], #8: the written-back address wins over the loaded value.
  setX(m, 1, va);
  exec(m, W.LDR_X_POST_SAME);
  t.is(X(m, 1), BigInt(va + 8));
});

test('register offset with sign-extended index, sign-extending loads', (t) => {
  const m = flat();
  const va = DATA_PA + 0x400;
  put64(m.ram, va - 8, 0x0000_8001_0000_0000n); // halfword at va-4 = 0x8001
  setX(m, 1, va);
  setX(m, 3, -2n); // ldrsh x0, [x1, x3, lsl #1] → va - 4
  exec(m, W.LDRSH_X_REG);
  t.is(X(m, 0), 0xffff_ffff_ffff_8001n);
  setX(m, 3, 0x1234_5678_ffff_fffdn); // w3 = -3, sxtw → va - 3 (byte 0x80)
  exec(m, W.LDRSB_W_SXTW);
  t.is(X(m, 0), 0xffff_ff80n); // W form: upper half zero
});

test('LDRAA/LDRAB: the PAC field is replaced by bit 55 copies (authentication assumed to pass), pre-index writes back', (t) => {
  const m = flat();
  const va = DATA_PA + 0x500;
  put64(m.ram, va + 8, 0x5151n);
  put64(m.ram, va - 16, 0x6262n);
  setX(m, 1, (0x002an << 48n) | BigInt(va));
  exec(m, W.LDRAA);
  t.is(X(m, 0), 0x5151n);
  exec(m, W.LDRAB_PRE);
  t.is(X(m, 0), 0x6262n);
  t.is(X(m, 1), BigInt(va - 16));
});

test('SIMD structures: LD4 de-interleaves halfwords, LD3R replicates and wraps at v31, ST2 one lane, post-index', (t) => {
  const m = flat();
  const va = DATA_PA + 0x600;
  for (let i = 0; i < 32; i++) m.ram.storeAt(va - RAM_BASE + i * 2, 2, BigInt(i));
  setX(m, 1, va);
  exec(m, W.LD4_8H_POST);
  t.is(X(m, 1), BigInt(va + 64));
  const lanes = (v: number) => Array.from({ length: 8 }, (_, i) => m.core.vview.getUint16(v * 16 + i * 2, true));
  t.deepEqual(lanes(0), [0, 4, 8, 12, 16, 20, 24, 28]);
  t.deepEqual(lanes(3), [3, 7, 11, 15, 19, 23, 27, 31]);
  setX(m, 1, va);
  exec(m, W.LD3R_4S);
  t.deepEqual(m.core.getV(30), [0x0001_0000_0001_0000n, 0x0001_0000_0001_0000n]);
  t.deepEqual(m.core.getV(31), [0x0003_0002_0003_0002n, 0x0003_0002_0003_0002n]);
  t.deepEqual(m.core.getV(0), [0x0005_0004_0005_0004n, 0x0005_0004_0005_0004n]);
  // ld1 { v2.h }[5]: one lane, the rest kept; ld1r { v2.8b }: the upper half zeroed.
  m.core.setV(2, -1n, -1n);
  exec(m, W.LD1_H_LANE5);
  t.deepEqual(m.core.getV(2), [-1n & 0xffff_ffff_ffff_ffffn, 0xffff_ffff_0000_ffffn]);
  setX(m, 3, 3n);
  exec(m, W.LD1R_8B_POST);
  t.deepEqual(m.core.getV(2), [0n, 0n]);
  t.is(X(m, 1), BigInt(va + 3));
  // st2 { v4.s, v5.s }[3], [x1], x3
  m.core.setV(4, 0n, 0xa4a4a4a4_00000000n);
  m.core.setV(5, 0n, 0xb5b5b5b5_00000000n);
  setX(m, 1, va + 0x100);
  setX(m, 3, -8n);
  exec(m, W.ST2_S_LANE3_POST);
  t.is(X(m, 1), BigInt(va + 0xf8));
  setX(m, 1, va + 0x100);
  exec(m, W.LDR_X);
  t.is(X(m, 0), 0xb5b5b5b5_a4a4a4a4n);
});

test('SIMD&FP scalar: LDR B zeroes the rest of the register; STR H pre-index', (t) => {
  const m = flat();
  const va = DATA_PA + 0x700;
  put64(m.ram, va, 0x1234_5678n);
  m.core.setV(0, -1n, -1n);
  setX(m, 1, va);
  exec(m, W.LDR_B);
  t.deepEqual(m.core.getV(0), [0x78n, 0n]);
  m.core.setV(0, 0xbeefn);
  exec(m, W.STR_H_PRE);
  t.is(X(m, 1), BigInt(va - 2));
  exec(m, W.LDR_X);
  t.is(X(m, 0), 0x1234_5678_beefn); // bytes from va - 2: ef be 78 56 34 12
});

test('a stack-pointer base: ldr x0, [sp] style forms read SP, not XZR', (t) => {
  const m = flat();
  const va = DATA_PA + 0x800;
  put64(m.ram, va, 0x5150n);
  m.core.setX(REG_SP, BigInt(va));
  exec(m, 0xf94003e0); // ldr x0, [sp]
  t.is(X(m, 0), 0x5150n);
  exec(m, 0xf90003ff); // str xzr, [sp]
  exec(m, 0xf94003e0);
  t.is(X(m, 0), 0n);
});

test('SP as the base must be 16-byte aligned when SCTLR_EL1.SA is set (EC 0x26), and may be unaligned otherwise', (t) => {
  const m = flat();
  const va = DATA_PA + 0x900;
  put64(m.ram, va + 8, 0x88n);
  m.core.setX(REG_SP, BigInt(va + 8));
  t.is(exec(m, 0xf94003e0), 'ok'); // ldr x0, [sp]
  t.is(X(m, 0), 0x88n);
  m.core.sysregs.writeAs('SCTLR_EL1', 0x30d00808n); // SA = 1, MMU off
  t.is(exec(m, 0xf94003e0), 'fault');
  t.is(esr(m), 0x9a000000n);
  enter(m.core, 1, CODE);
  m.core.setX(REG_SP, BigInt(va + 8));
  t.is(exec(m, 0xa9bf7bfd), 'fault'); // stp x29, x30, [sp, #-16]!
  t.is(m.core.getX(REG_SP), BigInt(va + 8));
  m.core.setX(REG_SP, BigInt(va));
  t.is(exec(m, 0xf94007e0), 'ok'); // ldr x0, [sp, #8]: only SP itself must be aligned
  t.is(X(m, 0), 0x88n);
});
