// Layer: sim/firmware/ops. Leaving m1n1 for a next stage (spec §6.2 P_VECTOR, §6.9
// P_KBOOT_BOOT) and m1n1's EL3 call (P_EL3_CALL). Imports the op table types and the CPU backend.
//
// P_VECTOR and a successful P_KBOOT_BOOT reply, then end the proxy session (m1n1's proxy
// returns 1) and m1n1 jumps to the next stage with x0..x4. What runs there is the machine's
// business (NextStageSink). P_EL3_CALL runs m1n1's `smc #42; ret` thunk at EL2: an M1 has no
// EL3, so the SMC is UNDEFINED and the session guard decides, as on the hardware.

import type { OpFamily } from '../op-table.ts';
import type { CpuBackend } from './cpu-backend.ts';
import type { KbootState } from './kboot.ts';

export interface NextStageSink {
  /** Where m1n1 jumps once the session has ended. */
  set(entry: bigint, args: readonly bigint[]): void;
  /** Where m1n1 keeps the flattened device tree it hands to a kernel (its own copy). */
  placeDeviceTree(bytes: Uint8Array): bigint;
  /** Address of m1n1's `smc #42; ret` thunk. */
  readonly el3Thunk: bigint;
}

const hex = (v: bigint) => `0x${v.toString(16)}`;

export function nextStageOps(cpu: CpuBackend, kboot: KbootState, sink: NextStageSink): OpFamily {
  return {
    family: 'next-stage',
    ops: [
      {
        name: 'P_VECTOR',
        handler: (a) => {
          sink.set(a[0]!, Array.from(a.subarray(1, 6)));
          return { retval: 0n, exit: 1 };
        },
      },
      {
        name: 'P_KBOOT_BOOT',
        handler: (a, ctx) => {
          const dt = kboot.dt ? sink.placeDeviceTree(kboot.dt.bytes) : 0n;
          ctx.firmware.console(`Setting SMP mode to WFE...\nPreparing to boot kernel at ${hex(a[0]!)} with fdt at ${hex(dt)}\n`);
          sink.set(a[0]!, [dt, 0n, 0n, 0n, 0n]);
          return { retval: 0n, exit: 1 };
        },
      },
      {
        name: 'P_EL3_CALL',
        handler: (a, ctx) => cpu.call(cpu.proxyCpu(), 'el2', sink.el3Thunk, Array.from(a.subarray(0, 5)), ctx.guard),
      },
    ],
  };
}
