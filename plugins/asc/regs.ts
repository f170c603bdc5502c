// Layer: plugins/asc. The ASC control and mailbox registers as data (spec apple-devices §4.1,
// offsets from the ASC's ADT reg[0]) and the RTKit message classes of the system endpoints
// (§5.2, §5.4–§5.9), from which message fields are decoded and rendered (§1.1).
// Imports core/plugin/regmap.ts only.

import { extendReg, reg32, reg64, regmap, Register64, scalar } from '../../core/plugin/regmap.ts';

/** §4.1 CPU_CONTROL: RUN (0x10) starts the coprocessor. */
export const R_CPU_CONTROL = reg32({ RUN: 4 }, 'R_CPU_CONTROL');
export const R_CPU_STATUS = reg32({ IDLE: 5, FIQ_NOT_PEND: 3, IRQ_NOT_PEND: 2, STOPPED: 1, RUNNING: 0 }, 'R_CPU_STATUS');
/** §4.1 mailbox control, in the print order of the §4.1 rendered example (HEAD decode). */
export const R_MBOX_CTRL = reg32({ FIFOCNT: [23, 20], OVERFLOW: 18, EMPTY: 17, FULL: 16, RPTR: [15, 12], WPTR: [11, 8], ENABLE: 0 }, 'R_MBOX_CTRL');
export const R_INBOX1 = reg64({ EP: [7, 0] }, 'R_INBOX1');
/** §4.1: msg1 as read from OUTBOX1 carries FIFO status above the endpoint. */
export const R_OUTBOX1 = reg64({ OUTCNT: [56, 52], INCNT: [51, 48], OUTPTR: [47, 44], INPTR: [43, 40], EP: [7, 0] }, 'R_OUTBOX1');

export const ascRegs = regmap(
  {
    CPU_CONTROL: scalar(0x0044, R_CPU_CONTROL),
    CPU_STATUS: scalar(0x0048, R_CPU_STATUS),
    INBOX_CTRL: scalar(0x8110, R_MBOX_CTRL),
    OUTBOX_CTRL: scalar(0x8114, R_MBOX_CTRL),
    INBOX0: scalar(0x8800, Register64),
    INBOX1: scalar(0x8808, R_INBOX1),
    OUTBOX0: scalar(0x8830, Register64),
    OUTBOX1: scalar(0x8838, R_OUTBOX1),
  },
  'ASCRegs',
);

/** §5.2 power states. */
export const POWER_STATES: Readonly<Record<number, string>> = { 0x0: 'OFF', 0x1: 'SLEEP', 0x10: 'QUIESCED', 0x20: 'ON', 0x220: 'INIT' };

// ---- System endpoint messages: TYPE = msg0[59:52] (§5.2) ----
export const SystemMessage = reg64({ TYPE: [59, 52] }, 'SystemMessage');
export const Mgmt_StartEP = extendReg(SystemMessage, { EP: [39, 32], FLAG: [1, 0] }, 'Mgmt_StartEP');
export const Mgmt_EPMap = extendReg(SystemMessage, { LAST: 51, BASE: [34, 32], BITMAP: [31, 0] }, 'Mgmt_EPMap');
export const Mgmt_EPMap_Ack = extendReg(SystemMessage, { LAST: 51, BASE: [34, 32], MORE: 0 }, 'Mgmt_EPMap_Ack');
// STATE renders as a plain number, as §5.11's generic lines show it; names are in POWER_STATES.
export const Mgmt_Power = extendReg(SystemMessage, { STATE: [15, 0] }, 'Mgmt_Power');
export const Mgmt_Hello = extendReg(SystemMessage, { MAX_VER: [31, 16], MIN_VER: [15, 0] }, 'Mgmt_Hello');

/** §5.4 buffer request / reply (syslog, crashlog, ioreporting). */
export const BufferRequest = extendReg(SystemMessage, { SIZE: [51, 44], DVA: [43, 0] }, 'BufferRequest');
export const Syslog_Init = extendReg(SystemMessage, { ENTRYSIZE: [39, 24], COUNT: [15, 0] }, 'Syslog_Init');
export const Syslog_Log = extendReg(SystemMessage, { INDEX: [7, 0] }, 'Syslog_Log');

/** §5.6, §5.7: TYPE = msg0[63:52] as the Python decode writes it. */
export const WideMessage = reg64({ TYPE: [63, 52] }, 'WideMessage');
export const WideBufferRequest = extendReg(WideMessage, { SIZE: [51, 44], DVA: [43, 0] }, 'WideBufferRequest');

/** §5.8 OSLog: TYPE = msg0[63:56]; DVA in 4 KiB units. */
export const OSLogMessage = reg64({ TYPE: [63, 56] }, 'OSLogMessage');
export const OSLog_Init = extendReg(OSLogMessage, { SIZE: [55, 48], DVA: [47, 0] }, 'OSLog_Init');

/** §5.9 KDebug: TYPE = msg0[55:48]. */
export const KDebugMessage = reg64({ TYPE: [55, 48] }, 'KDebugMessage');
export const KDebug_GetBuf = extendReg(KDebugMessage, { COUNT: [47, 0] }, 'KDebug_GetBuf');
export const KDebug_Buf1 = extendReg(KDebugMessage, { DVA: [47, 12], FLAGS: [11, 0] }, 'KDebug_Buf1');
export const KDebug_Buf2 = extendReg(KDebugMessage, { DVA: [47, 0] }, 'KDebug_Buf2');
