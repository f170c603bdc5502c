// Layer: sim/cpu/executors. Executors for the simd-fp-vector rows of core/arch/a64/tables (see
// README.md): Advanced SIMD arithmetic, vector and scalar (asisd) forms, and crypto. The rows are
// split by kind over simd-fp-vector-*.ts; the integer lane engine is simd-fp-vector-engine.ts,
// FP goes through the shared helpers of sim/cpu/fp.
import type { ExecutorDef } from '../executor-registry.ts';
import { SIMD_CRYPTO_EXECUTORS } from './simd-fp-vector-crypto.ts';
import { SIMD_FP_EXECUTORS } from './simd-fp-vector-fp.ts';
import { SIMD_INT_EXECUTORS } from './simd-fp-vector-int.ts';
import { SIMD_INT_SPECIAL_EXECUTORS } from './simd-fp-vector-int-special.ts';

export const SIMD_FP_VECTOR_EXECUTORS: readonly ExecutorDef[] = [...SIMD_INT_EXECUTORS, ...SIMD_INT_SPECIAL_EXECUTORS, ...SIMD_FP_EXECUTORS, ...SIMD_CRYPTO_EXECUTORS];
