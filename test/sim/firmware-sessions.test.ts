// Nested callback sessions (spec §9.4), events (§2.4), console text (§1.4), bytes received while
// an op runs (§9.8) and the channel closing or being replaced (§1.2, §9.3).
import test from 'ava';
import { OPCODES } from '../../core/proxy/opcodes.ts';
import { checksum, checksumFinish, checksumUpdate, CHECKSUM_INIT } from '../../core/uartproxy/checksum.ts';
import { createMemoryPair } from '../../core/transport/memory-pair.ts';
import { EXIT_TARGET_RESET, type FirmwareServices, type OpFamily } from '../../sim/firmware/index.ts';
import { ascii, cat, decodeReply, hex, proxy, request, REQ_MEMREAD, toHex, zeros } from './helpers/bytes.ts';
import { HostEnd, RAM_BASE, startTarget } from './helpers/harness.ts';

const O = OPCODES;
const NOP_REQ_F1 = cat(hex('ff 55 aa 00 01'), zeros(55), hex('f3 d9 03 1c'));
const P_NOP_REQ = cat(hex('ff 55 aa 01'), zeros(56), hex('2b 19 6e 2f'));
const P_NOP_REPLY = cat(hex('ff 55 aa 01 00 00 00 00'), zeros(24), hex('63 64 81 a9'));
const P_EXIT2_REQ = cat(hex('ff 55 aa 01 01 00 00 00 00 00 00 00 02'), zeros(47), hex('c0 68 5b 88'));
const P_EXIT_REPLY = cat(hex('ff 55 aa 01 00 00 00 00 01'), zeros(23), hex('ca c5 f4 cd'));
const BOOT_HV_HOOK = cat(hex('ff 55 aa 04 00 00 00 00 03 00 00 00 01 00 00 00 00 cd ab 00 00 01 00 00'), zeros(8), hex('b3 75 06 76'));
const IRQ_PAYLOAD = hex('01 00 00 00 01 00 2a 00');
const IRQ_EVENT = hex('ff 55 aa 05 08 00 02 00 01 00 00 00 01 00 2a 00 9d 8a 74 2a');
const MMIO_PAYLOAD = hex('22 00 00 00 00 00 00 00 56 34 12 07 00 fe ff ff 00 00 10 3b 02 00 00 00 01 00 00 00 00 00 00 00');
const MMIO_EVENT = cat(hex('ff 55 aa 05 20 00 01 00'), MMIO_PAYLOAD, hex('2b 77 d0 64'));

type Host = HostEnd;

async function call(host: Host, opcode: number, ...args: bigint[]) {
  host.send(proxy(opcode, ...args));
  return decodeReply((await host.frame()).frame);
}

/** An op standing in for P_HV_START: runs `guest` with the firmware services, replies with its result. */
function guestOp(guest: (fw: FirmwareServices) => Promise<bigint>): OpFamily {
  return { family: 'test-hv', ops: [{ name: 'P_HV_START', handler: (_a, ctx) => guest(ctx.firmware) }] };
}

