// Layer: core/session. Where the debug model meets the exception loop (core/hv): the stop
// handler that keeps a stopped CPU in its callback session until the debugger releases it, the
// waiters for the next stop, and one queue that serialises everything done with the session.
// Imports core/hv (types) and this folder.
//
// While a CPU is stopped the firmware holds every other CPU: with time stealing on (the default,
// §9.7) each session starts with a rendezvous of all CPUs out of the guest (§9.4), so the model
// is all-stop: one CPU "has the session" and the others are held where they were. (With time
// stealing off, the other CPUs run on until they need a session themselves.)

import type { ResumeAction, StopEvent, StopHandler, TrapSession } from '../hv/index.ts';
import { SessionError, SessionErrorCode } from './errors.ts';
import type { StopInfo } from './event-log.ts';

interface Waiter {
  resolve(stop: StopInfo): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout | undefined;
}

/** What the session makes of a stop: report it (StopInfo) or let the CPU go on (a resume action). */
export type StopDecision = StopInfo | ResumeAction;

export class StopGate {
  #trap: TrapSession | null = null;
  #release: ((action: ResumeAction) => void) | null = null;
  readonly #waiters = new Set<Waiter>();
  readonly #byPromise = new WeakMap<Promise<StopInfo>, Waiter>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly decide: (stop: StopEvent, s: TrapSession) => Promise<StopDecision>,
    private readonly reported: (stop: StopInfo) => void,
  ) {}

  /** The exception loop's stop handler. */
  readonly handler: StopHandler = async (stop, s) => {
    const decision = await this.decide(stop, s);
    if (typeof decision === 'string') return decision;
    const action = new Promise<ResumeAction>((resolve) => (this.#release = resolve));
    this.#trap = s;
    this.report(decision);
    try {
      return await action;
    } finally {
      this.#trap = null;
    }
  };

  /** The callback session of the stopped CPU; null while the guest runs. */
  get trap(): TrapSession | null {
    return this.#trap;
  }

  /** Reports a (new) stop of the CPU that has the session, and wakes the waiters. */
  report(stop: StopInfo): void {
    this.reported(stop);
    for (const w of [...this.#waiters]) {
      this.#waiters.delete(w);
      if (w.timer) clearTimeout(w.timer);
      w.resolve(stop);
    }
  }

  /** Lets the stopped CPU go on; the trap is gone once this returns. */
  release(action: ResumeAction): void {
    const release = this.#release;
    if (!release) throw new SessionError(SessionErrorCode.RUNNING, 'no CPU is stopped');
    this.#release = null;
    this.#trap = null;
    release(action);
  }

  /** The next stop reported after this call; TIMEOUT after `timeoutMs`. */
  nextStop(timeoutMs: number, what: string): Promise<StopInfo> {
    let waiter: Waiter | undefined;
    const p = new Promise<StopInfo>((resolve, reject) => {
      const w: Waiter = { resolve, reject, timer: undefined };
      w.timer = setTimeout(() => {
        this.#waiters.delete(w);
        reject(new SessionError(SessionErrorCode.TIMEOUT, `${what}: no stop within ${timeoutMs} ms; the guest runs on`, { hint: 'interrupt() it, or wait longer (stopTimeoutMs)' }));
      }, timeoutMs);
      this.#waiters.add(w);
      waiter = w;
    });
    this.#byPromise.set(p, waiter!);
    return p;
  }

  /** Forgets a waiter from nextStop() nobody needs any more (its timer stops). */
  dropWaiter(stop: Promise<StopInfo>): void {
    const w = this.#byPromise.get(stop);
    if (!w) return;
    this.#byPromise.delete(stop);
    if (this.#waiters.delete(w) && w.timer) clearTimeout(w.timer);
  }

  /** Fails every waiter (the guest exited, the session closed). */
  failWaiters(error: Error): void {
    for (const w of [...this.#waiters]) {
      this.#waiters.delete(w);
      if (w.timer) clearTimeout(w.timer);
      w.reject(error);
    }
  }

  /** Runs `fn` after everything queued before it; a failure does not block the queue. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
