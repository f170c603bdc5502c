// ASC mailbox (apple-devices §4.1, §4.3, §4.5): control register layout, FIFO depth 16 with FULL /
// EMPTY / OVERFLOW, both sides' registers, the four level IRQ lines, CPU_CONTROL start.

import test from 'ava';
import { AscMailbox, type AscCoprocessor } from '../../sim/coproc/index.ts';
import { AddressSpace } from '../../sim/memory/address-space.ts';
import { FAULT } from '../../sim/memory/physical-memory.ts';
import { FakeContext } from '../sim/devices/fake-context.ts';
import {
  A2I_RECV0,
  A2I_RECV1,
  ApMailbox,
  CPU_CONTROL,
  CPU_STATUS,
  EMPTY,
  FULL,
  I2A_SEND0,
  I2A_SEND1,
  INBOX0,
  INBOX1,
  INBOX_CTRL,
  OUTBOX0,
  OUTBOX1,
  OUTBOX_CTRL,
  OVERFLOW,
  makeRig,
  r32,
  r64,
  w32,
  w64,
} from './ap-side.ts';

const wptr = (c: number): number => (c >> 8) & 0xf;
const rptr = (c: number): number => (c >> 12) & 0xf;
const fifocnt = (c: number): number => (c >> 20) & 0xf;

class RecordingCoproc implements AscCoprocessor {
  readonly events: string[] = [];
  run(): void {
    this.events.push('run');
  }
  halt(): void {
    this.events.push('halt');
  }
  receive(msg0: bigint, msg1: bigint): void {
    this.events.push(`rx ${msg0.toString(16)}:${msg1.toString(16)}`);
  }
  outboxSpace(): void {
    this.events.push('space');
  }
}

function bare(): { ctx: FakeContext; as: AddressSpace; asc: AscMailbox; lines: Record<string, boolean> } {
  const ctx = new FakeContext();
  const lines: Record<string, boolean> = {};
  const asc = new AscMailbox(ctx, {
    irqs: {
      sendEmpty: (l) => void (lines.sendEmpty = l),
      sendNotEmpty: (l) => void (lines.sendNotEmpty = l),
      recvEmpty: (l) => void (lines.recvEmpty = l),
      recvNotEmpty: (l) => void (lines.recvNotEmpty = l),
    },
  });
  const as = new AddressSpace().addMmio(asc.base, asc.size, asc, 'dcp');
  return { ctx, as, asc, lines };
}

test('reset state: both control registers read 0x20001, the IOP is stopped, empty lines high', (t) => {
  const { as, lines } = makeRig();
  t.is(r32(as, INBOX_CTRL), 0x20001, 'ENABLE=1 EMPTY=1 (the §4.1 rendering example)');
  t.is(r32(as, OUTBOX_CTRL), 0x20001);
  t.is(r32(as, CPU_CONTROL), 0);
  t.is(r32(as, CPU_STATUS) & 3, 2, 'STOPPED, not RUNNING');
  t.deepEqual(
    [427, 428, 429, 430].map((i) => lines.get(i)),
    [true, false, true, false],
    'send-empty, send-not-empty, recv-empty, recv-not-empty (§4.5)',
  );
});

test('inbox: 16 entries fill it, the 17th overflows and is dropped; the IOP side pops in order', (t) => {
  const { as, lines } = bare();
  for (let i = 0; i < 15; i++) {
    w64(as, INBOX0, 0x1000n + BigInt(i));
    w64(as, INBOX1, 0x20n + BigInt(i));
  }
  let c = r32(as, INBOX_CTRL);
  t.is(c & FULL, 0);
  t.is(fifocnt(c), 15);
  t.is(wptr(c), 15);
  t.is(lines.sendNotEmpty, true);
  t.is(lines.sendEmpty, false);
  w64(as, INBOX0, 0x100fn);
  w64(as, INBOX1, 0x2fn);
  c = r32(as, INBOX_CTRL);
  t.not(c & FULL, 0, 'FULL at 16 entries');
  t.is(c & EMPTY, 0);
  t.is(wptr(c), 0, 'WPTR wraps at the depth');
  t.is(c & OVERFLOW, 0);
  w64(as, INBOX0, 0xdeadn);
  w64(as, INBOX1, 0x99n);
  c = r32(as, INBOX_CTRL);
  t.not(c & OVERFLOW, 0, 'OVERFLOW when pushing into a full FIFO');
  t.not(c & FULL, 0);

  // IOP side: 0x8810 peeks msg0, 0x8818 returns msg1 and pops.
  t.is(r64(as, A2I_RECV0), 0x1000n);
  t.is(r64(as, A2I_RECV0), 0x1000n, 'RECV0 does not pop');
  t.is(r64(as, A2I_RECV1), 0x20n);
  c = r32(as, INBOX_CTRL);
  t.is(c & FULL, 0, 'room again');
  t.is(rptr(c), 1);
  t.is(fifocnt(c), 15);
  for (let i = 1; i < 16; i++) {
    t.is(r64(as, A2I_RECV0), 0x1000n + BigInt(i));
    t.is(r64(as, A2I_RECV1), 0x20n + BigInt(i));
  }
  c = r32(as, INBOX_CTRL);
  t.not(c & EMPTY, 0, 'the dropped 17th message never arrives');
  t.is(r64(as, A2I_RECV1), 0n, 'reading an empty FIFO returns 0');
  t.is(lines.sendEmpty, true);
  t.not(c & OVERFLOW, 0, 'OVERFLOW stays latched');
  w32(as, INBOX_CTRL, OVERFLOW | 1);
  t.is(r32(as, INBOX_CTRL) & OVERFLOW, 0, 'write 1 clears OVERFLOW');
});

