// Layer: core/uartproxy. Incremental decoder of the target→host byte stream (§1.4, §2.3, §2.4,
// §3.2, §4.3). Imports this folder's constants and checksum only.
//
// Feed it chunks of any size with push(); it calls its handlers synchronously, in stream order:
//   text(bytes)            every byte that is not part of a frame (console text, §1.4), in runs
//   reply(frame)           a 36-byte reply-format frame (replies and REQ_BOOT), checksum checked
//   event(type, payload)   an event frame whose trailer checked out (§2.4)
//   eventError(error)      an event frame with a bad trailer or an implausible length
//   payloadEnd(result)     end of a MEMREAD payload claimed with expectPayload()
//
// Styled after ws's Receiver: named states, an early return when bytes run short, limits as
// options, and views rather than copies where a whole piece sits in one chunk. `text` and
// `event` payloads may therefore be views into the pushed chunk: the decoder never mutates or
// reuses a chunk, and neither may the caller while it keeps such a view.
//
// Resynchronisation policy (decided here, §3.2 leaves it to us): a frame whose checksum or
// trailer is wrong, or an event header announcing more than `maxEventPayload` bytes, is
// reported, its 4 marker/type bytes are dropped and every byte after them is scanned again as
// if it had just arrived. A frame that was cut short (target reset, bytes lost on a UART)
// swallows the start of whatever followed it; scanning again finds that next frame instead of
// losing it, the same self-healing the target's own sync scanner has (§3.1). Rescanned bytes
// that form no frame are reported as text like any other stray byte. A reply with a bad
// checksum whose consumer claims a payload (a MEMREAD reply it still trusts) is not rescanned.
// `FF 55 AA FF` is not taken for a frame of type 0xFF (there is none): the match restarts there.
//
// Handlers must not throw: the decoder is mid-chunk when it calls them.

import { CHECKSUM_INIT, checksum, checksumFinish, checksumUpdate } from './checksum.ts';
import { CHECKSUM_SENTINEL, DATA_END_SENTINEL, EVENT_HEADER_SIZE, REPLY_SIZE } from './constants.ts';

/** A reply-format frame (§2.3): a reply to a request, or REQ_BOOT. */
export interface ReplyFrame {
  /** u32 type word, e.g. FrameType.REQ_PROXY. */
  readonly type: number;
  /** s32 frame status (§2.7). */
  readonly status: number;
  /** All 36 bytes as received (owned by the frame; safe to keep). */
  readonly bytes: Uint8Array;
  /** The 24-byte body, bytes 0x08..0x1F. */
  readonly body: Uint8Array;
  readonly checksumOk: boolean;
}

export interface EventFrameError {
  readonly reason: 'checksum' | 'length';
  readonly eventType: number;
  /** Payload length N from the header. */
  readonly length: number;
  /** For 'checksum': the trailer we expected and the one received. */
  readonly expected?: number;
  readonly received?: number;
}

export interface PayloadEnd {
  /** Checksum of the payload (§2.5), or undefined when not asked to compute it. */
  readonly dataChecksum: number | undefined;
  /** Whether the DATA_END_SENTINEL trailer was right; undefined when no trailer was expected. */
  readonly trailerOk: boolean | undefined;
}

export interface FrameDecoderHandlers {
  text(bytes: Uint8Array): void;
  reply(frame: ReplyFrame): void;
  event(type: number, payload: Uint8Array): void;
  eventError(error: EventFrameError): void;
  payloadEnd(result: PayloadEnd): void;
  /** Optional: after each piece of a claimed payload arrives (once per pushed chunk at most). */
  payloadProgress?(receivedBytes: number, totalBytes: number): void;
}

export interface FrameDecoderOptions {
  /** Event headers announcing more payload bytes than this are treated as corruption. */
  maxEventPayload?: number;
  /** Whether event trailers carry real checksums (true) or CHECKSUM_SENTINEL (false), §2.6. */
  dataChecksums?: boolean;
}

export interface PayloadClaim {
  /** Number of payload bytes that follow the reply (> 0). */
  length: number;
  /** Destination, or null to discard the bytes. */
  into: Uint8Array | null;
  /** Where in `into` the first byte goes. */
  offset?: number;
  /** Compute the payload checksum as it arrives (data checksums on). */
  checksum: boolean;
  /** A 4-byte DATA_END_SENTINEL trailer follows the payload (data checksums off). */
  trailer: boolean;
}

export const DEFAULT_MAX_EVENT_PAYLOAD = 64 * 1024;

const MARKER = Uint8Array.of(0xff, 0x55, 0xaa);
const EVENT_TYPE_BYTE = 0x05;
const EMPTY = new Uint8Array(0);

