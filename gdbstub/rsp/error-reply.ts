// Layer: gdbstub/rsp. Imports gdbstub/target.ts only.
//
// Typed errors → `E xx` replies. gdb prints the number only, so the numbers are errno values
// (as gdbserver uses) a user can look up; the full message goes to the stub's log.

import { GdbTargetError, type GdbTargetErrorCode } from '../target.ts';

const ERRNO: Record<GdbTargetErrorCode, number> = {
  GDB_TARGET_NO_SLOTS: 28, // ENOSPC
  GDB_TARGET_RUNNING: 16, // EBUSY
  GDB_TARGET_MEMORY_FAULT: 14, // EFAULT
  GDB_TARGET_NO_THREAD: 3, // ESRCH
  GDB_TARGET_BAD_REGISTER: 22, // EINVAL
  GDB_TARGET_UNSUPPORTED: 38, // ENOSYS
  GDB_TARGET_MONITOR_FAILED: 1, // EPERM
};

export const EINVAL_REPLY = errnoReply(22);
export const EIO = 5;

export function errnoReply(errno: number): string {
  return `E${errno.toString(16).padStart(2, '0')}`;
}

export function errorReply(err: unknown): string {
  return errnoReply(err instanceof GdbTargetError ? ERRNO[err.code] : EIO);
}
