// Layer: sim/cpu. Deterministic round-robin of several cores in fixed quanta. Imports this folder.
//
// Every round each started core runs up to `quantum` instructions; a core that stops early
// (WFI/WFE) or is not started is credited the rest, so all cores' clocks (icount, hence the
// generic timer) agree at round ends and a run is reproducible. A waiting core wakes at a
// round boundary when `wakeable()` (an interrupt line, a timer, a pending IPI, or for WFE the
// event register). SEV and fast IPIs are delivered here.

import type { Core } from './core.ts';

export class Scheduler {
  readonly started: boolean[];
  rounds = 0;

  constructor(
    readonly cores: readonly Core[],
    readonly quantum = 1000,
  ) {
    this.started = cores.map((_, i) => i === 0);
    for (const core of cores) {
      core.onIpi ??= (from, value, global) => this.deliverIpi(from, value, global);
      core.onSev ??= () => this.sendEvent();
    }
  }

  start(cpu: number): void {
    this.started[cpu] = true;
  }

  /** SEV: sets every core's event register (wakes WFE). */
  sendEvent(): void {
    for (const c of this.cores) c.eventRegister = true;
  }

  /** IPI_RR_LOCAL/GLOBAL (apple-devices §2.5): CPU = Aff0 in bits 7:0, cluster (global only) in 23:16. */
  deliverIpi(from: Core, value: bigint, global: boolean): void {
    const core = Number(value & 0xffn);
    const cluster = global ? Number((value >> 16n) & 0xffn) : from.cpu >> 2;
    const target = this.cores.find((c) => c.cpu === cluster * 4 + core);
    if (target) {
      target.ipiPending = true;
      target.contextChanged();
    }
  }

  /** Runs `rounds` rounds; returns instructions executed over all cores. */
  run(rounds: number): number {
    let total = 0;
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < this.cores.length; i++) {
        const core = this.cores[i]!;
        const roundEnd = (this.rounds + 1) * this.quantum;
        if (this.started[i]) {
          if (core.waiting !== 0 && core.wakeable()) core.wake();
          if (core.waiting === 0 && core.icount < roundEnd) total += core.run(roundEnd - core.icount);
        }
        if (core.icount < roundEnd) core.icount = roundEnd;
      }
      this.rounds++;
    }
    return total;
  }
}
