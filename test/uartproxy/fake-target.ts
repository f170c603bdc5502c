// Test helper (not a test): a scripted stand-in for m1n1's side of the uartproxy link, on the
// far end of an in-memory byte pair. It parses requests the way §3.1 describes (shift-register
// sync, 60 more bytes, checksum, MEMWRITE data and trailer) and answers with frames laid out
// from the spec tables (§2.3, §2.4), built here byte by byte — never with the host's code.
// Only core/uartproxy/checksum.ts is shared; it is checked against the §2.5 goldens on its own.
// (test/helpers/bytes.ts is plain byte plumbing, no hvdbg code.)

import { checksum } from '../../core/uartproxy/checksum.ts';
import type { ByteTransport } from '../../core/transport/transport.ts';
import { cat as concat } from '../helpers/bytes.ts';

export const T_NOP = 0;
export const T_PROXY = 1;
export const T_MEMREAD = 2;
export const T_MEMWRITE = 3;
export const T_BOOT = 4;
export const T_EVENT = 5;

export const ST_OK = 0;
export const ST_BADCMD = -1;
export const ST_INVAL = -2;
export const ST_XFRERR = -3;
export const ST_CSUMERR = -4;

const SENTINEL = 0xd0decade;
const DATA_END = 0xb0cacc10;

export interface Request {
  typeByte: number;
  /** The seven u64 body words. */
  words: bigint[];
  /** REQ_PROXY: opcode and the six arguments. */
  opcode: number;
  args: bigint[];
  /** REQ_MEMREAD / REQ_MEMWRITE. */
  addr: bigint;
  size: number;
  dataChecksum: number;
  /** REQ_MEMWRITE: the data and trailer that followed (when consumed). */
  data?: Uint8Array;
  trailer?: number;
  raw: Uint8Array;
}

/** What a proxy handler returns: a retval, a full reply, or 'defer' (the test replies later). */
export type ProxyAnswer =
  | bigint
  | 'defer'
  | 'ignore'
  | { retval?: bigint; proxyStatus?: bigint; status?: number; echo?: number; corrupt?: boolean; then?: () => void };

export type ProxyHandler = (req: Request, target: FakeTarget) => ProxyAnswer;

export function u64le(v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
  return b;
}

export function u32le(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
}

/** A 36-byte reply-format frame (§2.3): marker, type, s32 status, 24-byte body, checksum. */
export function replyFrame(typeByte: number, status: number, body: Uint8Array = new Uint8Array(24)): Uint8Array {
  const f = new Uint8Array(36);
  f.set([0xff, 0x55, 0xaa, typeByte]);
  f.set(u32le(status), 4);
  f.set(body.subarray(0, 24), 8);
  f.set(u32le(checksum(f, 0, 32)), 32);
  return f;
}

export function proxyBody(opcode: number, proxyStatus: bigint, retval: bigint): Uint8Array {
  return concat(u64le(BigInt(opcode)), u64le(proxyStatus), u64le(retval));
}

export function bootFrame(reason: number, code: number, info: bigint): Uint8Array {
  return replyFrame(T_BOOT, 0, concat(u32le(reason), u32le(code), u64le(info), new Uint8Array(8)));
}

/** An event frame (§2.4); the trailer is the checksum, or the sentinel with data checksums off. */
export function eventFrame(type: number, payload: Uint8Array, dataChecksums: boolean): Uint8Array {
  const head = new Uint8Array(8);
  head.set([0xff, 0x55, 0xaa, T_EVENT, payload.length & 0xff, payload.length >> 8, type & 0xff, type >> 8]);
  const body = concat(head, payload);
  return concat(body, u32le(dataChecksums ? checksum(body) : SENTINEL));
}

/** A growable byte queue for the incoming stream. */
class ByteQueue {
  private chunks: Uint8Array[] = [];
  private offset = 0;
  length = 0;

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let o = 0;
    while (o < n) {
      const c = this.chunks[0]!;
      const k = Math.min(n - o, c.length - this.offset);
      out.set(c.subarray(this.offset, this.offset + k), o);
      o += k;
      this.offset += k;
      if (this.offset === c.length) {
        this.chunks.shift();
        this.offset = 0;
      }
    }
    this.length -= n;
    return out;
  }
}

