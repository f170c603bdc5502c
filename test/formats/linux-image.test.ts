// The arm64 Linux Image header, built here byte by byte from the layout in the kernel's
// Documentation/arch/arm64/booting.rst ("Call the kernel image"):
//   0x00 u32 code0, 0x04 u32 code1, 0x08 u64 text_offset, 0x10 u64 image_size, 0x18 u64 flags,
//   0x20 u64 res2, 0x28 u64 res3, 0x30 u64 res4, 0x38 u32 magic "ARM\x64", 0x3c u32 res5 (PE offset);
//   flags bit 0 = big-endian, bits 1-2 = page size (1: 4K, 2: 16K, 3: 64K), bit 3 = place anywhere;
//   image_size 0 = a pre-3.17 kernel (text_offset 0x80000 assumed, flags meaningless).
// Plain and gzip-compressed (node:zlib's gzip, as `gzip -9` makes Image.gz), and the errors for
// files that are not Images.
import test from 'ava';
import { gzipSync } from 'node:zlib';
import { FormatError } from '../../core/formats/format-error.ts';
import { parseLinuxImage, readLinuxImageHeader } from '../../core/formats/linux-image.ts';

interface Fields {
  textOffset: bigint;
  imageSize: bigint;
  flags: bigint;
  peOffset?: number;
  length?: number;
}

/** An Image: the header, then a recognisable body. code0 = `add x13, x18, #0x16` (the EFI "MZ"), code1 = `b` into the kernel. */
function image(f: Fields): Uint8Array {
  const b = new Uint8Array(f.length ?? 0x10000);
  const v = new DataView(b.buffer);
  v.setUint32(0x00, 0x91005a4d, true);
  v.setUint32(0x04, 0x14000400, true);
  v.setBigUint64(0x08, f.textOffset, true);
  v.setBigUint64(0x10, f.imageSize, true);
  v.setBigUint64(0x18, f.flags, true);
  b.set([0x41, 0x52, 0x4d, 0x64], 0x38); // "ARM\x64"
  v.setUint32(0x3c, f.peOffset ?? 0x40, true);
  for (let i = 0x40; i < b.length; i++) b[i] = i & 0xff;
  return b;
}

// Linux 6.x defconfig: text_offset 0, image_size covering BSS, flags = LE | 4K pages | anywhere = 0b1010.
const MODERN = { textOffset: 0n, imageSize: 0x2000000n, flags: 0xan };

test('a modern Image header reads as booting.rst lays it out', (t) => {
  const h = readLinuxImageHeader(image(MODERN));
  t.is(h.code0, 0x91005a4d);
  t.is(h.code1, 0x14000400);
  t.is(h.textOffset, 0n);
  t.is(h.imageSize, 0x2000000n);
  t.false(h.bigEndian);
  t.is(h.pageSize, 4096);
  t.true(h.placeAnywhere);
  t.is(h.peOffset, 0x40);
  t.false(h.legacy);
});

test('page size, endianness and placement flags each read from their own bits', (t) => {
  const flags = (f: bigint) => readLinuxImageHeader(image({ ...MODERN, flags: f }));
  t.is(flags(0n).pageSize, undefined);
  t.is(flags(2n).pageSize, 4096);
  t.is(flags(4n).pageSize, 16384);
  t.is(flags(6n).pageSize, 65536);
  t.false(flags(6n).placeAnywhere);
  t.true(flags(1n).bigEndian);
  t.true(flags(8n).placeAnywhere);
});

test('a pre-3.17 header (image_size 0) takes text_offset 0x80000 and ignores flags', (t) => {
  const bytes = image({ textOffset: 0x12345n, imageSize: 0n, flags: 0xfn, length: 0x3000 });
  const img = parseLinuxImage(bytes);
  t.true(img.header.legacy);
  t.is(img.header.textOffset, 0x80000n);
  t.false(img.header.bigEndian);
  t.is(img.header.pageSize, undefined);
  t.is(img.memSize, 0x3000n);
});

test('Image.gz is detected by its gzip magic and inflated to the same Image', (t) => {
  const raw = image({ ...MODERN, textOffset: 0x80000n });
  const gz = parseLinuxImage(gzipSync(raw, { level: 9 }));
  t.true(gz.gzipped);
  t.deepEqual(gz.bytes, raw);
  t.is(gz.header.textOffset, 0x80000n);
  t.is(gz.memSize, 0x2000000n);
  const plain = parseLinuxImage(raw);
  t.false(plain.gzipped);
  t.is(plain.bytes, raw);
});

test('files that are not Images get typed errors naming the header field', (t) => {
  let e = t.throws(() => parseLinuxImage(new Uint8Array(0x40)), { instanceOf: FormatError });
  t.is(e?.code, 'LINUX_IMAGE_BAD_MAGIC');
  t.is(e?.where?.offset, 0x38);
  t.regex(e!.hint!, /Image\.gz/);
  e = t.throws(() => parseLinuxImage(image(MODERN).subarray(0, 0x3f)), { instanceOf: FormatError });
  t.is(e?.code, 'LINUX_IMAGE_TRUNCATED');
  e = t.throws(() => parseLinuxImage(image({ ...MODERN, flags: 0xbn })), { instanceOf: FormatError });
  t.is(e?.code, 'LINUX_IMAGE_UNSUPPORTED');
  t.regex(e!.message, /big-endian/);
  e = t.throws(() => parseLinuxImage(image({ ...MODERN, imageSize: 0x100n })), { instanceOf: FormatError });
  t.is(e?.code, 'LINUX_IMAGE_UNSUPPORTED');
  t.regex(e!.message, /image_size 0x100 is smaller/);
  // gzip magic, then garbage; and a gzip stream cut short.
  e = t.throws(() => parseLinuxImage(Uint8Array.from([0x1f, 0x8b, 0x08, 0, 1, 2, 3, 4, 5, 6, 7])), { instanceOf: FormatError });
  t.is(e?.code, 'GZIP_CORRUPT');
  const gz = gzipSync(image(MODERN));
  e = t.throws(() => parseLinuxImage(gz.subarray(0, gz.length >> 1)), { instanceOf: FormatError });
  t.is(e?.code, 'GZIP_CORRUPT');
});

test('an Image or Image.gz cut at every length is a typed error or a header', (t) => {
  const raw = image({ ...MODERN, imageSize: 0x2000n, length: 0x200 });
  const gz = gzipSync(raw);
  for (const bytes of [raw, gz]) {
    for (let n = 0; n <= bytes.length; n++) {
      try {
        parseLinuxImage(bytes.subarray(0, n));
      } catch (e) {
        t.true(e instanceof FormatError, `cut at ${n}: ${String(e)}`);
      }
    }
  }
  t.is(parseLinuxImage(raw).memSize, 0x2000n);
});
