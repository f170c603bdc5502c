// AP GPIO behaviour as apple-devices §3.2–§3.4 states it. Offsets and field positions are
// written out from the spec tables.

import test from 'ava';
import { HvdbgError } from '../../../core/errors.ts';
import { Gpio } from '../../../sim/devices/gpio.ts';
import { createJ274Devices } from '../../../sim/devices/index.ts';
import { AddressSpace } from '../../../sim/memory/address-space.ts';
import { FAULT } from '../../../sim/memory/physical-memory.ts';
import { FakeContext } from './fake-context.ts';

const PIN = (p: number): number => 4 * p;
const IRQ_GROUP = (g: number, w: number): number => 0x800 + 0x40 * g + 4 * w;
// Fields (§3.2).
const DATA = 1 << 0;
const MODE = (m: number): number => m << 1;
const PERIPH = (f: number): number => f << 5;
const PULL = (p: number): number => p << 7;
const INPUT_ENABLE = 1 << 9;
const GROUP = (g: number): number => g << 16;

function setup(): { ctx: FakeContext; gpio: Gpio; lines: boolean[] } {
  const ctx = new FakeContext();
  const lines = new Array<boolean>(7).fill(false);
  const gpio = new Gpio(ctx, { groupLines: lines.map((_, g) => (l: boolean) => void (lines[g] = l)) });
  return { ctx, gpio, lines };
}

/** Linux: IRQ enable = GROUP 0, input (MODE 7 + INPUT_ENABLE), then MODE = trigger (§3.2). */
function linuxIrqEnable(gpio: Gpio, pin: number, trigger: number, group = 0): void {
  gpio.write32(PIN(pin), GROUP(group) | MODE(7) | INPUT_ENABLE);
  gpio.write32(PIN(pin), GROUP(group) | MODE(trigger) | INPUT_ENABLE);
}

test('pin registers store every field (bits of §3.2) and read them back', (t) => {
  const { gpio } = setup();
  const all = (0b11 << 22) | (1 << 21) | GROUP(5) | (1 << 15) | (0b11 << 10) | INPUT_ENABLE | PULL(1) | PERIPH(3) | MODE(7); // pull-down, undriven: DATA reads 0
  gpio.write32(PIN(17), all);
  t.is(gpio.read32(PIN(17)), all);
  gpio.write32(PIN(211), MODE(1) | DATA);
  t.is(gpio.read32(PIN(211)), MODE(1) | DATA);
  t.is(gpio.read32(PIN(18)), 0, 'other pins untouched');
});

test('DATA reads the latch for outputs and the sampled external level for inputs', (t) => {
  const { gpio } = setup();
  gpio.write32(PIN(3), MODE(1) | DATA);
  gpio.setInput(3, false);
  t.is((gpio.read32(PIN(3)) as number) & DATA, 1, 'output: latch');
  gpio.write32(PIN(4), MODE(7) | INPUT_ENABLE);
  t.is((gpio.read32(PIN(4)) as number) & DATA, 0);
  gpio.setInput(4, true);
  t.is((gpio.read32(PIN(4)) as number) & DATA, 1);
  gpio.write32(PIN(4), MODE(7) | INPUT_ENABLE | DATA); // writing DATA on an input does not change what reads
  gpio.setInput(4, false);
  t.is((gpio.read32(PIN(4)) as number) & DATA, 0);
});

test('undriven inputs follow PULL; the input buffer off reads 0 (model choices)', (t) => {
  const { gpio } = setup();
  gpio.write32(PIN(8), MODE(7) | INPUT_ENABLE | PULL(3));
  t.is((gpio.read32(PIN(8)) as number) & DATA, 1, 'pull-up');
  gpio.write32(PIN(8), MODE(7) | INPUT_ENABLE | PULL(2));
  t.is((gpio.read32(PIN(8)) as number) & DATA, 1, 'strong pull-up');
  gpio.write32(PIN(8), MODE(7) | INPUT_ENABLE | PULL(1));
  t.is((gpio.read32(PIN(8)) as number) & DATA, 0, 'pull-down');
  gpio.setInput(8, true);
  t.is((gpio.read32(PIN(8)) as number) & DATA, 1, 'driven beats pull');
  gpio.write32(PIN(8), MODE(7) | PULL(1));
  t.is((gpio.read32(PIN(8)) as number) & DATA, 0, 'INPUT_ENABLE clear');
});

