// Test helper (not a test): small Apple Device Trees shaped as spec §8.4 and apple-devices §9.4
// describe j274's (root and /arm-io with 2-cell addresses, /arm-io `ranges` mapping bus
// addresses to 0x2_0000_0000 + bus), with only the nodes a test needs.
import { AdtNode } from '../../../core/formats/adt/node.ts';
import { encodeStringList, encodeU32, encodeU32Array, encodeU64Array } from '../../../core/formats/adt/values.ts';

export const ARM_IO_PHYS = 0x2_0000_0000n;

export function adtRoot(): { root: AdtNode; armIo: AdtNode } {
  const root = new AdtNode('device-tree');
  root.setProperty('#address-cells', encodeU32(2)).setProperty('#size-cells', encodeU32(2));
  const armIo = root.addChild(new AdtNode('arm-io'));
  armIo.setProperty('#address-cells', encodeU32(2)).setProperty('#size-cells', encodeU32(2));
  // (child 2 cells, parent 2 cells, size 2 cells): bus 0 → 0x2_0000_0000, 4 GiB.
  armIo.setProperty('ranges', encodeU64Array([0n, ARM_IO_PHYS, 0x1_0000_0000n]));
  return { root, armIo };
}

/** A device node under `parent` with `reg` = [(bus address, size), …]. */
export function device(parent: AdtNode, name: string, regs: Array<[bigint, bigint]>, compatible?: string[]): AdtNode {
  const n = parent.addChild(new AdtNode(name));
  n.setProperty('reg', encodeU64Array(regs.flat()));
  if (compatible) n.setProperty('compatible', encodeStringList(compatible));
  return n;
}

export { encodeU32, encodeU32Array, encodeU64Array };
