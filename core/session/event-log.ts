// Layer: core/session. The debug model's event stream: every event gets a sequence number and a
// time, lives in a bounded ring, and is pushed to live listeners. A reader that falls behind
// (a share-server client on a slow link, a DAP client that attaches late) reads from the ring
// by sequence number and is told how many events it missed; nothing grows without bound and
// every drop is counted, by kind. Imports core/util only.

import { Listeners, type Disposable } from '../util/disposable.ts';

/** Why a CPU stopped, as the debug model reports it (a superset of core/hv's reasons). */
export type SessionStopReason =
  | 'breakpoint'
  | 'hw-breakpoint'
  | 'watchpoint'
  | 'step'
  | 'interrupt'
  | 'exception'
  | 'hypercall'
  | 'vtimer'
  | 'mmio-error';

export type WatchAccess = 'read' | 'write' | 'access';

export interface StopInfo {
  readonly cpu: number;
  readonly reason: SessionStopReason;
  /** Guest PC where the CPU stopped. */
  readonly pc: bigint;
  readonly detail: string;
  /** Watchpoints: the data address the access touched (FAR). */
  readonly dataAddress?: bigint;
  readonly watchAccess?: WatchAccess;
  readonly esr?: bigint;
}

export type SessionEvent =
  | ({ readonly kind: 'stopped' } & StopInfo)
  | { readonly kind: 'resumed'; readonly how: 'continue' | 'step'; readonly cpu: number }
  | { readonly kind: 'console'; readonly text: string; readonly source: string }
  | { readonly kind: 'trace'; readonly trace: 'mmio'; readonly cpu: number; readonly pc: bigint; readonly address: bigint; readonly value: bigint; readonly write: boolean; readonly widthBytes: number }
  | { readonly kind: 'trace'; readonly trace: 'irq'; readonly irq: number; readonly type: number; readonly flags: number }
  | { readonly kind: 'log'; readonly level: 'info' | 'warn' | 'error'; readonly message: string; readonly code?: string }
  | { readonly kind: 'exited'; readonly status: bigint | undefined; readonly why: string; readonly cpu: number };

export type SessionEventKind = SessionEvent['kind'];

/** An event as stored: its sequence number (from 1, no gaps) and wall-clock time (ms). */
export type Sequenced<E> = E & { readonly seq: number; readonly time: number };

export interface ReadResult<E> {
  readonly events: ReadonlyArray<Sequenced<E>>;
  /** Events after the asked sequence number that the ring no longer holds. */
  readonly missed: number;
  /** Pass as `after` to continue reading. */
  readonly next: number;
}

export interface EventLogOptions {
  /** Events kept (default 4096). */
  readonly capacity?: number;
}

export class EventLog<E extends { readonly kind: string } = SessionEvent> {
  readonly capacity: number;
  readonly #ring: Array<Sequenced<E> | undefined>;
  #seq = 0;
  #dropped = 0;
  readonly #droppedByKind = new Map<string, number>();
  readonly #listeners = new Listeners<[Sequenced<E>]>();
  #waiters: Array<() => void> = [];
  #listenerErrors = 0;

  constructor(options: EventLogOptions = {}) {
    const capacity = options.capacity ?? 4096;
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`event log capacity ${capacity} is not a positive integer`);
    this.capacity = capacity;
    this.#ring = new Array<Sequenced<E> | undefined>(capacity);
  }

  /** Sequence number of the newest event (0 before the first). */
  get lastSeq(): number {
    return this.#seq;
  }

  /** Sequence number of the oldest event still held (lastSeq + 1 when empty). */
  get firstSeq(): number {
    return Math.max(1, this.#seq - this.capacity + 1);
  }

  /** Events pushed out of the ring so far, in total and by kind. */
  get dropped(): { readonly total: number; readonly byKind: ReadonlyMap<string, number> } {
    return { total: this.#dropped, byKind: new Map(this.#droppedByKind) };
  }

  /** Listener calls that threw (the event was still stored and delivered to the others). */
  get listenerErrors(): number {
    return this.#listenerErrors;
  }

  push(event: E): Sequenced<E> {
    const seq = ++this.#seq;
    const slot = seq % this.capacity;
    const old = this.#ring[slot];
    if (old) {
      this.#dropped++;
      this.#droppedByKind.set(old.kind, (this.#droppedByKind.get(old.kind) ?? 0) + 1);
    }
    const stored = Object.freeze({ ...event, seq, time: Date.now() }) as Sequenced<E>;
    this.#ring[slot] = stored;
    // Each listener is wrapped (onEvent): one that throws costs the others nothing.
    this.#listeners.emit(stored);
    for (const wake of this.#waiters.splice(0)) wake();
    return stored;
  }

  /** Live events from now on. */
  onEvent(listener: (event: Sequenced<E>) => void): Disposable {
    return this.#listeners.add((e) => {
      try {
        listener(e);
      } catch {
        this.#listenerErrors++;
      }
    });
  }

  /** Events with seq > `after`, at most `max`, oldest first; `missed` counts those already dropped. */
  read(after = 0, max = this.capacity): ReadResult<E> {
    if (!Number.isInteger(after) || after < 0) throw new RangeError(`sequence number ${after} is not a non-negative integer`);
    const first = this.firstSeq;
    const from = Math.max(after + 1, first);
    const missed = Math.max(0, first - after - 1);
    const to = Math.min(this.#seq, from + Math.max(0, max) - 1);
    const events: Array<Sequenced<E>> = [];
    for (let s = from; s <= to; s++) events.push(this.#ring[s % this.capacity]!);
    return { events, missed, next: events.length > 0 ? to : Math.max(after, from - 1) };
  }

  /** Resolves once an event with seq > `after` exists (at once if it does), or after `timeoutMs` (false). */
  wait(after: number, timeoutMs?: number): Promise<boolean> {
    if (this.#seq > after) return Promise.resolve(true);
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const wake = () => {
        if (timer) clearTimeout(timer);
        resolve(true);
      };
      this.#waiters.push(wake);
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.#waiters = this.#waiters.filter((w) => w !== wake);
          resolve(false);
        }, timeoutMs);
      }
    });
  }
}
