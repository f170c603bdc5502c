// Watchpoints wider than one doubleword (spec §9.11, Arm ARM DBGWCR_EL1 BAS and MASK): an
// aligned power-of-two region takes one slot, a range across a doubleword boundary two; a hit
// reports the data address the CPU gives (FAR) and which watch it belongs to.
import test from 'ava';
import { SessionErrorCode, watchPieces, watchpointFor } from '../../core/session/index.ts';
import { demoSession, u32le, u64le } from './helpers.ts';

/** examples/guest include/demo.h struct demo_stats: u32 fields; fib_result is the 8th, tree_sum the 9th. */
const FIB_RESULT = 28n;
const TREE_SUM = 32n;

test('session: ranges become slots; bad ranges are refused; a hit finds its watch by FAR', (t) => {
  t.is(watchPieces({ address: 0x1000n, length: 16, access: 'write' }).length, 1);
  t.is(watchPieces({ address: 0x100cn, length: 8, access: 'write' }).length, 2);
  for (const length of [0, -1, 2.5, Number.NaN]) t.throws(() => watchPieces({ address: 0x1000n, length, access: 'read' }), { code: SessionErrorCode.BAD_ARGUMENT });
  const watches = [
    { address: 0x1004n, length: 4, access: 'write' as const },
    { address: 0x2000n, length: 64, access: 'read' as const },
  ];
  t.is(watchpointFor(watches, 0x1006n), watches[0]);
  t.is(watchpointFor(watches, 0x1000n), watches[0], 'an 8-byte access at the doubleword reports its own start');
  t.is(watchpointFor(watches, 0x203fn), watches[1]);
  t.is(watchpointFor(watches, 0x2040n), undefined);
});

test.serial('pty: a 16-byte region watch (MASK) and an 8-byte watch across a doubleword (two BAS slots) stop on the demo guest\'s stores', async (t) => {
  t.timeout(600_000);
  const { session, hv } = await demoSession(t);
  const sym = (n: string) => session.symbols.resolve(n);
  await session.insertBreakpoint(sym('count_up'));
  const exited = session.start();
  let stop = await session.waitForStop();
  t.like(stop, { cpu: 0, pc: sym('count_up') });

  // demo_counter's 16-byte aligned block (demo_counter, demo_flag, hvcall_puts_enabled).
  const counter = sym('demo_counter');
  const block = counter & ~15n;
  t.is(block, counter, 'precondition: demo_counter starts a 16-byte block');
  const region = await session.insertWatchpoint({ address: block, length: 16, access: 'write' });
  t.deepEqual(region.slots, [region.slot]);
  const regionSlot = hv.loop.debug.watchpoints[region.slot]!;
  t.is((regionSlot.control >> 24n) & 0x1fn, 4n, 'DBGWCR.MASK = log2(16)');
  t.is(regionSlot.addr, block);

  // fib_result and tree_sum: 8 bytes from 4 bytes before a doubleword boundary.
  const stats = sym('demo_stats');
  const pair = stats + FIB_RESULT;
  t.is(pair & 7n, 4n, 'precondition: fib_result is the upper half of a doubleword');
  const cross = await session.insertWatchpoint({ address: pair, length: 8, access: 'write' });
  t.is(cross.slots.length, 2);
  t.deepEqual(
    cross.slots.map((n) => hv.loop.debug.watchpoints[n]).map((w) => [w!.addr, Number((w!.control >> 5n) & 0xffn)]),
    [[pair & ~7n, 0xf0], [(pair & ~7n) + 8n, 0x0f]],
    'BAS 0xF0 of the first doubleword, 0x0F of the next',
  );
  await t.throwsAsync(session.insertWatchpoint({ address: sym('demo_message') + 6n, length: 4, access: 'read' }), {
    code: SessionErrorCode.NO_SLOT,
    message: /takes 2 hardware watchpoint slots; 1 of 4 are free/,
  });

  await session.removeBreakpoint(sym('count_up'));
  await session.continue();
  stop = await session.waitForStop();
  t.like(stop, { reason: 'watchpoint', cpu: 0, dataAddress: counter, watchAccess: 'write' });
  t.regex(session.symbols.describe(stop.pc), /^count_up\+/);
  t.is(u64le(await session.readMemory(0, counter, 8)), 0n, 'stopped before the first store');
  await session.removeWatchpoint({ address: block });

  // run_debug_demo stores tree_sum (the second doubleword), then fib_result (the first).
  await session.continue();
  stop = await session.waitForStop();
  t.like(stop, { reason: 'watchpoint', cpu: 0, dataAddress: stats + TREE_SUM, watchAccess: 'write' });
  t.regex(session.symbols.describe(stop.pc), /^run_debug_demo\+/);
  await session.continue();
  stop = await session.waitForStop();
  t.like(stop, { reason: 'watchpoint', cpu: 0, dataAddress: stats + FIB_RESULT, watchAccess: 'write' });
  t.is(u32le(await session.readMemory(0, stats + TREE_SUM, 4)), 175, 'tree_sum was stored (1+2+3+4+5+10+20+30+100)');
  await session.removeWatchpoint({ address: pair });
  t.deepEqual(hv.loop.debug.watchpoints, [null, null, null, null], 'every slot free again');
  await session.continue();
  t.is((await exited).status, 0n);
});
