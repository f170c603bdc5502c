// Hardware breakpoints and watchpoints set while only the boot CPU runs reach the secondaries the
// guest starts afterwards (spec §9.6 secondary start, §9.11): each new CPU takes a step trap
// before its first instruction, and that trap writes the debugger's slots on it.
import test from 'ava';
import { demoSession } from './helpers.ts';

/** examples/guest include/platform.h: struct percpu { u64 mpidr; u32 started; ... } is 32 bytes. */
const PERCPU_SIZE = 32n;
const PERCPU_STARTED = 8n;

test.serial('pty: a hardware breakpoint and a watchpoint set before the secondaries start stop them', async (t) => {
  t.timeout(600_000);
  const { session, hv } = await demoSession(t);
  const sym = (n: string) => session.symbols.resolve(n);
  // The boot CPU, just before it starts the others (examples/guest src/smp.c).
  await session.insertBreakpoint(sym('smp_demo'));
  const exited = session.start();
  let stop = await session.waitForStop();
  t.like(stop, { cpu: 0, pc: sym('smp_demo') });
  t.deepEqual([...hv.host.cpus.keys()], [0], 'no secondary has started yet');

  await session.insertBreakpoint(sym('secondary_main'), 'hardware');
  await session.removeBreakpoint(sym('smp_demo'));
  await session.continue();
  stop = await session.waitForStop();
  t.like(stop, { reason: 'hw-breakpoint', pc: sym('secondary_main') });
  const first = stop.cpu;
  t.not(first, 0, 'a secondary stopped, not the boot CPU');
  t.is(await session.readRegister(first, 'x0'), BigInt(first), 'secondary_main(cpu) on the CPU it names');

  // The next CPU to start (the demo starts them in index order, one at a time) gets a watchpoint
  // on its own `started` flag, set while it has not started.
  const next = first + 1;
  t.false(hv.host.cpus.has(next));
  const started = sym('percpu') + BigInt(next) * PERCPU_SIZE + PERCPU_STARTED;
  await session.insertWatchpoint({ address: started, length: 4, access: 'write' });
  await session.removeBreakpoint(sym('secondary_main'));
  await session.continue();
  stop = await session.waitForStop();
  t.like(stop, { reason: 'watchpoint', cpu: next, dataAddress: started, watchAccess: 'write' });
  const fn = session.symbols.describe(stop.pc);
  t.regex(fn, /^secondary_main\+/, `the store in secondary_main (stopped at ${fn})`);

  await session.removeWatchpoint({ address: started });
  await session.continue();
  t.is((await exited).status, 0n);
});
