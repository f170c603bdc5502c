// The debug model's event stream: sequence numbers without gaps, a bounded ring that counts what
// it drops (by kind), readers that fall behind told how much they missed, listeners isolated
// from each other, and bounded waits.
import test from 'ava';
import { EventLog, type SessionEvent } from '../../core/session/index.ts';

const log = (i: number): SessionEvent => ({ kind: 'log', level: 'info', message: `line ${i}` });
const text = (s: string): SessionEvent => ({ kind: 'console', text: s, source: 'vuart' });

test('numbers events from 1 and reads them back in order', (t) => {
  const events = new EventLog({ capacity: 8 });
  for (let i = 1; i <= 5; i++) events.push(log(i));
  const r = events.read(0);
  t.deepEqual(r.events.map((e) => e.seq), [1, 2, 3, 4, 5]);
  t.is(r.missed, 0);
  t.is(r.next, 5);
  t.deepEqual(events.read(3).events.map((e) => e.seq), [4, 5]);
  t.deepEqual(events.read(5).events, []);
  t.is(events.read(5).next, 5);
  t.deepEqual(events.read(0, 2).events.map((e) => e.seq), [1, 2], 'at most max');
  t.is(events.read(0, 2).next, 2);
});

test('a full ring drops the oldest and counts them by kind; a late reader learns how many it missed', (t) => {
  const events = new EventLog({ capacity: 4 });
  events.push(text('a'));
  events.push(text('b'));
  for (let i = 0; i < 8; i++) events.push(log(i));
  t.is(events.lastSeq, 10);
  t.is(events.firstSeq, 7);
  t.is(events.dropped.total, 6);
  t.deepEqual([...events.dropped.byKind].sort(), [['console', 2], ['log', 4]]);
  const r = events.read(0);
  t.is(r.missed, 6);
  t.deepEqual(r.events.map((e) => e.seq), [7, 8, 9, 10]);
  t.is(events.read(8).missed, 0, 'a reader that kept up missed nothing');
  t.is(events.read(5).missed, 1);
});

test('a listener that throws costs the others nothing, and is counted', (t) => {
  const events = new EventLog();
  const got: number[] = [];
  events.onEvent(() => {
    throw new Error('bad listener');
  });
  const sub = events.onEvent((e) => got.push(e.seq));
  events.push(log(1));
  sub.dispose();
  events.push(log(2));
  t.deepEqual(got, [1]);
  t.is(events.listenerErrors, 2);
  t.is(events.read(0).events.length, 2, 'both events were stored');
});

test('stored events are frozen copies with a time', (t) => {
  const events = new EventLog();
  const src = { kind: 'log', level: 'info', message: 'x' } as SessionEvent;
  const e = events.push(src);
  t.true(Object.isFrozen(e));
  t.true(typeof e.time === 'number' && e.time > 0);
  t.not(e as unknown, src as unknown);
});

test('wait resolves on the next event, at once when one is there, false after its timeout', async (t) => {
  const events = new EventLog();
  t.false(await events.wait(0, 10));
  const w = events.wait(0, 10_000);
  events.push(log(1));
  t.true(await w);
  t.true(await events.wait(0), 'already there');
});

test('bad arguments are RangeErrors, not corrupt state', (t) => {
  t.throws(() => new EventLog({ capacity: 0 }), { instanceOf: RangeError });
  t.throws(() => new EventLog({ capacity: 1.5 }), { instanceOf: RangeError });
  const events = new EventLog();
  t.throws(() => events.read(-1), { instanceOf: RangeError });
  t.throws(() => events.read(0.5), { instanceOf: RangeError });
});
