// Layer: sim/cpu. Block translation: hot code of one code page becomes one JS function (built
// with `new Function`). Imports this folder only (Core and records as types).
//
// What a block is: a region of the page's already-decoded instructions, grown from the entry
// slot along straight-line code and the constant targets of branches (B.cond, CBZ, TBZ, B, BL)
// that stay in the page: a loop nest or a whole small function becomes one function, laid out
// in address order as the cases of a `switch` inside a loop; every jump target is also an
// entry of the same function (Core.run installs one Block per target). Each instruction is
// either inline source with its operands as constants (block-emit.ts; the executors register
// emitters; loads and stores with the TLB hit path written out) or a call of its exec from its
// own call site, so V8 inlines the executor.
//
// Why it is exact: faults unwind out of the block exactly as out of the interpreter, and the
// block settles `core.pc` (the instruction's own address) and `core.icount` (counting the
// instruction) before anything that can observe them — a call, a memory access's slow path (a
// TLB miss, a fault, MMIO), a taken exit, the end of a run; between those, register/flag
// source and TLB hits need neither. It stops where the
// interpreter's inner loop would: when an exec wrote the PC to somewhere it cannot follow, or
// raised `core.resync` (a store into a code page, WFI/WFE, any context change). It enters a
// jump target only when the straight-line run from there (its "budget") still fits before
// `limit`, the next interrupt/timer check: so interrupts, timer deadlines and icount are what
// the interpreter would give, instruction for instruction. Core.run enters a block under the
// same rule (`len`, the entry's budget).
// Blocks live on the CodePage (physical), with the page's VA passed in at run time, so an
// invalidated page takes its blocks with it and an alias at another VA gets the right PC.

import type { Core } from './core.ts';
import type { Executor, Predecoded } from './executor-registry.ts';
import { emitterFor, RUNTIME, type Emitted } from './block-emit.ts';

/** A translated block: `run(core, pageVa, limit)` executes it (at least `len` instructions fit before `limit`). */
export interface Block {
  readonly run: (core: Core, pageVa: number, limit: number) => void;
  readonly len: number;
}

/** Longest straight-line run, and most instructions in one block. */
export const MAX_BLOCK = 64;
const MAX_REGION = 256;
/** Entries into a slot before it is translated (cold code stays interpreted). */
export const HOT_THRESHOLD = 16;
const PAGE_SLOTS = 1024;

/** Rows after which control never falls through: a straight-line run ends there. */
const ENDS_BLOCK = new Set([
  'B', 'BL', 'BR', 'BLR', 'RET', 'ERET', 'DRPS', 'BRAZ', 'BLRAZ', 'RETA', 'ERETA', 'BRA', 'BLRA',
  'UDF', 'SVC', 'HVC', 'SMC', 'BRK', 'HLT', 'UNDEFINED',
]);

/** Whether a straight-line run ends after this record. */
export function endsBlock(p: Predecoded): boolean {
  return ENDS_BLOCK.has(p.id);
}

interface Region {
  /** Slots in the region, ascending. */
  readonly slots: number[];
  readonly emitted: Map<number, Emitted | null>;
  /** Jump targets (and the entry) → instructions from there to the end of their run. */
  readonly budget: Map<number, number>;
}

