// The firmware's receive state machine and reply framing (spec §2, §3.1, §4.1, §4.2), driven
// with the golden frames of spec §2.5 and compared byte for byte with the golden replies.
import test from 'ava';
import { cat, decodeReply, hex, proxy, REQ_NOP, REQ_PROXY, request, toHex, zeros, ascii } from './helpers/bytes.ts';
import { startTarget } from './helpers/harness.ts';

// ---- golden frames, spec §2.5 ----
const NOP_REQ_F1 = cat(hex('ff 55 aa 00 01'), zeros(55), hex('f3 d9 03 1c'));
const NOP_REQ_F0 = cat(hex('ff 55 aa 00'), zeros(56), hex('68 39 97 4b'));
const NOP_REPLY_F1 = cat(hex('ff 55 aa 00 00 00 00 00 01'), zeros(23), hex('2b 2b ec 34'));
const NOP_REPLY_F0 = cat(hex('ff 55 aa 00'), zeros(28), hex('40 4a b6 90'));
const NOP_REPLY_CSUMERR = cat(hex('ff 55 aa 00 fc ff ff ff'), zeros(24), hex('0f b7 35 1f'));
const P_NOP_REQ = cat(hex('ff 55 aa 01'), zeros(56), hex('2b 19 6e 2f'));
const P_NOP_REPLY = cat(hex('ff 55 aa 01 00 00 00 00'), zeros(24), hex('63 64 81 a9'));
const P_EXIT2_REQ = cat(hex('ff 55 aa 01 01 00 00 00 00 00 00 00 02'), zeros(47), hex('c0 68 5b 88'));
const P_EXIT_REPLY = cat(hex('ff 55 aa 01 00 00 00 00 01'), zeros(23), hex('ca c5 f4 cd'));
const UNKNOWN_5555_REPLY = cat(hex('ff 55 aa 01 00 00 00 00 55 55 00 00 00 00 00 00 ff ff ff ff ff ff ff ff'), zeros(8), hex('35 97 f0 3f'));
const START_BOOT = cat(hex('ff 55 aa 04 00 00 00 00'), zeros(24), hex('dc 92 9b f4'));

const tick = () => new Promise((r) => setImmediate(r));

test('USB: NOP with features 1 is accepted (golden reply 0x34EC2B2B), no START_BOOT frame', async (t) => {
  const { host, fw } = startTarget({ channel: 'usb' });
  t.is(await host.settle(), 0, 'nothing is sent on USB before the first request (§15.32)');
  host.send(NOP_REQ_F1);
  const { text, frame } = await host.frame();
  t.is(text, '');
  t.is(toHex(frame), toHex(NOP_REPLY_F1));
  t.true(fw.dataChecksumsDisabled);
  host.send(NOP_REQ_F0);
  t.is(toHex((await host.frame()).frame), toHex(NOP_REPLY_F0), 'a NOP with features 0 re-enables data checksums');
  t.false(fw.dataChecksumsDisabled);
});

test('UART: START_BOOT frame first, then NOP features are refused (golden 0x90B64A40)', async (t) => {
  const { host, fw } = startTarget({ channel: 'uart' });
  t.is(toHex(await host.take(36)), toHex(START_BOOT));
  host.send(NOP_REQ_F1);
  t.is(toHex((await host.frame()).frame), toHex(NOP_REPLY_F0));
  t.false(fw.dataChecksumsDisabled);
});

test('dockchannel UART (iodev 1) also refuses DISABLE_DATA_CSUMS and announces START_BOOT', async (t) => {
  const { host } = startTarget({ channel: 'uart', iodev: 1 });
  t.is(toHex(await host.take(36)), toHex(START_BOOT));
  host.send(NOP_REQ_F1);
  t.is(toHex((await host.frame()).frame), toHex(NOP_REPLY_F0));
});

test('bad request checksum gives the golden ST_CSUMERR reply and nothing is executed', async (t) => {
  const { host, fw } = startTarget();
  const bad = NOP_REQ_F1.slice();
  bad[63] ^= 0x01;
  host.send(bad);
  t.is(toHex((await host.frame()).frame), toHex(NOP_REPLY_CSUMERR));
  t.false(fw.dataChecksumsDisabled, 'the NOP was not applied');
});

