// Detaching (gdb's `detach`): every software breakpoint's instruction goes back, the hardware
// breakpoint and watchpoint slots are cleared on the CPU, the hypervisor's own stop handler
// returns, and the demo guest runs to power-off with status 0 — over a real pty to the virtual M1.
import test from 'ava';
import { SessionErrorCode } from '../../core/session/index.ts';
import { demoSession, u32le } from './helpers.ts';

test.serial('pty: detach at a stop removes every breakpoint and watchpoint; the guest runs to power-off 0', async (t) => {
  t.timeout(600_000);
  const { session, hv } = await demoSession(t, { debugRegisters: 'stopped-cpu' });
  const sym = (n: string) => session.symbols.resolve(n);
  const before = new Map<bigint, number>();
  for (const name of ['count_up', 'visit_leaf', 'check_demo_flag']) before.set(sym(name), u32le(await hv.proxy.transport.memRead(sym(name), 4)));
  for (const a of before.keys()) await session.insertBreakpoint(a);
  const exited = session.start();
  const stop = await session.waitForStop();
  t.like(stop, { pc: sym('count_up'), cpu: 0 });
  await session.insertBreakpoint(sym('fib'), 'hardware');
  await session.insertWatchpoint({ address: sym('demo_counter'), length: 8, access: 'write' });
  t.is(session.breakpoints().breakpoints.length, 4);
  t.regex(session.breakpoints().breakpoints.find((b) => b.kind === 'hardware')?.where ?? '', /^fib \(.*debug-demo\.c:\d+\)$/);
  await session.detach();
  const exit = await exited;
  t.is(exit.status, 0n, 'no stop after the detach: breakpoints and watchpoint are gone');
  for (const [a, word] of before) t.is(u32le(await hv.proxy.transport.memRead(a, 4)), word, `the guest's instruction is back at ${a.toString(16)}`);
  t.deepEqual(hv.loop.debug.breakpoints.filter((b) => b !== null), []);
  t.deepEqual(hv.loop.debug.watchpoints.filter((w) => w !== null), []);
  await t.throwsAsync(session.interrupt(), { code: SessionErrorCode.NOT_RUNNING, message: /closed/ });
});
