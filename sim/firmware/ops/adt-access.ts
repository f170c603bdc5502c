// Layer: sim/firmware/ops. The few ADT look-ups m1n1's C drivers make (adt_path_offset,
// adt_getprop, adt_get_reg, adt_is_compatible), on the machine's parsed tree (spec §8.4).
// Imports core/formats/adt.
//
// adt_get_reg: `reg[index]` of a node, translated through every ancestor's `ranges` up to the
// first ancestor without one; m1n1 requires the whole [addr, addr+size) to fit a record (the
// Python host checks only the start). Failure is undefined, as m1n1's negative return.

import type { AdtNode } from '../../../core/formats/adt/node.ts';
import { findNode, isCompatible } from '../../../core/formats/adt/lookup.ts';
import { adtRegPhys } from '../../../core/formats/adt/addresses.ts';

/** The machine's ADT, or undefined when it has none (then every look-up fails). */
export type AdtSource = () => AdtNode | undefined;

/** adt_path_offset: `/arm-io/pmgr` → node (exact component names). */
export function adtFind(root: AdtNode | undefined, path: string): AdtNode | undefined {
  return root && findNode(root, path);
}

/** adt_getprop: the value bytes, or undefined. */
export function adtProp(node: AdtNode | undefined, name: string): Uint8Array | undefined {
  return node?.property(name)?.value;
}

/** adt_get_reg: the CPU physical address and size of `reg[index]` (the whole range must translate), or undefined. */
export function adtReg(node: AdtNode | undefined, index: number): { addr: bigint; size: bigint } | undefined {
  if (!node?.has('reg')) return undefined;
  try {
    return adtRegPhys(node, index, { strict: true, checkSize: true });
  } catch {
    return undefined;
  }
}

/** adt_is_compatible: one of the node's `compatible` strings is `name`. */
export function adtIsCompatible(node: AdtNode | undefined, name: string): boolean {
  return !!node && isCompatible(node, name);
}
