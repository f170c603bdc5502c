// Layer: core/formats. The arm64 Linux kernel Image (arch/arm64/boot/Image, Image.gz): its
// 64-byte header as Documentation/arch/arm64/booting.rst defines it, and how it is placed:
// at text_offset above a 2 MiB-aligned base, image_size bytes (BSS included) reserved, entered
// at its first byte with x0 = the device tree's physical address. Imports ./format-error.ts and
// node:zlib (Image.gz).

import { gunzipSync } from 'node:zlib';
import { FormatError, FormatErrorCode, formatError } from './format-error.ts';

/** "ARM\x64" read as a little-endian u32 at offset 0x38. */
export const ARM64_IMAGE_MAGIC = 0x644d5241;
export const IMAGE_HEADER_SIZE = 64;
/** Where the magic sits. */
export const MAGIC_OFFSET = 0x38;
/** The kernel must be loaded text_offset bytes above a base aligned to this (booting.rst §4). */
export const IMAGE_BASE_ALIGN = 0x200000n;
/** Pre-3.17 kernels (image_size 0) assume this text_offset. */
export const LEGACY_TEXT_OFFSET = 0x80000n;

export const IMAGE_PAGE_SIZES: Readonly<Record<number, number | undefined>> = { 0: undefined, 1: 4096, 2: 16384, 3: 65536 };

export interface LinuxImageHeader {
  readonly code0: number;
  readonly code1: number;
  /** Load offset above the 2 MiB-aligned base. */
  readonly textOffset: bigint;
  /** Effective size including BSS; 0 on kernels before 3.17 (then the file size stands in). */
  readonly imageSize: bigint;
  readonly flags: bigint;
  /** flags bit 0: kernel endianness. */
  readonly bigEndian: boolean;
  /** flags bits 1–2: kernel page size, undefined when "unspecified". */
  readonly pageSize: number | undefined;
  /** flags bit 3: true = the image may sit anywhere in physical memory; false = 2 MiB-aligned near the start of DRAM. */
  readonly placeAnywhere: boolean;
  /** res5: offset of the PE header when the kernel is also an EFI application (EFI_STUB), else 0. */
  readonly peOffset: number;
  /** True for a pre-3.17 header (image_size 0): text_offset is taken as 0x80000 whatever the header says. */
  readonly legacy: boolean;
}

export interface LinuxImage {
  readonly header: LinuxImageHeader;
  /** The uncompressed Image. */
  readonly bytes: Uint8Array;
  readonly gzipped: boolean;
  /** Bytes to reserve from the load address: image_size, or the file's size for a legacy header. */
  readonly memSize: bigint;
}

export const isGzip = (bytes: Uint8Array) => bytes.length >= 3 && bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 0x08;

/** Inflates gzip data, FormatError GZIP_CORRUPT (naming `what`) when it does not inflate. */
export function gunzip(bytes: Uint8Array, what: string): Uint8Array {
  try {
    return new Uint8Array(gunzipSync(bytes));
  } catch (cause) {
    throw new FormatError(FormatErrorCode.GZIP_CORRUPT, `${what} is gzip-compressed but does not inflate: ${(cause as Error).message}`, { structure: what }, { cause });
  }
}

/** Reads the header; throws LINUX_IMAGE_TRUNCATED / _BAD_MAGIC when `bytes` is not an arm64 Image. */
export function readLinuxImageHeader(bytes: Uint8Array): LinuxImageHeader {
  if (bytes.length < IMAGE_HEADER_SIZE) {
    throw formatError(FormatErrorCode.LINUX_IMAGE_TRUNCATED, 'arm64 Image header', 0, `the 64-byte header needs 64 bytes, the file has ${bytes.length}`);
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = v.getUint32(MAGIC_OFFSET, true);
  if (magic !== ARM64_IMAGE_MAGIC) {
    throw formatError(FormatErrorCode.LINUX_IMAGE_BAD_MAGIC, 'arm64 Image header', MAGIC_OFFSET, `magic 0x${magic.toString(16).padStart(8, '0')} is not "ARM\\x64" (0x644d5241)`);
  }
  const imageSize = v.getBigUint64(16, true);
  const flags = v.getBigUint64(24, true);
  const legacy = imageSize === 0n;
  return {
    code0: v.getUint32(0, true),
    code1: v.getUint32(4, true),
    textOffset: legacy ? LEGACY_TEXT_OFFSET : v.getBigUint64(8, true),
    imageSize,
    flags,
    // booting.rst: flags are only meaningful when image_size is non-zero.
    bigEndian: !legacy && (flags & 1n) !== 0n,
    pageSize: legacy ? undefined : IMAGE_PAGE_SIZES[Number((flags >> 1n) & 3n)],
    placeAnywhere: !legacy && (flags & 8n) !== 0n,
    peOffset: v.getUint32(0x3c, true),
    legacy,
  };
}

/** Parses an Image or Image.gz; refuses a big-endian kernel and an image_size smaller than the file. */
export function parseLinuxImage(input: Uint8Array): LinuxImage {
  const gzipped = isGzip(input);
  const bytes = gzipped ? gunzip(input, 'the Linux Image') : input;
  const header = readLinuxImageHeader(bytes);
  if (header.bigEndian) throw formatError(FormatErrorCode.LINUX_IMAGE_UNSUPPORTED, 'arm64 Image header', 24, 'flags bit 0 says the kernel is big-endian; the guest CPU runs little-endian');
  if (!header.legacy && header.imageSize < BigInt(bytes.length)) {
    throw formatError(FormatErrorCode.LINUX_IMAGE_UNSUPPORTED, 'arm64 Image header', 16, `image_size 0x${header.imageSize.toString(16)} is smaller than the Image itself (0x${bytes.length.toString(16)} bytes)`);
  }
  return { header, bytes, gzipped, memSize: header.legacy ? BigInt(bytes.length) : header.imageSize };
}
