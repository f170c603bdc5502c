// Layer: sim/coproc (ASC). The ASC control and mailbox register map as data (apple-devices §4.1).
// Imports only sim/devices/register-table.
//
// Offsets are from the ASC base (ADT reg[0]); the mailbox sits at +0x8000. The m1n1 C names
// (A2I_*, I2A_*) are relative to the mailbox, the tracer names (INBOX*, OUTBOX*) to the ASC base;
// both describe the same registers.

import { RegisterTable } from '../../devices/register-table.ts';

/** /arm-io/dcp reg[0] (§9.4) and the model's window size (covers the mailbox up to +0x8840). */
export const DCP_ASC_BASE = 0x231c00000n;
export const DCP_ASC_SIZE = 0xc000n;
/** Where the mailbox starts inside the ASC window (§4). */
export const ASC_MAILBOX_OFFSET = 0x8000;

export type AscRegName =
  | 'CPU_CONTROL'
  | 'CPU_STATUS'
  | 'INBOX_CTRL'
  | 'OUTBOX_CTRL'
  | 'INBOX0'
  | 'INBOX1'
  | 'A2I_RECV0'
  | 'A2I_RECV1'
  | 'I2A_SEND0'
  | 'I2A_SEND1'
  | 'OUTBOX0'
  | 'OUTBOX1';

/** §4.1. The four 32-bit registers and the eight 64-bit message registers. */
export const ASC_REGS = new RegisterTable<AscRegName>([
  { name: 'CPU_CONTROL', offset: 0x0044, access: 'RW' },
  { name: 'CPU_STATUS', offset: 0x0048, access: 'R' },
  { name: 'INBOX_CTRL', offset: 0x8110, access: 'RW' },
  { name: 'OUTBOX_CTRL', offset: 0x8114, access: 'RW' },
  { name: 'INBOX0', offset: 0x8800, access: 'W' },
  { name: 'INBOX1', offset: 0x8808, access: 'W' },
  { name: 'A2I_RECV0', offset: 0x8810, access: 'R' },
  { name: 'A2I_RECV1', offset: 0x8818, access: 'R' },
  { name: 'I2A_SEND0', offset: 0x8820, access: 'W' },
  { name: 'I2A_SEND1', offset: 0x8828, access: 'W' },
  { name: 'OUTBOX0', offset: 0x8830, access: 'R' },
  { name: 'OUTBOX1', offset: 0x8838, access: 'R' },
]);

/** Names of the 64-bit message registers (every other register is 32-bit). */
export const ASC_MESSAGE_REGS: ReadonlySet<AscRegName> = new Set<AscRegName>([
  'INBOX0',
  'INBOX1',
  'A2I_RECV0',
  'A2I_RECV1',
  'I2A_SEND0',
  'I2A_SEND1',
  'OUTBOX0',
  'OUTBOX1',
]);

/** CPU_CONTROL bits (§4.1): RUN [4] = 0x10, what m1n1's asc_cpu_start sets. */
export const CPU_CONTROL = { RUN: 1 << 4 } as const;

/** CPU_STATUS bits (§4.1; IRQ/FIQ_NOT_PEND are guessed by the sources). */
export const CPU_STATUS = { RUNNING: 1 << 0, STOPPED: 1 << 1, IRQ_NOT_PEND: 1 << 2, FIQ_NOT_PEND: 1 << 3, IDLE: 1 << 5 } as const;

/** Mailbox control register fields (INBOX_CTRL / OUTBOX_CTRL, §4.1, HEAD decode). */
export const MBOX_CTRL = {
  ENABLE: 1 << 0,
  WPTR_SHIFT: 8,
  RPTR_SHIFT: 12,
  FULL: 1 << 16,
  EMPTY: 1 << 17,
  OVERFLOW: 1 << 18,
  FIFOCNT_SHIFT: 20,
} as const;

/** §4.5 model choice: 16 entries, what the 4-bit pointer fields allow. */
export const ASC_FIFO_DEPTH = 16;

/** §4.5: the four mailbox interrupts of the M1 DCP, Linux order. */
export const DCP_MAILBOX_IRQS = { sendEmpty: 427, sendNotEmpty: 428, recvEmpty: 429, recvNotEmpty: 430 } as const;

/** msg1 [7:0] is the endpoint (§4.2). */
export const MSG1_EP_MASK = 0xffn;
