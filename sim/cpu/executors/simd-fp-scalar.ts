// Layer: sim/cpu/executors. Executors for the simd-fp-scalar rows of core/arch/a64/tables (see README.md).
import type { ExecutorDef } from '../executor-registry.ts';

export const SIMD_FP_SCALAR_EXECUTORS: readonly ExecutorDef[] = [];
