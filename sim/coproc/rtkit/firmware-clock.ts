// Layer: sim/coproc (RTKit). The coprocessor's notion of time: DeviceContext.schedule, except
// that nothing runs while the coprocessor is halted (CPU_CONTROL.RUN = 0, apple-devices §4.5).
// Imports sim/devices (DeviceContext type) only.
//
// A callback that comes due while halted is parked and runs, in due order, when the coprocessor
// is started again. `clear()` forgets everything (a cold boot or reset).

import type { DeviceContext } from '../../devices/device.ts';

interface Timer {
  readonly at: bigint;
  readonly seq: number;
  readonly fn: () => void;
  live: boolean;
  handle: { cancel(): void } | undefined;
}

export class FirmwareClock {
  private running = false;
  private seq = 0;
  private timers = new Set<Timer>();
  private parked: Timer[] = [];

  constructor(private readonly ctx: DeviceContext) {}

  get isRunning(): boolean {
    return this.running;
  }

  now(): bigint {
    return this.ctx.now();
  }

  schedule(atTick: bigint, fn: () => void): { cancel(): void } {
    const t: Timer = { at: atTick, seq: this.seq++, fn, live: true, handle: undefined };
    this.timers.add(t);
    t.handle = this.ctx.schedule(atTick, () => this.fire(t));
    return {
      cancel: () => {
        t.live = false;
        t.handle?.cancel();
        this.timers.delete(t);
      },
    };
  }

  /** Shorthand: `fn` after `delay` ticks. */
  after(delay: bigint, fn: () => void): { cancel(): void } {
    return this.schedule(this.ctx.now() + delay, fn);
  }

  halt(): void {
    this.running = false;
  }

  resume(): void {
    this.running = true;
    const due = this.parked.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.seq - b.seq));
    this.parked = [];
    for (const t of due) {
      if (!this.running) {
        this.parked.push(t);
        continue;
      }
      this.run(t);
    }
  }

  clear(): void {
    for (const t of this.timers) {
      t.live = false;
      t.handle?.cancel();
    }
    this.timers.clear();
    this.parked = [];
  }

  private fire(t: Timer): void {
    if (!t.live) return;
    if (!this.running) {
      this.parked.push(t);
      return;
    }
    this.run(t);
  }

  private run(t: Timer): void {
    if (!t.live) return;
    t.live = false;
    this.timers.delete(t);
    t.fn();
  }
}
