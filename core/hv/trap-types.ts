// Layer: core/hv. Types shared by the exception loop and its handlers. Imports nothing but
// type-only modules of this folder.

/** Why a CPU stopped (for the debug model and front-ends). */
export type StopReason =
  | 'breakpoint'
  | 'watchpoint'
  | 'step'
  | 'user-interrupt'
  | 'exception'
  | 'vtimer'
  | 'hypercall'
  | 'mmio-error';

export interface StopEvent {
  readonly reason: StopReason;
  readonly cpu: number;
  /** Guest PC (ELR) where it stopped. */
  readonly pc: bigint;
  readonly detail: string;
  readonly esr?: bigint;
  /** FAR for watchpoints and aborts. */
  readonly far?: bigint;
}

/** What a handler decided. */
export type TrapResult =
  /** Resume the guest (P_EXIT(2)). */
  | { readonly kind: 'handled' }
  /** Stop: give the CPU to the stop handler (debugger) before resuming. */
  | { readonly kind: 'stop'; readonly stop: Omit<StopEvent, 'cpu' | 'pc'> }
  /** End the guest on every CPU (P_EXIT(3)); `status` is the guest's exit status if it gave one. */
  | { readonly kind: 'exit-guest'; readonly status?: bigint; readonly why: string };

export const HANDLED: TrapResult = Object.freeze({ kind: 'handled' });

/** What the stop handler wants after a stop. */
export type ResumeAction = 'continue' | 'step' | 'exit-guest';
