// Layer: core/hv. The hypervisor host's errors. Imports core/errors only.
//
// Every failure the host raises has a stable HV_* code and a hint. `fatal` marks errors after
// which the guest session cannot go on (the link or the target is gone); the rest leave the
// guest where it was.

import { HvdbgError, type HvdbgErrorOptions } from '../errors.ts';

export const HvErrorCode = {
  /** A sysreg access (or injected instruction) took an exception on the target (§7.3). */
  SYSREG_FAULT: 'HV_SYSREG_FAULT',
  /** exc_info bytes too short or a field written that the target ignores (§9.2). */
  BAD_CONTEXT: 'HV_BAD_CONTEXT',
  /** Something the host needs from the target is missing (ADT node, boot_args, CPU features). */
  BOOTSTRAP: 'HV_BOOTSTRAP',
  /** The guest image cannot be placed in the guest's RAM. */
  LAYOUT: 'HV_LAYOUT',
  /** An operation that needs a stopped CPU (a callback session) was called while the guest runs. */
  NOT_STOPPED: 'HV_NOT_STOPPED',
  /** An operation that needs a running guest or a started hypervisor in the wrong state. */
  BAD_STATE: 'HV_BAD_STATE',
  /** P_HV_SWITCH_CPU refused, or the target came back on another CPU (§9.6). */
  CPU_SWITCH: 'HV_CPU_SWITCH',
  /** A guest MMIO access the host should serve could not be (hook without mapping, fault). */
  MMIO: 'HV_MMIO',
  /** Two MMIO registrations that cannot share a range (two HOOK handlers, §10.7). */
  MMIO_CONFLICT: 'HV_MMIO_CONFLICT',
  /** A bad argument to a core/hv API (range, mode, slot). */
  BAD_ARGUMENT: 'HV_BAD_ARGUMENT',
  /** No free hardware breakpoint/watchpoint slot. */
  NO_SLOT: 'HV_NO_SLOT',
} as const;
export type HvErrorCodeName = (typeof HvErrorCode)[keyof typeof HvErrorCode];

export class HvError extends HvdbgError {
  constructor(code: HvErrorCodeName, message: string, options: HvdbgErrorOptions = {}) {
    super(code, message, options);
  }
}

export const hex = (v: bigint | number): string => `0x${v.toString(16)}`;
