// Layer: sim/machine. The machine's timebase and the device timers on it. Imports nothing.
//
// Time is virtual: the 24 MHz counter advances only while cores run (each core's generic timer
// counts its own retired instructions, and the scheduler keeps them level), so a run is
// reproducible and a slow host does not make the guest's timeouts fire early. Device events
// (a GPIO input that toggles, a watchdog) are due at a tick and run between scheduler rounds,
// in due order, ties in the order they were scheduled.

export interface ScheduledEvent {
  cancel(): void;
}

interface Pending {
  at: bigint;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

export class DeviceClock {
  private pending: Pending[] = [];
  private seq = 0;

  constructor(private readonly ticks: () => bigint) {}

  now(): bigint {
    return this.ticks();
  }

  schedule(atTick: bigint, fn: () => void): ScheduledEvent {
    const p: Pending = { at: atTick, seq: this.seq++, fn, cancelled: false };
    this.pending.push(p);
    this.pending.sort((a, b) => (a.at === b.at ? a.seq - b.seq : a.at < b.at ? -1 : 1));
    return {
      cancel: () => {
        p.cancelled = true;
      },
    };
  }

  /** Drops every pending event (power-on). */
  clear(): void {
    for (const p of this.pending) p.cancelled = true;
    this.pending = [];
  }

  /** The tick of the earliest live event, or undefined. */
  nextDue(): bigint | undefined {
    this.pending = this.pending.filter((p) => !p.cancelled);
    return this.pending[0]?.at;
  }

  /** Runs every event due by now (events they schedule for now run too). Returns how many ran. */
  runDue(): number {
    let ran = 0;
    const now = this.ticks();
    while (this.pending.length > 0 && this.pending[0]!.at <= now) {
      const p = this.pending.shift()!;
      if (p.cancelled) continue;
      p.fn();
      ran++;
    }
    return ran;
  }
}
