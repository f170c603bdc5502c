// Layer: sim/firmware/ops. Register access ops P_WRITE/READ/SET/CLEAR/MASK/WRITEREAD × 64/32/16/8
// (spec §6.3), with their temporary guards and fault results (§5). Imports the op table types,
// the exception guard and sim/memory helpers.
//
// Each op is one load and/or one store of the op's width through the guard, so a bad address
// gives what m1n1 gives: P_READ* the marker truncated to the width, P_WRITE* nothing, the
// read-modify-write ops one count per faulting access (2 for an unmapped address), proxy
// status S_OK throughout (§15.43).

import type { OpcodeName } from '../../../core/proxy/opcodes.ts';
import { type AccessWidth, widthMask } from '../../memory/physical-memory.ts';
import { GUARD_MARK, GUARD_SKIP, guardMarker } from '../exception-guard.ts';
import type { OpContext, OpDef, OpFamily } from '../op-table.ts';

type Access = (ctx: OpContext, a: BigUint64Array, width: AccessWidth, mask: bigint) => bigint;

/** Load, modify, store; returns the new value. If the store faults under MARK, m1n1's register holding the value is overwritten by the marker. */
function readModifyWrite(modify: (old: bigint, a: BigUint64Array) => bigint): Access {
  return (ctx, a, width, mask) => {
    const old = ctx.guard.load(ctx.memory, a[0]!, width, ctx.name);
    const value = modify(old, a) & mask;
    return ctx.guard.store(ctx.memory, a[0]!, width, value, ctx.name) ? value : guardMarker(width);
  };
}

const KINDS: ReadonlyArray<readonly [kind: string, guard: number, access: Access]> = [
  [
    'WRITE',
    GUARD_SKIP,
    (ctx, a, width, mask) => {
      ctx.guard.store(ctx.memory, a[0]!, width, a[1]! & mask, ctx.name);
      return 0n;
    },
  ],
  ['READ', GUARD_MARK, (ctx, a, width) => ctx.guard.load(ctx.memory, a[0]!, width, ctx.name)],
  ['SET', GUARD_MARK, readModifyWrite((old, a) => old | a[1]!)],
  ['CLEAR', GUARD_MARK, readModifyWrite((old, a) => old & ~a[1]!)],
  ['MASK', GUARD_MARK, readModifyWrite((old, a) => (old & ~a[1]!) | a[2]!)],
  [
    'WRITEREAD',
    GUARD_MARK,
    (ctx, a, width, mask) => {
      ctx.guard.store(ctx.memory, a[0]!, width, a[1]! & mask, ctx.name);
      return ctx.guard.load(ctx.memory, a[0]!, width, ctx.name);
    },
  ],
];

const WIDTHS: ReadonlyArray<readonly [bits: number, bytes: AccessWidth]> = [
  [64, 8],
  [32, 4],
  [16, 2],
  [8, 1],
];

export function registerOps(): OpFamily {
  const ops: OpDef[] = [];
  for (const [kind, guard, access] of KINDS) {
    for (const [bits, bytes] of WIDTHS) {
      const mask = widthMask(bytes);
      ops.push({ name: `P_${kind}${bits}` as OpcodeName, guard, handler: (a, ctx) => access(ctx, a, bytes, mask) });
    }
  }
  return { family: 'registers', ops };
}
