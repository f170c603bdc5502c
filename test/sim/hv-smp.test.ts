// Several CPUs under the hypervisor (spec §9.6), over a real pty: the host starts a secondary in
// the guest (P_HV_START_SECONDARY), switches its session to it (P_HV_SWITCH_CPU + P_EXIT(2) →
// a CPU_SWITCH session from that CPU), pins it (P_HV_PIN_CPU: it becomes the interruptible CPU,
// so the user interrupt comes from it), and makes it leave the guest (P_HV_EXIT_CPU).
import test from 'ava';
import { CODE, DATA, EC, Exit, HvCode, HvHost, Reason, type ExcInfo, until } from './helpers/hv-host.ts';

// Boot CPU: mov x0, #1; brk #0x4242 (stop); mov x1, #0; 1: add x1, x1, #1; cmp x1, x2; b.ne 1b;
// mov x0, #0; brk #0x4242 (power-off)
const BOOT = [0xd2800020, 0xd4284840, 0xd2800001, 0x91000421, 0xeb02003f, 0x54ffffc1, 0xd2800000, 0xd4284840];
// Secondary, at CODE + 0x100 with x0 = counter address: 2: add x1, x1, #1; str x1, [x0]; b 2b
const SECONDARY = [0x91000421, 0xf9000001, 0x17fffffe];
const SEC = CODE + 0x100n;
const COUNTER = DATA;

interface Session {
  reason: number;
  code: number;
  cpu: number;
  mpidr: bigint;
  elr: bigint;
  ec: number;
  x0: bigint;
}

test.serial('start a secondary, switch to it, pin it, make it exit the guest, switch back (§9.6)', async (t) => {
  const host = await HvHost.start(t, { cpus: 4 });
  await host.upload(CODE, BOOT);
  await host.upload(SEC, SECONDARY);
  await host.proxy.write64(COUNTER, 0n);
  const sessions: Session[] = [];
  const notes: { switchNotStarted?: boolean; switchToOne?: boolean; switchToZero?: boolean; counterAtExit?: bigint; counterAtPowerOff?: bigint } = {};
  const record = (msg: { reason: number; code: number }, ctx: ExcInfo): number =>
    sessions.push({ reason: msg.reason, code: msg.code, cpu: ctx.cpuId, mpidr: ctx.view.getBigUint64(0x148, true), elr: ctx.elr, ec: ctx.ec, x0: ctx.reg(0) });
  host.onSession(async (msg, ctx) => {
    switch (record(msg, ctx!)) {
      case 1:
        // The boot CPU's stop: start CPU 1 in the guest, then switch to it. The boot CPU's
        // loop bound is out of reach, so it keeps running until the host lowers it.
        notes.switchNotStarted = await host.proxy.hvSwitchCpu(3);
        await host.proxy.hvStartSecondary(1, SEC, COUNTER);
        notes.switchToOne = await host.proxy.hvSwitchCpu(1);
        ctx!.elr += 4n;
        ctx!.setReg(2, 1n << 62n);
        return Exit.HANDLED;
      case 2:
        // CPU 1's switch session: pin it, so it alone may open sessions.
        await host.proxy.hvPinCpu(1);
        return Exit.HANDLED;
      case 3:
        // The user interrupt, taken on the pinned CPU: unpin, send CPU 1 out of the guest,
        // and switch back to the boot CPU.
        notes.counterAtExit = await host.proxy.read64(COUNTER);
        await host.proxy.hvPinCpu(-1);
        await host.proxy.hvExitCpu(1);
        notes.switchToZero = await host.proxy.hvSwitchCpu(0);
        return Exit.HANDLED;
      case 4:
        // The boot CPU again: let its loop end soon.
        ctx!.setReg(2, ctx!.reg(1) + 1000n);
        return Exit.HANDLED;
      default:
        notes.counterAtPowerOff = await host.proxy.read64(COUNTER);
        return Exit.EXIT_GUEST;
    }
  });
  const run = host.proxy.hvStart(CODE);
  await until(() => sessions.length === 2 && host.client.guestRunning, 'the switch session to end');
  host.client.sendInterrupt();
  await run;
  const counterAfter = await host.proxy.read64(COUNTER);

  t.deepEqual(host.handlerErrors, []);
  t.false(notes.switchNotStarted, 'P_HV_SWITCH_CPU to a CPU not started in the guest returns 0');
  t.true(notes.switchToOne, 'P_HV_SWITCH_CPU(1) returns 1');
  t.true(notes.switchToZero, 'P_HV_SWITCH_CPU(0) returns 1');
  const [stop, sw, intr, back, off] = sessions;
  t.like(stop, { reason: Reason.EXCEPTION_LOWER, code: 0, cpu: 0, ec: EC.BRK, x0: 1n, elr: CODE + 4n });
  t.like(sw, { reason: Reason.HV, code: HvCode.CPU_SWITCH, cpu: 1, mpidr: 0x8000_0001n });
  t.true(sw!.elr >= SEC && sw!.elr < SEC + 12n, `CPU 1 was interrupted in its loop (ELR ${sw!.elr.toString(16)})`);
  t.like(intr, { reason: Reason.HV, code: HvCode.USER_INTERRUPT, cpu: 1 }, 'pinned: the interruptible CPU is CPU 1');
  t.like(back, { reason: Reason.HV, code: HvCode.CPU_SWITCH, cpu: 0, mpidr: 0x8000_0000n });
  t.true(back!.elr >= CODE + 12n && back!.elr < CODE + 24n, 'the boot CPU was in its loop');
  t.like(off, { reason: Reason.EXCEPTION_LOWER, code: 0, cpu: 0, ec: EC.BRK, x0: 0n });
  t.is(sessions.length, 5);
  t.true((notes.counterAtExit ?? 0n) > 0n, 'CPU 1 ran the guest');
  t.is(notes.counterAtPowerOff, notes.counterAtExit, 'after P_HV_EXIT_CPU(1) CPU 1 ran no more guest code');
  t.is(counterAfter, notes.counterAtExit!);
});

test.serial('P_HV_SWITCH_CPU refuses CPUs that are not in the guest, including absent ones (§9.6)', async (t) => {
  const host = await HvHost.start(t, { cpus: 2 });
  await host.upload(CODE, BOOT);
  const answers: boolean[] = [];
  host.onSession(async () => {
    answers.push(await host.proxy.hvSwitchCpu(1), await host.proxy.hvSwitchCpu(7));
    return Exit.EXIT_GUEST;
  });
  await host.proxy.hvStart(CODE);
  t.deepEqual(answers, [false, false]);
  t.deepEqual(host.handlerErrors, []);
});
