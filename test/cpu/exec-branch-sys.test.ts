// Branch and exception-generating executors (sim/cpu/executors/branch-sys*.ts): expected values
// from the Arm ARM (ConditionHolds, BranchTo, the exception syndromes of Appendix B), words from
// `llvm-mc-16 -triple=aarch64 -mcpu=apple-m1 -show-encoding`.
import test from 'ava';
import { encodeRow } from '../../core/arch/a64/encoder.ts';
import { BRANCH_SYS } from '../../core/arch/a64/tables/branch-sys.ts';
import { BRANCH_SYS_EXECUTORS } from '../../sim/cpu/executors/branch-sys.ts';
import { enter, CODE, VBAR1, VBAR2 } from './helpers.ts';
import { bsMachine, place, runAt, esr } from './exec-branch-sys-helpers.ts';


test('every branch-sys row of the tables has an executor', (t) => {
  const ids = new Set(BRANCH_SYS_EXECUTORS.map((d) => d.id));
  const missing = BRANCH_SYS.map((s) => s.id).filter((id) => !ids.has(id));
  t.deepEqual(missing, []);
  t.is(ids.size, BRANCH_SYS_EXECUTORS.length, 'no id twice');
});

test('B and BL: PC-relative, both directions; BL links PC + 4', (t) => {
  const m = bsMachine();
  runAt(m, [0x14000004]); // b #16
  t.is(m.core.pc, CODE + 16);
  place(m, CODE + 0x100, [encodeRow('BL', { imm26: 0x3ffffc0 })]); // bl #-0x100
  enter(m.core, 1, CODE + 0x100);
  m.core.run(1);
  t.is(m.core.pc, CODE);
  t.is(m.core.getX(30), BigInt(CODE + 0x104));
});

/** ConditionHolds as the Arm ARM pseudocode writes it (cond<3:1> then the cond<0> inversion). */
function conditionHolds(cond: number, n: number, z: number, c: number, v: number): boolean {
  const base = [z === 1, c === 1, n === 1, v === 1, c === 1 && z === 0, n === v, n === v && z === 0, true][cond >> 1]!;
  return cond & 1 && cond !== 15 ? !base : base;
}

test('B.cond: all 16 conditions under all 16 NZCV values', (t) => {
  const m = bsMachine();
  let checked = 0;
  for (let cond = 0; cond < 16; cond++) {
    place(m, CODE, [encodeRow('B_cond', { imm19: 0x7fffe, cond })]); // b.cond #-8
    for (let flags = 0; flags < 16; flags++) {
      enter(m.core, 1, CODE);
      m.core.nzcv = flags << 28;
      m.core.run(1);
      const taken = conditionHolds(cond, flags >> 3, (flags >> 2) & 1, (flags >> 1) & 1, flags & 1);
      t.is(m.core.pc, taken ? CODE - 8 : CODE + 4, `cond ${cond} nzcv ${flags}`);
      checked++;
    }
  }
  t.is(checked, 256);
});

test('CBZ/CBNZ: W form looks at bits 31:0 only, X form at all 64', (t) => {
  const m = bsMachine();
  const cases: [word: number, x1: bigint, taken: boolean][] = [
    [0x34000041, 0x1_0000_0000n, true], // cbz w1, #8: low half zero
    [0xb4000041, 0x1_0000_0000n, false], // cbz x1, #8
    [0xb4000041, 0n, true],
    [0xb5ffffe1, 0x8000_0000_0000_0000n, true], // cbnz x1, #-4
    [0x35ffffe1, 0x8000_0000_0000_0000n, false], // cbnz w1, #-4
    [0x35ffffe1, 0xffff_ffffn, true],
  ];
  for (const [word, x1, taken] of cases) {
    m.core.setX(1, x1);
    runAt(m, [word]);
    const offset = word >>> 24 === 0xb5 || word >>> 24 === 0x35 ? -4 : 8;
    t.is(m.core.pc, taken ? CODE + offset : CODE + 4, `${word.toString(16)} x1=${x1.toString(16)}`);
  }
  // Rt = 31 is XZR: CBZ XZR always branches.
  runAt(m, [encodeRow('CBZ', { sf: 1, imm19: 2, Rt: 31 })]);
  t.is(m.core.pc, CODE + 8);
});

test('TBZ/TBNZ on bits 0, 31, 32 and 63', (t) => {
  const m = bsMachine();
  for (const bit of [0, 31, 32, 63]) {
    for (const set of [false, true]) {
      m.core.setX(2, set ? 1n << BigInt(bit) : ~(1n << BigInt(bit)) & 0xffff_ffff_ffff_ffffn);
      const f = { b5: bit >> 5, b40: bit & 31, imm14: 3, Rt: 2 };
      runAt(m, [encodeRow('TBZ', f)]);
      t.is(m.core.pc, set ? CODE + 4 : CODE + 12, `tbz bit ${bit} set=${set}`);
      runAt(m, [encodeRow('TBNZ', f)]);
      t.is(m.core.pc, set ? CODE + 12 : CODE + 4, `tbnz bit ${bit} set=${set}`);
    }
  }
  t.is(encodeRow('TBZ', { b5: 1, b40: 31, imm14: 2, Rt: 2 }), 0xb6f80042); // tbz x2, #63, #8 (LLVM)
});

