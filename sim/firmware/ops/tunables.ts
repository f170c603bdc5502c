// Layer: sim/firmware/ops. The ADT tunable ops (spec §6.10) as m1n1's tunables.c applies them:
// find the node and property, check the size is a whole number of records, then one masked
// read-modify-write per record through target memory (session guard). Imports the op table
// types and this folder's ADT and target-io helpers.
//
// - P_TUNABLES_APPLY_GLOBAL(path, prop): 16-byte records {u32 reg index, u32 offset, u32 mask,
//   u32 value}: mask32(reg[index] + offset, mask, value).
// - P_TUNABLES_APPLY_LOCAL(path, prop, reg index) / _LOCAL_ADDR(path, prop, base): 24-byte
//   records {u32 offset, u32 size, u64 mask, u64 value}: mask of that width at base + offset;
//   a size other than 1, 2, 4, 8 stops with −1 (records before it stay applied).
// A missing node or property (the j274 ADT of the virtual M1 carries no tunables) prints
// m1n1's line and returns −1.

import type { AccessWidth } from '../../memory/physical-memory.ts';
import type { OpContext, OpFamily } from '../op-table.ts';
import { adtFind, adtProp, adtReg, type AdtSource } from './adt-access.ts';
import { readCString } from './target-io.ts';

const GLOBAL_SIZE = 16;
const LOCAL_SIZE = 24;

interface Found {
  readonly node: NonNullable<ReturnType<typeof adtFind>>;
  readonly records: DataView;
  readonly count: number;
}

function find(ctx: OpContext, adt: AdtSource, path: string, prop: string, size: number): Found | undefined {
  const node = adtFind(adt(), path);
  if (!node) {
    ctx.firmware.console(`tunable: unable to find ADT node ${path}.\n`);
    return undefined;
  }
  const v = adtProp(node, prop);
  if (!v || v.length === 0) {
    ctx.firmware.console(`tunable: Error getting ADT node ${path} property ${prop} .\n`);
    return undefined;
  }
  if (v.length % size) {
    ctx.firmware.console(`tunable: tunable length needs to be a multiply of ${size} but is ${v.length}\n`);
    return undefined;
  }
  return { node, records: new DataView(v.buffer, v.byteOffset, v.byteLength), count: v.length / size };
}

function mask(ctx: OpContext, addr: bigint, width: AccessWidth, clear: bigint, set: bigint): void {
  const old = ctx.guard.load(ctx.memory, addr, width, ctx.name);
  ctx.guard.store(ctx.memory, addr, width, (old & ~clear) | set, ctx.name);
}

function applyGlobal(ctx: OpContext, adt: AdtSource, path: string, prop: string): number {
  const f = find(ctx, adt, path, prop, GLOBAL_SIZE);
  if (!f) return -1;
  for (let i = 0; i < f.count; i++) {
    const o = i * GLOBAL_SIZE;
    const idx = f.records.getUint32(o, true);
    const reg = adtReg(f.node, idx);
    if (!reg) {
      ctx.firmware.console(`tunable: Error getting regs with index ${idx}\n`);
      return -1;
    }
    mask(ctx, reg.addr + BigInt(f.records.getUint32(o + 4, true)), 4, BigInt(f.records.getUint32(o + 8, true)), BigInt(f.records.getUint32(o + 12, true)));
  }
  return 0;
}

function applyLocal(ctx: OpContext, f: Found, base: bigint): number {
  for (let i = 0; i < f.count; i++) {
    const o = i * LOCAL_SIZE;
    const size = f.records.getUint32(o + 4, true);
    if (size !== 1 && size !== 2 && size !== 4 && size !== 8) {
      ctx.firmware.console(`tunable: unknown tunable size 0x${size.toString(16).padStart(8, '0')}\n`);
      return -1;
    }
    const m = f.records.getBigUint64(o + 8, true);
    const v = f.records.getBigUint64(o + 16, true);
    // C integer conversion to the access width.
    const w = (1n << BigInt(size * 8)) - 1n;
    mask(ctx, base + BigInt(f.records.getUint32(o, true)), size as AccessWidth, m & w, v & w);
  }
  return 0;
}

export function tunablesOps(deps: { adt: AdtSource }): OpFamily {
  const strings = (ctx: OpContext, a: BigUint64Array, fn: (path: string, prop: string) => number): bigint =>
    ctx.guard.returnable(() => {
      const path = readCString(ctx, a[0]!);
      const prop = path === undefined ? undefined : readCString(ctx, a[1]!);
      return BigInt.asUintN(64, BigInt(path === undefined || prop === undefined ? -1 : fn(path, prop)));
    }).value;
  return {
    family: 'tunables',
    ops: [
      { name: 'P_TUNABLES_APPLY_GLOBAL', handler: (a, ctx) => strings(ctx, a, (path, prop) => applyGlobal(ctx, deps.adt, path, prop)) },
      {
        name: 'P_TUNABLES_APPLY_LOCAL',
        handler: (a, ctx) =>
          strings(ctx, a, (path, prop) => {
            const f = find(ctx, deps.adt, path, prop, LOCAL_SIZE);
            if (!f) return -1;
            // reg_offset is a u32 parameter: the reg index.
            const reg = adtReg(f.node, Number(BigInt.asUintN(32, a[2]!)));
            if (!reg) {
              ctx.firmware.console('tunable: Error getting regs\n');
              return -1;
            }
            return applyLocal(ctx, f, reg.addr);
          }),
      },
      {
        name: 'P_TUNABLES_APPLY_LOCAL_ADDR',
        handler: (a, ctx) =>
          strings(ctx, a, (path, prop) => {
            const f = find(ctx, deps.adt, path, prop, LOCAL_SIZE);
            return f ? applyLocal(ctx, f, a[2]!) : -1;
          }),
      },
    ],
  };
}
