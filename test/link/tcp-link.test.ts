// End to end over TCP: the virtual M1 listens on 127.0.0.1 (port 0) and attaches each accepted
// connection to one USB channel, as `hvdbg sim --listen` does; the host connects with
// `connect('tcp:HOST:PORT')`. The two sides share nothing but bytes.
import test from 'ava';
import { UartProxyError } from '../../core/uartproxy/errors.ts';
import { VirtualM1 } from '../../sim/virtual-m1.ts';
import { firstDifference, MiB, pattern, u64At } from '../helpers/bytes.ts';
import { progressRecorder, ptyRig, SCRATCH, tcpRig } from './helpers.ts';

const FIRST_HOST_MARK = 0x0f1e_2d3c_4b5a_6978n;

test('tcp: NOP, whoami, chip id, and 32/64-bit RAM round trips', async (t) => {
  const rig = await tcpRig(t);
  t.regex(rig.target, /^tcp:127\.0\.0\.1:\d+$/);
  const { client, proxy, transport } = await rig.connect();
  t.regex(transport.description, /^tcp 127\.0\.0\.1:\d+$/);
  t.is(await client.nop(), 1n, 'DISABLE_DATA_CSUMS granted: the channel is a USB one (§2.6)');
  t.is(await proxy.iodevWhoami(), 4);
  t.is(await proxy.getChipid(), 0x8103);
  await proxy.write32(SCRATCH, 0xcafe_f00dn);
  t.is(await proxy.read32(SCRATCH), 0xcafe_f00dn);
  await proxy.write64(SCRATCH + 8n, 0xffff_0000_1234_5678n);
  t.is(await proxy.read64(SCRATCH + 8n), 0xffff_0000_1234_5678n);
  const err = await t.throwsAsync(client.proxy(0x5555), { instanceOf: UartProxyError });
  t.is(err!.code, 'UARTPROXY_PROXY_BADCMD');
  t.is(await proxy.read32(SCRATCH), 0xcafe_f00dn, 'the link goes on after a refused opcode');
});

test('tcp: 1 MiB transfers with data checksums on and off come back identical', async (t) => {
  const { client, proxy } = await (await tcpRig(t)).connect();
  const size = MiB;
  for (const checksums of [true, false]) {
    await client.nop(checksums ? 0n : 1n);
    t.is(client.dataChecksums, checksums);
    const data = pattern(size, checksums ? 0x0ddba11 : 0xb01dface);
    const up = progressRecorder();
    await client.memWrite(SCRATCH, data, { onProgress: up.onProgress, chunkBytes: 256 * 1024 });
    t.is(up.calls.at(-1)?.[0], size, 'upload progress ends at the size');
    const back = await client.memRead(SCRATCH, size, { chunkBytes: 256 * 1024 });
    t.is(firstDifference(back, data), -1, `data checksums ${checksums ? 'on' : 'off'}`);
    t.is(await proxy.read64(SCRATCH + BigInt(size - 8)), u64At(data, size - 8));
  }
});

test('tcp: the first host disconnects, a second one connects and reads what the first wrote', async (t) => {
  const rig = await tcpRig(t);
  const data = pattern(128 * 1024, 0xfade);
  const first = await rig.connect();
  await first.client.nop();
  await first.client.memWrite(SCRATCH, data);
  await first.proxy.write64(SCRATCH - 8n, FIRST_HOST_MARK);
  await first.close();

  const second = await rig.connect();
  t.is(await second.client.nop(), 1n);
  t.is(rig.connections(), 2);
  t.is(await second.proxy.read64(SCRATCH - 8n), FIRST_HOST_MARK);
  t.is(firstDifference(await second.client.memRead(SCRATCH, data.length), data), -1);
  t.is(await second.proxy.iodevWhoami(), 4, 'the same channel serves the new connection');
});

test('tcp: a new connection takes the channel over from one still open; the old host sees its link closed', async (t) => {
  const rig = await tcpRig(t);
  const first = await rig.connect();
  await first.proxy.write32(SCRATCH, 1n);
  const closed = new Promise<void>((resolve) => first.transport.onClose(() => resolve()));
  const second = await rig.connect();
  await closed;
  const err = await t.throwsAsync(first.proxy.read32(SCRATCH), { instanceOf: UartProxyError });
  t.is(err!.code, 'UARTPROXY_LINK_CLOSED');
  await second.client.nop();
  t.is(await second.proxy.read32(SCRATCH), 1n);
});

test('pty and tcp channels of one machine: iodev 4 and 5, one RAM', async (t) => {
  const machine = new VirtualM1();
  const overPty = await (await ptyRig(t, machine)).connect();
  const overTcp = await (await tcpRig(t, machine)).connect();
  t.is(await overPty.proxy.iodevWhoami(), 4);
  t.is(await overTcp.proxy.iodevWhoami(), 5);
  const data = pattern(64 * 1024, 0x2b2b);
  await overPty.client.memWrite(SCRATCH, data);
  t.is(firstDifference(await overTcp.client.memRead(SCRATCH, data.length), data), -1, 'written over the pty, read over TCP');
  await overTcp.proxy.write64(SCRATCH, 0x7cb_0000_0000_0001n);
  t.is(await overPty.proxy.read64(SCRATCH), 0x7cb_0000_0000_0001n, 'and the other way');
});
