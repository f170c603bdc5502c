// Width-generic checked access (spec §7.2) over a recording fake transport.
import test from 'ava';
import { HvdbgError } from '../../core/errors.ts';
import { OPCODES } from '../../core/proxy/opcodes.ts';
import { M1n1Proxy } from '../../core/proxy/proxy.ts';
import { WidthAccess, type WideWidth } from '../../core/proxy/width-access.ts';
import { RecordingTransport } from './fake-transport.ts';

const { P_READ8, P_READ16, P_READ32, P_READ64, P_WRITE8, P_WRITE32, P_WRITE64, P_GET_EXC_COUNT } = OPCODES;

function setup(options?: { clearStaleCount?: boolean }) {
  const fake = new RecordingTransport();
  const proxy = new M1n1Proxy(fake);
  return { fake, proxy, access: new WidthAccess(proxy, options) };
}

const sent = (fake: RecordingTransport) => fake.proxyCalls.map((c) => [c.opcode, ...c.args]);

test('8/16/32-bit reads: one access then P_GET_EXC_COUNT', async (t) => {
  const { fake, access } = setup();
  fake.reply(P_READ8, 0xean).reply(P_READ16, 0x1dean).reply(P_READ32, 0xabad1dean);
  t.is(await access.read(0x1001n, 8), 0xean);
  t.is(await access.read(0x1002n, 16), 0x1dean);
  t.is(await access.read(0x1004n, 32), 0xabad1dean);
  t.deepEqual(sent(fake), [
    [P_READ8, 0x1001n],
    [P_GET_EXC_COUNT],
    [P_READ16, 0x1002n],
    [P_GET_EXC_COUNT],
    [P_READ32, 0x1004n],
    [P_GET_EXC_COUNT],
  ]);
});

test('64-bit read at an 8-aligned address is one P_READ64', async (t) => {
  const { fake, access } = setup();
  fake.reply(P_READ64, 0x1122_3344_5566_7788n);
  t.is(await access.read(0x1008n, 64), 0x1122_3344_5566_7788n);
  t.deepEqual(sent(fake), [[P_READ64, 0x1008n], [P_GET_EXC_COUNT]]);
});

test('64-bit read at a 4-aligned address: two P_READ32, low word first, combined', async (t) => {
  const { fake, access } = setup();
  fake.reply(P_READ32, 0x5566_7788n, 0x1122_3344n);
  t.is(await access.read(0x1004n, 64), 0x1122_3344_5566_7788n);
  t.deepEqual(sent(fake), [[P_READ32, 0x1004n], [P_READ32, 0x1008n], [P_GET_EXC_COUNT]]);
});

test('64-bit write at a 4-aligned address: two P_WRITE32, low word first', async (t) => {
  const { fake, access } = setup();
  await access.write(0x1004n, 0x1122_3344_5566_7788n, 64);
  t.deepEqual(sent(fake), [[P_WRITE32, 0x1004n, 0x5566_7788n], [P_WRITE32, 0x1008n, 0x1122_3344n], [P_GET_EXC_COUNT]]);
});

test('128-bit read is two 64-bit reads at +0 and +8, returned as a list', async (t) => {
  const { fake, access } = setup();
  fake.reply(P_READ64, 1n, 2n);
  t.deepEqual(await access.read(0x2000n, 128), [1n, 2n]);
  t.deepEqual(sent(fake), [[P_READ64, 0x2000n], [P_READ64, 0x2008n], [P_GET_EXC_COUNT]]);
});

test('256/512-bit writes are 4/8 64-bit writes', async (t) => {
  for (const width of [256, 512] as WideWidth[]) {
    const { fake, access } = setup();
    const words = Array.from({ length: width / 64 }, (_, i) => BigInt(i + 1));
    await access.write(0x3000n, words, width);
    t.deepEqual(sent(fake), [...words.map((w, i) => [P_WRITE64, 0x3000n + 8n * BigInt(i), w]), [P_GET_EXC_COUNT]]);
  }
});

