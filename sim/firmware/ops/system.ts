// Layer: sim/firmware/ops. System ops that need no CPU (spec §6.2). Imports the op table types
// and this folder's errors only.
//
// P_CALL, P_EL*_CALL, P_GL*_CALL, P_VECTOR, P_SET_BAUD, SIMD state and P_GET_CPU_FEATURES need a
// CPU or a UART model and are left to later families: until then m1n1's S_BADCMD answers them.

import type { OpFamily } from '../op-table.ts';

/**
 * P_EXIT's session exit code: m1n1 returns the u64 argument as a C `int`, and 0 as 1 (§4.2).
 * A non-zero argument whose low 32 bits are 0 therefore truncates to 0 and does not end the
 * session — replicated, it is what the firmware does.
 */
export function exitCodeOf(arg: bigint): number {
  return arg === 0n ? 1 : Number(BigInt.asIntN(32, arg));
}

export function systemOps(): OpFamily {
  return {
    family: 'system',
    ops: [
      { name: 'P_NOP', handler: () => 0n },
      { name: 'P_EXIT', handler: (a) => ({ retval: 0n, exit: exitCodeOf(a[0]!) }) },
      { name: 'P_GET_BOOTARGS', handler: (_a, ctx) => ctx.firmware.machine.bootArgsAddr },
      { name: 'P_GET_BASE', handler: (_a, ctx) => ctx.firmware.machine.baseAddr },
      {
        name: 'P_UDELAY',
        handler: (a, ctx) => {
          const us = Number(BigInt.asUintN(32, a[0]!));
          const wait = ctx.firmware.delayUs(us);
          return wait ? wait.then(() => 0n) : 0n;
        },
      },
      {
        // §5: sets the guard in force after this op and zeroes the counter. exc_guard is a C
        // enum, so the argument is taken as 32 bits.
        name: 'P_SET_EXC_GUARD',
        handler: (a, ctx) => {
          ctx.guard.count = 0;
          ctx.setSessionGuard(Number(BigInt.asUintN(32, a[0]!)));
          return 0n;
        },
      },
      {
        name: 'P_GET_EXC_COUNT',
        handler: (_a, ctx) => {
          const n = ctx.guard.count;
          ctx.guard.count = 0;
          return BigInt(n);
        },
      },
      // No reply for either (§4.2): the machine resets, or the CPU sleeps forever.
      { name: 'P_REBOOT', handler: (_a, ctx) => ctx.firmware.reset({ cause: 'P_REBOOT', message: 'rebooting on P_REBOOT' }) },
      { name: 'P_SLEEP', handler: (a, ctx) => ctx.firmware.sleep(a[0] !== 0n) },
      { name: 'P_GET_CHIPID', handler: (_a, ctx) => BigInt(ctx.firmware.machine.chipId) },
    ],
  };
}