/** The region grown from `entry` over decoded slots (see the top of this file). */
function grow(slots: readonly (Predecoded | undefined)[], entry: number): Region {
  const covered = new Set<number>();
  const emitted = new Map<number, Emitted | null>();
  const targets = new Set<number>([entry]);
  const work = [entry];
  while (work.length > 0 && covered.size < MAX_REGION) {
    const start = work.shift()!;
    for (let i = start; i < PAGE_SLOTS && i - start < MAX_BLOCK && covered.size < MAX_REGION && !covered.has(i); i++) {
      const p = slots[i];
      if (!p) break;
      covered.add(i);
      const e = emitterFor(p.exec)?.(p, `(base + ${i * 4})`) ?? null;
      emitted.set(i, e);
      if (e?.kind === 'branch') {
        // A BL's return address too: the RET comes back into the region.
        for (const t of e.src ? [i + e.offset / 4, i + 1] : [i + e.offset / 4]) {
          if (Number.isInteger(t) && t >= 0 && t < PAGE_SLOTS && slots[t]) {
            targets.add(t);
            if (!covered.has(t)) work.push(t);
          }
        }
      }
      if (endsBlock(p)) break;
    }
  }
  const sorted = [...covered].sort((a, b) => a - b);
  const runEnds = (i: number): boolean => endsBlock(slots[i]!) || !covered.has(i + 1);
  const budget = new Map<number, number>();
  for (const t of targets) {
    if (!covered.has(t)) continue;
    let n = 1;
    for (let i = t; !runEnds(i); i++) n++;
    budget.set(t, n);
  }
  return { slots: sorted, emitted, budget };
}

/** Source of a taken exit to byte offset `target` (page-relative) after `done` uncounted instructions. */
function leave(target: number, done: number): string {
  return `${done ? `core.icount += ${done}; ` : ''}core.pc = pcAt(base, ${target}); return;`;
}

/**
 * The block's source. Pure emitted instructions are only counted at compile time (`done`);
 * PC and icount are settled before a call or memory access and at every exit. A jump to a
 * target of the region continues inside the function when the target's budget fits before
 * `limit`; a call that wrote the PC (a return, a register branch) continues likewise when the
 * new PC is a target of the region (BUD: budgets by slot, 0 for none).
 */
function source(slots: readonly Predecoded[], region: Region): { src: string; calls: number[] } {
  const { emitted, budget } = region;
  const calls: number[] = [];
  const body: string[] = [];
  const jumpTo = (t: number, target: number, done: number): string => {
    const b = budget.get(t);
    if (b === undefined) return leave(target, done);
    return `core.icount += ${done}; if (core.icount + ${b} <= limit) { L = ${t}; continue; } core.pc = pcAt(base, ${target}); return;`;
  };
  let done = 0; // instructions executed since icount was last settled
  let prev = -2;
  for (const k of region.slots) {
    const off = k * 4;
    if (k !== prev + 1) done = 0; // a new run: only reached by a jump
    if (budget.has(k)) {
      if (done) body.push(`core.icount += ${done};`);
      done = 0;
      body.push(`case ${k}:`);
    }
    prev = k;
    const p = slots[k]!;
    const e = emitted.get(k) ?? null;
    const endOfRun = endsBlock(p) || !emitted.has(k + 1);
    if (e?.kind === 'branch') {
      const t = k + e.offset / 4;
      const jump = jumpTo(t, off + e.offset, done + 1);
      if (e.cond === 'true') {
        if (e.src) body.push(e.src);
        body.push(jump);
        done = 0;
        continue;
      }
      body.push(`if (${e.cond}) { ${jump} }`);
      done++;
    } else if (e?.kind === 'pure') {
      body.push(e.src);
      done++;
    } else if (e?.kind === 'tlb') {
      // The slow path settles, and unsettles again at the end: `done` stays a compile-time count.
      body.push(
        e.src
          .replace('@SETTLE@', `core.pc = pcAt(base, ${off}); core.icount += ${done + 1}; slow = true;`)
          .replace('@END@', `if (slow) { if (core.resync) { core.pc = pcAt(base, ${off + 4}); return; } slow = false; core.icount -= ${done + 1}; }`),
      );
      done++;
    } else {
      body.push(`core.pc = pcAt(base, ${off}); core.icount += ${done + 1};`);
      done = 0;
      if (e?.kind === 'mem') {
        body.push(e.src);
      } else {
        calls.push(k);
        body.push(
          `if (e${k}(core, p${k}) === true) { if (!core.resync) { const t = core.pc - base; if ((t & 3) === 0 && t >= 0 && t < 4096) { const r = BUD[t >> 2]; ` +
            `if (r !== 0 && core.icount + r <= limit) { L = t >> 2; continue; } } } return; }`,
        );
      }
      body.push(`if (core.resync) { core.pc = pcAt(base, ${off + 4}); return; }`);
    }
    if (endOfRun) {
      body.push(leave(off + 4, done));
      done = 0;
    }
  }
  const lines: string[] = [];
  for (const name of Object.keys(RUNTIME)) lines.push(`const ${name} = R.${name};`);
  for (const k of calls) lines.push(`const e${k} = E[${k}], p${k} = P[${k}];`);
  lines.push('const x = core.x, v = core.vi32, vb = core.vb;');
  lines.push('const el = core.el, asid = core.currentAsid(), TR = core.tlb.read, TW = core.tlb.write;');
  lines.push(`let L = entry, slow = false;`);
  lines.push('for (;;) {');
  lines.push('  switch (L) {');
  for (const l of body) lines.push(`    ${l}`);
  lines.push('    default: return;');
  lines.push('  }');
  lines.push('}');
  return { src: lines.join('\n'), calls };
}

