// What a stop costs in m1n1 round trips, as gdb uses it: after each stop it reads the same few
// words at the PC and the frame several times, and removes then re-inserts every breakpoint
// around each resume. Reads of guest RAM are served from a per-stop cache (one round trip per
// chunk) that a step of an instruction writing no memory keeps, and software breakpoints reach
// memory in the burst that resumes the guest — so the churn costs nothing — while the guest
// still stops where it should and the debugger reads what the guest wrote.
// Over a real pty to the virtual M1, with the demo guest.
import { readFileSync } from 'node:fs';
import test from 'ava';
import { disassemble } from '../../core/arch/a64/disassembler.ts';
import { ElfFile } from '../../core/formats/elf/index.ts';
import { SW_BREAK_WORD } from '../../core/session/index.ts';
import { DEMO_GUEST, demoSession, le32, u32le, u64le } from './helpers.ts';

const elf = ElfFile.parse(new Uint8Array(readFileSync(DEMO_GUEST)));

test('pty: reads during a stop come from one chunk read; breakpoint churn costs no round trip; memory is right after each resume', async (t) => {
  t.timeout(600_000);
  const { session, hv } = await demoSession(t);
  const sym = (n: string) => session.symbols.resolve(n);
  const countUp = sym('count_up');
  await session.insertBreakpoint(countUp);
  const exited = session.start();
  t.like(await session.waitForStop(), { pc: countUp, reason: 'breakpoint' });
  const rt = () => hv.stats.roundTrips;

  // The code at the PC, as the ELF file has it (the BRK hidden), read three times as gdb does.
  let before = rt();
  const code = await session.readMemory(undefined, countUp, 16);
  t.deepEqual(code, elf.read(countUp, 16), 'the guest\'s instructions, not the BRK');
  const first = rt() - before;
  // The demo guest runs with its MMU off (IPA = VA): the walk and the chunk read go with the translation.
  t.is(first, 1, 'the first read: translation, stage-2 walk and chunk read in one round trip');
  before = rt();
  t.deepEqual(await session.readMemory(undefined, countUp + 4n, 4), elf.read(countUp + 4n, 4));
  t.deepEqual(await session.readMemory(undefined, countUp, 4), elf.read(countUp, 4));
  t.is(rt() - before, 0, 'reads inside the chunk cost no round trip');
  t.is(u32le(await hv.proxy.transport.memRead(countUp, 4)), SW_BREAK_WORD, 'while the BRK is in memory');

  // stepi as gdb does it: step, then read the code at the new PC. A step of an instruction that
  // writes no memory keeps what was read; one that stores (demo_counter++) does not, and the
  // guest's value is what the debugger reads after it.
  const counterVa = sym('demo_counter');
  const mnemonicAt = (pc: bigint) => disassemble(elf.read(pc, 4), pc)[0]!.text.split(/\s/)[0]!;
  const kept: string[] = [];
  let stores = 0;
  for (let i = 0; i < 12; i++) {
    const pc = (await session.readRegisters(undefined, ['pc']))[0]!;
    await session.readMemory(undefined, pc, 8);
    const { pc: next } = await session.step();
    before = rt();
    await session.readMemory(undefined, next, 8);
    const cost = rt() - before;
    const mnemonic = mnemonicAt(pc);
    if (['mov', 'b', 'adrp', 'add', 'cmp', 'b.lo'].includes(mnemonic)) {
      t.is(cost, 0, `after a step of ${mnemonic} at ${pc.toString(16)} the code read before is still good`);
      kept.push(mnemonic);
    }
    const seen = u64le(await session.readMemory(undefined, counterVa, 8));
    t.is(seen, u64le(await hv.proxy.transport.memRead(counterVa, 8)), `demo_counter as the guest has it after ${mnemonic}`);
    if (mnemonic === 'str') stores++;
  }
  t.true(stores >= 1 && kept.length >= 6, `stepped over ${stores} store(s) and ${kept.length} instructions that keep memory`);

  // gdb's churn around a resume: remove and insert again; a new one inserted and removed.
  before = rt();
  await session.removeBreakpoint(countUp);
  await session.insertBreakpoint(countUp);
  await session.insertBreakpoint(countUp + 8n);
  await session.removeBreakpoint(countUp + 8n);
  t.is(rt() - before, 0, 'nothing is written until the guest resumes');
  t.is(u32le(await hv.proxy.transport.memRead(countUp + 8n, 4)), u32le(elf.read(countUp + 8n, 4)), 'no BRK was written for the one removed again');

  // A write is seen by the next read (the cache takes it) and by the guest.
  const flag = sym('demo_flag');
  t.is(u32le(await session.readMemory(undefined, flag, 4)), 0);
  await session.writeMemory(undefined, flag, le32(9));
  before = rt();
  t.is(u32le(await session.readMemory(undefined, flag, 4)), 9);
  t.is(rt() - before, 0);

  // A breakpoint inserted during the stop is in memory when the guest runs: it stops there.
  const detour = sym('take_detour');
  await session.insertBreakpoint(detour);
  await session.removeBreakpoint(countUp);
  const counter = sym('demo_counter');
  const counterBefore = u64le(await session.readMemory(undefined, counter, 8));
  await session.continue();
  t.like(await session.waitForStop(), { pc: detour, reason: 'breakpoint' });
  t.true(u64le(await session.readMemory(undefined, counter, 8)) > counterBefore, 'read afresh after the resume: count_up ran');
  t.is(u32le(await hv.proxy.transport.memRead(countUp, 4)), u32le(elf.read(countUp, 4)), 'the removed breakpoint\'s instruction went back with the resume');

  await session.removeBreakpoint(detour);
  await session.continue();
  const exit = await exited;
  t.is(exit.status, 0n, 'the guest ran to power-off after the last removal');
  t.is(u32le(await hv.proxy.transport.memRead(detour, 4)), u32le(elf.read(detour, 4)));
});
