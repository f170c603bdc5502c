// Test helper (not a test): byte helpers shared by every test area. Imports nothing from hvdbg,
// so golden bytes built with these never pass through the code under test.

export const MiB = 1024 * 1024;

/** Bytes from hex pairs separated by any whitespace: `hex('ff 55 aa 00')`; extra whitespace is ignored. */
export const hex = (s: string): Uint8Array =>
  Uint8Array.from(
    s
      .trim()
      .split(/\s+/)
      .filter((b) => b.length > 0)
      .map((b) => parseInt(b, 16)),
  );

export const zeros = (n: number): Uint8Array => new Uint8Array(n);

export const cat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

/** The bytes of `s` (UTF-8, which for ASCII text is one byte per character). */
export const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Space-separated lower-case hex pairs, for readable byte comparisons in assertions. */
export const toHex = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');

/** `n` bytes counting up from `start`, wrapping at 256. */
export const seq = (n: number, start = 0): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (start + i) & 0xff);

/** Deterministic pseudo-random bytes (xorshift32): every byte value occurs, shifts show. */
export function pattern(sizeBytes: number, seed: number): Uint8Array {
  const out = new Uint8Array(sizeBytes);
  const words = new Uint32Array(out.buffer, 0, sizeBytes >>> 2);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  for (let i = words.length * 4; i < sizeBytes; i++) out[i] = i & 0xff;
  return out;
}

/** The little-endian u64 at `offset` of `bytes`, as P_READ64 would return it. */
export function u64At(bytes: Uint8Array, offset: number): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(offset, true);
}

/**
 * Index of the first byte where the two differ (or the shorter length), -1 when equal: a readable
 * failure instead of a multi-MiB deepEqual diff.
 */
export function firstDifference(actual: Uint8Array, expected: Uint8Array): number {
  const n = Math.min(actual.length, expected.length);
  for (let i = 0; i < n; i++) if (actual[i] !== expected[i]) return i;
  return actual.length === expected.length ? -1 : n;
}
