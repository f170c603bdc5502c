// Exit codes of a callback session (spec §9.3), seen from the host over a real pty: 3 leaves the
// guest and completes P_HV_START; 1 (unhandled), 0 (delivered as 1) and any code the firmware does
// not know — 4, the Python host's STEP, included — reboot the Mac. On the pty there is no USB
// re-enumeration, so the host sees the reboot as m1n1 shows it: the "rebooting" console line, no
// P_HV_START reply, and a fresh m1n1 at the prompt (the heap starts over, the HV is gone).
import test, { type ExecutionContext } from 'ava';
import { connect } from '../../core/link/connect.ts';
import { CODE, EC, Exit, HvHost, until } from './helpers/hv-host.ts';

// mov x0, #1; brk #0x4242 (an HV call the host answers with the code under test); mov x0, #0; brk #0x4242
const GUEST = [0xd2800020, 0xd4284840, 0xd2800000, 0xd4284840];

async function stopAndExit(t: ExecutionContext, code: number) {
  const host = await HvHost.start(t, { cpus: 1 });
  let text = '';
  host.client.onText((b) => (text += Buffer.from(b).toString('latin1')));
  const heapBefore = await host.proxy.heapblockAlloc(0x10000n);
  const heapNext = await host.proxy.heapblockAlloc(0n);
  const bootArgs = await host.proxy.getBootargs();
  await host.upload(CODE, GUEST);
  const ecs: number[] = [];
  let exitReplied = false;
  host.client.onCallback(async (msg) => {
    const ctx = await host.readCtx(msg);
    ecs.push(ctx.ec);
    await host.proxy.exit(code);
    exitReplied = true;
  });
  let completed = false;
  let failed: unknown;
  const run = host.proxy.hvStart(CODE).then(
    () => (completed = true),
    (e: unknown) => (failed = e),
  );
  return { host, text: () => text, bootArgs, heapBefore, heapNext, ecs, run, exitReplied: () => exitReplied, completed: () => completed, failed: () => failed };
}

test('P_EXIT(3) leaves the guest: P_HV_START completes with its reply, and the same m1n1 keeps serving (§9.1, §9.3)', async (t) => {
  const r = await stopAndExit(t, Exit.EXIT_GUEST);
  await r.run;
  t.true(r.completed());
  t.deepEqual(r.ecs, [EC.BRK]);
  t.regex(r.text(), /HV: Exiting hypervisor \(main CPU\)/);
  t.regex(r.text(), /HV: All CPUs exited/);
  t.is(await r.host.proxy.heapblockAlloc(0n), r.heapNext, 'no reboot: the heap kept its top');
});

for (const [code, name] of [
  [Exit.UNHANDLED, 'P_EXIT(1), unhandled'],
  [0, 'P_EXIT(0), delivered as 1'],
  [Exit.STEP, 'P_EXIT(4), STEP: unknown to the firmware'],
  [7, 'P_EXIT(7), unknown'],
] as const) {
  test.serial(`${name}: the Mac reboots into m1n1 — no P_HV_START reply, a fresh proxy at the prompt (§9.3)`, async (t) => {
    const r = await stopAndExit(t, code);
    await until(() => r.exitReplied() && /Guest exception not handled, rebooting\./.test(r.text()), 'the reboot message');
    t.deepEqual(r.ecs, [EC.BRK]);
    // Nothing more comes for the P_HV_START: the host gives up on it, as it would when USB
    // re-enumerates, and opens the channel again.
    await r.host.link.close();
    t.false(r.completed(), 'the guest never exited: no P_HV_START reply');
    await r.run;
    t.truthy(r.failed(), 'closing the link ends the abandoned P_HV_START');
    const link = await connect(r.host.pty.slavePath, { reconnect: false });
    t.teardown(() => link.close());
    await link.proxy.nop();
    t.is(await link.proxy.getBootargs(), r.bootArgs, 'the next request works: iBoot left boot_args where it always does');
    t.is(await link.proxy.getExcCount(), 0);
  });
}

// A reboot starts m1n1 afresh, and its heap (a bump allocator from boot_args top_of_kernel_data,
// §6.8) with it.
test.serial('after the reboot of P_EXIT(1) the heap starts over (§6.8, §9.3)', async (t) => {
  const r = await stopAndExit(t, Exit.UNHANDLED);
  await until(() => r.exitReplied() && /rebooting/.test(r.text()), 'the reboot message');
  await r.host.link.close();
  await r.run;
  const link = await connect(r.host.pty.slavePath, { reconnect: false });
  t.teardown(() => link.close());
  t.true((await link.proxy.heapblockAlloc(0n)) < r.heapNext, 'the 64 KiB block allocated before the reboot is free again');
});
