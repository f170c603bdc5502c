// Layer: sim/firmware/ops. The op families that need no CPU, and the default table built from
// them. Every call creates fresh families, so two virtual machines never share op state.

import { OpTable, type OpFamily } from '../op-table.ts';
import { cacheOps } from './cache.ts';
import { iodevOps } from './iodev.ts';
import { memoryOps } from './memory.ts';
import { registerOps } from './registers.ts';
import { systemOps } from './system.ts';

export { cacheOps, M1N1_SCTLR_EL2 } from './cache.ts';
export { iodevOps } from './iodev.ts';
export { memoryOps } from './memory.ts';
export { registerOps } from './registers.ts';
export { exitCodeOf, systemOps } from './system.ts';

export function defaultOpFamilies(): OpFamily[] {
  return [systemOps(), registerOps(), memoryOps(), cacheOps(), iodevOps()];
}

/** A table with every family that needs no CPU; later models `add()` theirs. */
export function createDefaultOpTable(): OpTable {
  return new OpTable(defaultOpFamilies());
}
