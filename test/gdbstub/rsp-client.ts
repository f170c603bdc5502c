// A raw RSP client for packet-level tests, written from the gdb manual's framing rules and
// independent of gdbstub/rsp/packet-codec.ts (the code under test never grades itself).

import { createMemoryPair } from '../../core/transport/memory-pair.ts';
import type { ByteTransport } from '../../core/transport/transport.ts';
import { GdbConnection, type GdbConnectionOptions } from '../../gdbstub/rsp/connection.ts';
import type { GdbTarget } from '../../gdbstub/target.ts';

/** `$body#xx` with xx = sum of the body's bytes mod 256, two lowercase hex digits. */
export function frame(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum = (sum + body.charCodeAt(i)) % 256;
  return `$${body}#${sum.toString(16).padStart(2, '0')}`;
}

/** Undoes run-length encoding: `c*N` = c repeated N-29 more times. */
export function expandRle(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '*') {
      const n = body.charCodeAt(++i) - 29;
      out += out[out.length - 1]!.repeat(n);
    } else out += body[i];
  }
  return out;
}

export type Received = { kind: 'packet'; body: string; raw: string } | { kind: 'ack' } | { kind: 'nak' };

export class RawClient {
  private buffer = '';
  private waiters: Array<() => void> = [];
  closed = false;

  constructor(readonly transport: ByteTransport) {
    transport.onData((chunk) => {
      this.buffer += Buffer.from(chunk).toString('latin1');
      this.wake();
    });
    transport.onClose(() => {
      this.closed = true;
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  sendRaw(data: string | Uint8Array): void {
    if (this.transport.closed) return; // as over TCP: a late ack to a closed stub goes nowhere
    this.transport.write(typeof data === 'string' ? new Uint8Array(Buffer.from(data, 'latin1')) : data);
  }

  /** The next item from the stub: an ack, a nak, or a packet (checksum verified, RLE expanded). */
  async next(): Promise<Received> {
    while (true) {
      const c = this.buffer[0];
      if (c === '+' || c === '-') {
        this.buffer = this.buffer.slice(1);
        return { kind: c === '+' ? 'ack' : 'nak' };
      }
      if (c !== undefined && c !== '$') throw new Error(`stub sent stray ${JSON.stringify(c)}`);
      const hash = this.buffer.indexOf('#');
      if (c === '$' && hash > 0 && this.buffer.length >= hash + 3) {
        const raw = this.buffer.slice(0, hash + 3);
        this.buffer = this.buffer.slice(hash + 3);
        const body = raw.slice(1, hash);
        if (frame(body) !== raw) throw new Error(`bad checksum from stub: ${raw}`);
        return { kind: 'packet', body: expandRle(body), raw };
      }
      if (this.closed) throw new Error(`stub closed the connection (pending: ${JSON.stringify(this.buffer)})`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  async expectAck(): Promise<void> {
    const r = await this.next();
    if (r.kind !== 'ack') throw new Error(`expected +, got ${JSON.stringify(r)}`);
  }

  async packet(): Promise<string> {
    const r = await this.next();
    if (r.kind !== 'packet') throw new Error(`expected a packet, got ${r.kind}`);
    return r.body;
  }

  /** In ack mode: send, expect `+`, read the reply and ack it. */
  async request(body: string, noAck = false): Promise<string> {
    this.sendRaw(frame(body));
    if (!noAck) await this.expectAck();
    const reply = await this.packet();
    if (!noAck) this.sendRaw('+');
    return reply;
  }

  /** Whether the stub has sent anything not yet read. */
  get pending(): string {
    return this.buffer;
  }
}

export function connect(target: GdbTarget, options: GdbConnectionOptions = {}): { client: RawClient; conn: GdbConnection; log: string[] } {
  const [ours, theirs] = createMemoryPair();
  const log: string[] = [];
  const conn = new GdbConnection(theirs, target, { log: (l) => log.push(l), ...options });
  return { client: new RawClient(ours), conn, log };
}
