// Layer: sim/cpu/executors. SYS (TLBI, IC, DC, AT, the RCTX ops), SYSL and MRS/MSR (register)
// of the branch-sys group (see README.md, branch-sys.ts). Imports core/arch/a64 and sim/cpu.
//
// - TLBI: the scope goes to core.tlbi ('all' | 'asid' | 'va' with or without ASID). The model's
//   TLB may drop more than asked (the architecture allows over-invalidation): range ops, the
//   IPA ops and every EL2/stage-2 op flush all. Inner/Outer Shareable forms act on this core
//   only — the core has no reach to the others (see the report to the lead).
//   EL1 ops: UNDEFINED at EL0, trap to EL2 (EC 0x18) when HCR_EL2.TTLB = 1; EL2 ops UNDEFINED
//   below EL2; EL3 ops UNDEFINED (no EL3).
// - IC IALLU(IS): drops the whole code cache; IC IVAU: the code page holding the line. Stores
//   already invalidate decoded code (code-cache.ts), so this only matters for memory changed
//   behind the CPU's back. DC ZVA zeroes DCZID_EL0's block, 64 bytes on the M1 (spec §10.4:
//   "64 zero bytes at VA = Xt"). Other DC ops by VA move no data but translate the address and
//   fault (CM = 1, WnR = 1); set/way ops do nothing.
// - EL0 use: DC CVAC/CVAU/CVAP/CVADP/CIVAC and IC IVAU need SCTLR.UCI, DC ZVA needs SCTLR.DZE,
//   CFP/DVP/CPP need SCTLR.EnRCTX (else EC 0x18); DC IVAC, set/way, IC IALLU(IS), AT, TLBI are
//   UNDEFINED. HCR_EL2.TDZ traps DC ZVA from EL0/EL1 to EL2.
// - AT: stage 1 (S1E0*, S1E1*, S1E2*) or stage 1+2 (S12E*), PAR_EL1 as Appendix B: on success
//   ATTR 63:56 (MAIR byte), PA 51:12, SH 8:7 (Device 0b10, Normal 0b11 — the walk does not keep
//   the descriptor's SH; macOS and Linux map Normal memory Inner Shareable), NS 0; on a fault
//   F = 1, FST 6:1, PTW 8, S 9, bit 11 RES1. MMU off: PA = VA, Device-nGnRnE (ATTR 0).
// - MRS/MSR (register) go to core.sysregAccess; MRS XZR is resolved here so the trap ISS keeps Rt = 31.

import type { ExecutorDef, Predecoded } from '../executor-registry.ts';
import type { Core } from '../core.ts';
import { sysOpAt } from '../../../core/arch/a64/tables/branch-sys-format.ts';
import { EC, HCR, ISS_DA_CM, ISS_DA_S1PTW, ISS_DA_WNR } from '../constants.ts';
import { raiseSync } from '../exceptions.ts';
import { REG_SINK, REG_ZR } from '../state.ts';
import { SYSREG_TRAP_EL2 } from '../sysregs.ts';
import { noteStore } from '../exclusive-monitor.ts';
import { el0Sctlr, sysIss } from './branch-sys-exc.ts';
import { maintenancePa, successPar, translateVa } from './branch-sys-at.ts';

const TWO32 = 4294967296;
const HCR_TTLB = 1n << 25n;
const SCTLR_ENRCTX = 1n << 10n;
const SCTLR_DZE = 1n << 14n;
const SCTLR_UCI = 1n << 26n;
/** DCZID_EL0.BS = 4: 2^4 words = 64 bytes. */
export const DC_ZVA_BYTES = 64;

type Fields = Readonly<Record<string, number>> | undefined;

const undef = (core: Core): never => core.undefinedInstruction();

/** Xt as the signed-number VA. */
function xVa(core: Core, slot: number): number {
  return core.x[slot * 2 + 1]! * TWO32 + (core.x[slot * 2]! >>> 0);
}