test('nested callback sessions: REQ_BOOT per callback, requests served inside, the outer reply comes last', async (t) => {
  const { host, ram } = startTarget({
    families: [
      guestOp(async (fw) => {
        const first = await fw.runCallbackSession(3, 1, 0x10000abcd00n);
        const second = await fw.runCallbackSession(2, 0, RAM_BASE + 0x4000n);
        return BigInt(first * 10 + second);
      }),
    ],
  });
  ram.write(RAM_BASE, 8, 0x0123456789abcdefn);
  host.send(proxy(O.P_HV_START, RAM_BASE + 0x10000n));

  t.is(toHex((await host.frame()).frame), toHex(BOOT_HV_HOOK), 'golden callback REQ_BOOT (reason 3, code 1)');
  t.is((await call(host, O.P_READ64, RAM_BASE)).retval, 0x0123456789abcdefn);
  host.send(P_EXIT2_REQ);
  t.is(toHex((await host.frame()).frame), toHex(P_EXIT_REPLY));

  const boot = decodeReply((await host.frame()).frame);
  t.is(boot.type, 0x04aa55ff);
  t.is(boot.status, 0);
  t.deepEqual(
    [boot.word, new DataView(boot.body.buffer).getUint32(4, true), new DataView(boot.body.buffer).getBigUint64(8, true)],
    [2, 0, RAM_BASE + 0x4000n],
  );
  t.true(boot.checksumOk);
  t.is((await call(host, O.P_READ32, RAM_BASE)).retval, 0x89abcdefn);
  t.is((await call(host, O.P_EXIT, 3n)).opcode, BigInt(O.P_EXIT));

  const outer = decodeReply((await host.frame()).frame);
  t.is(outer.opcode, BigInt(O.P_HV_START));
  t.is(outer.retval, 23n);
  t.is(await host.settle(), 0);
});

test('callback sessions nest inside callback sessions (a CPU switch inside a callback)', async (t) => {
  const switchCpu: OpFamily = {
    family: 'test-switch',
    ops: [{ name: 'P_HV_SWITCH_CPU', handler: async (a, ctx) => BigInt(await ctx.firmware.runCallbackSession(3, 5, a[0]!)) }],
  };
  const { host } = startTarget({ families: [guestOp(async (fw) => BigInt(await fw.runCallbackSession(3, 1, 0n))), switchCpu] });
  host.send(proxy(O.P_HV_START));
  t.is(decodeReply((await host.frame()).frame).type, 0x04aa55ff);
  host.send(proxy(O.P_HV_SWITCH_CPU, 7n));
  const inner = decodeReply((await host.frame()).frame);
  t.is(inner.type, 0x04aa55ff);
  t.is(new DataView(inner.body.buffer).getUint32(4, true), 5);
  t.is((await call(host, O.P_NOP)).status, 0);
  t.is((await call(host, O.P_EXIT, 2n)).opcode, 1n); // ends the innermost session
  t.is((await host.frame().then((f) => decodeReply(f.frame))).retval, 2n, 'P_HV_SWITCH_CPU replies with the inner result');
  t.is((await call(host, O.P_EXIT, 3n)).opcode, 1n);
  t.is((await host.frame().then((f) => decodeReply(f.frame))).retval, 3n, 'P_HV_START replies last');
});

test('bytes received while an op runs stay buffered and are reported (user interrupt, §9.8)', async (t) => {
  let interrupt!: () => void;
  const interrupted = new Promise<void>((r) => (interrupt = r));
  const seen: number[] = [];
  const { host, fw } = startTarget({
    families: [
      guestOp(async (f) => {
        await interrupted; // "the guest runs" until the host sends something
        return BigInt(await f.runCallbackSession(3, 3, 0n));
      }),
    ],
  });
  fw.onBytesWhileBusy((chunk) => {
    seen.push(...chunk);
    interrupt();
  });
  host.send(proxy(O.P_HV_START));
  t.is(await host.settle(), 0, 'no reply while the guest runs');
  t.is(fw.canRead(), 0);
  host.send(ascii('!'));
  const boot = decodeReply((await host.frame()).frame);
  t.is(boot.type, 0x04aa55ff);
  t.is(new DataView(boot.body.buffer).getUint32(4, true), 3, 'USER_INTERRUPT');
  t.deepEqual(seen, [0x21]);
  // The '!' is scanned as noise by the callback session; bytes inside it are not "while busy".
  host.send(P_NOP_REQ);
  t.is(toHex((await host.frame()).frame), toHex(P_NOP_REPLY));
  host.send(P_EXIT2_REQ);
  await host.frame();
  t.is(decodeReply((await host.frame()).frame).retval, 2n);
  t.deepEqual(seen, [0x21]);
});

