// Layer: core/transport. Imports core/util and this folder only.
//
// The bookkeeping every ByteTransport implementation shares: typed listener lists, the
// open → closing → closed state, `onClose` exactly once, and the clear error a write after
// close gets. Subclasses move the bytes; they call `deliver`, `drained` and `finish`.

import { Listeners, type Disposable } from '../util/disposable.ts';
import { closedError } from './errors.ts';
import type { ByteTransport } from './transport.ts';

export abstract class TransportBase implements ByteTransport {
  private readonly dataListeners = new Listeners<[Uint8Array]>();
  private readonly drainListeners = new Listeners<[]>();
  private readonly closeListeners = new Listeners<[Error | undefined]>();
  private state: 'open' | 'closing' | 'closed' = 'open';
  private closeError: Error | undefined;
  private readonly finished: Promise<void>;
  private resolveFinished!: () => void;

  constructor(readonly description: string) {
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
  }

  /** True from the moment `close()` is called or the stream ends. */
  get closed(): boolean {
    return this.state !== 'open';
  }

  onData(listener: (chunk: Uint8Array) => void): Disposable {
    return this.dataListeners.add(listener);
  }

  onDrain(listener: () => void): Disposable {
    return this.drainListeners.add(listener);
  }

  /** A listener added after the close still hears about it (once, asynchronously). */
  onClose(listener: (error?: Error) => void): Disposable {
    if (this.state === 'closed') {
      let live = true;
      const error = this.closeError;
      queueMicrotask(() => live && listener(error));
      return { dispose: () => void (live = false) };
    }
    return this.closeListeners.add(listener);
  }

  write(data: Uint8Array): boolean {
    if (this.state !== 'open') throw closedError(this.description);
    return this.send(data);
  }

  /** Idempotent; resolves once `onClose` has fired. */
  close(): Promise<void> {
    if (this.state === 'open') {
      this.state = 'closing';
      this.startClose();
    }
    return this.finished;
  }

  abstract pause(): void;
  abstract resume(): void;

  /** Moves bytes out; only called while open. Returns false past the high-water mark. */
  protected abstract send(data: Uint8Array): boolean;

  /** Begins a local close; must lead to `finish()`. */
  protected abstract startClose(): void;

  /** Hands received bytes to the listeners (dropped once a local close has begun). */
  protected deliver(chunk: Uint8Array): void {
    if (this.state === 'open') this.dataListeners.emit(chunk);
  }

  protected drained(): void {
    if (this.state === 'open') this.drainListeners.emit();
  }

  /** Ends the transport: `onClose` fires exactly once, whatever calls this later. */
  protected finish(error?: Error): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.closeError = error;
    this.closeListeners.emit(error);
    this.resolveFinished();
  }
}