/** The word's SYS fields packed into p.d as an EC 0x18 ISS (Dir = 0), for traps. */
function sysTrapIss(f: Readonly<Record<string, number>>): number {
  return sysIss(1, f.op1!, f.CRn!, f.CRm!, f.op2!, f.Rt!, false);
}

// ---- TLBI (p.a = Rt slot, p.d = trap ISS) ----

function tlbiEl1Check(core: Core, p: Predecoded): void {
  if (core.el === 0) core.undefinedInstruction();
  if (core.el === 1 && (core.sysregs.get('HCR_EL2') & HCR_TTLB) !== 0n) raiseSync(core, EC.SYSREG, p.d, { target: 2 });
}

/** TLBI operand: VA[55:12] in Xt[43:0] (sign-extended from VA bit 55), ASID in Xt[63:48]. */
function tlbiVa(core: Core, slot: number): number {
  const hi = core.x[slot * 2 + 1]!;
  const page = (hi & 0x7ff) * TWO32 + (core.x[slot * 2]! >>> 0) - (hi & 0x800 ? 2 ** 43 : 0);
  return page * 4096;
}

function tlbiAsid(core: Core, slot: number): number {
  const asid = core.x[slot * 2 + 1]! >>> 16;
  // With TCR_EL1.AS = 0 ASIDs are 8 bits (the walk records them so, mmu.ts).
  return (core.regime10.tcr >> 36n) & 1n ? asid : asid & 0xff;
}

const tlbiAll1 = (core: Core, p: Predecoded): void => (tlbiEl1Check(core, p), core.tlbi('all'));
const tlbiAsid1 = (core: Core, p: Predecoded): void => (tlbiEl1Check(core, p), core.tlbi('asid', 0, tlbiAsid(core, p.a)));
const tlbiVa1 = (core: Core, p: Predecoded): void => (tlbiEl1Check(core, p), core.tlbi('va', tlbiVa(core, p.a), tlbiAsid(core, p.a)));
const tlbiVaa1 = (core: Core, p: Predecoded): void => (tlbiEl1Check(core, p), core.tlbi('va', tlbiVa(core, p.a), -1));
function tlbiEl2(core: Core): void {
  if (core.el < 2) core.undefinedInstruction();
  core.tlbi('all');
}
function tlbiVaEl2(core: Core, p: Predecoded): void {
  if (core.el < 2) core.undefinedInstruction();
  core.tlbi('va', tlbiVa(core, p.a), -1);
}

/** The TLBI operation name (sys-ops.ts) → exec. */
function tlbiExec(op: string, op1: number): ((core: Core, p: Predecoded) => void) | undefined {
  const base = op.replace(/(os|is)$/, '');
  if (op1 === 6) return undefined; // EL3 ops
  if (op1 === 0) {
    if (base === 'vmalle1') return tlbiAll1;
    if (base === 'aside1') return tlbiAsid1;
    if (base === 'vae1' || base === 'vale1') return tlbiVa1;
    if (base === 'vaae1' || base === 'vaale1') return tlbiVaa1;
    return tlbiAll1; // range forms: over-invalidate
  }
  if (base === 'vae2' || base === 'vale2') return tlbiVaEl2;
  return tlbiEl2; // alle2, alle1, vmalls12e1, ipas2*, ranges
}

// ---- IC, DC (p.a = Rt slot, p.d = trap ISS) ----

/** EL0 cache maintenance needs the SCTLR bit `bit`, else EC 0x18 (to EL1, or EL2 under TGE). */
function el0Enable(core: Core, p: Predecoded, bit: bigint): void {
  if (core.el === 0 && (el0Sctlr(core) & bit) === 0n) raiseSync(core, EC.SYSREG, p.d);
}

function privOnly(core: Core): void {
  if (core.el === 0) core.undefinedInstruction();
}

