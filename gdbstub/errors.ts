// Layer: gdbstub. Imports core/errors only. The stub's own errors (framing, listening, a busy
// stub); a target's refusals are GdbTargetError in target.ts.

import { HvdbgError, type HvdbgErrorOptions } from '../core/errors.ts';

export type GdbStubErrorCode =
  | 'GDB_PACKET_TOO_LARGE'
  | 'GDB_BAD_CHECKSUM'
  | 'GDB_MALFORMED_PACKET'
  | 'GDB_STUB_BUSY'
  | 'GDB_LISTEN_FAILED'
  | 'GDB_STOP_TIMEOUT';

export class GdbStubError extends HvdbgError {
  declare readonly code: GdbStubErrorCode;
  constructor(code: GdbStubErrorCode, message: string, options: HvdbgErrorOptions = {}) {
    super(code, message, options);
  }
}
