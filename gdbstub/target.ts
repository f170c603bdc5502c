// Layer: gdbstub, the seam below the RSP handlers. Imports core/errors, core/util and
// gdbstub/registers.ts only.
//
// `GdbTarget` is everything the GDB stub needs from the debug model, and nothing about m1n1.
// The product adapter (core/session → GdbTarget, issue 6/7) implements it once core/session
// exists; tests implement it with a register file and a byte array. Handlers never reach past
// this interface, so the protocol half can be tested without a guest.
//
// Conventions:
// - Threads are CPUs. A thread id is a positive integer (gdb's numbering, 1-based); the stub
//   never invents ids, it shows what `threads()` lists.
// - All-stop: when one thread stops, the target stops them all, then emits ONE `StopEvent`
//   naming the thread that caused it.
// - Registers are named by the declarative table in registers.ts; values are bigint (128-bit
//   vector registers included). `undefined` means "unavailable" (gdb shows `<unavailable>`).
// - Errors: throw `GdbTargetError` with one of the codes below; the stub turns them into
//   `E xx` replies and keeps the connection (anything else is also answered, as E05/EIO).

import { HvdbgError, type HvdbgErrorOptions } from '../core/errors.ts';
import type { Disposable } from '../core/util/disposable.ts';
import type { RegisterName } from './registers.ts';

export type ThreadId = number;

export interface GdbThreadInfo {
  readonly id: ThreadId;
  /** Short name shown by `info threads`, e.g. `cpu0 (p-core)`. */
  readonly name: string;
  readonly mpidr: bigint;
  /** Cluster index (MPIDR Aff1 on Apple parts) and its kind, e.g. `e` / `p`. */
  readonly cluster: number;
  readonly clusterKind?: string;
  /** Physical core number gdb shows (`core:` in qXfer:threads). */
  readonly core?: number;
}

/** Why a thread stopped, as gdb's stop reply (T packet) can say it. */
export type StopReason =
  | { readonly kind: 'signal'; readonly signal: number }
  | { readonly kind: 'swbreak' }
  | { readonly kind: 'hwbreak' }
  | { readonly kind: 'watch'; readonly access: WatchKind; readonly address: bigint }
  | { readonly kind: 'exited'; readonly status: number }
  | { readonly kind: 'terminated'; readonly signal: number };

export interface StopEvent {
  readonly threadId: ThreadId;
  readonly reason: StopReason;
  /**
   * Registers the target already knows for the stopping thread (e.g. from the exception
   * context m1n1 hands over). They prime the stub's per-stop cache, so the stop reply's
   * expedited registers cost no extra round trip.
   */
  readonly registers?: ReadonlyMap<RegisterName, bigint>;
}

export type ThreadState = { readonly state: 'running' } | { readonly state: 'stopped'; readonly reason: StopReason };

export type BreakpointKind = 'software' | 'hardware';
export type WatchKind = 'write' | 'read' | 'access';

export interface Breakpoint {
  readonly kind: BreakpointKind;
  readonly address: bigint;
  /** gdb's "kind": instruction size in bytes, 4 for A64. */
  readonly size: number;
}

export interface Watchpoint {
  readonly kind: WatchKind;
  readonly address: bigint;
  readonly length: number;
}

export interface DebugCapacity {
  /** Hardware breakpoint slots (DBGBCR/DBGBVR pairs); software breakpoints are unlimited. */
  readonly hardwareBreakpoints: number;
  /** Watchpoint slots (DBGWCR/DBGWVR pairs). */
  readonly watchpoints: number;
}

/** What one thread does on resume. `stop` = left stopped (all-stop vCont without an action). */
export type ThreadAction =
  | { readonly action: 'continue'; readonly signal?: number }
  | { readonly action: 'step'; readonly signal?: number }
  | { readonly action: 'stop' };

/**
 * A resume request with every thread's action resolved (vCont defaults applied by the stub).
 * `startAddress` is the legacy `c addr` / `s addr` form: resume there (the thread that gdb
 * selected with Hc, or the first one stepping).
 */
export interface ResumePlan {
  readonly actions: ReadonlyMap<ThreadId, ThreadAction>;
  readonly startAddress?: { readonly threadId: ThreadId; readonly address: bigint };
}

export interface GdbTarget {
  /** The CPUs, in the order gdb numbers them. Stable for a session. */
  threads(): readonly GdbThreadInfo[];
  threadState(id: ThreadId): ThreadState;
  readonly capacity: DebugCapacity;

  readRegisters(thread: ThreadId, names: readonly RegisterName[]): Promise<ReadonlyArray<bigint | undefined>>;
  writeRegisters(thread: ThreadId, values: ReadonlyMap<RegisterName, bigint>): Promise<void>;

  /** Reads through `thread`'s EL1 translation. May return fewer bytes than asked (a fault part way). */
  readMemory(thread: ThreadId, address: bigint, length: number): Promise<Uint8Array>;
  writeMemory(thread: ThreadId, address: bigint, data: Uint8Array): Promise<void>;

  /** Throws GdbTargetError('GDB_TARGET_NO_SLOTS') past `capacity` for hardware ones. */
  insertBreakpoint(bp: Breakpoint): Promise<void>;
  removeBreakpoint(bp: Breakpoint): Promise<void>;
  insertWatchpoint(wp: Watchpoint): Promise<void>;
  removeWatchpoint(wp: Watchpoint): Promise<void>;

  /** Starts the threads as planned and resolves once they run; the stop comes via onStopped. */
  resume(plan: ResumePlan): Promise<void>;
  /** Asks the running guest to stop; the stop comes via onStopped (reason: signal 2, SIGINT). */
  interrupt(): Promise<void>;
  onStopped(listener: (event: StopEvent) => void): Disposable;

  /** gdb leaves: the guest runs on. The stub has removed its breakpoints and watchpoints first. */
  detach(): Promise<void>;
  /** gdb's `kill`: what a guest kill means is the target's (e.g. power off, or stop and reset). */
  kill(): Promise<void>;
  /** `monitor <command>`: `print` sends text to gdb's console as it comes (O packets). */
  monitor(command: string, print: (text: string) => void): Promise<void>;
}

export const TARGET_ERROR_CODES = [
  'GDB_TARGET_NO_SLOTS',
  'GDB_TARGET_RUNNING',
  'GDB_TARGET_MEMORY_FAULT',
  'GDB_TARGET_NO_THREAD',
  'GDB_TARGET_BAD_REGISTER',
  'GDB_TARGET_UNSUPPORTED',
  'GDB_TARGET_MONITOR_FAILED',
] as const;
export type GdbTargetErrorCode = (typeof TARGET_ERROR_CODES)[number];

/** A target's refusal; never fatal to the gdb connection. */
export class GdbTargetError extends HvdbgError {
  declare readonly code: GdbTargetErrorCode;
  constructor(code: GdbTargetErrorCode, message: string, options: HvdbgErrorOptions = {}) {
    super(code, message, options);
  }
}
