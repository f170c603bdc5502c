// createJ274Devices: every device at its apple-devices §9.4 / §8.1 address, mappable together.

import test from 'ava';
import { createJ274Devices } from '../../../sim/devices/index.ts';
import { AddressSpace } from '../../../sim/memory/address-space.ts';
import { FakeContext } from './fake-context.ts';

test('j274 devices sit at the ADT addresses and map without overlap', (t) => {
  const dev = createJ274Devices(new FakeContext());
  t.deepEqual([dev.aic.base, dev.aic.size], [0x23b100000n, 0x8000n]);
  t.deepEqual([dev.gpio.base, dev.gpio.size], [0x23c100000n, 0x100000n]);
  t.deepEqual([dev.uart.base, dev.uart.size], [0x235200000n, 0x4000n]);
  t.deepEqual([dev.pmgr.base, dev.pmgr.size], [0x23b700000n, 0x80000n]);
  t.deepEqual(
    dev.cpuImpl.map((d) => d.base),
    [0x210050000n, 0x210150000n, 0x210250000n, 0x210350000n, 0x211050000n, 0x211150000n, 0x211250000n, 0x211350000n],
  );
  t.deepEqual(
    dev.cpuDebug.map((d) => d.base + 0xfb0n),
    [0x210030fb0n, 0x210130fb0n, 0x210230fb0n, 0x210330fb0n, 0x211030fb0n, 0x211130fb0n, 0x211230fb0n, 0x211330fb0n],
  );
  const bus = new AddressSpace();
  t.notThrows(() => {
    for (const d of dev.all) bus.addMmio(d.base, d.size, d, d.name);
  });
  t.is(new Set(dev.all.map((d) => d.name)).size, dev.all.length, 'unique names');
});

test('UART0 TX reaches the onUartTx sink', (t) => {
  const out: number[] = [];
  const dev = createJ274Devices(new FakeContext(), { onUartTx: (b) => out.push(b) });
  dev.uart.write32(0x20, 0x4d);
  t.deepEqual(out, [0x4d]);
});

test('reset() of every device brings back the power-on state', (t) => {
  const ctx = new FakeContext();
  const dev = createJ274Devices(ctx);
  dev.cpuImpl[1]!.write64(0, 0x8_0000_0001n);
  dev.pmgr.write32(0x54008, 2);
  dev.gpio.write32(0, 0x20b);
  for (const d of dev.all) d.reset?.();
  t.is(dev.cpuImpl[1]!.read64(0), 0n);
  t.is(dev.cpuImpl[1]!.read64(0x100), 0n, 'cpu1 back in reset');
  t.is(dev.gpio.read32(0), 0);
});