test('BR, BLR, RET and BLR X30 (target read before the link is written)', (t) => {
  const m = bsMachine();
  m.core.setX(3, BigInt(CODE + 0x40));
  runAt(m, [0xd61f0060]); // br x3
  t.is(m.core.pc, CODE + 0x40);
  m.core.setX(30, BigInt(CODE + 0x80));
  runAt(m, [0xd63f03c0]); // blr x30
  t.is(m.core.pc, CODE + 0x80);
  t.is(m.core.getX(30), BigInt(CODE + 4));
  m.core.setX(30, BigInt(CODE + 0xc0));
  runAt(m, [0xd65f03c0]); // ret
  t.is(m.core.pc, CODE + 0xc0);
  // A target beyond 2^53 (non-canonical, high bits set) keeps its exact value as a signed VA.
  m.core.setX(3, 0xffff_8000_0000_1000n);
  runAt(m, [0xd61f0060]);
  t.is(m.core.pc, Number(BigInt.asIntN(64, 0xffff_8000_0000_1000n)));
});

test('pointer-auth branches with the keys disabled: BRAAZ, BLRAA, RETAB branch to the plain register', (t) => {
  const m = bsMachine();
  m.core.setX(3, BigInt(CODE + 0x40));
  m.core.setX(4, 0x1234n);
  runAt(m, [0xd61f087f]); // braaz x3
  t.is(m.core.pc, CODE + 0x40);
  runAt(m, [0xd73f0864]); // blraa x3, x4
  t.is(m.core.pc, CODE + 0x40);
  t.is(m.core.getX(30), BigInt(CODE + 4));
  m.core.setX(30, BigInt(CODE + 0x100));
  runAt(m, [0xd65f0fff]); // retab
  t.is(m.core.pc, CODE + 0x100);
});

test('ERET / ERETAA from EL2 restore PSTATE and PC; ERET at EL0 is UNDEFINED', (t) => {
  const m = bsMachine();
  m.core.sysregs.set('SPSR_EL2', 0x600003c5n); // Z C, DAIF, EL1h
  m.core.sysregs.set('ELR_EL2', BigInt(CODE + 0x200));
  runAt(m, [0xd69f0bff], 2); // eretaa
  t.is(m.core.el, 1);
  t.is(m.core.pc, CODE + 0x200);
  t.is(m.core.nzcv >>> 28, 0b0110);
  t.is(m.core.daif, 0xf);
  runAt(m, [0xd69f03e0], 0); // eret at EL0
  t.is(m.core.el, 1);
  t.is(m.core.sysregs.get('ESR_EL1'), esr(0, 0));
  t.is(m.core.pc, VBAR1 + 0x400);
});

test('SVC, HVC, BRK: class and imm16 in ESR, preferred return', (t) => {
  const m = bsMachine();
  runAt(m, [0xd4000001 | (0xabc << 5)], 0); // svc #0xabc
  t.is(m.core.sysregs.get('ESR_EL1'), esr(0x15, 0xabc));
  t.is(m.core.sysregs.get('ELR_EL1'), BigInt(CODE + 4));
  runAt(m, [0xd4024682], 1); // hvc #0x1234
  t.is(m.core.el, 2);
  t.is(m.core.sysregs.get('ESR_EL2'), esr(0x16, 0x1234));
  t.is(m.core.sysregs.get('ELR_EL2'), BigInt(CODE + 4));
  t.is(m.core.pc, VBAR2 + 0x400);
  runAt(m, [0xd4200000 | (7 << 5)], 1); // brk #7
  t.is(m.core.sysregs.get('ESR_EL1'), esr(0x3c, 7));
  t.is(m.core.sysregs.get('ELR_EL1'), BigInt(CODE));
});

test('HVC: UNDEFINED at EL0 and when HCR_EL2.HCD = 1', (t) => {
  const m = bsMachine();
  runAt(m, [0xd4024682], 0);
  t.is(m.core.el, 1);
  t.is(m.core.sysregs.get('ESR_EL1'), esr(0, 0));
  m.core.sysregs.set('HCR_EL2', 1n << 29n);
  runAt(m, [0xd4024682], 1);
  t.is(m.core.el, 1);
  t.is(m.core.sysregs.get('ESR_EL1'), esr(0, 0));
  t.is(m.core.sysregs.get('ELR_EL1'), BigInt(CODE));
});

