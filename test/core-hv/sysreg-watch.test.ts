// HvTraceBackend.watchSysregs (core/plugin/backend.ts): guest MSR/MRS traps the host serves
// (spec §9.12 EC 0x18; MDSCR_EL1 is shadowed per CPU, §9.11) reach the watchers with seq, CPU,
// PC and value. The guest runs two instructions the test places over take_detour (which the demo
// never runs): MSR MDSCR_EL1, X1 = 0xD5100241 and MRS X2, MDSCR_EL1 = 0xD5300242 (A64 MSR/MRS
// register form: 1101010100 L 1 o0 op1 CRn CRm op2 Rt with (op0 2, op1 0, CRn 0, CRm 2, op2 2)).
import test from 'ava';
import type { SysregEvent } from '../../core/plugin/backend.ts';
import { HvTraceBackend } from '../../core/hv/trace-backend.ts';
import { demoSession, le32 } from '../session/helpers.ts';

/** (2,0,0,2,2) packed op0<<14 | op1<<11 | CRn<<7 | CRm<<3 | op2 (core/plugin/backend.ts SysregEvent.key). */
const MDSCR_KEY = (2 << 14) | (0 << 11) | (0 << 7) | (2 << 3) | 2;
/** apple-devices §2.5 IPI_SR_EL1 (3,5,15,1,1): served by the firmware (§9.5). */
const IPI_SR_KEY = (3 << 14) | (5 << 11) | (15 << 7) | (1 << 3) | 1;

test.serial('pty: a watched MSR and MRS the host serves arrive with cpu, pc, value and seq; firmware-served keys get one notice', async (t) => {
  t.timeout(600_000);
  const { session, hv } = await demoSession(t);
  const out: string[] = [];
  const backend = new HvTraceBackend(hv, (ev) => out.push(ev.line));
  t.teardown(() => backend.dispose());
  const seen: SysregEvent[] = [];
  const watch = backend.watchSysregs({ owner: 'test', keys: [MDSCR_KEY, IPI_SR_KEY], onAccess: (ev) => void seen.push(ev) });
  t.deepEqual(out, ['[test] IPI_SR_EL1: served by the m1n1 firmware without the host (m1n1-protocol §9.5); their accesses cannot be traced']);

  const sym = (n: string) => session.symbols.resolve(n);
  await session.insertBreakpoint(sym('count_up'));
  const exited = session.start();
  await session.waitForStop();
  const at = sym('take_detour');
  const original = await session.readMemory(0, at, 8);
  await session.writeMemory(0, at, new Uint8Array([...le32(0xd5100241), ...le32(0xd5300242)]));
  const [pc, x1, x2] = await session.readRegisters(0, ['pc', 'x1', 'x2']);
  await session.writeRegisters(0, { pc: at, x1: 0x1234n });
  await session.step(0);
  await session.step(0);
  t.is(await session.readRegister(0, 'pc'), at + 8n);
  t.is(await session.readRegister(0, 'x2'), 0x1234n, 'the guest reads back what it wrote (the shadow, §9.11)');
  t.deepEqual(
    seen.map(({ cpu, pc: p, key, write, value }) => ({ cpu, pc: p, key, write, value })),
    [
      { cpu: 0, pc: at, key: MDSCR_KEY, write: true, value: 0x1234n },
      { cpu: 0, pc: at + 4n, key: MDSCR_KEY, write: false, value: 0x1234n },
    ],
  );
  t.true(seen[0]!.seq > 0 && seen[1]!.seq === seen[0]!.seq + 1 && backend.seq >= seen[1]!.seq);

  // Disposed: no more events.
  watch.dispose();
  await session.writeRegisters(0, { pc: at });
  await session.step(0);
  t.is(seen.length, 2);

  await session.writeMemory(0, at, original);
  await session.writeRegisters(0, { pc: pc!, x1: x1!, x2: x2! });
  await session.removeBreakpoint(sym('count_up'));
  await session.continue();
  t.is((await exited).status, 0n);
});
