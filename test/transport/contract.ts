// The ByteTransport contract, as ava tests any implementation can register for itself:
// order both ways, 16 MiB each way at once under backpressure, close from either side,
// write after close, pause/resume. `a` and `b` are the two connected ends.
import test from 'ava';
import { TransportError, type TransportErrorCode } from '../../core/transport/errors.ts';
import type { ByteTransport } from '../../core/transport/transport.ts';
import { firstDifference, pattern } from '../helpers/bytes.ts';
import { collect, delay, drained, fnv1a, receiveHashed, sendAll, settle, watchClose } from './helpers.ts';

export interface Pair {
  a: ByteTransport;
  b: ByteTransport;
  cleanup?: () => Promise<void>;
}

export interface ContractOptions {
  /** Closing `b` also closes `a` (not for a pty: its master outlives the host's close). Default true. */
  closeBClosesA?: boolean;
  /** The error code `b` reports when `a` closes it, if any (a vanished serial device). */
  bErrorWhenAClosesIt?: TransportErrorCode;
}

const BIG = 16 * 1024 * 1024;
const bigA = pattern(BIG, 0x1234567);
const bigB = pattern(BIG, 0x7654321);
/** More than any transport here buffers while its reader is paused (loopback TCP takes a few MiB). */
const PAUSE_LIMIT = 32 * 1024 * 1024;
let pauseData: Uint8Array | undefined;

export function transportContract(name: string, makePair: () => Promise<Pair>, options: ContractOptions = {}): void {
  const withPair = async (run: (p: Pair) => Promise<void>) => {
    const pair = await makePair();
    try {
      await run(pair);
    } finally {
      await Promise.all([pair.a.close(), pair.b.close()]);
      await pair.cleanup?.();
    }
  };

  test(`${name}: bytes arrive in order both ways`, (t) =>
    withPair(async ({ a, b }) => {
      const sizes = [1, 2, 3, 64, 1000, 4096, 7];
      const total = sizes.reduce((n, s) => n + s, 0);
      const fromA = pattern(total, 11);
      const fromB = pattern(total, 22);
      const gotB = collect(b, total);
      const gotA = collect(a, total);
      let offset = 0;
      for (const size of sizes) {
        a.write(fromA.subarray(offset, offset + size));
        b.write(fromB.subarray(offset, offset + size));
        offset += size;
      }
      t.deepEqual(await gotB, fromA);
      t.deepEqual(await gotA, fromB);
    }));

  test(`${name}: 16 MiB each way at once, writers honour backpressure, content intact`, (t) =>
    withPair(async ({ a, b }) => {
      const atB = receiveHashed(b, BIG);
      const atA = receiveHashed(a, BIG);
      const [sentA, sentB, gotB, gotA] = await Promise.all([sendAll(a, bigA), sendAll(b, bigB), atB, atA]);
      t.deepEqual(gotB, { count: BIG, hash: fnv1a(bigA) });
      t.deepEqual(gotA, { count: BIG, hash: fnv1a(bigB) });
      t.true(sentA.refusals > 0, 'a.write() returned false at least once');
      t.true(sentB.refusals > 0, 'b.write() returned false at least once');
    }));

  test(`${name}: closing a fires onClose exactly once on both ends`, (t) =>
    withPair(async ({ a, b }) => {
      const ca = watchClose(a);
      const cb = watchClose(b);
      await a.close();
      t.is(await ca.closed, undefined);
      const errB = await cb.closed;
      if (options.bErrorWhenAClosesIt) t.is((errB as TransportError | undefined)?.code, options.bErrorWhenAClosesIt);
      else t.is(errB, undefined);
      await a.close(); // idempotent
      await b.close();
      await settle();
      t.is(ca.count(), 1);
      t.is(cb.count(), 1);
      t.true(a.closed);
      t.true(b.closed);
    }));

  if (options.closeBClosesA ?? true) {
    test(`${name}: closing b fires onClose exactly once on both ends`, (t) =>
      withPair(async ({ a, b }) => {
        const ca = watchClose(a);
        const cb = watchClose(b);
        await b.close();
        t.is(await cb.closed, undefined);
        t.is(await ca.closed, undefined);
        await Promise.all([a.close(), b.close()]);
        await settle();
        t.is(ca.count(), 1);
        t.is(cb.count(), 1);
      }));
  }

  test(`${name}: write after close throws TRANSPORT_CLOSED, no crash`, (t) =>
    withPair(async ({ a, b }) => {
      const cb = watchClose(b);
      await a.close();
      await cb.closed;
      for (const end of [a, b]) {
        const err = t.throws(() => end.write(Uint8Array.of(1, 2, 3)), { instanceOf: TransportError });
        t.is(err?.code, 'TRANSPORT_CLOSED');
        t.true(err?.message.includes(end.description));
        t.truthy(err?.hint);
      }
    }));

  for (const [reader, writer] of [
    ['b', 'a'],
    ['a', 'b'],
  ] as const) {
    test(`${name}: pause on ${reader} holds data back and blocks ${writer}; resume delivers it all in order`, (t) =>
      withPair(async (pair) => {
        const r = pair[reader];
        const w = pair[writer];
        r.pause();
        let received = 0;
        const counting = r.onData((chunk) => (received += chunk.length));
        // The writer honours backpressure; a paused reader may buffer a bounded amount, then
        // the writer must stay blocked instead of pushing it all.
        const limit = PAUSE_LIMIT;
        const data = (pauseData ??= pattern(limit, 99));
        let sent = 0;
        let stop = false;
        const writing = (async () => {
          const chunk = 64 * 1024;
          while (!stop && sent < limit) {
            const accepted = w.write(data.subarray(sent, sent + chunk));
            sent += chunk;
            if (!accepted) await drained(w);
          }
        })();
        await delay(200);
        t.is(received, 0, 'nothing delivered while paused');
        t.true(sent < limit, `the writer is blocked (${sent} bytes accepted)`);
        stop = true;
        counting.dispose();
        const all = collect(r, sent);
        r.resume();
        await writing;
        t.is(firstDifference(await all, data.subarray(0, sent)), -1, 'first differing byte');
      }));
  }
}
