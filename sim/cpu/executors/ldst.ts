// Layer: sim/cpu/executors. Executors for the ldst rows of core/arch/a64/tables (see README.md),
// one file per table part: ldst-single.ts, ldst-pair.ts, ldst-atomic.ts, ldst-simd.ts, with
// the shared pieces in ldst-common.ts. Imports those files.
import type { ExecutorDef } from '../executor-registry.ts';
import { LDST_ATOMIC_EXECUTORS } from './ldst-atomic.ts';
import { LDST_PAIR_EXECUTORS } from './ldst-pair.ts';
import { LDST_SIMD_EXECUTORS } from './ldst-simd.ts';
import { LDST_SINGLE_EXECUTORS } from './ldst-single.ts';

export const LDST_EXECUTORS: readonly ExecutorDef[] = [...LDST_SINGLE_EXECUTORS, ...LDST_PAIR_EXECUTORS, ...LDST_ATOMIC_EXECUTORS, ...LDST_SIMD_EXECUTORS];
