// P_GZDEC and P_XZDEC (spec §6.6) driven by the host's typed client over real frames: data
// compressed by node:zlib, the `gzip` program and the `xz` program; results and error codes
// as m1n1's decoders (tinf, minilzlib) give them.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { testWithTool } from '../helpers/external-tool.ts';
import { DST, SRC, signed, startClientTarget, UNMAPPED } from './helpers/firmware-client.ts';

const GUARD_SKIP = 1;
const ALL_ONES = 0xffff_ffff_ffff_ffffn;
const TINF_DATA_ERROR = 0xffff_ffff_ffff_fffdn; // −3 as m1n1 puts an int into the u64 reply
const TINF_BUF_ERROR = 0xffff_ffff_ffff_fffbn; // −5

function sample(n: number, seed = 1): Uint8Array {
  // Compressible but not trivial: words from a small pseudo-random vocabulary.
  const words = ['m1n1', 'proxy', 'hypervisor', 'apple', 'silicon', 'kernel', '0x23b700000', '\n'];
  let s = seed;
  let out = '';
  while (out.length < n) {
    s = (s * 1103515245 + 12345) >>> 0;
    out += words[s % words.length] + ' ';
  }
  return new TextEncoder().encode(out.slice(0, n));
}

const gzipTool = testWithTool([{ names: ['gzip'], debianPackage: 'gzip' }]);
const xzTool = testWithTool([{ names: ['xz'], debianPackage: 'xz-utils' }]);
const run = (prog: string, args: string[], input: Uint8Array) => new Uint8Array(execFileSync(prog, args, { input, maxBuffer: 64 << 20 }));

async function upload(t: ReturnType<typeof startClientTarget>, addr: bigint, data: Uint8Array) {
  await t.client.memWrite(addr, data);
}

test('P_GZDEC: node:zlib level-1 data (as the Python host uploads) decompresses to the original, returning its length', async (t) => {
  const target = startClientTarget();
  const data = sample(300_000);
  const gz = gzipSync(data, { level: 1 });
  await upload(target, SRC, gz);
  t.is(await target.proxy.gzdec(SRC, gz.length, DST, 1 << 20), data.length);
  t.deepEqual(await target.client.memRead(DST, data.length), data);
  t.is(await target.proxy.getExcCount(), 0);
  await target.close();
});

gzipTool('P_GZDEC: output of the gzip program (with a stored file name, FNAME) decompresses', async (t) => {
  const target = startClientTarget();
  const data = sample(100_000, 7);
  const gz = run('sh', ['-c', 'cat > /tmp/hvdbg-gz-name-test && gzip -c --name /tmp/hvdbg-gz-name-test; rm -f /tmp/hvdbg-gz-name-test'], data);
  t.is(gz[3]! & 8, 8, 'FNAME flag set by gzip --name');
  await upload(target, SRC, gz);
  t.is(await target.proxy.gzdec(SRC, gz.length, DST, data.length), data.length, 'a capacity of exactly the size is enough');
  t.deepEqual(await target.client.memRead(DST, data.length), data);
  await target.close();
});

/** A gzip member with FEXTRA, FNAME, FCOMMENT and FHCRC (RFC 1952 layout). */
function fullHeaderMember(data: Uint8Array): Uint8Array {
  const head = [0x1f, 0x8b, 8, 4 | 8 | 16 | 2, 0, 0, 0, 0, 0, 3, 3, 0, 0xaa, 0xbb, 0xcc, ...new TextEncoder().encode('name\0comment\0')];
  const hcrc = crc32(Uint8Array.from(head)) & 0xffff;
  const deflated = deflateRawSync(data);
  const trailer = new Uint8Array(8);
  new DataView(trailer.buffer).setUint32(0, crc32(data), true);
  new DataView(trailer.buffer).setUint32(4, data.length, true);
  return Uint8Array.from([...head, hcrc & 0xff, hcrc >> 8, ...deflated, ...trailer]);
}

