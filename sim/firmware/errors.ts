// Layer: sim/firmware. The error family of the firmware model. Imports core/errors only.
//
// Two kinds: misuse of the model by the code around it (bad options, a second reader, an op
// registered twice) and the target stopping (reset or sleep), which unwinds every session
// and op handler that is running (§5: an unguarded fault reboots the machine; §4.2: P_REBOOT,
// P_SLEEP).

import { HvdbgError } from '../../core/errors.ts';

export type SimFirmwareErrorCode =
  | 'SIM_BAD_OPTIONS'
  | 'SIM_SESSION_BUSY'
  | 'SIM_DUPLICATE_OP'
  | 'SIM_UNKNOWN_OP'
  | 'SIM_EVENT_TOO_LARGE'
  | 'SIM_TARGET_RESET'
  | 'SIM_TARGET_SLEEP';

export class SimFirmwareError extends HvdbgError {
  declare readonly code: SimFirmwareErrorCode;

  constructor(code: SimFirmwareErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(code, message, options);
  }
}

/** One faulting access of the firmware itself (not of a guest). */
export interface FaultInfo {
  readonly address: bigint;
  readonly widthBytes: number;
  readonly write: boolean;
  /** What the firmware was doing, e.g. `P_READ32`, `REQ_MEMREAD`. */
  readonly during: string;
}

/**
 * Why the target reset:
 * - `P_REBOOT`: the host asked for it (§6.2);
 * - `UNHANDLED_EXCEPTION`: a fault with the guard off (§5);
 * - `FIRMWARE_PANIC`: an op handler of the model threw (a bug in the model, reported, not fatal to the process).
 */
export type ResetCause = 'P_REBOOT' | 'UNHANDLED_EXCEPTION' | 'FIRMWARE_PANIC' | 'GUEST_EXCEPTION_UNHANDLED';

export interface ResetReason {
  readonly cause: ResetCause;
  readonly message: string;
  readonly fault?: FaultInfo;
  readonly error?: unknown;
}

export type TargetStop = { readonly kind: 'reset'; readonly reason: ResetReason } | { readonly kind: 'sleep'; readonly deep: boolean };

/**
 * Thrown through op handlers and nested sessions when the target resets or sleeps, so that
 * everything running on the target unwinds. `runCallbackSession` rejects with it; `runTopLevel`
 * absorbs it (see proxy-loop.ts).
 */
export class TargetStoppedError extends SimFirmwareError {
  readonly stop: TargetStop;

  constructor(stop: TargetStop) {
    super(
      stop.kind === 'reset' ? 'SIM_TARGET_RESET' : 'SIM_TARGET_SLEEP',
      stop.kind === 'reset' ? `target reset: ${stop.reason.message}` : `target CPU sleeps${stop.deep ? ' (deep)' : ''}`,
      { hint: 'The virtual M1 stopped serving the proxy; the machine model decides whether to boot it again (resetState(), runTopLevel()).' },
    );
    this.stop = stop;
  }
}

export function sessionBusyError(what: string): SimFirmwareError {
  return new SimFirmwareError('SIM_SESSION_BUSY', `${what}: a proxy session is already reading on this iodev`, {
    hint: 'Start callback sessions from inside an op handler (or with no session running); only one session reads at a time.',
  });
}
