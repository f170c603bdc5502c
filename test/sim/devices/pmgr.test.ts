// CPU start (apple-devices §8.2–§8.6) and PMGR power-state registers. Addresses are the M1
// values of the §8.1/§8.2 tables, used through a bus as a guest would.

import test from 'ava';
import { createJ274Devices } from '../../../sim/devices/index.ts';
import { AddressSpace } from '../../../sim/memory/address-space.ts';
import { FAULT } from '../../../sim/memory/physical-memory.ts';
import { FakeContext } from './fake-context.ts';

const CPU_START = 0x23b754000n;
const IMPL = [0x210050000n, 0x210150000n, 0x210250000n, 0x210350000n, 0x211050000n, 0x211150000n, 0x211250000n, 0x211350000n];
const DEBUG_UNLOCK = [0x210030fb0n, 0x210130fb0n, 0x210230fb0n, 0x210330fb0n, 0x211030fb0n, 0x211130fb0n, 0x211230fb0n, 0x211330fb0n];

function machine(): { ctx: FakeContext; bus: AddressSpace; dev: ReturnType<typeof createJ274Devices> } {
  const ctx = new FakeContext();
  const dev = createJ274Devices(ctx);
  const bus = new AddressSpace();
  for (const d of dev.all) bus.addMmio(d.base, d.size, d, d.name);
  return { ctx, bus, dev };
}

test('m1n1 smp.c start: RVBAR, +0x4 = 1 << (4·cluster+core), +0x8 + 4·cluster = 1 << core', (t) => {
  const { ctx, bus } = machine();
  for (const cpu of [1, 5, 7]) {
    const cluster = cpu >> 2;
    const core = cpu & 3;
    const entry = 0x8_0380_0000n + BigInt(cpu) * 0x1000n;
    t.is(bus.read(IMPL[cpu]!, 8), 0n, 'RVBAR unlocked at reset');
    t.true(bus.write(IMPL[cpu]!, 8, entry));
    t.true(bus.write(CPU_START + 0x4n, 4, BigInt(1 << (4 * cluster + core))));
    t.true(bus.write(CPU_START + 0x8n + 4n * BigInt(cluster), 4, BigInt(1 << core)));
    t.deepEqual(ctx.starts.at(-1), [cpu, entry]);
  }
  t.is(ctx.starts.length, 3);
  t.is(bus.read(CPU_START + 0x4n, 4), BigInt(1 << 7), '+0x4 records the last value written');
});

test('corellium start: locked RVBAR verify, debug unlock, pmgr_start(+0x4) = 1<<n, +0x8/+0xc', (t) => {
  const { ctx, bus, dev } = machine();
  const pmgrStart = 0x23b754004n;
  // Unlock CPU 0's debug register once.
  bus.write(DEBUG_UNLOCK[0]!, 4, 0xc5acce55n);
  t.true(dev.cpuDebug[0]!.unlocked);
  for (const n of [2, 6]) {
    const entry = 0x8_0400_0000n;
    bus.write(IMPL[n]!, 8, entry | 1n);
    const back = bus.read(IMPL[n]!, 8) as bigint;
    bus.write(IMPL[n]!, 8, entry | 1n);
    t.is(back & 0xf_ffff_ffffn, entry | 1n);
    t.is((bus.read(IMPL[n]!, 8) as bigint) & 0xf_ffff_ffffn, entry | 1n);
    bus.write(DEBUG_UNLOCK[n]!, 4, 0xc5acce55n);
    t.true(dev.cpuDebug[n]!.unlocked);
    bus.write(pmgrStart + 0n, 4, BigInt(1 << n));
    if (n < 4) {
      bus.write(pmgrStart + 4n, 4, BigInt(1 << n));
      bus.write(pmgrStart + 8n, 4, 0n);
    } else {
      bus.write(pmgrStart + 4n, 4, 0n);
      bus.write(pmgrStart + 8n, 4, BigInt(1 << (n - 4)));
    }
    t.deepEqual(ctx.starts.at(-1), [n, entry], 'the core starts at RVBAR without the LOCK bit');
  }
  t.is(ctx.starts.length, 2);
});

