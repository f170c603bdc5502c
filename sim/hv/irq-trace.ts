// Layer: sim/hv, the virtual M1's hypervisor model. Imports this folder's trace-events only.
//
// P_HV_TRACE_IRQ state (§10.8; m1n1 src/hv_aic.c): which hardware IRQs per AIC die are traced,
// and what the firmware's AIC hook does with one guest access. The hook itself is a firmware
// HOOK descriptor over the whole AIC window, installed on the first successful call (also when
// that call untraces): every access is performed on the hardware unchanged, and a 32-bit read
// of the event register yields an EVT_IRQTRACE when it returns a traced hardware IRQ.

import { IRQTRACE_IRQ, type IrqTraceEvent } from './trace-events.ts';

export const AIC_EVENT_TYPE_HW = 1;
/** Per-die bitmap size (m1n1 aic.h: 0x80 × 32, the M1 Max's max_irq). */
export const AIC_MAX_HW_NUM = 0x80 * 32;
export const AIC_MAX_DIES = 4;
/** AIC1 (M1) event register offset. */
export const AIC1_EVENT_OFFSET = 0x2004n;

export interface AicInfo {
  readonly base: bigint;
  /** Size of the AIC register window the hook covers (aic->regs.reg_size). */
  readonly size: bigint;
  /** Offset of the event register (0x2004 on AIC1). */
  readonly eventOffset: bigint;
  /** IRQs per die (aic->max_irq, from AIC_INFO). */
  readonly maxIrq: number;
}

export interface TraceIrqResult {
  /** P_HV_TRACE_IRQ's return value: 1 success, 0 failure. */
  readonly retval: 0n | 1n;
  /** The firmware must now install its HOOK over [aic.base, aic.base + aic.size). */
  readonly installHook: boolean;
  /** Console line m1n1 prints, if any. */
  readonly message?: string;
}

export class IrqTraceState {
  /** die → traced bitmap (a Set of IRQ numbers within the die). */
  private readonly traced = new Map<number, Set<number>>();
  private hooked = false;

  constructor(private readonly aic: AicInfo | undefined) {}

  /** Whether the firmware's AIC hook has been installed. */
  get hookInstalled(): boolean {
    return this.hooked;
  }

  /** P_HV_TRACE_IRQ(type, num, count, flags); arguments are u32 in m1n1. */
  configure(type: number, num: number, count: number, flags: number): TraceIrqResult {
    type >>>= 0;
    num >>>= 0;
    count >>>= 0;
    flags >>>= 0;
    if (type !== AIC_EVENT_TYPE_HW) {
      return { retval: 0n, installHook: false, message: `HV: not handling AIC event type: 0x${type.toString(16).padStart(2, '0')} num: ${num}` };
    }
    // m1n1 reads aic->max_irq before its NULL check (§15 #34); a missing AIC is simply a failure here.
    if (!this.aic) return { retval: 0n, installHook: false, message: 'HV: AIC not initialized' };
    const die = Math.floor(num / this.aic.maxIrq);
    // m1n1 reduces the number modulo AIC_MAX_HW_NUM (not max_irq) and bounds the die by max_irq
    // (not the die count) — replicated (§15 #34); dies ≥ 4 are kept in the map instead of
    // overrunning m1n1's array.
    const n0 = num % AIC_MAX_HW_NUM;
    if (die >= this.aic.maxIrq || count > AIC_MAX_HW_NUM - n0) {
      return { retval: 0n, installHook: false, message: `HV: invalid IRQ range: (${n0}, ${n0 + count}) for die ${die}` };
    }
    let set = this.traced.get(die);
    if (!set) this.traced.set(die, (set = new Set()));
    for (let n = n0; n < n0 + count; n++) {
      if (flags === IRQTRACE_IRQ) set.add(n);
      else set.delete(n);
    }
    const installHook = !this.hooked;
    this.hooked = true;
    return { retval: 1n, installHook };
  }

  isTraced(die: number, irq: number): boolean {
    return this.traced.get(die)?.has(irq) ?? false;
  }

  /**
   * After the hook performed a guest access on the hardware: the event to emit, if any.
   * `width` is log2 bytes; `value` the value read (or written).
   */
  onAccess(addr: bigint, write: boolean, width: number, value: bigint): IrqTraceEvent | undefined {
    const aic = this.aic;
    if (!aic || write || width !== 2 || addr !== aic.base + aic.eventOffset) return undefined;
    const v = Number(value & 0xffffffffn);
    const die = (v >>> 24) & 0xff;
    const type = (v >>> 16) & 0xff;
    const irq = v & 0xffff;
    // m1n1 tests `die > AIC_MAX_DIES` (§15 #34); die 4 reads past its bitmap — never traced here.
    if (die > AIC_MAX_DIES) return undefined;
    if (type !== AIC_EVENT_TYPE_HW || !this.isTraced(die, irq)) return undefined;
    return { flags: IRQTRACE_IRQ, type, num: (die * aic.maxIrq + irq) & 0xffff };
  }
}
