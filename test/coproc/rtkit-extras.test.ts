// RTKit model details beyond the handshake replay: IOP-preallocated buffers (§5.4 DVA ≠ 0),
// the hard crash trigger (§5.6), application-endpoint timers frozen while RUN = 0, and the
// device set createDcpCoprocessor hands to the machine (§9.4 addresses).

import test from 'ava';
import type { RtkitAppEndpoint, RtkitEndpointIo } from '../../sim/coproc/rtkit/endpoint.ts';
import { ApDart, ApMailbox, ASC_BASE, DART_DCP, DART_DISP0, hex, makeRig, type Msg } from './ap-side.ts';

function handshake(ap: ApMailbox): void {
  ap.start();
  ap.recv(); // HELLO
  ap.send(0, 0x0020_0000_000c_000cn);
  for (;;) {
    const m = ap.recv()!;
    const base = (m.msg0 >> 32n) & 7n;
    if ((m.msg0 >> 51n) & 1n) return ap.send(0, (8n << 52n) | (1n << 51n) | (base << 32n));
    ap.send(0, (8n << 52n) | (base << 32n) | 1n);
  }
}

const line = (m: Msg | undefined): string => (m ? `${m.ep}:${hex(m.msg0)}` : 'nothing');

test('preallocated buffers are announced with their DVA and need no reply (§5.4)', (t) => {
  const rig = makeRig([], {
    buffers: { crashlog: { pages: 4, dva: 0xf0a00_0000n }, ioreporting: { pages: 2, dva: 0xf0a01_0000n }, oslog: { pages: 8, dva: 0xf0a02_0000n } },
    syslog: { count: 4, entrySize: 0x40, dva: 0xf0a03_0000n },
  });
  const ap = new ApMailbox(rig);
  handshake(ap);
  for (const ep of [1, 2, 4, 8]) ap.send(0, (5n << 52n) | (BigInt(ep) << 32n) | 2n);
  const got: string[] = [];
  for (;;) {
    const m = ap.recv();
    got.push(line(m));
    if (!m || m.ep === 0) break;
  }
  t.deepEqual(got, [
    `1:${hex(0x0010_400f_0a00_0000n)}`,
    `2:${hex(0x0010_100f_0a03_0000n)}`,
    `2:${hex(0x0080_0000_4000_0004n)}`,
    `4:${hex(0x0010_200f_0a01_0000n)}`,
    `8:${hex(0x0108_0000_00f0_a020n)}`, // oslog DVA in 4 KiB units
    `0:${hex(0x0070_0000_0000_0020n)}`,
  ]);
  t.is(rig.dcp.rtkit.bufferDva('syslog'), 0xf0a03_0000n);
});

test('the hard crash trigger 0x22 crashes the IOP too', (t) => {
  const rig = makeRig();
  const ap = new ApMailbox(rig);
  const dart = new ApDart(rig);
  dart.enable(0);
  handshake(ap);
  ap.send(0, 0x0050_0001_0000_0002n);
  const req = ap.recv()!;
  t.is(line(req), `1:${hex(0x0010_4000_0000_0000n)}`);
  dart.mapNew(0, 0x1000_0000n, 0x4000);
  ap.send(1, 0x0010_400f_1000_0000n);
  ap.send(1, 0x22n);
  const msgs = ap.drain();
  t.true(msgs.some((m) => m.ep === 1 && m.msg0 === 0x0010_400f_1000_0000n), 'crash report on EP 1');
  t.is(rig.dcp.rtkit.phase, 'crashed');
});

class TimerApp implements RtkitAppEndpoint {
  readonly endpoint = 0x37;
  readonly name = 'dcpep';
  io: RtkitEndpointIo | undefined;
  fired: bigint[] = [];
  start(io: RtkitEndpointIo): void {
    this.io = io;
  }
  receive(msg: bigint): void {
    const io = this.io!;
    io.schedule(io.now() + msg, () => {
      this.fired.push(io.now());
      io.send(0x99n);
    });
  }
}

test('application timers stand still while CPU_CONTROL.RUN = 0 and run on restart', (t) => {
  const app = new TimerApp();
  const rig = makeRig([app]);
  const ap = new ApMailbox(rig);
  handshake(ap);
  ap.send(0, 0x0050_0037_0000_0002n);
  ap.drain(10_000n);
  ap.send(0x37, 1000n); // fire 1000 ticks after the firmware sees it
  rig.ctx.advanceTo(rig.ctx.tick + 100n);
  ap.stop();
  rig.ctx.advanceTo(rig.ctx.tick + 10_000n);
  t.deepEqual(app.fired, [], 'halted: the timer waits');
  t.is(rig.dcp.rtkit.negotiatedVersion, 12, 'a halt is not a reset');
  ap.start();
  t.is(app.fired.length, 1, 'due while halted → runs on restart');
  t.deepEqual(ap.recv(), { ep: 0x37, msg0: 0x99n });
});

test('createDcpCoprocessor: the ASC, dart-dcp and dart-disp0 at their §9.4 addresses', (t) => {
  const rig = makeRig();
  t.deepEqual(
    rig.dcp.devices.map((d) => [d.name, d.base, d.size]),
    [
      ['dcp', ASC_BASE, 0xc000n],
      ['dart-dcp', DART_DCP, 0x4000n],
      ['dart-disp0', DART_DISP0, 0x4000n],
    ],
  );
  t.true(rig.dcp.devices[1] === rig.dcp.dart);
  t.true(rig.dcp.devices[0] === rig.dcp.asc);
});

test('an AP that starts no system endpoint still gets IOP_POWER_ACK(ON) after the fallback delay', (t) => {
  const rig = makeRig();
  const ap = new ApMailbox(rig);
  handshake(ap);
  t.is(line(ap.recv()), `0:${hex(0x0070_0000_0000_0020n)}`);
  t.is(rig.dcp.rtkit.phase, 'on');
});

test('a device reset stops the IOP; the next start is a cold boot with HELLO', (t) => {
  const rig = makeRig();
  const ap = new ApMailbox(rig);
  handshake(ap);
  ap.recv();
  t.is(rig.dcp.rtkit.phase, 'on');
  rig.dcp.asc.reset();
  t.is(rig.dcp.rtkit.phase, 'off');
  ap.start();
  t.is(line(ap.recv()), `0:${hex(0x0010_0000_000c_000bn)}`);
});
