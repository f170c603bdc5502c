// Layer: sim/cpu/executors. Executors for the simd-fp-vector rows of core/arch/a64/tables (see README.md).
import type { ExecutorDef } from '../executor-registry.ts';

export const SIMD_FP_VECTOR_EXECUTORS: readonly ExecutorDef[] = [];
