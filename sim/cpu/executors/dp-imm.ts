// Layer: sim/cpu/executors. Executors for the dp-imm rows of core/arch/a64/tables (see README.md).
import type { ExecutorDef } from '../executor-registry.ts';

export const DP_IMM_EXECUTORS: readonly ExecutorDef[] = [];
