// CPU switching (spec §9.6) from a stopped CPU: P_HV_SWITCH_CPU, P_EXIT(2), the other CPU's
// session — to every secondary and back, the switching CPU held until the target's session is over.
import test from 'ava';
import type { ResumeAction, StopEvent } from '../../core/hv/index.ts';
import { DEMO_GUEST, hvRig } from './helpers.ts';

const GPIO_PIN11 = 0x2_3c10_0000n + 11n * 4n;
test.serial('pty: from a stop on CPU 0, switch to every secondary and back; a breakpoint armed on all CPUs', async (t) => {
  t.timeout(240_000);
  const hv = await (await hvRig(t)).hypervisor();
  const errors: string[] = [];
  hv.onError((e) => errors.push(e.message));
  let stopped = false;
  hv.mmio.register(GPIO_PIN11, 4n, 'sync', { onWrite: () => void (stopped || hv.interrupt()) });
  const visited: number[] = [];
  const stops: StopEvent[] = [];
  hv.loop.setStopHandler(async (stop, s): Promise<ResumeAction> => {
    stops.push(stop);
    if (stop.reason !== 'user-interrupt' || stopped) return 'continue';
    stopped = true;
    for (const cpu of [...s.host.cpus.keys()].sort((a, b) => a - b)) {
      await s.switchTo(cpu);
      visited.push(s.ctx.cpuId);
    }
    await s.switchTo(0);
    visited.push(s.ctx.cpuId);
    const slot = await hv.loop.debug.addBreakpoint(s, 0x8_1000_0000n); // _start: nobody runs it again
    await hv.loop.debug.removeBreakpoint(s, 0x8_1000_0000n);
    t.is(slot, 0);
    return 'continue';
  });
  await hv.loadGuest(DEMO_GUEST);
  const exit = await hv.start();
  t.deepEqual(errors, []);
  t.deepEqual(visited, [0, 1, 2, 3, 4, 5, 6, 7, 0]);
  t.is(exit.status, 0n);
});
