// The exception guard and counter as m1n1 defines them (spec §5, App. A).
import test from 'ava';
import { ExceptionGuard, GUARD_MARK, GUARD_OFF, GUARD_RETURN, GUARD_SILENT, GUARD_SKIP, guardMarker } from '../../sim/firmware/index.ts';
import type { FaultInfo } from '../../sim/firmware/index.ts';
import { AddressSpace, SparseRam } from '../../sim/memory/index.ts';

function setup() {
  const text: string[] = [];
  const fatal: FaultInfo[] = [];
  const guard = new ExceptionGuard({
    diagnostic: (s) => void text.push(s),
    unrecoverable: (f) => {
      fatal.push(f);
      throw new Error('reboot');
    },
  });
  const ram = new SparseRam({ base: 0x8_0000_0000n, sizeBytes: 0x4000n });
  const mem = new AddressSpace().addRam(ram);
  return { guard, text, fatal, mem };
}

test('guard values and the marker are those of m1n1', (t) => {
  t.deepEqual([GUARD_OFF, GUARD_SKIP, GUARD_MARK, GUARD_RETURN, GUARD_SILENT], [0, 1, 2, 3, 0x100]);
  t.is(guardMarker(8), 0xacce5515abad1dean);
  t.is(guardMarker(4), 0xabad1dean);
  t.is(guardMarker(2), 0x1dean);
  t.is(guardMarker(1), 0xean);
});

test('MARK: a faulting load yields the marker of its width; the counter counts', (t) => {
  const { guard, mem, text } = setup();
  guard.mode = GUARD_MARK;
  t.is(guard.load(mem, 0n, 4, 'test'), 0xabad1dean);
  t.is(guard.load(mem, 0n, 8, 'test'), 0xacce5515abad1dean);
  t.is(guard.count, 2);
  t.regex(text.join(''), /Exception: SYNC[\s\S]*Recovering/);
  t.is(guard.mode, GUARD_MARK, 'MARK stays in force');
});

test('SKIP: a faulting store is skipped and reported as not done', (t) => {
  const { guard, mem } = setup();
  guard.mode = GUARD_SKIP | GUARD_SILENT;
  t.false(guard.store(mem, 0n, 4, 1n, 'test'));
  t.true(guard.store(mem, 0x8_0000_0000n, 4, 1n, 'test'));
  t.is(guard.count, 1);
});

test('SILENT suppresses the diagnostics', (t) => {
  const { guard, mem, text } = setup();
  guard.mode = GUARD_MARK | GUARD_SILENT;
  guard.load(mem, 0n, 1, 'test');
  t.deepEqual(text, []);
});

test('RETURN: the enclosing function returns the marker and the guard turns OFF', (t) => {
  const { guard, mem } = setup();
  guard.mode = GUARD_RETURN;
  let after = false;
  const r = guard.returnable(() => {
    guard.load(mem, 0n, 4, 'test');
    after = true;
    return 5;
  });
  t.deepEqual(r, { returned: true, value: 0xacce5515abad1dean });
  t.false(after, 'nothing after the fault ran');
  t.is(guard.mode, GUARD_OFF);
  t.is(guard.count, 1);
  t.deepEqual(
    guard.returnable(() => 7),
    { returned: false, value: 7 },
  );
});

test('OFF: a fault is unrecoverable (the machine reboots) and is not counted', (t) => {
  const { guard, mem, fatal, text } = setup();
  t.throws(() => guard.load(mem, 0x1234n, 4, 'P_TEST'), { message: 'reboot' });
  t.deepEqual(fatal, [{ address: 0x1234n, widthBytes: 4, write: false, during: 'P_TEST' }]);
  t.is(guard.count, 0);
  t.regex(text.join(''), /Unhandled exception, rebooting/);
});

test('reset() restores power-on state', (t) => {
  const { guard } = setup();
  guard.mode = GUARD_MARK;
  guard.count = 9;
  guard.reset();
  t.is(guard.mode, GUARD_OFF);
  t.is(guard.count, 0);
});
