// Layer: sim/cpu/executors. Every executor, and the registry the virtual M1's cores use.
import { defaultDecoder } from '../../../core/arch/a64/decoder.ts';
import { ExecutorRegistry, type ExecutorDef } from '../executor-registry.ts';
import { BRANCH_SYS_EXECUTORS } from './branch-sys.ts';
import { DP_IMM_EXECUTORS } from './dp-imm.ts';
import { DP_REG_EXECUTORS } from './dp-reg.ts';
import { LDST_EXECUTORS } from './ldst.ts';
import { SIMD_FP_SCALAR_EXECUTORS } from './simd-fp-scalar.ts';
import { SIMD_FP_VECTOR_EXECUTORS } from './simd-fp-vector.ts';
// Inline source for translated blocks (registers itself with ../block-emit.ts).
import './dp-emit.ts';
import './ldst-emit.ts';
import './simd-emit.ts';

export const ALL_EXECUTORS: readonly ExecutorDef[] = [
  ...DP_IMM_EXECUTORS,
  ...DP_REG_EXECUTORS,
  ...BRANCH_SYS_EXECUTORS,
  ...LDST_EXECUTORS,
  ...SIMD_FP_SCALAR_EXECUTORS,
  ...SIMD_FP_VECTOR_EXECUTORS,
];

/** The registry over the shared decoder with every executor. */
export function createExecutorRegistry(): ExecutorRegistry {
  return new ExecutorRegistry(defaultDecoder()).register(ALL_EXECUTORS);
}
