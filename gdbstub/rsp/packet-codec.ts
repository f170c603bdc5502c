// Layer: gdbstub/rsp, framing only. Imports gdbstub/errors.ts only.
//
// GDB Remote Serial Protocol framing (gdb manual, "Overview" of Remote Protocol):
//   packet      `$` body `#` two hex digits = sum of the body bytes mod 256
//   acks        `+` received fine, `-` resend please (until QStartNoAckMode)
//   interrupt   a lone 0x03 byte between packets (Ctrl-C), out of band
// Binary data (X, qXfer replies) escapes `#`, `$`, `}` and `*` as 0x7d then byte ^ 0x20; the
// framing never needs to undo that (a raw `#` cannot occur in a body), so the decoder hands
// the body over raw and the packets that carry binary call `unescapeBinary`.
// Handlers never see `$`, `#`, checksums or acks.

import { GdbStubError } from '../errors.ts';

export type DecodedItem =
  | { readonly kind: 'packet'; readonly body: string }
  | { readonly kind: 'ack' }
  | { readonly kind: 'nak' }
  | { readonly kind: 'interrupt' }
  /** The packet arrived damaged: NAK it (`-`) so gdb resends. */
  | { readonly kind: 'bad-checksum'; readonly error: GdbStubError }
  /** Framing was fine but the body exceeded the limit; it was skipped, the stream goes on. */
  | { readonly kind: 'oversized'; readonly error: GdbStubError };

const DOLLAR = 0x24;
const HASH = 0x23;
const PLUS = 0x2b;
const MINUS = 0x2d;
const CTRL_C = 0x03;
const ESCAPE = 0x7d;
const STAR = 0x2a;

const enum State {
  Idle,
  Body,
  Check1,
  Check2,
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** Byte-fed incremental decoder: feed chunks of any size, get whole items back. */
export class PacketDecoder {
  private state = State.Idle;
  private readonly body: Uint8Array;
  private length = 0;
  private overflow = 0;
  private sum = 0;
  private check = 0;

  constructor(private readonly maxBodyBytes: number) {
    this.body = new Uint8Array(maxBodyBytes);
  }

  feed(chunk: Uint8Array): DecodedItem[] {
    const out: DecodedItem[] = [];
    for (const c of chunk) {
      switch (this.state) {
        case State.Idle:
          if (c === DOLLAR) this.start();
          else if (c === PLUS) out.push({ kind: 'ack' });
          else if (c === MINUS) out.push({ kind: 'nak' });
          else if (c === CTRL_C) out.push({ kind: 'interrupt' });
          // Anything else between packets is line noise; gdb does the same.
          break;
        case State.Body:
          if (c === HASH) this.state = State.Check1;
          // A raw `$` cannot be in a body (it would be escaped): gdb gave up on the old packet.
          else if (c === DOLLAR) this.start();
          else {
            this.sum = (this.sum + c) & 0xff;
            if (this.length < this.maxBodyBytes) this.body[this.length++] = c;
            else this.overflow++;
          }
          break;
        case State.Check1:
          if (c === DOLLAR) this.start();
          else {
            this.check = hexDigit(c) << 4;
            this.state = State.Check2;
          }
          break;
        case State.Check2: {
          if (c === DOLLAR) {
            this.start();
            break;
          }
          this.state = State.Idle;
          const low = hexDigit(c);
          out.push(this.finish(this.check >= 0 && low >= 0 ? this.check | low : -1));
          break;
        }
      }
    }
    return out;
  }

  private start(): void {
    this.state = State.Body;
    this.length = 0;
    this.overflow = 0;
    this.sum = 0;
  }

  private finish(received: number): DecodedItem {
    const total = this.length + this.overflow;
    if (received !== this.sum) {
      const got = received < 0 ? 'not hex' : `0x${received.toString(16).padStart(2, '0')}`;
      return {
        kind: 'bad-checksum',
        error: new GdbStubError('GDB_BAD_CHECKSUM', `packet of ${total} bytes: checksum ${got}, computed 0x${this.sum.toString(16).padStart(2, '0')}`, {
          hint: 'the link corrupted a packet; gdb resends it after our NAK',
        }),
      };
    }
    if (this.overflow > 0) {
      return {
        kind: 'oversized',
        error: new GdbStubError('GDB_PACKET_TOO_LARGE', `packet of ${total} bytes exceeds the ${this.maxBodyBytes}-byte PacketSize this stub advertised`, {
          hint: 'gdb honours PacketSize from qSupported; a client that ignores it must split its requests',
        }),
      };
    }
    return { kind: 'packet', body: Buffer.from(this.body.subarray(0, this.length)).toString('latin1') };
  }
}

function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (const b of bytes) sum = (sum + b) & 0xff;
  return sum;
}

/**
 * Run-length encoding of a reply body (gdb manual, "Overview": `c*n` repeats c n-29 more
 * times). Only for bodies of plain text such as hex (never binary, never after an escape).
 * Counts giving `#` or `$` (6, 7) are not allowed, so such runs are shortened.
 */
export function runLengthEncode(body: string): string {
  let out = '';
  let i = 0;
  while (i < body.length) {
    const ch = body[i]!;
    let run = 1;
    while (i + run < body.length && body[i + run] === ch && run < 98) run++;
    out += ch;
    let extra = run - 1;
    if (extra >= 3) {
      if (extra === 6 || extra === 7) extra = 5;
      out += `*${String.fromCharCode(29 + extra)}`;
      i += 1 + extra;
    } else {
      i += 1;
    }
  }
  return out;
}

/** `$body#xx`. `body` is latin1 text (bytes 0–255, one char each). */
export function encodePacket(body: string): Uint8Array {
  const bytes = Buffer.from(body, 'latin1');
  const out = Buffer.alloc(bytes.length + 4);
  out[0] = DOLLAR;
  bytes.copy(out, 1);
  out[bytes.length + 1] = HASH;
  out.write(checksum(bytes).toString(16).padStart(2, '0'), bytes.length + 2, 'latin1');
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** Escapes binary data for a packet body (X, qXfer replies), returned as latin1 text. */
export function escapeBinary(data: Uint8Array): string {
  let out = '';
  for (const b of data) {
    if (b === HASH || b === DOLLAR || b === ESCAPE || b === STAR) out += String.fromCharCode(ESCAPE, b ^ 0x20);
    else out += String.fromCharCode(b);
  }
  return out;
}

/** Undoes `escapeBinary`; undefined if the text ends inside an escape. */
export function unescapeBinary(text: string): Uint8Array | undefined {
  const out = new Uint8Array(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c === ESCAPE) {
      if (++i >= text.length) return undefined;
      c = text.charCodeAt(i) ^ 0x20;
    }
    out[n++] = c & 0xff;
  }
  return out.slice(0, n);
}

export const ACK = Uint8Array.of(PLUS);
export const NAK = Uint8Array.of(MINUS);