test('rising-edge IRQ on wlan:irq (pin 196): group 0 word 6, AIC line, Linux ack', (t) => {
  const { gpio, lines } = setup();
  linuxIrqEnable(gpio, 196, 4);
  t.false(lines[0]);
  gpio.setInput(196, true);
  t.true(lines[0]);
  t.is(gpio.read32(IRQ_GROUP(0, 6)), 1 << (196 % 32));
  for (let w = 0; w < 6; w++) t.is(gpio.read32(IRQ_GROUP(0, w)), 0);
  // Linux acks with 1 << (pin % 32) at IRQ_GROUP[GROUP][pin >> 5].
  gpio.write32(IRQ_GROUP(0, 196 >> 5), 1 << (196 % 32));
  t.is(gpio.read32(IRQ_GROUP(0, 6)), 0);
  t.false(lines[0]);
  gpio.setInput(196, false);
  t.false(lines[0], 'a falling edge does not trigger rising mode');
  gpio.setInput(196, true);
  t.true(lines[0]);
});

test('falling and any-edge modes latch the matching transitions', (t) => {
  const { gpio, lines } = setup();
  gpio.setInput(10, true);
  linuxIrqEnable(gpio, 10, 5);
  gpio.setInput(10, true);
  t.false(lines[0]);
  gpio.setInput(10, false);
  t.is(gpio.read32(IRQ_GROUP(0, 0)), 1 << 10);
  gpio.write32(IRQ_GROUP(0, 0), 1 << 10);
  linuxIrqEnable(gpio, 11, 6);
  gpio.setInput(11, true);
  t.is(gpio.read32(IRQ_GROUP(0, 0)), 1 << 11);
  gpio.write32(IRQ_GROUP(0, 0), 1 << 11);
  gpio.setInput(11, false);
  t.is(gpio.read32(IRQ_GROUP(0, 0)), 1 << 11);
});

test('level modes stay pending while the level matches and re-latch after an ack', (t) => {
  const { gpio, lines } = setup();
  linuxIrqEnable(gpio, 40, 2); // high level
  gpio.setInput(40, true);
  t.is(gpio.read32(IRQ_GROUP(0, 1)), 1 << 8);
  gpio.write32(IRQ_GROUP(0, 1), 1 << 8);
  t.is(gpio.read32(IRQ_GROUP(0, 1)), 1 << 8, 'still high → pending again');
  t.true(lines[0]);
  gpio.setInput(40, false);
  gpio.write32(IRQ_GROUP(0, 1), 1 << 8);
  t.is(gpio.read32(IRQ_GROUP(0, 1)), 0);
  t.false(lines[0]);
  // Low level: pending as soon as enabled while low.
  linuxIrqEnable(gpio, 41, 3);
  t.is(gpio.read32(IRQ_GROUP(0, 1)), 1 << 9);
});

test('modes 7 and 1 never set pending; MODE 7 hides a latched bit and restoring the mode shows it', (t) => {
  const { gpio, lines } = setup();
  gpio.write32(PIN(50), MODE(7) | INPUT_ENABLE);
  gpio.setInput(50, true);
  gpio.setInput(50, false);
  t.is(gpio.read32(IRQ_GROUP(0, 1)), 0);
  gpio.write32(PIN(51), MODE(1));
  gpio.write32(PIN(51), MODE(1) | DATA);
  t.is(gpio.read32(IRQ_GROUP(0, 1)), 0);
  linuxIrqEnable(gpio, 52, 4);
  gpio.setInput(52, true);
  t.true(lines[0]);
  gpio.write32(PIN(52), MODE(7) | INPUT_ENABLE); // irq_mask
  t.false(lines[0]);
  t.is(gpio.read32(IRQ_GROUP(0, 1)), 0);
  gpio.write32(PIN(52), MODE(4) | INPUT_ENABLE); // irq_unmask
  t.true(lines[0]);
  t.is(gpio.read32(IRQ_GROUP(0, 1)), 1 << 20);
  gpio.write32(IRQ_GROUP(0, 1), 1 << 20);
  // An edge while masked is not latched (§3.4: mode 7 never sets pending).
  gpio.write32(PIN(52), MODE(7) | INPUT_ENABLE);
  gpio.setInput(52, false);
  gpio.setInput(52, true);
  gpio.write32(PIN(52), MODE(4) | INPUT_ENABLE);
  t.false(lines[0]);
});

