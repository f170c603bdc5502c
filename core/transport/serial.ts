// Layer: core/transport. Imports serialport, node built-ins, core/util and this folder only.
//
// The USB link to a Mac running m1n1: its CDC-ACM proxy port (§1.2), or any tty, including
// the virtual M1's pty slave. Raw 8N1, no flow control, 115200 baud by default (§1.3; the
// rate does nothing on USB or a pty but must be valid).
//
// A Mac that reboots re-enumerates on USB: the port vanishes and comes back a few seconds
// later. With `reconnect` on, the transport survives that: it reports the loss, waits for the
// path to reappear, reopens it and goes on delivering on the same object, telling the
// protocol layer through `onReconnect` so it can resynchronise. Bytes written while the port
// is gone are dropped (the target that comes back is a fresh m1n1 that would not understand
// half a frame): `write` returns false then, and `onDrain` fires after the reopen.

import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { Listeners, type Disposable } from '../util/disposable.ts';
import { TransportError } from './errors.ts';
import { patchSerialPort } from './serialport-patches.ts';
import { TransportBase } from './transport-base.ts';
import type { ByteTransport } from './transport.ts';

/** Where m1n1's proxy port shows up on Linux: its udev rule's name, then the kernel's (§1.2). */
export const DEFAULT_SERIAL_PATHS = ['/dev/m1n1', '/dev/ttyACM0'] as const;

/** m1n1's UART default (§1.3). */
export const DEFAULT_BAUD_RATE = 115200;

export interface SerialReconnectOptions {
  /** How long to wait for a vanished device to come back. Default 20000 ms. */
  waitMs?: number;
  /** How often to look for it meanwhile. Default 100 ms. */
  pollMs?: number;
}

export interface SerialOptions {
  baudRate?: number;
  /** Survive the device vanishing for up to `waitMs`; without it a vanished device closes the transport. */
  reconnect?: SerialReconnectOptions;
  /** One-line progress messages for the user (device lost, waiting, back). */
  onStatus?: (message: string) => void;
}

export interface SerialTransport extends ByteTransport {
  readonly path: string;
  /** Fires after the device vanished and was reopened; the byte stream restarted in between. */
  onReconnect(listener: () => void): Disposable;
}

const DEFAULT_RECONNECT_WAIT_MS = 20_000;
const DEFAULT_RECONNECT_POLL_MS = 100;
const DEVICE_GONE_HINT = 'check the USB cable; is m1n1 running on the Mac?';

function openFailure(path: string, err: Error): TransportError {
  const text = err.message.replace(/^Error: /, '');
  let hint = `check the path; m1n1's port is usually ${DEFAULT_SERIAL_PATHS.join(' or ')} (or a pty such as /dev/pts/N from \`hvdbg sim --pty\`)`;
  if (/permission denied/i.test(text)) {
    hint = 'add yourself to the dialout group (`sudo usermod -aG dialout $USER`, then log in again) or install m1n1\'s udev rule';
  } else if (/cannot lock|resource busy|resource temporarily unavailable/i.test(text)) {
    hint = 'another program has the port open (another hvdbg, screen, minicom, ModemManager?); close it first';
  } else if (/inappropriate ioctl|not a typewriter/i.test(text)) {
    hint = `${path} is not a serial port or pty; for TCP write tcp:HOST:PORT`;
  }
  return new TransportError('TRANSPORT_OPEN_FAILED', `cannot open serial ${path}: ${text}`, { hint, cause: err });
}

/** Opens the tty raw 8N1 without flow control and discards whatever input was waiting. */
async function openPort(path: string, baudRate: number): Promise<SerialPort> {
  if (!existsSync(path)) throw openFailure(path, new Error('no such file or directory'));
  const port = new SerialPort({
    path,
    baudRate,
    dataBits: 8,
    stopBits: 1,
    parity: 'none',
    rtscts: false,
    xon: false,
    xoff: false,
    xany: false,
    hupcl: true, // DTR drops when we close: m1n1 then sees its pipe closed (§1.2)
    autoOpen: false,
  });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(openFailure(path, err)) : resolve())));
  patchSerialPort(port);
  // Stale input (a pty's leftovers, a previous session's tail) would only confuse the framing.
  await new Promise<void>((resolve) => port.flush(() => resolve()));
  return port;
}

