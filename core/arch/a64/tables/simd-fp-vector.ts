// Layer: core/arch/a64/tables. The simd-fp group, part 2: Advanced SIMD arithmetic, vector and
// scalar ("asisd") encodings, and the crypto / dot-product extensions the M1 has. Row ids and
// shared spellings are explained in simd-fp-vector-format.ts. Imports this folder only.
import type { InstructionSpec } from '../spec.ts';
import { SIMD_CRYPTO } from './simd-fp-vector-crypto.ts';
import { SIMD_VECTOR_ELEM } from './simd-fp-vector-elem.ts';
import { SIMD_VECTOR_MISC } from './simd-fp-vector-misc.ts';
import { SIMD_SCALAR_ARITH } from './simd-fp-vector-scalar.ts';
import { SIMD_VECTOR_SAME } from './simd-fp-vector-same.ts';
import { SIMD_VECTOR_SHIFT } from './simd-fp-vector-shift.ts';

export const SIMD_FP_VECTOR: readonly InstructionSpec[] = [...SIMD_VECTOR_SAME, ...SIMD_VECTOR_MISC, ...SIMD_VECTOR_SHIFT, ...SIMD_VECTOR_ELEM, ...SIMD_SCALAR_ARITH, ...SIMD_CRYPTO];