test('SMC without EL3: trapped to EL2 by HCR_EL2.TSC (EC 0x17, return to the SMC), else UNDEFINED', (t) => {
  const m = bsMachine();
  runAt(m, [0xd4000023], 1); // smc #1
  t.is(m.core.el, 1);
  t.is(m.core.sysregs.get('ESR_EL1'), esr(0, 0));
  m.core.sysregs.set('HCR_EL2', 1n << 19n);
  runAt(m, [0xd4000023], 1);
  t.is(m.core.el, 2);
  t.is(m.core.sysregs.get('ESR_EL2'), esr(0x17, 1));
  t.is(m.core.sysregs.get('ELR_EL2'), BigInt(CODE));
  runAt(m, [0xd4000023], 2);
  t.is(m.core.sysregs.get('ESR_EL2'), esr(0, 0));
  runAt(m, [0xd4000023], 0);
  t.is(m.core.sysregs.get('ESR_EL1'), esr(0, 0));
});

test('HLT, DCPS1-3, DRPS, UDF: UNDEFINED (no halting debug, never in Debug state)', (t) => {
  const m = bsMachine();
  for (const word of [0xd4400020, 0xd4a00001, 0xd4a00002, 0xd4a00003, 0xd6bf03e0, 0x00000005]) {
    m.core.sysregs.set('ESR_EL1', 0n);
    runAt(m, [word], 1);
    t.is(m.core.sysregs.get('ESR_EL1'), esr(0, 0), word.toString(16));
    t.is(m.core.pc, VBAR1 + 0x200);
    t.is(m.core.sysregs.get('ELR_EL1'), BigInt(CODE));
  }
});

test('hints that are NOPs leave every register alone', (t) => {
  const m = bsMachine();
  const words = [
    0xd503201f, 0xd503203f, 0xd503233f, 0xd50323bf, 0xd50320ff, 0xd503245f, 0xd503221f, 0xd503229f, 0xd50320df, 0xd5032fff, // nop yield paciasp autiasp xpaclri bti esb csdb dgh hint#127
    0xd5033b9f, 0xd50339bf, 0xd5033fdf, 0xd50330ff, // dsb ish, dmb ishld, isb, sb
  ];
  for (let i = 0; i < 31; i++) m.core.setX(i, BigInt(i) * 0x1_0000_0001n);
  place(m, CODE, words);
  enter(m.core, 1, CODE);
  m.core.nzcv = 0xa0000000;
  m.core.run(words.length);
  t.is(m.core.pc, CODE + words.length * 4);
  for (let i = 0; i < 31; i++) t.is(m.core.getX(i), BigInt(i) * 0x1_0000_0001n);
  t.is(m.core.nzcv >>> 0, 0xa0000000);
  t.is(m.core.daif, 0);
});

test('WFI/WFE wait, SEV/SEVL set the event register, WFE consumes it', (t) => {
  const m = bsMachine();
  runAt(m, [0xd503207f], 1); // wfi
  t.is(m.core.waiting, 1);
  t.is(m.core.pc, CODE + 4);
  m.core.wake();
  runAt(m, [0xd50320bf, 0xd503205f], 1, 2); // sevl; wfe
  t.is(m.core.waiting, 0);
  t.false(m.core.eventRegister);
  t.is(m.core.pc, CODE + 8);
  runAt(m, [0xd503209f], 1); // sev (no scheduler: this core)
  t.true(m.core.eventRegister);
});

test('WFI/WFE traps: EL0 with SCTLR_EL1.nTWI/nTWE = 0 to EL1, HCR_EL2.TWI/TWE to EL2 (EC 0x01, CV, COND 0xE, TI)', (t) => {
  const m = bsMachine();
  m.core.sysregs.set('SCTLR_EL1', 0n);
  runAt(m, [0xd503207f], 0); // wfi at EL0
  t.is(m.core.waiting, 0);
  t.is(m.core.el, 1);
  t.is(m.core.sysregs.get('ESR_EL1'), esr(0x01, 0x01e00000));
  t.is(m.core.sysregs.get('ELR_EL1'), BigInt(CODE));
  runAt(m, [0xd503205f], 0); // wfe at EL0
  t.is(m.core.sysregs.get('ESR_EL1'), esr(0x01, 0x01e00001));
  m.core.sysregs.set('SCTLR_EL1', (1n << 16n) | (1n << 18n));
  runAt(m, [0xd503207f], 0);
  t.is(m.core.waiting, 1, 'nTWI = 1: EL0 may wait');
  m.core.wake();
  m.core.sysregs.set('HCR_EL2', 1n << 14n);
  runAt(m, [0xd503205f], 1);
  t.is(m.core.el, 2);
  t.is(m.core.sysregs.get('ESR_EL2'), esr(0x01, 0x01e00001));
  // With the event register set the WFE completes at once and is not trapped.
  m.core.eventRegister = true;
  runAt(m, [0xd503205f], 1);
  t.is(m.core.el, 1);
  t.is(m.core.pc, CODE + 4);
});
