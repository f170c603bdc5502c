// AIC1 behaviour as apple-devices §2 states it. Offsets and event values are written out from
// the spec tables (§2.2, §2.3), not taken from the model's own constants.

import test from 'ava';
import { HvdbgError } from '../../../core/errors.ts';
import { Aic } from '../../../sim/devices/aic/aic.ts';
import { AddressSpace } from '../../../sim/memory/address-space.ts';
import { FAULT } from '../../../sim/memory/physical-memory.ts';
import { FakeContext } from './fake-context.ts';

const INFO = 0x0004;
const WHOAMI = 0x2000;
const EVENT = 0x2004;
const IPI_SEND = 0x2008;
const IPI_ACK = 0x200c;
const IPI_MASK_SET = 0x2024;
const IPI_MASK_CLR = 0x2028;
const TARGET_CPU = (n: number): number => 0x3000 + 4 * n;
const SW_SET = (n: number): number => 0x4000 + 4 * (n >> 5);
const SW_CLR = (n: number): number => 0x4080 + 4 * (n >> 5);
const MASK_SET = (n: number): number => 0x4100 + 4 * (n >> 5);
const MASK_CLR = (n: number): number => 0x4180 + 4 * (n >> 5);
const HW_STATE = (n: number): number => 0x4200 + 4 * (n >> 5);
const BIT = (n: number): number => (1 << (n & 31)) >>> 0;
const OTHER = 0x1;
const SELF = 0x8000_0000;
const VIEW = (c: number, r: number): number => 0x5000 + 0x80 * c + (r - 0x2000);

function setup(): { ctx: FakeContext; aic: Aic; rd: (off: number, cpu?: number) => number; wr: (off: number, v: number, cpu?: number) => void } {
  const ctx = new FakeContext();
  const aic = new Aic(ctx);
  const rd = (off: number, cpu = 0): number => {
    ctx.cpu = cpu;
    return aic.read32(off) as number;
  };
  const wr = (off: number, v: number, cpu = 0): void => {
    ctx.cpu = cpu;
    aic.write32(off, v);
  };
  return { ctx, aic, rd, wr };
}

/** Mainline Linux AIC1 init (§2.6), fast-IPI variant on every CPU. */
function linuxInit(rd: (o: number, c?: number) => number, wr: (o: number, v: number, c?: number) => void): number {
  const nr = rd(INFO) & 0xffff;
  for (let w = 0; w < Math.ceil(nr / 32); w++) {
    wr(0x4100 + 4 * w, 0xffff_ffff);
    wr(0x4080 + 4 * w, 0xffff_ffff);
  }
  for (let n = 0; n < nr; n++) wr(TARGET_CPU(n), 1);
  for (let c = 0; c < 8; c++) {
    if (rd(WHOAMI, c) !== c) throw new Error('WHOAMI mismatch');
    wr(IPI_ACK, SELF | OTHER, c);
    wr(IPI_MASK_SET, SELF | OTHER, c);
  }
  return nr;
}

test('INFO reports 896 hardware IRQs and read-only registers ignore writes', (t) => {
  const { rd, wr } = setup();
  t.is(rd(INFO) & 0xffff, 896);
  wr(INFO, 5);
  t.is(rd(INFO) & 0xffff, 896);
  const rev = rd(0x0000);
  wr(0x0000, 0x1234);
  t.is(rd(0x0000), rev);
});

test('WHOAMI returns the reading CPU, and each per-CPU view its own CPU', (t) => {
  const { rd } = setup();
  for (let c = 0; c < 8; c++) {
    t.is(rd(WHOAMI, c), c);
    t.is(rd(VIEW(c, WHOAMI), 0), c);
  }
});

