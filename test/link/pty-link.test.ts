// End to end over a real pseudo-terminal: the virtual M1 holds the pty master, the host opens
// the slave path with `connect()` exactly as it opens /dev/ttyACM0 for a real Mac. The two
// sides share nothing but bytes. Serial: each test makes a pty and moves megabytes through it.
import test, { type ExecutionContext } from 'ava';
import { Guard, WidthAccess } from '../../core/proxy/index.ts';
import { UartProxyError } from '../../core/uartproxy/errors.ts';
import { firstDifference, MiB, pattern, u64At } from '../helpers/bytes.ts';
import { DRAM_BASE, progressRecorder, ptyRig, RAM_ALIAS_BITS, SCRATCH, UNMAPPED } from './helpers.ts';

const GUARD_MARKER_32 = 0xabad1dean;

function assertProgress(t: ExecutionContext, calls: Array<[number, number]>, size: number, what: string): void {
  t.true(calls.length > 0, `${what}: progress was reported`);
  t.true(
    calls.every(([, total]) => total === size),
    `${what}: every progress call names the whole size`,
  );
  t.true(
    calls.every(([done], i) => i === 0 || done >= calls[i - 1]![0]),
    `${what}: progress never goes back`,
  );
  t.is(calls.at(-1)![0], size, `${what}: progress ends at the size`);
}

test.serial('pty: NOP negotiates DISABLE_DATA_CSUMS on USB; the machine is an M1 proxying on iodev USB0', async (t) => {
  const rig = await ptyRig(t);
  t.regex(rig.target, /^\/dev\/pts\/\d+$/);
  const { client, proxy } = await rig.connect();
  t.is(await client.nop(), 1n, 'all features asked, DISABLE_DATA_CSUMS granted (USB, §2.6)');
  t.false(client.dataChecksums);
  t.is(await client.nop(0n), 0n, 'nothing asked, nothing granted');
  t.true(client.dataChecksums);
  t.is(await proxy.iodevWhoami(), 4, 'USB0');
  t.is(await proxy.getChipid(), 0x8103, 'T8103');
  await t.notThrowsAsync(proxy.nop());
});

test.serial('pty: 32- and 64-bit writes to RAM read back, little-endian', async (t) => {
  const { proxy } = await (await ptyRig(t)).connect();
  const a = SCRATCH + 0x40n;
  await proxy.write32(a, 0xdeadbeefn);
  t.is(await proxy.read32(a), 0xdeadbeefn);
  await proxy.write64(a + 8n, 0x0123_4567_89ab_cdefn);
  t.is(await proxy.read64(a + 8n), 0x0123_4567_89ab_cdefn);
  t.is(await proxy.read32(a + 8n), 0x89ab_cdefn, 'the low word sits at the lower address');
  t.is(await proxy.read32(a + 12n), 0x0123_4567n);
  t.is(await proxy.read64(a), 0xdeadbeefn, 'the 32-bit write left the upper half of its word zero');
  t.is(await proxy.read64(DRAM_BASE + 0x1_0000_0000n), 0n, 'untouched RAM reads as zero');
});

test.serial('pty: 1000 pipelined P_READ64 of distinct addresses resolve in order with the right values', async (t) => {
  const { client, proxy } = await (await ptyRig(t)).connect();
  const count = 1000;
  const data = pattern(count * 8, 0xc0ffee);
  await client.memWrite(SCRATCH, data);

  const order: number[] = [];
  // Issued back to back: not one of them awaited before the last is on the wire.
  const reads = Array.from({ length: count }, (_, i) =>
    proxy.read64(SCRATCH + BigInt(i * 8)).then((v) => {
      order.push(i);
      return v;
    }),
  );
  const values = await Promise.all(reads);
  const expected = Array.from({ length: count }, (_, i) => u64At(data, i * 8));
  t.deepEqual(values, expected);
  t.deepEqual(
    order,
    Array.from({ length: count }, (_, i) => i),
    'replies settle in request order',
  );
});

