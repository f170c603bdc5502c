// Layer: sim/cpu. LDTR/STTR ("unprivileged") permission checks: at EL1 (and at EL2 in the
// EL2&0 regime with HCR_EL2.TGE = 1), without PSTATE.UAO, these loads and stores are checked
// as if made from EL0 while any fault is still taken from the current EL (Arm ARM
// AArch64.CheckPermission with AccType_UNPRIV). Imports this folder only (Core as a type).
//
// The check walks stage 1 itself and raises the EL0 permission fault; the access then goes
// through Core.read*/write* at the current EL. PSTATE.PAN does not apply to an unprivileged
// access, so when PAN is set it is lifted for the access alone and the TLB entries the access
// made for that page are dropped again (they were filled without the PAN check).

import { EC, FSC, ISS_DA_WNR, SPSR } from './constants.ts';
import { ACCESS_READ, ACCESS_WRITE, isFault, permits, walkStage1 } from './mmu.ts';
import { EXCEPTION_TAKEN, raiseSync, syncTargetEl } from './exceptions.ts';
import type { Core } from './core.ts';

/** Whether LDTR/STTR are unprivileged at the core's current EL and PSTATE. */
export function unprivilegedApplies(core: Core): boolean {
  if (core.uao !== 0) return false;
  return core.el === 1 || (core.el === 2 && core.el0InEl2Regime);
}

/** Raises the permission fault an EL0 access of `size` bytes at `va` would take; returns when allowed. */
export function checkEl0Access(core: Core, va: number, size: number, write: boolean): void {
  checkPage(core, va, write);
  const last = va + size - 1;
  if ((last & ~0xfff) !== (va & ~0xfff)) checkPage(core, last, write);
}

function checkPage(core: Core, va: number, write: boolean): void {
  const regime = core.el === 1 ? core.regime10 : core.regime2;
  if (!regime.mmuOn) return;
  const hook = core.stage2;
  const walk = walkStage1(regime, va, (ipa) => {
    let pa = ipa;
    if (hook) {
      const r = hook.translate(ipa, { va, write: false, size: 8, el: core.el, pc: core.pc, fetch: false, s1ptw: true });
      if (!('pa' in r)) return undefined;
      pa = r.pa;
    }
    return core.bus.read(pa, 8);
  });
  // A walk that faults faults the same way for the real access, which reports it.
  if (isFault(walk)) return;
  if (!permits(walk.perm, write ? ACCESS_WRITE : ACCESS_READ, false, false)) {
    raiseSync(core, EC.DABORT_LOWER, (FSC.PERMISSION + walk.level) | (write ? ISS_DA_WNR : 0), { far: va, target: syncTargetEl(core, EC.DABORT_LOWER) });
  }
}

/**
 * Runs `access` (an executor-level memory operation) with PSTATE.PAN lifted; restores it, also
 * in the SPSR an exception taken meanwhile saved, and drops the TLB entries of `va`'s page.
 */
export function withoutPan(core: Core, access: (core: Core, kind: number, va: number, reg: number) => void, kind: number, va: number, reg: number): void {
  core.pan = 0;
  try {
    access(core, kind, va, reg);
  } catch (e) {
    if (e === EXCEPTION_TAKEN) {
      const sfx = core.el === 2 ? 'SPSR_EL2' : 'SPSR_EL1';
      core.sysregs.set(sfx, core.sysregs.get(sfx) | BigInt(SPSR.PAN));
    }
    throw e;
  } finally {
    core.pan = 1;
    core.tlb.flushVa(va, -1);
    core.tlb.flushVa(va + 15, -1); // a page-crossing access filled the next page too
  }
}
