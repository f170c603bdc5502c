// Layer: core/dcp. Dictionary serialization format 1, the tagged "OSObject" encoding of the
// *_dict property callbacks (apple-devices.md §7.9). Pure; imports this folder's errors only.
//
// Objects: 'd' u32 count + count×(key, value); 'n' u64; 's' u32 L + L bytes + NUL. No alignment.
// Key order is kept (a Map), since the trace renderer prints keys in stored order.

import { DcpCodecError } from './errors.ts';

export type Dict1Value = bigint | string | Dict1Dict;
export type Dict1Dict = Map<string, Dict1Value>;
/** What the encoder accepts: numbers may also be non-negative safe integers. */
export type Dict1Input = bigint | number | string | ReadonlyMap<string, Dict1Input>;

const TAG_DICT = 0x64; // 'd'
const TAG_NUMBER = 0x6e; // 'n'
const TAG_STRING = 0x73; // 's'
const MAX_DEPTH = 64;

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');

export function encodeDict1(value: Dict1Input): Uint8Array {
  const parts: Uint8Array[] = [];
  emit(value, parts, 0);
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function u32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v, true);
  return b;
}

function emit(value: Dict1Input, parts: Uint8Array[], depth: number): void {
  if (depth > MAX_DEPTH) throw new DcpCodecError('DCP_DICT1_BAD_VALUE', 'dictionary nests too deep');
  if (typeof value === 'string') {
    const bytes = utf8.encode(value);
    parts.push(Uint8Array.of(TAG_STRING), u32(bytes.length), bytes, Uint8Array.of(0));
  } else if (typeof value === 'bigint' || typeof value === 'number') {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      throw new DcpCodecError('DCP_DICT1_BAD_VALUE', `number ${value} is not an integer`);
    }
    const n = BigInt(value);
    if (n < 0n || n > 0xffffffffffffffffn) {
      throw new DcpCodecError('DCP_DICT1_BAD_VALUE', `number ${n} is not a u64`);
    }
    const b = new Uint8Array(9);
    b[0] = TAG_NUMBER;
    new DataView(b.buffer).setBigUint64(1, n, true);
    parts.push(b);
  } else if (value instanceof Map) {
    parts.push(Uint8Array.of(TAG_DICT), u32(value.size));
    for (const [k, v] of value as ReadonlyMap<string, Dict1Input>) {
      if (typeof k !== 'string') throw new DcpCodecError('DCP_DICT1_BAD_KEY', `key ${String(k)} is not a string`);
      emit(k, parts, depth + 1);
      emit(v, parts, depth + 1);
    }
  } else {
    throw new DcpCodecError('DCP_DICT1_BAD_VALUE', `cannot encode ${typeof value} in format 1`);
  }
}

/** Encodes into a fixed zero-padded field (the dict1[0x1000] argument type of §7.6). */
export function encodeDict1Field(value: Dict1Input, size: number): Uint8Array {
  const bytes = encodeDict1(value);
  if (bytes.length > size) {
    throw new DcpCodecError('DCP_DICT1_TOO_LARGE', `dictionary needs ${bytes.length} bytes, field holds ${size}`);
  }
  const out = new Uint8Array(size);
  out.set(bytes);
  return out;
}

export interface Dict1Decoded {
  readonly value: Dict1Value;
  /** Bytes the object occupied; the rest of a fixed field is padding. */
  readonly length: number;
}

/** Reads one object from the start of `bytes`. */
export function decodeDict1(bytes: Uint8Array): Dict1Decoded {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const need = (n: number, what: string): void => {
    if (at + n > bytes.length) {
      throw new DcpCodecError('DCP_DICT1_TRUNCATED', `${what} at offset 0x${at.toString(16)} needs ${n} bytes, ${bytes.length - at} left`);
    }
  };
  const read = (depth: number): Dict1Value => {
    if (depth > MAX_DEPTH) throw new DcpCodecError('DCP_DICT1_BAD_VALUE', 'dictionary nests too deep');
    need(1, 'tag');
    const tag = bytes[at]!;
    const tagAt = at;
    at += 1;
    switch (tag) {
      case TAG_NUMBER: {
        need(8, 'number');
        const n = view.getBigUint64(at, true);
        at += 8;
        return n;
      }
      case TAG_STRING: {
        need(4, 'string length');
        const len = view.getUint32(at, true);
        at += 4;
        need(len + 1, 'string');
        const s = utf8Decoder.decode(bytes.subarray(at, at + len));
        at += len + 1; // the NUL is not counted in L
        return s;
      }
      case TAG_DICT: {
        need(4, 'dictionary count');
        const count = view.getUint32(at, true);
        at += 4;
        // Each pair takes at least 2 × 9 bytes... a key string at least 6; refuse early.
        if (count * 2 > bytes.length - at) need(count * 2, 'dictionary');
        const map: Dict1Dict = new Map();
        for (let i = 0; i < count; i++) {
          const keyAt = at;
          const key = read(depth + 1);
          if (typeof key !== 'string') {
            throw new DcpCodecError('DCP_DICT1_BAD_KEY', `dictionary key at offset 0x${keyAt.toString(16)} is not a string`);
          }
          map.set(key, read(depth + 1));
        }
        return map;
      }
      default:
        throw new DcpCodecError(
          'DCP_DICT1_UNKNOWN_TAG',
          `unknown tag 0x${tag.toString(16).padStart(2, '0')} at offset 0x${tagAt.toString(16)}`,
        );
    }
  };
  const value = read(0);
  return { value, length: at };
}
