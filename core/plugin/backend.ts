// Layer: core/plugin. The boundary between the plugin host and a running session: what the host
// needs from the hypervisor (core/hv implements this; tests implement it in-process). Types only.
// Imports core/formats/adt (types) and core/util/disposable.ts (types).
//
// The backend owns the stage-2 policy and the wire (m1n1-protocol §10.5–10.8); the plugin host
// only says "trace this range in this mode and give me the events". One trace mode per range:
//   async      — §10.7 ASYNC: firmware performs the access, queues an event, guest runs on.
//   unbuffered — §10.7 UNBUF: as async, the event is flushed at once.
//   sync       — §10.7 SYNC: the guest waits while the host performs the access and notifies.
//   hook       — §10.7 HOOK: the guest waits; the plugin's reply supplies read data and may
//                swallow or alter a write. With no reply the backend does the real access.

import type { AdtNode } from '../formats/adt/index.ts';
import type { Disposable } from '../util/disposable.ts';

export type TraceMode = 'async' | 'unbuffered' | 'sync' | 'hook';
export const TRACE_MODES: readonly TraceMode[] = ['async', 'unbuffered', 'sync', 'hook'];

/**
 * One traced access (m1n1-protocol §10.5 EVT_MMIOTRACE, or one slice of a §10.6 hook). `seq` is
 * assigned by the backend: strictly increasing across every event kind of the session, so a gap
 * or a repeat is visible downstream.
 */
export interface MmioEvent {
  readonly seq: number;
  /** m1n1 CPU index (flags.CPU). */
  readonly cpu: number;
  /** Guest PC of the accessing instruction. */
  readonly pc: bigint;
  /** Physical address (IPA) of this access or 8-byte slice. */
  readonly addr: bigint;
  /** Bytes: 1, 2, 4 or 8 (2^flags.WIDTH). */
  readonly width: number;
  readonly write: boolean;
  /** flags.MULTI: one 8-byte slice of a wider access. */
  readonly multi?: boolean;
  /** The value read or written, zero-extended. */
  readonly value: bigint;
}

/**
 * What a hook-mode handler may answer. A read: `{ value }` is the data the guest gets. A write:
 * `{ value }` is written instead of the guest's value, `{ drop: true }` swallows it. `undefined`
 * lets the backend do the real access. Ignored for other modes.
 */
export type HookReply = { readonly value: bigint } | { readonly drop: true };
export type MmioReply = HookReply | undefined;

export interface TraceRangeRequest {
  /** Who asks, e.g. `gpio@/arm-io/gpio` (conflict and error reports name it). */
  readonly owner: string;
  readonly base: bigint;
  readonly size: bigint;
  readonly mode: TraceMode;
  /** The directions anyone listens to (§10.7 need_read / need_write). */
  readonly read: boolean;
  readonly write: boolean;
  /**
   * Called once per event, in `seq` order. For sync/hook modes the backend awaits the result
   * before letting the guest continue; for async modes it may ignore it.
   */
  onAccess(ev: MmioEvent): MmioReply | Promise<MmioReply>;
}

/** §10.8 EVT_IRQTRACE: the hypervisor saw the AIC EVENT register return hardware IRQ `num`. */
export interface IrqTraceEvent {
  readonly seq: number;
  /** The CPU that read EVENT when the backend knows it (the wire record has none). */
  readonly cpu?: number;
  /** AIC event type (1 = hardware IRQ). */
  readonly type: number;
  /** `die × max_irq + irq`. */
  readonly num: number;
}

export interface IrqTraceRequest {
  readonly owner: string;
  /** The name printed in `IRQ: <name>: <num>` (§1.7), normally the ADT node name. */
  readonly name: string;
  readonly first: number;
  readonly count: number;
  onIrq(ev: IrqTraceEvent): void;
}

/** A trapped MSR/MRS of a system register (e.g. the fast-IPI registers, apple-devices §2.5). */
export interface SysregEvent {
  readonly seq: number;
  readonly cpu: number;
  readonly pc: bigint;
  /** Packed encoding op0<<14 | op1<<11 | CRn<<7 | CRm<<3 | op2 (core/arch/a64 packSysReg). */
  readonly key: number;
  readonly write: boolean;
  readonly value: bigint;
}

export interface SysregWatchRequest {
  readonly owner: string;
  readonly keys: readonly number[];
  onAccess(ev: SysregEvent): void;
}

/** A structured trace output event: what every consumer (CLI, share, files) receives. */
export interface TraceOutputEvent {
  readonly plugin: string;
  /** ADT path of the device, when the event belongs to one. */
  readonly device?: string;
  /** e.g. `pin-config`, `irq-taken`, `mmio`, or the host's `plugin-error`, `plugin-reloaded`. */
  readonly kind: string;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly cpu?: number;
  readonly pc?: bigint;
  readonly seq?: number;
  /** The human line; always begins with `[<plugin>] `. */
  readonly line: string;
  /** 'error' for reports of failures (load, handler, disable), 'info' otherwise. */
  readonly severity: 'info' | 'error';
}

export interface TraceBackend {
  /** The guest's device tree (devices are found by path or compatible, never hard-coded, §9). */
  readonly adt: AdtNode;
  /** Trace [base, base+size) in `mode`; dispose to stop. */
  traceRange(req: TraceRangeRequest): Disposable;
  /** Report deliveries of AIC IRQs [first, first+count) (§1.7, §10.8). Absent: not offered. */
  traceIrq?(req: IrqTraceRequest): Disposable;
  /** Report traps of these system registers. Absent: not offered. */
  watchSysregs?(req: SysregWatchRequest): Disposable;
  /**
   * Read guest physical memory. Only meaningful while the guest waits (a sync/hook handler) or
   * is stopped; otherwise the backend rejects with its "target running" error.
   */
  readMemory?(addr: bigint, size: number): Promise<Uint8Array>;
  /** Read a register from hardware (§1.4 non-cached read); same context rule as readMemory. */
  readMmio?(addr: bigint, width: number): Promise<bigint>;
  /** Where structured events go (already filtered by the plugin's verbosity). */
  output(ev: TraceOutputEvent): void;
}
