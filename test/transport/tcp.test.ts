import test from 'ava';
import { TransportError } from '../../core/transport/errors.ts';
import { connectTcp, listenTcp } from '../../core/transport/tcp.ts';
import type { ByteTransport } from '../../core/transport/transport.ts';
import { collect } from './helpers.ts';
import { transportContract } from './contract.ts';

async function tcpPair(host = '127.0.0.1') {
  let accept!: (t: ByteTransport) => void;
  const accepted = new Promise<ByteTransport>((resolve) => (accept = resolve));
  const listener = await listenTcp(host, 0, accept);
  const a = await connectTcp(host, listener.address.port, { timeoutMs: 5000 });
  const b = await accepted;
  return { a, b, listener };
}

transportContract('tcp', async () => {
  const { a, b, listener } = await tcpPair();
  return { a, b, cleanup: () => listener.close() };
});

test('tcp: port 0 picks a free port and the listener reports it', async (t) => {
  const listener = await listenTcp('127.0.0.1', 0, () => {});
  t.true(listener.address.port > 0);
  t.is(listener.address.host, '127.0.0.1');
  await listener.close();
});

test('tcp: descriptions name both ends', async (t) => {
  const { a, b, listener } = await tcpPair();
  t.is(a.description, `tcp 127.0.0.1:${listener.address.port}`);
  t.regex(b.description, new RegExp(`^tcp 127\\.0\\.0\\.1:\\d+ → 127\\.0\\.0\\.1:${listener.address.port}$`));
  await listener.close();
});

test('tcp: IPv6 loopback works', async (t) => {
  let listener;
  try {
    listener = await listenTcp('::1', 0, (b) => b.onData((d) => b.write(d)));
  } catch (err) {
    // A host without IPv6 cannot run this test; say so instead of failing.
    t.log(`no IPv6 loopback here: ${(err as Error).message}`);
    t.is((err as TransportError).code, 'TRANSPORT_LISTEN_FAILED');
    return;
  }
  const a = await connectTcp('::1', listener.address.port);
  t.is(a.description, `tcp [::1]:${listener.address.port}`);
  const echoed = collect(a, 3);
  a.write(Uint8Array.of(1, 2, 3));
  t.deepEqual(await echoed, Uint8Array.of(1, 2, 3));
  await listener.close();
});

test('tcp: connecting where nobody listens fails with TRANSPORT_CONNECT_FAILED and a hint', async (t) => {
  const listener = await listenTcp('127.0.0.1', 0, () => {});
  const port = listener.address.port;
  await listener.close();
  const err = await t.throwsAsync(connectTcp('127.0.0.1', port, { timeoutMs: 5000 }), { instanceOf: TransportError });
  t.is(err?.code, 'TRANSPORT_CONNECT_FAILED');
  t.true(err?.message.includes(`127.0.0.1:${port}`));
  t.regex(err?.hint ?? '', /listen/);
});

test('tcp: listening on a port in use fails with TRANSPORT_LISTEN_FAILED', async (t) => {
  const first = await listenTcp('127.0.0.1', 0, () => {});
  const err = await t.throwsAsync(listenTcp('127.0.0.1', first.address.port, () => {}), { instanceOf: TransportError });
  t.is(err?.code, 'TRANSPORT_LISTEN_FAILED');
  t.regex(err?.hint ?? '', /another program/);
  await first.close();
});

test('tcp: closing the listener closes the connections it accepted', async (t) => {
  const { a, b, listener } = await tcpPair();
  const closedA = new Promise<Error | undefined>((r) => a.onClose(r));
  const closedB = new Promise<Error | undefined>((r) => b.onClose(r));
  await listener.close();
  t.is(await closedB, undefined);
  t.is(await closedA, undefined);
});

test('tcp: a reset connection closes with TRANSPORT_IO_ERROR', async (t) => {
  const { a, b, listener } = await tcpPair();
  const closedA = new Promise<Error | undefined>((r) => a.onClose(r));
  // Reach under the transport to reset the socket, as a crashed peer would.
  (b as unknown as { socket: import('node:net').Socket }).socket.resetAndDestroy();
  const err = (await closedA) as TransportError;
  t.is(err.code, 'TRANSPORT_IO_ERROR');
  t.true(err.fatal);
  await listener.close();
});
