// Layer: sim/firmware/ops. The iodev ops that need no device model (spec §6.10). Imports the
// op table types only. P_IODEV_READ/WRITE/CAN_*/SET_USAGE and the vuart setup come with the
// iodev models.

import type { OpFamily } from '../op-table.ts';

export function iodevOps(): OpFamily {
  return {
    family: 'iodev',
    // The iodev the last valid request arrived on (§3.1 step 3).
    ops: [{ name: 'P_IODEV_WHOAMI', handler: (_a, ctx) => BigInt(ctx.firmware.iodev) }],
  };
}
