// Hardware breakpoints and watchpoints armed on every started CPU (spec §9.11 via §9.6 CPU
// switches) and the session moved between CPUs and back.
import test from 'ava';
import { demoSession } from './helpers.ts';


test.serial('pty: a hardware breakpoint armed on all 8 CPUs hits; the session visits CPU 5 and comes back', async (t) => {
  t.timeout(600_000);
  const { session } = await demoSession(t);
  const sym = (n: string) => session.symbols.resolve(n);
  await session.insertBreakpoint(sym('count_up'));
  const exited = session.start();
  let stop = await session.waitForStop();
  t.like(stop, { cpu: 0, pc: sym('count_up') });
  await session.selectCpu(5);
  t.is((await session.readRegister(5, 'mpidr_el1')) & 0xffffn, 0x101n);
  await session.selectCpu(0);
  t.is(await session.readRegister(0, 'pc'), sym('count_up'));
  await session.insertBreakpoint(sym('fib'), 'hardware');
  await session.removeBreakpoint(sym('count_up'));
  await session.continue();
  stop = await session.waitForStop();
  t.like(stop, { reason: 'hw-breakpoint', cpu: 0, pc: sym('fib') });
  await session.removeBreakpoint(sym('fib'));
  await session.continue();
  t.is((await exited).status, 0n);
});
