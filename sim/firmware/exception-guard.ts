// Layer: sim/firmware. m1n1's exception guard and exception counter (spec §5). Imports
// sim/memory, the pure-data guard constants of core/proxy/constants.ts and this folder's errors.
//
// On the real target a faulting load or store traps into m1n1's exception handler, which
// consults the global guard: OFF reboots, SKIP steps over the instruction, MARK also writes the
// marker into the destination register, RETURN makes the current function return the marker
// and turns the guard off. Every recovered fault increments exc_count. Here the firmware's
// memory accesses go through `load`/`store`, which apply the same rules to a FAULT result;
// RETURN unwinds to the innermost `returnable()`, the model of "the current function".

import { Guard, GUARD_MARKER } from '../../core/proxy/constants.ts';
import { FAULT, type AccessWidth, type PhysicalMemory, widthMask } from '../memory/physical-memory.ts';
import type { FaultInfo } from './errors.ts';

export const GUARD_OFF = Guard.OFF;
export const GUARD_SKIP = Guard.SKIP;
export const GUARD_MARK = Guard.MARK;
export const GUARD_RETURN = Guard.RETURN;
/** Flag: no diagnostics on the console. The mode proper is `guard & GUARD_TYPE_MASK`. */
export const GUARD_SILENT = Guard.SILENT;
export const GUARD_TYPE_MASK = 0xff;
export { GUARD_MARKER };

/** The marker as a load of `widthBytes` sees it: 0xACCE5515ABAD1DEA, 0xABAD1DEA, 0x1DEA, 0xEA (§5). */
export function guardMarker(widthBytes: AccessWidth): bigint {
  return GUARD_MARKER & widthMask(widthBytes);
}

export type Recovery = 'skip' | 'mark' | 'return';

export interface GuardHooks {
  /** Console text: m1n1's diagnostics, printed unless GUARD_SILENT. */
  diagnostic(text: string): void;
  /** A fault with the guard off: the machine reboots. Must throw (TargetStoppedError). */
  unrecoverable(fault: FaultInfo): never;
}

/** Unwinds a GUARD_RETURN fault to `returnable()`. Not an Error: it never leaves the guard's hands. */
class GuardReturnSignal {}
const RETURN_SIGNAL = new GuardReturnSignal();

export type Returnable<T> = { readonly returned: false; readonly value: T } | { readonly returned: true; readonly value: bigint };

export class ExceptionGuard {
  /** m1n1's `exc_guard`: mode | flags. Between proxy ops it holds the session guard. */
  mode: number = GUARD_OFF;
  /** m1n1's `exc_count`. */
  count = 0;

  constructor(private readonly hooks: GuardHooks) {}

  /** Power-on state: guard off, counter 0. */
  reset(): void {
    this.mode = GUARD_OFF;
    this.count = 0;
  }

  /** m1n1's exception handler for one fault: recovers per the guard, or reboots (throws) when it is off. */
  recover(fault: FaultInfo): Recovery {
    const type = this.mode & GUARD_TYPE_MASK;
    if ((this.mode & GUARD_SILENT) === 0 || type === GUARD_OFF) this.hooks.diagnostic(describeFault(fault));
    let recovery: Recovery;
    switch (type) {
      case GUARD_SKIP:
        recovery = 'skip';
        break;
      case GUARD_MARK:
        recovery = 'mark';
        break;
      case GUARD_RETURN:
        recovery = 'return';
        // m1n1 writes GUARD_OFF, which also drops SILENT: the "Recovering" line below is printed.
        this.mode = GUARD_OFF;
        break;
      default:
        this.hooks.diagnostic('Unhandled exception, rebooting...\n');
        return this.hooks.unrecoverable(fault);
    }
    this.count++;
    if ((this.mode & GUARD_SILENT) === 0) this.hooks.diagnostic('Recovering from exception\n');
    return recovery;
  }

  /**
   * One load as m1n1 issues it. On a fault: MARK yields the marker (truncated to the width),
   * SKIP leaves the destination register as it was (modelled as 0), RETURN unwinds to
   * `returnable()`, OFF reboots.
   */
  load(memory: PhysicalMemory, address: bigint, widthBytes: AccessWidth, during: string): bigint {
    const v = memory.read(address, widthBytes);
    if (v !== FAULT) return v;
    const r = this.recover({ address, widthBytes, write: false, during });
    if (r === 'return') throw RETURN_SIGNAL;
    return r === 'mark' ? guardMarker(widthBytes) : 0n;
  }

  /** One store; true when it happened, false when it faulted and was skipped (SKIP or MARK). */
  store(memory: PhysicalMemory, address: bigint, widthBytes: AccessWidth, value: bigint, during: string): boolean {
    if (memory.write(address, widthBytes, value)) return true;
    if (this.recover({ address, widthBytes, write: true, during }) === 'return') throw RETURN_SIGNAL;
    return false;
  }

  /**
   * Reports a fault found by other means (a failed block access) as the access `fault`, with
   * the same outcome as `load`/`store`: returns the recovery, unwinds on RETURN, reboots on OFF.
   */
  fault(fault: FaultInfo): Exclude<Recovery, 'return'> {
    const r = this.recover(fault);
    if (r === 'return') throw RETURN_SIGNAL;
    return r;
  }

  /**
   * Runs `fn` as one C function of the firmware: a GUARD_RETURN fault inside makes it return
   * the marker (`returned: true`) instead of its value.
   */
  returnable<T>(fn: () => T): Returnable<T> {
    try {
      return { returned: false, value: fn() };
    } catch (e) {
      if (e === RETURN_SIGNAL) return { returned: true, value: GUARD_MARKER };
      throw e;
    }
  }
}

function describeFault(f: FaultInfo): string {
  const what = f.write ? 'write' : 'read';
  return `Exception: SYNC\n  data abort: ${f.widthBytes}-byte ${what} at 0x${f.address.toString(16)} (${f.during})\n`;
}
