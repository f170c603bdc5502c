import test from 'ava';
import { TransportError } from '../../core/transport/errors.ts';
import { openTarget, parseListenSpec, parseTargetSpec } from '../../core/transport/open-target.ts';
import { createPty } from '../../core/transport/pty.ts';
import { listenTcp } from '../../core/transport/tcp.ts';
import type { ByteTransport } from '../../core/transport/transport.ts';
import { collect } from './helpers.ts';

const goodTargets = [
  ['tcp:127.0.0.1:9000', { kind: 'tcp', host: '127.0.0.1', port: 9000 }],
  ['tcp:localhost:1', { kind: 'tcp', host: 'localhost', port: 1 }],
  ['tcp:mac-mini.local:65535', { kind: 'tcp', host: 'mac-mini.local', port: 65535 }],
  ['tcp:[::1]:9000', { kind: 'tcp', host: '::1', port: 9000 }],
  ['tcp:[fe80::1%eth0]:22', { kind: 'tcp', host: 'fe80::1%eth0', port: 22 }],
  ['/dev/ttyACM0', { kind: 'device', path: '/dev/ttyACM0' }],
  ['/dev/m1n1', { kind: 'device', path: '/dev/m1n1' }],
  ['/dev/pts/7', { kind: 'device', path: '/dev/pts/7' }],
  ['./my-link', { kind: 'device', path: './my-link' }],
] as const;

for (const [spec, expected] of goodTargets) {
  test(`target ${JSON.stringify(spec)} parses`, (t) => {
    t.deepEqual(parseTargetSpec(spec), expected);
  });
}

// [spec, part of the message, part of the hint]
const badTargets: Array<[string, RegExp, RegExp]> = [
  ['', /empty/, /tcp:HOST:PORT/],
  ['   ', /empty/, /tcp:HOST:PORT/],
  ['tcp:', /HOST:PORT/, /tcp:HOST:PORT/],
  ['tcp:127.0.0.1', /HOST:PORT/, /tcp:HOST:PORT/],
  ['tcp:127.0.0.1:', /not a number/, /tcp:HOST:PORT/],
  ['tcp::9000', /host is empty/, /tcp:HOST:PORT/],
  ['tcp:127.0.0.1:abc', /"abc" is not a number/, /tcp:HOST:PORT/],
  ['tcp:127.0.0.1:0', /outside 1–65535/, /tcp:HOST:PORT/],
  ['tcp:127.0.0.1:70000', /outside 1–65535/, /tcp:HOST:PORT/],
  ['tcp:127.0.0.1:-1', /not a number/, /tcp:HOST:PORT/],
  ['tcp:::1:9000', /needs brackets/, /tcp:\[::1\]:9000/],
  ['tcp:[::1:9000', /no closing/, /tcp:HOST:PORT/],
  ['tcp:[::1]9000', /expected ":PORT"/, /tcp:HOST:PORT/],
  ['tcp://127.0.0.1:9000', /no "\/\/"/, /^write tcp:127\.0\.0\.1:9000$/],
  ['127.0.0.1:9000', /needs the "tcp:" prefix/, /^write tcp:127\.0\.0\.1:9000$/],
  ['localhost:9000', /needs the "tcp:" prefix/, /^write tcp:localhost:9000$/],
  ['udp:1.2.3.4:5', /unknown scheme "udp:"/, /tcp:HOST:PORT/],
  ['serial:ttyACM0', /unknown scheme "serial:"/, /device path/],
  ['ttyACM0', /must be given as a path/, /^write \/dev\/ttyACM0$/],
  ['COM3', /must be given as a path/, /device path/],
];

for (const [spec, message, hint] of badTargets) {
  test(`target ${JSON.stringify(spec)} is refused with TRANSPORT_BAD_TARGET`, (t) => {
    const err = t.throws(() => parseTargetSpec(spec), { instanceOf: TransportError });
    t.is(err?.code, 'TRANSPORT_BAD_TARGET');
    t.regex(err?.message ?? '', message);
    t.true(err?.message.includes(JSON.stringify(spec)));
    t.regex(err?.hint ?? '', hint);
    t.false(err?.fatal);
  });
}

test('listen specs: tcp:HOST:PORT, port 0 allowed', (t) => {
  t.deepEqual(parseListenSpec('tcp:127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
  t.deepEqual(parseListenSpec('tcp:127.0.0.1:9000'), { host: '127.0.0.1', port: 9000 });
  t.deepEqual(parseListenSpec('tcp:[::1]:9000'), { host: '::1', port: 9000 });
});

for (const spec of ['/dev/pts/1', '127.0.0.1:9000', 'tcp:127.0.0.1', 'tcp:127.0.0.1:65536', '']) {
  test(`listen spec ${JSON.stringify(spec)} is refused with a hint`, (t) => {
    const err = t.throws(() => parseListenSpec(spec), { instanceOf: TransportError });
    t.is(err?.code, 'TRANSPORT_BAD_TARGET');
    t.regex(err?.hint ?? '', /tcp:127\.0\.0\.1:9000 \(port 0 picks a free port\)/);
  });
}

test('openTarget: tcp:HOST:PORT connects, and offers onReconnect', async (t) => {
  let accept!: (b: ByteTransport) => void;
  const accepted = new Promise<ByteTransport>((r) => (accept = r));
  const listener = await listenTcp('127.0.0.1', 0, accept);
  const a = await openTarget(`tcp:127.0.0.1:${listener.address.port}`);
  const b = await accepted;
  t.is(typeof a.onReconnect(() => {}).dispose, 'function');
  const got = collect(b, 2);
  a.write(Uint8Array.of(0xff, 0x55));
  t.deepEqual(await got, Uint8Array.of(0xff, 0x55));
  await listener.close();
});

test('openTarget: a pty slave path opens through the serial transport', async (t) => {
  const pty = await createPty();
  const host = await openTarget(pty.slavePath);
  t.is(host.description, `serial ${pty.slavePath}`);
  const got = collect(pty, 3);
  host.write(Uint8Array.of(1, 0x0d, 0x03));
  t.deepEqual(await got, Uint8Array.of(1, 0x0d, 0x03));
  await host.close();
  await pty.close();
});

test('openTarget: a missing device fails at once with TRANSPORT_OPEN_FAILED', async (t) => {
  const err = await t.throwsAsync(openTarget('/dev/hvdbg-no-such-device'), { instanceOf: TransportError });
  t.is(err?.code, 'TRANSPORT_OPEN_FAILED');
});

test('openTarget: a malformed target fails before any I/O', async (t) => {
  const err = await t.throwsAsync(openTarget('localhost:9000'), { instanceOf: TransportError });
  t.is(err?.code, 'TRANSPORT_BAD_TARGET');
});