test('GROUP routes a pin to its IRQ group register and AIC line 190 + g', (t) => {
  const ctx = new FakeContext();
  const dev = createJ274Devices(ctx);
  const aicMaskClr = (n: number): void => void dev.aic.write32(0x4180 + 4 * (n >> 5), 1 << (n & 31));
  aicMaskClr(193);
  linuxIrqEnable(dev.gpio, 136, 4, 3); // bluetooth:irq in group 3
  dev.gpio.setInput(136, true);
  t.is(dev.gpio.read32(IRQ_GROUP(3, 4)), 1 << 8);
  t.is(dev.gpio.read32(IRQ_GROUP(0, 4)), 0);
  t.true(dev.aic.lineLevel(193));
  t.false(dev.aic.lineLevel(190));
  t.is(dev.aic.read32(0x2004), 0x000100c1, 'EVENT: hardware IRQ 193');
  dev.gpio.write32(IRQ_GROUP(0, 4), 1 << 8);
  t.true(dev.aic.lineLevel(193), 'an ack to another group does nothing');
  dev.gpio.write32(IRQ_GROUP(3, 4), 1 << 8);
  t.false(dev.aic.lineLevel(193));
});

test('scripted inputs: a pin toggling every N ticks raises an edge IRQ on the timebase', (t) => {
  const { ctx, gpio, lines } = setup();
  linuxIrqEnable(gpio, 106, 4);
  const h = gpio.toggleEvery(106, 1000n);
  ctx.advanceTo(999n);
  t.false(lines[0]);
  ctx.advanceTo(1000n);
  t.true(lines[0]);
  gpio.write32(IRQ_GROUP(0, 3), 1 << 10);
  ctx.advanceTo(2000n); // falls
  t.false(lines[0]);
  ctx.advanceTo(3000n); // rises again
  t.true(lines[0]);
  gpio.write32(IRQ_GROUP(0, 3), 1 << 10);
  h.cancel();
  ctx.advanceTo(10_000n);
  t.false(lines[0]);
  t.true(gpio.padLevel(106));
  const s = gpio.playInputs([
    { atTick: 10_500n, pin: 106, level: false },
    { atTick: 11_000n, pin: 106, level: true },
  ]);
  ctx.advanceTo(10_700n);
  t.false(lines[0]);
  ctx.advanceTo(11_000n);
  t.true(lines[0]);
  s.cancel();
});

test('bad accesses fault (widths, alignment); unknown offsets RAZ/WI; bad pins throw', (t) => {
  const { gpio } = setup();
  const bus = new AddressSpace().addMmio(gpio.base, gpio.size, gpio, 'gpio');
  t.is(bus.read(0x23c100000n + 0x800n, 1), FAULT);
  t.is(bus.read(0x23c100000n + 0x800n, 2), FAULT);
  t.is(bus.read(0x23c100000n, 8), FAULT);
  t.is(gpio.read32(0x2), FAULT);
  t.is(gpio.read32(PIN(212)), 0);
  gpio.write32(PIN(212), 0xffff_ffff);
  t.is(gpio.read32(PIN(212)), 0);
  t.is(gpio.read32(0x800 + 0x40 * 7), 0, 'no group 7');
  t.is(gpio.read32(0xf_fffc), 0);
  t.throws(() => gpio.setInput(212, true), { instanceOf: HvdbgError });
  t.throws(() => gpio.toggleEvery(1, 0n), { instanceOf: HvdbgError });
});