const enum State {
  Scan,
  Type,
  Reply,
  EventHeader,
  EventPayload,
  EventTrailer,
  Data,
  DataTrailer,
}

/** Little-endian u32 at `o` (frame fields, §0). */
export function readU32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}

/** Little-endian u64 at `o`; the bigint is built only here, from two 32-bit halves. */
export function readU64(b: Uint8Array, o: number): bigint {
  const lo = readU32(b, o);
  const hi = readU32(b, o + 4);
  return hi === 0 ? BigInt(lo) : (BigInt(hi) << 32n) | BigInt(lo);
}

const u32 = readU32;

export class FrameDecoder {
  /** Whether event trailers are real checksums; the client flips it when a NOP changes features. */
  dataChecksums: boolean;
  readonly maxEventPayload: number;

  private state = State.Scan;
  /** Marker bytes matched so far that arrived in an earlier chunk (0..2). */
  private markerLen = 0;
  /** The frame being collected: reply (36 bytes) or the event header (first 8 bytes). */
  private frame: Uint8Array = EMPTY;
  private filled = 0;

  private eventType = 0;
  private eventLength = 0;
  private eventPayload: Uint8Array = EMPTY;
  private eventFilled = 0;
  private eventSum = 0;
  private trailerBuf = new Uint8Array(4);
  private trailerFilled = 0;

  private dataInto: Uint8Array | null = null;
  private dataOffset = 0;
  private dataLength = 0;
  private dataReceived = 0;
  private dataSum = 0;
  private dataChecksum = false;
  private dataTrailer = false;

  private inReply = false;
  private claimed = false;
  private busy = false;
  private readonly queue: Uint8Array[] = [];

  constructor(
    private readonly handlers: FrameDecoderHandlers,
    options: FrameDecoderOptions = {},
  ) {
    this.maxEventPayload = options.maxEventPayload ?? DEFAULT_MAX_EVENT_PAYLOAD;
    this.dataChecksums = options.dataChecksums ?? true;
  }

  /** Feeds bytes. Re-entrant calls (a handler causing more input) are queued, not nested. */
  push(chunk: Uint8Array): void {
    if (this.busy) {
      this.queue.push(chunk);
      return;
    }
    this.busy = true;
    try {
      this.process(chunk);
      while (this.queue.length > 0) this.process(this.queue.shift()!);
    } finally {
      this.busy = false;
    }
  }

  /**
   * Only from inside `reply()`: the next `length` bytes after this reply are a MEMREAD payload
   * (§4.3), delivered straight into `into` (one copy from the chunk), then `payloadEnd`.
   */
  expectPayload(claim: PayloadClaim): void {
    if (!this.inReply) throw new Error('FrameDecoder.expectPayload() may only be called from the reply handler');
    if (!(claim.length > 0)) throw new Error(`FrameDecoder.expectPayload(): length must be > 0, got ${claim.length}`);
    const offset = claim.offset ?? 0;
    if (claim.into !== null && offset + claim.length > claim.into.length) {
      throw new Error(`FrameDecoder.expectPayload(): ${claim.length} bytes at offset ${offset} overflow a ${claim.into.length}-byte buffer`);
    }
    this.claimed = true;
    this.dataInto = claim.into;
    this.dataOffset = offset;
    this.dataLength = claim.length;
    this.dataReceived = 0;
    this.dataSum = CHECKSUM_INIT;
    this.dataChecksum = claim.checksum;
    this.dataTrailer = claim.trailer;
  }

  /** The payload being received is no longer wanted: keep consuming it, but write it nowhere. */
  abandonPayload(): void {
    this.dataInto = null;
    this.dataChecksum = false;
  }

  /** True between frames with no partial marker held: nothing would be lost by reset(). */
  get idle(): boolean {
    return this.state === State.Scan && this.markerLen === 0;
  }

  /** Drops any partial frame or payload and starts scanning afresh (the target restarted). */
  reset(): void {
    this.state = State.Scan;
    this.markerLen = 0;
    this.frame = EMPTY;
    this.eventPayload = EMPTY;
    this.dataInto = null;
    this.claimed = false;
    this.queue.length = 0;
  }

  /** End of stream: marker bytes held back waiting for more input are text after all. */
  end(): void {
    if (this.state === State.Scan && this.markerLen > 0) {
      const held = MARKER.slice(0, this.markerLen);
      this.markerLen = 0;
      this.handlers.text(held);
    }
  }