test('RVBAR: [47:12] and LOCK kept; once locked, writes are ignored', (t) => {
  const { bus } = machine();
  bus.write(IMPL[3]!, 8, 0xffff_ffff_ffff_fffen);
  t.is(bus.read(IMPL[3]!, 8), 0x0000_ffff_ffff_f000n);
  bus.write(IMPL[3]!, 8, 0x8_0000_0000n | 1n);
  bus.write(IMPL[3]!, 8, 0x9_0000_0000n);
  t.is(bus.read(IMPL[3]!, 8), 0x8_0000_0001n);
  t.is(bus.read(IMPL[3]!, 4), 1n, '32-bit view of the low half');
  t.is(bus.read(IMPL[3]! + 4n, 4), 8n);
});

test('status at impl+0x100: non-zero low byte while running; +0x0 stops the core', (t) => {
  const { ctx, bus } = machine();
  t.not((bus.read(IMPL[0]! + 0x100n, 8) as bigint) & 0xffn, 0n, 'boot CPU runs');
  t.is((bus.read(IMPL[5]! + 0x100n, 8) as bigint) & 0xffn, 0n, 'secondaries held in reset');
  bus.write(IMPL[5]!, 8, 0x8_1000_0000n);
  bus.write(CPU_START + 0xcn, 4, 1n << 1n);
  t.not((bus.read(IMPL[5]! + 0x100n, 8) as bigint) & 0xffn, 0n);
  // Starting a running core again does nothing.
  bus.write(CPU_START + 0xcn, 4, 1n << 1n);
  t.is(ctx.starts.length, 1);
  // m1n1 stop: +0x0 = 1 << (4·cluster+core), then poll status & 0xff == 0.
  bus.write(CPU_START, 4, BigInt(1 << (4 * 1 + 1)));
  t.deepEqual(ctx.stops, [5]);
  t.is((bus.read(IMPL[5]! + 0x100n, 8) as bigint) & 0xffn, 0n);
  // And it can be started again.
  bus.write(CPU_START + 0xcn, 4, 1n << 1n);
  t.deepEqual(ctx.starts.at(-1), [5, 0x8_1000_0000n]);
});

test('start bits for cores that do not exist are ignored and logged', (t) => {
  const { ctx, bus } = machine();
  bus.write(CPU_START + 0x8n, 4, 1n << 4n); // corellium 8-byte variant for n = 4
  bus.write(CPU_START + 0x10n, 4, 1n); // cluster 2
  t.is(ctx.starts.length, 0);
  t.true(ctx.logs.some((l) => l.includes('no such core')));
});

test('power-state registers: ACTUAL [7:4] follows TARGET [3:0]; m1n1 set-mode poll succeeds', (t) => {
  const { bus } = machine();
  const ps = 0x23b700000n + 0x1c0n;
  t.is(bus.read(ps, 4), 0xffn, 'never written: active (model choice)');
  // m1n1 pmgr_set_mode: mask32(TARGET, mode), then poll ACTUAL == mode.
  for (const mode of [0x0, 0x4, 0xf]) {
    const old = bus.read(ps, 4) as bigint;
    bus.write(ps, 4, (old & ~0xfn) | BigInt(mode));
    t.is(((bus.read(ps, 4) as bigint) >> 4n) & 0xfn, BigInt(mode));
  }
  bus.write(ps, 4, 0x1000_0404n);
  t.is(bus.read(ps, 4), 0x1000_0444n, 'other bits read back as written');
  bus.write(ps, 4, 0x0000_0004n);
  t.is(bus.read(ps, 4), 0x44n, 'a write replaces the whole value');
});

test('bad accesses: PMGR and cpu-impl refuse 8/16-bit and unaligned accesses', (t) => {
  const { bus } = machine();
  t.is(bus.read(CPU_START + 0x8n, 1), FAULT);
  t.is(bus.read(CPU_START + 0x8n, 8), FAULT);
  t.is(bus.read(CPU_START + 0x2n, 2), FAULT);
  t.is(bus.read(IMPL[0]!, 2), FAULT);
  t.is(bus.read(IMPL[0]! + 0x200n, 8), 0n, 'impl gaps are RAZ');
});
