// A session that halts the guest for requests made while it runs (`whileRunning: 'halt'`,
// spec §9.8), registers of the FP/SIMD file and EL1 system registers read at a stop, and `kill`
// ending the guest (P_EXIT(EXIT_GUEST), §9.3) — over a real pty to the virtual M1.
import test from 'ava';
import { SessionErrorCode } from '../../core/session/index.ts';
import { demoSession } from './helpers.ts';

test.serial('pty: a request while running halts the guest first; system and SIMD registers; kill ends the guest', async (t) => {
  t.timeout(600_000);
  const { session } = await demoSession(t, { whileRunning: 'halt' });
  await t.throwsAsync(session.interrupt(), { code: SessionErrorCode.NOT_RUNNING }, 'nothing to interrupt before start');
  const exited = session.start();
  const [pc, sctlr, vbar, currentEl] = await session.readRegisters(0, ['pc', 'sctlr_el1', 'vbar_el1', 'currentel']);
  t.is(session.state, 'stopped');
  t.is(session.lastStop?.reason, 'interrupt', 'halted by a user interrupt');
  t.is(session.lastStop?.pc, pc);
  t.is(currentEl, 4n, 'the guest runs at EL1');
  t.is(sctlr! & 1n, 0n, 'its MMU is off (README: never enabled)');
  t.true(vbar! >= session.symbols.resolve('_start') || vbar === 0n, `VBAR_EL1 ${vbar!.toString(16)}`);
  t.true(session.symbols.lookup(pc!).function !== undefined, 'stopped inside the guest image');
  // SIMD: write v7 and read it back through P_PUT/GET_SIMD_STATE (§7.4).
  const v7 = await session.readRegister(0, 'v7');
  const value = (0x0123456789abcdefn << 64n) | 0xfedcba9876543210n;
  await session.writeRegisters(0, { v7: value });
  t.is(await session.readRegister(0, 'v7'), value);
  await session.continue();
  await session.interrupt();
  t.is(await session.readRegister(0, 'v7'), value, 'the guest kept our v7 (the demo uses no FP outside float-demo)');
  await session.writeRegisters(0, { v7 });
  await session.kill();
  const exit = await exited;
  t.is(session.state, 'exited');
  t.regex(exit.why, /stopped on cpu0/);
  await t.throwsAsync(session.step(), { code: SessionErrorCode.EXITED });
});

test.serial('pty: kill from a secondary CPU\'s session ends the whole guest (EXIT_GUEST goes from the boot CPU, §9.3)', async (t) => {
  t.timeout(600_000);
  const { session } = await demoSession(t);
  // count_up runs after smp_demo: every secondary has started and is parked.
  await session.insertBreakpoint(session.symbols.resolve('count_up'));
  const exited = session.start();
  t.like(await session.waitForStop(), { cpu: 0, reason: 'breakpoint' });
  t.true(session.cpus().filter((c) => c.run.state === 'stopped').length > 1, 'secondaries are up (held)');
  await session.selectCpu(3);
  t.is(session.currentCpu, 3);
  await session.kill();
  let timer: NodeJS.Timeout | undefined;
  const exit = await Promise.race([exited, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('the guest did not end within 60 s of kill')), 60_000)))]);
  clearTimeout(timer);
  t.is(session.state, 'exited');
  t.regex(exit.why, /stopped on cpu0/, 'the boot CPU ended it');
});