function icIallu(core: Core): void {
  privOnly(core);
  core.codeCache.clear();
  core.contextChanged();
}

function icIvau(core: Core, p: Predecoded): void {
  el0Enable(core, p, SCTLR_UCI);
  const pa = maintenancePa(core, xVa(core, p.a), false);
  if (pa === pa) core.codeCache.written(pa - (pa % 4096), 1);
}

function dcByVa(core: Core, p: Predecoded): void {
  el0Enable(core, p, SCTLR_UCI);
  maintenancePa(core, xVa(core, p.a), false);
}

function dcIvac(core: Core, p: Predecoded): void {
  privOnly(core);
  maintenancePa(core, xVa(core, p.a), true);
}

function dcZva(core: Core, p: Predecoded): void {
  el0Enable(core, p, SCTLR_DZE);
  const hcr = core.sysregs.get('HCR_EL2');
  if (core.el < 2 && (hcr & HCR.TDZ) !== 0n && (hcr & HCR.TGE) === 0n) raiseSync(core, EC.SYSREG, p.d, { target: 2 });
  const va = xVa(core, p.a);
  const base = va - (((va % DC_ZVA_BYTES) + DC_ZVA_BYTES) % DC_ZVA_BYTES);
  // One 64-byte block never crosses a page: the first store takes any translation fault before
  // anything is written.
  for (let off = 0; off < DC_ZVA_BYTES; off += 8) core.write64(base + off, 0, 0);
  noteStore(core, base, DC_ZVA_BYTES);
}

function rctx(core: Core, p: Predecoded): void {
  el0Enable(core, p, SCTLR_ENRCTX);
}

// ---- AT (p.a = Rt slot, p.b = flags) ----

const AT_WRITE = 1;
const AT_EL0 = 2;
const AT_PAN = 4;
const AT_S12 = 8;
const AT_EL2 = 16; // the EL2 (or EL2&0) regime
const AT_NEEDS_EL2 = 32;

const AT_FLAGS: Readonly<Record<string, number>> = {
  s1e1r: 0, s1e1w: AT_WRITE, s1e0r: AT_EL0, s1e0w: AT_EL0 | AT_WRITE, s1e1rp: AT_PAN, s1e1wp: AT_PAN | AT_WRITE,
  s1e2r: AT_EL2 | AT_NEEDS_EL2, s1e2w: AT_EL2 | AT_WRITE | AT_NEEDS_EL2,
  s12e1r: AT_S12 | AT_NEEDS_EL2, s12e1w: AT_S12 | AT_WRITE | AT_NEEDS_EL2,
  s12e0r: AT_S12 | AT_EL0 | AT_NEEDS_EL2, s12e0w: AT_S12 | AT_EL0 | AT_WRITE | AT_NEEDS_EL2,
};

const PAR_F = 1n;
const PAR_PTW = 1n << 8n;
const PAR_S = 1n << 9n;
const PAR_RES1_FAULT = 1n << 11n;

function execAt(core: Core, p: Predecoded): void {
  const flags = p.b;
  if (core.el === 0 || ((flags & AT_NEEDS_EL2) !== 0 && core.el < 2)) core.undefinedInstruction();
  const va = xVa(core, p.a);
  // Executed at EL2 with E2H = TGE = 1, the EL1/EL0 forms translate in the EL2&0 regime.
  const inEl2 = (flags & AT_EL2) !== 0 || (core.el === 2 && (flags & AT_S12) === 0 && core.el0InEl2Regime);
  const regime = inEl2 ? core.regime2 : core.regime10;
  const r = translateVa(core, va, { regime, write: (flags & AT_WRITE) !== 0, priv: (flags & AT_EL0) === 0, pan: (flags & AT_PAN) !== 0 && core.pan === 1, stage2: (flags & AT_S12) !== 0 });
  let par: bigint;
  if (!r.ok) {
    // A stage-2 fault on the stage-1 walk of an EL1 AT S1E* is an exception to EL2, not a PAR result.
    if (r.stage2 && (flags & AT_S12) === 0) raiseSync(core, EC.DABORT_LOWER, r.fsc | ISS_DA_CM | ISS_DA_WNR | ISS_DA_S1PTW, { far: va, ipa: r.ipa, target: 2 });
    par = PAR_F | (BigInt(r.fsc & 0x3f) << 1n) | (r.ptw ? PAR_PTW : 0n) | (r.stage2 ? PAR_S : 0n) | PAR_RES1_FAULT;
  } else {
    par = successPar(regime, core.sysregs.get(inEl2 ? 'MAIR_EL2' : 'MAIR_EL1'), r);
  }
  core.sysregs.set('PAR_EL1', par);
}

