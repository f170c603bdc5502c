// UartProxyClient request/reply behaviour against the scripted fake target.
import test from 'ava';
import { UartProxyError, type UartProxyErrorCode } from '../../core/uartproxy/errors.ts';
import { ST_BADCMD, ST_CSUMERR, ST_INVAL, ST_XFRERR, replyFrame, proxyBody, T_PROXY, eventFrame } from './fake-target.ts';
import { OP, harness, until } from './client-harness.ts';
import { hex, toHex as show } from '../helpers/bytes.ts';

test('nop() over USB enables DISABLE_DATA_CSUMS; over a UART it stays off', async (t) => {
  const usb = harness();
  t.true(usb.client.dataChecksums);
  t.is(await usb.client.nop(), 1n);
  t.false(usb.client.dataChecksums);
  t.is(usb.client.features, 1n);
  // What went out is the §2.5 worked example byte for byte.
  const golden = hex(`ff 55 aa 00 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
                      00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 f3 d9 03 1c`);
  t.is(show(usb.target.requests[0]!.raw), show(golden));

  const uart = harness();
  uart.target.uart = true;
  t.is(await uart.client.nop(), 0n);
  t.true(uart.client.dataChecksums);
});

test('pipelined proxy calls all go out before the first reply and resolve in order', async (t) => {
  const { client, target } = harness();
  target.batchReplies = true;
  target.on(OP.P_READ32, (req) => req.args[0]! + 1n);
  const results = await Promise.all(Array.from({ length: 32 }, (_, i) => client.proxy(OP.P_READ32, [BigInt(i * 4)])));
  t.deepEqual(results, Array.from({ length: 32 }, (_, i) => BigInt(i * 4 + 1)));
  t.is(target.maxInFlight, 32);
});

test('arguments: missing ones are 0, negative ones go out as two\'s complement, retval is u64', async (t) => {
  const { client, target } = harness();
  target.on(0x002, () => (1n << 64n) - 2n);
  t.is(await client.proxy(0x002, [0x1234n, -2n]), (1n << 64n) - 2n);
  t.deepEqual(target.requests[0]!.args, [0x1234n, (1n << 64n) - 2n, 0n, 0n, 0n, 0n]);
});

test('unknown opcode (proxy status −1) → UARTPROXY_PROXY_BADCMD, and the link stays usable', async (t) => {
  const { client } = harness();
  const err = await t.throwsAsync(client.proxy(0x5555), { instanceOf: UartProxyError });
  t.is(err?.code, 'UARTPROXY_PROXY_BADCMD');
  t.regex(err!.message, /op 0x5555/);
  t.truthy(err?.hint);
  t.is(await client.proxy(OP.P_NOP), 0n);
});

test('proxyReply() returns the raw reply, proxy status included', async (t) => {
  const { client } = harness();
  t.deepEqual(await client.proxyReply(0x5555, [1n]), { opcode: 0x5555, proxyStatus: -1n, retval: 0n });
});

test('every frame status of §2.7 becomes a typed error; the next request still works', async (t) => {
  const { client, target } = harness();
  const cases: Array<[number, UartProxyErrorCode]> = [
    [ST_BADCMD, 'UARTPROXY_BADCMD'],
    [ST_INVAL, 'UARTPROXY_INVAL'],
    [ST_XFRERR, 'UARTPROXY_XFRERR'],
    [ST_CSUMERR, 'UARTPROXY_CSUMERR'],
    [-9, 'UARTPROXY_UNKNOWN_STATUS'],
  ];
  for (const [status, code] of cases) {
    target.on(OP.P_GET_BOOTARGS, () => ({ status }));
    const err = await t.throwsAsync(client.proxy(OP.P_GET_BOOTARGS), { instanceOf: UartProxyError });
    t.is(err?.code, code);
    t.is(err?.status, status);
    t.regex(err!.message, /REQ_PROXY op 0x3 \(P_GET_BOOTARGS\)/);
    t.truthy(err?.hint);
    target.on(OP.P_GET_BOOTARGS, () => 0x10000n);
    t.is(await client.proxy(OP.P_GET_BOOTARGS), 0x10000n);
  }
});

test('a damaged reply fails only its request; the pipelined next one and later ones work', async (t) => {
  const { client, target, errors } = harness();
  let n = 0;
  target.on(OP.P_READ32, (req) => ({ retval: req.args[0]!, corrupt: n++ === 0 }));
  const first = client.proxy(OP.P_READ32, [0x100n]);
  const second = client.proxy(OP.P_READ32, [0x200n]);
  const err = await t.throwsAsync(first, { instanceOf: UartProxyError });
  t.is(err?.code, 'UARTPROXY_BAD_CHECKSUM');
  t.regex(err!.message, /P_READ32 0x100/);
  t.is(await second, 0x200n);
  t.is(await client.proxy(OP.P_READ32, [0x300n]), 0x300n);
  t.is(client.state, 'open');
  t.deepEqual(errors, []);
});

test('a wrong opcode echo → UARTPROXY_OPCODE_MISMATCH, then DESYNC until recover()', async (t) => {
  const { client, target } = harness();
  target.on(OP.P_READ32, () => ({ echo: 0x104, retval: 1n }));
  const err = await t.throwsAsync(client.proxy(OP.P_READ32, [0x23b100000n]), { instanceOf: UartProxyError });
  t.is(err?.code, 'UARTPROXY_OPCODE_MISMATCH');
  t.is(client.state, 'desync');
  t.is((await t.throwsAsync(client.proxy(OP.P_NOP), { instanceOf: UartProxyError }))?.code, 'UARTPROXY_DESYNC');
  await client.recover({ quietMs: 10 });
  t.is(client.state, 'open');
  t.is(await client.proxy(OP.P_NOP), 0n);
});

