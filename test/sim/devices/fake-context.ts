// A DeviceContext for device tests: records IRQ/FIQ levels and CPU starts/stops, lets a test
// choose the accessing CPU and advance the timebase (firing scheduled callbacks in tick order).

import type { DeviceContext } from '../../../sim/devices/device.ts';

export class FakeContext implements DeviceContext {
  readonly cpuCount: number;
  cpu = 0;
  tick = 0n;
  readonly irq: boolean[];
  readonly fiq: boolean[];
  readonly irqCalls: Array<[number, boolean]> = [];
  readonly starts: Array<[number, bigint]> = [];
  readonly stops: number[] = [];
  readonly logs: string[] = [];
  private timers: Array<{ at: bigint; fn: () => void; seq: number; live: boolean }> = [];
  private seq = 0;

  constructor(cpuCount = 8) {
    this.cpuCount = cpuCount;
    this.irq = new Array<boolean>(cpuCount).fill(false);
    this.fiq = new Array<boolean>(cpuCount).fill(false);
  }

  now(): bigint {
    return this.tick;
  }
  currentCpu(): number {
    return this.cpu;
  }
  setIrq(cpu: number, level: boolean): void {
    this.irq[cpu] = level;
    this.irqCalls.push([cpu, level]);
  }
  setFiq(cpu: number, level: boolean): void {
    this.fiq[cpu] = level;
  }
  startCpu(cpu: number, rvbar: bigint): void {
    this.starts.push([cpu, rvbar]);
  }
  stopCpu(cpu: number): void {
    this.stops.push(cpu);
  }
  schedule(atTick: bigint, fn: () => void): { cancel(): void } {
    const t = { at: atTick, fn, seq: this.seq++, live: true };
    this.timers.push(t);
    return { cancel: () => void (t.live = false) };
  }
  log(line: string): void {
    this.logs.push(line);
  }

  /** Moves the timebase to `tick`, running due callbacks in (tick, creation) order. */
  advanceTo(tick: bigint): void {
    for (;;) {
      const due = this.timers.filter((t) => t.live && t.at <= tick).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.seq - b.seq));
      const next = due[0];
      if (!next) break;
      next.live = false;
      this.tick = next.at > this.tick ? next.at : this.tick;
      next.fn();
    }
    this.timers = this.timers.filter((t) => t.live);
    this.tick = tick;
  }

  /** CPUs whose IRQ input is asserted now. */
  irqCpus(): number[] {
    return this.irq.flatMap((l, c) => (l ? [c] : []));
  }
}
