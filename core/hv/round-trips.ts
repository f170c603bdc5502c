// Layer: core/hv. Counts round trips: how often the host had to wait for the target before it
// could send more. Imports core/proxy's transport interface only.
//
// A ProxyTransport wrapper. A round trip is a wait: a request issued after the target has
// answered (or spoken: a callback's REQ_BOOT, see `targetSpoke`) since the previous request
// starts a new one; requests issued while no answer has come in since the last one ride along,
// however many microtasks apart — they were on the wire before the host waited for anything.
// The op that runs the guest (P_HV_START, `runsGuest`) stays outstanding for the whole guest
// run and is not counted, so callbacks nested inside it are measured on their own. This is the
// figure the exception loop optimises (issue 6: "round trips per trap").

import type { MemTransferOptions, ProxyCallOptions, ProxyTransport } from '../proxy/transport.ts';

export interface RoundTripStats {
  /** Round trips since creation. */
  readonly roundTrips: number;
  /** Requests (proxy ops, MEMREAD and MEMWRITE transfers) since creation. */
  readonly requests: number;
}

export class CountingTransport implements ProxyTransport, RoundTripStats {
  #inFlight = 0;
  #roundTrips = 0;
  #requests = 0;
  /** The target has answered since the last request was issued. */
  #answered = true;

  constructor(readonly inner: ProxyTransport) {}

  get roundTrips(): number {
    return this.#roundTrips;
  }

  get requests(): number {
    return this.#requests;
  }

  /** Requests sent and not yet answered (the guest-running op excluded). */
  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * The target sent something unasked (a callback's REQ_BOOT): the next request is a new round
   * trip even if the reply bookkeeping of the previous one has not run yet (both can arrive in
   * one chunk).
   */
  targetSpoke(): void {
    this.#answered = true;
  }

  proxy(opcode: number, args?: readonly bigint[], opts?: ProxyCallOptions): Promise<bigint> {
    if (opts?.runsGuest === true || opts?.noReply === true) return this.inner.proxy(opcode, args, opts);
    return this.#track(() => this.inner.proxy(opcode, args, opts));
  }

  memRead(addr: bigint, size: number, opts?: MemTransferOptions): Promise<Uint8Array> {
    return this.#track(() => this.inner.memRead(addr, size, opts));
  }

  memWrite(addr: bigint, data: Uint8Array, opts?: MemTransferOptions): Promise<void> {
    return this.#track(() => this.inner.memWrite(addr, data, opts));
  }

  #track<T>(send: () => Promise<T>): Promise<T> {
    if (this.#answered) {
      this.#roundTrips++;
      this.#answered = false;
    }
    this.#requests++;
    this.#inFlight++;
    let settled: Promise<T>;
    try {
      settled = send();
    } catch (err) {
      this.#inFlight--;
      return Promise.reject(err);
    }
    return settled.finally(() => {
      this.#inFlight--;
      this.#answered = true;
    });
  }
}

/**
 * Awaits requests that were issued back to back (one round trip) and returns their results; if
 * any failed, throws the first failure once all have settled, so none is left unobserved.
 */
export async function settleAll<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(promises as readonly Promise<unknown>[]);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
