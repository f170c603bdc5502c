// Layer: sim/cpu/executors. Address translation for the SYS instructions that name a VA
// without accessing it: AT (result in PAR_EL1) and the cache maintenance ops (DC/IC by VA,
// which fault as the architecture says but move no data). Imports sim/cpu.
//
// The walk is mmu.ts's; stage 2 is the core's hook. Unlike a load, nothing here fills the TLB
// or checks watchpoints (Arm ARM: AT and cache maintenance do not generate watchpoints).

import type { Core, Stage2Access } from '../core.ts';
import { EC, FSC, ISS_DA_CM, ISS_DA_S1PTW, ISS_DA_WNR } from '../constants.ts';
import { raiseSync, syncTargetEl } from '../exceptions.ts';
import { ACCESS_READ, ACCESS_WRITE, isFault, permits, walkStage1, type Regime } from '../mmu.ts';

export interface TranslateRequest {
  readonly regime: Regime;
  readonly write: boolean;
  /** Privileged permission check (EL1/EL2); false: EL0's. */
  readonly priv: boolean;
  /** PSTATE.PAN applies (AT S1E1RP/WP). */
  readonly pan: boolean;
  /** Pass the output IPA through the stage-2 hook (stage 1+2 AT, cache maintenance); table reads always go through it. */
  readonly stage2: boolean;
}

export type TranslateResult =
  | { readonly ok: true; readonly pa: number; readonly attrIndex: number; readonly emulate: boolean }
  | { readonly ok: false; readonly fsc: number; readonly stage2: boolean; readonly ptw: boolean; readonly ipa: number };

function access(core: Core, va: number, write: boolean, s1ptw: boolean): Stage2Access {
  return { va, write: write && !s1ptw, size: s1ptw ? 8 : 1, el: core.el, pc: core.pc, fetch: false, s1ptw };
}

/**
 * PAR_EL1 after a successful translation (Appendix B): ATTR from the regime's MAIR (0 with the
 * MMU off), SH (inner shareable for Normal memory, outer otherwise), the PA's page.
 */
export function successPar(regime: Regime, mair: bigint, r: { readonly pa: number; readonly attrIndex: number }): bigint {
  const attr = regime.mmuOn ? (mair >> BigInt(r.attrIndex * 8)) & 0xffn : 0n;
  const sh = (attr & 0xf0n) === 0n ? 2n : 3n;
  const pa = BigInt(r.pa - (r.pa % 4096)) & 0x000f_ffff_ffff_f000n;
  return (attr << 56n) | pa | (sh << 7n);
}

/** Walks `va` as the request says; faults are returned, never raised. */
export function translateVa(core: Core, va: number, req: TranslateRequest): TranslateResult {
  const hook = core.stage2;
  let s2Fault: { fsc: number; ipa: number } | undefined;
  const walk = walkStage1(req.regime, va, (ipa) => {
    let pa = ipa;
    if (hook) {
      const r = hook.translate(ipa, access(core, va, req.write, true));
      if ('fault' in r) {
        s2Fault = { fsc: r.fault.fsc ?? FSC.TRANSLATION + 3, ipa };
        return undefined;
      }
      if ('emulate' in r) return hook.emulateRead ? BigInt.asUintN(64, hook.emulateRead(ipa, access(core, va, false, true))) : undefined;
      pa = r.pa;
    }
    return core.bus.read(pa, 8);
  });
  if (s2Fault) return { ok: false, fsc: s2Fault.fsc, stage2: true, ptw: true, ipa: s2Fault.ipa };
  if (isFault(walk)) return { ok: false, fsc: walk.fsc, stage2: false, ptw: false, ipa: 0 };
  if (!permits(walk.perm, req.write ? ACCESS_WRITE : ACCESS_READ, req.priv, req.pan)) {
    return { ok: false, fsc: FSC.PERMISSION + walk.level, stage2: false, ptw: false, ipa: 0 };
  }
  if (!hook || !req.stage2) return { ok: true, pa: walk.oa, attrIndex: walk.attrIndex, emulate: false };
  const r = hook.translate(walk.oa, access(core, va, req.write, false));
  if ('fault' in r) return { ok: false, fsc: r.fault.fsc ?? FSC.TRANSLATION + 3, stage2: true, ptw: false, ipa: walk.oa };
  if ('emulate' in r) return { ok: true, pa: walk.oa, attrIndex: walk.attrIndex, emulate: true };
  return { ok: true, pa: r.pa, attrIndex: walk.attrIndex, emulate: false };
}

/**
 * The PA a cache-maintenance instruction at the current EL names, raising the data abort the
 * architecture gives on a fault (ISS CM = 1 and WnR = 1, as for every cache maintenance fault);
 * NaN when the page is emulated by the stage-2 hook (nothing to maintain).
 */
export function maintenancePa(core: Core, va: number, write: boolean): number {
  const regime = core.inEl2Regime() ? core.regime2 : core.regime10;
  const r = translateVa(core, va, { regime, write, priv: core.el !== 0, pan: false, stage2: true });
  if (r.ok) return r.emulate ? Number.NaN : r.pa;
  const iss = r.fsc | ISS_DA_CM | ISS_DA_WNR | (r.ptw ? ISS_DA_S1PTW : 0);
  if (r.stage2) raiseSync(core, EC.DABORT_LOWER, iss, { far: va, ipa: r.ipa, target: 2 });
  return raiseSync(core, EC.DABORT_LOWER, iss, { far: va, target: syncTargetEl(core, EC.DABORT_LOWER) });
}