// ---- SYS dispatch ----

function prepareSys(p: Predecoded, _w: number, f: Fields): void {
  p.a = f!.Rt! === 31 ? REG_ZR : f!.Rt!;
  p.d = sysTrapIss(f!);
  const row = sysOpAt(f!.op1!, f!.CRn!, f!.CRm!, f!.op2!);
  if (!row) return; // p.exec stays UNDEFINED
  const [mnemonic, op, op1] = row;
  switch (mnemonic) {
    case 'tlbi':
      p.exec = tlbiExec(op, op1) ?? undef;
      return;
    case 'ic':
      p.exec = op === 'ivau' ? icIvau : icIallu;
      return;
    case 'dc':
      p.exec = op === 'zva' ? dcZva : op === 'ivac' ? dcIvac : op.endsWith('sw') ? privOnly : dcByVa;
      return;
    case 'at':
      if (AT_FLAGS[op] === undefined) return; // S1E3*: no EL3
      p.b = AT_FLAGS[op]!;
      p.exec = execAt;
      return;
    default:
      p.exec = rctx; // CFP/DVP/CPP RCTX: prediction restriction, nothing to restrict in the model
  }
}

// ---- MRS / MSR (register): p.imm = key, p.a = Rt slot ----

function sysKey(f: Readonly<Record<string, number>>): number {
  return (f.op0! << 14) | (f.op1! << 11) | (f.CRn! << 7) | (f.CRm! << 3) | f.op2!;
}

function execMrs(core: Core, p: Predecoded): void {
  core.sysregAccess(p.imm, p.a, true);
}

/** MRS XZR: as core.sysregAccess, but the trap ISS says Rt = 31 and the value goes nowhere. */
function execMrsZr(core: Core, p: Predecoded): void {
  const def = core.sysregs.resolve(p.imm, core.el, false);
  if (def === SYSREG_TRAP_EL2) {
    const k = p.imm;
    raiseSync(core, EC.SYSREG, sysIss(k >> 14, (k >> 11) & 7, (k >> 7) & 15, (k >> 3) & 15, k & 7, 31, true), { target: 2 });
  }
  if (typeof def === 'number') core.undefinedInstruction();
  core.sysregs.read(def);
}

function execMsr(core: Core, p: Predecoded): void {
  core.sysregAccess(p.imm, p.a, false);
}

export const SYS_EXECUTORS: readonly ExecutorDef[] = [
  { id: 'SYS', exec: undef, prepare: prepareSys },
  // No SYSL operation exists on the M1 (none in LLVM's table either): UNDEFINED.
  { id: 'SYSL', exec: undef },
  {
    id: 'MRS',
    exec: execMrs,
    prepare: (p, _w, f) => {
      p.imm = sysKey(f!);
      p.a = f!.Rt === 31 ? REG_SINK : f!.Rt!;
      if (f!.Rt === 31) p.exec = execMrsZr;
    },
  },
  {
    id: 'MSR_reg',
    exec: execMsr,
    prepare: (p, _w, f) => {
      p.imm = sysKey(f!);
      p.a = f!.Rt === 31 ? REG_ZR : f!.Rt!;
    },
  },
];