test('Linux take/ack loop: EVENT acks and masks, EOI unmasks, level stays until the device drops it', (t) => {
  const { ctx, aic, rd, wr } = setup();
  linuxInit(rd, wr);
  // Device line rises while the IRQ is still masked after init: nothing is delivered.
  aic.setLine(605, true);
  t.deepEqual(ctx.irqCpus(), []);
  t.is(rd(HW_STATE(605)) & BIT(605), BIT(605));
  // Driver enables the IRQ (unmask) → CPU 0's IRQ input rises.
  wr(MASK_CLR(605), BIT(605));
  t.deepEqual(ctx.irqCpus(), [0]);
  // Handler step 1: read EVENT → the §2.3 example value for UART0.
  t.is(rd(EVENT, 0), 0x0001025d);
  // The read masked the source and dropped the CPU's IRQ input.
  t.is(rd(MASK_SET(605)) & BIT(605), BIT(605));
  t.deepEqual(ctx.irqCpus(), []);
  // Step 3: loop until 0.
  t.is(rd(EVENT, 0), 0);
  // The handler services the device, which drops its line; EOI unmasks.
  aic.setLine(605, false);
  wr(MASK_CLR(605), BIT(605));
  t.deepEqual(ctx.irqCpus(), []);
  t.is(rd(HW_STATE(605)) & BIT(605), 0);
  // Level-triggered: if the device had kept the line high, the EOI unmask re-raises the IRQ.
  aic.setLine(605, true);
  t.deepEqual(ctx.irqCpus(), [0]);
  t.is(rd(EVENT, 0), 0x0001025d);
  aic.setLine(605, true);
  wr(MASK_CLR(605), BIT(605));
  t.deepEqual(ctx.irqCpus(), [0]);
});

test('EVENT hands out the lowest IRQ number first, then IPI OTHER, then SELF', (t) => {
  const { rd, wr, aic } = setup();
  linuxInit(rd, wr);
  wr(IPI_MASK_CLR, SELF | OTHER, 0);
  for (const n of [700, 190, 605]) {
    aic.setLine(n, true);
    wr(MASK_CLR(n), BIT(n));
  }
  wr(IPI_SEND, SELF | (1 << 0), 0);
  t.deepEqual(
    [rd(EVENT), rd(EVENT), rd(EVENT), rd(EVENT), rd(EVENT), rd(EVENT)],
    [0x000100be, 0x0001025d, 0x000102bc, 0x00040001, 0x00040002, 0],
  );
});

test('reset state: every IRQ masked, so a raised line is not delivered until MASK_CLR', (t) => {
  const { ctx, aic, rd, wr } = setup();
  aic.setLine(10, true);
  t.deepEqual(ctx.irqCpus(), []);
  t.is(rd(EVENT), 0);
  t.is(rd(MASK_SET(10)), 0xffff_ffff);
  wr(MASK_CLR(10), BIT(10));
  t.deepEqual(ctx.irqCpus(), [0]);
});

test('TARGET_CPU routes an IRQ to the targeted CPU only; several bits pick the lowest', (t) => {
  const { ctx, aic, rd, wr } = setup();
  wr(TARGET_CPU(33), 1 << 5);
  t.is(rd(TARGET_CPU(33)), 1 << 5);
  wr(MASK_CLR(33), BIT(33));
  aic.setLine(33, true);
  t.deepEqual(ctx.irqCpus(), [5]);
  t.is(rd(EVENT, 0), 0, 'CPU 0 is not targeted');
  wr(TARGET_CPU(33), (1 << 6) | (1 << 3));
  t.deepEqual(ctx.irqCpus(), [3]);
  t.is(rd(EVENT, 3), 0x00010021);
  t.deepEqual(ctx.irqCpus(), []);
  wr(TARGET_CPU(33), 0);
  wr(MASK_CLR(33), BIT(33));
  t.deepEqual(ctx.irqCpus(), [], 'no target, no delivery');
});

