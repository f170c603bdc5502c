// Layer: core/uartproxy. m1n1's frame and data checksum (spec §2.5), shared by both sides.
// Hot path: every request, reply, event and (with data checksums on) every data byte passes
// through it, so it stays on plain 32-bit numbers and walks the bytes without allocating.

export const CHECKSUM_INIT = 0xdeadbeef;
const MULTIPLIER = 31337;
const FINAL_XOR = 0xaddedbad;

/**
 * Continues a running checksum state over `bytes[start, end)`. Incremental use (header, then
 * payload) equals checksumming the concatenation, as the firmware does for events.
 */
export function checksumUpdate(state: number, bytes: Uint8Array, start = 0, end = bytes.length): number {
  let s = state | 0;
  let i = start;
  // Unrolled by four: the multiply chain is serial, but fewer loop tests and bounds checks
  // measurably help V8 on multi-megabyte transfers (see test/bench).
  for (const stop = end - 3; i < stop; i += 4) {
    s = (Math.imul(s, MULTIPLIER) + (bytes[i]! ^ 0x5a)) | 0;
    s = (Math.imul(s, MULTIPLIER) + (bytes[i + 1]! ^ 0x5a)) | 0;
    s = (Math.imul(s, MULTIPLIER) + (bytes[i + 2]! ^ 0x5a)) | 0;
    s = (Math.imul(s, MULTIPLIER) + (bytes[i + 3]! ^ 0x5a)) | 0;
  }
  for (; i < end; i++) s = (Math.imul(s, MULTIPLIER) + (bytes[i]! ^ 0x5a)) | 0;
  return s >>> 0;
}

export function checksumFinish(state: number): number {
  return (state ^ FINAL_XOR) >>> 0;
}

/** The checksum of `bytes[start, end)`. */
export function checksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return checksumFinish(checksumUpdate(CHECKSUM_INIT, bytes, start, end));
}
