// Host-side replay of the RTKit boot handshake (apple-devices §5.2–§5.5) as m1n1's C driver and
// its Python client do it, driving only the AP-side mailbox registers (§4.3) of an AddressSpace
// with the DCP coprocessor mapped. Expected messages are the spec's encodings (§5.2 example
// table) plus the model choices the spec names (HELLO 11..12, syslog COUNT 0x40 / ENTRYSIZE 0x80,
// §7.14). Buffers are allocated and mapped through a DART whose tables the test builds (§6.2).

import test from 'ava';
import type { RtkitAppEndpoint, RtkitEndpointIo } from '../../sim/coproc/rtkit/endpoint.ts';
import { ApDart, ApMailbox, ASC_DRAM_MASK, cstr, hex, makeRig, readBytes, type Msg, type Rig } from './ap-side.ts';

class FakeApp implements RtkitAppEndpoint {
  readonly endpoint = 0x37;
  readonly name = 'dcpep';
  io: RtkitEndpointIo | undefined;
  starts = 0;
  readonly received: bigint[] = [];
  start(io: RtkitEndpointIo): void {
    this.io = io;
    this.starts++;
  }
  receive(msg: bigint): void {
    this.received.push(msg);
  }
}

/** TYPE [59:52] (§5.2). */
const type = (m: bigint): number => Number((m >> 52n) & 0xffn);

interface Booted {
  rig: Rig;
  ap: ApMailbox;
  dart: ApDart;
  app: FakeApp;
  /** IOP → AP messages of step 7, in arrival order. */
  step7: Msg[];
  /** DVA and PA of each buffer, by endpoint. */
  buffers: Map<number, { dva: bigint; pa: bigint; pages: number }>;
  syslogGeometry: { count: number; entrySize: number } | undefined;
}

/** §5.4: the AP allocates SIZE·4096 rounded up to 16 KiB, maps it, answers with IOVA | mask. */
function answerBuffers(b: Booted, m: Msg): boolean {
  let nextIova = 0x1000_0000n + BigInt(b.buffers.size) * 0x10_0000n; // m1n1: vm-base + 0x10000000
  if ([1, 2, 4].includes(m.ep) && type(m.msg0) === 1 && (m.msg0 & ((1n << 44n) - 1n)) === 0n) {
    const pages = Number((m.msg0 >> 44n) & 0xffn);
    const pa = b.dart.mapNew(0, nextIova, pages * 4096);
    const dva = nextIova | ASC_DRAM_MASK;
    b.buffers.set(m.ep, { dva, pa, pages });
    b.ap.send(m.ep, (1n << 52n) | (BigInt(pages) << 44n) | dva);
    nextIova += 0x10_0000n;
    return true;
  }
  if (m.ep === 8 && Number(m.msg0 >> 56n) === 1 && (m.msg0 & ((1n << 48n) - 1n)) === 0n) {
    const pages = Number((m.msg0 >> 48n) & 0xffn); // §5.8: SIZE [55:48], DVA [47:0] in 4 KiB units
    const pa = b.dart.mapNew(0, nextIova, pages * 4096);
    const dva = nextIova | ASC_DRAM_MASK;
    b.buffers.set(8, { dva, pa, pages });
    b.ap.send(8, (1n << 56n) | (BigInt(pages) << 48n) | (dva >> 12n));
    return true;
  }
  if (m.ep === 2 && type(m.msg0) === 8) {
    b.syslogGeometry = { count: Number(m.msg0 & 0xffffn), entrySize: Number((m.msg0 >> 24n) & 0xffffn) };
    return true;
  }
  return false;
}

function expectMsg(t: import('ava').ExecutionContext, m: Msg | undefined, ep: number, msg0: bigint, what: string): void {
  t.truthy(m, `${what}: nothing received`);
  t.is(m?.ep, ep, `${what}: endpoint`);
  t.is(hex(m?.msg0 ?? 0n), hex(msg0), what);
}

