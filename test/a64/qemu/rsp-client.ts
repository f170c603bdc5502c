// The reference side of the lockstep tests: a minimal GDB Remote Serial Protocol client over
// TCP, enough to drive qemu-aarch64's gdb stub one instruction at a time. Framing ($…#cs, acks,
// escapes, run-length encoding) lives here; meaning (registers, stop replies) is in the typed
// methods. Test code: imports node and core/errors only.
import { Socket } from 'node:net';
import { HvdbgError } from '../../../core/errors.ts';

export class RspError extends HvdbgError {}

/** Why the target stopped: a signal (a step or breakpoint gives SIGTRAP, 5), or it ended. */
export type StopReply =
  | { kind: 'signal'; signal: number; text: string }
  | { kind: 'exited'; code: number; text: string }
  | { kind: 'terminated'; signal: number; text: string };

const DEFAULT_TIMEOUT_MS = 10_000;

export function rspChecksum(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum = (sum + body.charCodeAt(i)) & 0xff;
  return sum.toString(16).padStart(2, '0');
}

export function parseStopReply(text: string): StopReply {
  const kind = text[0];
  const value = parseInt(text.slice(1, 3), 16);
  if ((kind === 'T' || kind === 'S') && !Number.isNaN(value)) return { kind: 'signal', signal: value, text };
  if (kind === 'W' && !Number.isNaN(value)) return { kind: 'exited', code: value, text };
  if (kind === 'X' && !Number.isNaN(value)) return { kind: 'terminated', signal: value, text };
  throw new RspError('RSP_BAD_REPLY', `not a stop reply: '${text.slice(0, 80)}'`);
}

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

/**
 * One connection to a gdb stub. Requests go one at a time (qemu's user-mode stub waits for our
 * `+` after each reply and has no QStartNoAckMode, so packets cannot be pipelined).
 */
