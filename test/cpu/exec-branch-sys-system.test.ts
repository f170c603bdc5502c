// System executors of the branch-sys group: MSR (immediate), MRS/MSR (register), TLBI, IC, DC,
// AT, CLREX. Expected values by hand from the Arm ARM and Appendix B (EC 0x18 ISS layout, PAR
// layout, abort ISS CM/WnR); words from `llvm-mc-16 -triple=aarch64 -mcpu=apple-m1`.
import test from 'ava';
import { encodeRow } from '../../core/arch/a64/encoder.ts';
import { EXCEPTION_TAKEN, REG_SP, REG_SP_EL0 } from '../../sim/cpu/index.ts';
import { EXCLUSIVE_MONITOR, markExclusive } from '../../sim/cpu/exclusive-monitor.ts';
import { tlbKey } from '../../sim/cpu/tlb.ts';
import { enter, put64, CODE, RAM_BASE, VBAR1, VBAR2, type Machine } from './helpers.ts';
import { bsMachine, place, runAt, esr } from './exec-branch-sys-helpers.ts';

// EC 0x18 ISS values are worked out by hand per case (Appendix B: Op0 21:20, Op2 19:17, Op1 16:14, CRn 13:10, Rt 9:5, CRm 4:1, Dir 0).

test('MSR SPSel switches the live stack pointer; UNDEFINED at EL0', (t) => {
  const m = bsMachine();
  enter(m.core, 1, CODE);
  m.core.setX(REG_SP, 0x1111n);
  m.core.setSp(REG_SP_EL0, 0x2222n);
  runAt(m, [0xd50040bf]); // msr spsel, #0
  t.is(m.core.spsel, 0);
  t.is(m.core.getX(REG_SP), 0x2222n);
  runAt(m, [0xd50041bf]); // msr spsel, #1
  t.is(m.core.getX(REG_SP), 0x1111n);
  runAt(m, [0xd50040bf], 0);
  t.is(m.core.sysregs.get('ESR_EL1'), esr(0, 0));
});

test('MSR DAIFSet/DAIFClr; EL0 needs SCTLR_EL1.UMA (else EC 0x18, ISS Op1 3 CRn 4 Rt 31 CRm Op2)', (t) => {
  const m = bsMachine();
  runAt(m, [0xd50343df]); // msr daifset, #3
  t.is(m.core.daif, 3);
  runAt(m, [0xd50343df, 0xd50342ff], 1, 2); // daifset #3; daifclr #2
  t.is(m.core.daif, 1);
  m.core.sysregs.set('SCTLR_EL1', 0n);
  runAt(m, [0xd50343df], 0);
  t.is(m.core.el, 1);
  // Op2 6 << 17 | Op1 3 << 14 | CRn 4 << 10 | Rt 31 << 5 | CRm 3 << 1 = 0xcd3e6.
  t.is(m.core.sysregs.get('ESR_EL1'), esr(0x18, 0xcd3e6));
  t.is(m.core.sysregs.get('ELR_EL1'), BigInt(CODE));
  m.core.sysregs.set('SCTLR_EL1', 1n << 9n);
  runAt(m, [0xd50343df], 0);
  t.is(m.core.el, 0);
  t.is(m.core.daif, 3);
});

test('MSR DAIFClr unmasks a pending IRQ, taken before the next instruction', (t) => {
  const m = bsMachine();
  place(m, CODE, [0xd50342ff, 0xd503201f]); // daifclr #2; nop
  enter(m.core, 1, CODE);
  m.core.daif = 2;
  m.core.setIrq(true);
  m.core.run(2);
  t.is(m.core.pc, VBAR1 + 0x200 + 0x80);
  t.is(m.core.sysregs.get('ELR_EL1'), BigInt(CODE + 4));
});

test('MSR PAN/UAO (UNDEFINED at EL0), DIT/SSBS (allowed at EL0), read back through MRS', (t) => {
  const m = bsMachine();
  runAt(m, [0xd500419f, 0xd500417f], 1, 2); // msr pan, #1; msr uao, #1
  t.is(m.core.pan, 1);
  t.is(m.core.uao, 1);
  runAt(m, [0xd503415f, 0xd503413f, 0xd53b42a9], 0, 3); // msr dit, #1; msr ssbs, #1; mrs x9, dit
  t.is(m.core.el, 0);
  t.is(m.core.dit, 1);
  t.is(m.core.ssbs, 1);
  t.is(m.core.getX(9), 1n << 24n);
  runAt(m, [0xd500419f], 0);
  t.is(m.core.el, 1);
  t.is(m.core.sysregs.get('ESR_EL1'), esr(0, 0));
});

