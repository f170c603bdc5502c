// memRead / memWrite: chunking, pipelining, progress, data checksums on and off, XFRERR.
import test from 'ava';
import { UartProxyError } from '../../core/uartproxy/errors.ts';
import { T_MEMREAD, T_MEMWRITE } from './fake-target.ts';
import { OP, harness, until } from './client-harness.ts';

const BASE = 0x800000000n;
const pattern = (n: number, salt = 0) => Uint8Array.from({ length: n }, (_, i) => (i * 13 + (i >> 8) + salt) & 0xff);

for (const checksums of [true, false]) {
  const mode = checksums ? 'data checksums on' : 'data checksums off';

  test(`memRead splits into pipelined chunks and reports progress (${mode})`, async (t) => {
    const { client, target } = harness({ chunkBytes: 4096, pipelineDepth: 4 }, 64 * 1024);
    if (!checksums) await client.nop();
    t.is(client.dataChecksums, checksums);
    target.memory.set(pattern(64 * 1024));
    target.batchReplies = true;
    target.split = [1000, 7, 3000];
    const progress: number[] = [];
    const size = 10 * 4096 + 123;
    const data = await client.memRead(BASE + 100n, size, { onProgress: (done, total) => (t.is(total, size), progress.push(done)) });
    t.is(Buffer.compare(data, target.memory.subarray(100, 100 + size)), 0);
    const reads = target.requests.filter((r) => r.typeByte === T_MEMREAD);
    t.deepEqual(
      reads.map((r) => [r.addr - BASE, r.size]),
      Array.from({ length: 11 }, (_, i) => [100n + BigInt(i * 4096), i < 10 ? 4096 : 123]),
    );
    t.is(target.maxInFlight, 4);
    t.is(progress[progress.length - 1], size);
    t.true(progress.every((v, i) => i === 0 || v >= progress[i - 1]!));
  });

  test(`memWrite splits into chunks, sends data checksums or trailers, reports progress (${mode})`, async (t) => {
    const { client, target } = harness({ chunkBytes: 1000, pipelineDepth: 3 }, 16 * 1024);
    if (!checksums) await client.nop();
    const data = pattern(5500, 7);
    const progress: number[] = [];
    await client.memWrite(BASE + 16n, data, { onProgress: (done) => progress.push(done) });
    t.is(Buffer.compare(target.memory.subarray(16, 16 + data.length), data), 0);
    const writes = target.requests.filter((r) => r.typeByte === T_MEMWRITE);
    t.deepEqual(
      writes.map((r) => r.size),
      [1000, 1000, 1000, 1000, 1000, 500],
    );
    if (checksums) t.true(writes.every((w) => w.trailer === undefined && w.dataChecksum !== 0xd0decade));
    else t.true(writes.every((w) => w.trailer === 0xb0cacc10 && w.dataChecksum === 0xd0decade));
    t.deepEqual(progress, [1000, 2000, 3000, 4000, 5000, 5500]);
  });

  test(`a fault in the middle of a memRead fails it with XFRERR naming the chunk's range (${mode})`, async (t) => {
    const { client, target } = harness({ chunkBytes: 0x1000 }, 0x10000);
    if (!checksums) await client.nop();
    target.faults = [[BASE + 0x2800n, BASE + 0x2804n]];
    const err = await t.throwsAsync(client.memRead(BASE, 0x8000), { instanceOf: UartProxyError });
    t.is(err?.code, 'UARTPROXY_XFRERR');
    t.regex(err!.message, /REQ_MEMREAD \[0x800002000, \+0x1000\) \(chunk 3\/8 of a 0x8000-byte read at 0x800000000\)/);
    t.regex(err!.message, /ST_XFRERR/);
    // The chunks already in flight were consumed in step: the link is fine.
    target.faults = [];
    t.is(await client.proxy(OP.P_NOP), 0n);
    t.is((await client.memRead(BASE, 16)).length, 16);
  });
}

test('a fault in the middle of a memWrite fails it with XFRERR naming the chunk', async (t) => {
  const { client, target } = harness({ chunkBytes: 0x400, pipelineDepth: 2 }, 0x4000);
  target.faults = [[BASE + 0xc00n, BASE + 0xc01n]];
  const err = await t.throwsAsync(client.memWrite(BASE, new Uint8Array(0x2000).fill(0x11)), { instanceOf: UartProxyError });
  t.is(err?.code, 'UARTPROXY_XFRERR');
  t.regex(err!.message, /REQ_MEMWRITE \[0x800000c00, \+0x400\) \(chunk 4\/8 of a 0x2000-byte write at 0x800000000\)/);
  await until(() => target.requests.filter((r) => r.typeByte === T_MEMWRITE).length >= 4, 'the chunks in flight');
  t.is(await client.proxy(OP.P_NOP), 0n);
});

