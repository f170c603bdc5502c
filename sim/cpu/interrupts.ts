// Layer: sim/cpu. IRQ/FIQ delivery: the physical lines (AIC → IRQ; timers, fast IPIs and
// other sources → FIQ, apple-devices §2.5) and HCR_EL2's virtual lines VI/VF, routed by
// HCR_EL2.IMO/FMO/TGE and masked by PSTATE.I/F as the architecture says: an interrupt
// routed to a higher EL than the current one is not masked by PSTATE (except EL0 under
// TGE), one routed to the current EL is, one routed to a lower EL is not taken. Virtual
// interrupts exist only with the routing bit set and TGE = 0, at EL0/EL1.
// Imports this folder only (Core as a type).

import { DAIF_F, DAIF_I, HCR } from './constants.ts';
import { takeInterrupt } from './exceptions.ts';
import type { Core } from './core.ts';

/** Takes a pending, unmasked IRQ/FIQ (physical or virtual); true if one was taken. */
export function checkInterrupts(core: Core): boolean {
  const hcr = core.sysregs.get('HCR_EL2');
  const fiq = core.fiqLine || core.ipiPending || core.timer.fiqLevel();
  const tge = (hcr & HCR.TGE) !== 0n;
  const pick = (line: boolean, routed: bigint, virt: bigint, mask: number): number => {
    if (line) {
      const target = (hcr & routed) !== 0n || tge ? 2 : 1;
      if (core.el < target && !(target === 2 && tge && core.el === 0 && core.daif & mask)) return target;
      if (core.el === target && !(core.daif & mask)) return target;
    }
    if ((hcr & virt) !== 0n && (hcr & routed) !== 0n && !tge && core.el < 2 && !(core.daif & mask)) return 1;
    return 0;
  };
  const f = pick(fiq, HCR.FMO, HCR.VF, DAIF_F);
  if (f) {
    takeInterrupt(core, 'fiq', f);
    return true;
  }
  const q = pick(core.irqLine, HCR.IMO, HCR.VI, DAIF_I);
  if (q) {
    takeInterrupt(core, 'irq', q);
    return true;
  }
  return false;
}

/** Whether a WFI would end now: any interrupt line asserted, masked or not. */
export function wakeable(core: Core): boolean {
  const hcr = core.sysregs.get('HCR_EL2');
  return core.irqLine || core.fiqLine || core.ipiPending || core.timer.fiqLevel() || (hcr & (HCR.VI | HCR.VF)) !== 0n || (core.waiting === 2 && core.eventRegister);
}

