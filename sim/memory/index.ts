// Layer: sim/memory — public API of the virtual M1's physical memory model.
export { FAULT, MAX_ADDRESS, addressToNumber, lengthToNumber, widthMask } from './physical-memory.ts';
export type { AccessWidth, Fault, PhysicalMemory } from './physical-memory.ts';
export { SparseRam, RAM_PAGE_SIZE, M1_DRAM_BASE, MAC_MINI_8GB_RAM_SIZE } from './sparse-ram.ts';
export type { SparseRamOptions } from './sparse-ram.ts';
export { AddressSpace, M1N1_RAM_ALIAS_BITS } from './address-space.ts';
export type { MmioDevice, RegionInfo, RegionKind } from './address-space.ts';
