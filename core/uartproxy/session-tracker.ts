// Layer: core/uartproxy. The client's bookkeeping of requests in flight: the session stack of
// §9.4, who may send now, settling requests, and the single silence watchdog. Imports this
// folder only; the client (client.ts) feeds it replies and owns the wire.
//
// Watchdog: one timer for the whole client. It watches the oldest thing awaited in the top
// session (a MEMREAD payload being received, else the FIFO head) if that has a timeout, and
// fires when no byte at all has arrived for that long since the later of "last byte received"
// and "started waiting". It is re-armed lazily, so a steady stream of round trips costs one
// timer per timeout period rather than one per request.

import { UartProxyError } from './errors.ts';
import { Kind, P_EXIT, P_VECTOR, Session, type Pending } from './in-flight.ts';

export type LinkState = 'open' | 'desync' | 'recovering' | 'closed';

export interface TrackerHooks {
  /** How messages name a request. */
  describe(p: Pending): string;
  /** The transport's description, for messages. */
  readonly linkName: string;
  /** A payload being received was abandoned: stop writing into the caller's buffer. */
  abandonPayload(): void;
  /** The transport is closing or closed (its onClose may not have fired yet). */
  transportClosed(): boolean;
}

export class SessionTracker {
  stack: Session[] = [new Session(0)];
  state: LinkState = 'open';
  /** The MEMREAD whose payload is arriving now (already out of its FIFO), if any. */
  payloadOwner: Pending | null = null;
  payloadReceived = 0;
  /** performance.now() of the last byte received or of the moment waiting began. */
  silenceFrom = 0;

  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerDue = 0;
  private nopsInFlight = 0;
  private featureWaiters: Array<() => void> = [];

  constructor(private readonly hooks: TrackerHooks) {}

  top(): Session {
    return this.stack[this.stack.length - 1]!;
  }

  /** The topmost session that is not closing: where new requests go. */
  requestSession(): Session {
    for (let i = this.stack.length - 1; i > 0; i--) if (this.stack[i]!.closing === null) return this.stack[i]!;
    return this.stack[0]!;
  }

  /** Throws, before anything is written, when `p` may not be sent now; else returns its session. */
  check(p: Pending, internal: boolean): Session {
    if (this.state === 'closed' || this.hooks.transportClosed()) throw this.closedError(`cannot send ${this.hooks.describe(p)}`);
    if (!internal && this.state !== 'open') {
      throw new UartProxyError(
        'UARTPROXY_DESYNC',
        `cannot send ${this.hooks.describe(p)}: the link is out of step after an earlier failure (state ${this.state})`,
      );
    }
    const session = this.requestSession();
    if (session.running !== null) {
      throw new UartProxyError(
        'UARTPROXY_GUEST_RUNNING',
        `cannot send ${this.hooks.describe(p)}: the guest is running (${this.hooks.describe(session.running)} awaits its reply and no callback is open)`,
      );
    }
    return session;
  }

  /**
   * Checks, then queues `p`. Called before any byte of the request is written: a transport
   * that delivers synchronously may hand us the reply from inside write().
   */
  admit(p: Pending, internal: boolean): void {
    const session = this.check(p, internal);
    if (session === this.top() && session.fifo.length === 0 && this.payloadOwner === null) this.silenceFrom = performance.now();
    session.fifo.push(p);
    if (p.runsGuest) session.running = p;
    // §4.2: P_EXIT and P_VECTOR always end a nested session once answered; requests issued
    // after them belong to the session below. (P_KBOOT_BOOT ends it only on success, so it
    // does not mark it closing in advance.)
    if (p.kind === Kind.Proxy && (p.opcode === P_EXIT || p.opcode === P_VECTOR) && session.depth > 0) session.closing = p;
    if (p.kind === Kind.Nop) this.nopsInFlight++;
    p.owner?.chunkQueued(p);
    this.armWatchdog();
  }

  complete(session: Session, p: Pending, value: unknown): void {
    this.forget(session, p);
    if (p.owner !== null) p.owner.chunkDone(p);
    else p.resolve(value);
  }

  fail(session: Session, p: Pending, error: UartProxyError): void {
    this.forget(session, p);
    if (p.owner !== null) p.owner.chunkFailed(p, error);
    else p.reject(error);
  }

  /**
   * A reply that cannot belong to the FIFO head: requests and replies are out of step. The
   * head gets `error`, the rest of the session's FIFO UARTPROXY_DESYNC, and the link needs
   * recover().
   */
  outOfStep(session: Session, head: Pending, error: UartProxyError): void {
    this.fail(session, head, error);
    const others = new UartProxyError('UARTPROXY_DESYNC', `abandoned: replies went out of step at ${this.hooks.describe(head)}`);
    for (const p of session.fifo.drain()) if (!p.abandoned) this.fail(session, p, others);
    if (this.state === 'open') this.state = 'desync';
  }

  /** A REQ_BOOT opened a callback session (§9.4). */
  pushSession(): Session {
    const session = new Session(this.stack.length);
    this.stack.push(session);
    return session;
  }

  /** The reply to P_EXIT (or P_VECTOR, a successful P_KBOOT_BOOT) arrived: the session is over. */
  endSession(session: Session): void {
    if (session.depth > 0 && session === this.top()) this.stack.pop();
  }