export class FakeTarget {
  readonly requests: Request[] = [];
  /** Bytes the sync scanner skipped (user interrupts, padding, unconsumed MEMWRITE data). */
  readonly noise: number[] = [];
  /** Target-side data-checksum mode (§2.6), set by NOP. */
  dataChecksums = true;
  /** Pretend to be on a UART: NOP never enables DISABLE_DATA_CSUMS. */
  uart = false;
  /** Memory window served by MEMREAD/MEMWRITE. */
  memBase = 0x800000000n;
  memory = new Uint8Array(0);
  /** Ranges [start, end) that fault. */
  faults: Array<[bigint, bigint]> = [];
  /** Split every output write into pieces of these sizes (cycled); null = one write per frame. */
  split: number[] | null = null;
  /** Drop incoming bytes before parsing (simulates loss on the link). */
  incomingFilter: ((chunk: Uint8Array) => Uint8Array) | null = null;
  /** Hold replies until the next macrotask, so pipelined requests pile up first. */
  batchReplies = false;
  /** Requests received minus replies sent, at its highest. */
  maxInFlight = 0;

  private readonly handlers = new Map<number, ProxyHandler>();
  private readonly input = new ByteQueue();
  private shift = 0;
  private synced: number | null = null; // type byte after sync
  private header: Request | null = null; // MEMWRITE waiting for data
  private outstanding = 0;
  private held: Uint8Array[] = [];
  private splitIndex = 0;

  constructor(readonly end: ByteTransport) {
    end.onData((chunk) => this.receive(this.incomingFilter ? this.incomingFilter(chunk) : chunk));
    this.on(0x000, () => 0n); // P_NOP
    this.on(0x001, () => 0n); // P_EXIT
  }

  on(opcode: number, handler: ProxyHandler): void {
    this.handlers.set(opcode, handler);
  }

  // ---- output ---------------------------------------------------------------------------

  send(bytes: Uint8Array): void {
    if (this.end.closed) return;
    if (this.split === null) {
      this.end.write(bytes);
      return;
    }
    for (let o = 0; o < bytes.length; ) {
      const k = Math.max(1, this.split[this.splitIndex++ % this.split.length]!);
      this.end.write(bytes.subarray(o, o + k));
      o += k;
    }
  }

  text(s: string): void {
    this.send(new TextEncoder().encode(s));
  }

  proxyReply(opcode: number, retval: bigint, proxyStatus = 0n): void {
    this.reply(replyFrame(T_PROXY, ST_OK, proxyBody(opcode, proxyStatus, retval)));
  }

  boot(reason: number, code: number, info: bigint): void {
    this.send(bootFrame(reason, code, info));
  }

  event(type: number, payload: Uint8Array): void {
    this.send(eventFrame(type, payload, this.dataChecksums));
  }

  /** Sends a reply (held until the next macrotask when batchReplies is on). */
  reply(...parts: Uint8Array[]): void {
    const bytes = concat(...parts);
    if (!this.batchReplies) {
      this.outstanding--;
      this.send(bytes);
      return;
    }
    this.held.push(bytes);
    if (this.held.length === 1) {
      setTimeout(() => {
        const held = this.held;
        this.held = [];
        this.outstanding -= held.length;
        for (const h of held) this.send(h);
      }, 1);
    }
  }

  // ---- input ----------------------------------------------------------------------------

  private receive(chunk: Uint8Array): void {
    this.input.push(chunk);
    for (;;) {
      if (this.header !== null) {
        const h = this.header;
        const need = h.size + (this.dataChecksums ? 0 : 4);
        if (this.input.length < need) return;
        h.data = this.input.take(h.size);
        if (!this.dataChecksums) h.trailer = new DataView(this.input.take(4).buffer).getUint32(0, true);
        this.header = null;
        this.finishMemWrite(h);
        continue;
      }
      if (this.synced === null) {
        if (this.input.length < 1) return;
        const b = this.input.take(1)[0]!;
        this.shift = ((this.shift >>> 8) | (b << 24)) >>> 0;
        if ((this.shift & 0xffffff) === 0xaa55ff) this.synced = b;
        else if (b !== 0xff && b !== 0x55 && b !== 0xaa) this.noise.push(b);
        continue;
      }
      if (this.input.length < 60) return;
      const rest = this.input.take(60);
      const raw = concat(Uint8Array.of(0xff, 0x55, 0xaa, this.synced), rest);
      this.synced = null;
      this.shift = 0;
      this.handle(raw);
    }
  }

