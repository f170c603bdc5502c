// Layer: core/session. Run control of the debug model: whether the guest runs, is stopped (and
// which CPU has the callback session) or has exited; halting it (§9.8), moving the session
// between CPUs (§9.6), releasing a stopped CPU, and the rule that a request needing a stopped
// CPU fails (SESSION_RUNNING) or halts first — never waits unbounded. Imports core/hv and this
// folder.

import type { GuestExit, Hypervisor, ResumeAction, TrapSession } from '../hv/index.ts';
import type { RunState } from './cpus.ts';
import { SessionError, SessionErrorCode } from './errors.ts';
import type { EventLog, SessionEvent, StopInfo } from './event-log.ts';
import type { StopGate } from './stop-gate.ts';

export interface RunControlOptions {
  readonly whileRunning: 'fail' | 'halt';
  readonly timeoutMs: number;
  /** Before the session leaves a CPU (switch, resume): what its registers owe goes back. */
  readonly flush: (s: TrapSession) => Promise<void>;
  /** The stopped CPU `s` is about to be released with `action`: per-stop caches are stale, pending writes go in its burst. */
  readonly resumed: (s: TrapSession, action: ResumeAction) => void;
}

export class RunControl {
  state: RunState;
  /** The last stop reported (the CPU that caused it). */
  stop: StopInfo | undefined;
  exit: GuestExit | undefined;
  /** A guest exit seen by the session itself (a step-over that ran the power-off hypercall). */
  exitSeen: GuestExit | undefined;
  closed = false;

  constructor(
    private readonly hv: Hypervisor,
    readonly gate: StopGate,
    private readonly events: EventLog<SessionEvent>,
    private readonly options: RunControlOptions,
  ) {
    this.state = hv.state === 'running' ? 'running' : hv.state === 'exited' ? 'exited' : 'not-started';
  }

  async start(): Promise<GuestExit> {
    if (this.state !== 'not-started') throw new SessionError(SessionErrorCode.NOT_RUNNING, `the guest is ${this.state}, not waiting to start`);
    this.state = 'running';
    this.events.push({ kind: 'resumed', how: 'continue', cpu: 0 });
    try {
      return await this.hv.start();
    } catch (err) {
      this.exited({ status: undefined, why: `the hypervisor failed: ${(err as Error)?.message ?? String(err)}`, cpu: -1 });
      throw err;
    }
  }

  /** A CPU reported a stop (from the gate's decide, before it is reported). */
  stopped(info: StopInfo): void {
    this.state = 'stopped';
    this.stop = info;
  }

  /** Releases the stopped CPU (and so every CPU) with `action`. */
  resume(s: TrapSession, action: ResumeAction): void {
    this.options.resumed(s, action);
    this.state = 'running';
    if (action !== 'exit-guest') this.events.push({ kind: 'resumed', how: action, cpu: s.cpu });
    this.gate.release(action);
  }

  /**
   * After a release: until the callback session has really ended, core/hv would take an
   * interrupt as "stop at the end of this callback" (§9.8) and lose it. Waits for the loop to go
   * idle — or for a stop that comes first (then the loop stays busy with it).
   */
  async settled(): Promise<void> {
    const stopped = this.gate.nextStop(this.options.timeoutMs, 'resuming');
    stopped.catch(() => undefined);
    await Promise.race([this.hv.loop.idle(), stopped.then(() => undefined, () => undefined)]);
    this.gate.dropWaiter(stopped);
  }

  exited(exit: GuestExit): void {
    const seen = this.exitSeen;
    const final = exit.status === undefined && seen ? seen : exit;
    this.exit = final;
    this.state = 'exited';
    this.events.push({ kind: 'exited', status: final.status, why: final.why, cpu: final.cpu });
    this.gate.failWaiters(this.exitedError());
  }

  exitedError(): SessionError {
    const e = this.exit;
    return new SessionError(SessionErrorCode.EXITED, `the guest has exited${e ? ` (${e.why}${e.status !== undefined ? `, status ${e.status}` : ''})` : ''}`, { hint: 'load and start it again' });
  }

  checkLive(): void {
    if (this.closed) throw new SessionError(SessionErrorCode.NOT_RUNNING, 'the debug session was closed');
    if (this.state === 'exited') throw this.exitedError();
    if (this.state === 'not-started') throw new SessionError(SessionErrorCode.NOT_RUNNING, 'the guest has not been started', { hint: 'start() it; memory and software breakpoints work before start' });
  }

  /** Interrupts the running guest (§9.8) and waits for its stop. Called inside the queue. */
  async halt(timeoutMs = this.options.timeoutMs): Promise<void> {
    // start() has been called but the hypervisor may still be mapping (not yet in P_HV_START).
    for (const until = Date.now() + timeoutMs; this.hv.state === 'loaded' && Date.now() < until; ) await new Promise((r) => setTimeout(r, 10));
    const next = this.gate.nextStop(timeoutMs, 'interrupting the guest');
    try {
      this.hv.interrupt();
    } catch (cause) {
      next.catch(() => undefined);
      throw new SessionError(SessionErrorCode.NOT_RUNNING, `cannot interrupt: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    }
    await next;
  }

  /** The stopped session, on `cpu` when given (switching to it); halts first or fails while running. */
  async trap(cpu: number | undefined): Promise<TrapSession> {
    this.checkLive();
    if (!this.gate.trap) {
      if (this.options.whileRunning !== 'halt') {
        throw new SessionError(SessionErrorCode.RUNNING, 'the guest is running; this needs a stopped CPU', { hint: 'interrupt() first, or open the session with whileRunning: "halt"' });
      }
      await this.halt();
    }
    return cpu === undefined ? this.gate.trap! : this.on(cpu);
  }

  /** The stopped session as it is; RUNNING when there is none (no halting: for continue). */
  currentTrap(what: string): TrapSession {
    this.checkLive();
    const s = this.gate.trap;
    if (!s) throw new SessionError(SessionErrorCode.RUNNING, `cannot ${what}: the guest is already running`);
    return s;
  }

  /** Moves the session to `cpu` (§9.6), first sending back what the current CPU's registers owe. */
  async on(cpu: number): Promise<TrapSession> {
    const s = this.gate.trap!;
    if (s.cpu === cpu) return s;
    if (!this.hv.host.cpus.has(cpu)) throw new SessionError(SessionErrorCode.NO_CPU, `cpu${cpu} is not running the guest (not started)`, { hint: `started: ${[...this.hv.host.cpus.keys()].join(', ')}` });
    await this.options.flush(s);
    try {
      await s.switchTo(cpu);
    } catch (cause) {
      // The session was handed over and no CPU took it: the guest runs on; say so and stop waiting.
      const lost = s.finished;
      if (lost) this.resume(s, 'continue');
      throw new SessionError(SessionErrorCode.NO_CPU, `cannot switch to cpu${cpu}: ${(cause as Error)?.message ?? String(cause)}`, {
        cause,
        hint: lost ? 'the guest is running again; interrupt() to stop it' : `the session is on cpu${s.cpu}`,
      });
    }
    return s;
  }
}
