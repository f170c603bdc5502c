// Layer: core/transport. Imports node:fs and serialport's types only.
//
// Three fixes to serialport's unix binding (@serialport/bindings-cpp 13), applied to each opened
// port by `patchSerialPort`.
//
// 1. Reads and writes that wait share one native poller, and its poll() re-arms uv_poll_start
//    with only the event just asked for (src/poller.cpp: `uv_poll_start(handle, events, …)`
//    after recording the union). So a read that waits for "readable" cancels a write already
//    waiting for "writable": a large upload to a target that is itself sending (m1n1 replies
//    to pipelined requests while we still write) stalls forever, drain never comes. We make
//    every poll() ask for the union of what is still awaited.
//
// 2. Makes an opened serialport notice a hang-up. On a tty in raw mode (VMIN=1, non-blocking) a
// read that returns 0 bytes means the line hung up: the USB device was unplugged or the Mac
// rebooted (the kernel hangs up a ttyACM whose device left), or a pty's master closed.
// serialport's unix read treats 0 bytes as "try again" and loops on read(2) forever: a CPU
// spins and the port never reports the loss, so nothing would ever reconnect. We replace the
// opened port's `read` with one that reads the same way but reports 0 bytes as a disconnect
// (any non-cancel error makes the stream close with `disconnected: true`).

import { readSync, writeSync } from 'node:fs';
import type { SerialPort } from 'serialport';

interface UnixPoller {
  once(event: 'readable' | 'writable', callback: (err: Error | null) => void): unknown;
  listenerCount(event: string): number;
  poll(eventFlags?: number): void;
}

interface UnixPortBinding {
  fd: number | null;
  readonly isOpen: boolean;
  readonly poller: UnixPoller;
  read(buffer: Buffer, offset: number, length: number): Promise<{ bytesRead: number; buffer: Buffer }>;
  write(buffer: Buffer): Promise<void>;
}

const RETRY_CODES = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR']);

/** serialport's stream stays quiet about an error marked `canceled` (the port was closed on purpose). */
function canceled(): Error {
  return Object.assign(new Error('Port is not open'), { canceled: true });
}


// libuv's poll event bits, as the binding's Poller uses them.
const UV_READABLE = 1;
const UV_WRITABLE = 2;
const UV_DISCONNECT = 4;

function pollForEverythingAwaited(poller: UnixPoller): void {
  const poll = poller.poll.bind(poller);
  poller.poll = (eventFlags = 0) => {
    // `once()` calls poll() before adding its listener, so the listeners present are the
    // earlier waits that must stay armed.
    let flags = eventFlags;
    if (poller.listenerCount('readable') > 0) flags |= UV_READABLE;
    if (poller.listenerCount('writable') > 0) flags |= UV_WRITABLE;
    if (poller.listenerCount('disconnect') > 0) flags |= UV_DISCONNECT;
    poll(flags);
  };
}

function waitFor(poller: UnixPoller, event: 'readable' | 'writable'): Promise<void> {
  return new Promise((resolve, reject) => poller.once(event, (e) => (e ? reject(e) : resolve())));
}

/** A read at least this large suggests a bulk transfer with more bytes already queued. */
const EAGER_READ_BYTES = 1024;

const retryable = (err: unknown) => RETRY_CODES.has((err as NodeJS.ErrnoException).code ?? '');

/** Call right after `open()`, before the first read or write; a no-op where the port has no unix fd. */
export function patchSerialPort(port: SerialPort): void {
  const binding = (port as unknown as { port?: Partial<UnixPortBinding> }).port;
  if (!binding || typeof binding.fd !== 'number' || !binding.poller || typeof binding.read !== 'function') return;
  const unix = binding as UnixPortBinding;
  if (typeof unix.poller.poll === 'function' && typeof unix.poller.listenerCount === 'function') pollForEverythingAwaited(unix.poller);
  // 3. Latency: the binding does every read(2) and write(2) through the libuv thread pool, two
  //    thread hops per request/reply round trip on top of the poll. The fd is non-blocking
  //    (O_NONBLOCK), so the calls are made directly and the poller is used only on EAGAIN.
  // Wait first, then read: the stream asks for more right after each chunk, and a read(2) that
  // fails with EAGAIN costs a thrown error with a stack trace — the largest part of the host's
  // CPU per round trip when it was tried first. During a bulk transfer (the last read was
  // large) more is usually waiting, so the next read goes straight to read(2).
  let eager = false;
  unix.read = async (buffer, offset, length) => {
    for (;;) {
      if (!eager) await waitFor(unix.poller, 'readable');
      const fd = unix.fd;
      if (!unix.isOpen || fd === null) throw canceled();
      try {
        const bytesRead = readSync(fd, buffer, offset, length, null);
        if (bytesRead === 0) {
          throw Object.assign(new Error('the line hung up'), { disconnect: true });
        }
        eager = bytesRead >= EAGER_READ_BYTES;
        return { bytesRead, buffer };
      } catch (err) {
        if (!retryable(err)) throw err;
        eager = false;
      }
    }
  };
  unix.write = async (buffer) => {
    let offset = 0;
    while (offset < buffer.length) {
      const fd = unix.fd;
      if (!unix.isOpen || fd === null) throw new Error('Port is not open');
      try {
        offset += writeSync(fd, buffer, offset, buffer.length - offset);
      } catch (err) {
        if (!retryable(err)) throw err;
        await waitFor(unix.poller, 'writable');
      }
    }
  };
}