test('MRS/MSR (register): TPIDR_EL0 and NZCV round trips, XZR forms', (t) => {
  const m = bsMachine();
  m.core.setX(8, 0x1234_5678_9abc_def0n);
  m.core.setX(9, 0x6000_0000n);
  runAt(m, [0xd51bd048, 0xd53bd04a, 0xd51b4209, 0xd53b420b], 0, 4); // msr tpidr_el0,x8; mrs x10,tpidr_el0; msr nzcv,x9; mrs x11,nzcv
  t.is(m.core.getX(10), 0x1234_5678_9abc_def0n);
  t.is(m.core.nzcv >>> 28, 0b0110);
  t.is(m.core.getX(11), 0x6000_0000n);
  runAt(m, [0xd51bd05f], 0); // msr tpidr_el0, xzr
  t.is(m.core.sysregs.get('TPIDR_EL0'), 0n);
  runAt(m, [0xd53c111f], 1); // mrs xzr, hcr_el2 at EL1: UNDEFINED
  t.is(m.core.sysregs.get('ESR_EL1'), esr(0, 0));
  t.is(m.core.getX(31), 0n);
});

test('MRS XZR of an IMPDEF register trapping to EL2 reports Rt = 31 in the ISS', (t) => {
  const m = bsMachine();
  // s3_0_c15_c15_7: in Apple's IMPDEF space, but no register the model (or the spec) names.
  runAt(m, [encodeRow('MRS', { op0: 3, op1: 0, CRn: 15, CRm: 15, op2: 7, Rt: 31 })], 1);
  t.is(m.core.el, 2);
  // Op0 3 << 20 | Op2 7 << 17 | CRn 15 << 10 | Rt 31 << 5 | CRm 15 << 1 | Dir 1 = 0x3e3fff.
  t.is(m.core.sysregs.get('ESR_EL2'), esr(0x18, 0x3e3fff));
});

test('TLBI: scope, VA (bits 55:12 sign-extended from 55) and ASID reach core.tlbi', (t) => {
  const m = bsMachine();
  const calls: unknown[][] = [];
  m.core.tlbi = (...args: unknown[]) => void calls.push(args);
  m.core.setX(5, (0x1234n << 48n) | 0xff8_0001_2345n);
  runAt(m, [0xd508831f, 0xd5088725, 0xd5088745, 0xd5088365], 1, 4); // vmalle1is; vae1 x5; aside1 x5; vaae1is x5
  const va = Number(BigInt.asIntN(64, 0xffff_8000_1234_5000n));
  t.deepEqual(calls, [['all'], ['va', va, 0x34], ['asid', 0, 0x34], ['va', va, -1]]); // TCR_EL1.AS = 0: 8-bit ASIDs
  calls.length = 0;
  m.core.sysregs.set('TCR_EL1', 1n << 36n);
  m.core.recomputeRegimes();
  runAt(m, [0xd5088745], 1);
  t.deepEqual(calls, [['asid', 0, 0x1234]]);
});

test('TLBI: UNDEFINED at EL0 and (EL2 ops) at EL1; HCR_EL2.TTLB traps EL1 ops to EL2', (t) => {
  const m = bsMachine();
  runAt(m, [0xd508831f], 0);
  t.is(m.core.sysregs.get('ESR_EL1'), esr(0, 0));
  runAt(m, [0xd50c871f], 1); // tlbi alle2
  t.is(m.core.el, 1);
  t.is(m.core.sysregs.get('ESR_EL1'), esr(0, 0));
  m.core.sysregs.set('HCR_EL2', 1n << 25n);
  runAt(m, [0xd5088725], 1); // tlbi vae1, x5
  t.is(m.core.el, 2);
  // Op0 1 << 20 | Op2 1 << 17 | CRn 8 << 10 | Rt 5 << 5 | CRm 7 << 1 = 0x1220ae.
  t.is(m.core.sysregs.get('ESR_EL2'), esr(0x18, 0x1220ae));
  t.is(m.core.sysregs.get('ELR_EL2'), BigInt(CODE));
});

test('TLBI VMALLE1 drops a filled TLB entry', (t) => {
  const m = bsMachine();
  enter(m.core, 1, CODE);
  const va = RAM_BASE + 0x5000;
  m.core.read64(va);
  t.true(m.core.tlb.read.lookup(tlbKey(va, 1), m.core.asid10) >= 0);
  runAt(m, [0xd508871f]); // tlbi vmalle1
  t.is(m.core.tlb.read.lookup(tlbKey(va, 1), m.core.asid10), -1);
});