test('outbox: the IOP pushes with I2A_SEND1; OUTBOX0 peeks, OUTBOX1 pops; recv lines follow', (t) => {
  const { as, lines } = bare();
  t.is(lines.recvEmpty, true);
  t.is(r64(as, OUTBOX0), 0n, 'empty outbox reads 0');
  w64(as, I2A_SEND0, 0x0010_0000_000c_000bn);
  w64(as, I2A_SEND1, 0n);
  w64(as, I2A_SEND0, 0x0040_0000_0000_0000n);
  w64(as, I2A_SEND1, 0x37n);
  t.is(lines.recvNotEmpty, true);
  t.is(lines.recvEmpty, false);
  const c = r32(as, OUTBOX_CTRL);
  t.is(fifocnt(c), 2);
  t.is(c & EMPTY, 0);
  t.is(r64(as, OUTBOX0), 0x0010_0000_000c_000bn);
  t.is(r64(as, OUTBOX0), 0x0010_0000_000c_000bn, 'no pop on OUTBOX0');
  t.is(r64(as, OUTBOX1) & 0xffn, 0n);
  t.is(r64(as, OUTBOX0), 0x0040_0000_0000_0000n);
  t.is(r64(as, OUTBOX1) & 0xffn, 0x37n, 'EP in msg1 [7:0]');
  t.not(r32(as, OUTBOX_CTRL) & EMPTY, 0);
  t.is(lines.recvNotEmpty, false);
  t.is(lines.recvEmpty, true);
});

test('access widths: messages are 64-bit, control registers 32-bit, other offsets RAZ/WI', (t) => {
  const { as } = bare();
  t.is(as.read(OUTBOX0, 4), FAULT);
  t.false(as.write(INBOX1, 4, 1n));
  t.is(as.read(INBOX_CTRL, 8), FAULT);
  t.is(as.read(0x231c08111n, 4), FAULT, 'unaligned');
  t.is(as.read(0x231c04000n, 4), 0n);
  t.true(as.write(0x231c04000n, 4, 5n));
  t.is(as.read(0x231c08900n, 8), 0n);
});

test('CPU_CONTROL.RUN: nothing reaches the firmware before start; messages arrive after the latency', (t) => {
  const { ctx, as, asc } = bare();
  const cop = new RecordingCoproc();
  asc.attach(cop);
  w64(as, INBOX0, 0x0060_0000_0000_0220n);
  w64(as, INBOX1, 0n);
  ctx.advanceTo(10_000n);
  t.deepEqual(cop.events, [], 'not started: the message waits');
  t.is(fifocnt(r32(as, INBOX_CTRL)), 1);
  w32(as, CPU_CONTROL, r32(as, CPU_CONTROL) | 0x10);
  t.is(r32(as, CPU_CONTROL), 0x10);
  t.is(r32(as, CPU_STATUS) & 3, 1, 'RUNNING');
  t.deepEqual(cop.events, ['run']);
  t.is(fifocnt(r32(as, INBOX_CTRL)), 1, 'not consumed inside the MMIO write');
  ctx.advanceTo(ctx.tick + 24n);
  t.deepEqual(cop.events, ['run', 'rx 60000000000220:0']);
  t.not(r32(as, INBOX_CTRL) & EMPTY, 0);

  w32(as, CPU_CONTROL, r32(as, CPU_CONTROL) & ~0x10);
  t.is(r32(as, CPU_STATUS) & 3, 2);
  w64(as, INBOX0, 1n);
  w64(as, INBOX1, 2n);
  ctx.advanceTo(ctx.tick + 1000n);
  t.deepEqual(cop.events, ['run', 'rx 60000000000220:0', 'halt'], 'halted: nothing delivered');

  t.true(asc.iopSend(5n, 0n));
  r64(as, OUTBOX0);
  r64(as, OUTBOX1);
  t.is(cop.events.at(-1), 'space', 'the AP pop tells the firmware there is room');
});

test('a full outbox holds the RTKit firmware back without losing messages', (t) => {
  const rig = makeRig();
  const ap = new ApMailbox(rig);
  ap.start();
  // 20 pings, answered while the AP does not read: the outbox fills at 16.
  ap.recv(); // HELLO
  for (let i = 0; i < 20; i++) {
    if (r32(rig.as, INBOX_CTRL) & FULL) rig.ctx.advanceTo(rig.ctx.tick + 100n);
    ap.send(0, 0x0030_0000_0000_0000n | BigInt(i));
  }
  rig.ctx.advanceTo(rig.ctx.tick + 100_000n);
  const c = r32(rig.as, OUTBOX_CTRL);
  t.not(c & FULL, 0, 'outbox FULL');
  t.is(c & OVERFLOW, 0, 'the firmware never overflows it');
  const got: bigint[] = [];
  for (let m = ap.recv(); m; m = ap.recv(2400n)) got.push(m.msg0);
  t.deepEqual(
    got,
    Array.from({ length: 20 }, (_, i) => 0x0040_0000_0000_0000n | BigInt(i)),
  );
});
