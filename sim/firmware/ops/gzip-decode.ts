// Layer: sim/firmware/ops. A gzip member decoded with the checks, order and results of m1n1's
// tinf (`tinf_gzip_uncompress`, behind P_GZDEC, spec §6.6), the deflate data itself inflated by
// node:zlib. Imports node:zlib only; pure (no target memory).
//
// tinf's contract, as the op sees it:
// - sizes are 32-bit; a source size of 0 means "unknown": no bounds checks, the stream ends
//   where the deflate data ends (then the 8-byte trailer follows);
// - results: 0 (TINF_OK), −3 (TINF_DATA_ERROR: bad header, corrupt or truncated data, trailing
//   bytes, wrong ISIZE or CRC, and also output that does not fit mid-stream), −5
//   (TINF_BUF_ERROR: only when the trailer's ISIZE, read before inflating, exceeds the capacity);
// - output is written to the destination as it is produced, so a failure during or after
//   inflating leaves what was decoded in the destination.

import { constants as zc, crc32, inflateRawSync } from 'node:zlib';

export const TINF_OK = 0;
export const TINF_DATA_ERROR = -3;
export const TINF_BUF_ERROR = -5;

const FHCRC = 2;
const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;
const FRESERVED = 0xe0;
/** Smallest member tinf accepts when the size is known: 10-byte header + 8-byte trailer. */
const MIN_MEMBER = 18;

export type GzipResult =
  | { readonly code: 0 | -3 | -5; readonly output: Uint8Array; readonly length: number }
  /** Source size unknown and `src` ended before the member did: call again with more bytes. */
  | { readonly needMore: true };

type InflateOutcome =
  | { readonly kind: 'ok'; readonly output: Uint8Array; readonly consumed: number }
  | { readonly kind: 'truncated' | 'corrupt' | 'overflow' };

const le16 = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8);
const le32 = (b: Uint8Array, o: number) => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;

function inflate(input: Uint8Array, capacity: number): InflateOutcome {
  try {
    // maxOutputLength must be ≥ 1; capacity 0 is checked on the result.
    const r = inflateRawSync(input, { info: true, maxOutputLength: Math.max(1, capacity) }) as unknown as {
      buffer: Buffer;
      engine: { bytesWritten: number };
    };
    if (r.buffer.length > capacity) return { kind: 'overflow' };
    return { kind: 'ok', output: new Uint8Array(r.buffer.buffer, r.buffer.byteOffset, r.buffer.length), consumed: r.engine.bytesWritten };
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') return { kind: 'overflow' };
    if (code === 'Z_BUF_ERROR') return { kind: 'truncated' };
    return { kind: 'corrupt' };
  }
}

/**
 * What the decoder had written when it stopped: the output of the longest input prefix that
 * inflates without error within the capacity (a binary search; only on the failure path).
 * tinf writes symbol by symbol, so this matches it to within the last symbol before the stop.
 */
function partialOutput(input: Uint8Array, capacity: number): Uint8Array {
  const attempt = (n: number): Buffer | undefined => {
    try {
      const out = inflateRawSync(input.subarray(0, n), { finishFlush: zc.Z_SYNC_FLUSH, maxOutputLength: capacity + 1 });
      return out.length <= capacity ? out : undefined;
    } catch {
      return undefined;
    }
  };
  let lo = 0;
  let hi = input.length;
  let best: Uint8Array = new Uint8Array(0);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const out = attempt(mid);
    if (out) {
      best = out;
      lo = mid;
    } else hi = mid - 1;
  }
  return best;
}

const fail = (code: -3 | -5, output: Uint8Array = new Uint8Array(0)): GzipResult => ({ code, output, length: 0 });

/**
 * Decodes the gzip member at the start of `src`. `sourceSize` is P_GZDEC's a1 as 32 bits (0 =
 * unknown; then `src` holds the readable bytes so far and `final` says no more can be read);
 * `capacity` is a3 as 32 bits. `output` is what the op writes to the destination.
 */
export function gunzipLikeTinf(src: Uint8Array, sourceSize: number, capacity: number, final = true): GzipResult {
  const known = sourceSize !== 0;
  if (known && sourceSize < MIN_MEMBER) return fail(TINF_DATA_ERROR);
  // With an unknown size tinf reads on regardless; here the bytes may end: ask for more, or fail
  // as tinf's bit reader does when it runs dry.
  const short = (need: number): GzipResult | undefined => (!known && src.length < need ? (final ? fail(TINF_DATA_ERROR) : { needMore: true }) : undefined);
  let r = short(10);
  if (r) return r;
  if (src[0] !== 0x1f || src[1] !== 0x8b || src[2] !== 8) return fail(TINF_DATA_ERROR);
  const flg = src[3]!;
  if (flg & FRESERVED) return fail(TINF_DATA_ERROR);
  let pos = 10;
  if (flg & FEXTRA) {
    if ((r = short(pos + 2))) return r;
    const xlen = le16(src, pos);
    if (known && xlen > sourceSize - 12) return fail(TINF_DATA_ERROR);
    pos += xlen + 2;
  }
  for (const flag of [FNAME, FCOMMENT]) {
    if (!(flg & flag)) continue;
    for (;;) {
      if (known && pos >= sourceSize) return fail(TINF_DATA_ERROR);
      if ((r = short(pos + 1))) return r;
      if (src[pos++] === 0) break;
    }
  }
  if (flg & FHCRC) {
    if (known && pos > sourceSize - 2) return fail(TINF_DATA_ERROR);
    if ((r = short(pos + 2))) return r;
    if (le16(src, pos) !== (crc32(src.subarray(0, pos)) & 0xffff)) return fail(TINF_DATA_ERROR);
    pos += 2;
  }
  if (known) {
    // ISIZE is checked against the capacity before anything is inflated.
    if (le32(src, sourceSize - 4) > capacity) return fail(TINF_BUF_ERROR);
    if (sourceSize - pos < 8) return fail(TINF_DATA_ERROR);
  }
  const input = known ? src.subarray(pos, sourceSize - 8) : src.subarray(pos);
  const res = inflate(input, capacity);
  if (res.kind !== 'ok') {
    if (res.kind === 'truncated' && !known && !final) return { needMore: true };
    return fail(TINF_DATA_ERROR, partialOutput(input, capacity));
  }
  const { output, consumed } = res;
  // Known size: the deflate data must end exactly where the trailer starts.
  if (known && consumed !== input.length) return fail(TINF_DATA_ERROR, output);
  const end = pos + consumed + 8;
  if (!known && src.length < end) return final ? fail(TINF_DATA_ERROR, output) : { needMore: true };
  if (le32(src, end - 4) !== output.length) return fail(TINF_DATA_ERROR, output);
  if (le32(src, end - 8) !== crc32(output) >>> 0) return fail(TINF_DATA_ERROR, output);
  return { code: TINF_OK, output, length: output.length };
}
