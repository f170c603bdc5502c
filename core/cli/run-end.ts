// Layer: core/cli. `hvdbg run` ending the guest itself (--timeout, Ctrl-C, `quit`, stdin closed on
// a stopped guest) through the debug session: interrupt (§9.8), visit each started CPU for its PC
// (the session moves between CPUs, §9.6), then end the guest (P_EXIT, §9.3) — and say where each
// CPU was. A target that never answers the interrupt must not hang the run: past the grace time
// `gaveUp` resolves. Imports core/session, core/errors and this folder.

import { HvdbgError } from '../errors.ts';
import { SessionError, SessionErrorCode, type DebugSession } from '../session/index.ts';
import { describeCode } from './console-format.ts';

export interface HostStopOptions {
  /** Progress (`run: …`, quiet with --quiet). */
  readonly status: (line: string) => void;
  /** Always shown (errors). */
  readonly warn: (line: string) => void;
  /** How long the target gets to stop before the run gives up on it, ms. */
  readonly graceMs: number;
}

export class HostStop {
  /** Why the host ended the guest and where each CPU was (filled while it stops). */
  requested: { readonly why: string; readonly exitCode: number; readonly pcs: Map<number, bigint> } | undefined;
  /** Resolves when the target did not stop within the grace time. */
  readonly gaveUp: Promise<'gave-up'>;
  #giveUp: (v: 'gave-up') => void = () => undefined;
  #grace: NodeJS.Timeout | undefined;

  constructor(
    private readonly session: DebugSession,
    private readonly options: HostStopOptions,
  ) {
    this.gaveUp = new Promise((resolve) => (this.#giveUp = resolve));
  }

  /**
   * Ends the guest once (later requests are ignored); nothing to do before start or after exit.
   * `exitCode` is what the run then exits with (3: the host ended it; 1: it had failed).
   */
  request(why: string, exitCode = 3): void {
    const state = this.session.state;
    if (this.requested || state === 'exited' || state === 'not-started') return;
    this.requested = { why, exitCode, pcs: new Map() };
    this.options.status(`${why}: stopping the guest`);
    this.#grace = setTimeout(() => this.#giveUp('gave-up'), this.options.graceMs);
    this.#end(this.requested.pcs).catch((err: unknown) => {
      // The guest exiting on its own meanwhile is not worth a line.
      if (err instanceof SessionError && err.code === SessionErrorCode.EXITED) return;
      this.options.warn(`run: ${err instanceof HvdbgError ? err.describe() : String(err)}`);
    });
  }

  async #end(pcs: Map<number, bigint>): Promise<void> {
    const s = this.session;
    await s.interrupt(undefined, this.options.graceMs);
    for (const cpu of s.cpus()) {
      if (cpu.run.state !== 'stopped') continue;
      try {
        pcs.set(cpu.index, await s.readRegister(cpu.index, 'pc'));
      } catch (err) {
        this.options.warn(`run: cpu${cpu.index}: ${err instanceof HvdbgError ? err.message : String(err)}`);
      }
    }
    await s.kill();
  }

  /** `run: WHY; the guest was stopped. Where each CPU was:` and one line per CPU. */
  report(): string[] {
    const r = this.requested!;
    const lines = [`run: ${r.why}; the guest was stopped. Where each CPU was:`];
    if (r.pcs.size === 0) lines.push('run:   (no CPU reported; the target did not stop in time)');
    for (const [cpu, pc] of [...r.pcs].sort((a, b) => a[0] - b[0])) lines.push(`run:   cpu${cpu} at PC ${describeCode(this.session.symbols, pc)}`);
    return lines;
  }

  dispose(): void {
    clearTimeout(this.#grace);
  }
}
