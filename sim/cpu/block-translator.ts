// Layer: sim/cpu. Block translation: a straight-line run of predecoded instructions of one code
// page becomes one JS function (built with `new Function`) that calls each instruction's
// executor directly. Imports this folder only (Core and records as types).
//
// Why it is faster: the interpreter calls `p.exec(core, p)` from one megamorphic call site, so
// V8 can inline nothing and pays an indirect call per instruction. In a translated block every
// instruction has its own call site with one target, so V8 inlines the executor (and through
// it the TLB fast path) and the block runs as one optimised function.
//
// Why it is exact: the block does per instruction what Core.run's inner loop does — set the PC
// (so PC-relative operands, ELR of a fault and the syndrome see the instruction's own address),
// count the instruction before executing it, stop when the executor wrote the PC (a taken
// branch, an exception return) or when `core.resync` was raised (a store into a code page,
// WFI/WFE, any context change), and otherwise fall through to the next instruction. Faults
// unwind out of the block exactly as out of the interpreter. Core.run enters a block only when
// all of its instructions fit before the next interrupt/timer check (`limit`), so interrupts,
// timer deadlines and icount are what the interpreter would give, instruction for instruction.
// Blocks live on the CodePage (physical), with the page's VA passed in at run time, so an
// invalidated page takes its blocks with it and an alias at another VA gets the right PC.

import type { Core } from './core.ts';
import type { Executor, Predecoded } from './executor-registry.ts';

/** A translated block: `run(core, pageVa, limit)` executes it (`len` instructions, or more while it loops and fits before `limit`). */
export interface Block {
  readonly run: (core: Core, pageVa: number, limit: number) => void;
  readonly len: number;
}

/** Longest block (instructions); longer straight-line code simply chains blocks. */
export const MAX_BLOCK = 64;
/** Entries into a slot before it is translated (cold code stays interpreted). */
export const HOT_THRESHOLD = 16;

/**
 * Rows after which control always leaves: a block ends there. Conditional branches do not end
 * a block: when not taken the block goes on (fewer trips through the dispatcher).
 */
const ENDS_BLOCK = new Set([
  'B', 'BL', 'BR', 'BLR', 'RET', 'ERET', 'DRPS', 'BRAZ', 'BLRAZ', 'RETA', 'ERETA', 'BRA', 'BLRA',
  'UDF', 'SVC', 'HVC', 'SMC', 'BRK', 'HLT', 'UNDEFINED',
]);

/**
 * The generated source of a block of `n` instructions starting at byte offset `off0`. When an
 * instruction branches back to the block's start (a loop), the block runs again at once if it
 * still fits before `limit` and nothing asked for a resync: the same decision Core.run would
 * make on re-entering it, without going back through the dispatcher.
 */
function source(n: number, off0: number): string {
  const lines: string[] = [];
  for (let k = 0; k < n; k++) lines.push(`const e${k} = E[${k}], p${k} = P[${k}];`);
  lines.push('return function block(core, base, limit) {');
  lines.push(`  const start = base + ${off0};`);
  lines.push('  for (;;) {');
  for (let k = 0; k < n; k++) {
    const off = off0 + k * 4;
    lines.push(`    core.pc = base + ${off}; core.icount++;`);
    lines.push(`    if (e${k}(core, p${k}) === true) {`);
    lines.push(`      if (core.pc !== start || core.resync || core.icount + ${n} > limit) return;`);
    lines.push('      continue;');
    lines.push('    }');
    lines.push(`    if (core.resync) { core.pc = base + ${off + 4}; return; }`);
  }
  lines.push(`    core.pc = base + ${off0 + n * 4};`);
  lines.push('    return;');
  lines.push('  }');
  lines.push('};');
  return lines.join('\n');
}

type Factory = (e: readonly Executor[], p: readonly Predecoded[]) => (core: Core, pageVa: number, limit: number) => void;

/**
 * Translates the run of `records` (already predecoded, in order from slot `idx`) into a block.
 * `records` ends at the first block-ending row, the page end or MAX_BLOCK.
 */
export function translateBlock(records: readonly Predecoded[], idx: number): Block {
  const n = records.length;
  // Same-shaped blocks share their source text: V8 caches the compile of identical sources.
  const factory = new Function('E', 'P', source(n, idx * 4)) as Factory;
  return { run: factory(records.map((r) => r.exec), records), len: n };
}

/** Whether the block ends after this record. */
export function endsBlock(p: Predecoded): boolean {
  return ENDS_BLOCK.has(p.id);
}
