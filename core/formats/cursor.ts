// Layer: core/formats. A bounds-checked little-endian cursor over one section or file, for the
// DWARF and Mach-O readers: every read past the end becomes a typed FormatError naming the
// structure and the offset (as the container counts it: `base` + position), never a RangeError
// from inside DataView. Imports this folder only.

import { formatError, type FormatErrorCodeName } from './format-error.ts';

const utf8 = new TextDecoder('utf-8', { fatal: false });

export class Cursor {
  private readonly view: DataView;
  /** Position inside `bytes`. */
  pos = 0;

  constructor(
    readonly bytes: Uint8Array,
    /** Names the container in messages: `.debug_line`, `Mach-O`. */
    readonly structure: string,
    /** Error code for reads past the end. */
    readonly truncatedCode: FormatErrorCodeName,
    /** Offset of bytes[0] inside the container, so messages give container offsets. */
    readonly base = 0,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  /** The container offset of the current position (for messages). */
  get offset(): number {
    return this.base + this.pos;
  }

  need(size: number, field: string): void {
    if (size < 0 || this.pos + size > this.bytes.length) {
      throw formatError(this.truncatedCode, this.structure, this.offset, `${field} needs ${size} byte(s) but only ${Math.max(0, this.remaining)} remain`);
    }
  }

  seek(pos: number): this {
    this.pos = pos;
    return this;
  }

  skip(size: number, field: string): void {
    this.need(size, field);
    this.pos += size;
  }

  u8(field: string): number {
    this.need(1, field);
    return this.bytes[this.pos++]!;
  }

  s8(field: string): number {
    this.need(1, field);
    return this.view.getInt8(this.pos++);
  }

  u16(field: string): number {
    this.need(2, field);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u32(field: string): number {
    this.need(4, field);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  u64(field: string): bigint {
    this.need(8, field);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** An unsigned integer of `size` bytes (1, 2, 4 or 8), as DWARF addresses and offsets come. */
  uN(size: number, field: string): bigint {
    switch (size) {
      case 1:
        return BigInt(this.u8(field));
      case 2:
        return BigInt(this.u16(field));
      case 4:
        return BigInt(this.u32(field));
      case 8:
        return this.u64(field);
      default:
        this.need(size, field);
        {
          let v = 0n;
          for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(this.bytes[this.pos + i]!);
          this.pos += size;
          return v;
        }
    }
  }

  /** ULEB128 as a number; values past 2^53 (none in a sane line program) lose precision, never throw. */
  uleb(field: string): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      const b = this.u8(field);
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
    }
  }

  sleb(field: string): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      const b = this.u8(field);
      result += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) return b & 0x40 ? result - scale : result;
    }
  }

  /** ULEB128 exactly, as a bigint (DW_FORM_udata attribute values). */
  ulebBig(field: string): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.u8(field);
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) return result;
    }
  }

  /** A NUL-terminated UTF-8 string at the cursor. */
  cstring(field: string): string {
    const end = this.bytes.indexOf(0, this.pos);
    if (end < 0) throw formatError(this.truncatedCode, this.structure, this.offset, `${field} has no terminating NUL before the end`);
    const s = utf8.decode(this.bytes.subarray(this.pos, end));
    this.pos = end + 1;
    return s;
  }

  bytesOf(size: number, field: string): Uint8Array {
    this.need(size, field);
    const b = this.bytes.subarray(this.pos, this.pos + size);
    this.pos += size;
    return b;
  }
}

/** The NUL-terminated string at `offset` of a string section (.debug_str, .debug_line_str, a symtab's strings). */
export function stringAt(table: Uint8Array, offset: number, structure: string, code: FormatErrorCodeName, field: string): string {
  if (!Number.isSafeInteger(offset) || offset < 0 || offset >= table.length) {
    throw formatError(code, structure, offset, `${field}: string offset 0x${offset.toString(16)} is outside ${structure} (0x${table.length.toString(16)} bytes)`);
  }
  const end = table.indexOf(0, offset);
  if (end < 0) throw formatError(code, structure, offset, `${field}: the string has no terminating NUL inside ${structure}`);
  return utf8.decode(table.subarray(offset, end));
}
