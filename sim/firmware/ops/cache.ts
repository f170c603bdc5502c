// Layer: sim/firmware/ops. Cache and MMU ops (spec §6.5). Imports the op table types only.
//
// The virtual M1 has no caches to maintain, so every cache op is a no-op that still replies 0
// (§6.5 allows this). The MMU ops keep a plausible SCTLR_EL2 so that P_MMU_DISABLE /
// P_MMU_RESTORE round-trip as on hardware.

import type { OpcodeName } from '../../../core/proxy/opcodes.ts';
import type { OpDef, OpFamily } from '../op-table.ts';

const SCTLR_M = 1n << 0n;
const SCTLR_C = 1n << 2n;
const SCTLR_I = 1n << 12n;
const SCTLR_ICM = SCTLR_I | SCTLR_C | SCTLR_M;

/**
 * SCTLR_EL2 after m1n1's mmu_init: the RES1 bits it sets (LSMAOE 29, nTLSMD 28, TSCXT 20,
 * ITD 7) plus I, C, M and SPAN (23) = 0x30901085.
 */
export const M1N1_SCTLR_EL2 = 0x30901085n;

const NO_OPS: readonly OpcodeName[] = [
  'P_IC_IALLUIS',
  'P_IC_IALLU',
  'P_IC_IVAU',
  'P_DC_IVAC',
  'P_DC_ISW',
  'P_DC_CSW',
  'P_DC_CISW',
  'P_DC_ZVA',
  'P_DC_CVAC',
  'P_DC_CVAU',
  'P_DC_CIVAC',
  'P_MMU_INIT_SECONDARY',
];

export function cacheOps(): OpFamily {
  const ops: OpDef[] = NO_OPS.map((name) => ({ name, handler: () => 0n }));
  ops.push(
    {
      name: 'P_MMU_SHUTDOWN',
      handler: (_a, ctx) => {
        ctx.firmware.el2.sctlr &= ~SCTLR_ICM;
        return 0n;
      },
    },
    {
      name: 'P_MMU_INIT',
      handler: (_a, ctx) => {
        if ((ctx.firmware.el2.sctlr & SCTLR_M) === 0n) ctx.firmware.el2.sctlr = M1N1_SCTLR_EL2;
        return 0n;
      },
    },
    {
      // Returns the previous value; turns off M, C, I only if the MMU was on.
      name: 'P_MMU_DISABLE',
      handler: (_a, ctx) => {
        const old = ctx.firmware.el2.sctlr;
        if ((old & SCTLR_M) !== 0n) ctx.firmware.el2.sctlr = old & ~SCTLR_ICM;
        return old;
      },
    },
    {
      name: 'P_MMU_RESTORE',
      handler: (a, ctx) => {
        ctx.firmware.el2.sctlr = a[0]!;
        return 0n;
      },
    },
  );
  return { family: 'cache-mmu', ops };
}
