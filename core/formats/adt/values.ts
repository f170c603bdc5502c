// Layer: core/formats. Encoders and decoders for ADT property values (spec m1n1-protocol §8.4,
// apple-devices §9.1): little-endian u32/u64, NUL-terminated strings, string lists, and
// multi-cell numbers. Pure byte work; imports nothing from hvdbg.

const latin1 = new TextDecoder('latin1');

/** The value bytes of a u32. */
export function encodeU32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value >>> 0, true);
  return out;
}

/** Back-to-back little-endian u32s (`interrupts`, `reg` with 1-cell fields). */
export function encodeU32Array(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setUint32(i * 4, v >>> 0, true));
  return out;
}

/** Back-to-back little-endian u64s (2-cell `reg`/`ranges` fields, `cpu-impl-reg`, memory-map pairs). */
export function encodeU64Array(values: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setBigUint64(i * 8, BigInt.asUintN(64, v), true));
  return out;
}

export function encodeU64(value: bigint): Uint8Array {
  return encodeU64Array([value]);
}

/** A NUL-terminated ASCII string (§8.4). */
export function encodeString(value: string): Uint8Array {
  return encodeStringList([value]);
}

/** Concatenated NUL-terminated strings (`compatible`, §8.4). */
export function encodeStringList(values: readonly string[]): Uint8Array {
  const total = values.reduce((n, s) => n + s.length + 1, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const s of values) {
    for (let i = 0; i < s.length; i++) out[at++] = s.charCodeAt(i) & 0xff;
    out[at++] = 0;
  }
  return out;
}

/** Joins byte arrays (records built field by field). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * A string value: the bytes up to the first NUL. A value without a NUL is taken whole: the
 * reader is lenient so a debugger can still show an odd real tree (only node names are strict).
 */
export function decodeString(value: Uint8Array): string {
  const nul = value.indexOf(0);
  return latin1.decode(nul < 0 ? value : value.subarray(0, nul));
}

/** A string list: every NUL-terminated piece; a trailing piece without NUL counts too. */
export function decodeStringList(value: Uint8Array): string[] {
  const out: string[] = [];
  let start = 0;
  while (start < value.length) {
    let end = value.indexOf(0, start);
    if (end < 0) end = value.length;
    out.push(latin1.decode(value.subarray(start, end)));
    start = end + 1;
  }
  return out;
}

/** Whether `value` looks like one or more printable NUL-terminated strings (for the dump). */
export function looksLikeStrings(value: Uint8Array): boolean {
  if (value.length === 0 || value[value.length - 1] !== 0 || value[0] === 0) return false;
  for (let i = 0; i < value.length; i++) {
    const b = value[i]!;
    if (b === 0) {
      if (i + 1 < value.length && value[i + 1] === 0) return false;
    } else if (b < 0x20 || b > 0x7e) {
      return false;
    }
  }
  return true;
}

/**
 * A number of `cells` 32-bit cells at `offset` (§8.4): cell 0 is the low 32 bits, so 2 cells are a
 * little-endian u64. Special case from the m1n1 Python host: a 3-cell PCI bus address [c0,c1,c2] is
 * `c0 << 64 | c2 << 32 | c1`.
 */
export function readCells(view: DataView, offset: number, cells: number): bigint {
  const cell = (i: number): bigint => BigInt(view.getUint32(offset + i * 4, true));
  if (cells === 3) return (cell(0) << 64n) | (cell(2) << 32n) | cell(1);
  let value = 0n;
  for (let i = cells - 1; i >= 0; i--) value = (value << 32n) | cell(i);
  return value;
}

/** The inverse of readCells (same cell order, same 3-cell special case). */
export function writeCells(view: DataView, offset: number, cells: number, value: bigint): void {
  const put = (i: number, v: bigint): void => view.setUint32(offset + i * 4, Number(BigInt.asUintN(32, v)), true);
  if (cells === 3) {
    put(0, value >> 64n);
    put(1, value);
    put(2, value >> 32n);
    return;
  }
  for (let i = 0; i < cells; i++) put(i, value >> BigInt(32 * i));
}

/** Records of fields given in cells (`reg`, `ranges`), encoded back to back. */
export function encodeCellRecords(fieldCells: readonly number[], records: readonly (readonly bigint[])[]): Uint8Array {
  const recordBytes = fieldCells.reduce((n, c) => n + c * 4, 0);
  const out = new Uint8Array(recordBytes * records.length);
  const view = new DataView(out.buffer);
  records.forEach((record, r) => {
    let at = r * recordBytes;
    fieldCells.forEach((cells, f) => {
      writeCells(view, at, cells, record[f] ?? 0n);
      at += cells * 4;
    });
  });
  return out;
}

/** Lowercase hex of bytes, space-separated every 4 bytes (the dump's fallback). */
export function hexBytes(value: Uint8Array, maxBytes = 64): string {
  const parts: string[] = [];
  const shown = Math.min(value.length, maxBytes);
  for (let i = 0; i < shown; i += 4) {
    parts.push(Array.from(value.subarray(i, Math.min(i + 4, shown)), (b) => b.toString(16).padStart(2, '0')).join(''));
  }
  const more = value.length > shown ? ` … (${value.length} bytes)` : '';
  return parts.join(' ') + more;
}
