// REQ_MEMREAD / REQ_MEMWRITE on the firmware side (spec §4.3, §4.4, §2.6, §15.30, §15.31,
// §15.47), with the golden frames of spec §2.5.
import test from 'ava';
import { checksum } from '../../core/uartproxy/checksum.ts';
import { SparseRam } from '../../sim/memory/index.ts';
import { cat, decodeReply, hex, memWriteRequest, proxy, request, REQ_MEMREAD, seq, toHex, zeros } from './helpers/bytes.ts';
import { MMIO_BASE, RAM_BASE, startTarget } from './helpers/harness.ts';

const NOP_REQ_F1 = cat(hex('ff 55 aa 00 01'), zeros(55), hex('f3 d9 03 1c'));
const NOP_REPLY_F1 = cat(hex('ff 55 aa 00 00 00 00 00 01'), zeros(23), hex('2b 2b ec 34'));
const P_NOP_REQ = cat(hex('ff 55 aa 01'), zeros(56), hex('2b 19 6e 2f'));
const P_NOP_REPLY = cat(hex('ff 55 aa 01 00 00 00 00'), zeros(24), hex('63 64 81 a9'));
const MEMREAD_REQ = cat(hex('ff 55 aa 02 00 00 00 00 08 00 00 00 10'), zeros(47), hex('46 ba 7c 23'));
const MEMREAD_REPLY_ON = cat(hex('ff 55 aa 02 00 00 00 00 ca 10 dc 58'), zeros(20), hex('38 4e ec b1'));
const MEMREAD_REPLY_OFF = cat(hex('ff 55 aa 02 00 00 00 00 de ca de d0'), zeros(20), hex('e8 25 db 34'));
const MEMWRITE_REQ_ON = cat(hex('ff 55 aa 03 00 00 00 00 08 00 00 00 10 00 00 00 00 00 00 00 ca 10 dc 58'), zeros(36), hex('bb 45 a3 52'));
const MEMWRITE_REQ_OFF = cat(hex('ff 55 aa 03 00 00 00 00 08 00 00 00 10 00 00 00 00 00 00 00 de ca de d0'), zeros(36), hex('6b c5 ad 94'));
const MEMWRITE_REPLY_ON = cat(hex('ff 55 aa 03 00 00 00 00 ca 10 dc 58'), zeros(20), hex('db 18 f7 4e'));
const DATA = seq(16);
const TRAILER = hex('10 cc ca b0');

const P_GET_EXC_COUNT = 0x008;
const tick = () => new Promise((r) => setImmediate(r));

async function disableDataChecksums(host: ReturnType<typeof startTarget>['host']) {
  host.send(NOP_REQ_F1);
  return toHex((await host.frame()).frame) === toHex(NOP_REPLY_F1);
}

test('MEMREAD of 00..0f at 0x800000000, data checksums on: golden reply, then the data', async (t) => {
  const { host, ram } = startTarget();
  ram.writeBlock(RAM_BASE, DATA, 0, 16);
  host.send(MEMREAD_REQ);
  const { frame, payload, text } = await host.frame(16);
  t.is(text, '');
  t.is(toHex(frame), toHex(MEMREAD_REPLY_ON));
  t.is(toHex(payload), toHex(DATA));
});

test('MEMREAD with data checksums off: sentinel checksum, data, then the 10 CC CA B0 trailer', async (t) => {
  const { host, ram } = startTarget();
  ram.writeBlock(RAM_BASE, DATA, 0, 16);
  t.true(await disableDataChecksums(host));
  host.send(MEMREAD_REQ);
  const { frame, payload } = await host.frame(20);
  t.is(toHex(frame), toHex(MEMREAD_REPLY_OFF));
  t.is(toHex(payload), toHex(cat(DATA, TRAILER)));
});

for (const off of [false, true]) {
  test(`MEMREAD of size 0 (checksums ${off ? 'off' : 'on'}): status 0, zero body, no data, no trailer (§15.47)`, async (t) => {
    const { host } = startTarget();
    if (off) t.true(await disableDataChecksums(host));
    host.send(request(REQ_MEMREAD, [RAM_BASE, 0n]), P_NOP_REQ);
    const r = decodeReply((await host.frame()).frame);
    t.is(r.status, 0);
    t.deepEqual([...r.body], [...zeros(24)]);
    const next = await host.frame();
    t.is(next.text, '', 'nothing between the reply and the next frame');
    t.is(toHex(next.frame), toHex(P_NOP_REPLY));
  });

  test(`MEMREAD of an unmapped range (checksums ${off ? 'off' : 'on'}) answers ST_XFRERR without data (§15.30)`, async (t) => {
    const { host } = startTarget();
    if (off) t.true(await disableDataChecksums(host));
    host.send(request(REQ_MEMREAD, [0x1000n, 0x100n]), P_NOP_REQ);
    const { frame, text } = await host.frame();
    const r = decodeReply(frame);
    t.is(r.status, -3);
    t.true(r.checksumOk);
    t.regex(text, /Exception/, 'm1n1 prints its diagnostics (the MEMREAD guard is not silent)');
    const next = await host.frame();
    t.is(toHex(next.frame), toHex(P_NOP_REPLY));
    t.false(/[\x80-\xff]/.test(next.text), 'no data bytes were sent');
  });
}

