// Layer: sim/cpu. The system registers the model implements, as data. Imports this folder and
// core/arch/a64's table of Apple register names.
//
// One row per register: encoding (op0, op1, CRn, CRm, op2), reset value, who may access it and
// what a write sets in motion. Encodings are the architecture's; the ones the spec lists
// (Appendix B, §9.11, apple-devices §2.5) are quoted from there. Behaviour lives in
// sysregs.ts (storage, access rules) and core.ts (effects), keyed by `effect` and `special`.

import { APPLE_SYSREGS } from '../../core/arch/a64/sysregs-apple.ts';
import { M1_BREAKPOINTS, M1_WATCHPOINTS, M1_CNTFRQ_HZ } from './constants.ts';

/** op0:op1:CRn:CRm:op2 packed as in MRS/MSR bits 20:5 (with op0 complete): op0<<14 | op1<<11 | CRn<<7 | CRm<<3 | op2. */
export function sysregKey(op0: number, op1: number, crn: number, crm: number, op2: number): number {
  return (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
}

export function sysregKeyParts(key: number): [number, number, number, number, number] {
  return [(key >> 14) & 3, (key >> 11) & 7, (key >> 7) & 15, (key >> 3) & 15, key & 7];
}

/** What a write (or read) involves beyond storing a value. */
export type SysregEffect =
  | 'mmu' // translation regime changed: flush the fast TLB, recompute the regime
  | 'hcr' // routing of interrupts and traps changed
  | 'timer' // a generic-timer register: reads and writes go to timer.ts
  | 'debug' // a breakpoint/watchpoint/step control: recompute debug.ts's caches
  | 'ipi'; // Apple fast-IPI registers (apple-devices §2.5)

/** Registers whose value is not stored but computed from other state. */
export type SysregSpecial = 'nzcv' | 'daif' | 'currentel' | 'spsel' | 'pan' | 'uao' | 'dit' | 'fpcr' | 'fpsr' | 'sp_el0' | 'sp_el1' | 'counter';

/** Which HCR_EL2 / MDCR_EL2 bit makes an EL1 (or EL0) access trap to EL2 (EC 0x18). */
export type SysregTrap = 'tvm' | 'tda' | 'tacr';

export interface SysregDef {
  readonly name: string;
  readonly key: number;
  readonly reset: bigint;
  /** Lowest EL that may access it (EL0-accessible registers have 0). */
  readonly minEl: 0 | 1 | 2;
  readonly readOnly?: boolean;
  readonly writeOnly?: boolean;
  /** Bits a write may change; the others keep their reset value. Default: all. */
  readonly writeMask?: bigint;
  readonly effect?: SysregEffect;
  readonly special?: SysregSpecial;
  /** With HCR_EL2.E2H = 1, an access from EL2 goes to this register instead (VHE redirection). */
  readonly e2h?: string;
  /** An _EL12/_EL02 encoding: from EL2 with E2H = 1 it names this register; otherwise UNDEFINED. */
  readonly aliasOf?: string;
  readonly trap?: SysregTrap;
}

type Opts = Partial<Omit<SysregDef, 'name' | 'key'>>;
type Row = [name: string, op0: number, op1: number, crn: number, crm: number, op2: number, opts?: Opts];

function minElFor(op1: number): 0 | 1 | 2 {
  return op1 === 4 || op1 === 5 || op1 === 6 ? 2 : 1;
}

/**
 * An EL1 register, its EL2 counterpart (where an EL2 access goes with E2H = 1) and its _EL12
 * alias. The EL2 register has the same CRn/CRm/op2 with op1 = 4, except where `el2At` says.
 */
function vhe(name: string, crn: number, crm: number, op2: number, el2Name: string, opts: Opts = {}, el2Opts: Opts = {}, el2At?: [number, number]): Row[] {
  const base = name.replace(/_EL1$/, '');
  const [crn2, crm2] = el2At ?? [crn, crm];
  return [
    [name, 3, 0, crn, crm, op2, { e2h: el2Name, ...opts }],
    [el2Name, 3, 4, crn2, crm2, op2, { ...opts, trap: undefined, ...el2Opts }],
    [`${base}_EL12`, 3, 5, crn, crm, op2, { aliasOf: name, effect: opts.effect }],
  ];
}

const TIMER: Opts = { effect: 'timer', minEl: 0 };
function timerRows(prefix: 'CNTP' | 'CNTV', crm: number): Row[] {
  const hv = prefix === 'CNTP' ? 'CNTHP' : 'CNTHV';
  const rows: Row[] = [];
  for (const [reg, op2] of [['TVAL', 0], ['CTL', 1], ['CVAL', 2]] as const) {
    rows.push([`${prefix}_${reg}_EL0`, 3, 3, 14, crm, op2, { ...TIMER, e2h: `${hv}_${reg}_EL2` }]);
    rows.push([`${hv}_${reg}_EL2`, 3, 4, 14, crm, op2, { effect: 'timer' }]);
    rows.push([`${prefix}_${reg}_EL02`, 3, 5, 14, crm, op2, { aliasOf: `${prefix}_${reg}_EL0`, effect: 'timer' }]);
  }
  return rows;
}

function debugRows(): Row[] {
  const rows: Row[] = [['MDSCR_EL1', 2, 0, 0, 2, 2, { effect: 'debug', trap: 'tda' }]];
  for (let n = 0; n < M1_BREAKPOINTS; n++) {
    rows.push([`DBGBVR${n}_EL1`, 2, 0, 0, n, 4, { effect: 'debug', trap: 'tda' }]);
    rows.push([`DBGBCR${n}_EL1`, 2, 0, 0, n, 5, { effect: 'debug', trap: 'tda', writeMask: 0xffffffffn }]);
  }
  for (let n = 0; n < M1_WATCHPOINTS; n++) {
    rows.push([`DBGWVR${n}_EL1`, 2, 0, 0, n, 6, { effect: 'debug', trap: 'tda' }]);
    rows.push([`DBGWCR${n}_EL1`, 2, 0, 0, n, 7, { effect: 'debug', trap: 'tda', writeMask: 0xffffffffn }]);
  }
  return rows;
}

/**
 * ID_AA64DFR0_EL1: DebugVer 6 (v8.0), BRPs 15:12 = breakpoints − 1, WRPs 23:20 = watchpoints − 1,
 * CTX_CMPs 31:28 = 0 (one context comparator, the last breakpoint).
 */
const ID_AA64DFR0 = 6n | (BigInt(M1_BREAKPOINTS - 1) << 12n) | (BigInt(M1_WATCHPOINTS - 1) << 20n);
/** ID_AA64MMFR0_EL1: PARange 2 (40 bits), ASIDBits 2 (16), TGran16 = 1 (supported), TGran64 = 0xF (not), TGran4 = 0 (supported). */
const ID_AA64MMFR0 = 0x2n | (0x2n << 4n) | (0x1n << 20n) | (0xfn << 24n);

/**
 * CTR_EL0 (model choice; the spec gives none): 128-byte I and D cache lines as on the M1
 * (IminLine = DminLine = 5, log2 words), L1Ip PIPT, ERG 4 (64-byte exclusive granule, as
 * exclusive-monitor.ts models), CWG 5, bit 31 RES1.
 */
const CTR_EL0 = 0x8000_0000n | (5n << 24n) | (4n << 20n) | (5n << 16n) | (3n << 14n) | 5n;
/** DCZID_EL0: DC ZVA zeroes 2^4 words = 64 bytes (BS = 4), DZP = 0 (permitted). */
const DCZID_EL0 = 4n;

const ROWS: Row[] = [
  // Identification (per-core values of MIDR/MPIDR come from the core's options).
  ['CTR_EL0', 3, 3, 0, 0, 1, { readOnly: true, minEl: 0, reset: CTR_EL0 }],
  ['DCZID_EL0', 3, 3, 0, 0, 7, { readOnly: true, minEl: 0, reset: DCZID_EL0 }],
  ['MIDR_EL1', 3, 0, 0, 0, 0, { readOnly: true }],
  ['MPIDR_EL1', 3, 0, 0, 0, 5, { readOnly: true }],
  ['ID_AA64DFR0_EL1', 3, 0, 0, 5, 0, { readOnly: true, reset: ID_AA64DFR0 }],
  ['ID_AA64MMFR0_EL1', 3, 0, 0, 7, 0, { readOnly: true, reset: ID_AA64MMFR0 }],
  // PSTATE views.
  ['NZCV', 3, 3, 4, 2, 0, { special: 'nzcv', minEl: 0 }],
  ['DAIF', 3, 3, 4, 2, 1, { special: 'daif', minEl: 0 }],
  ['DIT', 3, 3, 4, 2, 5, { special: 'dit', minEl: 0 }],
  ['CurrentEL', 3, 0, 4, 2, 2, { special: 'currentel', readOnly: true }],
  ['SPSel', 3, 0, 4, 2, 0, { special: 'spsel' }],
  ['PAN', 3, 0, 4, 2, 3, { special: 'pan' }],
  ['UAO', 3, 0, 4, 2, 4, { special: 'uao' }],
  ['FPCR', 3, 3, 4, 4, 0, { special: 'fpcr', minEl: 0 }],
  ['FPSR', 3, 3, 4, 4, 1, { special: 'fpsr', minEl: 0 }],
  ['SP_EL0', 3, 0, 4, 1, 0, { special: 'sp_el0' }],
  ['SP_EL1', 3, 4, 4, 1, 0, { special: 'sp_el1' }],
  // Translation regime, exception state (EL1 with EL2 counterparts and _EL12 aliases).
  ...vhe('SCTLR_EL1', 1, 0, 0, 'SCTLR_EL2', { effect: 'mmu', trap: 'tvm', reset: 0x30d00800n }, { reset: 0x30c50830n }),
  ...vhe('TTBR0_EL1', 2, 0, 0, 'TTBR0_EL2', { effect: 'mmu', trap: 'tvm' }),
  ...vhe('TTBR1_EL1', 2, 0, 1, 'TTBR1_EL2', { effect: 'mmu', trap: 'tvm' }),
  ...vhe('TCR_EL1', 2, 0, 2, 'TCR_EL2', { effect: 'mmu', trap: 'tvm' }),
  ...vhe('MAIR_EL1', 10, 2, 0, 'MAIR_EL2', { trap: 'tvm' }),
  ...vhe('AMAIR_EL1', 10, 3, 0, 'AMAIR_EL2', { trap: 'tvm' }),
  ...vhe('CONTEXTIDR_EL1', 13, 0, 1, 'CONTEXTIDR_EL2', { trap: 'tvm' }),
  ...vhe('AFSR0_EL1', 5, 1, 0, 'AFSR0_EL2', { trap: 'tvm' }),
  ...vhe('AFSR1_EL1', 5, 1, 1, 'AFSR1_EL2', { trap: 'tvm' }),
  ...vhe('ESR_EL1', 5, 2, 0, 'ESR_EL2', { trap: 'tvm' }),
  ...vhe('FAR_EL1', 6, 0, 0, 'FAR_EL2', { trap: 'tvm' }),
  ...vhe('VBAR_EL1', 12, 0, 0, 'VBAR_EL2', { writeMask: ~0x7ffn & 0xffffffffffffffffn }),
  ...vhe('SPSR_EL1', 4, 0, 0, 'SPSR_EL2'),
  ...vhe('ELR_EL1', 4, 0, 1, 'ELR_EL2'),
  ...vhe('CPACR_EL1', 1, 0, 2, 'CPTR_EL2', {}, {}, [1, 1]),
  ...vhe('CNTKCTL_EL1', 14, 1, 0, 'CNTHCTL_EL2'),
  ['ACTLR_EL1', 3, 0, 1, 0, 1, { trap: 'tacr' }],
  ['ACTLR_EL2', 3, 4, 1, 0, 1],
  ['PAR_EL1', 3, 0, 7, 4, 0],
  ['TPIDR_EL0', 3, 3, 13, 0, 2, { minEl: 0 }],
  ['TPIDRRO_EL0', 3, 3, 13, 0, 3, { minEl: 0 }],
  ['TPIDR_EL1', 3, 0, 13, 0, 4],
  ['TPIDR_EL2', 3, 4, 13, 0, 2],
  // Hypervisor control (Appendix B encodings).
  ['HCR_EL2', 3, 4, 1, 1, 0, { effect: 'hcr' }],
  ['MDCR_EL2', 3, 4, 1, 1, 1, { effect: 'debug' }],
  ['HACR_EL2', 3, 4, 1, 1, 7],
  ['VTTBR_EL2', 3, 4, 2, 1, 0],
  ['VTCR_EL2', 3, 4, 2, 1, 2],
  ['HPFAR_EL2', 3, 4, 6, 0, 4],
  // Generic timer.
  ['CNTFRQ_EL0', 3, 3, 14, 0, 0, { minEl: 0, reset: BigInt(M1_CNTFRQ_HZ) }],
  ['CNTPCT_EL0', 3, 3, 14, 0, 1, { minEl: 0, readOnly: true, special: 'counter' }],
  ['CNTVCT_EL0', 3, 3, 14, 0, 2, { minEl: 0, readOnly: true, special: 'counter' }],
  ['CNTVOFF_EL2', 3, 4, 14, 0, 3, { effect: 'timer' }],
  ...timerRows('CNTP', 2),
  ...timerRows('CNTV', 3),
  // Debug (§9.11).
  ...debugRows(),
  // Apple fast IPIs and guest-timer FIQ gating (apple-devices §2.5). Reset of VM_TMR_FIQ_ENA:
  // model choice 0b11 (guest timers reach the FIQ line until the hypervisor masks them).
  ['IPI_RR_LOCAL_EL1', 3, 5, 15, 0, 0, { effect: 'ipi', writeOnly: true, minEl: 1 }],
  ['IPI_RR_GLOBAL_EL1', 3, 5, 15, 0, 1, { effect: 'ipi', writeOnly: true, minEl: 1 }],
  ['IPI_SR_EL1', 3, 5, 15, 1, 1, { effect: 'ipi', minEl: 1 }],
  ['VM_TMR_FIQ_ENA_EL2', 3, 5, 15, 1, 3, { effect: 'timer', reset: 3n }],
];

/**
 * Apple's implementation-defined registers (core/arch/a64/sysregs-apple.ts) the table above does
 * not model with an effect: plain storage, so a host's `msr`/`mrs` stubs (HID bits, AMX_CONFIG,
 * VMKEYLO/HI, APSTS, ACTLR_EL12, …) read back what they wrote, as on an M1. EL2-only when the
 * name says so (_EL2, _EL12, _GL2, _GL12) or op1 selects EL2.
 */
function appleStorageRows(): Row[] {
  const names = new Set(ROWS.map((row) => row[0]));
  const keys = new Set(ROWS.map(([, op0, op1, crn, crm, op2]) => sysregKey(op0, op1, crn, crm, op2)));
  return APPLE_SYSREGS.filter((r) => !names.has(r.name) && !keys.has(sysregKey(r.op0, r.op1, r.crn, r.crm, r.op2))).map((r) => [
    r.name,
    r.op0,
    r.op1,
    r.crn,
    r.crm,
    r.op2,
    /_(EL2|EL12|GL2|GL12)$/.test(r.name) ? { minEl: 2 } : {},
  ]);
}

export const SYSREG_DEFS: readonly SysregDef[] = [...ROWS, ...appleStorageRows()].map(([name, op0, op1, crn, crm, op2, opts = {}]) => ({
  reset: 0n,
  minEl: minElFor(op1),
  ...opts,
  name,
  key: sysregKey(op0, op1, crn, crm, op2),
}));
