// Layer: core/transport. Imports core/util and this folder only.
//
// Two in-process ByteTransports wired back to back: what one writes, the other receives.
// Tests and the virtual M1 use it to run host and target in one process exactly as they run
// over a cable: deliveries are asynchronous (never inside the writer's `write` call), a side
// that does not consume (or is paused) pushes back on its writer through the high-water mark,
// and closing either side closes both.

import { TransportBase } from './transport-base.ts';
import type { ByteTransport } from './transport.ts';

export interface MemoryPairOptions {
  /** Bytes a side may hold undelivered before its peer's `write` returns false. Default 64 KiB. */
  highWaterMarkBytes?: number;
}

const DEFAULT_HIGH_WATER_MARK_BYTES = 64 * 1024;

class MemoryEnd extends TransportBase {
  peer!: MemoryEnd;
  private readonly inbox: Uint8Array[] = [];
  private inboxBytes = 0;
  private paused = false;
  private deliveryScheduled = false;
  /** The peer wrote past our high-water mark and waits for `onDrain`. */
  private peerWaitsForDrain = false;
  /** The peer closed: finish once the inbox is delivered. */
  private peerClosed = false;

  constructor(
    description: string,
    private readonly highWaterMarkBytes: number,
  ) {
    super(description);
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.scheduleDelivery();
  }

  protected send(data: Uint8Array): boolean {
    return this.peer.enqueue(data);
  }

  protected startClose(): void {
    // Undelivered bytes to us are dropped; bytes we wrote still reach the peer before its close.
    this.inbox.length = 0;
    this.inboxBytes = 0;
    this.peer.peerClosing();
    setImmediate(() => this.finish());
  }

  /** Called by the peer's write: queue a private copy (the writer may reuse its buffer). */
  private enqueue(data: Uint8Array): boolean {
    if (this.closed || this.peerClosed) return true; // nobody will read it; the closer is notified
    if (data.length > 0) {
      this.inbox.push(data.slice());
      this.inboxBytes += data.length;
      this.scheduleDelivery();
    }
    const below = this.inboxBytes < this.highWaterMarkBytes;
    if (!below) this.peerWaitsForDrain = true;
    return below;
  }

  private peerClosing(): void {
    this.peerClosed = true;
    this.scheduleDelivery();
  }

  private scheduleDelivery(): void {
    if (this.deliveryScheduled || this.paused) return;
    this.deliveryScheduled = true;
    setImmediate(() => this.deliverQueued());
  }

  private deliverQueued(): void {
    this.deliveryScheduled = false;
    while (!this.paused && !this.closed && this.inbox.length > 0) {
      const chunk = this.inbox.shift()!;
      this.inboxBytes -= chunk.length;
      this.deliver(chunk);
    }
    if (this.closed) return;
    if (this.inbox.length === 0) {
      if (this.peerClosed) return this.finish();
      if (this.peerWaitsForDrain) {
        this.peerWaitsForDrain = false;
        this.peer.drained();
      }
    }
  }
}

/**
 * Creates a connected pair `[a, b]`. Closing either end closes both: the closer's `onClose`
 * fires at once, the other end's after it has delivered what was already written to it (a
 * paused end closes when resumed).
 */
export function createMemoryPair(options: MemoryPairOptions = {}): [ByteTransport, ByteTransport] {
  const highWaterMark = options.highWaterMarkBytes ?? DEFAULT_HIGH_WATER_MARK_BYTES;
  if (!Number.isInteger(highWaterMark) || highWaterMark < 1) {
    throw new RangeError(`highWaterMarkBytes must be a positive integer, got ${highWaterMark}`);
  }
  const a = new MemoryEnd('memory a', highWaterMark);
  const b = new MemoryEnd('memory b', highWaterMark);
  a.peer = b;
  b.peer = a;
  return [a, b];
}