  /** Rejects what is in flight in the top session (and its payload) and empties its FIFO. */
  dropTop(error: UartProxyError): void {
    const session = this.top();
    const payload = this.payloadOwner;
    this.payloadOwner = null;
    if (payload !== null && !payload.abandoned) this.fail(session, payload, error);
    for (const p of session.fifo.drain()) if (!p.abandoned) this.fail(session, p, error);
    session.closing = null;
    session.running = null;
  }

  /**
   * The target announced a fresh top-level proxy loop (START_BOOT). Every nested session and
   * the request that was running the guest are gone for certain and get `error`. Ordinary
   * top-level requests in flight are kept: the host may have written them after the restart,
   * in which case the new loop answers them; if not, the watchdog times them out.
   */
  restart(error: UartProxyError): void {
    const stack = this.stack;
    const base = stack[0]!;
    this.stack = [base];
    for (let i = stack.length - 1; i > 0; i--) {
      for (const p of stack[i]!.fifo.drain()) if (!p.abandoned) this.fail(stack[i]!, p, error);
    }
    const running = base.running;
    if (running !== null) {
      base.fifo.remove(running);
      if (!running.abandoned) this.fail(base, running, error);
    }
    this.armWatchdog();
  }

  /** Rejects everything in every session and starts over at depth 0 (link closed or re-enumerated). */
  rejectAll(error: UartProxyError): void {
    const stack = this.stack;
    this.stack = [new Session(0)];
    const payload = this.payloadOwner;
    this.payloadOwner = null;
    if (payload !== null && !payload.abandoned) this.fail(stack[0]!, payload, error);
    for (let i = stack.length - 1; i >= 0; i--) {
      for (const p of stack[i]!.fifo.drain()) if (!p.abandoned) this.fail(stack[i]!, p, error);
    }
    this.nopsInFlight = 0;
    this.wakeFeatureWaiters();
    this.stopWatchdog();
  }

  /** Resolves when no NOP is in flight, or null if none is (see WriteTransfer). */
  featuresSettled(): Promise<void> | null {
    if (this.nopsInFlight === 0) return null;
    return new Promise((resolve) => this.featureWaiters.push(resolve));
  }

  closedError(what: string): UartProxyError {
    return new UartProxyError('UARTPROXY_LINK_CLOSED', `${what}: the link to the target is closed (${this.hooks.linkName})`);
  }

  // ---- watchdog -------------------------------------------------------------------------

  armWatchdog(): void {
    const p = this.watched();
    if (p === null) return;
    const due = this.silenceFrom + p.timeoutMs!;
    if (this.timer !== null) {
      if (this.timerDue <= due) return;
      clearTimeout(this.timer);
    }
    this.timerDue = due;
    this.timer = setTimeout(this.onWatchdog, Math.max(0, due - performance.now()));
  }

  stopWatchdog(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private readonly onWatchdog = (): void => {
    this.timer = null;
    const p = this.watched();
    if (p === null) return;
    // Timers may fire a fraction of a millisecond early; that is still the timeout.
    if (performance.now() - this.silenceFrom < p.timeoutMs! - 1) {
      this.armWatchdog();
      return;
    }
    this.timeout(p);
  };

  private watched(): Pending | null {
    const p = this.payloadOwner ?? this.top().fifo.peek() ?? null;
    return p !== null && !p.abandoned && p.timeoutMs !== null && this.state !== 'closed' ? p : null;
  }

  /**
   * Rejects everything in flight in the top session with UARTPROXY_TIMEOUT naming the oldest
   * request. The entries stay in the FIFO, marked abandoned, so that replies arriving late are
   * still consumed in step (and a late MEMREAD payload is not taken for text); recover() clears them.
   */
  private timeout(oldest: Pending): void {
    const what = this.hooks.describe(oldest);
    const silence = `after ${oldest.timeoutMs} ms of silence on ${this.hooks.linkName}`;
    const message =
      oldest === this.payloadOwner
        ? `the data of ${what} stopped after ${this.payloadReceived} of ${oldest.size} bytes: nothing ${silence}`
        : `no reply to ${what} ${silence}`;
    const error = new UartProxyError('UARTPROXY_TIMEOUT', message);
    const session = this.top();
    if (this.payloadOwner !== null) {
      this.hooks.abandonPayload();
      this.abandon(session, this.payloadOwner, error);
    }
    for (const p of session.fifo.items()) if (!p.abandoned) this.abandon(session, p, error);
    if (this.state === 'open') this.state = 'desync';
  }

  private abandon(session: Session, p: Pending, error: UartProxyError): void {
    p.into = null;
    this.fail(session, p, error);
    p.abandoned = true;
  }

  private forget(session: Session, p: Pending): void {
    if (session.running === p) session.running = null;
    if (session.closing === p) session.closing = null;
    if (p.kind === Kind.Nop && !p.abandoned && --this.nopsInFlight === 0) this.wakeFeatureWaiters();
  }

  private wakeFeatureWaiters(): void {
    const waiters = this.featureWaiters;
    this.featureWaiters = [];
    for (const wake of waiters) wake();
  }
}
