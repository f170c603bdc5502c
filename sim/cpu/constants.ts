// Layer: sim/cpu. Architectural constants of the A64 CPU model as data. Imports nothing.
//
// Values come from the spec: m1n1-protocol.md Appendix B (EC, ISS, SPSR layout), §9.11 (debug
// register fields), apple-devices.md §2.5 (FIQ sources) and §8.1 (MPIDR).

/** Exception classes (ESR_ELx.EC, bits 31:26), Appendix B. */
export const EC = {
  UNKNOWN: 0x00,
  WFX: 0x01,
  FP_SIMD_TRAP: 0x07,
  PAUTH_TRAP: 0x08,
  LS64: 0x0a,
  BTI: 0x0d,
  ILLEGAL_STATE: 0x0e,
  SVC64: 0x15,
  HVC64: 0x16,
  SMC64: 0x17,
  SYSREG: 0x18,
  SVE: 0x19,
  PAUTH_FAIL: 0x1c,
  IABORT_LOWER: 0x20,
  IABORT_SAME: 0x21,
  PC_ALIGN: 0x22,
  DABORT_LOWER: 0x24,
  DABORT_SAME: 0x25,
  SP_ALIGN: 0x26,
  FP_EXC: 0x2c,
  SERROR: 0x2f,
  BREAKPOINT_LOWER: 0x30,
  BREAKPOINT_SAME: 0x31,
  STEP_LOWER: 0x32,
  STEP_SAME: 0x33,
  WATCHPOINT_LOWER: 0x34,
  WATCHPOINT_SAME: 0x35,
  BRK64: 0x3c,
  APPLE_IMPDEF: 0x3f,
} as const;

/** Exception classes that come in a lower-EL / same-EL pair: the same-EL value is lower + 1. */
export const EC_LOWER_SAME_PAIRS: readonly number[] = [EC.IABORT_LOWER, EC.DABORT_LOWER, EC.BREAKPOINT_LOWER, EC.STEP_LOWER, EC.WATCHPOINT_LOWER];

/** ESR_ELx fields (Appendix B). */
export const ESR_EC_SHIFT = 26;
export const ESR_IL = 1 << 25;

/** Data/instruction-abort status codes (DFSC/IFSC, ISS bits 5:0). Level is added for the leveled ones. */
export const FSC = {
  ADDRESS_SIZE: 0x00, // + level 0..3
  TRANSLATION: 0x04, // + level 0..3
  ACCESS_FLAG: 0x08, // + level 0..3 (level 0 not possible)
  PERMISSION: 0x0c, // + level 1..3
  SYNC_EXTERNAL: 0x10,
  ALIGNMENT: 0x21,
  DEBUG: 0x22,
} as const;

/** Data-abort ISS bits (Appendix B). */
export const ISS_DA_WNR = 1 << 6;
export const ISS_DA_S1PTW = 1 << 7;
export const ISS_DA_CM = 1 << 8;
/** Software-step ISS bits: ISV 24, EX 6, IFSC 0x22 (architecture; §9.11 typical 0xCA000022 / 0xCB000022). */
export const ISS_SS_ISV = 1 << 24;
export const ISS_SS_EX = 1 << 6;

/** SPSR / PSTATE bit positions (Appendix B). */
export const SPSR = {
  M_MASK: 0x1f,
  F: 1 << 6,
  I: 1 << 7,
  A: 1 << 8,
  D: 1 << 9,
  BTYPE_SHIFT: 10,
  SSBS: 1 << 12,
  IL: 1 << 20,
  SS: 1 << 21,
  PAN: 1 << 22,
  UAO: 1 << 23,
  DIT: 1 << 24,
  TCO: 1 << 25,
  V: 1 << 28,
  C: 1 << 29,
  Z: 1 << 30,
  N: 1 << 31,
} as const;

