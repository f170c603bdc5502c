// Layer: sim/coproc (DART). The t8020 DART register map, field constants and PTE layout as data
// (apple-devices §6.1–§6.3). Imports only sim/devices/register-table.

import { RegisterTable } from '../../devices/register-table.ts';

/** §6 table: the two DARTs that serve the M1 DCP. */
export const DART_DCP_BASE = 0x23130c000n;
export const DART_DISP0_BASE = 0x231304000n;
export const DART_SIZE = 0x4000n;
/** Both DCP DARTs share AIC IRQ 445 (§6, §9.4). */
export const DART_DCP_IRQ = 445;

/** Streams per DART: 16, what the Python RegMap defines and ERROR.STREAM [27:24] can name. */
export const DART_STREAMS = 16;
export const DART_TTBRS_PER_STREAM = 4;

export type DartRegName =
  | 'STREAM_COMMAND'
  | 'STREAM_SELECT'
  | 'ERROR'
  | 'ERROR_ADDR_LO'
  | 'ERROR_ADDR_HI'
  | 'CONFIG'
  | 'REMAP'
  | 'DAPF_LOCK'
  | 'UNK1'
  | 'ENABLED_STREAMS'
  | 'TCR'
  | 'TTBR';

/** §6.1. TTBR is flattened: element sid·4 + n sits at 0x200 + 16·sid + 4·n. */
export const DART_REGS = new RegisterTable<DartRegName>([
  { name: 'STREAM_COMMAND', offset: 0x020, access: 'RW' },
  { name: 'STREAM_SELECT', offset: 0x034, access: 'RW' },
  { name: 'ERROR', offset: 0x040, access: 'RW' },
  { name: 'ERROR_ADDR_LO', offset: 0x050, access: 'R' },
  { name: 'ERROR_ADDR_HI', offset: 0x054, access: 'R' },
  { name: 'CONFIG', offset: 0x060, access: 'RW' },
  { name: 'REMAP', offset: 0x080, count: 4, access: 'RW' },
  { name: 'DAPF_LOCK', offset: 0x0f0, access: 'RW' },
  { name: 'UNK1', offset: 0x0f8, access: 'RW' },
  { name: 'ENABLED_STREAMS', offset: 0x0fc, access: 'RW' },
  { name: 'TCR', offset: 0x100, count: DART_STREAMS, access: 'RW' },
  { name: 'TTBR', offset: 0x200, count: DART_STREAMS * DART_TTBRS_PER_STREAM, access: 'RW' },
]);

export const STREAM_COMMAND = { INVALIDATE: 1 << 20, BUSY: 1 << 2 } as const;
export const CONFIG = { LOCK: 1 << 15 } as const;
export const TCR = { TRANSLATE_ENABLE: 1 << 7, BYPASS_DART: 1 << 8, BYPASS_DAPF: 1 << 12 } as const;
export const TTBR = { VALID: 0x8000_0000, ADDR_MASK: 0x7fff_ffff, ADDR_SHIFT: 12 } as const;

/** ERROR register (§6.1): FLAG [31], STREAM [27:24], CODE [23:0]. */
export const ERROR = { FLAG: 0x8000_0000, STREAM_SHIFT: 24, STREAM_MASK: 0xf, CODE_MASK: 0xff_ffff } as const;

/** ERROR.CODE bits (§6.1). */
export const DART_FAULT = {
  NO_TTBR: 1 << 0,
  NO_PMD: 1 << 1,
  NO_PTE: 1 << 2,
  WRITE_FAULT: 1 << 3,
  READ_FAULT: 1 << 4,
  PTE_READ_FAULT: 1 << 6,
  SUBPAGE_PROT: 1 << 7,
  WRITE: 1 << 10,
  NO_DAPF_MATCH: 1 << 11,
} as const;

/** §6.2: 16 KiB pages, 2048-entry tables, IOVA split. */
export const DART_PAGE_SHIFT = 14;
export const DART_PAGE_SIZE = 1 << DART_PAGE_SHIFT;
export const DART_PAGE_MASK = DART_PAGE_SIZE - 1;
export const DART_L1_SHIFT = 25;
export const DART_TTBR_SHIFT = 36;
export const DART_INDEX_MASK = 0x7ff;

/** §6.3 PTE fields (same at L1 and L2 on t8020). */
export const PTE = {
  VALID: 1n << 0n,
  SP_PROT_DIS: 1n << 1n,
  /** PA bits [39:14] stored in place. */
  OFFSET_MASK: 0x0000_00ff_ffff_c000n,
  SP_END_SHIFT: 40n,
  SP_START_SHIFT: 52n,
  SP_FIELD_MASK: 0xfffn,
} as const;
