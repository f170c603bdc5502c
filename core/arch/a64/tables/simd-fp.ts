// Layer: core/arch/a64/tables. The simd-fp encoding group (see spec.ts for the row format): scalar
// floating point and SIMD moves (simd-fp-scalar.ts), Advanced SIMD arithmetic (simd-fp-vector.ts).
import type { InstructionSpec } from '../spec.ts';
import { SIMD_FP_SCALAR } from './simd-fp-scalar.ts';
import { SIMD_FP_VECTOR } from './simd-fp-vector.ts';

export const SIMD_FP: readonly InstructionSpec[] = [...SIMD_FP_SCALAR, ...SIMD_FP_VECTOR];
