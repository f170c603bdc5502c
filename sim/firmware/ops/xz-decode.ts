// Layer: sim/firmware/ops. An .xz stream decoded as m1n1's P_XZDEC decodes it (minilzlib's
// XzDecode, spec §6.6), the LZMA2 data itself decoded by the `xz-decompress` package
// (xz-embedded compiled to WebAssembly, no native code). Imports node:zlib (crc32) and
// xz-decompress; pure (no target memory).
//
// minilzlib accepts much less than the xz format allows, and what it accepts is checked here
// first, in its order: one stream; stream flags with check type None, CRC32, CRC64 or SHA-256
// (the check bytes are skipped, never verified: m1n1 builds it without integrity checks);
// exactly one block whose 12-byte header has no size fields, one LZMA2 filter, dictionary
// code ≤ 39 (header CRC not verified); LZMA2 properties byte 0x5D (lc 3, lp 0, pb 2) at every
// property reset; zero padding; an index of exactly one record matching the block (each
// number at most 4 VLI bytes, i.e. < 2^28); a footer with the "YZ" magic and the index size.
// Anything else — multi-threaded xz output (size fields in block headers), several blocks or
// streams, BCJ filters, an empty file — fails with all-ones, as on the Mac. Each LZMA2 chunk
// must fit the space left in the destination before it is decoded; chunks before it stay written.
// Trailing bytes after the footer are ignored. A destination of 0 asks for the size only (the
// chunk headers are summed, nothing is decoded).
//
// The LZMA2 data is then handed to the library re-wrapped as a canonical single-block stream
// with check type None and fresh header CRCs, so the library verifies exactly what minilzlib
// verifies (the LZMA2 data) and nothing it does not (checks, header CRCs).
//
// Known difference: LZMA2 control bytes 0x03–0x7F (invalid in the format) fail here; minilzlib
// would take them as uncompressed chunks. A chunk of exactly 65536 compressed bytes fails in
// both (minilzlib keeps the size in 16 bits).

import { crc32 } from 'node:zlib';
import xzDecompress from 'xz-decompress';

export const XZ_FAILED = -1n;

const MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
const CHECK_SIZES = new Map([
  [0, 0],
  [1, 4],
  [4, 8],
  [10, 32],
]);
const LZMA2_FILTER = 0x21;
const LZMA_PROPS = 3 + 0 * 9 + 2 * 45; // lc 3, lp 0, pb 2 = 0x5D
const VLI_BYTES_MAX = 4;

/** The structure of an accepted stream. */
export interface XzLayout {
  /** LZMA2 data [start, end) in the input, end marker (0x00) included. */
  readonly lzma2Start: number;
  readonly lzma2End: number;
  /** Dictionary code of the block header (for the canonical stream). */
  readonly dictCode: number;
  /** Decompressed size (sum of the chunks). */
  readonly size: number;
  /** Bytes of the input used (stream header to footer). */
  readonly consumed: number;
}

export type XzWalk =
  | { readonly ok: true; readonly layout: XzLayout }
  /** `fittingEnd`: when the failure is a chunk that does not fit, where the fitting chunks end. */
  | { readonly ok: false; readonly needMore?: boolean; readonly fittingEnd?: number; readonly lzma2Start?: number; readonly dictCode?: number };

class NeedMore {}
class Reject {}
const NEED_MORE = new NeedMore();
const REJECT = new Reject();

/**
 * Checks the container as minilzlib does. `limit` is the source size (0xFFFFFFFF when P_XZDEC
 * was given 0); `src` holds the readable bytes so far and `final` says no more exist.
 * `capacity` undefined = size-only mode (destination 0).
 */
export function walkXz(src: Uint8Array, limit: number, capacity: number | undefined, final = true): XzWalk {
  let off = 0;
  const seek = (n: number): number => {
    if (off + n > limit) throw REJECT;
    if (off + n > src.length) throw final ? REJECT : NEED_MORE;
    const at = off;
    off += n;
    return at;
  };
  const byte = (): number => src[seek(1)]!;
  const align = (): void => {
    while (off & 3) if (byte() !== 0) throw REJECT;
  };
  const vli = (): number => {
    let b = byte();
    let v = b & 0x7f;
    let shift = 7;
    while (b & 0x80) {
      b = byte();
      if (shift === 7 * VLI_BYTES_MAX || b === 0) throw REJECT;
      v = (v | ((b & 0x7f) << shift)) >>> 0;
      shift += 7;
    }
    return v;
  };
  const checkSizeOf = (at: number): number | undefined => {
    const flags = src[at]! | (src[at + 1]! << 8);
    const type = src[at + 1]! & 0x0f;
    if (flags === 0) return 0;
    return CHECK_SIZES.get(type);
  };
  let lzma2Start: number | undefined;
  let dictCode: number | undefined;
  let fittingEnd: number | undefined;
  try {
    const h = seek(12);
    for (let i = 0; i < 6; i++) if (src[h + i] !== MAGIC[i]) throw REJECT;
    const checkSize = checkSizeOf(h + 6);
    if (checkSize === undefined) throw REJECT;

    const b = seek(12);
    let size = 0;
    let unpadded = 0;
    if (src[b] === 0) {
      off -= 12; // no block: the index starts here
    } else {
      if ((src[b]! + 1) * 4 !== 12 || src[b + 1] !== 0 || src[b + 2] !== LZMA2_FILTER || src[b + 3] !== 1) throw REJECT;
      dictCode = src[b + 4]! & 0x3f;
      if (dictCode > 39) throw REJECT;
      lzma2Start = off;
      for (;;) {
        fittingEnd = off;
        const c = byte();
        if (c === 0) break;
        if (c >= 0x03 && c < 0x80) throw REJECT;
        const lzma = (c & 0x80) !== 0;
        const hdr = seek(lzma ? 4 : 2);
        const raw = (lzma ? (c & 0x1f) << 16 : 0) + (src[hdr]! << 8) + src[hdr + 1]! + 1;
        const packed = lzma ? ((src[hdr + 2]! << 8) + src[hdr + 3]! + 1) & 0xffff : 0;
        if (capacity !== undefined && size + raw > capacity) throw REJECT;
        const reset = (c >> 5) & 3;
        if (lzma && reset >= 2 && byte() !== LZMA_PROPS) throw REJECT;
        if (lzma && packed === 0) throw REJECT;
        size += raw;
        seek(lzma ? packed : raw);
      }
      fittingEnd = undefined;
      unpadded = 12 + (off - lzma2Start);
      align();
      seek(checkSize);
      unpadded += checkSize;
    }
    const indexStart = off;
    if (byte() !== 0 || vli() !== 1 || vli() !== unpadded || vli() !== size) throw REJECT;
    align();
    const indexSize = off - indexStart;
    seek(4);
    const f = seek(12);
    if (src[f + 10] !== 0x59 || src[f + 11] !== 0x5a) throw REJECT;
    if (checkSizeOf(f + 8) === undefined) throw REJECT;
    const backward = (src[f + 4]! | (src[f + 5]! << 8) | (src[f + 6]! << 16) | (src[f + 7]! << 24)) >>> 0;
    if (indexSize !== backward * 4) throw REJECT;
    if (lzma2Start === undefined || dictCode === undefined) throw REJECT; // an index claiming a block that is not there
    return { ok: true, layout: { lzma2Start, lzma2End: unpadded - checkSize - 12 + lzma2Start, dictCode, size, consumed: off } };
  } catch (e) {
    if (e === NEED_MORE) return { ok: false, needMore: true };
    if (e !== REJECT) throw e;
    return { ok: false, fittingEnd, lzma2Start, dictCode };
  }
}