test('P_GZDEC: FEXTRA, FNAME, FCOMMENT and a correct FHCRC are skipped; a wrong header CRC is a data error', async (t) => {
  const target = startClientTarget();
  const data = sample(5000);
  const gz = fullHeaderMember(data);
  await upload(target, SRC, gz);
  t.is(await target.proxy.gzdec(SRC, gz.length, DST, 10_000), data.length);
  t.deepEqual(await target.client.memRead(DST, data.length), data);
  const bad = gz.slice();
  bad[28] ^= 1; // in the header CRC
  await upload(target, SRC, bad);
  t.is(await target.proxy.request('P_GZDEC', [SRC, bad.length, DST, 10_000]), TINF_DATA_ERROR);
  await target.close();
});

test('P_GZDEC errors: −3 as a 64-bit word for bad input, −5 only when ISIZE exceeds the capacity', async (t) => {
  const target = startClientTarget();
  const data = sample(20_000);
  const gz = gzipSync(data);
  await upload(target, SRC, gz);
  const gzdec = (src: bigint, srcLen: bigint | number, cap: bigint | number) => target.proxy.request('P_GZDEC', [src, srcLen, DST, cap]);
  t.is(await gzdec(SRC, gz.length, data.length - 1), TINF_BUF_ERROR, 'trailer ISIZE > capacity');
  t.is(signed(await gzdec(SRC, gz.length, data.length - 1)), -5);
  t.is(await gzdec(UNMAPPED, 17, 100), TINF_DATA_ERROR, 'a known size under 18 bytes fails without touching the source');
  t.is(await target.proxy.getExcCount(), 0, '… so no fault either');
  const notGzip = gz.slice();
  notGzip[0] = 0x1e;
  await upload(target, SRC + 0x100000n, notGzip);
  t.is(await gzdec(SRC + 0x100000n, gz.length, 1 << 20), TINF_DATA_ERROR, 'bad magic');
  const reserved = gz.slice();
  reserved[3] = 0x20;
  await upload(target, SRC + 0x100000n, reserved);
  t.is(await gzdec(SRC + 0x100000n, gz.length, 1 << 20), TINF_DATA_ERROR, 'reserved flag bits');
  t.is(await gzdec(SRC, gz.length + 4, 1 << 20), TINF_DATA_ERROR, 'a size past the member: the trailer is read at the wrong place');
  await target.close();
});

test('P_GZDEC: the sizes are used as 32-bit values', async (t) => {
  const target = startClientTarget();
  const data = sample(4000);
  const gz = gzipSync(data);
  await upload(target, SRC, gz);
  t.is(await target.proxy.request('P_GZDEC', [SRC, (1n << 32n) + BigInt(gz.length), DST, (7n << 32n) + 4000n]), 4000n);
  await target.close();
});

test('P_GZDEC: a wrong CRC-32 or ISIZE fails after the data was written', async (t) => {
  const target = startClientTarget();
  const data = sample(3000);
  const gz = gzipSync(data);
  const badCrc = gz.slice();
  badCrc[gz.length - 8] ^= 0xff;
  await upload(target, SRC, badCrc);
  t.is(await target.proxy.request('P_GZDEC', [SRC, gz.length, DST, 10_000]), TINF_DATA_ERROR);
  t.deepEqual(await target.client.memRead(DST, data.length), data, 'tinf writes as it decodes');
  const badSize = gz.slice();
  badSize[gz.length - 4] -= 1;
  await target.client.memWrite(DST, new Uint8Array(data.length));
  await upload(target, SRC, badSize);
  t.is(await target.proxy.request('P_GZDEC', [SRC, gz.length, DST, 10_000]), TINF_DATA_ERROR);
  t.deepEqual(await target.client.memRead(DST, data.length), data);
  await target.close();
});

