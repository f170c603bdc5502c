import test from 'ava';
import { createMemoryPair } from '../../core/transport/memory-pair.ts';
import { collect, settle } from './helpers.ts';
import { transportContract } from './contract.ts';

transportContract('memory pair', async () => {
  const [a, b] = createMemoryPair();
  return { a, b };
});

test('memory pair: write returns false past the high-water mark until the peer consumes', async (t) => {
  const [a, b] = createMemoryPair({ highWaterMarkBytes: 1000 });
  b.pause();
  t.true(a.write(new Uint8Array(600)));
  t.false(a.write(new Uint8Array(600)), '1200 bytes queued > 1000');
  let drained = 0;
  a.onDrain(() => drained++);
  await settle();
  t.is(drained, 0);
  const got = collect(b, 1200);
  b.resume();
  t.is((await got).length, 1200);
  await settle();
  t.is(drained, 1);
  await a.close();
});

test('memory pair: delivery is asynchronous, never inside write()', async (t) => {
  const [a, b] = createMemoryPair();
  let inWrite = false;
  let deliveredInsideWrite = false;
  const got = new Promise<void>((resolve) =>
    b.onData(() => {
      deliveredInsideWrite ||= inWrite;
      resolve();
    }),
  );
  inWrite = true;
  a.write(Uint8Array.of(1));
  inWrite = false;
  await got;
  t.false(deliveredInsideWrite);
  await a.close();
});

test('memory pair: the writer may reuse its buffer right after write()', async (t) => {
  const [a, b] = createMemoryPair();
  const buf = Uint8Array.of(1, 2, 3);
  const got = collect(b, 3);
  a.write(buf);
  buf.fill(0);
  t.deepEqual(await got, Uint8Array.of(1, 2, 3));
  await a.close();
});

test('memory pair: bytes written before a close still reach the peer', async (t) => {
  const [a, b] = createMemoryPair();
  const got = collect(b, 4);
  a.write(Uint8Array.of(9, 8, 7, 6));
  const closing = a.close();
  t.deepEqual(await got, Uint8Array.of(9, 8, 7, 6));
  await closing;
  await new Promise<void>((resolve) => b.onClose(() => resolve()));
  t.true(b.closed);
});

test('memory pair: a bad high-water mark is refused', (t) => {
  t.throws(() => createMemoryPair({ highWaterMarkBytes: 0 }), { instanceOf: RangeError });
});