test('MEMREAD running off the end of RAM faults as a whole', async (t) => {
  const { host } = startTarget();
  host.send(request(REQ_MEMREAD, [RAM_BASE + (1n << 30n) - 8n, 16n]));
  t.is(decodeReply((await host.frame()).frame).status, -3);
});

test('MEMREAD through the REGION_RX_EL1 alias reads the same RAM (§7.3)', async (t) => {
  const { host, ram } = startTarget();
  ram.writeBlock(RAM_BASE, DATA, 0, 16);
  host.send(request(REQ_MEMREAD, [RAM_BASE | 0xc00_0000_0000n, 16n]));
  const { frame, payload } = await host.frame(16);
  t.is(toHex(frame), toHex(MEMREAD_REPLY_ON));
  t.is(toHex(payload), toHex(DATA));
});

test('MEMREAD of never-written RAM returns zeros without allocating pages', async (t) => {
  const { host, ram } = startTarget();
  host.send(request(REQ_MEMREAD, [RAM_BASE + 0x100000n, 0x10000n]));
  const { frame, payload } = await host.frame(0x10000);
  t.is(decodeReply(frame).word, checksum(zeros(0x10000)));
  t.true(payload.every((b) => b === 0));
  t.is(ram.allocatedPages, 0);
});

test('MEMREAD of MMIO that only takes 32-bit accesses faults (block reads are byte accesses)', async (t) => {
  const { host } = startTarget();
  host.send(request(REQ_MEMREAD, [MMIO_BASE, 16n]));
  t.is(decodeReply((await host.frame()).frame).status, -3);
});

test('MEMWRITE golden request (checksums on): golden reply, memory updated', async (t) => {
  const { host, ram } = startTarget();
  host.send(MEMWRITE_REQ_ON, DATA);
  t.is(toHex((await host.frame()).frame), toHex(MEMWRITE_REPLY_ON));
  const back = new Uint8Array(16);
  ram.readBlock(RAM_BASE, back, 0, 16);
  t.is(toHex(back), toHex(DATA));
});

test('MEMWRITE golden request with checksums off: data + trailer accepted, reply carries the sentinel', async (t) => {
  const { host, ram } = startTarget();
  t.true(await disableDataChecksums(host));
  host.send(MEMWRITE_REQ_OFF, DATA, TRAILER);
  const r = decodeReply((await host.frame()).frame);
  t.is(r.status, 0);
  t.is(r.word, 0xd0decade);
  t.true(r.checksumOk);
  const back = new Uint8Array(16);
  ram.readBlock(RAM_BASE, back, 0, 16);
  t.is(toHex(back), toHex(DATA));
});

test('MEMWRITE split across writes at every offset of request + payload', async (t) => {
  const { host, ram } = startTarget();
  const stream = cat(MEMWRITE_REQ_ON, DATA);
  for (let cut = 1; cut < stream.length; cut++) {
    ram.writeBlock(RAM_BASE, zeros(16), 0, 16);
    host.send(stream.subarray(0, cut));
    await tick();
    await tick();
    host.send(stream.subarray(cut));
    t.is(toHex((await host.frame()).frame), toHex(MEMWRITE_REPLY_ON), `split at ${cut}`);
    const back = new Uint8Array(16);
    ram.readBlock(RAM_BASE, back, 0, 16);
    t.is(toHex(back), toHex(DATA), `memory after split at ${cut}`);
  }
});

test('MEMWRITE with a wrong data checksum: ST_XFRERR carrying the target checksum; the data was written', async (t) => {
  const { host, ram } = startTarget();
  host.send(memWriteRequest(RAM_BASE, 16n, 0x12345678), DATA);
  const r = decodeReply((await host.frame()).frame);
  t.is(r.status, -3);
  t.is(r.word, 0x58dc10ca);
  const back = new Uint8Array(16);
  ram.readBlock(RAM_BASE, back, 0, 16);
  t.is(toHex(back), toHex(DATA), 'm1n1 writes first and checks afterwards');
});

test('MEMWRITE with checksums off and a bad trailer: ST_XFRERR', async (t) => {
  const { host } = startTarget();
  t.true(await disableDataChecksums(host));
  host.send(MEMWRITE_REQ_OFF, DATA, hex('10 cc ca b1'));
  t.is(decodeReply((await host.frame()).frame).status, -3);
});

