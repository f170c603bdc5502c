// Marshalling and refusal rules of the typed client (spec §7.1, §6.3, §6.7) against a recording
// fake transport, plus the golden request bytes of spec §2.5 for two ops.
import test from 'ava';
import { HvdbgError } from '../../core/errors.ts';
import { HostHeap } from '../../core/proxy/host-heap.ts';
import { OPCODES } from '../../core/proxy/opcodes.ts';
import { M1n1Proxy } from '../../core/proxy/proxy.ts';
import { encodeProxy } from '../../core/uartproxy/frame-encoder.ts';
import { RecordingTransport } from './fake-transport.ts';
import { hex } from '../helpers/bytes.ts';

const H = 0x9_0000_0000n;
const F = 0x8_0000_4000n;

function setup(heapBytes: number | null = 1 << 20) {
  const fake = new RecordingTransport();
  const proxy = new M1n1Proxy(fake);
  const heap = heapBytes === null ? null : new HostHeap(H, heapBytes);
  if (heap) proxy.useHeap(heap);
  return { fake, proxy, heap };
}

const zeros = (n: number) => Array<string>(n).fill('00').join(' ');

test('golden bytes §2.5: P_GET_BOOTARGS request', async (t) => {
  const { fake, proxy } = setup();
  await proxy.getBootargs();
  const { opcode, args } = fake.proxyCalls[0]!;
  t.deepEqual(encodeProxy(opcode, args), hex(`ff 55 aa 01 03 ${zeros(55)} 40 79 c3 1a`));
});

test('golden bytes §2.5: P_EXIT(2) request', async (t) => {
  const { fake, proxy } = setup();
  await proxy.exit(2);
  const { opcode, args } = fake.proxyCalls[0]!;
  t.deepEqual(encodeProxy(opcode, args), hex(`ff 55 aa 01 01 00 00 00 00 00 00 00 02 ${zeros(47)} c0 68 5b 88`));
});

test('a string op without a heap fails with PROXY_NO_HEAP and sends nothing', async (t) => {
  const { fake, proxy } = setup(null);
  const err = await t.throwsAsync(proxy.kbootSetChosen('bootargs', '-v'), { instanceOf: HvdbgError });
  t.is(err?.code, 'PROXY_NO_HEAP');
  t.regex(err?.hint ?? '', /useHeap/);
  t.deepEqual(fake.calls, []);
});

test('useHeap(null) removes the heap again', async (t) => {
  const { fake, proxy } = setup();
  proxy.useHeap(null);
  await t.throwsAsync(proxy.dapfInit('/arm-io/dart-disp0'), { any: true, message: /scratch area/ });
  t.deepEqual(fake.calls, []);
});

test('scratch buffers are freed when the op is rejected by the transport', async (t) => {
  const { fake, proxy, heap } = setup();
  fake.reply(OPCODES.P_TUNABLES_APPLY_GLOBAL, new Error('link lost'));
  await t.throwsAsync(proxy.tunablesApplyGlobal('/arm-io/ans', 'tunable'), { message: 'link lost' });
  t.is(heap!.usedBytes, 0);
});

test('a failed REQ_MEMWRITE of an argument stops before the op is sent', async (t) => {
  const { fake, proxy, heap } = setup();
  fake.memWriteError = new Error('ST_XFRERR');
  await t.throwsAsync(proxy.pmgrAdtPowerEnable('/arm-io/uart0'), { message: 'ST_XFRERR' });
  t.deepEqual(fake.proxyCalls, []);
  t.is(heap!.usedBytes, 0);
});

test('heap exhaustion: PROXY_HEAP_EXHAUSTED, nothing sent, nothing leaked', async (t) => {
  const { fake, proxy, heap } = setup(64);
  const err = await t.throwsAsync(proxy.kbootSetChosen('a', 'b'), { instanceOf: HvdbgError });
  t.is(err?.code, 'PROXY_HEAP_EXHAUSTED');
  t.deepEqual(fake.calls, []);
  t.is(heap!.usedBytes, 0);
});

test('a string with a NUL is refused (it would be cut short on the target)', async (t) => {
  const { fake, proxy } = setup();
  const err = await t.throwsAsync(proxy.displayConfigure('a\0b'), { instanceOf: HvdbgError });
  t.is(err?.code, 'PROXY_BAD_ARGUMENT');
  t.deepEqual(fake.calls, []);
});

test('an empty buffer still gets a pointer but needs no REQ_MEMWRITE', async (t) => {
  const { fake, proxy } = setup();
  await proxy.iodevWrite(3, new Uint8Array(0));
  t.deepEqual(fake.memWrites, []);
  t.deepEqual(fake.proxyCalls[0]!.args, [3n, H, 0n]);
});