export class RspClient {
  private buffer = '';
  private pending: { resolve: (body: string) => void; reject: (err: Error) => void; timer: NodeJS.Timeout } | undefined;
  private lastSent = '';
  private closed: Error | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly timeoutMs: number,
  ) {
    socket.setNoDelay(true);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => this.onData(chunk));
    const onEnd = (why: string) => {
      this.closed ??= new RspError('RSP_CLOSED', `gdb stub connection ${why}`);
      this.fail(this.closed);
    };
    socket.on('close', () => onEnd('closed'));
    socket.on('error', (err) => onEnd(`failed: ${err.message}`));
  }

  static connect(port: number, host = '127.0.0.1', timeoutMs = DEFAULT_TIMEOUT_MS): Promise<RspClient> {
    return new Promise((resolve, reject) => {
      const socket = new Socket();
      const onError = (err: Error) => reject(new RspError('RSP_CONNECT', `cannot connect to gdb stub at ${host}:${port}: ${err.message}`));
      socket.once('error', onError);
      socket.connect(port, host, () => {
        socket.off('error', onError);
        resolve(new RspClient(socket, timeoutMs));
      });
    });
  }

  /** Sends one packet and resolves with the body of the reply packet. */
  request(body: string): Promise<string> {
    if (this.closed) return Promise.reject(this.closed);
    if (this.pending) return Promise.reject(new RspError('RSP_BUSY', 'one request at a time'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new RspError('RSP_TIMEOUT', `no reply to '${body.slice(0, 40)}' within ${this.timeoutMs} ms`)), this.timeoutMs);
      this.pending = { resolve, reject, timer };
      this.send(body);
    });
  }

  /** Sends a packet that gets no reply (`k`). */
  sendOnly(body: string): void {
    if (!this.closed) this.send(body);
  }

  private send(body: string): void {
    this.lastSent = `$${body}#${rspChecksum(body)}`;
    this.socket.write(this.lastSent, 'latin1');
  }

  private fail(err: Error): void {
    const p = this.pending;
    this.pending = undefined;
    if (p) {
      clearTimeout(p.timer);
      p.reject(err);
    }
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    for (;;) {
      // Acks: '+' is dropped, '-' asks for the last packet again.
      let i = 0;
      while (i < this.buffer.length && this.buffer[i] !== '$') {
        if (this.buffer[i] === '-' && this.lastSent) this.socket.write(this.lastSent, 'latin1');
        i++;
      }
      this.buffer = this.buffer.slice(i);
      const hash = this.buffer.indexOf('#');
      if (hash < 0 || this.buffer.length < hash + 3) return;
      const raw = this.buffer.slice(1, hash);
      const sum = this.buffer.slice(hash + 1, hash + 3);
      this.buffer = this.buffer.slice(hash + 3);
      if (rspChecksum(raw) !== sum.toLowerCase()) {
        this.socket.write('-');
        continue;
      }
      this.socket.write('+');
      const p = this.pending;
      this.pending = undefined;
      if (p) {
        clearTimeout(p.timer);
        p.resolve(decodeBody(raw));
      }
    }
  }

  /** A request whose reply must not be `Exx`. */
  async command(body: string): Promise<string> {
    const reply = await this.request(body);
    if (/^E[0-9a-fA-F]{2}$/.test(reply)) throw new RspError('RSP_ERROR_REPLY', `'${body.slice(0, 40)}' answered ${reply}`);
    return reply;
  }

  haltReason = async (): Promise<StopReply> => parseStopReply(await this.command('?'));
  readRegisters = async (): Promise<Uint8Array> => hexToBytes(await this.command('g'));
  readRegister = async (regnum: number): Promise<Uint8Array> => hexToBytes(await this.command(`p${regnum.toString(16)}`));
  step = async (): Promise<StopReply> => parseStopReply(await this.command('s'));
  continue = async (): Promise<StopReply> => parseStopReply(await this.command('c'));

  async readMemory(address: bigint, length: number): Promise<Uint8Array> {
    return hexToBytes(await this.command(`m${address.toString(16)},${length.toString(16)}`));
  }

  async insertBreakpoint(address: bigint): Promise<void> {
    const r = await this.command(`Z0,${address.toString(16)},4`);
    if (r !== 'OK') throw new RspError('RSP_UNSUPPORTED', `Z0 answered '${r}'`);
  }

  async removeBreakpoint(address: bigint): Promise<void> {
    const r = await this.command(`z0,${address.toString(16)},4`);
    if (r !== 'OK') throw new RspError('RSP_UNSUPPORTED', `z0 answered '${r}'`);
  }

  /** A whole qXfer:features:read object (target.xml or a file it includes), read in chunks. */
  async readFeature(annex: string): Promise<string> {
    let text = '';
    for (;;) {
      const r = await this.command(`qXfer:features:read:${annex}:${text.length.toString(16)},800`);
      if (r[0] !== 'm' && r[0] !== 'l') throw new RspError('RSP_BAD_REPLY', `qXfer:features:read:${annex} answered '${r.slice(0, 40)}'`);
      text += r.slice(1);
      if (r[0] === 'l') return text;
    }
  }

  /** `k`: the stub ends the program and closes; no reply is expected. */
  kill(): void {
    this.sendOnly('k');
  }

  close(): void {
    this.closed ??= new RspError('RSP_CLOSED', 'client closed the connection');
    this.fail(this.closed);
    this.socket.destroy();
  }
}

/** Undoes the binary escape (`}` then byte ^ 0x20) and run-length encoding (`x*n`). */
function decodeBody(raw: string): string {
  if (!raw.includes('}') && !raw.includes('*')) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '}') out += String.fromCharCode(raw.charCodeAt(++i) ^ 0x20);
    else if (c === '*' && out.length > 0) out += out[out.length - 1]!.repeat(raw.charCodeAt(++i) - 29);
    else out += c;
  }
  return out;
}
