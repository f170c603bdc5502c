// Layer: core/uartproxy. Builds the 64-byte host→target request frames of §2.2. Imports this
// folder's constants, checksum and errors only.
//
// A request is type word (4) + body (56, seven u64 words, unused = 0) + checksum of the first
// 60 bytes (4). The free functions allocate a fresh frame; `RequestWriter` carves frames out of
// a slab for the client's hot path. Frames handed to a transport are never reused (a transport
// may keep a reference until the bytes are on the wire), so the slab only moves forward.

import { checksum } from './checksum.ts';
import { FrameType, REQUEST_SIZE } from './constants.ts';
import { UartProxyError } from './errors.ts';

/** Number of u64 words in a request body (§2.2). */
export const REQUEST_BODY_WORDS = 7;
/** REQ_PROXY carries the opcode and at most six arguments (§2.2, §6). */
export const MAX_PROXY_ARGS = 6;

const U64_MAX = (1n << 64n) - 1n;
const S64_MIN = -(1n << 63n);

function u64(value: bigint, what: string): bigint {
  if (value > U64_MAX || value < S64_MIN) {
    throw new UartProxyError('UARTPROXY_BAD_ARGUMENT', `${what} ${value} does not fit in 64 bits`);
  }
  // Negative values travel as two's complement (§0: s64 fields).
  return value < 0n ? BigInt.asUintN(64, value) : value;
}

/**
 * Writes one request frame into `out` at `offset` (64 bytes) and returns the 64-byte view.
 * `words` are the body's u64 words at frame offsets 0x04, 0x0C, … (at most 7; missing = 0).
 */
export function encodeRequestInto(
  out: Uint8Array,
  offset: number,
  view: DataView,
  type: number,
  words: readonly bigint[],
): Uint8Array {
  if (words.length > REQUEST_BODY_WORDS) {
    throw new UartProxyError('UARTPROXY_BAD_ARGUMENT', `a request body holds ${REQUEST_BODY_WORDS} words, got ${words.length}`);
  }
  const frame = out.subarray(offset, offset + REQUEST_SIZE);
  frame.fill(0);
  view.setUint32(offset, type >>> 0, true);
  for (let i = 0; i < words.length; i++) view.setBigUint64(offset + 4 + 8 * i, u64(words[i]!, `body word ${i}`), true);
  view.setUint32(offset + 60, checksum(frame, 0, 60), true);
  return frame;
}

/** A fresh 64-byte request frame of `type` with the given body words (§2.2). */
export function encodeRequest(type: number, words: readonly bigint[] = []): Uint8Array {
  const out = new Uint8Array(REQUEST_SIZE);
  return encodeRequestInto(out, 0, new DataView(out.buffer), type, words);
}

/** REQ_NOP asking for `features` (§4.1, §2.6). */
export function encodeNop(features: bigint): Uint8Array {
  return encodeRequest(FrameType.REQ_NOP, [features]);
}

/** REQ_PROXY for `opcode` with up to six arguments; missing ones are 0, negative ones two's complement (§4.2). */
export function encodeProxy(opcode: number, args: readonly bigint[] = []): Uint8Array {
  return encodeRequest(FrameType.REQ_PROXY, proxyWords(opcode, args));
}

/** REQ_MEMREAD of `size` bytes at `addr` (§4.3). */
export function encodeMemRead(addr: bigint, size: number): Uint8Array {
  return encodeRequest(FrameType.REQ_MEMREAD, [addr, sizeWord(size)]);
}

/**
 * REQ_MEMWRITE of `size` bytes at `addr` (§4.4). `dataChecksum` is the checksum of the data, or
 * CHECKSUM_SENTINEL when data checksums are disabled; it is a u32 at frame offset 0x14.
 */
export function encodeMemWrite(addr: bigint, size: number, dataChecksum: number): Uint8Array {
  return encodeRequest(FrameType.REQ_MEMWRITE, [addr, sizeWord(size), BigInt(dataChecksum >>> 0)]);
}

function proxyWords(opcode: number, args: readonly bigint[]): bigint[] {
  if (args.length > MAX_PROXY_ARGS) {
    throw new UartProxyError('UARTPROXY_BAD_ARGUMENT', `REQ_PROXY takes at most ${MAX_PROXY_ARGS} arguments, got ${args.length}`);
  }
  if (!Number.isInteger(opcode) || opcode < 0) {
    throw new UartProxyError('UARTPROXY_BAD_ARGUMENT', `proxy opcode ${opcode} is not a non-negative integer`);
  }
  return [BigInt(opcode), ...args];
}

function sizeWord(size: number): bigint {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new UartProxyError('UARTPROXY_BAD_ARGUMENT', `size ${size} is not a non-negative integer`);
  }
  return BigInt(size);
}

const SLAB_BYTES = 64 * 1024;

/**
 * Hands out request frames from 64 KiB slabs: one allocation per 1024 requests instead of one
 * per request, and one DataView per slab. Frames are never overwritten once handed out.
 */
export class RequestWriter {
  private slab = new Uint8Array(SLAB_BYTES);
  private view = new DataView(this.slab.buffer);
  private used = 0;

  private next(type: number, words: readonly bigint[]): Uint8Array {
    if (this.used + REQUEST_SIZE > SLAB_BYTES) {
      this.slab = new Uint8Array(SLAB_BYTES);
      this.view = new DataView(this.slab.buffer);
      this.used = 0;
    }
    const frame = encodeRequestInto(this.slab, this.used, this.view, type, words);
    this.used += REQUEST_SIZE;
    return frame;
  }

  nop(features: bigint): Uint8Array {
    return this.next(FrameType.REQ_NOP, [features]);
  }

  proxy(opcode: number, args: readonly bigint[]): Uint8Array {
    return this.next(FrameType.REQ_PROXY, proxyWords(opcode, args));
  }

  memRead(addr: bigint, size: number): Uint8Array {
    return this.next(FrameType.REQ_MEMREAD, [addr, sizeWord(size)]);
  }

  memWrite(addr: bigint, size: number, dataChecksum: number): Uint8Array {
    return this.next(FrameType.REQ_MEMWRITE, [addr, sizeWord(size), BigInt(dataChecksum >>> 0)]);
  }
}
