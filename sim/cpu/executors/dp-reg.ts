// Layer: sim/cpu/executors. Executors for the dp-reg rows of core/arch/a64/tables (see README.md),
// split by row family into dp-reg-alu.ts (logical, add/sub, carry), dp-reg-cond.ts (conditional
// compare/select, flag manipulation) and dp-reg-src.ts (1/2/3 sources, PAC, CRC32).
import type { ExecutorDef } from '../executor-registry.ts';
import { DP_REG_ALU_EXECUTORS } from './dp-reg-alu.ts';
import { DP_REG_COND_EXECUTORS } from './dp-reg-cond.ts';
import { DP_REG_SRC_EXECUTORS } from './dp-reg-src.ts';

export const DP_REG_EXECUTORS: readonly ExecutorDef[] = [...DP_REG_ALU_EXECUTORS, ...DP_REG_COND_EXECUTORS, ...DP_REG_SRC_EXECUTORS];
