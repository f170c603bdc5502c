// Layer: sim/cpu/executors. Exception generation, exception return, hints, barriers and MSR
// (immediate) of the branch-sys group (see README.md, branch-sys.ts). Imports sim/cpu.
//
// Choices for a machine without EL3 or halting debug (the M1 as m1n1 runs it), from the Arm ARM:
// - SMC: UNDEFINED at EL0 and EL2; at EL1 it traps to EL2 (EC 0x17, ISS imm16, preferred return
//   the SMC itself) when HCR_EL2.TSC = 1, and is UNDEFINED otherwise.
// - HVC: UNDEFINED at EL0 and when HCR_EL2.HCD = 1; otherwise EC 0x16 to EL2 (core.hvc).
// - HLT, DCPS1/2/3, DRPS: no external debugger, so EDSCR.HDE = 0 and the PE is never in Debug
//   state: all UNDEFINED (EC 0x00).
// - WFI/WFE trap (EC 0x01, ISS CV = 1, COND = 0b1110, TI) to EL1 when SCTLR.nTWI/nTWE = 0 at EL0,
//   to EL2 when HCR_EL2.TWI/TWE = 1 at EL0/EL1 — only when the instruction would wait.
// - PAC hints (PACIASP, AUTIASP, XPACLRI, …) are NOPs: the keys are disabled (branch-sys.ts).
//   XPACLRI strips nothing either: the model never inserts a PAC, so there is nothing to strip.
// - CLREX clears this core's local exclusive monitor (exclusive-monitor.ts).

import type { ExecutorDef, Predecoded } from '../executor-registry.ts';
import type { Core } from '../core.ts';
import { EC, HCR } from '../constants.ts';
import { raiseSync } from '../exceptions.ts';
import { clearExclusive } from '../exclusive-monitor.ts';
import { pure, registerEmitters } from '../block-emit.ts';

const HCR_TWI = 1n << 13n;
const HCR_TWE = 1n << 14n;
const HCR_TSC = 1n << 19n;
const HCR_HCD = 1n << 29n;
const SCTLR_UMA = 1n << 9n;
const SCTLR_NTWI = 1n << 16n;
const SCTLR_NTWE = 1n << 18n;

/** The SCTLR whose EL0 controls apply: SCTLR_EL2 when EL0 runs in the EL2&0 regime. */
export function el0Sctlr(core: Core): bigint {
  return core.sysregs.get(core.el0InEl2Regime ? 'SCTLR_EL2' : 'SCTLR_EL1');
}