test.serial('pty: 4 MiB memWrite/memRead with data checksums on, then off, come back identical', async (t) => {
  const { client, proxy } = await (await ptyRig(t)).connect();
  const size = 4 * MiB;
  for (const [label, checksums, seed] of [
    ['checksums on', true, 0x1234567],
    ['checksums off', false, 0x7654321],
  ] as const) {
    if (!checksums) t.is(await client.nop(1n), 1n, 'DISABLE_DATA_CSUMS granted');
    t.is(client.dataChecksums, checksums, label);
    const data = pattern(size, seed);
    const up = progressRecorder();
    await client.memWrite(SCRATCH, data, { onProgress: up.onProgress });
    assertProgress(t, up.calls, size, `${label} upload`);
    const down = progressRecorder();
    const back = await client.memRead(SCRATCH, size, { onProgress: down.onProgress });
    assertProgress(t, down.calls, size, `${label} download`);
    t.is(back.length, size);
    t.is(firstDifference(back, data), -1, `${label}: the bytes read back are the bytes written`);
    // The data really sits at the address: single-word reads agree with the buffer.
    for (const offset of [0, 8, size / 2, size - 8]) {
      t.is(await proxy.read64(SCRATCH + BigInt(offset)), u64At(data, offset), `${label}: P_READ64 at +0x${offset.toString(16)}`);
    }
  }
});

test.serial('pty: RAM read through the 0xC00_0000_0000 alias sees the same bytes', async (t) => {
  const { client, proxy } = await (await ptyRig(t)).connect();
  const data = pattern(64 * 1024, 0xa11a5);
  await client.memWrite(SCRATCH, data);
  const aliased = SCRATCH | RAM_ALIAS_BITS;
  t.is(firstDifference(await client.memRead(aliased, data.length), data), -1);
  t.is(await proxy.read64(aliased + 0x100n), u64At(data, 0x100));
  await proxy.write64(aliased + 0x200n, 0x5a5a_a5a5_0f0f_f0f0n);
  t.is(await proxy.read64(SCRATCH + 0x200n), 0x5a5a_a5a5_0f0f_f0f0n, 'a write through the alias lands in RAM');
});

test.serial('pty: a read of unmapped space yields the guard marker and counts one exception', async (t) => {
  const { proxy } = await (await ptyRig(t)).connect();
  t.is(await proxy.getExcCount(), 0, 'a fresh machine has taken no exception');
  t.is(await proxy.read32(UNMAPPED), GUARD_MARKER_32, 'P_READ32 of nothing reads 0xABAD1DEA (§5)');
  t.is(await proxy.getExcCount(), 1);
  t.is(await proxy.getExcCount(), 0, 'reading the counter zeroes it');
  t.is(await proxy.read64(UNMAPPED), 0xacce5515_abad1dean, 'P_READ64 gets the whole marker');
  t.is(await proxy.getExcCount(), 1);

  const checked = new WidthAccess(proxy);
  const err = await t.throwsAsync(checked.read(UNMAPPED, 32));
  t.is((err as { code?: string }).code, 'PROXY_EXCEPTION');
  t.regex(err!.message, /0x100000000/, 'the message names the address');
  t.is(await checked.read(SCRATCH, 32), 0n, 'a checked read of RAM succeeds afterwards');
});

test.serial('pty: memRead of an unmapped range fails with UARTPROXY_XFRERR and the next request works', async (t) => {
  const { client, proxy } = await (await ptyRig(t)).connect();
  await proxy.write64(SCRATCH, 0x1122_3344_5566_7788n);
  for (const checksums of [true, false]) {
    await client.nop(checksums ? 0n : 1n);
    const err = await t.throwsAsync(client.memRead(UNMAPPED, 4096), { instanceOf: UartProxyError });
    t.is(err!.code, 'UARTPROXY_XFRERR', `data checksums ${checksums ? 'on' : 'off'}`);
    t.is(await proxy.read64(SCRATCH), 0x1122_3344_5566_7788n, 'the link goes on');
    t.is(firstDifference(await client.memRead(SCRATCH, 8), Uint8Array.of(0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11)), -1);
  }
  t.is(client.state, 'open');
});

test.serial('pty: an unknown opcode is refused with UARTPROXY_PROXY_BADCMD and the link goes on', async (t) => {
  const { client, proxy } = await (await ptyRig(t)).connect();
  const err = await t.throwsAsync(client.proxy(0x5555), { instanceOf: UartProxyError });
  t.is(err!.code, 'UARTPROXY_PROXY_BADCMD');
  t.is(client.state, 'open');
  t.is(await proxy.getChipid(), 0x8103);
  t.is(await client.nop(), 1n);
});

