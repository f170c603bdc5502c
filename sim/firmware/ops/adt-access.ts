// Layer: sim/firmware/ops. The few ADT look-ups m1n1's C drivers make (adt_path_offset,
// adt_getprop, adt_get_reg, adt_is_compatible), on the machine's parsed tree (spec §8.4).
// Imports core/formats/adt.
//
// adt_get_reg: `reg[index]` of a node, translated through every ancestor's `ranges` up to the
// first ancestor without one; m1n1 requires the whole [addr, addr+size) to fit a record (the
// Python host checks only the start). Failure is undefined, as m1n1's negative return.

import type { AdtNode } from '../../../core/formats/adt/node.ts';
import { decodeStringList } from '../../../core/formats/adt/values.ts';

/** The machine's ADT, or undefined when it has none (then every look-up fails). */
export type AdtSource = () => AdtNode | undefined;

/** adt_path_offset: `/arm-io/pmgr` → node (exact component names). */
export function adtFind(root: AdtNode | undefined, path: string): AdtNode | undefined {
  if (!root) return undefined;
  let node: AdtNode | undefined = root;
  for (const part of path.split('/')) {
    if (part === '') continue;
    node = node.child(part);
    if (!node) return undefined;
  }
  return node;
}

/** adt_getprop: the value bytes, or undefined. */
export function adtProp(node: AdtNode | undefined, name: string): Uint8Array | undefined {
  return node?.property(name)?.value;
}

function cellsOf(node: AdtNode | undefined, name: string, fallback: number): number {
  const v = adtProp(node, name);
  return v && v.length >= 4 ? new DataView(v.buffer, v.byteOffset, 4).getUint32(0, true) : fallback;
}

function readCellValue(v: DataView, off: number, cells: number): bigint {
  let value = 0n;
  for (let i = cells - 1; i >= 0; i--) value = (value << 32n) | BigInt(v.getUint32(off + i * 4, true));
  return value;
}

/** adt_get_reg: the CPU physical address and size of `reg[index]`, or undefined. */
export function adtReg(node: AdtNode | undefined, index: number): { addr: bigint; size: bigint } | undefined {
  const reg = adtProp(node, 'reg');
  const parent = node?.parent;
  if (!reg || !node) return undefined;
  const ac = cellsOf(parent, '#address-cells', 2);
  const sc = cellsOf(parent, '#size-cells', 2);
  const rec = (ac + sc) * 4;
  if (rec === 0 || (index + 1) * rec > reg.length) return undefined;
  const view = new DataView(reg.buffer, reg.byteOffset, reg.byteLength);
  let addr = readCellValue(view, index * rec, ac);
  const size = readCellValue(view, index * rec + ac * 4, sc);
  for (let bus = parent; bus?.parent; bus = bus.parent) {
    const ranges = adtProp(bus, 'ranges');
    if (!ranges) break;
    const cac = cellsOf(bus, '#address-cells', 2);
    const csc = cellsOf(bus, '#size-cells', 2);
    const pac = cellsOf(bus.parent, '#address-cells', 2);
    const rsz = (cac + pac + csc) * 4;
    const rv = new DataView(ranges.buffer, ranges.byteOffset, ranges.byteLength);
    let hit = false;
    for (let o = 0; rsz > 0 && o + rsz <= ranges.length; o += rsz) {
      const child = readCellValue(rv, o, cac);
      const parentAddr = readCellValue(rv, o + cac * 4, pac);
      const len = readCellValue(rv, o + (cac + pac) * 4, csc);
      if (addr >= child && addr + size <= child + len) {
        addr = addr - child + parentAddr;
        hit = true;
        break;
      }
    }
    if (!hit) return undefined;
  }
  return { addr, size };
}

/** adt_is_compatible: one of the node's `compatible` strings is `name`. */
export function adtIsCompatible(node: AdtNode | undefined, name: string): boolean {
  const v = adtProp(node, 'compatible');
  return !!v && decodeStringList(v).includes(name);
}