/** EC 0x18 ISS for a system instruction (Appendix B: Op0 21:20, Op2 19:17, Op1 16:14, CRn 13:10, Rt 9:5, CRm 4:1, Dir 0). */
export function sysIss(op0: number, op1: number, crn: number, crm: number, op2: number, rt: number, read: boolean): number {
  return (op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | (rt << 5) | (crm << 1) | (read ? 1 : 0);
}

const undef = (core: Core): never => core.undefinedInstruction();
const nop = (): void => {};
registerEmitters([[nop, () => pure('')]]);

// ---- exception generation (p.imm = imm16) ----

function execHvc(core: Core, p: Predecoded): void {
  if (core.el !== 0 && (core.sysregs.get('HCR_EL2') & HCR_HCD) !== 0n) core.undefinedInstruction();
  core.hvc(p.imm);
}

function execSmc(core: Core, p: Predecoded): void {
  if (core.el === 1 && (core.sysregs.get('HCR_EL2') & HCR_TSC) !== 0n) raiseSync(core, EC.SMC64, p.imm, { target: 2 });
  core.undefinedInstruction();
}

function execEret(core: Core): boolean {
  if (core.el === 0) core.undefinedInstruction();
  clearExclusive(core); // an exception return clears the local monitor (exclusive-monitor.ts)
  core.eret();
  return true;
}

// ---- hints ----

function wfxTrap(core: Core, ti: number, elBit: bigint, hcrBit: bigint): void {
  const iss = (1 << 24) | (0xe << 20) | ti;
  if (core.el === 0 && (el0Sctlr(core) & elBit) === 0n) raiseSync(core, EC.WFX, iss);
  const hcr = core.sysregs.get('HCR_EL2');
  if (core.el < 2 && (hcr & hcrBit) !== 0n && (hcr & HCR.TGE) === 0n) raiseSync(core, EC.WFX, iss, { target: 2 });
}

function execWfi(core: Core): void {
  if (core.el < 2 && !core.wakeable()) wfxTrap(core, 0, SCTLR_NTWI, HCR_TWI);
  core.waitFor(1);
}

function execWfe(core: Core): void {
  if (core.el < 2 && !core.eventRegister) wfxTrap(core, 1, SCTLR_NTWE, HCR_TWE);
  core.waitFor(2);
}

// ---- MSR (immediate): p.imm = CRm ----

function execSpsel(core: Core, p: Predecoded): void {
  if (core.el === 0) core.undefinedInstruction();
  core.selectStack(core.el, p.imm & 1);
  core.contextChanged();
}

/** DAIFSet/DAIFClr at EL0 need SCTLR_EL1.UMA = 1, else EC 0x18 (to EL1, or EL2 under TGE). */
function daifEl0Check(core: Core, p: Predecoded): void {
  if (core.el === 0 && (el0Sctlr(core) & SCTLR_UMA) === 0n) raiseSync(core, EC.SYSREG, sysIss(0, 3, 4, p.imm, p.b, 31, false));
}

function execDaifSet(core: Core, p: Predecoded): void {
  daifEl0Check(core, p);
  core.daif |= p.imm;
}

function execDaifClr(core: Core, p: Predecoded): void {
  daifEl0Check(core, p);
  core.daif &= ~p.imm;
  core.contextChanged(); // an unmasked pending interrupt is taken before the next instruction
}

function execPan(core: Core, p: Predecoded): void {
  if (core.el === 0) core.undefinedInstruction();
  core.pan = p.imm & 1;
  core.tlb.flushAll(); // the fast TLB entries were filled under the old PAN (core-sysregs.ts does the same)
  core.contextChanged();
}

function execUao(core: Core, p: Predecoded): void {
  if (core.el === 0) core.undefinedInstruction();
  core.uao = p.imm & 1;
}

function execDit(core: Core, p: Predecoded): void {
  core.dit = p.imm & 1;
}

function execSsbs(core: Core, p: Predecoded): void {
  core.ssbs = p.imm & 1;
}

/** PSTATE field by op1:op2 (branch-sys-format.ts PSTATE_FIELDS); PM (FEAT_EBEP) is not on the M1. */
const PSTATE_EXECS: ReadonlyMap<number, (core: Core, p: Predecoded) => void> = new Map([
  [(0 << 3) | 3, execUao],
  [(0 << 3) | 4, execPan],
  [(0 << 3) | 5, execSpsel],
  [(3 << 3) | 1, execSsbs],
  [(3 << 3) | 2, execDit],
  [(3 << 3) | 6, execDaifSet],
  [(3 << 3) | 7, execDaifClr],
]);

function prepareImm16(p: Predecoded, _w: number, f: Readonly<Record<string, number>> | undefined): void {
  p.imm = f!.imm16!;
}

const HINT_NOPS = [
  'NOP', 'YIELD', 'DGH', 'XPACLRI', 'PACIA1716', 'PACIB1716', 'AUTIA1716', 'AUTIB1716', 'ESB', 'TSB', 'CSDB',
  'PACIAZ', 'PACIASP', 'PACIBZ', 'PACIBSP', 'AUTIAZ', 'AUTIASP', 'AUTIBZ', 'AUTIBSP', 'HINT',
];

export const EXC_SYSTEM_EXECUTORS: readonly ExecutorDef[] = [
  { id: 'SVC', exec: (core, p) => core.svc(p.imm), prepare: prepareImm16 },
  { id: 'HVC', exec: execHvc, prepare: prepareImm16 },
  { id: 'SMC', exec: execSmc, prepare: prepareImm16 },
  { id: 'BRK', exec: (core, p) => core.brk(p.imm), prepare: prepareImm16 },
  { id: 'HLT', exec: undef },
  { id: 'DCPS1', exec: undef },
  { id: 'DCPS2', exec: undef },
  { id: 'DCPS3', exec: undef },
  { id: 'UDF', exec: undef },
  { id: 'ERET', exec: execEret },
  { id: 'ERETA', exec: execEret },
  { id: 'DRPS', exec: undef },
  ...HINT_NOPS.map((id): ExecutorDef => ({ id, exec: nop })),
  { id: 'WFI', exec: execWfi },
  { id: 'WFE', exec: execWfe },
  { id: 'SEV', exec: (core) => core.sendEvent() },
  { id: 'SEVL', exec: (core) => core.sendEvent(true) },
  // The model is sequentially consistent and applies system-register writes at once: barriers
  // (DSB incl. SSBB/PSSBB, DMB, ISB, SB) have nothing to order or synchronise.
  { id: 'DSB', exec: nop },
  { id: 'DMB', exec: nop },
  { id: 'ISB', exec: nop },
  { id: 'SB', exec: nop },
  { id: 'CLREX', exec: (core) => clearExclusive(core) },
  {
    id: 'MSR_imm',
    exec: undef,
    prepare: (p, _w, f) => {
      p.imm = f!.CRm!;
      p.b = f!.op2!;
      p.exec = PSTATE_EXECS.get((f!.op1! << 3) | f!.op2!) ?? undef;
    },
  },
];
