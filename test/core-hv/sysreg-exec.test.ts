// core/hv sysreg execution (spec §7.3) against the virtual M1 over a real pty: registers read
// and written by uploading `[insn, ret]`, one round trip per access, the code slot uploaded once.
import test from 'ava';
import { CountingTransport } from '../../core/hv/round-trips.ts';
import { SysregExec, encodeSysregAccess } from '../../core/hv/sysreg-exec.ts';
import { M1n1Proxy } from '../../core/proxy/index.ts';
import { ptyRig } from '../link/helpers.ts';

async function rig(t: Parameters<typeof ptyRig>[0]) {
  const link = await (await ptyRig(t)).connect();
  const counting = new CountingTransport(link.client);
  const proxy = new M1n1Proxy(counting);
  const sysregs = await SysregExec.create(proxy);
  return { link, counting, proxy, sysregs };
}

test('the §7.3 encodings: mrs x0, HCR_EL2 = 0xD53C1100; msr MDSCR_EL1, x0 = 0xD5100240; op0 = 1 gives SYS', (t) => {
  t.is(encodeSysregAccess({ op0: 3, op1: 4, crn: 1, crm: 1, op2: 0 }, true), 0xd53c1100);
  t.is(encodeSysregAccess({ op0: 2, op1: 0, crn: 0, crm: 2, op2: 2 }, false), 0xd5100240);
  // tlbi vmalls12e1is = 0xD50C83DF has Rt = 31; with Rt = x0 the same fields give 0xD50C83C0.
  t.is(encodeSysregAccess({ op0: 1, op1: 4, crn: 8, crm: 3, op2: 6 }, false), 0xd50c83c0);
});

test.serial('pty: a register written by name reads back; each access is one round trip; the slot is uploaded once', async (t) => {
  const { counting, sysregs } = await rig(t);
  const before = counting.roundTrips;
  await sysregs.write('TPIDR_EL2', 0x1234_5678_9abc_def0n);
  t.is(counting.roundTrips - before, 1, 'upload + guard + call + count + guard: one round trip');
  t.is(await sysregs.read('TPIDR_EL2'), 0x1234_5678_9abc_def0n);
  await sysregs.write('TPIDR_EL2', 42n);
  t.is(await sysregs.read('tpidr_el2'), 42n, 'names are case-insensitive');
  t.is(counting.roundTrips - before, 4, 'four accesses, four round trips');
  t.is(sysregs.stats.uploads, 2, 'one slot for the msr, one for the mrs, each uploaded once');
  t.is(sysregs.stats.accesses, 4);
});

test.serial('pty: by encoding, and a batch of accesses in a single round trip', async (t) => {
  const { counting, sysregs } = await rig(t);
  const mdscr = { op0: 2, op1: 0, crn: 0, crm: 2, op2: 2 };
  const before = counting.roundTrips;
  const out = await sysregs.run([
    { kind: 'write', reg: mdscr, value: 0x8000n },
    { kind: 'read', reg: 'MDSCR_EL1' },
    { kind: 'write', reg: 'TPIDR_EL2', value: 7n },
    { kind: 'read', reg: 'TPIDR_EL2' },
  ]);
  t.deepEqual(out, [0n, 0x8000n, 0n, 7n]);
  t.is(counting.roundTrips - before, 1, 'the whole batch went out back to back');
});

test.serial('pty: an access that faults is a typed HV_SYSREG_FAULT, and the link stays usable', async (t) => {
  const { proxy, sysregs } = await rig(t);
  // An IMPDEF encoding no CPU implements.
  const err = await t.throwsAsync(sysregs.read({ op0: 3, op1: 7, crn: 15, crm: 15, op2: 7 }));
  t.is((err as { code?: string }).code, 'HV_SYSREG_FAULT');
  t.regex(err!.message, /S3_7_C15_C15_7/);
  t.is(await proxy.getExcCount(), 0, 'the counter was consumed by the check');
  await sysregs.write('TPIDR_EL2', 5n);
  t.is(await sysregs.read('TPIDR_EL2'), 5n);
});

test.serial('pty: an unknown register name is refused before anything is sent', async (t) => {
  const { counting, sysregs } = await rig(t);
  const before = counting.requests;
  t.throws(() => sysregs.issue({ kind: 'read', reg: 'NO_SUCH_REG_EL1' }), { message: /unknown system register/ });
  t.is(counting.requests, before);
});

test.serial('pty: EL1 calls run the stub at EL1 (SP_EL0 readable there)', async (t) => {
  const { sysregs } = await rig(t);
  await sysregs.write('TPIDR_EL1', 99n, 'el1');
  t.is(await sysregs.read('TPIDR_EL1', 'el1'), 99n);
});

test.serial('pty: GL2 calls (what trapped guest MSR writes use on unlocked CPUs, §9.12 (d)) run the stub too', async (t) => {
  const { sysregs } = await rig(t);
  await sysregs.write('TPIDR_EL1', 0x77n, 'gl2');
  t.is(await sysregs.read('TPIDR_EL1', 'gl2'), 0x77n);
  t.is(await sysregs.read('TPIDR_EL1', 'el1'), 0x77n, 'the same register seen from EL1');
});
