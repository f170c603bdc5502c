// Layer: sim/firmware. Small helpers of the proxy loop. Imports core/util only.

import type { Listeners } from '../../core/util/disposable.ts';

/**
 * Calls the listeners; an exception from one must not change what the target does, so it is
 * rethrown outside the firmware's flow (as an uncaught error the embedding program sees).
 */
export function emitSafely<A extends unknown[]>(listeners: Listeners<A>, ...args: A): void {
  try {
    listeners.emit(...args);
  } catch (e) {
    queueMicrotask(() => {
      throw e;
    });
  }
}

export function isPromise<T>(v: T | Promise<T>): v is Promise<T> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/** P_UDELAY in real time; sub-millisecond waits return at once (a timer could not honour them anyway). */
export function realDelay(us: number): Promise<void> | void {
  if (us < 1000) return;
  return new Promise((resolve) => setTimeout(resolve, Math.round(us / 1000)));
}
