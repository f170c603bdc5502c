// Layer: core/proxy. m1n1's EL2 address-space aliases (spec §7.3, App. A). Pure data.
//
// m1n1 maps RAM several times; ORing one of these onto a RAM physical address selects the
// alias with the wanted permissions. Sysreg execution (core/hv, §7.3) calls its stub through
// REGION_RX_EL1 (P_CALL, P_GL2_CALL) or REGION_RWX_EL0 (P_EL0_CALL).

export const REGION_RWX_EL0 = 0x800_0000_0000n;
export const REGION_RW_EL0 = 0xa00_0000_0000n;
export const REGION_RX_EL1 = 0xc00_0000_0000n;

/** Bits 41–43: where the alias selectors live. */
export const REGION_MASK = 0xe00_0000_0000n;

export type Region = typeof REGION_RWX_EL0 | typeof REGION_RW_EL0 | typeof REGION_RX_EL1;

/** The alias of a RAM address (its region bits replaced by `region`; 0n gives the plain address). */
export function withRegion(addr: bigint, region: Region | 0n): bigint {
  return (addr & ~REGION_MASK) | region;
}

/** The RAM physical address behind an alias. */
export function stripRegion(addr: bigint): bigint {
  return addr & ~REGION_MASK;
}
