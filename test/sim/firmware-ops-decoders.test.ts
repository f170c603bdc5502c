// The two decoders behind P_GZDEC / P_XZDEC on their own: every truncation, every prefix of a
// stream of unknown size and every single-byte corruption gives a result (never an exception).
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { testWithTool } from '../helpers/external-tool.ts';
import { gunzipLikeTinf } from '../../sim/firmware/ops/gzip-decode.ts';
import { unxzLikeM1n1, walkXz } from '../../sim/firmware/ops/xz-decode.ts';

const data = new TextEncoder().encode('The virtual M1 answers as m1n1 does. '.repeat(20));
const gz = gzipSync(data);

test('gzip: every truncation of the member (as the known size) is an error code, −3 or −5', (t) => {
  for (let n = 1; n < gz.length; n++) {
    const r = gunzipLikeTinf(gz.subarray(0, n), n, 1 << 16);
    t.false('needMore' in r);
    if (!('needMore' in r)) t.true(r.code === -3 || r.code === -5, `length ${n}: ${r.code}`);
  }
  const whole = gunzipLikeTinf(gz, gz.length, 1 << 16);
  t.true(!('needMore' in whole) && whole.code === 0 && whole.length === data.length);
});

test('gzip of unknown size: every prefix asks for more, the whole member decodes', (t) => {
  for (let n = 0; n < gz.length; n++) t.true('needMore' in gunzipLikeTinf(gz.subarray(0, n), 0, 1 << 16, false), `prefix ${n}`);
  const r = gunzipLikeTinf(gz, 0, 1 << 16, false);
  t.true(!('needMore' in r) && r.code === 0);
});

test('gzip: every single-byte corruption is decoded or refused, never thrown', (t) => {
  let refused = 0;
  for (let i = 0; i < gz.length; i++) {
    const bad = gz.slice();
    bad[i] ^= 0xa5;
    const r = gunzipLikeTinf(bad, bad.length, 1 << 16);
    if (!('needMore' in r) && r.code !== 0) refused++;
  }
  // The MTIME and OS header bytes are not checked; everything else is.
  t.true(refused >= gz.length - 6, `${refused} of ${gz.length} refused`);
});

const xzTool = testWithTool([{ names: ['xz'], debianPackage: 'xz-utils' }]);

xzTool('xz: every truncation is all-ones, every prefix of unknown size asks for more', async (t) => {
  const xz = new Uint8Array(execFileSync('xz', ['-T1', '-c', '--check=crc32'], { input: data }));
  for (let n = 0; n < xz.length; n++) {
    t.false(walkXz(xz.subarray(0, n), n, 1 << 16).ok, `length ${n}`);
    const r = walkXz(xz.subarray(0, n), 0xffff_ffff, 1 << 16, false);
    t.true(!r.ok && r.needMore === true, `prefix ${n}`);
  }
  const r = await unxzLikeM1n1(xz, xz.length, 1 << 16);
  t.true('retval' in r && r.retval === BigInt(data.length));
});

xzTool('xz: every single-byte corruption is decoded or refused, never thrown', async (t) => {
  const xz = new Uint8Array(execFileSync('xz', ['-T1', '-c', '--check=crc32'], { input: data }));
  for (let i = 0; i < xz.length; i++) {
    const bad = xz.slice();
    bad[i] ^= 0x5a;
    const r = await unxzLikeM1n1(bad, bad.length, 1 << 16);
    t.true('retval' in r, `byte ${i}`);
  }
});