test('P_GZDEC: corrupt or truncated deflate data is −3; output never passes the capacity', async (t) => {
  const target = startClientTarget();
  const data = sample(50_000);
  const gz = gzipSync(data);
  // Forge ISIZE so the pre-check passes, then give less room than the data needs.
  const forged = gz.slice();
  new DataView(forged.buffer).setUint32(gz.length - 4, 1000, true);
  await upload(target, SRC, forged);
  const canary = new Uint8Array([0x5a, 0x5a, 0x5a, 0x5a]);
  await target.client.memWrite(DST + 1000n, canary);
  t.is(await target.proxy.request('P_GZDEC', [SRC, gz.length, DST, 1000]), TINF_DATA_ERROR);
  t.deepEqual(await target.client.memRead(DST + 1000n, 4), canary, 'nothing written past the capacity');
  const written = await target.client.memRead(DST, 1000);
  t.deepEqual(written.subarray(0, 100), data.subarray(0, 100), 'what fitted was written');

  const truncated = gz.slice(0, gz.length - 20);
  truncated.set(gz.subarray(gz.length - 8), truncated.length - 8);
  await upload(target, SRC, truncated);
  t.is(await target.proxy.request('P_GZDEC', [SRC, truncated.length, DST, 1 << 20]), TINF_DATA_ERROR);
  const corrupt = gz.slice();
  for (let i = 20; i < 60; i++) corrupt[i] = 0xff;
  await upload(target, SRC, corrupt);
  t.is(await target.proxy.request('P_GZDEC', [SRC, gz.length, DST, 1 << 20]), TINF_DATA_ERROR);
  await target.close();
});

test('P_GZDEC with source size 0 ("unknown"): the member ends where its data ends; what follows is ignored', async (t) => {
  const target = startClientTarget();
  const data = sample(10_000);
  const gz = gzipSync(data);
  await upload(target, SRC, Uint8Array.from([...gz, 1, 2, 3, 4, 5]));
  t.is(await target.proxy.gzdec(SRC, 0, DST, 1 << 20), data.length);
  t.deepEqual(await target.client.memRead(DST, data.length), data);
  t.is(await target.proxy.getExcCount(), 0);
  await target.close();
});

test('P_GZDEC: a faulting source under GUARD_SKIP counts one exception and fails; with the guard off the machine reboots', async (t) => {
  const target = startClientTarget();
  await target.proxy.setExcGuard(GUARD_SKIP);
  t.is(await target.proxy.request('P_GZDEC', [UNMAPPED, 1000, DST, 1000]), TINF_DATA_ERROR);
  t.is(await target.proxy.getExcCount(), 1);
  await target.proxy.setExcGuard(0);
  void target.client.proxy(0x401, [UNMAPPED, 1000n, DST, 1000n], { noReply: true }).catch(() => undefined);
  t.is(await target.topLevel, -0x1_0000_0000, 'EXIT_TARGET_RESET');
  t.is(target.resets[0]?.cause, 'UNHANDLED_EXCEPTION');
});

// ---- xz ----

async function xzdec(target: ReturnType<typeof startClientTarget>, xz: Uint8Array, cap: number, size: number = xz.length, dst = DST) {
  await upload(target, SRC, xz);
  return target.proxy.request('P_XZDEC', [SRC, size, dst, cap]);
}

xzTool('P_XZDEC: single-threaded xz output (CRC-64 default, CRC-32, SHA-256, none) decompresses, returning the length', async (t) => {
  const target = startClientTarget();
  const data = sample(400_000, 3);
  for (const check of ['crc64', 'crc32', 'sha256', 'none']) {
    const xz = run('xz', ['-T1', '-c', `--check=${check}`], data);
    await target.client.memWrite(DST, new Uint8Array(16));
    t.is(await xzdec(target, xz, 1 << 20), BigInt(data.length), check);
    t.deepEqual(await target.client.memRead(DST, data.length), data, check);
  }
  await target.close();
});

xzTool('P_XZDEC: a destination of 0 returns the size without decoding', async (t) => {
  const target = startClientTarget();
  const data = sample(70_000, 5);
  const xz = run('xz', ['-T1', '-c'], data);
  t.is(await xzdec(target, xz, 0, xz.length, 0n), BigInt(data.length));
  await target.close();
});

