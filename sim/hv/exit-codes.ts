// Layer: sim/hv, the virtual M1's hypervisor model. Imports core/uartproxy constants only.
//
// The codes of a hypervisor callback session (spec §9.3) as tables, and what the firmware does
// once a session has ended. m1n1 (src/hv_exc.c `_hv_exc_proxy`) knows exactly three outcomes:
// HANDLED resumes the guest, EXIT_GUEST leaves it, and everything else — UNHANDLED, P_EXIT(0)
// (delivered as 1), the Python-only STEP (4), any other number, a failed channel (−1) — prints
// "Guest exception not handled, rebooting.", dumps the registers and reboots.

import { ExcCode, HvEvent, StartReason } from '../../core/uartproxy/constants.ts';

export { StartReason };

export { ExcCode, HvEvent };
export type ExcCodeName = keyof typeof ExcCode;
export type HvEventName = keyof typeof HvEvent;

/** The argument of the `P_EXIT` that ends a callback session (§9.3). */
export const ExitCode = { EXC_RET_UNHANDLED: 1, EXC_RET_HANDLED: 2, EXC_EXIT_GUEST: 3, STEP: 4 } as const;
export type ExitCodeName = keyof typeof ExitCode;

/** The proxy loop's result when the channel failed during a session (§9.3: reboots). */
export const EXIT_CHANNEL_FAILED = -1;

export interface CodeRow {
  readonly value: number;
  readonly name: string;
  readonly meaning: string;
  /** START_HV codes: what `exc_info.extra` points to. */
  readonly extra?: 'hook-data' | 'virtio-info' | 'none' | 'no-info';
  /** Defined in m1n1's headers but never produced by the firmware. */
  readonly neverProduced?: boolean;
}

export const START_REASONS: readonly CodeRow[] = [
  { value: 0, name: 'START_BOOT', meaning: 'top-level proxy start' },
  { value: 1, name: 'START_EXCEPTION', meaning: "m1n1's own exception", neverProduced: true },
  { value: 2, name: 'START_EXCEPTION_LOWER', meaning: 'guest exception forwarded by the hypervisor' },
  { value: 3, name: 'START_HV', meaning: 'hypervisor event' },
];

export const EXC_CODES: readonly CodeRow[] = [
  { value: 0, name: 'EXC_SYNC', meaning: 'synchronous guest exception the HV did not handle' },
  { value: 1, name: 'EXC_IRQ', meaning: 'IRQ taken to EL2 (HCR_EL2.IMO = 1 only)' },
  { value: 2, name: 'EXC_FIQ', meaning: 'uncore-PMC interrupt (masked, then forwarded)' },
  { value: 3, name: 'EXC_SERROR', meaning: 'SError, or a synchronous trap with ESR.EC = 0x2F' },
];

export const HV_EVENTS: readonly CodeRow[] = [
  { value: 1, name: 'HOOK_VM', meaning: 'guest access to a proxy-hooked page (§10.6)', extra: 'hook-data' },
  { value: 2, name: 'VTIMER', meaning: "the hypervisor's EL2 virtual timer fired (§9.9)", extra: 'none' },
  { value: 3, name: 'USER_INTERRUPT', meaning: 'host sent bytes while the guest ran (§9.8)', extra: 'none' },
  { value: 4, name: 'WDT_BARK', meaning: 'watchdog bark or HV panic (§9.10); info = 0', extra: 'no-info' },
  { value: 5, name: 'CPU_SWITCH', meaning: 'this CPU was selected by P_HV_SWITCH_CPU (§9.6)', extra: 'none' },
  { value: 6, name: 'VIRTIO', meaning: 'guest notified a virtio queue (§12)', extra: 'virtio-info' },
  { value: 7, name: 'PANIC', meaning: 'defined, never produced', neverProduced: true },
];

export const EXIT_CODES: readonly CodeRow[] = [
  { value: 1, name: 'EXC_RET_UNHANDLED', meaning: 'reboot after "Guest exception not handled, rebooting." and a register dump' },
  { value: 2, name: 'EXC_RET_HANDLED', meaning: 'resume the guest with the (possibly modified) context; account stolen time' },
  { value: 3, name: 'EXC_EXIT_GUEST', meaning: 'rendezvous every CPU out of the guest, then this CPU exits it' },
  { value: 4, name: 'STEP', meaning: 'Python enum only: unknown to the firmware, so it reboots', neverProduced: true },
];

/** The message m1n1 prints before rebooting after an unhandled session. */
export const UNHANDLED_MESSAGE = 'Guest exception not handled, rebooting.';

export type SessionOutcome =
  /** Restore x0..x30, SPSR, ELR, SP_EL0/1 from exc_info and eret; add the session's ticks to the stolen time if time stealing is on. */
  | { readonly action: 'resume'; readonly accountStolenTime: true }
  /** Rendezvous all CPUs out of the guest, release the lock, leave the guest on this CPU (the boot CPU completes P_HV_START). */
  | { readonly action: 'exit-guest' }
  /** Print `message` (if any) and the registers, flush and reboot. */
  | { readonly action: 'reboot'; readonly message?: string; readonly dumpRegisters: boolean };

export interface SessionKind {
  /** A WDT_BARK / HV panic session: the machine reboots after it whatever the code (§9.10). */
  readonly bark?: boolean;
}

/**
 * What the firmware does after a callback session that ended with `exitCode` (the proxy loop's
 * result: P_EXIT's argument as m1n1 returns it — 0 already delivered as 1 — or −1 when the
 * channel failed).
 */
export function sessionOutcome(exitCode: number, kind: SessionKind = {}): SessionOutcome {
  if (kind.bark) return { action: 'reboot', dumpRegisters: false };
  if (exitCode === ExitCode.EXC_RET_HANDLED) return { action: 'resume', accountStolenTime: true };
  if (exitCode === ExitCode.EXC_EXIT_GUEST) return { action: 'exit-guest' };
  return { action: 'reboot', message: UNHANDLED_MESSAGE, dumpRegisters: true };
}

/** Name of a code in one of the tables, or `unknown(n)`. */
export function codeName(table: readonly CodeRow[], value: number): string {
  return table.find((row) => row.value === value)?.name ?? `unknown(${value})`;
}
