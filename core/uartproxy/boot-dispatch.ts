// Layer: core/uartproxy. Where REQ_BOOT start messages go (§3.2 step 5, §9.4): to a waiter
// registered with waitForBoot() first, else to the newest callback handler, else reported as
// unhandled. Imports this folder only.

import type { Disposable } from '../util/disposable.ts';
import type { BootMessage, CallbackHandler } from './client-types.ts';
import { UartProxyError } from './errors.ts';
import { hex } from './in-flight.ts';

interface BootWaiter {
  resolve(message: BootMessage): void;
  reject(error: UartProxyError): void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export class BootDispatch {
  private waiters: BootWaiter[] = [];
  private handlers: CallbackHandler[] = [];

  constructor(
    private readonly report: (error: UartProxyError) => void,
    private readonly linkName: string,
  ) {}

  onCallback(handler: CallbackHandler): Disposable {
    this.handlers = [...this.handlers, handler];
    return { dispose: () => void (this.handlers = this.handlers.filter((h) => h !== handler)) };
  }

  waitForBoot(timeoutMs: number | null | undefined): Promise<BootMessage> {
    return new Promise<BootMessage>((resolve, reject) => {
      const waiter: BootWaiter = { resolve, reject, timer: undefined };
      if (timeoutMs !== undefined && timeoutMs !== null) {
        waiter.timer = setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(new UartProxyError('UARTPROXY_TIMEOUT', `no REQ_BOOT within ${timeoutMs} ms on ${this.linkName}`));
        }, timeoutMs);
      }
      this.waiters.push(waiter);
    });
  }

  /** Hands `message` to the oldest waiter; false when nobody waits. */
  toWaiter(message: BootMessage): boolean {
    const waiter = this.waiters.shift();
    if (waiter === undefined) return false;
    settle(waiter, message);
    return true;
  }

  /** Runs the newest callback handler for a session just opened; problems go to `report`. */
  dispatch(message: BootMessage): void {
    const what = `callback REQ_BOOT (reason ${message.reason}, code ${message.code}, info ${hex(message.info)}) at depth ${message.depth}`;
    const handler = this.handlers[this.handlers.length - 1];
    if (handler === undefined) {
      this.report(new UartProxyError('UARTPROXY_UNHANDLED_CALLBACK', `${what} arrived with no handler; the target waits for P_EXIT`));
      return;
    }
    const failed = (cause: unknown) => {
      const text = cause instanceof Error ? cause.message : String(cause);
      this.report(new UartProxyError('UARTPROXY_CALLBACK_FAILED', `the handler of ${what} failed: ${text}`, { cause }));
    };
    try {
      const result = handler(message);
      if (result !== undefined && typeof result.then === 'function') result.then(undefined, failed);
    } catch (cause) {
      failed(cause);
    }
  }

  /** Settles every waiter with the same outcome (re-enumeration, link closed). */
  settleAll(outcome: BootMessage | UartProxyError): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) settle(w, outcome);
  }
}

function settle(waiter: BootWaiter, outcome: BootMessage | UartProxyError): void {
  if (waiter.timer !== undefined) clearTimeout(waiter.timer);
  if (outcome instanceof UartProxyError) waiter.reject(outcome);
  else waiter.resolve({ ...outcome });
}