const refusals: Array<[string, (p: M1n1Proxy) => Promise<unknown>, string]> = [
  ['read32 misaligned', (p) => p.read32(0x1002n), 'PROXY_MISALIGNED'],
  ['write16 misaligned', (p) => p.write16(0x1001n, 1n), 'PROXY_MISALIGNED'],
  ['raw write64 at a 4-aligned address (WidthAccess splits it)', (p) => p.write64(0x1004n, 1n), 'PROXY_MISALIGNED'],
  ['mask32 misaligned', (p) => p.mask32(0x1006n, 1n, 2n), 'PROXY_MISALIGNED'],
  ['writeread64 misaligned', (p) => p.writeread64(0x1004n, 1n), 'PROXY_MISALIGNED'],
  ['memcpy64 misaligned src', (p) => p.memcpy64(0x1000n, 0x2004n, 16), 'PROXY_MISALIGNED'],
  ['memset32 misaligned dst', (p) => p.memset32(0x1002n, 0n, 16), 'PROXY_MISALIGNED'],
  ['smpCall cpu 24', (p) => p.smpCall(24, F), 'PROXY_BAD_ARGUMENT'],
  ['hvSwitchCpu cpu 24 (firmware bound check is off by one, §15.33)', (p) => p.hvSwitchCpu(24), 'PROXY_BAD_ARGUMENT'],
  ['hvPinCpu(-2)', (p) => p.hvPinCpu(-2), 'PROXY_BAD_ARGUMENT'],
  ['smpWait(-1)', (p) => p.smpWait(-1), 'PROXY_BAD_ARGUMENT'],
  ['dartInit sid 256', (p) => p.dartInit(F, 256), 'PROXY_BAD_ARGUMENT'],
  ['udelay 1.5', (p) => p.udelay(1.5), 'PROXY_BAD_ARGUMENT'],
  ['write32 value beyond 64 bits', (p) => p.write32(0x1000n, 1n << 64n), 'PROXY_BAD_ARGUMENT'],
  ['hvAddTime below -2^63', (p) => p.hvAddTime(-(1n << 63n) - 1n), 'PROXY_BAD_ARGUMENT'],
  ['fbBlit with too few pixel bytes', (p) => p.fbBlit(0, 0, 2, 2, new Uint8Array(8), 2), 'PROXY_BAD_ARGUMENT'],
  ['iodevWrite to a target buffer without a size', (p) => p.iodevWrite(3, F), 'PROXY_BAD_ARGUMENT'],
  ['call with six register values (JS caller)', (p) => (p.call as (...a: bigint[]) => Promise<bigint>)(F, 1n, 2n, 3n, 4n, 5n, 6n), 'PROXY_BAD_ARGUMENT'],
  ['request with seven arguments', (p) => p.request('P_NOP', [0n, 0n, 0n, 0n, 0n, 0n, 0n]), 'PROXY_BAD_ARGUMENT'],
  ['request of an unknown name', (p) => p.request('P_BOGUS' as 'P_NOP'), 'PROXY_BAD_ARGUMENT'],
];

for (const [title, call, code] of refusals) {
  test(`refused locally, nothing sent: ${title}`, async (t) => {
    const { fake, proxy } = setup();
    const err = await t.throwsAsync(call(proxy), { instanceOf: HvdbgError });
    t.is(err?.code, code);
    t.truthy(err?.hint);
    t.deepEqual(fake.calls, []);
  });
}

test('ops are handed to the transport synchronously, in call order (pipelining)', async (t) => {
  const { fake, proxy } = setup();
  fake.gated = true;
  const a = proxy.read32(0x1000n);
  const b = proxy.write64(0x2000n, 5n);
  const c = proxy.getExcCount();
  t.deepEqual(
    fake.proxyCalls.map((p) => p.opcode),
    [OPCODES.P_READ32, OPCODES.P_WRITE64, OPCODES.P_GET_EXC_COUNT],
    'all three issued before any reply',
  );
  fake.release();
  t.deepEqual(await Promise.all([a, b, c]), [0n, undefined, 0]);
});

test('request() sends a raw unknown opcode as is (the target answers S_BADCMD)', async (t) => {
  const { fake, proxy } = setup();
  await proxy.request(0x5555, [1n, -1]);
  const { opcode, args, opts } = fake.proxyCalls[0]!;
  t.deepEqual({ opcode, args, opts }, { opcode: 0x5555, args: [1n, (1n << 64n) - 1n], opts: { label: '0x5555' } });
});

test('request() timeout override, and the longTimeoutMs option for long ops', async (t) => {
  const fake = new RecordingTransport();
  const proxy = new M1n1Proxy(fake, { longTimeoutMs: 60_000 });
  await proxy.request('P_READ32', [0x1000n], { timeoutMs: 50 });
  await proxy.gzdec(F, 10, 0x9000n, 100);
  t.deepEqual(fake.proxyCalls[0]!.opts, { label: 'P_READ32', timeoutMs: 50 });
  t.deepEqual(fake.proxyCalls[1]!.opts, { label: 'P_GZDEC', timeoutMs: 60_000 });
});

test('setBaud switches the host after sending and before the reply (§15.1)', async (t) => {
  const { fake, proxy } = setup();
  fake.gated = true;
  const seen: Array<{ baud: number; sent: number; replied: boolean }> = [];
  let replied = false;
  const done = proxy
    .setBaud(1_500_000, {
      switchHost: (baud) => {
        seen.push({ baud, sent: fake.proxyCalls.length, replied });
        fake.release();
      },
    })
    .then(() => (replied = true));
  await done;
  t.deepEqual(seen, [{ baud: 1_500_000, sent: 1, replied: false }]);
  t.deepEqual(fake.proxyCalls[0]!.args, [1_500_000n, 16n, 0x005aa5f0n]);
});

test('withMmuDisabled restores SCTLR even when the body fails', async (t) => {
  const { fake, proxy } = setup();
  fake.reply(OPCODES.P_MMU_DISABLE, 0x1805n);
  await t.throwsAsync(
    proxy.withMmuDisabled(async () => {
      throw new Error('body');
    }),
    { message: 'body' },
  );
  t.deepEqual(
    fake.proxyCalls.map((p) => [p.opcode, p.args]),
    [
      [OPCODES.P_MMU_DISABLE, []],
      [OPCODES.P_MMU_RESTORE, [0x1805n]],
    ],
  );
});
