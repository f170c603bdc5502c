// Layer: core/arch/a64/tables. The ldst encoding group (see spec.ts for the row format): every
// load/store class of the base ISA and the SIMD&FP loads/stores, split by encoding class into
// the ldst-*.ts files. Imports those files only.
import type { InstructionSpec } from '../spec.ts';
import { LDST_ATOMIC } from './ldst-atomic.ts';
import { LDST_PAIR } from './ldst-pair.ts';
import { LDST_SIMD } from './ldst-simd.ts';
import { LDST_SINGLE } from './ldst-single.ts';

export const LDST: readonly InstructionSpec[] = [...LDST_SINGLE, ...LDST_PAIR, ...LDST_ATOMIC, ...LDST_SIMD];
