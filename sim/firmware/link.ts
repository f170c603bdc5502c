// Layer: sim/firmware. The target's end of its proxy iodev: the byte stream it is attached to,
// its receive buffer, and its output with m1n1's per-iodev lock (spec §1.2, §1.4). Imports
// core/transport types, core/util and this folder's receive buffer.
//
// Pipe semantics follow the USB CDC-ACM device of §1.2 (and §1.3 for a UART):
// - USB: a read that *starts* while the pipe is closed returns nothing; a read already waiting
//   keeps waiting across a close, and is completed by bytes from a transport attached later.
//   "Can read" is 0 while closed. Writes to a closed pipe are discarded.
// - UART: reads never fail and never time out; writes with nothing attached are lost.
// A transport is swapped with attach() (TCP reconnects); the receive buffer, like the ring
// buffer in m1n1, survives the swap.
//
// Output lock: frames are written whole, each in one write() call, so text can only fall
// between frames. A frame written in several pieces (a large MEMREAD payload waiting for
// drain) holds the lock; console text and events produced meanwhile are queued behind it.

import type { ByteTransport } from '../../core/transport/transport.ts';
import type { Disposable } from '../../core/util/disposable.ts';
import { RxBuffer } from './rx-buffer.ts';

export type PipeKind = 'usb' | 'uart';

export class Link {
  readonly rx = new RxBuffer();
  private transport: ByteTransport | null = null;
  private subscriptions: Disposable[] = [];
  private waiters: Array<() => void> = [];
  private locked = false;
  private queued: Uint8Array[] = [];
  private backpressure = false;

  constructor(
    private readonly kind: PipeKind,
    /** Called after each received chunk has been buffered. */
    private readonly onChunk: (chunk: Uint8Array) => void,
  ) {}

  get description(): string {
    return this.transport?.description ?? 'nothing attached';
  }

  /** Whether a transport is attached and not closed (USB: DTR up, §1.2). */
  get open(): boolean {
    return this.transport !== null && !this.transport.closed;
  }

  /** Attaches a new byte stream (or none), dropping the previous one's listeners. */
  attach(transport: ByteTransport | null): void {
    for (const s of this.subscriptions) s.dispose();
    this.subscriptions = [];
    this.transport = transport;
    this.backpressure = false;
    if (transport) {
      this.subscriptions = [
        transport.onData((chunk) => {
          this.rx.push(chunk);
          this.onChunk(chunk);
          this.wake();
        }),
        transport.onClose(() => this.wake()),
        transport.onDrain(() => {
          this.backpressure = false;
          this.wake();
        }),
      ];
    }
    this.wake();
  }

  /** §1.2: on USB a read may only start while the pipe is open; UART reads always start. */
  mayStartRead(): boolean {
    return this.kind === 'uart' || this.open;
  }

  /** Resolves on the next received chunk, close, drain, attach or `wake()`. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  wake(): void {
    const list = this.waiters;
    if (list.length === 0) return;
    this.waiters = [];
    for (const w of list) w();
  }

  /** How many bytes a poll would find (m1n1's "can read"): 0 while a USB pipe is closed. */
  canRead(): number {
    return this.mayStartRead() ? this.rx.available : 0;
  }

  /**
   * A blocking read of exactly `length` bytes into `dst` at `offset` (§1.2). False when it
   * could not start (USB pipe closed). Once started it waits as long as it takes, across
   * closes; `checkStop` runs after every wait and throws to abandon it. Synchronous when the
   * bytes are already buffered.
   */
  receiveInto(dst: Uint8Array, offset: number, length: number, checkStop: () => void): boolean | Promise<boolean> {
    if (length === 0) return true;
    if (!this.mayStartRead()) return false;
    const got = this.rx.read(dst, offset, length);
    return got === length ? true : this.receiveRest((n) => this.rx.read(dst, offset + length - n, n), length - got, checkStop);
  }

  /** Like `receiveInto`, but hands the bytes to `sink` as (chunk, start, end) ranges without copying. */
  receive(length: number, sink: (chunk: Uint8Array, start: number, end: number) => void, checkStop: () => void): boolean | Promise<boolean> {
    if (length === 0) return true;
    if (!this.mayStartRead()) return false;
    const got = this.rx.drainInto(length, sink);
    return got === length ? true : this.receiveRest((n) => this.rx.drainInto(n, sink), length - got, checkStop);
  }

  get needsDrain(): boolean {
    return this.backpressure;
  }

  private async receiveRest(take: (n: number) => number, left: number, checkStop: () => void): Promise<boolean> {
    while (left > 0) {
      await this.changed();
      checkStop();
      left -= take(left);
    }
    return true;
  }

  /** Output that respects the lock: a whole frame or a piece of console text. */
  write(bytes: Uint8Array): void {
    if (this.locked) this.queued.push(bytes);
    else this.send(bytes);
  }

  /** Takes the output lock for a frame written in pieces with `writeLocked`. */
  lock(): void {
    this.locked = true;
  }

  writeLocked(bytes: Uint8Array): void {
    this.send(bytes);
  }

  /** Releases the lock and sends what was queued behind it, in order. */
  unlock(): void {
    this.locked = false;
    const q = this.queued;
    this.queued = [];
    for (const b of q) this.send(b);
  }

  /** Waits while the transport is past its high-water mark (the firmware blocks on a full ring buffer). */
  async drain(): Promise<void> {
    while (this.backpressure && this.open) await this.changed();
    this.backpressure = false;
  }

  clearInput(): void {
    this.rx.clear();
  }

  private send(bytes: Uint8Array): void {
    // A closed USB pipe discards writes (§1.2); a UART with nothing attached loses them.
    const t = this.transport;
    if (!t || t.closed || bytes.length === 0) return;
    if (!t.write(bytes)) this.backpressure = true;
  }
}
