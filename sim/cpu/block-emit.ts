// Layer: sim/cpu. Inline source for translated blocks (block-translator.ts): executor modules
// register, per exec function, an emitter that writes the instruction's semantics as JS source
// with the record's operands folded in as constants. Imports this folder only (types).
//
// Only instructions that can neither fault, nor read the PC or icount through `core`, nor
// raise `core.resync` are emitted as 'pure' source: the block then skips the per-instruction
// PC/icount bookkeeping for them (nothing can observe it) and settles both before the next
// instruction that can. Branches are emitted as a condition and a PC offset, so the block can
// jump inside itself or leave with the target PC. Anything else is called through its exec.
//
// Emitted source may use: `core` (the Core), `x` (core.x, the register pairs), the helpers in
// RUNTIME by name, and block-scoped consts of its own inside `{ }`. It reads every operand
// before it writes any result (Rd may be Rn).

import type { Executor, Predecoded } from './executor-registry.ts';

export type Emitted =
  /** Straight-line source without side effects beyond registers and flags. */
  | { readonly kind: 'pure'; readonly src: string }
  /**
   * Source that may fault or raise `core.resync` (memory accesses): the block settles the PC
   * and icount before it and checks `core.resync` after it, as around a call.
   */
  | { readonly kind: 'mem'; readonly src: string }
  /**
   * A memory access with the TLB hit path inline: nothing to settle on a hit; the source puts
   * `@SETTLE@` before its slow path (core.readN/writeN: a miss, a fault, MMIO), where the
   * block settles PC and icount, and `@END@` at its very end, where after a slow path the
   * block checks `core.resync` and takes the settling back. May use
   * the block's `el`, `asid`, `TR` and `TW` (core.el, core.currentAsid(), core.tlb.read/write
   * at block entry: they change only with a context change, which ends the block).
   */
  | { readonly kind: 'tlb'; readonly src: string }
  /**
   * A branch to PC + `offset` when `cond` (a JS boolean expression; 'true' always) holds; an
   * unconditional one may run pure `src` first (BL's link).
   */
  | { readonly kind: 'branch'; readonly cond: string; readonly offset: number; readonly src?: string };

/** `pc` is a JS expression for the instruction's own address. Null: call the exec instead. */
export type Emitter = (p: Predecoded, pc: string) => Emitted | null;

const EMITTERS = new Map<Executor, Emitter>();

/** base + offset: a page's VA plus an offset in it. */
function pcAt(base: number, offset: number): number {
  return base + offset;
}

/** The signed-number VA of hi:lo, plus a small offset. */
function vaOf(hi: number, lo: number, offset: number): number {
  return hi * 4294967296 + (lo >>> 0) + offset;
}

// Address arithmetic goes through these shared helpers, which V8 inlines with their one
// feedback, seeded here with non-integers: V8 then never speculates that an address is a small
// integer, which costs a deoptimisation (and a long recompile of a big block) at every site
// the first time an address passes 2^30 or a page VA arrives as a heap number. (More calls
// than V8's lazy feedback allocation waits for, so the feedback is recorded.)
for (let i = 0; i < 32; i++) {
  pcAt(0.5, i);
  vaOf(0.5, i, 0.5);
}

/** Helpers emitted source may call by name (e.g. the exclusive monitor's noteStore). */
export const RUNTIME: Record<string, unknown> = { pcAt, vaOf };

export function registerEmitters(entries: Iterable<readonly [Executor, Emitter]>): void {
  for (const [exec, emit] of entries) EMITTERS.set(exec, emit);
}

export function emitterFor(exec: Executor): Emitter | undefined {
  return EMITTERS.get(exec);
}

export const pure = (src: string): Emitted => ({ kind: 'pure', src });
export const mem = (src: string): Emitted => ({ kind: 'mem', src });
export const tlb = (src: string): Emitted => ({ kind: 'tlb', src });
export const branch = (cond: string, offset: number, src?: string): Emitted => ({ kind: 'branch', cond, offset, src });

/** ConditionHolds(cond) on core.n/z/c/v as a JS expression (AL and NV: 'true'). */
export function condSource(cond: number): string {
  const base = [
    'core.z === 1',
    'core.c === 1',
    'core.n === 1',
    'core.v === 1',
    '(core.c === 1 && core.z === 0)',
    'core.n === core.v',
    '(core.n === core.v && core.z === 0)',
  ][cond >>> 1];
  if (base === undefined) return 'true';
  return (cond & 1) === 1 ? `!(${base})` : base;
}
