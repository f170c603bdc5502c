// Layer: sim/coproc (ASC). One direction of an ASC mailbox: a FIFO of 128-bit messages with the
// pointer/count/status view of the control register (apple-devices §4.1, §4.5). Imports only
// this folder.
//
// The pointer fields WPTR/RPTR are 4 bits and wrap at the depth (16); FIFOCNT is also 4 bits, so
// a full FIFO reads FIFOCNT = 0 with FULL = 1 (the hardware-like consequence of the field width;
// model choice). OVERFLOW latches when a push finds the FIFO full (the message is dropped) and is
// cleared by writing 1 to it.

import { ASC_FIFO_DEPTH, MBOX_CTRL } from './asc-registers.ts';

export interface MailboxMessage {
  readonly msg0: bigint;
  readonly msg1: bigint;
}

export class MailboxFifo {
  private readonly slots: MailboxMessage[] = [];
  private wptr = 0;
  private rptr = 0;
  private overflow = false;
  /** The ENABLE bit is storage (its effect is unknown, §10.3); reset value 1. */
  private enable = true;

  constructor(readonly depth = ASC_FIFO_DEPTH) {}

  get count(): number {
    return this.slots.length;
  }
  get empty(): boolean {
    return this.slots.length === 0;
  }
  get full(): boolean {
    return this.slots.length >= this.depth;
  }
  get overflowed(): boolean {
    return this.overflow;
  }

  /** False (and OVERFLOW set) when the FIFO is full: the message is dropped (§4.5). */
  push(msg: MailboxMessage): boolean {
    if (this.full) {
      this.overflow = true;
      return false;
    }
    this.slots.push(msg);
    this.wptr = (this.wptr + 1) % this.depth;
    return true;
  }

  peek(): MailboxMessage | undefined {
    return this.slots[0];
  }

  pop(): MailboxMessage | undefined {
    const m = this.slots.shift();
    if (m) this.rptr = (this.rptr + 1) % this.depth;
    return m;
  }

  /** The control register value (§4.1 layout). */
  control(): number {
    const n = this.slots.length;
    return (
      ((this.enable ? MBOX_CTRL.ENABLE : 0) |
        (this.wptr << MBOX_CTRL.WPTR_SHIFT) |
        (this.rptr << MBOX_CTRL.RPTR_SHIFT) |
        (n >= this.depth ? MBOX_CTRL.FULL : 0) |
        (n === 0 ? MBOX_CTRL.EMPTY : 0) |
        (this.overflow ? MBOX_CTRL.OVERFLOW : 0) |
        ((n & 0xf) << MBOX_CTRL.FIFOCNT_SHIFT)) >>>
      0
    );
  }

  /** A control register write: ENABLE is storage, OVERFLOW is write-1-to-clear, the rest read-only. */
  writeControl(value: number): void {
    this.enable = (value & MBOX_CTRL.ENABLE) !== 0;
    if (value & MBOX_CTRL.OVERFLOW) this.overflow = false;
  }

  reset(): void {
    this.slots.length = 0;
    this.wptr = this.rptr = 0;
    this.overflow = false;
    this.enable = true;
  }
}