xzTool('P_XZDEC rejects what minilzlib rejects: sized block headers (xz -T2), several blocks, BCJ filters, lc≠3, .lzma, empty input', async (t) => {
  const target = startClientTarget();
  const data = sample(200_000, 9);
  const cases: Array<[string, string[], Uint8Array]> = [
    ['multi-threaded', ['-T2', '-c'], data],
    ['two blocks', ['-T1', '-c', '--block-size=100000'], data],
    ['x86 BCJ', ['-T1', '-c', '--x86', '--lzma2=preset=1'], data],
    ['lc=0', ['-T1', '-c', '--lzma2=lc=0'], data],
    ['.lzma format', ['-c', '--format=lzma'], data],
    ['empty file', ['-T1', '-c'], new Uint8Array(0)],
  ];
  for (const [what, args, input] of cases) {
    const xz = run('xz', args, input);
    t.is(await xzdec(target, xz, 1 << 20), ALL_ONES, what);
  }
  t.is(await target.proxy.xzdec(SRC, 0, DST, 1 << 20), -1, 'the typed client reads it signed');
  await target.close();
});

xzTool('P_XZDEC: check bytes are not verified (m1n1 builds minilzlib without integrity checks); LZMA2 data is', async (t) => {
  const target = startClientTarget();
  const data = sample(50_000, 11);
  const xz = run('xz', ['-T1', '-c', '--check=crc32'], data);
  const badCheck = xz.slice();
  // Footer (12 bytes, Backward Size = index size / 4 − 1), the index, and the 4 check bytes before it.
  const indexSize = (new DataView(xz.buffer).getUint32(xz.length - 8, true) + 1) * 4;
  badCheck[xz.length - 12 - indexSize - 4] ^= 0xff;
  t.is(await xzdec(target, badCheck, 1 << 20), BigInt(data.length));
  const corrupt = xz.slice();
  for (let i = 40; i < 80; i++) corrupt[i] ^= 0x55;
  t.is(await xzdec(target, corrupt, 1 << 20), ALL_ONES);
  await target.close();
});

xzTool('P_XZDEC: too small a destination is all-ones and nothing is written past it', async (t) => {
  const target = startClientTarget();
  const data = sample(100_000, 13);
  const xz = run('xz', ['-T1', '-c'], data);
  const canary = Uint8Array.of(1, 2, 3, 4);
  await target.client.memWrite(DST + 50_000n, canary);
  t.is(await xzdec(target, xz, 50_000), ALL_ONES);
  t.deepEqual(await target.client.memRead(DST + 50_000n, 4), canary);
  await target.close();
});

xzTool('P_XZDEC: a second stream after the first is ignored; source size 0 reads until the footer', async (t) => {
  const target = startClientTarget();
  const a = sample(30_000, 17);
  const b = sample(10_000, 19);
  const xz = Uint8Array.from([...run('xz', ['-T1', '-c'], a), ...run('xz', ['-T1', '-c'], b)]);
  t.is(await xzdec(target, xz, 1 << 20), BigInt(a.length));
  t.deepEqual(await target.client.memRead(DST, a.length), a);
  t.is(await xzdec(target, xz, 1 << 20, 0), BigInt(a.length));
  t.is(await xzdec(target, xz, 1 << 20, 100), ALL_ONES, 'a source size that cuts the stream');
  await target.close();
});

test('P_XZDEC: a faulting source under GUARD_SKIP counts one exception and returns all-ones', async (t) => {
  const target = startClientTarget();
  await target.proxy.setExcGuard(GUARD_SKIP);
  t.is(await target.proxy.request('P_XZDEC', [UNMAPPED, 100, DST, 1000]), ALL_ONES);
  t.is(await target.proxy.getExcCount(), 1);
  await target.close();
});

test('under a GUARD_RETURN session guard a faulting source makes the op return the marker (the faulting C function returns it)', async (t) => {
  const target = startClientTarget();
  await target.proxy.setExcGuard(3 | 0x100);
  t.is(await target.proxy.request('P_GZDEC', [UNMAPPED, 1000, DST, 1000]), 0xacce5515abad1dean);
  t.is(await target.proxy.request('P_XZDEC', [UNMAPPED, 1000, DST, 1000]), 0xacce5515abad1dean);
  t.is(await target.proxy.getExcCount(), 2);
  await target.close();
});
