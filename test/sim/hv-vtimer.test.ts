// The hypervisor's own EL2 virtual timer (spec §9.9), over a real pty: the host arms it by
// sysreg exec of CNTV_TVAL_EL0 / CNTV_CTL_EL0 at EL2 (E2H: the EL2 virtual timer) and gets a
// START_HV / VTIMER session when it fires, with CNTV_CTL_EL0 left at 7 (ENABLE | IMASK | ISTATUS).
// Re-armed, it fires again.
import test from 'ava';
import { CODE, Exit, HCR_PYTHON, HvCode, HvHost, Reason, Reg } from './helpers/hv-host.ts';

// 1: add x1, x1, #1; b 1b
const SPIN = [0x91000421, 0x17ffffff];
/** 1 ms of the 24 MHz counter. */
const TICKS = 24_000n;

test.serial('an armed EL2 virtual timer opens START_HV / VTIMER with CNTV_CTL_EL0 = 7; re-armed it fires again (§9.9)', async (t) => {
  const host = await HvHost.start(t, { cpus: 1 });
  // HvHost.start wrote HCR_EL2 with FMO by sysreg exec, as the Python host does (§9.1): without
  // FMO the timer's FIQ would not reach the hypervisor.
  await host.upload(CODE, SPIN);
  await host.msr(Reg.CNTV_TVAL_EL0, TICKS);
  await host.msr(Reg.CNTV_CTL_EL0, 1n);
  const sessions: Array<{ reason: number; code: number; ctl: bigint; extra: bigint; x1: bigint }> = [];
  host.onSession(async (msg, ctx) => {
    const ctl = await host.mrs(Reg.CNTV_CTL_EL0);
    sessions.push({ reason: msg.reason, code: msg.code, ctl, extra: ctx!.extra, x1: ctx!.reg(1) });
    if (sessions.length === 1) {
      // Re-armed further out: the session itself takes time on the (physical) count.
      await host.msr(Reg.CNTV_TVAL_EL0, 100n * TICKS);
      await host.msr(Reg.CNTV_CTL_EL0, 1n);
      return Exit.HANDLED;
    }
    return Exit.EXIT_GUEST;
  });
  await host.proxy.hvStart(CODE);
  t.deepEqual(host.handlerErrors, []);
  t.is(sessions.length, 2);
  for (const s of sessions) {
    t.like(s, { reason: Reason.HV, code: HvCode.VTIMER, ctl: 7n, extra: 0n });
  }
  // (The first may fire as soon as the guest is entered: the host's own ops took virtual time.)
  t.true(sessions[1]!.x1 > sessions[0]!.x1, 'the guest ran between the two: the re-armed timer fired later');
  t.is(await host.mrs(Reg.CNTV_CTL_EL0), 7n, 'still masked after the guest exited: the firmware does not re-arm it');
});

// §7.3/§9.1: m1n1's hosts write HCR_EL2 with an uploaded `msr HCR_EL2, x0; ret` called at EL2
// (Python's HV.init sets FMO, TACR, TTLBOS this way), and the value stays after the call.
test.serial('msr HCR_EL2 by sysreg exec at EL2 sticks, as the Python host relies on (§7.3, §9.1)', async (t) => {
  const host = await HvHost.start(t, { cpus: 1 });
  t.is(await host.mrs(Reg.HCR_EL2), HCR_PYTHON, 'the value HvHost.start wrote');
  await host.msr(Reg.HCR_EL2, HCR_PYTHON | (1n << 4n));
  t.is(await host.mrs(Reg.HCR_EL2), HCR_PYTHON | (1n << 4n));
});