  private handle(raw: Uint8Array): void {
    const dv = new DataView(raw.buffer);
    const typeByte = raw[3]!;
    const words = Array.from({ length: 7 }, (_, i) => dv.getBigUint64(4 + 8 * i, true));
    const req: Request = {
      typeByte,
      words,
      opcode: Number(words[0]! & 0xffffffffn),
      args: words.slice(1),
      addr: words[0]!,
      size: Number(words[1]!),
      dataChecksum: dv.getUint32(0x14, true),
      raw,
    };
    this.requests.push(req);
    this.outstanding++;
    this.maxInFlight = Math.max(this.maxInFlight, this.outstanding);
    if (checksum(raw, 0, 60) !== dv.getUint32(60, true)) {
      this.reply(replyFrame(typeByte, ST_CSUMERR));
      return;
    }
    switch (typeByte) {
      case T_NOP: {
        let enabled = words[0]! & 1n;
        if (this.uart) enabled = 0n;
        this.dataChecksums = enabled === 0n;
        this.reply(replyFrame(T_NOP, ST_OK, concat(u64le(enabled), new Uint8Array(16))));
        return;
      }
      case T_PROXY:
        this.handleProxy(req);
        return;
      case T_MEMREAD:
        this.handleMemRead(req);
        return;
      case T_MEMWRITE:
        if (req.size !== 0 && (this.faults.some(([s, e]) => this.touches(req.addr, 1, s, e) || this.touches(req.addr + BigInt(req.size - 1), 1, s, e)) || !this.mapped(req.addr, req.size))) {
          // §4.4 step 2: XFRERR at once; the data that follows is left to the sync scanner.
          this.reply(replyFrame(T_MEMWRITE, ST_XFRERR));
          return;
        }
        this.header = req;
        return;
      default:
        this.reply(replyFrame(typeByte, ST_BADCMD));
    }
  }

  private handleProxy(req: Request): void {
    const handler = this.handlers.get(req.opcode);
    const answer: ProxyAnswer = handler ? handler(req, this) : { proxyStatus: -1n, retval: 0n };
    if (answer === 'defer') return;
    if (answer === 'ignore') {
      this.outstanding--;
      return;
    }
    const a = typeof answer === 'bigint' ? { retval: answer } : answer;
    const frame = replyFrame(T_PROXY, a.status ?? ST_OK, a.status ? new Uint8Array(24) : proxyBody(a.echo ?? req.opcode, a.proxyStatus ?? 0n, a.retval ?? 0n));
    if (a.corrupt) frame[35] = frame[35]! ^ 0xff;
    this.reply(frame);
    a.then?.();
  }

  private handleMemRead(req: Request): void {
    if (req.size === 0) {
      this.reply(replyFrame(T_MEMREAD, ST_OK));
      return;
    }
    if (!this.mapped(req.addr, req.size) || this.faults.some(([s, e]) => this.touches(req.addr, req.size, s, e))) {
      this.reply(replyFrame(T_MEMREAD, ST_XFRERR));
      return;
    }
    const start = Number(req.addr - this.memBase);
    const data = this.memory.slice(start, start + req.size);
    const field = this.dataChecksums ? checksum(data) : SENTINEL;
    const head = replyFrame(T_MEMREAD, ST_OK, concat(u32le(field), new Uint8Array(20)));
    if (this.dataChecksums) this.reply(head, data);
    else this.reply(head, data, u32le(DATA_END));
  }

  private finishMemWrite(req: Request): void {
    const data = req.data!;
    const sum = this.dataChecksums ? checksum(data) : SENTINEL;
    let status = ST_OK;
    if (sum !== req.dataChecksum) status = ST_XFRERR;
    else if (!this.dataChecksums && req.trailer !== DATA_END) status = ST_XFRERR;
    else this.memory.set(data, Number(req.addr - this.memBase));
    this.reply(replyFrame(T_MEMWRITE, status, concat(u32le(sum), new Uint8Array(20))));
  }

  private mapped(addr: bigint, size: number): boolean {
    return addr >= this.memBase && addr + BigInt(size) <= this.memBase + BigInt(this.memory.length);
  }

  private touches(addr: bigint, size: number, s: bigint, e: bigint): boolean {
    return addr < e && addr + BigInt(size) > s;
  }
}
