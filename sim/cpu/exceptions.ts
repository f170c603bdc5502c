// Layer: sim/cpu. Exception entry and return for AArch64 EL0–EL2 (no EL3, no AArch32, as on
// M1). Imports this folder only (Core as a type).
//
// Entry writes the architecture's ESR/ELR/SPSR(/FAR, HPFAR) of the target EL, switches PSTATE
// to ELxh with D, A, I, F set, and jumps to VBAR_ELx + offset (VECTOR, by source EL and SP).
// An exception taken to EL2 is then handed to `core.onTrapToEl2` when the hypervisor model
// installed one: it sees the architectural EL2 state and resumes the guest with `eret`.

import { EC, EC_LOWER_SAME_PAIRS, ESR_EC_SHIFT, ESR_IL, HCR, MDCR, MODE, SPSR, VECTOR, DAIF_D, DAIF_A, DAIF_I, DAIF_F } from './constants.ts';
import { vaFromBigint, vaToBigint } from './state.ts';
import type { Core } from './core.ts';

/** Thrown (this one object) after an exception was taken mid-instruction; the run loop catches it. */
export const EXCEPTION_TAKEN: { readonly exceptionTaken: true } = Object.freeze({ exceptionTaken: true });

/** What the hypervisor model receives. */
export interface Syndrome {
  readonly ec: number;
  readonly iss: number;
  /** ESR value as written to ESR_EL2. */
  readonly esr: number;
  readonly fromEl: number;
  /** FAR (VA) when the exception class sets one. */
  readonly far?: bigint;
  /** Faulting IPA of a stage-2 abort (HPFAR holds it >> 12 << 4). */
  readonly ipa?: bigint;
  readonly kind: 'sync' | 'irq' | 'fiq';
}

export interface SyncOptions {
  /** VA for FAR_ELx; omitted → FAR left unchanged. */
  far?: number;
  /** Faulting IPA (stage-2 aborts): sets HPFAR_EL2. */
  ipa?: number;
  /** Preferred return address (default: the current instruction). */
  returnPc?: number;
  /** The instruction completed (SVC/HVC/SMC): SPSR.SS is written 0. */
  completed?: boolean;
  /** Target EL when the caller knows it (stage-2 aborts, EL2 traps); otherwise `syncTargetEl`. */
  target?: number;
  /** IL bit (default 1: every A64 instruction is 32-bit). */
  il?: boolean;
}

const DEBUG_ECS: ReadonlySet<number> = new Set([EC.BREAKPOINT_LOWER, EC.STEP_LOWER, EC.WATCHPOINT_LOWER, EC.BRK64]);

/** The EL2 debug target rule (MDCR_EL2.TDE, HCR_EL2.TGE). */
export function debugTargetEl(core: Core): number {
  return (core.sysregs.get('MDCR_EL2') & MDCR.TDE) !== 0n || (core.sysregs.get('HCR_EL2') & HCR.TGE) !== 0n ? 2 : 1;
}

/** Where a synchronous exception of class `ec` (lower-EL form) goes from the current EL. */
export function syncTargetEl(core: Core, ec: number): number {
  if (core.el === 2) return 2;
  if (ec === EC.HVC64 || ec === EC.SMC64) return 2;
  const hcr = core.sysregs.get('HCR_EL2');
  if (core.el === 0 && (hcr & HCR.TGE) !== 0n) return 2;
  if (DEBUG_ECS.has(ec)) return debugTargetEl(core);
  return 1;
}

/** Takes a synchronous exception and throws EXCEPTION_TAKEN. `ec` is given in its lower-EL form for paired classes. */
export function raiseSync(core: Core, ec: number, iss: number, opts: SyncOptions = {}): never {
  takeSync(core, ec, iss, opts);
  throw EXCEPTION_TAKEN;
}

