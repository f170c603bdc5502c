// Stops, hardware breakpoints, single step and MMIO tracing on the demo guest under the core/hv
// host, over a real pty to the virtual M1 (spec §9.8, §9.11, §10.5–§10.7). The first stop is made
// deterministic with a sync-mode MMIO hook on the guest's first GPIO write; everything on CPU 0
// (a CPU switch is not needed: fib and the GPIO demo run there).
import { readFileSync } from 'node:fs';
import test from 'ava';
import { ElfFile } from '../../core/formats/elf/index.ts';
import type { StopEvent } from '../../core/hv/index.ts';
import { consoleRecorder, DEMO_GUEST, hvRig } from './helpers.ts';

const elf = ElfFile.parse(new Uint8Array(readFileSync(DEMO_GUEST)));
const symbol = (name: string): bigint => {
  const s = elf.addressSymbols.find((x) => x.name === name);
  if (!s) throw new Error(`no symbol ${name}`);
  return s.value;
};
/** j274 GPIO (ADT /arm-io/gpio): pin n's config register at +4n; the demo toggles pins 11 and 12. */
const GPIO = 0x2_3c10_0000n;

test.serial('pty: an MMIO stop, a hardware breakpoint on fib, two steps, removal; a memory write the guest sees; traces', async (t) => {
  t.timeout(240_000);
  const hv = await (await hvRig(t)).hypervisor();
  const con = consoleRecorder(hv);
  const errors: string[] = [];
  hv.onError((e) => errors.push(e.message));
  const traced: Array<[bigint, bigint]> = [];
  hv.mmio.register(GPIO, 0x4000n, 'async', { onWrite: (e) => void traced.push([e.addr - GPIO, e.value]) });
  let armed = false;
  hv.mmio.register(GPIO + 11n * 4n, 4n, 'sync', {
    onWrite: () => {
      if (!armed) hv.interrupt(); // inside the HOOK_VM callback: the stop comes at its end
    },
  });
  const stops: StopEvent[] = [];
  const stepped: bigint[] = [];
  const fib = symbol('fib');
  let hits = 0;
  hv.loop.setStopHandler(async (stop, s) => {
    stops.push(stop);
    if (stop.reason === 'user-interrupt' && !armed) {
      armed = true;
      await hv.loop.debug.addBreakpoint(s, fib, undefined, [0]);
      // demo_flag is read later by the guest (MMU off: virtual = physical).
      await hv.proxy.write32(symbol('demo_flag'), 7n);
      return 'continue';
    }
    if (stop.reason === 'breakpoint') {
      hits++;
      if (hits === 1) {
        stepped.push(s.ctx.elr);
        await s.step();
        stepped.push(s.ctx.elr);
        await s.step();
        stepped.push(s.ctx.elr);
      }
      if (hits === 2) await hv.loop.debug.removeBreakpoint(s, fib, [0]);
      return 'continue';
    }
    return 'exit-guest';
  });
  await hv.loadGuest(DEMO_GUEST);
  const exit = await hv.start();
  t.deepEqual(errors, []);
  t.is(stops[0]?.reason, 'user-interrupt');
  t.is(stops[0]?.cpu, 0);
  const bps = stops.filter((s) => s.reason === 'breakpoint');
  t.is(bps.length, 2, 'fib is recursive: hit once, stepped, hit again, then the breakpoint is gone');
  t.true(bps.every((s) => s.pc === fib && s.cpu === 0));
  t.deepEqual(stepped, [fib, fib + 4n, fib + 8n], 'each step executes exactly one instruction');
  t.regex(con.vuart(), /demo_flag = 7: a debugger changed my path/);
  t.regex(con.vuart(), /fib\(12\) = 144/, 'the guest computes right after the breakpoint dance');
  t.true(exit.status !== undefined, 'the guest still powered off');
  t.true(traced.some(([off]) => off === 11n * 4n) && traced.some(([off]) => off === 12n * 4n), 'writes to pins 11 and 12 were traced');
  const bk = hv.stats.traps.get('sync/bkpt-lower');
  t.is(bk?.count, 2);
});

test.serial('pty: IRQ tracing (§10.8): the software IRQ 848 and the GPIO IRQ 190 the demo takes are reported', async (t) => {
  t.timeout(240_000);
  const hv = await (await hvRig(t)).hypervisor();
  const irqs: number[] = [];
  hv.onIrqTrace((e) => {
    if (e.type === 1 && (e.flags & 1) === 1) irqs.push(e.irq);
  });
  await hv.loadGuest(DEMO_GUEST);
  await hv.traceIrq(848);
  await hv.traceIrq(190);
  const exit = await hv.start();
  t.is(exit.status, 0n, 'the guest is undisturbed');
  t.true(irqs.includes(848), `traced: ${irqs.join(', ')}`);
  t.true(irqs.includes(190));
  t.true(irqs.every((n) => n === 848 || n === 190), 'only the traced ones');
});
