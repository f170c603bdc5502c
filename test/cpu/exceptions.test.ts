// Exception entry/return, interrupts, timer — expected values from the architecture (spec Appendix B).
import test from 'ava';
import { machine, enter, put, CODE, VBAR1, VBAR2, NOP, B_SELF, ERET, svc, hvc, brk } from './helpers.ts';
import type { Syndrome } from '../../sim/cpu/index.ts';

test('SVC at EL1h: ESR 0x15 with imm16, ELR = next instruction, SPSR = old PSTATE, vector +0x200', (t) => {
  const { core, ram } = machine();
  put(ram, CODE, [NOP, svc(0x12)]);
  enter(core, 1, CODE);
  core.n = 1;
  core.run(2);
  t.is(core.sysregs.get('ESR_EL1'), 0x56000012n); // EC 0x15 << 26 | IL | imm16
  t.is(core.sysregs.get('ELR_EL1'), BigInt(CODE + 8));
  t.is(core.sysregs.get('SPSR_EL1'), 0x80000005n); // N, EL1h, DAIF clear
  t.is(core.pc, VBAR1 + 0x200);
  t.deepEqual([core.el, core.spsel, core.daif], [1, 1, 0xf]);
});

test('SVC from EL0 goes to the lower-EL vector (+0x400) with SPSR.M = EL0t', (t) => {
  const { core, ram } = machine();
  put(ram, CODE, [svc(1)]);
  enter(core, 0, CODE);
  core.run(1);
  t.is(core.pc, VBAR1 + 0x400);
  t.is(core.sysregs.get('SPSR_EL1'), 0n);
  t.is(core.sysregs.get('ESR_EL1'), 0x56000001n);
});

test('ERET restores PSTATE from SPSR_EL1 and PC from ELR_EL1', (t) => {
  const { core, ram } = machine();
  put(ram, CODE, [ERET]);
  put(ram, CODE + 0x100, [B_SELF]);
  enter(core, 1, CODE);
  core.sysregs.set('SPSR_EL1', 0x40000000n | 0x80n); // Z, I masked, EL0t
  core.sysregs.set('ELR_EL1', BigInt(CODE + 0x100));
  core.run(1);
  t.deepEqual([core.el, core.z, core.daif, core.pc, core.il], [0, 1, 2, CODE + 0x100, 0]);
});

test('illegal exception return (EL1 → EL2h) sets PSTATE.IL; the next instruction takes EC 0x0E', (t) => {
  const { core, ram } = machine();
  put(ram, CODE, [ERET]);
  put(ram, CODE + 0x100, [NOP]);
  enter(core, 1, CODE);
  core.sysregs.set('SPSR_EL1', 0x9n); // EL2h
  core.sysregs.set('ELR_EL1', BigInt(CODE + 0x100));
  core.run(1);
  t.deepEqual([core.el, core.il, core.pc], [1, 1, CODE + 0x100]);
  core.run(1);
  t.is(core.sysregs.get('ESR_EL1'), 0x3a000000n); // EC 0x0E, IL
  t.is(core.sysregs.get('ELR_EL1'), BigInt(CODE + 0x100));
  t.is(Number(core.sysregs.get('SPSR_EL1')) & (1 << 20), 1 << 20); // SPSR.IL
  t.is(core.pc, VBAR1 + 0x200);
});

test('HVC from EL1 reaches the hypervisor callback with EC 0x16 and ELR_EL2 = next instruction', (t) => {
  const seen: Syndrome[] = [];
  const { core, ram } = machine({ onTrapToEl2: (_c, s) => void seen.push(s) });
  put(ram, CODE, [hvc(0x34)]);
  enter(core, 1, CODE);
  core.run(1);
  t.is(seen.length, 1);
  t.is(seen[0]!.esr, 0x5a000034);
  t.is(seen[0]!.fromEl, 1);
  t.is(core.sysregs.get('ELR_EL2'), BigInt(CODE + 4));
  t.is(core.sysregs.get('SPSR_EL2'), 0x5n);
  t.is(core.el, 2);
  t.is(core.pc, VBAR2 + 0x400);
});

test('BRK at EL1 is EC 0x3C with the immediate, ELR = the BRK itself; routed to EL2 by MDCR_EL2.TDE', (t) => {
  const { core, ram } = machine();
  put(ram, CODE, [brk(0x4242)]);
  enter(core, 1, CODE);
  core.run(1);
  t.is(core.sysregs.get('ESR_EL1'), 0xf2004242n);
  t.is(core.sysregs.get('ELR_EL1'), BigInt(CODE));
  const m = machine();
  put(m.ram, CODE, [brk(1)]);
  m.core.sysregs.set('MDCR_EL2', 0x100n);
  enter(m.core, 1, CODE);
  m.core.run(1);
  t.is(m.core.sysregs.get('ESR_EL2'), 0xf2000001n);
  t.is(m.core.el, 2);
});

test('IRQ is held while PSTATE.I is set and taken at +0x280 once unmasked', (t) => {
  const { core, ram } = machine();
  put(ram, CODE, [NOP, NOP, NOP, B_SELF]);
  enter(core, 1, CODE);
  core.daif = 2; // I
  core.irqLine = true;
  core.run(2);
  t.is(core.pc, CODE + 8);
  core.daif = 0;
  core.contextChanged();
  core.run(1);
  t.is(core.pc, VBAR1 + 0x280);
  t.is(core.sysregs.get('ELR_EL1'), BigInt(CODE + 8));
});

test('with HCR_EL2.FMO a physical FIQ goes to EL2 even when EL1 masks F; HCR_EL2.VF gives a virtual FIQ at EL1', (t) => {
  const kinds: string[] = [];
  const { core, ram } = machine({ onTrapToEl2: (_c, s) => void kinds.push(s.kind) });
  put(ram, CODE, [NOP, NOP, B_SELF]);
  enter(core, 1, CODE);
  core.daif = 1; // F
  core.sysregs.set('HCR_EL2', 0x8n); // FMO
  core.fiqLine = true;
  core.run(1);
  t.deepEqual(kinds, ['fiq']);
  t.is(core.pc, VBAR2 + 0x500); // lower EL, FIQ
  const m = machine();
  put(m.ram, CODE, [NOP, B_SELF]);
  enter(m.core, 1, CODE);
  m.core.sysregs.set('HCR_EL2', 0x8n | 0x40n); // FMO | VF
  m.core.run(1);
  t.is(m.core.el, 1);
  t.is(m.core.pc, VBAR1 + 0x300); // current EL SPx, FIQ
});

test('CNTV fires after CVAL ticks: ISTATUS set and the FIQ taken (EL1, 2 instructions per tick)', (t) => {
  const { core, ram } = machine({ instructionsPerTick: 2 });
  put(ram, CODE, [B_SELF]);
  enter(core, 1, CODE);
  core.sysregs.writeAs('CNTV_CVAL_EL0', 50n, 1);
  core.sysregs.writeAs('CNTV_CTL_EL0', 1n, 1);
  core.run(90);
  t.is(core.pc, CODE);
  t.is(core.sysregs.readAs('CNTV_CTL_EL0', 1), 1n);
  core.run(20);
  t.is(core.pc, VBAR1 + 0x300);
  t.is(core.sysregs.readAs('CNTV_CTL_EL0', 1), 5n); // ENABLE | ISTATUS
  t.is(core.sysregs.get('ELR_EL1'), BigInt(CODE));
  t.true(core.sysregs.readAs('CNTVCT_EL0', 1) >= 50n);
});
