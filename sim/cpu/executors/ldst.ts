// Layer: sim/cpu/executors. Executors for the ldst rows of core/arch/a64/tables (see README.md).
import type { ExecutorDef } from '../executor-registry.ts';

export const LDST_EXECUTORS: readonly ExecutorDef[] = [];