test('SW_SET/SW_CLR assert and remove a software IRQ; zero bits leave state alone', (t) => {
  const { ctx, rd, wr } = setup();
  wr(MASK_CLR(40), BIT(40));
  wr(SW_SET(40), BIT(40));
  t.deepEqual(ctx.irqCpus(), [0]);
  t.is(rd(HW_STATE(40)), BIT(40));
  wr(SW_SET(40), 0);
  wr(SW_CLR(40), 0);
  t.is(rd(HW_STATE(40)), BIT(40));
  wr(SW_CLR(40), BIT(40));
  t.deepEqual(ctx.irqCpus(), []);
  t.is(rd(HW_STATE(40)), 0);
  t.is(rd(SW_SET(40)), 0, 'SW_SET is write-only: RAZ');
});

test('MASK_SET and MASK_CLR read back the mask word; writes affect only the 1 bits', (t) => {
  const { rd, wr } = setup();
  wr(MASK_CLR(64), 0x0000_00f0);
  t.is(rd(MASK_SET(64)), 0xffff_ff0f);
  t.is(rd(MASK_CLR(64)), 0xffff_ff0f);
  wr(MASK_SET(64), 0x0000_0010);
  t.is(rd(MASK_CLR(64)), 0xffff_ff1f);
  t.is(rd(MASK_SET(0)), 0xffff_ffff, 'other words untouched');
});

test('MMIO IPI: send OTHER to CPU 3, which takes, acks and unmasks it as m1n1 secondaries do', (t) => {
  const { ctx, rd, wr } = setup();
  wr(IPI_MASK_SET, SELF, 3); // m1n1 once: mask SELF
  wr(IPI_SEND, 1 << 3, 0);
  t.deepEqual(ctx.irqCpus(), [3]);
  t.is(rd(EVENT, 3), 0x00040001);
  t.deepEqual(ctx.irqCpus(), [], 'the EVENT read masked OTHER');
  t.is(rd(EVENT, 3), 0);
  wr(IPI_ACK, OTHER, 3);
  wr(IPI_MASK_CLR, OTHER, 3);
  t.deepEqual(ctx.irqCpus(), [], 'acked before unmasking: nothing left');
  wr(IPI_SEND, 1 << 3, 0);
  t.deepEqual(ctx.irqCpus(), [3]);
});

test('IPI pending survives the EVENT read until IPI_ACK (unmask without ack re-raises)', (t) => {
  const { ctx, rd, wr } = setup();
  wr(IPI_SEND, 1 << 2, 0);
  t.is(rd(EVENT, 2), 0x00040001);
  wr(IPI_MASK_CLR, OTHER, 2);
  t.deepEqual(ctx.irqCpus(), [2]);
});

test('IPI_SEND bit 31 raises SELF on the writer; bits for several CPUs raise OTHER on each', (t) => {
  const { ctx, rd, wr } = setup();
  wr(IPI_SEND, SELF, 6);
  t.deepEqual(ctx.irqCpus(), [6]);
  t.is(rd(EVENT, 6), 0x00040002);
  wr(IPI_ACK, SELF, 6);
  wr(IPI_SEND, (1 << 1) | (1 << 7), 0);
  t.deepEqual(ctx.irqCpus(), [1, 7]);
});

test('IPI_ACK, IPI_MASK_SET and IPI_MASK_CLR act on the accessing CPU only', (t) => {
  const { ctx, wr } = setup();
  wr(IPI_SEND, (1 << 1) | (1 << 2), 0);
  wr(IPI_MASK_SET, OTHER, 1);
  t.deepEqual(ctx.irqCpus(), [2]);
  wr(IPI_ACK, OTHER, 1);
  wr(IPI_MASK_CLR, OTHER, 1);
  t.deepEqual(ctx.irqCpus(), [2]);
});