test('only one session reads at a time: a callback session outside an op handler is refused', async (t) => {
  const { fw } = startTarget();
  await t.throwsAsync(fw.runCallbackSession(3, 1, 0n), { code: 'SIM_SESSION_BUSY' });
  await t.throwsAsync(fw.runTopLevel(), { code: 'SIM_SESSION_BUSY' });
});

test('a callback session can run with no session active (the guest started by the machine itself)', async (t) => {
  const { host, fw } = startTarget({ noTopLevel: true });
  const session = fw.runCallbackSession(3, 2, 0n);
  t.is(decodeReply((await host.frame()).frame).type, 0x04aa55ff);
  await call(host, O.P_EXIT, 2n);
  t.is(await session, 2);
  t.is(fw.sessionDepth, 0);
});

test('events with data checksums on and off match the golden IRQ-trace and MMIO-trace frames', async (t) => {
  const { host, fw } = startTarget();
  fw.emitEvent(2, IRQ_PAYLOAD);
  fw.emitEvent(1, MMIO_PAYLOAD);
  t.is(toHex((await host.frame()).frame), toHex(IRQ_EVENT));
  t.is(toHex((await host.frame()).frame), toHex(MMIO_EVENT));
  host.send(NOP_REQ_F1);
  await host.frame();
  fw.emitEvent(2, IRQ_PAYLOAD);
  t.is(toHex((await host.frame()).frame), toHex(cat(IRQ_EVENT.subarray(0, 16), hex('de ca de d0'))));
});

test('an event emitted by a running op arrives before its reply; oversized payloads are refused', async (t) => {
  const { host, fw } = startTarget({
    families: [
      guestOp(async (f) => {
        f.emitEvent(2, IRQ_PAYLOAD);
        f.console('HV: something\n');
        return 0n;
      }),
    ],
  });
  host.send(proxy(O.P_HV_START));
  t.is(toHex((await host.frame()).frame), toHex(IRQ_EVENT));
  const reply = await host.frame();
  t.is(reply.text, 'HV: something\n');
  t.is(decodeReply(reply.frame).opcode, BigInt(O.P_HV_START));
  t.throws(() => fw.emitEvent(1, new Uint8Array(0x10000)), { code: 'SIM_EVENT_TOO_LARGE' });
});

test('console text goes between frames and to the local mirror', async (t) => {
  const { host, fw, consoleText } = startTarget();
  fw.console('m1n1 says hi\n');
  host.send(P_NOP_REQ);
  const r = await host.frame();
  t.is(r.text, 'm1n1 says hi\n');
  t.is(toHex(r.frame), toHex(P_NOP_REPLY));
  t.deepEqual(consoleText, ['m1n1 says hi\n']);
});

test('a streamed MEMREAD holds the output lock: text and events wait until its last byte', async (t) => {
  const { host, fw } = startTarget();
  const size = (64 << 20) + 16;
  host.send(request(REQ_MEMREAD, [RAM_BASE, BigInt(size)]));
  while (host.pending <= 36) await new Promise((r) => setImmediate(r));
  fw.console('in the middle\n');
  fw.emitEvent(2, IRQ_PAYLOAD);
  const { frame, payload } = await host.frame(size);
  const r = decodeReply(frame);
  t.is(r.status, 0);
  const zeroChunk = new Uint8Array(1 << 20);
  let state = CHECKSUM_INIT;
  for (let i = 0; i < 64; i++) state = checksumUpdate(state, zeroChunk);
  t.is(r.word, checksumFinish(checksumUpdate(state, zeroChunk, 0, 16)));
  t.true(payload.every((b) => b === 0));
  const next = await host.frame();
  t.is(next.text, 'in the middle\n');
  t.is(toHex(next.frame), toHex(IRQ_EVENT));
});

