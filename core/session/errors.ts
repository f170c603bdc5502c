// Layer: core/session. The debug model's errors. Imports core/errors only.
//
// Every refusal of the debug model has a stable SESSION_* code and a hint, so a front-end (the
// GDB stub, the VS Code adapter, the share server) can map it without parsing messages: e.g.
// SESSION_RUNNING → gdb's "target is running", SESSION_NO_SLOT → E.. "no hardware slots".

import { HvdbgError, type HvdbgErrorOptions } from '../errors.ts';

export const SessionErrorCode = {
  /** The request needs a stopped CPU and the guest is running (and the session does not halt it). */
  RUNNING: 'SESSION_RUNNING',
  /** The request needs a running guest (interrupt) or a started guest; or it has exited. */
  NOT_RUNNING: 'SESSION_NOT_RUNNING',
  /** The guest has exited: nothing can be read or resumed any more. */
  EXITED: 'SESSION_EXITED',
  /** No such CPU, or the CPU has not been started by the guest. */
  NO_CPU: 'SESSION_NO_CPU',
  /** No such register, or a read-only one written. */
  BAD_REGISTER: 'SESSION_BAD_REGISTER',
  /** A virtual address without a translation, or a physical one m1n1 cannot access. */
  MEMORY_FAULT: 'SESSION_MEMORY_FAULT',
  /** All hardware breakpoint (5) or watchpoint (4) slots are in use (§9.11). */
  NO_SLOT: 'SESSION_NO_SLOT',
  /** A breakpoint/watchpoint that does not exist, or one that exists already. */
  BAD_BREAKPOINT: 'SESSION_BAD_BREAKPOINT',
  /** A symbol or source line the loaded symbols do not know. */
  NO_SYMBOL: 'SESSION_NO_SYMBOL',
  /** A stop did not come within the time asked (interrupt, halt-before-request). */
  TIMEOUT: 'SESSION_TIMEOUT',
  /** A malformed argument (length, alignment, size). */
  BAD_ARGUMENT: 'SESSION_BAD_ARGUMENT',
} as const;
export type SessionErrorCodeName = (typeof SessionErrorCode)[keyof typeof SessionErrorCode];

export class SessionError extends HvdbgError {
  declare readonly code: SessionErrorCodeName;
  constructor(code: SessionErrorCodeName, message: string, options: HvdbgErrorOptions = {}) {
    super(code, message, options);
  }
}

export const hex = (v: bigint | number): string => `0x${v.toString(16)}`;
