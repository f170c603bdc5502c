// Layer: core/session. Which instructions leave guest memory and address translation as they
// were: after a host step of one, what the debugger read before the step is still what the guest
// has (its CPUs are held; only the stepped one ran). Data processing, scalar and vector FP, plain
// branches, hints and barriers qualify; loads are left out too (a device read can have effects),
// as is anything that traps to the host or changes translation (system instructions, exception
// generation). Imports core/arch/a64.

import { decode } from '../arch/a64/decoder.ts';
import type { InstructionGroup } from '../arch/a64/spec.ts';

const NO_MEMORY_GROUPS: ReadonlySet<InstructionGroup> = new Set(['dp-imm', 'dp-reg', 'simd-fp']);
/** Rows of the branch/system group by id (core/arch/a64/tables/branch-sys.ts). */
const NO_MEMORY_BRANCH_SYS: ReadonlySet<string> = new Set([
  'B', 'BL', 'B_cond', 'CBZ', 'CBNZ', 'TBZ', 'TBNZ', 'BR', 'BLR', 'RET', 'BRA', 'BLRA', 'BRAZ', 'BLRAZ', 'RETA',
  'HINT', 'DMB', 'DSB', 'ISB', 'SB', 'CLREX',
]);

export function leavesMemoryAlone(word: number): boolean {
  const d = decode(word);
  if (!d) return false;
  return NO_MEMORY_GROUPS.has(d.spec.group) || (d.spec.group === 'branch-sys' && NO_MEMORY_BRANCH_SYS.has(d.spec.id));
}