test('ST_CSUMERR echoes whatever type word arrived, even an unknown one (§15.44)', async (t) => {
  const { host } = startTarget();
  const bad = request(0x77aa55ff, [1n]);
  bad[10] ^= 0xff;
  host.send(bad);
  const r = decodeReply((await host.frame()).frame);
  t.is(r.type, 0x77aa55ff);
  t.is(r.status, -4);
  t.deepEqual([...r.body], [...zeros(24)]);
  t.true(r.checksumOk);
});

test('P_NOP and P_EXIT(2) give the golden replies; the session ends with 2 after the reply', async (t) => {
  const { host, topLevel } = startTarget();
  host.send(P_NOP_REQ);
  t.is(toHex((await host.frame()).frame), toHex(P_NOP_REPLY));
  host.send(P_EXIT2_REQ);
  t.is(toHex((await host.frame()).frame), toHex(P_EXIT_REPLY));
  t.is(await topLevel, 2);
});

test('P_EXIT(0) ends the session with 1 (§4.2)', async (t) => {
  const { host, topLevel } = startTarget();
  host.send(proxy(0x001, 0n));
  t.is(decodeReply((await host.frame()).frame).opcode, 1n);
  t.is(await topLevel, 1);
});

test('P_EXIT truncates its code to a C int: 2^32 does not end the session, 2^32+5 ends it with 5', async (t) => {
  const { host, topLevel } = startTarget();
  host.send(proxy(0x001, 1n << 32n));
  await host.frame();
  host.send(P_NOP_REQ);
  t.is(toHex((await host.frame()).frame), toHex(P_NOP_REPLY), 'still serving');
  host.send(proxy(0x001, (1n << 32n) + 5n));
  await host.frame();
  t.is(await topLevel, 5);
});

test('unknown opcode 0x5555: proxy status -1, frame status 0 (golden reply)', async (t) => {
  const { host } = startTarget();
  host.send(proxy(0x5555));
  t.is(toHex((await host.frame()).frame), toHex(UNKNOWN_5555_REPLY));
});

test('opcodes the virtual target does not implement yet answer S_BADCMD like m1n1 (e.g. P_CALL)', async (t) => {
  const { host } = startTarget();
  host.send(proxy(0x002, 0x800000000n));
  const r = decodeReply((await host.frame()).frame);
  t.is(r.status, 0);
  t.is(r.opcode, 2n);
  t.is(r.proxyStatus, -1n);
});

test('an opcode with high bits set is unknown, and the full 64-bit opcode is echoed', async (t) => {
  const { host } = startTarget();
  host.send(proxy(0, 0n)); // P_NOP works …
  await host.frame();
  host.send(request(REQ_PROXY, [(1n << 40n) | 0x0n]));
  const r = decodeReply((await host.frame()).frame);
  t.is(r.opcode, 1n << 40n);
  t.is(r.proxyStatus, -1n);
});

test('request types the host must not send (REQ_BOOT, REQ_EVENT, unknown) get ST_BADCMD', async (t) => {
  const { host } = startTarget();
  for (const type of [0x04aa55ff, 0x05aa55ff, 0xeeaa55ff]) {
    host.send(request(type));
    // (The answer to REQ_EVENT carries the event type word: a host must know it asked.)
    const r = decodeReply((await host.frame(0, true)).frame);
    t.is(r.type, type >>> 0);
    t.is(r.status, -1);
    t.true(r.checksumOk);
  }
});

test('garbage and console noise before a frame are discarded', async (t) => {
  const { host } = startTarget();
  // Text, a lone FF, an FF 55 that does not continue, FF FF 55 AA restarting at the second FF
  // would be a frame, so keep the noise free of a complete marker.
  host.send(ascii('TTY> hello\r\n'), hex('ff 00 ff 55 00 ff 55 ab 55 aa ff ff 55'), ascii('!'), NOP_REQ_F1);
  t.is(toHex((await host.frame()).frame), toHex(NOP_REPLY_F1));
  host.send(ascii('x'.repeat(5000)), hex('ff ff ff ff'), NOP_REQ_F0);
  t.is(toHex((await host.frame()).frame), toHex(NOP_REPLY_F0));
});