/** m1n1 C `rtkit_boot` (§5.3 AP side), every reply checked. */
function bootLikeM1n1(t: import('ava').ExecutionContext, rtkit: Parameters<typeof makeRig>[1] = {}): Booted {
  const app = new FakeApp();
  const rig = makeRig([app], rtkit);
  const ap = new ApMailbox(rig);
  const dart = new ApDart(rig);
  dart.enable(0);
  const b: Booted = { rig, ap, dart, app, step7: [], buffers: new Map(), syslogGeometry: undefined };

  ap.start(); // 1
  ap.send(0, 0x0060_0000_0000_0220n); // 2: SET_IOP_POWER(INIT)
  const hello = ap.recv(); // 3
  expectMsg(t, hello, 0, 0x0010_0000_000c_000bn, 'HELLO min 11 max 12');
  t.is(type(hello!.msg0), 1);
  t.is(Number(hello!.msg0 & 0xffffn), 11, 'MIN_VER [15:0]');
  t.is(Number((hello!.msg0 >> 16n) & 0xffffn), 12, 'MAX_VER [31:16]');
  ap.send(0, 0x0020_0000_000c_000cn); // 4: HELLO_ACK v12 = min(12, MAX_VER)

  // 5: EPMAPs until LAST; bit i of BITMAP = endpoint 32·BASE + i.
  const eps: number[] = [];
  for (let i = 0; i < 8; i++) {
    const m = ap.recv();
    t.is(m?.ep, 0);
    t.is(type(m!.msg0), 8, 'EPMAP TYPE');
    const bitmap = Number(m!.msg0 & 0xffff_ffffn);
    const base = Number((m!.msg0 >> 32n) & 7n);
    const last = ((m!.msg0 >> 51n) & 1n) === 1n;
    t.is(m!.msg0 & ~((1n << 52n) - 1n) & ~(0xffn << 52n), 0n, 'no bits above TYPE');
    for (let bit = 0; bit < 32; bit++) if (bitmap & (1 << bit)) eps.push(32 * base + bit);
    ap.send(0, last ? (8n << 52n) | (1n << 51n) | (BigInt(base) << 32n) : (8n << 52n) | (BigInt(base) << 32n) | 1n);
    if (last) break;
  }
  t.deepEqual(eps, [0, 1, 2, 4, 8, 0x37], 'announced endpoints (§7.14: at least 0, 1, 2, 4, 0x37)');

  // 6: START_EP for the system endpoints present, in m1n1's order 3, 1, 2, 4, 8.
  for (const ep of [3, 1, 2, 4, 8].filter((e) => eps.includes(e))) ap.send(0, (5n << 52n) | (BigInt(ep) << 32n) | 2n);

  // 7: system messages until IOP_POWER_ACK(0x20).
  for (;;) {
    const m = ap.recv();
    t.truthy(m, 'IOP_POWER_ACK(0x20) never came');
    if (!m) break;
    b.step7.push(m);
    if (m.ep === 0 && type(m.msg0) === 7) break;
    t.true(answerBuffers(b, m), `unexpected ${hex(m.msg0)} on EP ${m.ep}`);
  }
  return b;
}

