// Layer: sim/machine. Saving and restoring what a firmware call may change on a core, and
// putting a core at an exception level as an ERET would. Imports sim/cpu.

import { Core } from '../cpu/index.ts';

/** System registers a firmware call or its exception handling may overwrite. */
const CALL_CLOBBERED_SYSREGS = [
  'ELR_EL2', 'SPSR_EL2', 'ESR_EL2', 'FAR_EL2', 'HPFAR_EL2',
  'ELR_EL1', 'SPSR_EL1', 'ESR_EL1', 'FAR_EL1', 'VBAR_EL1', 'HCR_EL2',
] as const;

export interface CoreContext {
  readonly x: Int32Array;
  readonly pc: number;
  readonly spsr: number;
  readonly el: number;
  readonly spsel: number;
  readonly sysregs: ReadonlyMap<string, bigint>;
  readonly waiting: number;
}

export function saveContext(core: Core): CoreContext {
  // Bank the live SP first so the copy holds every stack pointer.
  core.selectStack(core.el, core.spsel);
  return {
    x: core.x.slice(),
    pc: core.pc,
    spsr: core.toSpsr(),
    el: core.el,
    spsel: core.spsel,
    sysregs: new Map(CALL_CLOBBERED_SYSREGS.map((n) => [n, core.sysregs.get(n)])),
    waiting: core.waiting,
  };
}

export function restoreContext(core: Core, ctx: CoreContext): void {
  for (const [name, value] of ctx.sysregs) core.sysregs.set(name, value);
  core.x.set(ctx.x);
  core.el = ctx.el;
  core.spsel = ctx.spsel;
  core.loadSpsrFlags(ctx.spsr);
  core.pc = ctx.pc;
  core.waiting = ctx.waiting;
  core.steppedOne = false;
  core.contextChanged();
}

/** Puts the core at `el` (SP_ELx when `spsel`, SP_EL0 otherwise) with PSTATE flags from `spsr`. */
export function enterLevel(core: Core, el: number, spsel: number, pc: number, spsr: number): void {
  core.selectStack(el, el === 0 ? 0 : spsel);
  core.loadSpsrFlags(spsr);
  core.pc = pc;
  core.waiting = 0;
  core.steppedOne = false;
  core.contextChanged();
}
