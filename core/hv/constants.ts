// Layer: core/hv. The hypervisor's wire constants (spec m1n1-protocol §9, §10, App. A/B).
// Pure data; the callback codes and MMIO flags both sides share live in core/uartproxy.

export { ExcCode, HvEvent, MmioFlags } from '../uartproxy/constants.ts';

/**
 * Argument of the P_EXIT that ends a callback session (§9.3). Python's STEP = 4 is deliberately
 * absent: the firmware reboots on it (§15.5).
 */
export const ExitCode = { UNHANDLED: 1, HANDLED: 2, EXIT_GUEST: 3 } as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** ESR_ELx exception classes the host handles (App. B). */
export const Ec = {
  UNKNOWN: 0x00,
  WFX: 0x01,
  HVC: 0x16,
  SMC: 0x17,
  MSR: 0x18,
  IABORT_LOWER: 0x20,
  PC_ALIGN: 0x22,
  DABORT_LOWER: 0x24,
  SERROR: 0x2f,
  BKPT_LOWER: 0x30,
  SSTEP_LOWER: 0x32,
  WATCH_LOWER: 0x34,
  BRK: 0x3c,
  IMPDEF: 0x3f,
} as const;

export const esrEc = (esr: bigint): number => Number((esr >> 26n) & 0x3fn);
export const esrIss = (esr: bigint): number => Number(esr & 0x1ffffffn);

/** Immediate of the hypercall BRK (§9.12; examples/guest/include/hvcall.h). */
export const HVCALL_BRK_IMM = 0x4242;

/** IMPDEF (EC 0x3F) ISS that means "sysreg trap, MSR-style ISS in AFSR1_EL2" (§9.5). */
export const IMPDEF_SYSREG_ISS = 0x20;

/** SPSR bits (App. B). */
export const Spsr = {
  M_MASK: 0x1fn,
  EL0T: 0b00000n,
  EL1T: 0b00100n,
  EL1H: 0b00101n,
  F: 1n << 6n,
  I: 1n << 7n,
  A: 1n << 8n,
  D: 1n << 9n,
  SS: 1n << 21n,
} as const;

/** struct exc_info (§9.2): 368 defined bytes. */
export const EXC_INFO_SIZE = 368;
export const ExcInfoOffset = {
  REGS: 0x000,
  SPSR: 0x100,
  ELR: 0x108,
  ESR: 0x110,
  FAR: 0x118,
  AFSR1: 0x120,
  SP0: 0x128,
  SP1: 0x130,
  SP2: 0x138,
  CPU_ID: 0x140,
  MPIDR: 0x148,
  ELR_PHYS: 0x150,
  FAR_PHYS: 0x158,
  SP_PHYS: 0x160,
  EXTRA: 0x168,
} as const;
/** Bytes of exc_info the target reads back after P_EXIT(2): x0..x30, spsr, elr, (esr, far, afsr1 ignored), sp0, sp1. */
export const EXC_INFO_WRITABLE_END = 0x138;

/** struct hv_vm_proxy_hook_data (§10.6): flags u32, id u32, addr u64, data[8] u64. */
export const HOOK_DATA_SIZE = 80;
export const HookDataOffset = { FLAGS: 0x00, ID: 0x04, ADDR: 0x08, DATA: 0x10 } as const;

/** EVT_MMIOTRACE payload (§10.5) and EVT_IRQTRACE payload (§10.8). */
export const MMIO_TRACE_EVENT_SIZE = 32;
export const IRQ_TRACE_EVENT_SIZE = 8;

/** Stage-2 descriptors for P_HV_MAP (§10.2). */
export const Pte = {
  /** The host's standard HW attributes incl. the valid bit: valid | MemAttr 0b1111 | S2AP RW | SH | AF. */
  HW_ATTRS: 0x7fdn,
  TRACE_READ: 1n << 63n,
  TRACE_WRITE: 1n << 62n,
  TRACE_UNBUF: 1n << 61n,
  TYPE_MAP: 0n << 50n,
  TYPE_HOOK: 1n << 50n,
  TYPE_PROXY_HOOK_R: 2n << 50n,
  TYPE_PROXY_HOOK_W: 3n << 50n,
  TYPE_PROXY_HOOK_RW: 4n << 50n,
  /** Bits 49:2: target address / hook id << 2. */
  TARGET_MASK: ((1n << 50n) - 1n) & ~3n,
} as const;

/** Stage-2 page (16 KiB granule, §10.1). */
export const PAGE_SIZE = 0x4000n;

/** TLBI VMALLS12E1IS, issued after a batch of P_HV_MAP (§10.2, App. A). */
export const TLBI_VMALLS12E1IS = 0xd50c83df;

/** Trace modes, ordered as the host ranks them (§10.7): the highest mode on a range decides its mapping. */
export const TraceMode = { OFF: 0, BYPASS: 1, ASYNC: 2, UNBUF: 3, WSYNC: 4, SYNC: 5, HOOK: 6, RESERVED: 7 } as const;
export type TraceModeValue = (typeof TraceMode)[keyof typeof TraceMode];
export type TraceModeName = keyof typeof TraceMode;

/** Register values the host writes at HV init (§9.1, §13.2). */
export const HvInitValues = {
  /** HACR_EL2 trap bits 14 (CTRR), 16 (IPI), 48 (SERROR_INFO), 49 (EHID), 50 (HID), 52 (ACC), 57 (PM). */
  HACR: 0x0217000000014000n,
  /** MDCR_EL2: TDE | TDA | TDOSA | TDRA (§9.11). */
  MDCR: 0xf00n,
  /** MDSCR_EL1: MDE (§9.11). */
  MDSCR: 0x8000n,
  /** MDSCR_EL1: MDE | SS, for one instruction step. */
  MDSCR_STEP: 0x8001n,
  VMKEYLO: 0x4e7672476f6e6147n,
  VMKEYHI: 0x697665596f755570n,
  /** AMX_CONFIG_EL1.EN_EL1. */
  AMX_EN_EL1: 1n << 62n,
  /** ACTLR_EL12.EnMDSB. */
  ACTLR_ENMDSB: 1n << 12n,
} as const;

/** HCR_EL2 fields the host changes after P_HV_INIT (§9.1). */
export const Hcr = {
  FMO: 1n << 3n,
  IMO: 1n << 4n,
  TACR: 1n << 21n,
  TIDCP: 1n << 20n,
  TVM: 1n << 26n,
  TTLBOS: 1n << 55n,
} as const;

/** Debug register values (§9.11). */
export const Debug = {
  /** DBGBCR: E | PMC = EL1+EL0 | BAS = 0xF. */
  BCR_ENABLED: 0x1e7n,
  BREAKPOINTS: 5,
  WATCHPOINTS: 4,
} as const;

/** Reserved bytes of exc_info on the target; only EXC_INFO_SIZE are defined (§9.2). */
export const EXC_INFO_RESERVED = 512;
