// Layer: sim/hv, the virtual M1's hypervisor model. Imports nothing.
//
// Stage-2 descriptor bits as P_HV_MAP's `to` and P_HV_PT_WALK's result use them (spec §10.2;
// m1n1 src/hv_vm.c). Hardware entries are ARMv8 stage-2 descriptors (valid bit 0, table/page bit
// 1, MemAttr 5:2, S2AP 7:6, SH 9:8, AF 10, output address 49:14). Software entries have bit 0
// clear: trace bits 63:61, type 52:50, target / handler / hook id 49:2.

export const PTE_VALID = 1n;
/** Bit 1: table (L1/L2), page (L3), software table (L3 → L4) or software L4 entry. */
export const PTE_TYPE = 2n;
export const PTE_TABLE_FLAGS = PTE_VALID | PTE_TYPE;
/** Output address of tables and hardware pages: bits 49:14. */
export const TARGET_MASK = ((1n << 50n) - 1n) & ~((1n << 14n) - 1n);
/** Software target (4-byte granular): bits 49:2. */
export const TARGET_MASK_L4 = ((1n << 50n) - 1n) & ~3n;

/** The host's standard hardware attributes: valid | MemAttr 0b1111 | S2AP RW | SH 0b11 | AF (Appendix A). */
export const HW_ATTRS = 0x7fdn;

export const SPTE_TRACE_READ = 1n << 63n;
export const SPTE_TRACE_WRITE = 1n << 62n;
export const SPTE_TRACE_UNBUF = 1n << 61n;
const SPTE_TYPE_SHIFT = 50n;

/** Software descriptor types (bits 52:50). */
export const SpteType = { MAP: 0, HOOK: 1, PROXY_HOOK_R: 2, PROXY_HOOK_W: 3, PROXY_HOOK_RW: 4 } as const;
export type SpteTypeValue = (typeof SpteType)[keyof typeof SpteType];

export const isHw = (d: bigint): boolean => d !== 0n && (d & PTE_VALID) !== 0n;
export const isSw = (d: bigint): boolean => d !== 0n && (d & PTE_VALID) === 0n;
export const spteType = (d: bigint): number => Number((d >> SPTE_TYPE_SHIFT) & 7n);

/** `to` for P_HV_MAP of a software type with target/handler/id (id already shifted by the caller for hooks: `id << 2`). */
export const softwareDescriptor = (type: SpteTypeValue, target: bigint, traceBits = 0n): bigint =>
  traceBits | (BigInt(type) << SPTE_TYPE_SHIFT) | (target & TARGET_MASK_L4);
