// Layer: sim/cpu/executors. Executors for the dp-reg rows of core/arch/a64/tables (see README.md).
import type { ExecutorDef } from '../executor-registry.ts';

export const DP_REG_EXECUTORS: readonly ExecutorDef[] = [];
