// Layer: sim/hypervisor. The CPU model's stage-2 hook backed by the hypervisor's stage-2 map.
// Imports sim/cpu and sim/hv types.
//
// Stage 2 applies to the guest's EL1&0 regime while HCR_EL2.VM = 1 — not to EL2 (m1n1 itself,
// firmware calls) and not to EL0 under TGE. Software descriptors are invalid entries on real
// hardware, so the guest takes a stage-2 data abort to EL2 for them and the hypervisor emulates
// the access (§10.4); they are never cached in the TLB. `forGuest` lets the hypervisor walk a
// guest address while the core sits at EL2 in a trap (hv_translate).

import { HCR, type Core, type Stage2Hook, type Stage2Result } from '../cpu/index.ts';
import { Fsc, type Stage2Map } from '../hv/stage2-map.ts';

export interface HvStage2Hook extends Stage2Hook {
  /** Walk as the guest would, although the core is at EL2. */
  forGuest<T>(fn: () => T): T;
}

export function stage2Hook(core: Core, map: () => Stage2Map | undefined): HvStage2Hook {
  let forcing = 0;
  return {
    translate(ipa, access): Stage2Result {
      const s2 = map();
      const applies = forcing > 0 || (core.el < 2 && !core.el0InEl2Regime && (core.sysregs.get('HCR_EL2') & HCR.VM) !== 0n);
      if (!s2 || !applies) return { pa: ipa };
      const a = s2.stage2Answer(ipa, access.write);
      // Software pages fault (translation, level 3) so the access reaches the hypervisor as an abort.
      if ('emulate' in a) return { fault: { fsc: Fsc.TRANSLATION + 3 } };
      return a;
    },
    forGuest<T>(fn: () => T): T {
      forcing++;
      try {
        return fn();
      } finally {
        forcing--;
      }
    },
  };
}
