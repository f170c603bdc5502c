// Layer: core/formats. Bounds-checked little-endian reads over an ELF image: every read says
// which field it is for, so running off the end becomes a typed ElfError naming that field
// instead of a RangeError from inside DataView. Imports this folder only.

import { ElfErrorCode, malformed } from './errors.ts';

const textDecoder = new TextDecoder('utf-8', { fatal: false });

export class ByteReader {
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  private need(offset: number, size: number, field: string): void {
    if (offset < 0 || offset + size > this.bytes.length) {
      throw malformed(ElfErrorCode.TRUNCATED, field, offset, `needs ${size} byte(s) but the file is ${this.bytes.length} bytes long`);
    }
  }

  u8(offset: number, field: string): number {
    this.need(offset, 1, field);
    return this.bytes[offset]!;
  }

  u16(offset: number, field: string): number {
    this.need(offset, 2, field);
    return this.view.getUint16(offset, true);
  }

  u32(offset: number, field: string): number {
    this.need(offset, 4, field);
    return this.view.getUint32(offset, true);
  }

  u64(offset: number, field: string): bigint {
    this.need(offset, 8, field);
    return this.view.getBigUint64(offset, true);
  }

  /**
   * Checks that `size` bytes from `offset` (both as the file states them, 64-bit) lie inside
   * the file and returns the offset as a number. `fieldOffset` is where the offset field itself
   * sits, for the message.
   */
  span(offset: bigint, size: bigint, field: string, fieldOffset: number): number {
    const end = offset + size;
    if (end > BigInt(this.bytes.length)) {
      throw malformed(
        ElfErrorCode.OUT_OF_RANGE,
        field,
        fieldOffset,
        `bytes 0x${offset.toString(16)}..0x${end.toString(16)} reach past the end of the file (0x${this.bytes.length.toString(16)} bytes)`,
      );
    }
    return Number(offset);
  }

  /** The NUL-terminated string at `index` inside the table at [start, start+size). */
  cstring(start: number, size: number, index: number, field: string, fieldOffset: number): string {
    if (index >= size) {
      throw malformed(ElfErrorCode.BAD_STRING, field, fieldOffset, `name offset 0x${index.toString(16)} is outside its string table (0x${size.toString(16)} bytes)`);
    }
    const end = this.bytes.indexOf(0, start + index);
    if (end < 0 || end >= start + size) {
      throw malformed(ElfErrorCode.BAD_STRING, field, fieldOffset, `name at string table offset 0x${index.toString(16)} has no terminating NUL inside the table`);
    }
    return textDecoder.decode(this.bytes.subarray(start + index, end));
  }
}
