// Layer: sim/devices/aic. The AIC1 register map and event encoding as data (apple-devices §2.2,
// §2.3, §2.4). Imports the register-table helper only.

import { RegisterTable } from '../register-table.ts';

/** j274 `/arm-io/aic` reg[0] (apple-devices §2.1, §9.4). */
export const AIC_BASE = 0x23b100000n;
export const AIC_SIZE = 0x8000n;

/** Hardware IRQs of M1's AIC, INFO[15:0] (§2.1, §2.7 rule 11). */
export const AIC_NR_IRQ = 896;
/** IRQ number space that sizes the per-IRQ arrays (§2.1). */
export const AIC_MAX_IRQ = 0x400;
/** 32-bit words of each per-IRQ bit array (SW_SET … HW_STATE), §2.2. */
export const AIC_IRQ_WORDS = AIC_MAX_IRQ / 32;

/**
 * REVISION is read-only and its value is not in the sources (§2.2, §10.1). Model choice: 2,
 * a small non-zero number that no driver interprets (Linux and m1n1 only read INFO).
 */
export const AIC_REVISION_VALUE = 2;

/** EVENT fields (§2.3): DIE [31:24], TYPE [23:16], NUM [15:0]. */
export const AicEventType = { NONE: 0, HW: 1, IPI: 4 } as const;
/** EVENT NUM values for TYPE = IPI (§2.3). */
export const AicIpiNum = { OTHER: 1, SELF: 2 } as const;

/** IPI register bits (§2.4): OTHER = bit 0, SELF = bit 31. */
export const AIC_IPI_OTHER = 0x1;
export const AIC_IPI_SELF = 0x8000_0000;
export const AIC_IPI_BITS = (AIC_IPI_OTHER | AIC_IPI_SELF) >>> 0;

export function encodeAicEvent(type: number, num: number, die = 0): number {
  return (((die & 0xff) << 24) | ((type & 0xff) << 16) | (num & 0xffff)) >>> 0;
}

/** The "this CPU" block (0x2000…0x207f), also seen through each per-CPU view (§2.2). */
export const AIC_LOCAL_BLOCK = 0x2000;
export const AIC_LOCAL_BLOCK_SIZE = 0x80;
/** Per-CPU view of CPU c: 0x5000 + 0x80·c + (r − 0x2000) (§2.2). */
export const AIC_CPU_VIEWS = 0x5000;

export type AicRegName =
  | 'REVISION'
  | 'INFO'
  | 'RST'
  | 'CONFIG'
  | 'TIME_LO'
  | 'TIME_HI'
  | 'WHOAMI'
  | 'EVENT'
  | 'IPI_SEND'
  | 'IPI_ACK'
  | 'IPI_MASK_SET'
  | 'IPI_MASK_CLR'
  | 'IPI_DEFER_SET'
  | 'IPI_DEFER_CLR'
  | 'TSTAMP_CTRL'
  | 'TSTAMP_LO'
  | 'TSTAMP_HI'
  | 'TARGET_CPU'
  | 'SW_SET'
  | 'SW_CLR'
  | 'MASK_SET'
  | 'MASK_CLR'
  | 'HW_STATE';

/**
 * §2.2. MASK_SET/MASK_CLR are 'RW': reading them returns the mask word (§2.7 rule 9, model
 * choice). The per-CPU views are not listed: the device maps them onto the 0x2000 block.
 */
export const AIC_REGS = new RegisterTable<AicRegName>([
  { name: 'REVISION', offset: 0x0000, access: 'R' },
  { name: 'INFO', offset: 0x0004, access: 'R' },
  { name: 'RST', offset: 0x000c, access: 'W' },
  { name: 'CONFIG', offset: 0x0010, access: 'RW' },
  { name: 'TIME_LO', offset: 0x0020, access: 'R' },
  { name: 'TIME_HI', offset: 0x0028, access: 'R' },
  { name: 'WHOAMI', offset: 0x2000, access: 'R' },
  { name: 'EVENT', offset: 0x2004, access: 'R' },
  { name: 'IPI_SEND', offset: 0x2008, access: 'W' },
  { name: 'IPI_ACK', offset: 0x200c, access: 'W' },
  { name: 'IPI_MASK_SET', offset: 0x2024, access: 'W' },
  { name: 'IPI_MASK_CLR', offset: 0x2028, access: 'W' },
  { name: 'IPI_DEFER_SET', offset: 0x202c, access: 'W' },
  { name: 'IPI_DEFER_CLR', offset: 0x2030, access: 'W' },
  { name: 'TSTAMP_CTRL', offset: 0x2040, access: 'RW' },
  { name: 'TSTAMP_LO', offset: 0x2048, access: 'R' },
  { name: 'TSTAMP_HI', offset: 0x204c, access: 'R' },
  { name: 'TARGET_CPU', offset: 0x3000, count: AIC_MAX_IRQ, access: 'RW' },
  { name: 'SW_SET', offset: 0x4000, count: AIC_IRQ_WORDS, access: 'W' },
  { name: 'SW_CLR', offset: 0x4080, count: AIC_IRQ_WORDS, access: 'W' },
  { name: 'MASK_SET', offset: 0x4100, count: AIC_IRQ_WORDS, access: 'RW' },
  { name: 'MASK_CLR', offset: 0x4180, count: AIC_IRQ_WORDS, access: 'RW' },
  { name: 'HW_STATE', offset: 0x4200, count: AIC_IRQ_WORDS, access: 'R' },
]);
