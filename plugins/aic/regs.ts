// Layer: plugins/aic. The AIC1 register map as data (spec apple-devices §2.2, §2.3, §2.9) and the
// fast-IPI system registers (§2.5). Imports core/plugin/regmap.ts and core/arch/a64/sysregs.ts.

import { packSysReg } from '../../core/arch/a64/sysregs.ts';
import { array, enumOf, reg32, reg64, regmap, Register32, scalar } from '../../core/plugin/regmap.ts';

/** The per-IRQ arrays are sized for 0x400 IRQ numbers (§2.1, §2.2). */
export const AIC_MAX_IRQ = 0x400;
export const AIC_IRQ_WORDS = AIC_MAX_IRQ / 32;
/** Per-CPU views exist for the 8 AIC CPUs of M1 (§2.1, §2.2). */
export const AIC_VIEW_CPUS = 8;

/** §2.3 EVENT; field order DIE, TYPE, NUM as in §2.9's example line. */
export const R_EVENT = reg32({ DIE: [31, 24], TYPE: [23, 16, enumOf({ 0: 'NONE', 1: 'HW', 4: 'IPI' })], NUM: [15, 0] }, 'R_EVENT');
export const EventType = { NONE: 0, HW: 1, IPI: 4 } as const;
/** §2.3: NUM of an IPI event. */
export const IpiNum = { OTHER: 1, SELF: 2 } as const;

/** §2.2 INFO `[15:0]` = number of hardware IRQs. */
export const R_INFO = reg32({ NR_IRQ: [15, 0] }, 'R_INFO');
/** §2.4: IPI_ACK / IPI_MASK_SET / IPI_MASK_CLR take SELF (bit 31) and OTHER (bit 0). */
export const R_IPI_FLAGS = reg32({ SELF: 31, OTHER: 0 }, 'R_IPI_FLAGS');

/** The "this CPU" block at 0x2000 and its per-CPU aliases at 0x5000 + 0x80·c (§2.2). */
const LOCAL = { WHOAMI: 0x0, EVENT: 0x4, IPI_SEND: 0x8, IPI_ACK: 0xc, IPI_MASK_SET: 0x24, IPI_MASK_CLR: 0x28 } as const;

export const aicRegs = regmap(
  {
    REVISION: scalar(0x0000, Register32),
    INFO: scalar(0x0004, R_INFO),
    RST: scalar(0x000c, Register32),
    CONFIG: scalar(0x0010, Register32),
    TIME_LO: scalar(0x0020, Register32),
    TIME_HI: scalar(0x0028, Register32),
    WHOAMI: scalar(0x2000 + LOCAL.WHOAMI, Register32),
    EVENT: scalar(0x2000 + LOCAL.EVENT, R_EVENT),
    IPI_SEND: scalar(0x2000 + LOCAL.IPI_SEND, Register32),
    IPI_ACK: scalar(0x2000 + LOCAL.IPI_ACK, R_IPI_FLAGS),
    IPI_MASK_SET: scalar(0x2000 + LOCAL.IPI_MASK_SET, R_IPI_FLAGS),
    IPI_MASK_CLR: scalar(0x2000 + LOCAL.IPI_MASK_CLR, R_IPI_FLAGS),
    IPI_DEFER_SET: scalar(0x202c, Register32),
    IPI_DEFER_CLR: scalar(0x2030, Register32),
    TSTAMP_CTRL: scalar(0x2040, Register32),
    TSTAMP_LO: scalar(0x2048, Register32),
    TSTAMP_HI: scalar(0x204c, Register32),
    TARGET_CPU: array(0x3000, AIC_MAX_IRQ, 4, Register32),
    SW_SET: array(0x4000, AIC_IRQ_WORDS, 4, Register32),
    SW_CLR: array(0x4080, AIC_IRQ_WORDS, 4, Register32),
    MASK_SET: array(0x4100, AIC_IRQ_WORDS, 4, Register32),
    MASK_CLR: array(0x4180, AIC_IRQ_WORDS, 4, Register32),
    HW_STATE: array(0x4200, AIC_IRQ_WORDS, 4, Register32),
    CPU_WHOAMI: array(0x5000 + LOCAL.WHOAMI, AIC_VIEW_CPUS, 0x80, Register32),
    CPU_EVENT: array(0x5000 + LOCAL.EVENT, AIC_VIEW_CPUS, 0x80, R_EVENT),
    CPU_IPI_SEND: array(0x5000 + LOCAL.IPI_SEND, AIC_VIEW_CPUS, 0x80, Register32),
    CPU_IPI_ACK: array(0x5000 + LOCAL.IPI_ACK, AIC_VIEW_CPUS, 0x80, R_IPI_FLAGS),
    CPU_IPI_MASK_SET: array(0x5000 + LOCAL.IPI_MASK_SET, AIC_VIEW_CPUS, 0x80, R_IPI_FLAGS),
    CPU_IPI_MASK_CLR: array(0x5000 + LOCAL.IPI_MASK_CLR, AIC_VIEW_CPUS, 0x80, R_IPI_FLAGS),
  },
  'AICRegs',
);

/** §2.5 fast-IPI request value (IPI_RR_LOCAL / IPI_RR_GLOBAL). */
export const R_IPI_RR = reg64({ TYPE: [29, 28, enumOf({ 0: 'IMMEDIATE', 1: 'RETRACT', 2: 'DEFERRED', 3: 'NOWAKE' })], CLUSTER: [23, 16], CPU: [7, 0] }, 'R_IPI_RR');
export const R_IPI_SR = reg64({ PENDING: 0 }, 'R_IPI_SR');

/** §2.5 encodings, packed as core/arch/a64 does (op0<<14 | op1<<11 | CRn<<7 | CRm<<3 | op2). */
export const FastIpiReg = {
  IPI_RR_LOCAL_EL1: packSysReg({ op0: 3, op1: 5, crn: 15, crm: 0, op2: 0 }),
  IPI_RR_GLOBAL_EL1: packSysReg({ op0: 3, op1: 5, crn: 15, crm: 0, op2: 1 }),
  IPI_SR_EL1: packSysReg({ op0: 3, op1: 5, crn: 15, crm: 1, op2: 1 }),
  IPI_CR_EL1: packSysReg({ op0: 3, op1: 5, crn: 15, crm: 3, op2: 1 }),
} as const;
