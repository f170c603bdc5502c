// Layer: core/arch/a64. What one table row says about an encoding. Imports this folder only.
//
// One row per encoding (in the Arm ARM's sense: ADD (immediate) 32- and 64-bit share a row,
// the sf field tells them apart). The decoder matches rows; the disassembler calls `asm`; the
// CPU model (sim/cpu) looks up its executor by `id`; the encoder inverts the pattern. Rows are
// grouped in tables/*.ts by the Arm ARM's top-level encoding groups.

import type { CompiledPattern } from './pattern.ts';
import type { AsmContext } from './operand-format.ts';

/** Field values by name, as extracted from the word (unsigned). */
export type Fields = Readonly<Record<string, number>>;

export type InstructionGroup =
  | 'dp-imm' // data processing, immediate
  | 'branch-sys' // branches, exception generation, system
  | 'ldst' // loads and stores
  | 'dp-reg' // data processing, register
  | 'simd-fp'; // scalar FP and Advanced SIMD

export interface InstructionSpec {
  /** Unique and stable: the CPU model keys its executors on it. E.g. 'ADD_addsub_imm'. */
  readonly id: string;
  readonly group: InstructionGroup;
  /** See pattern.ts. */
  readonly pattern: string;
  /**
   * Encodings the pattern matches that the architecture makes unallocated or another row owns
   * (e.g. sf=0 with N=1). Return true to reject this row for these fields.
   */
  readonly reject?: (f: Fields) => boolean;
  /** LLVM's text for it (as `llvm-objdump -d` prints), preferred alias included. */
  readonly asm: (f: Fields, ctx: AsmContext) => string;
}

export interface CompiledSpec extends InstructionSpec {
  readonly compiled: CompiledPattern;
  /** Fixed bits count: more specific rows are tried first. */
  readonly specificity: number;
}
