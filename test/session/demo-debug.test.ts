// The debug model (core/session) on the demo guest under the core/hv host, over a real pty to the
// virtual M1 with 8 CPUs (spec §9.4, §9.6, §9.8, §9.11, §10.3): a breakpoint on a secondary CPU
// stepped and continued; a write watchpoint; a breakpoint by function name with a backtrace and
// instruction steps checked against the disassembly; a hardware breakpoint; slot limits; memory
// and register writes the guest acts on; software breakpoints invisible to memory reads; an
// interrupt of the running guest; and the power-off with status 0 after all of it.
// Hardware debug registers are armed on the stopped CPU only here (`debugRegisters:
// 'stopped-cpu'`): the virtual M1 cannot yet switch back to a CPU waiting for its own switch
// (§9.6), which arming every CPU needs; debug-all-cpus.test.ts runs that when it can.
import test from 'ava';
import { disassembleWord } from '../../core/arch/a64/disassembler.ts';
import { SessionErrorCode, type StopInfo } from '../../core/session/index.ts';
import { consoleShows, demoSession, le32, u32le, u64le } from './helpers.ts';

/** The PC after executing `word` at `pc` when it is not a taken branch, or a BL's target. */
function nextPc(word: number, pc: bigint): bigint {
  if ((word & 0xfc000000) >>> 0 === 0x94000000) return pc + BigInt.asIntN(28, BigInt((word & 0x3ffffff) * 4));
  return pc + 4n;
}

