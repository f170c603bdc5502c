// Layer: sim/firmware/ops. SMP ops (spec §6.7): secondary CPUs parked in m1n1's spin loop,
// calls on them, waiting for their results. Imports the op table types and the CPU backend.
//
// m1n1 indexes CPUs 0..MAX_CPUS−1 (24); calls to the boot CPU, to a CPU the machine does not
// have or that is not in the spin loop are ignored, as m1n1 ignores them (P_SMP_WAIT of such a
// CPU returns what its last call returned: 0 if none). An asynchronous call runs in the
// background on the CPU model while the proxy serves further requests.

import type { OpDef, OpFamily } from '../op-table.ts';
import type { CallLevel, CpuBackend } from './cpu-backend.ts';
import type { ExceptionGuard } from '../exception-guard.ts';

const MAX_CPUS = 24;

interface CpuSlot {
  pending: Promise<bigint> | null;
  last: bigint;
}

export function smpOps(cpu: CpuBackend): OpFamily {
  const slots: CpuSlot[] = Array.from({ length: MAX_CPUS }, () => ({ pending: null, last: 0n }));
  const usable = (n: bigint): number | undefined => {
    const i = Number(BigInt.asUintN(64, n));
    return n < BigInt(MAX_CPUS) && i !== 0 && i < cpu.cpuCount && cpu.isAlive(i) ? i : undefined;
  };
  const start = (i: number, level: CallLevel, addr: bigint, args: readonly bigint[], guard: ExceptionGuard): Promise<bigint> => {
    const slot = slots[i]!;
    const run = (slot.pending ?? Promise.resolve(0n)).then(() => cpu.call(i, level, addr, args, guard));
    const tracked = run.then(
      (v) => {
        slot.last = v;
        if (slot.pending === tracked) slot.pending = null;
        return v;
      },
      (e: unknown) => {
        if (slot.pending === tracked) slot.pending = null;
        throw e;
      },
    );
    slot.pending = tracked;
    // A background call that reboots the target surfaces through the firmware; keep it from being an unhandled rejection here.
    tracked.catch(() => {});
    return tracked;
  };
  const call = (name: OpDef['name'], level: CallLevel, argCount: number, sync: boolean): OpDef => ({
    name,
    handler: async (a, ctx) => {
      const i = usable(a[0]!);
      if (i === undefined) return 0n;
      const p = start(i, level, a[1]!, Array.from(a.subarray(2, 2 + argCount)), ctx.guard);
      return sync ? await p : 0n;
    },
  });
  return {
    family: 'smp',
    ops: [
      {
        name: 'P_SMP_START_SECONDARIES',
        handler: () => {
          cpu.setSecondariesRunning(true);
          return 0n;
        },
      },
      call('P_SMP_CALL', 'el2', 4, false),
      call('P_SMP_CALL_SYNC', 'el2', 4, true),
      call('P_SMP_CALL_EL1', 'el1', 3, false),
      call('P_SMP_CALL_EL1_SYNC', 'el1', 3, true),
      call('P_SMP_CALL_EL0', 'el0', 3, false),
      call('P_SMP_CALL_EL0_SYNC', 'el0', 3, true),
      {
        name: 'P_SMP_WAIT',
        handler: async (a) => {
          const i = Number(BigInt.asUintN(64, a[0]!));
          const slot = a[0]! < BigInt(MAX_CPUS) ? slots[i] : undefined;
          if (!slot) return 0n;
          if (slot.pending) await slot.pending.catch(() => {});
          return slot.last;
        },
      },
      { name: 'P_SMP_SET_WFE_MODE', handler: () => 0n },
      { name: 'P_SMP_IS_ALIVE', handler: (a) => (a[0]! < BigInt(MAX_CPUS) && cpu.isAlive(Number(a[0]!)) ? 1n : 0n) },
      {
        name: 'P_SMP_STOP_SECONDARIES',
        handler: () => {
          cpu.setSecondariesRunning(false);
          return 0n;
        },
      },
    ],
  };
}
