// Layer: core/plugin. Runs a plugin's jobs (event dispatches, version swaps) one at a time, in
// the order they arrive. A job that finishes synchronously costs no promise (the common case: a
// tracer handler that decodes and prints); one that returns a promise holds back every later job
// until it settles. A swap queued behind in-flight events therefore happens exactly between two
// events, and events that arrive during it wait for it (issue 8 item 2). Imports nothing.

const isThenable = (v: unknown): v is PromiseLike<unknown> => typeof (v as { then?: unknown } | null)?.then === 'function';

export class SerialQueue {
  private busy = 0;
  private tail: Promise<void> = Promise.resolve();

  /** Jobs started and not finished (0 means the next job runs synchronously). */
  get pending(): number {
    return this.busy;
  }

  /**
   * Runs `job` now if nothing is in flight, else after everything queued before it. A job's
   * exception or rejection reaches only its own caller, never later jobs.
   */
  run<T>(job: () => T | Promise<T>): T | Promise<T> {
    if (this.busy === 0) {
      const r = job();
      if (!isThenable(r)) return r;
      return this.track(Promise.resolve(r));
    }
    return this.track(this.tail.then(job));
  }

  /** Resolves once every job queued so far has finished. */
  idle(): Promise<void> {
    return this.busy === 0 ? Promise.resolve() : this.tail;
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.busy++;
    this.tail = p.then(
      () => void this.busy--,
      () => void this.busy--,
    );
    return p;
  }
}