/** The generated function: `E`/`P` the page's execs and records by slot, `R` RUNTIME, `BUD` budgets by slot. */
type BlockFn = (core: Core, base: number, limit: number, E: readonly Executor[], P: readonly Predecoded[], R: typeof RUNTIME, BUD: Int32Array, entry: number) => void;

/**
 * Compiled blocks by source (with the called execs' identities): code translated again — in
 * another page, a new CodeCache, a new machine — reuses the same function object, so it starts
 * with V8's feedback and optimised code instead of warming up again (a closure per block made
 * by one factory would not share them: V8 allocates feedback lazily).
 */
const COMPILED = new Map<string, { readonly fn: BlockFn; readonly bud: Int32Array }>();
const COMPILED_MAX = 4096;
const EXEC_IDS = new WeakMap<Executor, number>();
let nextExecId = 0;

function execId(e: Executor): number {
  let id = EXEC_IDS.get(e);
  if (id === undefined) EXEC_IDS.set(e, (id = nextExecId++));
  return id;
}

/**
 * Translates the region grown from slot `idx` of a page whose decoded records are `slots`
 * (only slots already decoded by execution: data next to code is never decoded, and
 * translation performs no memory access of its own). Returns a Block for each slot the
 * region can be entered at (the jump targets, `idx` among them), all running one function;
 * null when `idx` is not decoded.
 */
export function translateBlock(slots: readonly (Predecoded | undefined)[], idx: number): Map<number, Block> | null {
  if (!slots[idx]) return null;
  const region = grow(slots, idx);
  const records = slots as readonly Predecoded[];
  const { src, calls } = source(records, region);
  const calling = calls.map((k) => `${k}:${execId(records[k]!.exec)}`).join(' ');
  const budgets = [...region.budget].map(([t, b]) => `${t}:${b}`).join(' ');
  const text = `// calls ${calling}\n// budgets ${budgets}\n${src}`;
  let compiled = COMPILED.get(text);
  if (!compiled) {
    if (COMPILED.size >= COMPILED_MAX) COMPILED.clear();
    const bud = new Int32Array(PAGE_SLOTS);
    for (const [t, b] of region.budget) bud[t] = b;
    compiled = { fn: new Function('core', 'base', 'limit', 'E', 'P', 'R', 'BUD', 'entry', text) as BlockFn, bud };
    COMPILED.set(text, compiled);
  }
  const { fn, bud } = compiled;
  const execs = records.map((r) => r?.exec) as Executor[];
  const entries = new Map<number, Block>();
  for (const [t, len] of region.budget) entries.set(t, { run: (core, pageVa, limit) => fn(core, pageVa, limit, execs, records, RUNTIME, bud, t), len });
  return entries;
}
