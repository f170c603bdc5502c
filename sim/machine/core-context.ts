// Layer: sim/machine. What a firmware call saves and restores on a core, and putting a core at
// an exception level as an ERET would. Imports sim/cpu.
//
// Only the call's own footprint comes back: x0..x30 (the function's scratch), PC, PSTATE and the
// stack pointer of the level it ran at. Everything else the called code wrote stays written —
// a host's `msr SP_EL1` / `msr ELR_EL12` / `msr HCR_EL2` stub must take effect (§7.3).

import { REG_SP_EL0, REG_SP_EL1, REG_SP_EL2, type Core } from '../cpu/index.ts';

export interface CoreContext {
  readonly x: Int32Array;
  readonly pc: number;
  readonly spsr: number;
  readonly el: number;
  readonly spsel: number;
  readonly waiting: number;
}

const SP_BANK = [REG_SP_EL0, REG_SP_EL1, REG_SP_EL2] as const;

export function saveContext(core: Core): CoreContext {
  // Bank the live SP first so the copy holds every stack pointer.
  core.selectStack(core.el, core.spsel);
  return { x: core.x.slice(), pc: core.pc, spsr: core.toSpsr(), el: core.el, spsel: core.spsel, waiting: core.waiting };
}

/** Undoes a call that ran at `callEl`: see the header for what comes back. */
export function restoreContext(core: Core, ctx: CoreContext, callEl: number): void {
  core.selectStack(ctx.el, ctx.spsel);
  core.x.set(ctx.x.subarray(0, 31 * 2));
  const bank = SP_BANK[callEl]!;
  core.setSp(bank, (BigInt(ctx.x[bank * 2 + 1]! >>> 0) << 32n) | BigInt(ctx.x[bank * 2]! >>> 0));
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
