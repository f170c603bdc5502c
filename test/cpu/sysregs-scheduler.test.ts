// System-register access rules (VHE redirection, _EL12 aliases, traps to EL2 with the MSR/MRS
// ISS of Appendix B), M1 identification values (apple-devices §8.1), and the scheduler.
import test from 'ava';
import { machine, enter, put, CODE, VBAR1, VBAR2, NOP, B_SELF, WFI, WFE, SEV, movz, type Machine } from './helpers.ts';
import { Core, Scheduler, PhysicalBus, sysregKey, type Syndrome } from '../../sim/cpu/index.ts';
import { createExecutorRegistry } from '../../sim/cpu/executors/index.ts';
import { SparseRam } from '../../sim/memory/index.ts';

/** MRS Xt, <op0,op1,CRn,CRm,op2> and MSR (register) as the Arm ARM encodes them. */
const mrs = (rt: number, key: number): number => (0xd5300000 | ((key & 0x7fff) << 5) | rt) >>> 0;
const msr = (key: number, rt: number): number => (0xd5100000 | ((key & 0x7fff) << 5) | rt) >>> 0;

test('with HCR_EL2.E2H = 1, EL2 reaching SCTLR_EL1 gets SCTLR_EL2, and SCTLR_EL12 gets the EL1 register', (t) => {
  const { core } = machine();
  core.sysregs.set('HCR_EL2', 1n << 34n);
  core.sysregs.writeAs('SCTLR_EL1', 0x1234n, 2);
  t.is(core.sysregs.get('SCTLR_EL2') & 0xffffn, 0x1234n & 0xffffn);
  core.sysregs.writeAs('SCTLR_EL12', 0x30d00801n, 2);
  t.is(core.sysregs.get('SCTLR_EL1'), 0x30d00801n);
  core.sysregs.set('HCR_EL2', 0n);
  t.throws(() => core.sysregs.writeAs('SCTLR_EL12', 0n, 2), { message: /not writable at EL2/ });
});

test('MRS of an _EL12 register at EL1 is UNDEFINED (EC 0x00)', (t) => {
  const { core, ram } = machine();
  put(ram, CODE, [mrs(0, sysregKey(3, 5, 1, 0, 0))]);
  enter(core, 1, CODE);
  core.run(1);
  t.is(core.sysregs.get('ESR_EL1'), 0x02000000n);
});

test('HCR_EL2.TVM traps an EL1 write of TTBR0_EL1 to EL2: EC 0x18, ISS Op0/Op2/Op1/CRn/Rt/CRm/Dir', (t) => {
  const seen: Syndrome[] = [];
  const { core, ram } = machine({ onTrapToEl2: (_c, s) => void seen.push(s) });
  put(ram, CODE, [msr(sysregKey(3, 0, 2, 0, 0), 5), mrs(7, sysregKey(2, 0, 0, 2, 2))]);
  core.sysregs.set('HCR_EL2', 1n << 26n);
  enter(core, 1, CODE);
  core.run(1);
  // Op0 3 << 20 | Op2 0 | Op1 0 | CRn 2 << 10 | Rt 5 << 5 | CRm 0 | Dir 0 (write)
  t.is(seen[0]!.esr, ((0x18 << 26) | (1 << 25) | (3 << 20) | (2 << 10) | (5 << 5)) >>> 0);
  // MDCR_EL2.TDA traps the read of MDSCR_EL1 (2,0,0,2,2) with Dir = 1.
  core.sysregs.set('MDCR_EL2', 1n << 9n);
  enter(core, 1, CODE + 4);
  core.run(1);
  t.is(seen[1]!.esr, ((0x18 << 26) | (1 << 25) | (2 << 20) | (2 << 17) | (7 << 5) | (2 << 1) | 1) >>> 0);
});

test('M1 identification: MIDR part 0x22 (Icestorm) / 0x23 (Firestorm), MPIDR per §8.1, CNTFRQ 24 MHz', (t) => {
  const make = (cpu: number): Core => {
    const ram = new SparseRam({ sizeBytes: 0x10000n });
    return new Core({ cpu, bus: new PhysicalBus(ram, [ram]), executors: createExecutorRegistry() });
  };
  const e = make(1);
  const p = make(6);
  t.is((e.sysregs.readAs('MIDR_EL1') >> 4n) & 0xfffn, 0x22n);
  t.is((p.sysregs.readAs('MIDR_EL1') >> 4n) & 0xfffn, 0x23n);
  t.is(e.sysregs.readAs('MIDR_EL1') >> 24n, 0x61n);
  t.is(e.sysregs.readAs('MPIDR_EL1'), 0x80000001n);
  t.is(p.sysregs.readAs('MPIDR_EL1'), 0x80010102n);
  t.is(e.sysregs.readAs('CNTFRQ_EL0', 0), 24_000_000n);
});