/** SPSR.M values for AArch64 (Appendix B). */
export const MODE = { EL0t: 0b00000, EL1t: 0b00100, EL1h: 0b00101, EL2t: 0b01000, EL2h: 0b01001 } as const;

/** DAIF as held in `CpuState.daif`: the SPSR bits 9:6 shifted down (D=8, A=4, I=2, F=1). */
export const DAIF_D = 8;
export const DAIF_A = 4;
export const DAIF_I = 2;
export const DAIF_F = 1;

/** Vector table offsets from VBAR_ELx. */
export const VECTOR = {
  CURRENT_SP0: 0x000,
  CURRENT_SPX: 0x200,
  LOWER_A64: 0x400,
  LOWER_A32: 0x600,
  SYNC: 0x000,
  IRQ: 0x080,
  FIQ: 0x100,
  SERROR: 0x180,
} as const;

/** HCR_EL2 bits used by the model. */
export const HCR = {
  VM: 1n << 0n,
  FMO: 1n << 3n,
  IMO: 1n << 4n,
  AMO: 1n << 5n,
  VF: 1n << 6n,
  VI: 1n << 7n,
  TGE: 1n << 27n,
  TVM: 1n << 26n,
  TDZ: 1n << 28n,
  TRVM: 1n << 30n,
  TACR: 1n << 21n,
  E2H: 1n << 34n,
} as const;

/**
 * HACR_EL2 trap bits (Apple; §9.1 lists the ones m1n1's host sets). The model implements the
 * IPI bit: EL1 accesses to the fast-IPI registers trap to EL2, so the hypervisor can virtualise
 * IPI_SR_EL1 (§9.5).
 */
export const HACR = { IPI: 1n << 16n } as const;

/** MDCR_EL2 bits (§9.11). */
export const MDCR = { TDE: 1n << 8n, TDA: 1n << 9n, TDOSA: 1n << 10n, TDRA: 1n << 11n } as const;
/** MDSCR_EL1 bits (§9.11; KDE is bit 13 in the architecture). */
export const MDSCR = { SS: 1, KDE: 1 << 13, MDE: 1 << 15 } as const;

/**
 * Debug resources of the M1 cores. The host uses breakpoint slots 0–4 (§9.11) and watchpoint
 * slots 0–3; the cores implement 6 breakpoints and 4 watchpoints (ID_AA64DFR0_EL1 BRPs = 5,
 * WRPs = 3, as Linux reports "6 breakpoint and 4 watchpoint registers" on M1).
 */
export const M1_BREAKPOINTS = 6;
export const M1_WATCHPOINTS = 4;

/** Generic-timer frequency of the M1 (§9.7: CNTPCT ticks at 24 MHz). */
export const M1_CNTFRQ_HZ = 24_000_000;

/**
 * MIDR_EL1 of the M1 (t8103) cores: implementer 0x61 (Apple), architecture 0xF, part 0x22
 * Icestorm / 0x23 Firestorm (m1n1's part table). Variant 1, revision 1 are what M1 machines
 * report; the host only consumes the part number (§9.6 step 9).
 */
export const MIDR_M1_ICESTORM = 0x611f0221n;
export const MIDR_M1_FIRESTORM = 0x611f0231n;

/** MPIDR_EL1 of logical CPU n on M1 (apple-devices §8.1): bit 31, Aff0 = core, Aff1 = cluster, Aff2 = 1 on P-cores. */
export function m1Mpidr(cpu: number): bigint {
  const cluster = cpu >> 2;
  const core = cpu & 3;
  return (1n << 31n) | (BigInt(cluster) << 16n) | (BigInt(cluster) << 8n) | BigInt(core);
}

export function m1Midr(cpu: number): bigint {
  return cpu >> 2 ? MIDR_M1_FIRESTORM : MIDR_M1_ICESTORM;
}

/** Timer CTL bits (Appendix B). */
export const CNT_CTL = { ENABLE: 1, IMASK: 2, ISTATUS: 4 } as const;