test('the marker is found when its bytes are preceded by extra FFs (FF FF 55 AA …)', async (t) => {
  const { host } = startTarget();
  host.send(hex('ff ff ff'), NOP_REQ_F1);
  t.is(toHex((await host.frame()).frame), toHex(NOP_REPLY_F1));
});

test('a request split across two writes at every offset', async (t) => {
  const { host } = startTarget();
  for (let cut = 1; cut < 64; cut++) {
    host.send(P_NOP_REQ.subarray(0, cut));
    await tick();
    await tick();
    host.send(P_NOP_REQ.subarray(cut));
    t.is(toHex((await host.frame()).frame), toHex(P_NOP_REPLY), `split at ${cut}`);
  }
});

test('a request sent one byte per write', async (t) => {
  const { host } = startTarget();
  for (const b of P_EXIT2_REQ) {
    host.send(Uint8Array.of(b));
    await tick();
  }
  t.is(toHex((await host.frame()).frame), toHex(P_EXIT_REPLY));
});

test('the shift register survives across chunk boundaries inside the marker', async (t) => {
  const { host } = startTarget();
  for (let cut = 1; cut < 4; cut++) {
    host.send(ascii('noise'), NOP_REQ_F1.subarray(0, cut));
    await tick();
    await tick();
    host.send(NOP_REQ_F1.subarray(cut));
    t.is(toHex((await host.frame()).frame), toHex(NOP_REPLY_F1), `marker split at ${cut}`);
  }
});

test('truncated request then a good one: ST_CSUMERR, then the scanner resynchronises (§3.1)', async (t) => {
  const { host } = startTarget();
  host.send(NOP_REQ_F1.subarray(0, 30));
  await host.settle();
  t.is(host.pending, 0, 'the target waits (no timeouts)');
  // The good frame's first 34 bytes complete the truncated one → CSUMERR with the NOP type;
  // its remaining 30 bytes contain no marker and are skipped.
  host.send(NOP_REQ_F1);
  t.is(toHex((await host.frame()).frame), toHex(NOP_REPLY_CSUMERR));
  t.is(await host.settle(), 0, 'the rest of the good frame is noise');
  host.send(NOP_REQ_F1);
  t.is(toHex((await host.frame()).frame), toHex(NOP_REPLY_F1));
});

test('host recovery: 64 zero bytes complete a pending partial frame, then a NOP works', async (t) => {
  const { host } = startTarget();
  host.send(P_NOP_REQ.subarray(0, 10));
  await host.settle();
  host.send(zeros(64));
  const r = decodeReply((await host.frame()).frame);
  t.is(r.status, -4);
  t.is(r.type, REQ_PROXY);
  host.send(NOP_REQ_F1);
  t.is(toHex((await host.frame()).frame), toHex(NOP_REPLY_F1));
});

test('back-to-back requests in one write are all answered in order', async (t) => {
  const { host } = startTarget();
  host.send(NOP_REQ_F1, P_NOP_REQ, NOP_REQ_F0, P_EXIT2_REQ);
  t.is(toHex((await host.frame()).frame), toHex(NOP_REPLY_F1));
  t.is(toHex((await host.frame()).frame), toHex(P_NOP_REPLY));
  t.is(toHex((await host.frame()).frame), toHex(NOP_REPLY_F0));
  t.is(toHex((await host.frame()).frame), toHex(P_EXIT_REPLY));
});

test('bytes after the exiting request stay buffered for the next session', async (t) => {
  const { host, fw, topLevel } = startTarget();
  host.send(P_EXIT2_REQ, P_NOP_REQ);
  await host.frame();
  t.is(await topLevel, 2);
  const again = fw.runTopLevel();
  t.is(toHex((await host.frame()).frame), toHex(P_NOP_REPLY));
  host.send(P_EXIT2_REQ);
  await host.frame();
  t.is(await again, 2);
});

test('REQ_NOP only honours bit 0 of the requested features', async (t) => {
  const { host } = startTarget();
  host.send(request(REQ_NOP, [0xffff_fffen]));
  const r = decodeReply((await host.frame()).frame);
  t.is(r.status, 0);
  t.deepEqual([...r.body], [...zeros(24)]);
});