function u32le(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

function encodeVli(v: number): number[] {
  const out: number[] = [];
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

/** A canonical single-block .xz stream (check None) around `lzma2` (end marker included). */
export function canonicalXz(lzma2: Uint8Array, dictCode: number, size: number): Uint8Array {
  const streamFlags = [0, 0];
  const header = [...MAGIC, ...streamFlags, ...u32le(crc32(Uint8Array.from(streamFlags)))];
  const blockHead = [2, 0, LZMA2_FILTER, 1, dictCode, 0, 0, 0];
  const block = [...blockHead, ...u32le(crc32(Uint8Array.from(blockHead)))];
  const pad = (4 - (lzma2.length % 4)) % 4;
  const index = [0, ...encodeVli(1), ...encodeVli(12 + lzma2.length), ...encodeVli(size)];
  while (index.length % 4) index.push(0);
  index.push(...u32le(crc32(Uint8Array.from(index))));
  const backward = [...u32le(index.length / 4 - 1), ...streamFlags];
  const footer = [...u32le(crc32(Uint8Array.from(backward))), ...backward, 0x59, 0x5a];
  const out = new Uint8Array(header.length + block.length + lzma2.length + pad + index.length + footer.length);
  let o = 0;
  for (const part of [header, block]) {
    out.set(part, o);
    o += part.length;
  }
  out.set(lzma2, o);
  o += lzma2.length + pad;
  out.set(index, o);
  out.set(footer, o + index.length);
  return out;
}

/** Decodes a stream with the library; on failure returns what it produced before failing. */
export async function decodeWithLibrary(stream: Uint8Array): Promise<{ ok: boolean; output: Uint8Array }> {
  const input = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(stream);
      controller.close();
    },
  });
  const reader = new xzDecompress.XzReadableStream(input).getReader();
  const chunks: Uint8Array[] = [];
  let ok = true;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
    }
  } catch {
    ok = false;
  }
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const output = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    output.set(c, o);
    o += c.length;
  }
  return { ok, output };
}

/**
 * P_XZDEC on bytes: the return value (length or all-ones) and what is written to the destination.
 * `capacity` undefined = size only (destination 0).
 */
export async function unxzLikeM1n1(
  src: Uint8Array,
  limit: number,
  capacity: number | undefined,
  final = true,
): Promise<{ retval: bigint; output: Uint8Array } | { needMore: true }> {
  const walk = walkXz(src, limit, capacity, final);
  if (!walk.ok) {
    if (walk.needMore) return { needMore: true };
    // The chunks that fitted were decoded (and written) before the one that did not.
    if (capacity !== undefined && walk.fittingEnd !== undefined && walk.lzma2Start !== undefined && walk.fittingEnd > walk.lzma2Start) {
      const data = new Uint8Array(walk.fittingEnd - walk.lzma2Start + 1);
      data.set(src.subarray(walk.lzma2Start, walk.fittingEnd));
      const partial = await decodeWithLibrary(canonicalXz(data, walk.dictCode ?? 0, 0));
      return { retval: XZ_FAILED, output: partial.output.subarray(0, capacity) };
    }
    return { retval: XZ_FAILED, output: new Uint8Array(0) };
  }
  const { layout } = walk;
  if (capacity === undefined) return { retval: BigInt(layout.size), output: new Uint8Array(0) };
  const decoded = await decodeWithLibrary(canonicalXz(src.subarray(layout.lzma2Start, layout.lzma2End), layout.dictCode, layout.size));
  if (!decoded.ok || decoded.output.length !== layout.size) return { retval: XZ_FAILED, output: decoded.output.subarray(0, capacity) };
  return { retval: BigInt(layout.size), output: decoded.output };
}
