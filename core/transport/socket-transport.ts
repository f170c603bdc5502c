// Layer: core/transport. Imports node:net, core/util and this folder only.
//
// A ByteTransport over a net.Socket: a TCP connection, or a pty master wrapped in a socket
// (see pty.ts). Node's socket already gives what the interface asks for: `write` returns false
// past the high-water mark and 'drain' follows; pause/resume stop and restart reading, so the
// kernel buffers fill and the peer's writes block in turn.

import type { Socket } from 'node:net';
import { TransportError } from './errors.ts';
import { TransportBase } from './transport-base.ts';

export interface SocketTransportOptions {
  /**
   * How a local close ends the stream. 'end' sends a FIN after the queued bytes (TCP);
   * 'flush' waits for the queued bytes to leave and then closes the descriptor (a pty master
   * cannot shutdown(2) one direction).
   */
  closeMode: 'end' | 'flush';
  /** After this long a local close stops waiting for the peer or the flush. */
  closeGraceMs?: number;
  /** Runs once the socket is gone (e.g. the pty closes its slave descriptor). */
  afterClose?: () => void;
}

const DEFAULT_CLOSE_GRACE_MS = 2000;

export class SocketTransport extends TransportBase {
  private error: Error | undefined;
  private closingLocally = false;
  private graceTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: Socket,
    description: string,
    private readonly options: SocketTransportOptions,
  ) {
    super(description);
    socket.on('data', (chunk: Buffer) => this.deliver(chunk));
    socket.on('drain', () => this.drained());
    socket.on('error', (err) => {
      this.error ??= new TransportError('TRANSPORT_IO_ERROR', `${description}: ${err.message}`, {
        hint: 'the other end went away or the link failed; reconnect to continue',
        cause: err,
      });
    });
    socket.on('close', () => {
      clearTimeout(this.graceTimer);
      options.afterClose?.();
      // A failure after our own close() was called is part of closing, not news for the listener.
      this.finish(this.closingLocally ? undefined : this.error);
    });
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  protected send(data: Uint8Array): boolean {
    return this.socket.write(data);
  }

  protected startClose(): void {
    this.closingLocally = true;
    const grace = this.options.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS;
    this.graceTimer = setTimeout(() => this.socket.destroy(), grace);
    this.graceTimer.unref();
    if (this.options.closeMode === 'end') {
      // The peer answers our FIN with its own; a paused peer may never, hence the grace timer.
      this.socket.end();
      this.socket.resume(); // read to the peer's FIN even if the user had paused us
    } else if (this.socket.writableLength === 0) {
      this.socket.destroy();
    } else {
      this.socket.once('drain', () => this.socket.destroy());
    }
  }
}