test('top level: the host closes and reconnects; the target keeps all its state (§1.2)', async (t) => {
  const { host, fw, hostT } = startTarget();
  host.send(NOP_REQ_F1);
  await host.frame();
  await hostT.close();
  await host.settle();
  const [h2, t2] = createMemoryPair();
  fw.attach(t2);
  const host2 = new HostEnd(h2);
  host2.send(P_NOP_REQ);
  t.is(toHex((await host2.frame()).frame), toHex(P_NOP_REPLY));
  t.true(fw.dataChecksumsDisabled, 'negotiated features survive the reconnect');
  host2.send(request(REQ_MEMREAD, [RAM_BASE, 4n]));
  const r = decodeReply((await host2.frame(8)).frame);
  t.is(r.word, 0xd0decade);
});

test('callback session waiting for a request survives a close; the next transport completes it (§1.2)', async (t) => {
  let result = 0;
  const { host, fw, hostT } = startTarget({
    families: [
      guestOp(async (f) => {
        result = await f.runCallbackSession(3, 1, 0n);
        return BigInt(result);
      }),
    ],
  });
  host.send(proxy(O.P_HV_START));
  await host.frame(); // REQ_BOOT
  await hostT.close();
  await host.settle();
  t.is(result, 0, 'still waiting');
  const [h2, t2] = createMemoryPair();
  fw.attach(t2);
  const host2 = new HostEnd(h2);
  host2.send(P_EXIT2_REQ);
  t.is(toHex((await host2.frame()).frame), toHex(P_EXIT_REPLY));
  t.is(decodeReply((await host2.frame()).frame).retval, 2n);
  t.is(result, 2);
});

test('a callback session whose first read starts on a closed USB pipe ends with -1 (§3.1, §9.3)', async (t) => {
  let go!: () => void;
  const gate = new Promise<void>((r) => (go = r));
  let result = 0;
  const { host, fw, hostT } = startTarget({
    families: [
      guestOp(async (f) => {
        await gate;
        result = await f.runCallbackSession(3, 1, 0n);
        return 0n;
      }),
    ],
  });
  host.send(proxy(O.P_HV_START));
  await host.settle();
  await hostT.close();
  await host.settle();
  go();
  await host.settle();
  t.is(result, -1);
  // The top-level session polls on; a new host is served.
  const [h2, t2] = createMemoryPair();
  fw.attach(t2);
  const host2 = new HostEnd(h2);
  host2.send(P_NOP_REQ);
  t.is(toHex((await host2.frame()).frame), toHex(P_NOP_REPLY));
});

test('on a UART nothing fails while detached: the callback session just waits for bytes', async (t) => {
  let result = 0;
  const { host, fw, hostT } = startTarget({
    channel: 'uart',
    families: [
      guestOp(async (f) => {
        result = await f.runCallbackSession(3, 1, 0n);
        return 0n;
      }),
    ],
  });
  await host.take(36); // START_BOOT
  host.send(proxy(O.P_HV_START));
  await host.frame();
  await hostT.close();
  fw.attach(null);
  await host.settle();
  t.is(result, 0);
  const [h2, t2] = createMemoryPair();
  fw.attach(t2);
  const host2 = new HostEnd(h2);
  host2.send(P_EXIT2_REQ);
  t.is(toHex((await host2.frame()).frame), toHex(P_EXIT_REPLY));
  await host2.settle();
  t.is(result, 2);
});

test('frame checksums in replies stay real checksums with data checksums disabled (§2.6)', async (t) => {
  const { host } = startTarget();
  host.send(NOP_REQ_F1);
  const { frame } = await host.frame();
  t.is(new DataView(frame.buffer).getUint32(32, true), checksum(frame, 0, 32));
});

test('a handler that returns while its callback session still runs is a firmware panic', async (t) => {
  const { host, resets, topLevel } = startTarget({
    families: [
      guestOp(async (f) => {
        void f.runCallbackSession(3, 1, 0n).catch(() => undefined);
        return 0n;
      }),
    ],
  });
  host.send(proxy(O.P_HV_START));
  t.is(await topLevel, EXIT_TARGET_RESET);
  t.is(resets[0]?.cause, 'FIRMWARE_PANIC');
});
