// Layer: sim/machine. Pipe 1 of a USB CDC-ACM device: the virtual UART's byte stream (spec §1.2,
// §11). Imports the transport interface only.
//
// The pipe is open while a host has it (a transport attached, DTR up on real hardware). Target
// writes to a closed pipe are discarded; bytes from the host queue until the firmware (the
// vuart page, P_IODEV_READ) takes them. Like m1n1's ring buffer, at most 1 MiB is kept; what
// arrives past that is dropped and counted.

import type { ByteTransport } from '../../core/transport/transport.ts';
import type { Disposable } from '../../core/util/disposable.ts';

const RING_BYTES = 1 << 20;

export class UsbPipe {
  private transport: ByteTransport | null = null;
  private subscriptions: Disposable[] = [];
  private readonly chunks: Uint8Array[] = [];
  private head = 0;
  private queued = 0;
  /** Host bytes dropped because the receive ring was full. */
  dropped = 0;
  private readonly dataListeners: Array<() => void> = [];

  constructor(readonly name: string) {}

  get open(): boolean {
    return this.transport !== null && !this.transport.closed;
  }

  /** Bytes from the host waiting to be read. */
  get available(): number {
    return this.queued;
  }

  attach(transport: ByteTransport | null): void {
    for (const s of this.subscriptions) s.dispose();
    this.subscriptions = [];
    this.transport = transport;
    if (!transport) return;
    this.subscriptions.push(
      transport.onData((chunk) => this.receive(chunk)),
      transport.onClose(() => {
        if (this.transport === transport) this.transport = null;
      }),
    );
  }

  /** Called when host bytes arrive (the vuart raises its RX interrupt). */
  onData(listener: () => void): void {
    this.dataListeners.push(listener);
  }

  /** Target → host; returns bytes accepted (0 when the pipe is closed). */
  write(bytes: Uint8Array): number {
    if (!this.open) return 0;
    this.transport!.write(bytes);
    return bytes.length;
  }

  /** Up to `max` queued host bytes (fewer, or none, if fewer are queued). */
  read(max: number): Uint8Array {
    const n = Math.min(max, this.queued);
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[0]!;
      const take = Math.min(n - filled, chunk.length - this.head);
      out.set(chunk.subarray(this.head, this.head + take), filled);
      filled += take;
      this.head += take;
      if (this.head === chunk.length) {
        this.chunks.shift();
        this.head = 0;
      }
    }
    this.queued -= n;
    return out;
  }

  // The firmware's byte-wise view (sim/hv VuartPipe): a closed pipe reads nothing, drops writes.
  canRead(): number {
    return this.open ? this.queued : 0;
  }
  readByte(): number {
    return this.read(1)[0]!;
  }
  canWrite(): boolean {
    return this.open;
  }
  writeByte(byte: number): void {
    this.write(Uint8Array.of(byte));
  }

  private receive(chunk: Uint8Array): void {
    const room = RING_BYTES - this.queued;
    const keep = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.dropped += chunk.length - keep.length;
    if (keep.length === 0) return;
    this.chunks.push(keep.slice());
    this.queued += keep.length;
    for (const l of this.dataListeners) l();
  }
}
