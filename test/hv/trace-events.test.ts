// EVT_MMIOTRACE / EVT_IRQTRACE payloads byte by byte (§10.5, §10.8), framed as the §2.5 worked
// examples, the emission rule of wide operations, and m1n1's buffering (§4.6, §10.5).
import test from 'ava';
import {
  TraceEventQueue,
  decodeIrqTrace,
  decodeMmioTrace,
  encodeIrqTrace,
  encodeMmioTrace,
  mmioTraceEvents,
  parFlags,
} from '../../sim/hv/trace-events.ts';
import { EventType } from '../../core/uartproxy/constants.ts';

const hex = (s: string) => Uint8Array.from(s.split(/\s+/).filter(Boolean).map((b) => parseInt(b, 16)));

function queue(opts: { open?: boolean; noCsums?: boolean; capacity?: number } = {}) {
  let drains = 0;
  const q = new TraceEventQueue({
    dataChecksumsDisabled: () => opts.noCsums ?? false,
    channelOpen: () => opts.open ?? true,
    capacity: opts.capacity,
    onDrainRequired: () => drains++,
  });
  return { q, drains: () => drains };
}

test('MMIO trace event of §2.5 (32-bit write, cpu 0, pc 0xfffffe0007123456, addr 0x23b100000, data 1): exact frame', (t) => {
  const [evt] = mmioTraceEvents({ pc: 0xffff_fe00_0712_3456n, ipa: 0x2_3b10_0000n, width: 2, words: [1n], write: true, accessFlags: 0, cpu: 0 });
  t.is(evt!.flags, 0x22);
  const { q } = queue();
  q.pushMmio([evt!], false);
  t.deepEqual(
    q.take(),
    hex('ff 55 aa 05 20 00 01 00 22 00 00 00 00 00 00 00 56 34 12 07 00 fe ff ff 00 00 10 3b 02 00 00 00 01 00 00 00 00 00 00 00 2b 77 d0 64'),
  );
});

test('IRQ trace event of §2.5 (flags 1, type 1, num 0x2a): exact frame', (t) => {
  const { q } = queue();
  q.pushIrq({ flags: 1, type: 1, num: 0x2a });
  t.deepEqual(q.take(), hex('ff 55 aa 05 08 00 02 00 01 00 00 00 01 00 2a 00 9d 8a 74 2a'));
});

test('payload layouts: MMIO flags@0, reserved@4, pc@8, addr@0x10, data@0x18; IRQ flags@0, type@4, num@6', (t) => {
  const m = encodeMmioTrace({ flags: 0xff01c043, pc: 0x1122334455667788n, addr: 0x99n, data: 0xaabbn });
  t.is(m.length, 32);
  t.deepEqual(Array.from(m.subarray(0, 8)), [0x43, 0xc0, 0x01, 0xff, 0, 0, 0, 0]);
  t.deepEqual(decodeMmioTrace(m), { flags: 0xff01c043, pc: 0x1122334455667788n, addr: 0x99n, data: 0xaabbn });
  const i = encodeIrqTrace({ flags: 1, type: 1, num: 0x1234 });
  t.deepEqual(Array.from(i), [1, 0, 0, 0, 1, 0, 0x34, 0x12]);
  t.deepEqual(decodeIrqTrace(i), { flags: 1, type: 1, num: 0x1234 });
  t.throws(() => decodeMmioTrace(new Uint8Array(31)), { instanceOf: RangeError });
  t.throws(() => decodeIrqTrace(new Uint8Array(9)), { instanceOf: RangeError });
});

test('flags: ATTR = PAR[63:56] << 24, SH = PAR[8:7] << 14, CPU << 16, WRITE bit 5, WIDTH 4:0', (t) => {
  const par = 0xff00_0000_0000_0180n; // ATTR 0xFF, SH 0b11
  t.is(parFlags(par), 0xff00_c000);
  const [e] = mmioTraceEvents({ pc: 0n, ipa: 0n, width: 1, words: [0x1234n], write: false, accessFlags: parFlags(par), cpu: 5 });
  t.is(e!.flags, 0xff05_c001);
});

test('a 64-byte operation becomes 8 events of WIDTH 3 | MULTI, addr += 8, consecutive data words', (t) => {
  const words = [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n];
  const events = mmioTraceEvents({ pc: 0x10n, ipa: 0x1000n, width: 6, words, write: true, accessFlags: 0, cpu: 1 });
  t.is(events.length, 8);
  t.deepEqual(
    events.map((e) => [e.flags, e.addr, e.data]),
    words.map((w, i) => [0x0001_0063, 0x1000n + 8n * BigInt(i), w]),
  );
  t.is(mmioTraceEvents({ pc: 0n, ipa: 0n, width: 4, words: [1n, 2n], write: false, accessFlags: 0, cpu: 0 }).length, 2);
});

test('buffered events wait in the queue (no drain request); unbuffered ones request one drain', (t) => {
  const { q, drains } = queue();
  const evts = mmioTraceEvents({ pc: 0n, ipa: 0n, width: 5, words: [1n, 2n, 3n, 4n], write: false, accessFlags: 0, cpu: 0 });
  q.pushMmio(evts, false);
  t.is(q.pendingBytes, 4 * (8 + 32 + 4));
  t.false(q.drainRequired);
  t.is(drains(), 0);
  q.pushMmio(evts, true);
  t.true(q.drainRequired);
  t.is(drains(), 1);
  const bytes = q.take();
  t.is(bytes.length, 8 * 44);
  t.false(q.drainRequired);
  t.is(q.pendingBytes, 0);
  // Frames are in emission order: the first frame's addr is event 0's.
  t.deepEqual(decodeMmioTrace(bytes.subarray(8, 40)), evts[0]);
});

test('a full ring (capacity) requests a drain even for buffered events', (t) => {
  const { q, drains } = queue({ capacity: 100 });
  q.push(EventType.EVT_IRQTRACE, encodeIrqTrace({ flags: 1, type: 1, num: 1 }), false);
  t.is(drains(), 0);
  for (let i = 0; i < 5; i++) q.push(EventType.EVT_IRQTRACE, encodeIrqTrace({ flags: 1, type: 1, num: 1 }), false);
  t.true(q.drainRequired);
  t.is(drains(), 1);
});

test('closed pipe drops events; disabled data checksums put the 0xD0DECADE sentinel in the trailer', (t) => {
  const closed = queue({ open: false });
  closed.q.pushIrq({ flags: 1, type: 1, num: 2 });
  t.is(closed.q.pendingBytes, 0);
  t.is(closed.q.dropped, 1);
  const nocsum = queue({ noCsums: true });
  nocsum.q.pushIrq({ flags: 1, type: 1, num: 0x2a });
  t.deepEqual(nocsum.q.take(), hex('ff 55 aa 05 08 00 02 00 01 00 00 00 01 00 2a 00 de ca de d0'));
});
