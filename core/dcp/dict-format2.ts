// Layer: core/dcp. Serialization format 2, XNU's binary OSSerialize with signature 0xd3, used
// for the DCPAV property blobs (apple-devices.md §7.10, §7.11). Pure; imports this folder only.
//
// Every object starts 4-aligned with a u32 tag: LAST [31], TYPE [28:24], SIZE/COUNT [23:0].

import { DcpCodecError } from './errors.ts';

export type OsValue = boolean | bigint | string | Uint8Array | OsValue[] | OsDict;
export type OsDict = Map<string, OsValue>;
/** Encoder input: numbers may also be safe integers (emitted as 64-bit numbers). */
export type OsInput = boolean | bigint | number | string | Uint8Array | readonly OsInput[] | ReadonlyMap<string, OsInput>;

export const OSS_SIGNATURE = 0xd3;
export const OssType = { DICT: 1, ARRAY: 2, NUMBER: 4, STRING: 9, DATA: 10, BOOL: 11 } as const;
const LAST = 0x80000000;
const MAX_COUNT = 0xffffff;
const MAX_DEPTH = 64;

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');

class Writer {
  private buf = new Uint8Array(256);
  length = 0;

  private grow(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  u32(v: number): void {
    this.grow(4);
    new DataView(this.buf.buffer).setUint32(this.length, v >>> 0, true);
    this.length += 4;
  }

  u64(v: bigint): void {
    this.grow(8);
    new DataView(this.buf.buffer).setBigUint64(this.length, v, true);
    this.length += 8;
  }

  bytes(b: Uint8Array): void {
    this.grow(b.length + 3);
    this.buf.set(b, this.length);
    this.length += b.length;
    // Zero padding to the next multiple of 4 (§7.10); the buffer is zero already.
    this.length = (this.length + 3) & ~3;
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

function tagWord(type: number, size: number, last: boolean): number {
  if (size > MAX_COUNT) throw new DcpCodecError('DCP_OSS_BAD_VALUE', `size ${size} does not fit 24 bits`);
  return ((last ? LAST : 0) | (type << 24) | size) >>> 0;
}

function emit(w: Writer, value: OsInput, last: boolean, depth: number): void {
  if (depth > MAX_DEPTH) throw new DcpCodecError('DCP_OSS_TOO_DEEP', 'value nests too deep');
  // Booleans before integers (§7.10: m1n1's encoder gets this wrong).
  if (typeof value === 'boolean') {
    w.u32(tagWord(OssType.BOOL, value ? 1 : 0, last));
  } else if (typeof value === 'bigint' || typeof value === 'number') {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      throw new DcpCodecError('DCP_OSS_BAD_VALUE', `number ${value} is not an integer`);
    }
    const n = BigInt(value);
    if (n < -(1n << 63n) || n > 0xffffffffffffffffn) throw new DcpCodecError('DCP_OSS_BAD_VALUE', `number ${n} does not fit 64 bits`);
    w.u32(tagWord(OssType.NUMBER, 64, last));
    w.u64(BigInt.asUintN(64, n));
  } else if (typeof value === 'string') {
    const b = utf8.encode(value);
    w.u32(tagWord(OssType.STRING, b.length, last));
    w.bytes(b);
  } else if (value instanceof Uint8Array) {
    w.u32(tagWord(OssType.DATA, value.length, last));
    w.bytes(value);
  } else if (Array.isArray(value)) {
    const arr = value as readonly OsInput[];
    w.u32(tagWord(OssType.ARRAY, arr.length, last));
    arr.forEach((el, i) => emit(w, el, i === arr.length - 1, depth + 1));
  } else if (value instanceof Map) {
    const map = value as ReadonlyMap<string, OsInput>;
    w.u32(tagWord(OssType.DICT, map.size, last));
    let i = 0;
    for (const [k, v] of map) {
      if (typeof k !== 'string') throw new DcpCodecError('DCP_OSS_BAD_KEY', `key ${String(k)} is not a string`);
      emit(w, k, false, depth + 1); // keys never carry LAST
      emit(w, v, i === map.size - 1, depth + 1);
      i++;
    }
  } else {
    throw new DcpCodecError('DCP_OSS_BAD_VALUE', `cannot encode ${typeof value} in format 2`);
  }
}

export function encodeOsSerialize(value: OsInput): Uint8Array {
  const w = new Writer();
  w.u32(OSS_SIGNATURE);
  emit(w, value, true, 0);
  return w.result();
}

export function decodeOsSerialize(blob: Uint8Array): OsValue {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  if (blob.length < 4 || view.getUint32(0, true) !== OSS_SIGNATURE) {
    throw new DcpCodecError('DCP_OSS_BAD_SIGNATURE', blob.length < 4 ? `blob of ${blob.length} bytes has no signature` : `signature 0x${view.getUint32(0, true).toString(16)} is not 0xd3`);
  }
  let at = 4;
  const need = (n: number, what: string): void => {
    if (at + n > blob.length) {
      throw new DcpCodecError('DCP_OSS_TRUNCATED', `${what} at offset 0x${at.toString(16)} needs ${n} bytes, ${blob.length - at} left`);
    }
  };
  const align = (): void => {
    at = Math.min((at + 3) & ~3, blob.length); // a final object may end unpadded
  };
  const read = (expectLast: boolean, depth: number, isKey: boolean): OsValue => {
    if (depth > MAX_DEPTH) throw new DcpCodecError('DCP_OSS_TOO_DEEP', `collections nest deeper than ${MAX_DEPTH}`);
    need(4, 'object tag');
    const tagAt = at;
    const tag = view.getUint32(at, true);
    at += 4;
    const last = (tag & LAST) !== 0;
    const type = (tag >>> 24) & 0x1f; // m1n1 masks 5 bits (§7.10)
    const size = tag & MAX_COUNT;
    if (last !== expectLast) {
      throw new DcpCodecError('DCP_OSS_BAD_LAST', `object at 0x${tagAt.toString(16)} has LAST=${last ? 1 : 0}, expected ${expectLast ? 1 : 0}`);
    }
    if (isKey && type !== OssType.STRING) {
      throw new DcpCodecError('DCP_OSS_BAD_KEY', `dictionary key at 0x${tagAt.toString(16)} has type ${type}, not 9 (string)`);
    }
    switch (type) {
      case OssType.BOOL:
        return size !== 0;
      case OssType.NUMBER: {
        need(8, 'number'); // the decoder always reads 8 bytes, whatever the width says
        const n = view.getBigUint64(at, true);
        at += 8;
        return n;
      }
      case OssType.STRING:
      case OssType.DATA: {
        need(size, type === OssType.STRING ? 'string' : 'data');
        const bytes = blob.slice(at, at + size);
        at += size;
        align();
        return type === OssType.STRING ? utf8Decoder.decode(bytes) : bytes;
      }
      case OssType.ARRAY: {
        if (size * 4 > blob.length - at) need(size * 4, 'array');
        const arr: OsValue[] = [];
        for (let i = 0; i < size; i++) arr.push(read(i === size - 1, depth + 1, false));
        return arr;
      }
      case OssType.DICT: {
        if (size * 8 > blob.length - at) need(size * 8, 'dictionary');
        const map: OsDict = new Map();
        for (let i = 0; i < size; i++) {
          const key = read(false, depth + 1, true) as string;
          map.set(key, read(i === size - 1, depth + 1, false));
        }
        return map;
      }
      default:
        throw new DcpCodecError('DCP_OSS_UNKNOWN_TYPE', `object at 0x${tagAt.toString(16)} has type ${type}`);
    }
  };
  const value = read(true, 0, false);
  for (let i = at; i < blob.length; i++) {
    if (blob[i] !== 0) throw new DcpCodecError('DCP_OSS_TRAILING', `non-zero byte at 0x${i.toString(16)} after the top-level object`);
  }
  return value;
}