test('m1n1 C boot: HELLO, version, EPMAP, buffer requests and IOP_POWER_ACK bit by bit', (t) => {
  const b = bootLikeM1n1(t);
  const got = b.step7.map((m) => `${m.ep}:${hex(m.msg0)}`);
  t.deepEqual(got, [
    `1:${hex(0x0010_4000_0000_0000n)}`, // crashlog buffer request, SIZE 4 pages, DVA 0
    `2:${hex(0x0010_3000_0000_0000n)}`, // syslog buffer request, SIZE 3 pages (0x40 × 0xa0 bytes)
    `2:${hex(0x0080_0000_8000_0040n)}`, // syslog INIT, COUNT 0x40, ENTRYSIZE 0x80
    `4:${hex(0x0010_4000_0000_0000n)}`, // ioreporting buffer request
    `8:${hex(0x0108_0000_0000_0000n)}`, // oslog: TYPE [63:56] 1, SIZE [55:48] 8, DVA 0
    `0:${hex(0x0070_0000_0000_0020n)}`, // IOP_POWER_ACK(ON)
  ]);
  t.deepEqual(b.syslogGeometry, { count: 0x40, entrySize: 0x80 });
  t.is(b.buffers.get(1)?.dva, 0xf1000_0000n, 'DVA = IOVA | asc-dram-mask');
  t.is(b.rig.dcp.rtkit.bufferDva('crashlog'), 0xf1000_0000n);
  t.is(b.rig.dcp.rtkit.bufferDva('oslog'), b.buffers.get(8)?.dva);

  // 8: SET_AP_POWER(ON) → AP_POWER_ACK(ON), then syslog runs.
  b.ap.send(0, 0x00b0_0000_0000_0020n);
  expectMsg(t, b.ap.recv(), 0, 0x00b0_0000_0000_0020n, 'AP_POWER_ACK(0x20)');
  t.is(b.rig.dcp.rtkit.phase, 'on');
});

test('syslog entries land in the AP buffer in the §5.5 layout and wait for the echo', (t) => {
  const b = bootLikeM1n1(t, { syslog: { count: 2, entrySize: 0x40 } });
  t.deepEqual(b.syslogGeometry, { count: 2, entrySize: 0x40 });
  b.ap.send(0, 0x00b0_0000_0000_0020n);
  expectMsg(t, b.ap.recv(), 0, 0x00b0_0000_0000_0020n, 'AP_POWER_ACK');
  b.rig.dcp.rtkit.syslog('dcp', 'third line, waits for slot 0');

  const buf = b.buffers.get(2)!;
  const stride = 0x20 + 0x40;
  const lines: string[] = [];
  const logs = b.ap.drain();
  t.deepEqual(
    logs.map((m) => `${m.ep}:${hex(m.msg0)}`),
    [`2:${hex(0x0050_0000_0000_0000n)}`, `2:${hex(0x0050_0000_0000_0001n)}`],
    'LOG INDEX 0 and 1; the third line waits (COUNT 2, no echo yet)',
  );
  for (const m of logs) {
    const index = Number(m.msg0 & 0xffn);
    const e = readBytes(b.rig.as, buf.pa + BigInt(index * stride), stride);
    lines.push(`* [${cstr(e, 0x08, 24)}]${cstr(e, 0x20, 0x40).replace(/\n+$/, '')}`);
  }
  t.deepEqual(lines, ['* [RTKit]RTKit virtual firmware for dcp (t8103)', '* [dcp]iomfb: waiting for the AP (EP 0x37)']);

  b.ap.send(2, logs[0]!.msg0); // §5.5: the AP echoes the identical msg0
  const after = b.ap.drain();
  t.deepEqual(after.map((m) => hex(m.msg0)), [hex(0x0050_0000_0000_0000n)], 'slot 0 reused after its echo');
  const e = readBytes(b.rig.as, buf.pa, stride);
  t.is(cstr(e, 0x08, 24), 'dcp');
  t.is(cstr(e, 0x20, 0x40), 'third line, waits for slot 0');
});

