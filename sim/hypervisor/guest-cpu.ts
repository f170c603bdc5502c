// Layer: sim/hypervisor. A guest CPU as the hypervisor sees it after a trap to EL2: its registers
// (x0..x30 are the guest's, PSTATE and PC are in SPSR_EL2/ELR_EL2), translation of guest
// addresses through stage 1 (and 2), entering and leaving the guest. Imports sim/cpu and sim/hv types.

import { REG_SP_EL0, REG_SP_EL1, vaFromBigint, type Core } from '../cpu/index.ts';
import { successPar, translateVa } from '../cpu/executors/branch-sys-at.ts';
import type { GuestRegisters } from '../hv/mmio-forms.ts';
import { newExcInfo, type ExcInfo } from '../hv/exc-info.ts';
import { enterLevel } from '../machine/core-context.ts';

const MODE_EL1H = 0b0101;
const SPSR_DAIF = 0xf << 6;

export function guestRegisters(core: Core): GuestRegisters {
  return {
    x: (n) => (n === 31 ? 0n : core.getX(n)),
    setX: (n, v) => {
      if (n !== 31) core.setX(n, BigInt.asUintN(64, v));
    },
    q: (n) => {
      const [lo, hi] = core.getV(n);
      return (hi << 64n) | lo;
    },
    setQ: (n, v) => core.setV(n, BigInt.asUintN(64, v), BigInt.asUintN(64, v >> 64n)),
  };
}

export interface GuestTranslation {
  /** The IPA (stage 1 only) or PA (stages 1 and 2). */
  readonly addr: bigint;
  /** PAR_EL1 as AT would leave it (ATTR, SH, PA). */
  readonly par: bigint;
}

/**
 * hv_translate: `va` through the guest's EL1&0 regime (as the exception level in SPSR_EL2
 * selects) and, unless `s1Only`, stage 2. With the guest MMU off the VA is the IPA (§6.11).
 */
export function translateGuest(core: Core, va: bigint, s1Only: boolean, write: boolean): GuestTranslation | undefined {
  const regime = core.regime10;
  const el = Number((core.sysregs.get('SPSR_EL2') >> 2n) & 3n);
  // Stage 1 off and no stage 2 asked for: the VA is the answer, with no attributes in the PAR.
  if (!regime.mmuOn && s1Only) return { addr: va, par: va & 0x000f_ffff_ffff_f000n };
  const n = vaFromBigint(va);
  if (Number.isNaN(n)) return undefined;
  const r = translateVa(core, n, { regime, write, priv: el !== 0, pan: false, stage2: !s1Only });
  if (!r.ok) return undefined;
  return { addr: BigInt(r.pa), par: successPar(regime, core.sysregs.get('MAIR_EL1'), r) };
}

/** The guest-visible part of a trapped core, as exc_info carries it (§9.2). */
export function captureContext(core: Core, info: ExcInfo): void {
  for (let i = 0; i < 31; i++) info.regs[i] = core.getX(i);
  info.regs[31] = 0n;
  const sr = core.sysregs;
  info.spsr = sr.get('SPSR_EL2');
  info.elr = sr.get('ELR_EL2');
  info.esr = sr.get('ESR_EL2');
  info.far = sr.get('FAR_EL2');
  info.afsr1 = sr.get('AFSR1_EL2');
  info.sp[0] = core.getSp(REG_SP_EL0);
  info.sp[1] = core.getSp(REG_SP_EL1);
  info.cpuId = BigInt(core.cpu);
  info.mpidr = sr.get('MPIDR_EL1');
}

/**
 * The exc_info of a trapped CPU as the firmware fills it at a session's start (§9.2): its context,
 * the structure's own address, `extra`, and the stage-1+2 translations of ELR, FAR and the SP of
 * the level it came from (0 when untranslatable).
 */
export function excInfoFor(core: Core, addr: bigint, extra: bigint, phys: (va: bigint) => bigint): ExcInfo {
  const info = newExcInfo();
  captureContext(core, info);
  info.sp[2] = addr;
  info.extra = extra;
  info.elrPhys = phys(info.elr);
  info.farPhys = phys(info.far);
  info.spPhys = phys((info.spsr >> 2n) & 3n ? info.sp[1] : info.sp[0]);
  return info;
}

/** What the firmware writes back from exc_info before returning to the guest (§9.2, §9.4 step 5). */
export function restoreContext(core: Core, info: ExcInfo): void {
  for (let i = 0; i < 31; i++) core.setX(i, info.regs[i]!);
  core.sysregs.set('SPSR_EL2', info.spsr);
  core.sysregs.set('ELR_EL2', info.elr);
  core.setSp(REG_SP_EL0, info.sp[0]);
  core.setSp(REG_SP_EL1, info.sp[1]);
}

/** Enters the guest at EL1h (§9.1 step 2): SPSR = DAIF | EL1h, SP_EL0 = SP_EL1 = 0, x0..x3. */
export function enterGuest(core: Core, entry: bigint, args: readonly bigint[]): void {
  for (let i = 0; i < 31; i++) core.setX(i, args[i] ?? 0n);
  core.setSp(REG_SP_EL0, 0n);
  core.setSp(REG_SP_EL1, 0n);
  enterLevel(core, 1, 1, vaFromBigint(entry), SPSR_DAIF | MODE_EL1H);
}

/** Returns from EL2 into the guest with SPSR_EL2/ELR_EL2 (after `advance` bytes). */
export function resumeGuest(core: Core, advance = 0n): void {
  if (advance) core.sysregs.set('ELR_EL2', BigInt.asUintN(64, core.sysregs.get('ELR_EL2') + advance));
  core.eret();
}