test('size 0: memRead returns an empty array and memWrite returns, with no traffic', async (t) => {
  const { client, target } = harness({}, 16);
  t.is((await client.memRead(BASE, 0)).length, 0);
  await client.memWrite(BASE, new Uint8Array(0));
  t.is(await client.proxy(OP.P_NOP), 0n);
  t.deepEqual(
    target.requests.map((r) => r.typeByte),
    [1],
  );
});

test('memRead into a caller buffer fills it in place', async (t) => {
  const { client, target } = harness({ chunkBytes: 64 }, 1024);
  target.memory.set(pattern(1024));
  const into = new Uint8Array(300).fill(0xee);
  const got = await client.memRead(BASE + 10n, 200, { into });
  t.is(got.buffer, into.buffer);
  t.is(got.length, 200);
  t.is(Buffer.compare(into.subarray(0, 200), target.memory.subarray(10, 210)), 0);
  t.is(into[200], 0xee);
  await t.throwsAsync(client.memRead(BASE, 400, { into }), { code: 'UARTPROXY_BAD_ARGUMENT' });
});

test('events and text between MEMREAD chunks are delivered; the data is intact', async (t) => {
  const { client, target, events, text } = harness({ chunkBytes: 256 }, 4096);
  target.memory.set(pattern(4096, 3));
  let n = 0;
  const originalReply = target.reply.bind(target);
  target.reply = (...parts: Uint8Array[]) => {
    if (parts[0]![3] === T_MEMREAD) {
      target.event(2, Uint8Array.of(1, 0, 0, 0, 1, 0, n & 0xff, 0));
      target.text(`[${n++}]`);
    }
    originalReply(...parts);
  };
  const data = await client.memRead(BASE, 2048);
  t.is(Buffer.compare(data, target.memory.subarray(0, 2048)), 0);
  t.is(events.length, 8);
  t.deepEqual(
    events.map((e) => e.payload[6]),
    [0, 1, 2, 3, 4, 5, 6, 7],
  );
  t.is(text(), '[0][1][2][3][4][5][6][7]');
});

test('a MEMREAD whose data does not match its checksum fails with UARTPROXY_BAD_CHECKSUM', async (t) => {
  const { client, target } = harness({ chunkBytes: 64 }, 256);
  const originalReply = target.reply.bind(target);
  target.reply = (...parts: Uint8Array[]) => {
    if (parts[0]![3] === T_MEMREAD && parts[1]) parts[1][5] ^= 1; // a flipped bit in the data
    originalReply(...parts);
  };
  const err = await t.throwsAsync(client.memRead(BASE + 64n, 64), { instanceOf: UartProxyError });
  t.is(err?.code, 'UARTPROXY_BAD_CHECKSUM');
  t.regex(err!.message, /the data of REQ_MEMREAD \[0x800000040, \+0x40\)/);
  target.reply = originalReply;
  t.is((await client.memRead(BASE, 64)).length, 64);
});

test('with data checksums off, a missing DATA_END_SENTINEL fails with UARTPROXY_BAD_SENTINEL', async (t) => {
  const { client, target } = harness({ chunkBytes: 64 }, 256);
  await client.nop();
  const originalReply = target.reply.bind(target);
  target.reply = (...parts: Uint8Array[]) => {
    if (parts[0]![3] === T_MEMREAD && parts[2]) parts[2] = Uint8Array.of(0, 0, 0, 0);
    originalReply(...parts);
  };
  const err = await t.throwsAsync(client.memRead(BASE, 64), { instanceOf: UartProxyError });
  t.is(err?.code, 'UARTPROXY_BAD_SENTINEL');
  target.reply = originalReply;
  t.is((await client.memRead(BASE, 64)).length, 64);
});

test('a large pipelined write goes through with transport backpressure', async (t) => {
  const size = 3 * 1024 * 1024 + 17;
  const { client, target } = harness({ chunkBytes: 256 * 1024, pipelineDepth: 4 }, size);
  const data = pattern(size, 9);
  let last = 0;
  await client.memWrite(BASE, data, { onProgress: (done) => (last = done) });
  t.is(last, size);
  t.is(Buffer.compare(target.memory, data), 0);
  const back = await client.memRead(BASE, size);
  t.is(Buffer.compare(back, data), 0);
});