test('Python client boot: start every system endpoint, SET_AP_POWER at once, then EP 0x37', (t) => {
  const app = new FakeApp();
  const rig = makeRig([app]);
  const ap = new ApMailbox(rig);
  const dart = new ApDart(rig);
  dart.enable(0);
  const b: Booted = { rig, ap, dart, app, step7: [], buffers: new Map(), syslogGeometry: undefined };
  ap.start();
  ap.send(0, 0x0060_0000_0000_0220n);
  const hello = ap.recv()!;
  const max = (hello.msg0 >> 16n) & 0xffffn;
  ap.send(0, (2n << 52n) | (max << 16n) | max); // Python: MIN = MAX = the IOP's MAX_VER
  const eps: number[] = [];
  for (;;) {
    const m = ap.recv()!;
    const base = Number((m.msg0 >> 32n) & 7n);
    for (let bit = 0; bit < 32; bit++) if (Number(m.msg0 & 0xffff_ffffn) & (1 << bit)) eps.push(32 * base + bit);
    if ((m.msg0 >> 51n) & 1n) {
      ap.send(0, (8n << 52n) | (1n << 51n) | (BigInt(base) << 32n));
      break;
    }
    ap.send(0, (8n << 52n) | (BigInt(base) << 32n) | 1n);
  }
  for (const ep of eps.filter((e) => e > 0 && e < 0x10)) ap.send(0, (5n << 52n) | (BigInt(ep) << 32n) | 2n);
  ap.send(0, 0x00b0_0000_0000_0020n);
  let iopOn = false;
  let apOn = false;
  while (!(iopOn && apOn)) {
    const m = ap.recv();
    if (!m) return t.fail('boot did not complete');
    if (m.ep === 0 && m.msg0 === 0x0070_0000_0000_0020n) iopOn = true;
    else if (m.ep === 0 && m.msg0 === 0x00b0_0000_0000_0020n) apOn = true;
    else if (m.ep === 2 && type(m.msg0) === 5) ap.send(2, m.msg0);
    else t.true(answerBuffers(b, m), `unexpected ${hex(m.msg0)} on EP ${m.ep}`);
  }
  t.is(app.starts, 0);
  ap.send(0x37, 0x1234n);
  ap.drain();
  t.deepEqual(app.received, [], 'EP 0x37 messages before START_EP are dropped');
  ap.send(0, 0x0050_0037_0000_0002n); // START_EP 0x37 (§5.2 example)
  ap.drain();
  t.is(app.starts, 1);
  ap.send(0x37, 0x000f_1000_0000_0040n);
  ap.drain();
  t.deepEqual(app.received, [0x000f_1000_0000_0040n]);

  // The endpoint's I/O: messages to the AP on EP 0x37, AP memory through DART stream 0.
  const shm = dart.mapNew(0, 0x2000_0000n, 0x4000);
  rig.as.writeBlock(shm + 0x10n, Uint8Array.of(0xde, 0xad, 0xbe, 0xef), 0, 4);
  t.deepEqual([...app.io!.readIova(0xf2000_0010n, 4)], [0xde, 0xad, 0xbe, 0xef], 'DVA with asc-dram-mask accepted');
  app.io!.writeIova(0x2000_0020n, Uint8Array.of(1, 2, 3));
  t.deepEqual([...readBytes(rig.as, shm + 0x20n, 3)], [1, 2, 3]);
  app.io!.send(1n);
  t.deepEqual(ap.recv(), { ep: 0x37, msg0: 1n });
  t.throws(() => app.io!.readIova(0x3000_0000n, 4), { instanceOf: Error, message: /DMA fault/ });
});