test('IC IALLU drops the code cache; IC IVAU drops the page; EL0 IC IVAU needs SCTLR_EL1.UCI', (t) => {
  const m = bsMachine();
  runAt(m, [0xd508751f]); // ic iallu
  t.false(m.codeCache.hasCode(CODE - (CODE % 4096)));
  m.core.setX(6, BigInt(CODE));
  const before = m.codeCache.invalidations;
  runAt(m, [0xd50b7526]); // ic ivau, x6
  t.is(m.codeCache.invalidations, before + 1);
  m.core.sysregs.set('SCTLR_EL1', 0n);
  runAt(m, [0xd50b7526], 0);
  // Op0 1 | Op2 1 | Op1 3 | CRn 7 | Rt 6 | CRm 5 = 0x12dcca.
  t.is(m.core.sysregs.get('ESR_EL1'), esr(0x18, 0x12dcca));
});

test('DC ZVA zeroes exactly the 64-byte block holding the address (DCZID_EL0.BS = 4)', (t) => {
  const m = bsMachine();
  const data = RAM_BASE + 0x8000;
  for (let off = 0; off < 0x100; off += 8) put64(m.ram, data + off, 0xa5a5_a5a5_a5a5_a5a5n);
  m.core.setX(6, BigInt(data + 0x47));
  runAt(m, [0xd50b7426]); // dc zva, x6
  for (let off = 0; off < 0x100; off += 8) {
    t.is(m.ram.loadAt(data + off - RAM_BASE, 8), off >= 0x40 && off < 0x80 ? 0n : 0xa5a5_a5a5_a5a5_a5a5n, `offset ${off}`);
  }
  t.is(m.core.pc, CODE + 4);
});

test('DC ZVA: EL0 needs SCTLR_EL1.DZE, HCR_EL2.TDZ traps EL1 to EL2 (EC 0x18)', (t) => {
  const m = bsMachine();
  m.core.setX(6, BigInt(RAM_BASE + 0x8000));
  m.core.sysregs.set('SCTLR_EL1', 0n);
  runAt(m, [0xd50b7426], 0);
  // Op0 1 | Op2 1 | Op1 3 | CRn 7 | Rt 6 | CRm 4 = 0x12dcc8.
  t.is(m.core.sysregs.get('ESR_EL1'), esr(0x18, 0x12dcc8));
  m.core.sysregs.set('HCR_EL2', 1n << 28n);
  runAt(m, [0xd50b7426], 1);
  t.is(m.core.el, 2);
  t.is(m.core.sysregs.get('ESR_EL2'), esr(0x18, 0x12dcc8));
});

// Stage-1 tables as translation.test.ts builds them: 4K granule, VA 0x4000_0000 → DATA (AP 00),
// 0x4000_1000 unmapped, 0x4000_3000 read-only, 0x4000_4000 EL0 read/write.
const L1 = RAM_BASE + 0x100000;
const L2 = RAM_BASE + 0x101000;
const L3 = RAM_BASE + 0x102000;
const DATA = RAM_BASE + 0x200000;
const AF = 1n << 10n;

function mmuOn(m: Machine): void {
  const { ram, core } = m;
  put64(ram, L1 + 8, BigInt(L2) | 3n);
  put64(ram, L2, BigInt(L3) | 3n);
  put64(ram, L3, BigInt(DATA) | 3n | AF);
  put64(ram, L3 + 3 * 8, BigInt(DATA + 0x3000) | 3n | AF | (2n << 6n));
  put64(ram, L3 + 4 * 8, BigInt(DATA + 0x4000) | 3n | AF | (1n << 6n));
  core.sysregs.set('TCR_EL1', 25n | (2n << 32n));
  core.sysregs.set('TTBR0_EL1', BigInt(L1));
  core.sysregs.set('MAIR_EL1', 0x04ffn);
  core.sysregs.writeAs('SCTLR_EL1', 0x30d00801n);
  enter(core, 1, CODE);
}

/** Runs one word at EL `el` without fetching it (the code is not mapped once the MMU is on). */
function exec1(m: Machine, word: number, el = 1): boolean {
  enter(m.core, el, CODE);
  const p = m.core.executors.predecode(word);
  try {
    p.exec(m.core, p);
    return true;
  } catch (e) {
    if (e !== EXCEPTION_TAKEN) throw e;
    return false;
  }
}