test.serial('pty: garbage and a half request on the wire, then recover(): the firmware resynchronises (§3.1)', async (t) => {
  const { client, proxy, transport } = await (await ptyRig(t)).connect();
  await proxy.write64(SCRATCH, 0xfeed_face_cafe_beefn);
  const enc = new TextEncoder();
  // Noise, marker fragments that must not sync (FF 55 without AA, FF FF 55 00, FF 55 FF 55 …),
  // then a REQ_PROXY header with only part of its body: the target now waits for the rest.
  const halfRequest = new Uint8Array(4 + 23);
  halfRequest.set([0xff, 0x55, 0xaa, 0x01, 0x05, 0x01]); // REQ_PROXY, opcode 0x105 …
  transport.write(enc.encode('hello, m1n1\r\n\x03!'));
  transport.write(Uint8Array.of(0xff, 0x55, 0x00, 0xff, 0xff, 0x55, 0x13, 0xff, 0x55, 0xff, 0x55, 0x00, 0x55, 0xaa, 0xff));
  transport.write(halfRequest);
  await client.recover();
  t.is(client.state, 'open');
  t.is(await proxy.read64(SCRATCH), 0xfeed_face_cafe_beefn, 'a read after recovery gets the right value');
  t.is(await proxy.iodevWhoami(), 4);
  const data = pattern(64 * 1024, 0xbadbad);
  await client.memWrite(SCRATCH, data);
  t.is(firstDifference(await client.memRead(SCRATCH, data.length), data), -1, 'bulk transfers work too');
});

test.serial('pty: a request landing on a half request is refused as damaged (UARTPROXY_CSUMERR), not executed', async (t) => {
  const { proxy, transport } = await (await ptyRig(t)).connect();
  await proxy.write64(SCRATCH, 7n);
  // A REQ_PROXY P_WRITE64 whose body was cut short: the target waits for 37 more bytes (§3.1).
  const half = new Uint8Array(4 + 23);
  half.set([0xff, 0x55, 0xaa, 0x01, 0x03, 0x01]);
  transport.write(half);
  // The next request completes that frame: its checksum is wrong, so neither runs.
  const err = await t.throwsAsync(proxy.write64(SCRATCH, 8n), { instanceOf: UartProxyError });
  t.is(err!.code, 'UARTPROXY_CSUMERR');
  t.is(await proxy.read64(SCRATCH), 7n, 'the refused write did not happen; the scanner resynchronised by itself');
});

test.serial('pty: with a non-silent guard a faulting read prints diagnostics as console text; the reply is still right', async (t) => {
  const { client, proxy } = await (await ptyRig(t)).connect();
  const chunks: Uint8Array[] = [];
  client.onText((bytes) => chunks.push(bytes.slice()));
  await proxy.setExcGuard(Guard.MARK);
  t.is(await proxy.read32(UNMAPPED + 0x40n), GUARD_MARKER_32);
  // The text travels before the reply frame on the same stream, so it has arrived by now.
  const text = Buffer.concat(chunks).toString('latin1');
  t.regex(text, /Exception/);
  t.regex(text, /0x100000040/, 'the diagnostics name the faulting address');
  t.false(text.includes('\xff'), 'no frame bytes leak into the console text');
  t.is(await proxy.getExcCount(), 1);
  t.is(await proxy.read32(SCRATCH), 0n, 'requests after the console text are answered normally');
});

test.serial('pty: the host closes and reopens the same pty path; the machine answers with its RAM intact', async (t) => {
  const rig = await ptyRig(t);
  const data = pattern(256 * 1024, 0x5eed);
  const first = await rig.connect();
  t.is(await first.client.nop(), 1n);
  await first.client.memWrite(SCRATCH, data);
  await first.proxy.write32(SCRATCH - 4n, 0x600dn);
  await first.close();
  t.true(first.transport.closed);

  const second = await rig.connect();
  // A new host negotiates first, as m1n1's own host does on connect (§13.1).
  t.is(await second.client.nop(), 1n);
  t.is(await second.proxy.iodevWhoami(), 4);
  t.is(await second.proxy.read32(SCRATCH - 4n), 0x600dn);
  t.is(firstDifference(await second.client.memRead(SCRATCH, data.length), data), -1, 'what the first host wrote is still there');
  await second.client.nop(0n);
  t.is(firstDifference(await second.client.memRead(SCRATCH, data.length), data), -1, 'also with data checksums on');
});
