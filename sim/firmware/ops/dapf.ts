// Layer: sim/firmware/ops. The DAPF ops (spec §6.12) as m1n1's dapf.c programs the DART
// address filters from the ADT. Imports the op table types and this folder's ADT, PMGR and
// target-io helpers.
//
// P_DAPF_INIT(path) = dapf_init(path, reg index 1): find the node; power it up through PMGR if
// it has `clock-gates`; take `reg[index]`; for a `dart,t8020` / `dart,t6000` node write each
// 24-byte record of `filter-data-instance-0` {u64 start, u64 end, u8 unk, u8 r0_hi, u8 r0_lo,
// u8 unk, u32 r4} to a 0x40-byte filter slot (r4 → +4, start → +8, end → +0x10, r0 → +0);
// power it down again. P_DAPF_INIT_ALL does that for the DARTs m1n1 knows that the ADT has,
// returning how many, or −1 if one failed. Register writes go through target memory under the
// session guard. Deviation: `dart,t8110` nodes (not on M1) are reported as an unknown type.

import type { OpContext, OpFamily } from '../op-table.ts';
import { adtFind, adtIsCompatible, adtProp, adtReg, type AdtSource } from './adt-access.ts';
import { pmgrAdtPower } from './pmgr.ts';
import { readCString } from './target-io.ts';

const DAPF_ENTRIES: ReadonlyArray<readonly [string, number]> = [
  ['/arm-io/dart-aop', 1],
  ['/arm-io/dart-mtp', 1],
  ['/arm-io/dart-pmp', 1],
  ['/arm-io/dart-isp', 5],
  ['/arm-io/dart-isp0', 5],
];
const T8020_RECORD = 24;
const PROP = 'filter-data-instance-0';

function dapfInit(ctx: OpContext, adt: AdtSource, path: string, index: number): number {
  const print = (t: string) => ctx.firmware.console(t);
  const node = adtFind(adt(), path);
  if (!node) {
    print(`dapf: Error getting DAPF ${path} node.\n`);
    return -1;
  }
  const pwr = (adtProp(node, 'clock-gates')?.length ?? 0) !== 0;
  if (pwr && pmgrAdtPower(ctx, adt, path, true) < 0) return -1;
  const reg = adtReg(node, index);
  if (!reg) {
    print(`dapf: Error getting DAPF ${path} base address.\n`);
    return -1;
  }
  let ret: number;
  if (adtIsCompatible(node, 'dart,t8020') || adtIsCompatible(node, 'dart,t6000')) {
    const cfg = adtProp(node, PROP);
    if (!cfg || cfg.length === 0 || cfg.length % T8020_RECORD) {
      print(`dapf: Error getting ADT node ${path} property ${PROP}.\n`);
      return -1;
    }
    const v = new DataView(cfg.buffer, cfg.byteOffset, cfg.byteLength);
    let base = reg.addr;
    for (let o = 0; o < cfg.length; o += T8020_RECORD, base += 0x40n) {
      const st = (off: bigint, width: 4 | 8, value: bigint) => ctx.guard.store(ctx.memory, base + off, width, value, ctx.name);
      st(0x04n, 4, BigInt(v.getUint32(o + 20, true)));
      st(0x08n, 8, v.getBigUint64(o, true));
      st(0x10n, 8, v.getBigUint64(o + 8, true));
      st(0x00n, 4, BigInt((cfg[o + 17]! << 4) | cfg[o + 18]!));
    }
    ret = 0;
  } else {
    print(`dapf: DAPF ${path} at 0x${reg.addr.toString(16)} is of an unknown type\n`);
    return -1;
  }
  if (pwr) pmgrAdtPower(ctx, adt, path, false);
  if (!ret) print(`dapf: Initialized ${path}\n`);
  return ret;
}

export function dapfOps(deps: { adt: AdtSource }): OpFamily {
  const word = (n: number) => BigInt.asUintN(64, BigInt(n));
  return {
    family: 'dapf',
    ops: [
      {
        name: 'P_DAPF_INIT_ALL',
        handler: (_a, ctx) =>
          ctx.guard.returnable(() => {
            let ret = 0;
            let count = 0;
            for (const [path, index] of DAPF_ENTRIES) {
              if (!adtFind(deps.adt(), path)) continue;
              if (dapfInit(ctx, deps.adt, path, index) < 0) ret = -1;
              count++;
            }
            return word(ret || count);
          }).value,
      },
      {
        name: 'P_DAPF_INIT',
        handler: (a, ctx) =>
          ctx.guard.returnable(() => {
            const path = readCString(ctx, a[0]!);
            return word(path === undefined ? -1 : dapfInit(ctx, deps.adt, path, 1));
          }).value,
      },
    ],
  };
}
