// Layer: sim/cpu/executors. Executors for the branch-sys rows of core/arch/a64/tables (see README.md).
import type { ExecutorDef } from '../executor-registry.ts';

export const BRANCH_SYS_EXECUTORS: readonly ExecutorDef[] = [];