class SerialLink extends TransportBase implements SerialTransport {
  private port: SerialPort | null = null;
  private paused = false;
  private writerWaits = false;
  private reconnecting = false;
  private readonly reconnectListeners = new Listeners<[]>();

  constructor(
    readonly path: string,
    port: SerialPort,
    private readonly baudRate: number,
    private readonly options: SerialOptions,
  ) {
    super(`serial ${path}`);
    this.attach(port);
  }

  onReconnect(listener: () => void): Disposable {
    return this.reconnectListeners.add(listener);
  }

  pause(): void {
    this.paused = true;
    this.port?.pause();
  }

  resume(): void {
    this.paused = false;
    this.port?.resume();
  }

  protected send(data: Uint8Array): boolean {
    const ok = this.port !== null && this.port.write(data);
    if (!ok) this.writerWaits = true;
    return ok;
  }

  protected startClose(): void {
    const port = this.port;
    if (port === null) return this.finish(); // between devices: the reconnect loop sees `closed`
    this.detach();
    port.close(() => this.finish()); // called with an error too: closed either way
  }

  private attach(port: SerialPort): void {
    this.port = port;
    port.on('data', (chunk: Buffer) => this.deliver(chunk));
    port.on('drain', () => {
      this.writerWaits = false;
      this.drained();
    });
    // Failures surface as the 'close' below (serialport closes on read/write errors); an
    // 'error' without a listener would crash the process.
    port.on('error', () => {});
    port.on('close', (err: Error | null) => this.lost(port, err));
    if (this.paused) port.pause();
  }

  /** Stops listening to the current port (its 'error' listener stays, so late errors stay harmless). */
  private detach(): void {
    const port = this.port;
    if (port === null) return;
    this.port = null;
    port.removeAllListeners('data');
    port.removeAllListeners('drain');
    port.removeAllListeners('close');
  }

  /** The device closed under us: unplugged, the Mac rebooted, the pty's master went away. */
  private lost(port: SerialPort, err: Error | null): void {
    if (port !== this.port) return;
    this.detach();
    if (port.isOpen) port.close(() => {});
    if (this.closed) return this.finish();
    const cause = err ?? new Error('closed by the system');
    if (this.options.reconnect === undefined) {
      this.finish(
        new TransportError('TRANSPORT_DEVICE_GONE', `${this.description} vanished (${cause.message})`, {
          hint: DEVICE_GONE_HINT,
          cause,
        }),
      );
      return;
    }
    void this.reconnect(cause);
  }

  private async reconnect(cause: Error): Promise<void> {
    if (this.reconnecting) return;
    this.reconnecting = true;
    const waitMs = this.options.reconnect?.waitMs ?? DEFAULT_RECONNECT_WAIT_MS;
    const pollMs = this.options.reconnect?.pollMs ?? DEFAULT_RECONNECT_POLL_MS;
    const seconds = formatSeconds(waitMs);
    this.options.onStatus?.(`${this.description} vanished; waiting up to ${seconds} for it to come back`);
    const deadline = Date.now() + waitMs;
    let lastError: Error = cause;
    while (!this.closed && Date.now() < deadline) {
      await sleep(pollMs);
      if (this.closed || !existsSync(this.path)) continue;
      try {
        const port = await openPort(this.path, this.baudRate);
        if (this.closed) {
          port.close(() => {});
          break;
        }
        this.reconnecting = false;
        this.attach(port);
        this.options.onStatus?.(`${this.description} is back`);
        this.reconnectListeners.emit();
        if (this.writerWaits) {
          this.writerWaits = false;
          this.drained();
        }
        return;
      } catch (err) {
        lastError = err as Error; // e.g. udev has not set the permissions yet: try again
      }
    }
    this.reconnecting = false;
    this.finish(
      this.closed
        ? undefined
        : new TransportError('TRANSPORT_DEVICE_GONE', `${this.description} vanished and did not come back within ${seconds}`, {
            hint: DEVICE_GONE_HINT,
            cause: lastError,
          }),
    );
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/**
 * Opens a serial device (or pty slave). Fails at once with TRANSPORT_OPEN_FAILED if it cannot be
 * opened now; `reconnect` only covers a device that vanishes after a successful open.
 */
export async function openSerial(path: string, options: SerialOptions = {}): Promise<SerialTransport> {
  const baudRate = options.baudRate ?? DEFAULT_BAUD_RATE;
  const port = await openPort(path, baudRate);
  return new SerialLink(path, port, baudRate, options);
}
