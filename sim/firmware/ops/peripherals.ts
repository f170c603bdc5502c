// Layer: sim/firmware/ops. PCIe, NVMe, MCC and cpufreq ops (spec §6.12) as m1n1 answers them
// on a machine where those blocks cannot be driven: the virtual M1 models neither the PCIe
// controllers, nor the ANS NVMe coprocessor, nor the cluster DVFS registers. Imports the op
// table types and this folder's statics.
//
// - P_PCIE_INIT / P_PCIE_SHUTDOWN: proxy.c drops their results: 0.
// - P_NVME_INIT: false (0): the ANS coprocessor does not come up. P_NVME_READ / P_NVME_FLUSH:
//   false, as m1n1 answers before a successful init; P_NVME_SHUTDOWN: 0.
// - P_MCC_GET_CARVEOUTS: the address of m1n1's static carve-out array (4 + 1 records of
//   {u64 base, u64 size}); the virtual M1 has no TrustZone carve-outs, so the first record is
//   the terminator (base 0).
// - P_CPUFREQ_INIT: prints m1n1's line and fails (−1): there are no cluster P-state registers
//   to program.

import type { OpFamily } from '../op-table.ts';
import type { FirmwareStatics } from './statics.ts';

/** PLANE_TZ_MAX_REGS + 1 records of 16 bytes. */
export const MCC_CARVEOUT_ARRAY_BYTES = (4 + 1) * 16;

export function peripheralOps(deps: { statics: FirmwareStatics }): OpFamily {
  return {
    family: 'peripherals',
    ops: [
      { name: 'P_PCIE_INIT', handler: () => 0n },
      { name: 'P_PCIE_SHUTDOWN', handler: () => 0n },
      { name: 'P_NVME_INIT', handler: () => 0n },
      { name: 'P_NVME_SHUTDOWN', handler: () => 0n },
      { name: 'P_NVME_READ', handler: () => 0n },
      { name: 'P_NVME_FLUSH', handler: () => 0n },
      { name: 'P_MCC_GET_CARVEOUTS', handler: (_a, ctx) => deps.statics.place(ctx.memory, 'mcc_carveouts', new Uint8Array(MCC_CARVEOUT_ARRAY_BYTES), 8) },
      {
        name: 'P_CPUFREQ_INIT',
        handler: (_a, ctx) => {
          ctx.firmware.console('cpufreq: Initializing clusters\n');
          return BigInt.asUintN(64, -1n);
        },
      },
    ],
  };
}
