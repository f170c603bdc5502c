// Layer: sim/cpu/executors. Executors for the simd-fp-scalar rows of core/arch/a64/tables (see
// README.md): scalar FP data processing (simd-fp-scalar-dp.ts), compare/select/conversions
// (simd-fp-scalar-cvt.ts) and the Advanced SIMD copy/move rows (simd-fp-scalar-move.ts). The FP
// arithmetic itself lives in ../fp/. Imports sim/cpu.
import type { ExecutorDef } from '../executor-registry.ts';
import { SIMD_FP_SCALAR_CVT_EXECUTORS } from './simd-fp-scalar-cvt.ts';
import { SIMD_FP_SCALAR_DP_EXECUTORS } from './simd-fp-scalar-dp.ts';
import { SIMD_FP_SCALAR_MOVE_EXECUTORS } from './simd-fp-scalar-move.ts';

export const SIMD_FP_SCALAR_EXECUTORS: readonly ExecutorDef[] = [
  ...SIMD_FP_SCALAR_DP_EXECUTORS,
  ...SIMD_FP_SCALAR_CVT_EXECUTORS,
  ...SIMD_FP_SCALAR_MOVE_EXECUTORS,
];
