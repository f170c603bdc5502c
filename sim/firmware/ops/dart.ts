// Layer: sim/firmware/ops. The DART ops (spec §6.10). Imports the op table types only.
//
// The virtual M1 has no DART model yet (a later issue brings one), so P_DART_INIT answers as
// m1n1's dart_init does when it fails: a NULL handle (0), and touches no register. The other
// ops can only be given handles m1n1 never issued; m1n1 dereferences them, so a NULL or wild
// handle faults under the session guard (one 8-byte load of the handle, as the first field
// access); when the guard lets it go on, P_DART_MAP reports failure (−1) and SHUTDOWN / UNMAP
// do nothing more. P_DART_UNMAP returns before touching the handle when the IOVA or length is
// not 16 KiB aligned (dart.c checks that first).

import type { OpContext, OpFamily } from '../op-table.ts';

const SZ_16K = 0x4000n;

function touch(ctx: OpContext, handle: bigint): void {
  ctx.guard.returnable(() => ctx.guard.load(ctx.memory, handle, 8, ctx.name));
}

export function dartOps(): OpFamily {
  return {
    family: 'dart',
    ops: [
      { name: 'P_DART_INIT', handler: () => 0n },
      {
        name: 'P_DART_SHUTDOWN',
        handler: (a, ctx) => {
          touch(ctx, a[0]!);
          return 0n;
        },
      },
      {
        name: 'P_DART_MAP',
        handler: (a, ctx) => {
          touch(ctx, a[0]!);
          return BigInt.asUintN(64, -1n);
        },
      },
      {
        name: 'P_DART_UNMAP',
        handler: (a, ctx) => {
          if (a[2]! % SZ_16K === 0n && a[1]! % SZ_16K === 0n) touch(ctx, a[0]!);
          return 0n;
        },
      },
    ],
  };
}