test('noReply requests (P_REBOOT) resolve once written', async (t) => {
  const { client, target } = harness();
  target.on(OP.P_REBOOT, () => 'ignore');
  t.is(await client.proxy(OP.P_REBOOT, [], { noReply: true }), 0n);
  await until(() => target.requests.length === 1, 'the request');
  t.is(target.requests[0]!.opcode, OP.P_REBOOT);
});

test('console text between and around frames reaches onText complete and in order', async (t) => {
  const { client, target, text } = harness();
  target.split = [1, 3, 7, 2, 40];
  target.on(OP.P_READ32, (req, tg) => {
    tg.text(`read ${req.args[0]}\n`);
    return { retval: req.args[0]!, then: () => tg.text('after\n') };
  });
  target.text('m1n1 booting\n');
  for (let i = 0; i < 5; i++) t.is(await client.proxy(OP.P_READ32, [BigInt(i)]), BigInt(i));
  target.text('bye\n');
  await until(() => text().endsWith('bye\n'), 'the last text');
  t.is(text(), `m1n1 booting\n${[0, 1, 2, 3, 4].map((i) => `read ${i}\nafter\n`).join('')}bye\n`);
});

test('events that arrive while a reply is awaited are delivered; a damaged one goes to onError', async (t) => {
  const { client, target, events, errors } = harness();
  target.on(OP.P_READ32, (_req, tg) => {
    tg.event(2, hex('01 00 00 00 01 00 2a 00'));
    const bad = eventFrame(2, hex('01 00 00 00 01 00 2b 00'), true);
    bad[bad.length - 1] ^= 1;
    tg.send(bad);
    return 7n;
  });
  t.is(await client.proxy(OP.P_READ32, [0n]), 7n);
  t.deepEqual(events, [{ type: 2, payload: [1, 0, 0, 0, 1, 0, 0x2a, 0] }]);
  t.is(errors.length, 1);
  t.is(errors[0]!.code, 'UARTPROXY_BAD_CHECKSUM');
  t.regex(errors[0]!.message, /event frame \(type 2, 8 payload bytes\)/);
});

test('a reply nobody waits for is reported through onError, never thrown', async (t) => {
  const { client, target, errors } = harness();
  target.send(replyFrame(T_PROXY, 0, proxyBody(0x105, 0n, 1n)));
  await until(() => errors.length === 1, 'the error');
  t.is(errors[0]!.code, 'UARTPROXY_UNEXPECTED_FRAME');
  t.is(await client.proxy(OP.P_NOP), 0n);
});

test('a listener that throws is reported and decoding carries on', async (t) => {
  const { client, target, errors, text } = harness();
  client.onText(() => {
    throw new Error('listener bug');
  });
  target.on(OP.P_NOP, (_req, tg) => (tg.text('hello'), 0n));
  t.is(await client.proxy(OP.P_NOP), 0n);
  t.is(text(), 'hello');
  t.is(errors[0]?.code, 'UARTPROXY_CALLBACK_FAILED');
});

test('transport closed: everything in flight and every later call fails with UARTPROXY_LINK_CLOSED', async (t) => {
  const { client, target, host } = harness();
  target.on(OP.P_READ32, () => 'defer');
  const pending = client.proxy(OP.P_READ32, [0n]);
  const boot = client.waitForBoot();
  await until(() => target.requests.length === 1, 'the request');
  await target.end.close();
  t.is((await t.throwsAsync(pending, { instanceOf: UartProxyError }))?.code, 'UARTPROXY_LINK_CLOSED');
  t.is((await t.throwsAsync(boot, { instanceOf: UartProxyError }))?.code, 'UARTPROXY_LINK_CLOSED');
  t.is((await t.throwsAsync(client.proxy(OP.P_NOP), { instanceOf: UartProxyError }))?.code, 'UARTPROXY_LINK_CLOSED');
  t.is(client.state, 'closed');
  t.true(host.closed);
});

test('re-enumeration: in-flight requests fail, boot waiters get a synthetic START_BOOT, data checksums are back on', async (t) => {
  const { client, target, host } = harness();
  await client.nop();
  t.false(client.dataChecksums);
  target.on(OP.P_READ32, () => 'defer');
  const pending = client.proxy(OP.P_READ32, [0n]);
  const boot = client.waitForBoot();
  await until(() => target.requests.length === 2, 'the request');
  host.reconnect();
  const err = await t.throwsAsync(pending, { instanceOf: UartProxyError });
  t.is(err?.code, 'UARTPROXY_LINK_CLOSED');
  t.regex(err!.message, /re-enumerated/);
  t.deepEqual(await boot, { reason: 0, code: 0, info: 0n, depth: 0, reconnected: true });
  t.true(client.dataChecksums);
  t.is(await client.proxy(OP.P_NOP), 0n);
});

test('close() rejects what is in flight and closes the transport', async (t) => {
  const { client, target, host } = harness();
  target.on(OP.P_READ32, () => 'defer');
  const pending = client.proxy(OP.P_READ32, [0n]);
  await client.close();
  t.is((await t.throwsAsync(pending, { instanceOf: UartProxyError }))?.code, 'UARTPROXY_LINK_CLOSED');
  t.true(host.closed);
});
