// Layer: core/transport. Imports node:fs and serialport's types only.
//
// Makes an opened serialport notice a hang-up. On a tty in raw mode (VMIN=1, non-blocking) a
// read that returns 0 bytes means the line hung up: the USB device was unplugged or the Mac
// rebooted (the kernel hangs up a ttyACM whose device left), or a pty's master closed.
// serialport's unix read treats 0 bytes as "try again" and loops on read(2) forever: a CPU
// spins and the port never reports the loss, so nothing would ever reconnect. We replace the
// opened port's `read` with one that reads the same way but reports 0 bytes as a disconnect
// (any non-cancel error makes the stream close with `disconnected: true`).

import { read } from 'node:fs';
import type { SerialPort } from 'serialport';

interface UnixPortBinding {
  fd: number | null;
  readonly isOpen: boolean;
  readonly poller: { once(event: 'readable', callback: (err: Error | null) => void): unknown };
  read(buffer: Buffer, offset: number, length: number): Promise<{ bytesRead: number; buffer: Buffer }>;
}

const RETRY_CODES = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR']);

/** serialport's stream stays quiet about an error marked `canceled` (the port was closed on purpose). */
function canceled(): Error {
  return Object.assign(new Error('Port is not open'), { canceled: true });
}

function readOnce(fd: number, buffer: Buffer, offset: number, length: number): Promise<number> {
  return new Promise((resolve, reject) =>
    read(fd, buffer, offset, length, null, (err, bytesRead) => (err ? reject(err) : resolve(bytesRead))),
  );
}

/** Call right after `open()`, before the first read; a no-op where the port has no unix fd. */
export function reportHangups(port: SerialPort): void {
  const binding = (port as unknown as { port?: Partial<UnixPortBinding> }).port;
  if (!binding || typeof binding.fd !== 'number' || !binding.poller || typeof binding.read !== 'function') return;
  const unix = binding as UnixPortBinding;
  unix.read = async (buffer, offset, length) => {
    for (;;) {
      const fd = unix.fd;
      if (!unix.isOpen || fd === null) throw canceled();
      try {
        const bytesRead = await readOnce(fd, buffer, offset, length);
        if (bytesRead === 0) {
          throw Object.assign(new Error('the line hung up'), { disconnect: true });
        }
        return { bytesRead, buffer };
      } catch (err) {
        if (!RETRY_CODES.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
        if (!unix.isOpen) throw canceled();
        await new Promise<void>((resolve, reject) => unix.poller.once('readable', (e) => (e ? reject(e) : resolve())));
      }
    }
  };
}