test('ping answers pong (payload echoed) and power requests are acknowledged', (t) => {
  const b = bootLikeM1n1(t);
  b.ap.send(0, 0x0030_0000_0000_0000n);
  expectMsg(t, b.ap.recv(), 0, 0x0040_0000_0000_0000n, 'PONG');
  b.ap.send(0, 0x0030_0000_0000_1234n);
  expectMsg(t, b.ap.recv(), 0, 0x0040_0000_0000_1234n, 'PONG echoes the payload (model choice)');
  // §5.3 shutdown: SET_AP_POWER(0x10), then SET_IOP_POWER(0x10).
  b.ap.send(0, 0x00b0_0000_0000_0010n);
  expectMsg(t, b.ap.recv(), 0, 0x00b0_0000_0000_0010n, 'AP_POWER_ACK(QUIESCED)');
  b.ap.send(0, 0x0060_0000_0000_0010n);
  expectMsg(t, b.ap.recv(), 0, 0x0070_0000_0000_0010n, 'IOP_POWER_ACK(QUIESCED)');
  b.ap.send(0, 0x0060_0000_0000_0220n);
  expectMsg(t, b.ap.recv(), 0, 0x0070_0000_0000_0020n, 'wake from QUIESCED → ON');
  // Sleep, clear RUN, start again: a cold boot with a fresh HELLO.
  b.ap.send(0, 0x0060_0000_0000_0001n);
  expectMsg(t, b.ap.recv(), 0, 0x0070_0000_0000_0001n, 'IOP_POWER_ACK(SLEEP)');
  b.ap.stop();
  b.ap.start();
  b.ap.send(0, 0x0060_0000_0000_0220n);
  expectMsg(t, b.ap.recv(), 0, 0x0010_0000_000c_000bn, 'HELLO again after sleep');
  t.deepEqual(b.ap.drain(), [], 'SET_IOP_POWER(INIT) during the handshake is absorbed');
});

test('crash on request: the dump is written to the crashlog buffer and announced with TYPE 1', (t) => {
  const b = bootLikeM1n1(t);
  b.ap.send(0, 0x00b0_0000_0000_0020n);
  b.ap.drain().forEach((m) => m.ep === 2 && b.ap.send(2, m.msg0));
  b.ap.send(1, 0x40n); // §5.6 soft crash trigger
  const m = b.ap.recv();
  const crash = b.buffers.get(1)!;
  expectMsg(t, m, 1, (1n << 52n) | (4n << 44n) | crash.dva, 'crash report: TYPE 1, SIZE, DVA of the crashlog buffer');
  const dump = readBytes(b.rig.as, crash.pa, 4 * 4096);
  const dv = new DataView(dump.buffer);
  t.deepEqual([...dump.subarray(0, 4)], [0x45, 0x48, 0x4c, 0x43], "magic 'CLHE' as bytes 45 48 4c 43");
  const total = dv.getUint32(8, true);
  t.true(total > 0x20 && total <= dump.length);
  const fcc = (at: number): string => String.fromCharCode(dump[at + 3]!, dump[at + 2]!, dump[at + 1]!, dump[at]!);
  const types: string[] = [];
  let message = '';
  for (let at = 0x20; at < total; ) {
    const ty = fcc(at);
    const len = dv.getUint32(at + 12, true);
    types.push(ty);
    if (ty === 'Cstr') message = cstr(dump, at + 16 + 4, len - 20);
    if (ty === 'CLHE' || len < 16) break;
    at += len;
  }
  t.is(types.at(-1), 'CLHE', 'ends at a CLHE entry');
  t.true(types.includes('Cver') && types.includes('Ctim') && types.includes('Cmbx'));
  t.regex(message, /soft crash/);
  t.is(b.rig.dcp.rtkit.phase, 'crashed');
  b.ap.send(0, 0x0030_0000_0000_0000n);
  t.deepEqual(b.ap.drain(), [], 'a crashed IOP answers nothing');
  b.ap.stop();
  b.ap.start();
  expectMsg(t, b.ap.recv(), 0, 0x0010_0000_000c_000bn, 'restart after a crash is a cold boot');
});

test('nothing runs before CPU_CONTROL.RUN: messages wait in the inbox', (t) => {
  const rig = makeRig();
  const ap = new ApMailbox(rig);
  ap.send(0, 0x0060_0000_0000_0220n);
  t.deepEqual(ap.drain(), []);
  const ctrl = Number(rig.as.read(0x231c08110n, 4));
  t.is((ctrl >> 20) & 0xf, 1, 'FIFOCNT 1');
  t.is(ctrl & (1 << 17), 0, 'not EMPTY');
  t.is(Number(rig.as.read(0x231c00048n, 4)) & 3, 2, 'CPU_STATUS STOPPED');
  t.is(rig.dcp.rtkit.phase, 'off');
  ap.start();
  t.is(Number(rig.as.read(0x231c00048n, 4)) & 3, 1, 'CPU_STATUS RUNNING');
  expectMsg(t, ap.recv(), 0, 0x0010_0000_000c_000bn, 'HELLO once started');
  t.deepEqual(ap.drain(), [], 'the queued SET_IOP_POWER(INIT) is absorbed by the handshake');
  t.not(Number(rig.as.read(0x231c08110n, 4)) & (1 << 17), 0, 'inbox consumed');
});