test('EL2 with E2H: CNTV_CTL_EL0 is the hypervisor virtual timer; it raises FIQ regardless of VM_TMR_FIQ_ENA', (t) => {
  const kinds: string[] = [];
  const { core, ram } = machine({ onTrapToEl2: (_c, s) => void kinds.push(s.kind) });
  put(ram, CODE, [B_SELF]);
  core.sysregs.set('HCR_EL2', (1n << 34n) | 8n); // E2H | FMO, as m1n1 runs (§9.6)
  core.sysregs.writeAs('VM_TMR_FIQ_ENA_EL2', 0n);
  core.sysregs.writeAs('CNTV_CVAL_EL0', 10n);
  core.sysregs.writeAs('CNTV_CTL_EL0', 1n);
  t.is(core.timer.read('CNTHV_CTL_EL2'), 1n);
  t.is(core.timer.read('CNTV_CTL_EL0'), 0n);
  enter(core, 2, CODE);
  core.run(30);
  t.deepEqual(kinds, ['fiq']);
  t.is(core.sysregs.get('ELR_EL2'), BigInt(CODE));
});

test('instruction abort (EC 0x21, IFSC, FAR = PC) and PC alignment (EC 0x22)', (t) => {
  const { core } = machine();
  enter(core, 1, 0x1000); // no RAM there: synchronous external abort on the fetch
  core.run(1);
  t.is(core.sysregs.get('ESR_EL1'), 0x86000010n);
  t.is(core.sysregs.get('FAR_EL1'), 0x1000n);
  enter(core, 1, CODE + 2);
  core.run(1);
  t.is(core.sysregs.get('ESR_EL1'), 0x8a000000n);
  t.is(core.sysregs.get('FAR_EL1'), BigInt(CODE + 2));
});

function twoCores(): { cores: Core[]; sched: Scheduler; m: Machine } {
  const m = machine();
  const second = new Core({ cpu: 1, bus: m.core.bus, codeCache: m.codeCache, executors: createExecutorRegistry() });
  second.sysregs.set('VBAR_EL1', BigInt(VBAR1));
  second.sysregs.set('VBAR_EL2', BigInt(VBAR2));
  const cores = [m.core, second];
  return { cores, sched: new Scheduler(cores, 100), m };
}

test('scheduler: round-robin quanta keep the cores clocks equal; an idle core is credited', (t) => {
  const { cores, sched, m } = twoCores();
  put(m.ram, CODE, [NOP, B_SELF]);
  put(m.ram, CODE + 0x100, [WFI, movz(3, 9), B_SELF]);
  enter(cores[0]!, 1, CODE);
  enter(cores[1]!, 1, CODE + 0x100);
  sched.start(1);
  sched.run(3);
  t.deepEqual(cores.map((c) => c.icount), [300, 300]);
  t.is(cores[1]!.waiting, 1);
  t.is(cores[1]!.getX(3), 0n);
});

test('scheduler: WFI ends when the timer asserts FIQ (even masked), and a fast IPI wakes the target core', (t) => {
  const { cores, sched, m } = twoCores();
  put(m.ram, CODE, [WFI, movz(3, 9), B_SELF]);
  for (const c of cores) enter(c, 1, CODE);
  sched.start(1);
  cores[0]!.daif = 1; // F masked: WFI still wakes, no FIQ taken
  cores[0]!.sysregs.writeAs('CNTV_CVAL_EL0', 250n, 1);
  cores[0]!.sysregs.writeAs('CNTV_CTL_EL0', 1n, 1);
  sched.run(2);
  t.is(cores[0]!.getX(3), 0n);
  sched.run(2);
  t.is(cores[0]!.getX(3), 9n);
  t.is(cores[1]!.getX(3), 0n);
  // IPI_RR_LOCAL_EL1 from core 0 to core 1 (same cluster): value = Aff0 of the target.
  cores[0]!.setX(4, 1n);
  cores[0]!.sysregAccess(sysregKey(3, 5, 15, 0, 0), 4, false);
  cores[1]!.daif = 1;
  sched.run(1);
  t.true(cores[1]!.ipiPending);
  t.is(cores[1]!.getX(3), 9n);
});

test('scheduler: WFE sleeps until another core executes SEV; with the event register set, WFE falls through', (t) => {
  const { cores, sched, m } = twoCores();
  put(m.ram, CODE, [WFE, movz(3, 9), B_SELF]);
  put(m.ram, CODE + 0x100, [NOP, NOP, SEV, WFE, movz(4, 5), B_SELF]);
  enter(cores[0]!, 1, CODE);
  enter(cores[1]!, 1, CODE + 0x100);
  sched.start(1);
  sched.run(1);
  t.is(cores[0]!.waiting, 2);
  t.true(cores[0]!.eventRegister); // set by core 1's SEV
  t.is(cores[1]!.getX(4), 5n); // its own SEV set its event register: WFE consumed it and went on
  t.false(cores[1]!.eventRegister);
  sched.run(1);
  t.is(cores[0]!.getX(3), 9n);
  t.false(cores[0]!.eventRegister);
});

test('TVAL: a write sets CVAL = count + TVAL; a read gives CVAL − count in 32 bits (negative once past)', (t) => {
  const { core, ram } = machine();
  put(ram, CODE, [B_SELF]);
  enter(core, 1, CODE);
  core.daif = 0xf;
  core.run(10);
  core.sysregs.writeAs('CNTP_TVAL_EL0', 100n, 1);
  t.is(core.sysregs.readAs('CNTP_CVAL_EL0', 1), 110n);
  core.run(40);
  t.is(core.sysregs.readAs('CNTP_TVAL_EL0', 1), 60n);
  core.run(70);
  t.is(core.sysregs.readAs('CNTP_TVAL_EL0', 1), 0xfffffff6n); // −10
});
