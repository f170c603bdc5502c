// Layer: core/transport. Imports node built-ins, core/util and this folder only; loads the
// native helper built from native/pty/pty.c (build/Release/hvdbg_pty.node).
//
// The virtual M1's end of a pseudo-terminal. The host opens the slave path (/dev/pts/N) as a
// serial port exactly as it opens /dev/ttyACM0 for a real Mac; this process holds the master.
//
// Choices, and why:
// - The slave is raw from birth (cfmakeraw, VMIN=1: no echo, no CR/LF mapping, no ^C/^S/^Q,
//   8-bit clean), so binary frames pass unchanged even when the host opens the slave with a
//   tool that does not set the line discipline itself.
// - This process keeps a slave descriptor open for the master's whole life. Once the last
//   slave descriptor closes, Linux hangs the master up: reads fail with EIO and poll reports
//   POLLHUP, which would end the transport the first time the host closed the port. Holding
//   one keeps the master usable while the host opens, closes and re-opens the slave, and
//   before it first opens it; we never read from it.
//   Bytes written while no host listens wait in the kernel (the master's writes then push
//   back), and the host's serial open flushes them (serial.ts), as a fresh USB open would.
// - The master fd is read and written through a libuv *pipe* handle (as node-pty does),
//   not tty.ReadStream/WriteStream: libuv cannot reopen a pty master, so its tty handle falls
//   back to blocking writes, which on our non-blocking fd spin on EAGAIN inside write() and
//   starve the event loop; with the host in the same process that is a deadlock (seen).
//   fs streams would park blocking reads in the thread pool that close() cannot interrupt.

import { closeSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TransportError } from './errors.ts';
import { SocketTransport } from './socket-transport.ts';
import type { ByteTransport } from './transport.ts';

export interface PtyEndpoint extends ByteTransport {
  /** The path the host opens, e.g. `/dev/pts/5`. */
  readonly slavePath: string;
}

interface NativePty {
  open(): { masterFd: number; slaveFd: number; path: string };
}

interface PipeWrapBinding {
  Pipe: new (type: number) => { open(fd: number): number };
  constants: { SOCKET: number };
}

const ADDON_NAME = 'hvdbg_pty.node';
const MAX_PARENT_DIRS = 6;
const PTY_CLOSE_GRACE_MS = 500;
const BUILD_HINT =
  'the pty helper is built by `npm install` (node-gyp; needs python3, make and a C compiler): ' +
  'run `npm rebuild` in the hvdbg folder, or use --listen tcp:127.0.0.1:PORT instead of a pty';

let nativePty: NativePty | undefined;

/** Finds build/{Release,Debug}/hvdbg_pty.node above this file (sources run from core/, builds from dist/core/). */
function loadNative(): NativePty {
  if (nativePty) return nativePty;
  if (process.platform === 'win32') {
    throw new TransportError('TRANSPORT_PTY_UNAVAILABLE', 'pseudo-terminals do not exist on Windows', {
      hint: 'use --listen tcp:127.0.0.1:PORT instead of a pty',
    });
  }
  const require = createRequire(import.meta.url);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < MAX_PARENT_DIRS; i++) {
    for (const flavour of ['Release', 'Debug']) {
      const candidate = join(dir, 'build', flavour, ADDON_NAME);
      if (!existsSync(candidate)) continue;
      try {
        return (nativePty = require(candidate) as NativePty);
      } catch (err) {
        throw new TransportError('TRANSPORT_PTY_UNAVAILABLE', `cannot load ${candidate}: ${(err as Error).message}`, {
          hint: BUILD_HINT,
          cause: err,
        });
      }
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new TransportError('TRANSPORT_PTY_UNAVAILABLE', `the pty helper ${ADDON_NAME} is not built`, { hint: BUILD_HINT });
}

/** A net.Socket over a raw descriptor through libuv's pipe handle (see the header). */
function socketOnFd(fd: number): net.Socket {
  const { Pipe, constants } = (process as unknown as { binding(name: string): PipeWrapBinding }).binding('pipe_wrap');
  const handle = new Pipe(constants.SOCKET);
  const status = handle.open(fd);
  if (status !== 0) throw new Error(`libuv cannot open fd ${fd} as a stream (status ${status})`);
  return new net.Socket({ handle, readable: true, writable: true } as net.SocketConstructorOpts);
}

class PtyMaster extends SocketTransport implements PtyEndpoint {
  constructor(
    socket: net.Socket,
    readonly slavePath: string,
    slaveFd: number,
  ) {
    super(socket, `pty ${slavePath}`, {
      closeMode: 'flush',
      closeGraceMs: PTY_CLOSE_GRACE_MS,
      // Closed after the master, so the host sees one hang-up, as when a USB cable is pulled.
      afterClose: () => closeSync(slaveFd),
    });
  }
}

/** Allocates a pty: the returned transport is the master; the host opens `slavePath`. */
export async function createPty(): Promise<PtyEndpoint> {
  const native = loadNative();
  let pty: ReturnType<NativePty['open']>;
  try {
    pty = native.open();
  } catch (err) {
    throw new TransportError('TRANSPORT_OPEN_FAILED', `cannot allocate a pty: ${(err as Error).message}`, {
      hint: 'is /dev/pts mounted and /dev/ptmx usable? (containers may need --privileged or a devpts mount)',
      cause: err,
    });
  }
  let socket: net.Socket;
  try {
    socket = socketOnFd(pty.masterFd);
  } catch (err) {
    closeSync(pty.masterFd);
    closeSync(pty.slaveFd);
    throw new TransportError('TRANSPORT_PTY_UNAVAILABLE', `cannot attach to the pty master: ${(err as Error).message}`, {
      hint: 'this Node.js lacks the pipe handle hvdbg uses for ptys; use --listen tcp:127.0.0.1:PORT instead',
      cause: err,
    });
  }
  return new PtyMaster(socket, pty.path, pty.slaveFd);
}