test('a HELLO_ACK with an unsupported version is ignored; a good one proceeds', (t) => {
  const rig = makeRig();
  const ap = new ApMailbox(rig);
  ap.start();
  expectMsg(t, ap.recv(), 0, 0x0010_0000_000c_000bn, 'HELLO on RUN alone');
  ap.send(0, 0x0020_0000_000d_000dn); // v13
  t.deepEqual(ap.drain(), []);
  ap.send(0, 0x0020_0000_000b_000bn); // v11
  const m = ap.recv();
  t.is(m?.ep, 0);
  t.is(type(m!.msg0), 8, 'EPMAP follows');
  t.is(rig.dcp.rtkit.negotiatedVersion, 11);
});

test('a buffer reply with an unmapped IOVA faults in the DART (ERROR, ERROR_ADDR, IRQ 445)', (t) => {
  const rig = makeRig([], { syslog: { count: 4, entrySize: 0x40 } });
  const ap = new ApMailbox(rig);
  const dart = new ApDart(rig);
  dart.enable(0); // TTBR valid, but the L1 table is empty
  ap.start();
  ap.recv();
  ap.send(0, 0x0020_0000_000c_000cn);
  for (;;) {
    const m = ap.recv()!;
    const base = (m.msg0 >> 32n) & 7n;
    if ((m.msg0 >> 51n) & 1n) {
      ap.send(0, (8n << 52n) | (1n << 51n) | (base << 32n));
      break;
    }
    ap.send(0, (8n << 52n) | (base << 32n) | 1n);
  }
  ap.send(0, 0x0050_0002_0000_0002n); // START_EP syslog only
  const req = ap.recv()!;
  t.is(hex(req.msg0), hex(0x0010_1000_0000_0000n), 'syslog request, 1 page (4 × 0x60 bytes)');
  ap.send(2, (1n << 52n) | (1n << 44n) | 0xf4000_0000n); // DVA of nothing mapped
  t.is(hex(ap.recv()!.msg0), hex(0x0080_0000_4000_0004n), 'INIT COUNT 4 ENTRYSIZE 0x40');
  // Not every system endpoint was started: IOP_POWER_ACK after the fallback delay.
  t.deepEqual(ap.recv(), { ep: 0, msg0: 0x0070_0000_0000_0020n });
  ap.send(0, 0x00b0_0000_0000_0020n);
  t.deepEqual(ap.drain(), [{ ep: 0, msg0: 0x00b0_0000_0000_0020n }], 'the syslog lines are dropped, not announced');
  const error = Number(rig.as.read(0x23130c040n, 4));
  t.is(error >>> 31, 1, 'ERROR.FLAG');
  t.is((error >> 24) & 0xf, 0, 'ERROR.STREAM = SID 0');
  t.is(error & 0xff_ffff, (1 << 1) | (1 << 10), 'CODE = NO_PMD | WRITE');
  t.is(Number(rig.as.read(0x23130c050n, 4)), 0x4000_0000, 'ERROR_ADDR_LO = the IOVA (mask stripped)');
  t.is(Number(rig.as.read(0x23130c054n, 4)), 0);
  t.is(rig.lines.get(445), true, 'DART IRQ 445 raised');
  rig.as.write(0x23130c040n, 4, 0xffff_ffffn);
  t.is(Number(rig.as.read(0x23130c040n, 4)), 0);
  t.is(rig.lines.get(445), false);
});