test('MEMWRITE with checksums off but a real checksum in the request: ST_XFRERR', async (t) => {
  const { host } = startTarget();
  t.true(await disableDataChecksums(host));
  host.send(MEMWRITE_REQ_ON, DATA, TRAILER);
  const r = decodeReply((await host.frame()).frame);
  t.is(r.status, -3);
  t.is(r.word, 0xd0decade);
});

test('MEMWRITE to an unmapped address: ST_XFRERR and the payload is scanned as noise (§4.4, §15.31)', async (t) => {
  const { host } = startTarget();
  // The payload carries a complete P_NOP request: the target executes it as a phantom request.
  const payload = cat(zeros(8), P_NOP_REQ, zeros(8));
  host.send(memWriteRequest(0x1000n, BigInt(payload.length), checksum(payload)), payload);
  const first = await host.frame();
  const r = decodeReply(first.frame);
  t.is(r.type, 0x03aa55ff);
  t.is(r.status, -3);
  t.regex(first.text, /Exception/);
  t.is(toHex((await host.frame()).frame), toHex(P_NOP_REPLY), 'the phantom request was answered');
  host.send(proxy(P_GET_EXC_COUNT));
  t.is(decodeReply((await host.frame()).frame).retval, 2n, 'both probe writes faulted');
});

test('MEMWRITE whose last byte is unmapped: ST_XFRERR; only the probe wrote (0 to the first byte)', async (t) => {
  const { host, ram } = startTarget();
  const end = RAM_BASE + (1n << 30n);
  ram.writeBlock(end - 8n, new Uint8Array(8).fill(0xaa), 0, 8);
  host.send(memWriteRequest(end - 8n, 16n, checksum(DATA)), DATA);
  t.is(decodeReply((await host.frame()).frame).status, -3);
  host.send(proxy(P_GET_EXC_COUNT));
  t.is(decodeReply((await host.frame()).frame).retval, 1n);
  const back = new Uint8Array(8);
  ram.readBlock(end - 8n, back, 0, 8);
  t.is(toHex(back), '00 aa aa aa aa aa aa aa', 'the probe writes 0 to the first byte (§15.31)');
});

test('MEMWRITE over a hole between mapped ends: payload consumed, ST_XFRERR (virtual target, not a reboot)', async (t) => {
  const ramEnd = RAM_BASE + (1n << 30n);
  const { host, resets } = startTarget({ setup: (s) => s.addRam(new SparseRam({ base: ramEnd + 0x4000n, sizeBytes: 0x4000n }), 'ram2') });
  const size = 16 + 0x4000 + 16;
  const payload = cat(zeros(100), P_NOP_REQ, zeros(size - 164));
  host.send(memWriteRequest(ramEnd - 16n, BigInt(size), checksum(payload)), payload, P_NOP_REQ);
  t.is(decodeReply((await host.frame()).frame).status, -3);
  t.is(toHex((await host.frame()).frame), toHex(P_NOP_REPLY), 'exactly one P_NOP answered: the payload was consumed');
  t.is(await host.settle(), 0);
  t.deepEqual(resets, []);
});

test('MEMWRITE of size 0 with checksums on carries the checksum of nothing (0x73736542)', async (t) => {
  const { host } = startTarget();
  host.send(memWriteRequest(RAM_BASE, 0n, 0x73736542));
  const r = decodeReply((await host.frame()).frame);
  t.is(r.status, 0);
  t.is(r.word, 0x73736542);
});

for (const off of [false, true]) {
  test(`16 MiB MEMWRITE then MEMREAD round trip (checksums ${off ? 'off' : 'on'})`, async (t) => {
    const { host, ram } = startTarget();
    if (off) t.true(await disableDataChecksums(host));
    const size = 16 << 20;
    const data = new Uint8Array(size);
    for (let i = 0; i < size; i += 4096) data[i] = (i >>> 12) & 0xff;
    data[size - 1] = 0x5a;
    const sum = checksum(data);
    const addr = RAM_BASE + 0x123450n;
    host.send(memWriteRequest(addr, BigInt(size), off ? 0xd0decade : sum), data, off ? TRAILER : new Uint8Array(0));
    const w = decodeReply((await host.frame()).frame);
    t.is(w.status, 0);
    t.is(w.word, off ? 0xd0decade : sum);
    const probe = new Uint8Array(1);
    ram.readBlock(addr + BigInt(size - 1), probe, 0, 1);
    t.is(probe[0], 0x5a);

    host.send(request(REQ_MEMREAD, [addr, BigInt(size)]));
    const { frame, payload } = await host.frame(size + (off ? 4 : 0));
    const r = decodeReply(frame);
    t.is(r.status, 0);
    t.is(r.word, off ? 0xd0decade : sum);
    t.true(payload.subarray(0, size).every((b, i) => b === data[i]));
    if (off) t.is(toHex(payload.subarray(size)), toHex(TRAILER));
  });
}