export function takeSync(core: Core, ec: number, iss: number, opts: SyncOptions = {}): void {
  const from = core.el;
  const target = opts.target ?? syncTargetEl(core, ec);
  const finalEc = EC_LOWER_SAME_PAIRS.includes(ec) && target === from ? ec + 1 : ec;
  const esr = ((finalEc << ESR_EC_SHIFT) | (opts.il === false ? 0 : ESR_IL) | (iss & 0x1ffffff)) >>> 0;
  if (opts.completed) core.ss = 0;
  enter(core, target, VECTOR.SYNC, opts.returnPc ?? core.pc);
  const sfx = target === 2 ? 'EL2' : 'EL1';
  core.sysregs.set(`ESR_${sfx}`, BigInt(esr));
  if (opts.far !== undefined) core.sysregs.set(`FAR_${sfx}`, vaToBigint(opts.far));
  if (opts.ipa !== undefined && target === 2) core.sysregs.set('HPFAR_EL2', BigInt(Math.floor(opts.ipa / 4096)) << 4n);
  if (target === 2 && core.onTrapToEl2) {
    const syndrome: Syndrome = {
      ec: finalEc,
      iss: iss & 0x1ffffff,
      esr,
      fromEl: from,
      kind: 'sync',
      ...(opts.far !== undefined ? { far: vaToBigint(opts.far) } : {}),
      ...(opts.ipa !== undefined ? { ipa: BigInt(opts.ipa) } : {}),
    };
    core.onTrapToEl2(core, syndrome);
  }
}

/** Takes an IRQ or FIQ to `target` (the current instruction has not started). */
export function takeInterrupt(core: Core, kind: 'irq' | 'fiq', target: number): void {
  const from = core.el;
  enter(core, target, kind === 'irq' ? VECTOR.IRQ : VECTOR.FIQ, core.pc);
  if (target === 2 && core.onTrapToEl2) core.onTrapToEl2(core, { ec: 0, iss: 0, esr: 0, fromEl: from, kind });
}

function enter(core: Core, target: number, typeOffset: number, returnPc: number): void {
  const from = core.el;
  const sfx = target === 2 ? 'EL2' : 'EL1';
  const base = from < target ? VECTOR.LOWER_A64 : core.spsel ? VECTOR.CURRENT_SPX : VECTOR.CURRENT_SP0;
  core.sysregs.set(`SPSR_${sfx}`, BigInt(core.toSpsr()));
  core.sysregs.set(`ELR_${sfx}`, vaToBigint(returnPc));
  core.selectStack(target, 1);
  core.daif = DAIF_D | DAIF_A | DAIF_I | DAIF_F;
  core.ss = 0;
  core.il = 0;
  core.btype = 0;
  // SCTLR_ELx.SPAN = 0 sets PAN on entry to EL1 (bit 23).
  if (target === 1 && (core.sysregs.get('SCTLR_EL1') & (1n << 23n)) === 0n) core.pan = 1;
  core.steppedOne = false;
  core.pc = vaFromBigint(core.sysregs.get(`VBAR_${sfx}`)) + base + typeOffset;
  core.contextChanged();
}

/**
 * ERET from EL1 or EL2: PSTATE from SPSR_ELx, PC from ELR_ELx. An illegal return (AArch32
 * or unknown mode, a higher EL, EL1 while HCR_EL2.TGE = 1) keeps EL and SP, restores the other
 * fields and sets PSTATE.IL, so the next instruction takes an Illegal Execution State
 * exception (EC 0x0E). PSTATE.SS takes SPSR.SS only when software step is enabled at the EL
 * returned to; otherwise 0.
 */
export function eret(core: Core): void {
  const from = core.el;
  const sfx = from === 2 ? 'EL2' : 'EL1';
  const spsr = Number(core.sysregs.get(`SPSR_${sfx}`) & 0xffffffffn);
  const elr = core.sysregs.get(`ELR_${sfx}`);
  const m = spsr & SPSR.M_MASK;
  const targetEl = (m >> 2) & 3;
  const validMode = m === MODE.EL0t || m === MODE.EL1t || m === MODE.EL1h || m === MODE.EL2t || m === MODE.EL2h;
  const tge = (core.sysregs.get('HCR_EL2') & HCR.TGE) !== 0n;
  const illegal = !validMode || targetEl > from || (targetEl === 1 && tge);
  core.loadSpsrFlags(spsr);
  if (illegal) {
    core.il = 1;
  } else {
    core.selectStack(targetEl, m & 1);
  }
  const el = core.el;
  const stepOk = core.debug.ssEnabled && core.debugEnabledAt(el, (spsr & SPSR.D) !== 0);
  core.ss = stepOk && spsr & SPSR.SS ? 1 : 0;
  core.steppedOne = false;
  core.pc = vaFromBigint(elr);
  core.contextChanged();
}