test('per-CPU views: 0x5008/0x500c/0x5024/0x5028 + (c<<7) act on CPU c whoever writes', (t) => {
  const { ctx, rd, wr } = setup();
  wr(0x5024 + (2 << 7), OTHER, 0); // MASK_SET for CPU 2, written by CPU 0
  wr(IPI_SEND, 1 << 2, 0);
  t.deepEqual(ctx.irqCpus(), []);
  wr(0x5028 + (2 << 7), OTHER, 0); // MASK_CLR for CPU 2
  t.deepEqual(ctx.irqCpus(), [2]);
  t.is(rd(VIEW(2, EVENT), 0), 0x00040001, 'EVENT through CPU 2 view');
  wr(0x500c + (2 << 7), OTHER, 5); // IPI_CLR for CPU 2, written by CPU 5
  wr(0x5028 + (2 << 7), OTHER, 5);
  t.deepEqual(ctx.irqCpus(), []);
  wr(0x5008 + (4 << 7), SELF, 0); // IPI_SET SELF through CPU 4's view
  t.deepEqual(ctx.irqCpus(), [4]);
});

test('corellium IPI handler: ack 0x40002 with SELF, re-enable through 0x5028 + cpu·0x80', (t) => {
  const { ctx, rd, wr } = setup();
  wr(IPI_SEND, SELF, 1);
  const ack = rd(EVENT, 1);
  t.is(ack & (0xf << 16), 4 << 16);
  t.is(ack, 0x40002);
  wr(IPI_ACK, ack === 0x40002 ? SELF : OTHER, 1);
  wr(0x5028 + 1 * 0x80, SELF, 1);
  t.is(rd(EVENT, 1), 0);
  t.deepEqual(ctx.irqCpus(), []);
});

test('TIME and TSTAMP registers read the timebase; CONFIG is storage', (t) => {
  const { ctx, rd, wr } = setup();
  ctx.tick = 0x1_2345_6789n;
  t.is(rd(0x0020), 0x2345_6789);
  t.is(rd(0x0028), 1);
  t.is(rd(0x2048), 0x2345_6789);
  wr(0x0010, 0xe0777971);
  t.is(rd(0x0010), 0xe0777971);
});

test('bad accesses: 8/16/64-bit and unaligned accesses fault; gaps in the window are RAZ/WI', (t) => {
  const { aic, rd, wr, ctx } = setup();
  const bus = new AddressSpace().addMmio(aic.base, aic.size, aic, 'aic');
  t.is(bus.read(0x23b100000n + 0x2004n, 1), FAULT);
  t.is(bus.read(0x23b100000n + 0x2004n, 2), FAULT);
  t.is(bus.read(0x23b100000n + 0x2000n, 8), FAULT);
  t.false(bus.write(0x23b100000n + 0x2008n, 8, 1n));
  t.is(aic.read32(0x2002), FAULT);
  t.is(bus.read(0x23b100000n + 0x2000n, 4), 0n, 'WHOAMI of CPU 0 through the bus');
  t.is(rd(0x0100), 0);
  t.is(rd(0x7ffc), 0);
  t.is(rd(VIEW(9, WHOAMI)), 0, 'no view beyond the 8 CPUs');
  wr(0x0100, 0xffff_ffff);
  wr(0x7ffc, 0xffff_ffff);
  t.is(rd(IPI_SEND), 0, 'write-only register reads as zero');
  t.deepEqual(ctx.irqCpus(), []);
});

test('setLine refuses IRQ numbers the AIC does not have', (t) => {
  const { aic } = setup();
  const e = t.throws(() => aic.setLine(896, true), { instanceOf: HvdbgError });
  t.is(e?.code, 'SIM_DEVICE_CONFIG');
  t.throws(() => aic.setLine(-1, true), { instanceOf: HvdbgError });
});

test('reset() drops every IRQ output and restores masks', (t) => {
  const { ctx, aic, rd, wr } = setup();
  wr(MASK_CLR(5), BIT(5));
  aic.setLine(5, true);
  t.deepEqual(ctx.irqCpus(), [0]);
  aic.reset();
  t.deepEqual(ctx.irqCpus(), []);
  t.is(rd(MASK_SET(5)), 0xffff_ffff);
});
