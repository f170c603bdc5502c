// Layer: core/transport, the bottom of the host stack (and of the virtual M1's link).
// Imports only core/util and core/errors. Everything above speaks to a ByteTransport and never
// knows whether the bytes cross a USB cable, a TCP socket, a pty or memory.

import type { Disposable } from '../util/disposable.ts';

/**
 * One full-duplex byte stream.
 *
 * Backpressure: `write` returns false when the transport's outgoing buffer is past its
 * high-water mark; the writer should wait for `onDrain` (or use `writeAndDrain`). On the
 * reading side `pause()` stops `onData` deliveries until `resume()`.
 *
 * `onClose` fires exactly once, with the error that ended the stream if there was one.
 */
export interface ByteTransport {
  /** Human-readable, e.g. `serial /dev/ttyACM0`, `tcp 127.0.0.1:1234`, `pty /dev/pts/3`. */
  readonly description: string;
  readonly closed: boolean;
  write(data: Uint8Array): boolean;
  onData(listener: (chunk: Uint8Array) => void): Disposable;
  onDrain(listener: () => void): Disposable;
  onClose(listener: (error?: Error) => void): Disposable;
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}

/** Writes and resolves once the transport can take more (immediately if it already can). */
export function writeAndDrain(transport: ByteTransport, data: Uint8Array): Promise<void> {
  if (transport.write(data)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const drain = transport.onDrain(() => (cleanup(), resolve()));
    const close = transport.onClose((err) => (cleanup(), reject(err ?? new Error(`${transport.description} closed`))));
    const cleanup = () => (drain.dispose(), close.dispose());
  });
}
