// Software step, hardware breakpoints and watchpoints as the hypervisor sees them (spec §9.11),
// and the predecode cache seeing stores into code.
import test from 'ava';
import { machine, enter, put, put64, CODE, RAM_BASE, NOP, ERET, B_SELF, movz, strX, ldrX } from './helpers.ts';
import { EXCEPTION_TAKEN, type Syndrome } from '../../sim/cpu/index.ts';

const SPSR_EL1H = 0x5n;
const SS = 1n << 21n;
const HOST = RAM_BASE + 0x40000;

/** EL2 "host" state as m1n1 sets it: MDCR_EL2.TDE, MDSCR_EL1 = MDE (+ SS). */
function hv(mdscr: bigint): { m: ReturnType<typeof machine>; seen: Syndrome[] } {
  const seen: Syndrome[] = [];
  const m = machine({ onTrapToEl2: (_c, s) => void seen.push(s) });
  m.core.sysregs.set('MDCR_EL2', 0xf00n);
  m.core.sysregs.writeAs('MDSCR_EL1', mdscr);
  put(m.ram, HOST, [ERET]);
  enter(m.core, 2, HOST);
  m.core.daif = 0xf;
  return { m, seen };
}

test('single step: ERET with SPSR.SS = 1 runs one instruction, then EC 0x32 with ISV (ESR 0xCB000022)', (t) => {
  const { m, seen } = hv(0x8001n);
  put(m.ram, CODE, [movz(0, 7), movz(1, 9), NOP]);
  m.core.sysregs.set('SPSR_EL2', SPSR_EL1H | SS);
  m.core.sysregs.set('ELR_EL2', BigInt(CODE));
  m.core.run(3);
  t.is(seen.length, 1);
  t.is(seen[0]!.esr, 0xcb000022);
  t.is(m.core.getX(0), 7n);
  t.is(m.core.getX(1), 0n);
  t.is(m.core.sysregs.get('ELR_EL2'), BigInt(CODE + 4));
  t.is(m.core.sysregs.get('SPSR_EL2') & SS, 0n);
  t.is(m.core.el, 2);
});

test('single step: ERET with SPSR.SS = 0 and MDSCR.SS = 1 reports EC 0x32 at once, ISV = 0 (0xCA000022)', (t) => {
  const { m, seen } = hv(0x8001n);
  put(m.ram, CODE, [movz(0, 7)]);
  m.core.sysregs.set('SPSR_EL2', SPSR_EL1H);
  m.core.sysregs.set('ELR_EL2', BigInt(CODE));
  m.core.run(2);
  t.is(seen[0]!.esr, 0xca000022);
  t.is(m.core.getX(0), 0n);
  t.is(m.core.sysregs.get('ELR_EL2'), BigInt(CODE));
});

test('hardware breakpoint (DBGBCR = 0x1E7): EC 0x30, ELR = the breakpoint address, instruction not executed', (t) => {
  const { m, seen } = hv(0x8000n);
  put(m.ram, CODE, [movz(0, 1), movz(1, 2), movz(2, 3), B_SELF]);
  m.core.sysregs.writeAs('DBGBVR2_EL1', BigInt(CODE + 8));
  m.core.sysregs.writeAs('DBGBCR2_EL1', 0x1e7n);
  m.core.sysregs.set('SPSR_EL2', SPSR_EL1H);
  m.core.sysregs.set('ELR_EL2', BigInt(CODE));
  m.core.run(4);
  t.is(seen[0]!.esr, 0xc2000022);
  t.is(m.core.sysregs.get('ELR_EL2'), BigInt(CODE + 8));
  t.deepEqual([m.core.getX(0), m.core.getX(1), m.core.getX(2)], [1n, 2n, 0n]);
});

test('watchpoint on stores (DBGWCR = 0x1F7, BAS 0xF): a store hits with EC 0x34, WnR and FAR = the address; a load does not', (t) => {
  const { m, seen } = hv(0x8000n);
  const watched = RAM_BASE + 0x5000;
  put(m.ram, CODE, [ldrX(3, 2), strX(3, 2), B_SELF]);
  put64(m.ram, watched, 0x55n);
  m.core.setX(2, BigInt(watched));
  m.core.sysregs.writeAs('DBGWVR1_EL1', BigInt(watched));
  m.core.sysregs.writeAs('DBGWCR1_EL1', 0x1f7n);
  m.core.sysregs.set('SPSR_EL2', SPSR_EL1H);
  m.core.sysregs.set('ELR_EL2', BigInt(CODE));
  m.core.run(3);
  t.is(m.core.getX(3), 0x55n);
  t.is(seen.length, 1);
  t.is(seen[0]!.esr, 0xd2000062);
  t.is(seen[0]!.far, BigInt(watched));
  t.is(m.core.sysregs.get('ELR_EL2'), BigInt(CODE + 4));
});

test('a store into a page of predecoded code is seen by the next execution', (t) => {
  const m = machine();
  put(m.ram, CODE, [movz(0, 1), B_SELF]);
  enter(m.core, 1, CODE);
  m.core.run(2);
  t.is(m.core.getX(0), 1n);
  // The guest rewrites the first instruction (movz x0, #2) through a store, then jumps back.
  m.core.write32(CODE, movz(0, 2));
  m.core.pc = CODE;
  m.core.run(2);
  t.is(m.core.getX(0), 2n);
  // A host write through the watched memory (an uploaded stub) too.
  const word = new Uint8Array(new Uint32Array([movz(0, 3)]).buffer);
  t.true(m.core.bus.memory.writeBlock(BigInt(CODE), word, 0, 4));
  m.core.pc = CODE;
  m.core.run(1);
  t.is(m.core.getX(0), 3n);
  t.true(m.codeCache.invalidations >= 1);
});

test('watchpoint BAS selects bytes: BAS = 0x20 watches byte 5 only; FAR is the accessing address', (t) => {
  const { m, seen } = hv(0x8000n);
  const dw = RAM_BASE + 0x6000;
  put(m.ram, CODE, [B_SELF]);
  m.core.sysregs.writeAs('DBGWVR0_EL1', BigInt(dw));
  m.core.sysregs.writeAs('DBGWCR0_EL1', 1n | (3n << 1n) | (3n << 3n) | (0x20n << 5n)); // E, PAC EL0+EL1, LSC load+store, BAS byte 5
  m.core.sysregs.set('SPSR_EL2', SPSR_EL1H);
  m.core.sysregs.set('ELR_EL2', BigInt(CODE));
  m.core.eret();
  m.core.write32(dw, 1); // bytes 0–3: no hit
  t.is(m.core.read8(dw + 4), 0);
  t.is(seen.length, 0);
  t.throws(() => m.core.read16(dw + 5), { any: true, is: EXCEPTION_TAKEN });
  t.is(seen[0]!.esr, 0xd2000022); // EC 0x34, IL, DFSC debug, WnR = 0
  t.is(seen[0]!.far, BigInt(dw + 5));
});