test('DC CVAC/IVAC translate and fault: data abort with CM = 1, WnR = 1, FAR = VA', (t) => {
  const m = bsMachine();
  mmuOn(m);
  m.core.setX(6, 0x4000_0010n);
  t.true(exec1(m, 0xd50b7a26)); // dc cvac, x6: mapped, nothing happens
  m.core.setX(6, 0x4000_1010n);
  t.false(exec1(m, 0xd50b7a26));
  t.is(m.core.sysregs.get('ESR_EL1'), esr(0x25, 0x07 | 0x100 | 0x40)); // translation fault L3
  t.is(m.core.sysregs.get('FAR_EL1'), 0x4000_1010n);
  m.core.setX(6, 0x4000_3000n);
  t.true(exec1(m, 0xd50b7a26), 'CVAC needs read permission only');
  t.false(exec1(m, 0xd5087626)); // dc ivac, x6 on a read-only page
  t.is(m.core.sysregs.get('ESR_EL1'), esr(0x25, 0x0f | 0x100 | 0x40)); // permission fault L3
  t.false(exec1(m, 0xd5087e46, 0)); // dc cisw at EL0
  t.is(m.core.sysregs.get('ESR_EL1'), esr(0, 0));
});

test('AT S1E1R/W, S1E0R/W: PAR_EL1 with the PA and attributes, or F = 1 and FST', (t) => {
  const m = bsMachine();
  m.core.setX(7, BigInt(CODE + 0x123));
  t.true(exec1(m, 0xd5087807)); // at s1e1r, x7 with the MMU off: flat, Device-nGnRnE
  t.is(m.core.sysregs.get('PAR_EL1'), BigInt(CODE) | (2n << 7n));
  mmuOn(m);
  m.core.setX(7, 0x4000_0123n);
  t.true(exec1(m, 0xd5087807));
  t.is(m.core.sysregs.get('PAR_EL1'), (0xffn << 56n) | BigInt(DATA) | (3n << 7n)); // MAIR attr 0 = 0xff, Inner Shareable
  m.core.setX(7, 0x4000_1000n);
  t.true(exec1(m, 0xd5087807));
  t.is(m.core.sysregs.get('PAR_EL1'), 0x80fn); // F, FST 0b000111, bit 11 RES1
  m.core.setX(7, 0x4000_0000n);
  t.true(exec1(m, 0xd5087847)); // at s1e0r: no EL0 access to AP 00
  t.is(m.core.sysregs.get('PAR_EL1'), 0x81fn); // FST 0b001111 permission L3
  m.core.setX(7, 0x4000_4008n);
  t.true(exec1(m, 0xd5087867)); // at s1e0w on the EL0 read/write page
  t.is(m.core.sysregs.get('PAR_EL1'), (0xffn << 56n) | BigInt(DATA + 0x4000) | (3n << 7n));
  m.core.setX(7, 0x4000_3000n);
  t.true(exec1(m, 0xd5087827)); // at s1e1w on the read-only page
  t.is(m.core.sysregs.get('PAR_EL1'), 0x81fn);
});

test('AT: UNDEFINED at EL0, S12E1R at EL1, S1E3R anywhere (no EL3)', (t) => {
  const m = bsMachine();
  for (const [word, el] of [[0xd5087807, 0], [0xd50c7887, 1], [0xd50e7807, 2]] as const) {
    t.false(exec1(m, word, el));
    t.is(m.core.sysregs.get(el === 2 ? 'ESR_EL2' : 'ESR_EL1'), esr(0, 0));
  }
  t.is(m.core.pc, VBAR2 + 0x200);
});

test('SYSL and SYS words without an operation are UNDEFINED; CFP RCTX needs SCTLR_EL1.EnRCTX at EL0', (t) => {
  const m = bsMachine();
  t.false(exec1(m, 0xd5280000)); // sysl x0, #0, c0, c0, #0
  t.false(exec1(m, encodeRow('SYS', { op1: 0, CRn: 0, CRm: 0, op2: 0, Rt: 31 })));
  t.true(exec1(m, 0xd50b7381)); // cfp rctx, x1 at EL1
  m.core.sysregs.set('SCTLR_EL1', 0n);
  t.false(exec1(m, 0xd50b7381, 0));
  // Op0 1 | Op2 4 | Op1 3 | CRn 7 | Rt 1 | CRm 3 = 0x18dc26.
  t.is(m.core.sysregs.get('ESR_EL1'), esr(0x18, 0x18dc26));
});

test('CLREX clears this core\'s exclusive monitor', (t) => {
  const m = bsMachine();
  markExclusive(m.core, RAM_BASE + 0x100, 8);
  t.true(EXCLUSIVE_MONITOR.holds(m.core, RAM_BASE + 0x100, 8));
  runAt(m, [0xd5033f5f]); // clrex
  t.false(EXCLUSIVE_MONITOR.holds(m.core, RAM_BASE + 0x100, 8));
});