test('the access and the exception-count read are pipelined: issued before any reply', async (t) => {
  const { fake, access } = setup();
  fake.gated = true;
  fake.reply(P_READ32, 0x2n, 0x1n);
  const pending = access.read(0x1004n, 64);
  t.deepEqual(sent(fake), [[P_READ32, 0x1004n], [P_READ32, 0x1008n], [P_GET_EXC_COUNT]]);
  fake.release();
  t.is(await pending, 0x1_0000_0002n);
});

test('misaligned accesses are refused locally with nothing sent', async (t) => {
  const { fake, access } = setup();
  const cases: Array<() => Promise<unknown>> = [
    () => access.read(0x1001n, 16),
    () => access.read(0x1002n, 32),
    () => access.read(0x1002n, 64),
    () => access.write(0x1006n, [0n, 0n], 128),
    () => access.write(0x1001n, 1n, 32),
  ];
  for (const c of cases) {
    const err = await t.throwsAsync(c(), { instanceOf: HvdbgError });
    t.is(err?.code, 'PROXY_MISALIGNED');
  }
  t.deepEqual(fake.calls, []);
});

test('bad widths and values are refused locally', async (t) => {
  const { fake, access } = setup();
  for (const c of [
    () => access.read(0x1000n, 24 as 32),
    () => access.write(0x1000n, 0x100n, 8),
    () => access.write(0x1000n, -1n, 32),
    () => access.write(0x1000n, [1n], 128),
    () => access.read(-8n, 64),
  ]) {
    const err = await t.throwsAsync(c(), { instanceOf: HvdbgError });
    t.is(err?.code, 'PROXY_BAD_ARGUMENT');
  }
  t.deepEqual(fake.calls, []);
});

test('a non-zero exception count rejects with PROXY_EXCEPTION naming the address', async (t) => {
  const { fake, access } = setup();
  fake.reply(P_READ32, 0xabad1dean).reply(P_GET_EXC_COUNT, 1n);
  const err = await t.throwsAsync(access.read(0x2_3b10_0000n, 32), { instanceOf: HvdbgError });
  t.is(err?.code, 'PROXY_EXCEPTION');
  t.regex(err!.message, /0x23b100000/);
  t.truthy(err?.hint);
});

test('a failed write reports PROXY_EXCEPTION too', async (t) => {
  const { fake, access } = setup();
  fake.reply(P_GET_EXC_COUNT, 2n);
  const err = await t.throwsAsync(access.write(0x1000n, 1n, 8), { instanceOf: HvdbgError });
  t.is(err?.code, 'PROXY_EXCEPTION');
  t.deepEqual(sent(fake), [[P_WRITE8, 0x1000n, 1n], [P_GET_EXC_COUNT]]);
});

test('a transport failure of the access wins over the count', async (t) => {
  const { fake, access } = setup();
  fake.reply(P_READ64, new Error('timeout'));
  await t.throwsAsync(access.read(0x1000n, 64), { message: 'timeout' });
});

test('clearStaleCount reads the counter before the access as well, still pipelined', async (t) => {
  const { fake, access } = setup({ clearStaleCount: true });
  fake.reply(P_GET_EXC_COUNT, 3n, 0n).reply(P_READ32, 9n);
  t.is(await access.read(0x1000n, 32), 9n, 'a stale count of 3 is not blamed on this read');
  t.deepEqual(sent(fake), [[P_GET_EXC_COUNT], [P_READ32, 0x1000n], [P_GET_EXC_COUNT]]);
});

test('guarded() runs the body, then checks the counter', async (t) => {
  const { fake, proxy, access } = setup();
  t.is(await access.guarded(() => proxy.set32(0x1000n, 1n)), 0n);
  t.deepEqual(sent(fake), [[OPCODES.P_SET32, 0x1000n, 1n], [P_GET_EXC_COUNT]]);

  fake.reply(P_GET_EXC_COUNT, 1n);
  const err = await t.throwsAsync(access.guarded(() => proxy.memset8(0x1000n, 0n, 16), 'clearing the buffer', 0x1000n), {
    instanceOf: HvdbgError,
  });
  t.is(err?.code, 'PROXY_EXCEPTION');
  t.regex(err!.message, /clearing the buffer at 0x1000/);
});