  private process(chunk: Uint8Array): void {
    const n = chunk.length;
    let pos = 0;
    while (pos < n) {
      switch (this.state) {
        case State.Scan:
          pos = this.scan(chunk, pos);
          break;
        case State.Type:
          pos = this.startFrame(chunk[pos]!, pos + 1);
          break;
        case State.Reply:
          pos = this.collect(chunk, pos, REPLY_SIZE);
          if (this.filled === REPLY_SIZE) this.completeReply();
          break;
        case State.EventHeader:
          pos = this.collect(chunk, pos, EVENT_HEADER_SIZE);
          if (this.filled === EVENT_HEADER_SIZE) this.completeEventHeader();
          break;
        case State.EventPayload:
          pos = this.collectEventPayload(chunk, pos);
          break;
        case State.EventTrailer:
          pos = this.collectTrailer(chunk, pos);
          if (this.trailerFilled === 4) this.completeEvent();
          break;
        case State.Data:
          pos = this.collectData(chunk, pos);
          break;
        case State.DataTrailer:
          pos = this.collectTrailer(chunk, pos);
          if (this.trailerFilled === 4) this.completeData();
          break;
      }
    }
  }

  /** Console text up to the next `FF 55 AA`; returns the position after the marker, or the end. */
  private scan(chunk: Uint8Array, pos: number): number {
    const n = chunk.length;
    // Marker bytes held from the previous chunk: continue the match or give them up as text.
    while (this.markerLen > 0 && pos < n) {
      if (chunk[pos] === MARKER[this.markerLen]) {
        pos++;
        if (++this.markerLen === 3) {
          this.markerLen = 0;
          this.state = State.Type;
          return pos;
        }
      } else {
        // Not a marker: the held bytes were text. The byte that broke the match is looked at
        // again below, so a second FF restarts the match (§3.2 step 1).
        const held = MARKER.slice(0, this.markerLen);
        this.markerLen = 0;
        this.handlers.text(held);
      }
    }
    const textStart = pos;
    while (pos < n) {
      const i = chunk.indexOf(0xff, pos);
      if (i < 0) break;
      if (i + 1 >= n) return this.holdMarker(chunk, textStart, i, 1);
      if (chunk[i + 1] !== 0x55) {
        pos = i + 1;
        continue;
      }
      if (i + 2 >= n) return this.holdMarker(chunk, textStart, i, 2);
      if (chunk[i + 2] !== 0xaa) {
        pos = i + 2;
        continue;
      }
      if (i > textStart) this.handlers.text(chunk.subarray(textStart, i));
      this.state = State.Type;
      return i + 3;
    }
    if (n > textStart) this.handlers.text(chunk.subarray(textStart, n));
    return n;
  }

  /** The chunk ends inside a possible marker: emit the text before it and remember the match. */
  private holdMarker(chunk: Uint8Array, textStart: number, markerStart: number, matched: number): number {
    if (markerStart > textStart) this.handlers.text(chunk.subarray(textStart, markerStart));
    this.markerLen = matched;
    return chunk.length;
  }

  private startFrame(typeByte: number, pos: number): number {
    if (typeByte === 0xff) {
      // No frame type is 0xFF (§2.1), but FF may begin the next marker: the three bytes seen so
      // far were text, and the match restarts at this FF.
      this.handlers.text(MARKER.slice());
      this.state = State.Scan;
      this.markerLen = 1;
      return pos;
    }
    const f = new Uint8Array(REPLY_SIZE);
    f[0] = 0xff;
    f[1] = 0x55;
    f[2] = 0xaa;
    f[3] = typeByte;
    this.frame = f;
    this.filled = 4;
    // Type 5 is REQ_EVENT; every other type is a 36-byte reply-format frame (the target echoes
    // even unknown type words in CSUMERR/BADCMD replies, §15 item 44).
    this.state = typeByte === EVENT_TYPE_BYTE ? State.EventHeader : State.Reply;
    return pos;
  }

  /** Copies into `frame` until it holds `size` bytes; small copies, so a plain loop. */
  private collect(chunk: Uint8Array, pos: number, size: number): number {
    const f = this.frame;
    const take = Math.min(size - this.filled, chunk.length - pos);
    let filled = this.filled;
    for (let k = 0; k < take; k++) f[filled++] = chunk[pos + k]!;
    this.filled = filled;
    return pos + take;
  }

  private completeReply(): void {
    const f = this.frame;
    const checksumOk = checksum(f, 0, 32) === u32(f, 32);
    const frame: ReplyFrame = { type: u32(f, 0), status: u32(f, 4) | 0, bytes: f, body: f.subarray(8, 32), checksumOk };
    this.state = State.Scan;
    this.frame = EMPTY;
    this.claimed = false;
    this.inReply = true;
    try {
      this.handlers.reply(frame);
    } finally {
      this.inReply = false;
    }
    if (this.claimed) {
      this.claimed = false;
      this.state = State.Data;
    } else if (!checksumOk) {
      this.rescan(f.subarray(4));
    }
  }

