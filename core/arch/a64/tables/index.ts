// Layer: core/arch/a64/tables. Every encoding row, by the Arm ARM's top-level groups.
import type { InstructionSpec } from '../spec.ts';
import { BRANCH_SYS } from './branch-sys.ts';
import { DP_IMM } from './dp-imm.ts';
import { DP_REG } from './dp-reg.ts';
import { LDST } from './ldst.ts';
import { SIMD_FP } from './simd-fp.ts';

export const ALL_SPECS: readonly InstructionSpec[] = [...DP_IMM, ...BRANCH_SYS, ...LDST, ...DP_REG, ...SIMD_FP];