test.serial('pty, 8 CPUs: secondary stop/step/continue, watchpoint, break by name + bt + steps, hw breakpoint, slots, memory/register writes, interrupt, power-off 0', async (t) => {
  t.timeout(900_000);
  const rig = await demoSession(t, { debugRegisters: 'stopped-cpu' });
  const { session, hv } = rig;
  const sym = (name: string) => session.symbols.resolve(name);
  const asm = (word: number) => disassembleWord(word, { pc: 0n });

  // Before start: software breakpoints go in through the image's map; reads do not see them.
  const visitLeaf = sym('visit_leaf');
  const elfWord = 0xa9be7bfd; // visit_leaf's first instruction, `stp x29, x30, [sp, #-32]!` (objdump)
  for (const name of ['secondary_main', 'count_up', 'visit_leaf', 'check_demo_flag']) await session.insertBreakpoint(sym(name));
  t.is(u32le(await session.readMemory(undefined, visitLeaf, 4)), elfWord, 'the BRK is invisible to reads');
  t.not(u32le(await hv.proxy.transport.memRead(visitLeaf, 4)), elfWord, 'but it is in the guest memory');

  const GPIO = 0x2_3c10_0000n; // ADT /arm-io/gpio; the demo toggles pins 11 and 12 (config at +4n)
  session.traceMmio(GPIO, 0x4000n);
  const exited = session.start();
  await t.throwsAsync(session.readRegisters(0, ['pc']), { code: SessionErrorCode.RUNNING }, 'a running guest: a clear error, no hang');

  // 1. secondary_main on CPU 1: stop, three steps, continue.
  let stop: StopInfo = await session.waitForStop();
  t.like(stop, { reason: 'breakpoint', cpu: 1, pc: sym('secondary_main') });
  t.like(session.cpuState(1), { state: 'stopped', reason: 'breakpoint' });
  t.like(session.cpuState(0), { state: 'stopped', reason: 'held' });
  t.is(session.cpuState(7).state, 'offline', 'CPU 7 has not been started yet');
  for (let i = 0; i < 3; i++) {
    const pc = await session.readRegister(1, 'pc');
    const word = u32le(await session.readMemory(1, pc, 4));
    t.false(/^b/.test(asm(word)), `${asm(word)} is not a branch`);
    stop = await session.step(1);
    t.like(stop, { reason: 'step', cpu: 1, pc: nextPc(word, pc) });
  }
  t.is(await session.readRegister(1, 'x29'), await session.readRegister(1, 'sp'), 'after `mov x29, sp`');
  t.is((await session.readRegister(1, 'mpidr_el1')) & 0xffffn, 1n, 'CPU 1: Aff0 = 1');
  await session.removeBreakpoint(sym('secondary_main'));
  await session.continue();
  t.is(session.state, 'running');

  // 2. count_up on CPU 0: a write watchpoint on demo_counter stops on the write, twice.
  stop = await session.waitForStop();
  t.like(stop, { reason: 'breakpoint', cpu: 0, pc: sym('count_up') });
  const traced = rig.seen.flatMap((e) => (e.kind === 'trace' && e.trace === 'mmio' ? [e] : []));
  t.true(traced.some((e) => e.write && e.address === GPIO + 11n * 4n && e.cpu === 0), 'the GPIO demo\'s writes to pin 11 came as trace events');
  const counter = sym('demo_counter');
  await session.insertWatchpoint({ address: counter, length: 8, access: 'write' });
  const stats = sym('demo_stats');
  for (let i = 0; i < 3; i++) await session.insertWatchpoint({ address: stats + BigInt(8 * i), length: 4, access: 'read' });
  await t.throwsAsync(session.insertWatchpoint({ address: stats + 24n, length: 8, access: 'write' }), { code: SessionErrorCode.NO_SLOT, message: /all 4 hardware watchpoint/ });
  for (let i = 0; i < 3; i++) await session.removeWatchpoint({ address: stats + BigInt(8 * i) });
  await session.removeBreakpoint(sym('count_up'));
  const countUpEnd = sym('count_up') + session.symbols.symbol('count_up').size;
  for (const want of [0n, 1n]) {
    await session.continue();
    stop = await session.waitForStop();
    t.like(stop, { reason: 'watchpoint', cpu: 0, dataAddress: counter, watchAccess: 'write' });
    t.true(stop.pc >= sym('count_up') && stop.pc < countUpEnd, 'stopped in count_up');
    t.is(u64le(await session.readMemory(0, counter, 8)), want, 'stopped before the store');
  }
  await session.removeWatchpoint({ address: counter });
  await session.continue();

  // 3. visit_leaf by name: backtrace with source lines; steps as the disassembly says.
  stop = await session.waitForStop();
  t.like(stop, { reason: 'breakpoint', cpu: 0, pc: visitLeaf });
  const frames = await session.backtrace(0);
  t.log(frames.map((f) => `#${f.index} ${f.symbol} ${f.location?.file ?? '?'}:${f.location?.line ?? '?'}`).join('\n'));
  t.deepEqual(
    frames.slice(0, 7).map((f) => f.function),
    ['visit_leaf', 'tree_walk', 'tree_walk', 'tree_walk', 'tree_walk', 'run_debug_demo', 'main'],
  );
  t.true(frames.slice(0, 6).every((f) => f.location?.file.endsWith('debug-demo.c') && f.location.line > 0), 'file:line for every frame');
  t.is(u64le(await session.readMemory(0, counter, 8)), 100n, 'count_up ran to the end after the watchpoint');
  t.is(u32le(await session.readPhysical(visitLeaf, 4)), elfWord, 'physical reads hide the BRK too');
  await session.writeMemory(0, visitLeaf, le32(elfWord));
  t.not(u32le(await hv.proxy.transport.memRead(visitLeaf, 4)), elfWord, 'a write over the breakpoint keeps the BRK');
  for (let i = 0; i < 10; i++) {
    const pc = await session.readRegister(0, 'pc');
    const word = u32le(await session.readMemory(0, pc, 4));
    stop = await session.step();
    t.is(stop.pc, nextPc(word, pc), `${asm(word)} at ${pc.toString(16)}`);
  }
  t.is(session.symbols.lookup(stop.pc).function, 'kprintf', 'the tenth step took the bl into kprintf');
  t.is(await session.readRegister(0, 'x30'), visitLeaf + 0x28n, 'with the return address in x30');
  await session.removeBreakpoint(visitLeaf);

  // 4. A hardware breakpoint on fib; 5 slots and no more.
  const fib = sym('fib');
  await session.insertBreakpoint(fib, 'hardware');
  const spare = [sym('main'), sym('guest_exit'), sym('secondary_park'), sym('tree_walk')];
  for (const a of spare) await session.insertBreakpoint(a, 'hardware');
  await t.throwsAsync(session.insertBreakpoint(sym('count_up'), 'hardware'), { code: SessionErrorCode.NO_SLOT, message: /all 5 hardware breakpoint/ });
  for (const a of spare) await session.removeBreakpoint(a, 'hardware');
  await session.continue();
  stop = await session.waitForStop();
  t.like(stop, { reason: 'hw-breakpoint', cpu: 0, pc: fib });
  t.is(await session.readRegister(0, 'x0'), 12n, 'fib(12)');
  await session.removeBreakpoint(fib);
  await session.continue();

  // 5. demo_flag written at check_demo_flag; the detour's argument changed in x0.
  stop = await session.waitForStop();
  t.like(stop, { reason: 'breakpoint', cpu: 0, pc: sym('check_demo_flag') });
  await session.writeMemory(0, sym('demo_flag'), le32(5));
  await session.writeMemory(0, sym('demo_message'), new TextEncoder().encode('patched by hvdbg\0'));
  await session.insertBreakpoint(sym('take_detour'));
  await session.continue();
  stop = await session.waitForStop();
  t.like(stop, { reason: 'breakpoint', cpu: 0, pc: sym('take_detour') });
  t.is(await session.readRegister(0, 'x0'), 5n, 'the guest read the 5 we wrote');
  await session.writeRegisters(0, { x0: 42n });
  t.is(await session.readRegister(0, 'x0'), 42n);
  await session.removeBreakpoint(sym('take_detour'));
  await session.removeBreakpoint(sym('check_demo_flag'));
  await session.continue();
  t.true(await consoleShows(rig, /demo_flag = 42: a debugger changed my path/), 'the guest took the detour with our register value');
  t.true(await consoleShows(rig, /demo_message = "patched by hvdbg"/), 'and printed our message');

  // 6. Interrupt the running guest, then CPU 3 in particular.
  stop = await session.interrupt();
  t.is(stop.reason, 'interrupt');
  t.is(session.state, 'stopped');
  await session.continue();
  stop = await session.interrupt(3);
  t.is(session.currentCpu, 3, 'the session moved to CPU 3 (§9.6)');
  t.is((await session.readRegister(3, 'mpidr_el1')) & 0xffffn, 3n);
  const parked = session.symbols.lookup(await session.readRegister(3, 'pc')).function;
  t.not(parked, undefined, 'CPU 3 is somewhere in the guest (parked in WFI or in a handler)');
  t.log(`cpu3 at ${parked}`);
  await session.continue();

  // 7. The guest runs to power-off with status 0.
  const exit = await exited;
  t.is(exit.status, 0n);
  t.is(session.state, 'exited');
  t.like(rig.seen.at(-1), { kind: 'exited', status: 0n });
  const seqs = rig.seen.map((e) => e.seq);
  t.deepEqual(seqs, seqs.map((_, i) => seqs[0]! + i), 'sequence numbers without gaps');
  t.is(session.events.dropped.total, 0);
  t.regex(rig.console(), /demo: summary: .* 1 detour\(s\), 0 failure\(s\)/);
  await t.throwsAsync(session.readRegisters(0, ['pc']), { code: SessionErrorCode.EXITED });
});