  private completeEventHeader(): void {
    const f = this.frame;
    const length = f[4]! | (f[5]! << 8);
    const eventType = f[6]! | (f[7]! << 8);
    if (length > this.maxEventPayload) {
      this.state = State.Scan;
      this.frame = EMPTY;
      this.handlers.eventError({ reason: 'length', eventType, length });
      this.rescan(f.slice(4, 8));
      return;
    }
    this.eventType = eventType;
    this.eventLength = length;
    this.eventFilled = 0;
    this.eventPayload = EMPTY;
    this.eventSum = this.dataChecksums ? checksumUpdate(CHECKSUM_INIT, f, 0, EVENT_HEADER_SIZE) : 0;
    this.trailerFilled = 0;
    this.state = length === 0 ? State.EventTrailer : State.EventPayload;
  }

  private collectEventPayload(chunk: Uint8Array, pos: number): number {
    const length = this.eventLength;
    const avail = chunk.length - pos;
    let end: number;
    if (this.eventFilled === 0 && avail >= length) {
      // Whole payload in this chunk: hand out a view, no copy.
      end = pos + length;
      this.eventPayload = chunk.subarray(pos, end);
      this.eventFilled = length;
    } else {
      if (this.eventFilled === 0) this.eventPayload = new Uint8Array(length);
      const take = Math.min(length - this.eventFilled, avail);
      end = pos + take;
      this.eventPayload.set(chunk.subarray(pos, end), this.eventFilled);
      this.eventFilled += take;
    }
    if (this.dataChecksums) this.eventSum = checksumUpdate(this.eventSum, chunk, pos, end);
    if (this.eventFilled === length) this.state = State.EventTrailer;
    return end;
  }

  private collectTrailer(chunk: Uint8Array, pos: number): number {
    const t = this.trailerBuf;
    while (this.trailerFilled < 4 && pos < chunk.length) t[this.trailerFilled++] = chunk[pos++]!;
    return pos;
  }

  private completeEvent(): void {
    const received = u32(this.trailerBuf, 0);
    const expected = this.dataChecksums ? checksumFinish(this.eventSum) : CHECKSUM_SENTINEL;
    const payload = this.eventPayload;
    const header = this.frame;
    this.state = State.Scan;
    this.frame = EMPTY;
    this.eventPayload = EMPTY;
    if (received === expected) {
      this.handlers.event(this.eventType, payload);
      return;
    }
    this.handlers.eventError({ reason: 'checksum', eventType: this.eventType, length: this.eventLength, expected, received });
    const again = new Uint8Array(4 + payload.length + 4);
    again.set(header.subarray(4, 8), 0);
    again.set(payload, 4);
    again.set(this.trailerBuf, 4 + payload.length);
    this.rescan(again);
  }

  private collectData(chunk: Uint8Array, pos: number): number {
    const take = Math.min(this.dataLength - this.dataReceived, chunk.length - pos);
    const end = pos + take;
    if (this.dataInto !== null) this.dataInto.set(chunk.subarray(pos, end), this.dataOffset + this.dataReceived);
    if (this.dataChecksum) this.dataSum = checksumUpdate(this.dataSum, chunk, pos, end);
    this.dataReceived += take;
    this.handlers.payloadProgress?.(this.dataReceived, this.dataLength);
    if (this.dataReceived === this.dataLength) {
      if (this.dataTrailer) {
        this.trailerFilled = 0;
        this.state = State.DataTrailer;
      } else {
        this.completeData();
      }
    }
    return end;
  }

  private completeData(): void {
    const trailerOk = this.dataTrailer ? u32(this.trailerBuf, 0) === DATA_END_SENTINEL : undefined;
    const dataChecksum = this.dataChecksum ? checksumFinish(this.dataSum) : undefined;
    this.state = State.Scan;
    this.dataInto = null;
    this.handlers.payloadEnd({ dataChecksum, trailerOk });
    // A wrong trailer most likely means payload bytes were lost, so the "trailer" is the start
    // of whatever came next: look at it again.
    if (trailerOk === false) this.rescan(this.trailerBuf.slice());
  }

  /** Scans `bytes` as if they had just arrived, before the rest of the current chunk. */
  private rescan(bytes: Uint8Array): void {
    this.state = State.Scan;
    this.markerLen = 0;
    // The rescanned bytes are shorter than the frame that held them, so this recursion cannot
    // complete another frame of the same size and stays shallow.
    this.process(bytes);
  }
}
