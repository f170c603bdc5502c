// The silence watchdog, DESYNC and recover() (§3.1 host recovery). Timeouts are kept short;
// nothing here asserts on how long anything took.
import test from 'ava';
import { UartProxyError } from '../../core/uartproxy/errors.ts';
import { ST_CSUMERR, T_MEMREAD, T_NOP } from './fake-target.ts';
import { OP, harness, sleep, until } from './client-harness.ts';

test('a request nobody answers times out with a message that says what was awaited', async (t) => {
  const { client, target } = harness({ timeoutMs: 40 });
  target.on(OP.P_READ32, () => 'ignore');
  const err = await t.throwsAsync(client.proxy(OP.P_READ32, [0x23b100000n]), { instanceOf: UartProxyError });
  t.is(err?.code, 'UARTPROXY_TIMEOUT');
  t.is(err?.message, 'no reply to REQ_PROXY op 0x105 (P_READ32 0x23b100000) after 40 ms of silence on memory a');
  t.regex(err!.hint!, /recover\(\)/);
  t.false(err!.fatal);
  t.is(client.state, 'desync');
  const refused = await t.throwsAsync(client.proxy(OP.P_NOP), { instanceOf: UartProxyError });
  t.is(refused?.code, 'UARTPROXY_DESYNC');
  t.regex(refused!.message, /cannot send REQ_PROXY op 0x0 \(P_NOP\)/);

  await client.recover({ quietMs: 20 });
  t.is(client.state, 'open');
  // §3.1: 64 zero bytes, then a NOP with the current features (none negotiated yet: 0).
  t.is(target.noise.filter((b) => b === 0).length, 64);
  const nop = target.requests[target.requests.length - 1]!;
  t.is(nop.typeByte, T_NOP);
  t.is(nop.words[0], 0n);
  t.is(await client.proxy(OP.P_NOP), 0n);
});

test('every pipelined request in flight is rejected, each naming the oldest awaited one', async (t) => {
  const { client, target } = harness({ timeoutMs: 40 });
  target.on(OP.P_READ32, () => 'ignore');
  const calls = [1n, 2n, 3n].map((a) => client.proxy(OP.P_READ32, [a]));
  const errors = await Promise.all(calls.map((c) => c.then(() => null, (e: unknown) => e as UartProxyError)));
  for (const e of errors) {
    t.is(e?.code, 'UARTPROXY_TIMEOUT');
    t.regex(e!.message, /^no reply to REQ_PROXY op 0x105 \(P_READ32 0x1\)/);
  }
});

test('per-request timeoutMs and the label option name things in the message', async (t) => {
  const { client, target } = harness({ timeoutMs: 5000 });
  target.on(0x2222, () => 'ignore');
  const err = await t.throwsAsync(client.proxy(0x2222, [1n, 2n, 3n, 4n], { timeoutMs: 30, label: 'P_SOMETHING' }), { instanceOf: UartProxyError });
  t.is(err?.message, 'no reply to REQ_PROXY op 0x2222 (P_SOMETHING 0x1 0x2 0x3 …) after 30 ms of silence on memory a');
});

test('bytes arriving keep a slow request alive: the watchdog measures silence, not duration', async (t) => {
  // 8 bytes 100 ms apart: the reply comes after twice the timeout, never after a silence as long.
  const { client, target } = harness({ timeoutMs: 400 });
  target.on(OP.P_READ32, () => {
    let n = 0;
    const tick = setInterval(() => {
      target.text('.');
      if (++n === 8) {
        clearInterval(tick);
        target.proxyReply(OP.P_READ32, 9n);
      }
    }, 100);
    return 'defer';
  });
  t.is(await client.proxy(OP.P_READ32, [0n]), 9n);
  t.is(client.state, 'open');
});

test('runsGuest and timeoutMs: null requests never time out', async (t) => {
  const { client, target } = harness({ timeoutMs: 20 });
  target.on(OP.P_HV_START, () => (setTimeout(() => target.proxyReply(OP.P_HV_START, 0n), 120), 'defer'));
  target.on(0x2222, () => (setTimeout(() => target.proxyReply(0x2222, 1n), 120), 'defer'));
  t.is(await client.proxy(OP.P_HV_START, [], { runsGuest: true }), 0n);
  t.is(await client.proxy(0x2222, [], { timeoutMs: null }), 1n);
});

test('a late reply after a timeout is consumed quietly, MEMREAD payload included', async (t) => {
  const { client, target, errors, text } = harness({ timeoutMs: 30 }, 4096);
  target.memory.fill(0xab);
  const originalReply = target.reply.bind(target);
  target.reply = (...parts: Uint8Array[]) => void setTimeout(() => originalReply(...parts), 90);
  const err = await t.throwsAsync(client.memRead(0x800000000n, 1024), { instanceOf: UartProxyError });
  t.is(err?.code, 'UARTPROXY_TIMEOUT');
  t.regex(err!.message, /^no reply to REQ_MEMREAD \[0x800000000, \+0x400\)/);
  await sleep(150); // the late reply and its 1 KiB payload arrive now
  target.reply = originalReply;
  await client.recover({ quietMs: 20 });
  t.deepEqual(errors, []);
  t.is(text(), ''); // the payload was not mistaken for console text
  t.is((await client.memRead(0x800000000n, 16))[0], 0xab);
});

test('a request cut short on the link: timeout, then recover() completes it and resynchronises', async (t) => {
  const { client, target, errors } = harness({ timeoutMs: 40 });
  // Lose the last 20 bytes of the next request: the target waits inside a frame (§3.1).
  let lose = false;
  target.incomingFilter = (chunk) => (lose ? ((lose = false), chunk.subarray(0, chunk.length - 20)) : chunk);
  lose = true;
  const err = await t.throwsAsync(client.proxy(OP.P_READ32, [0x23b100000n]), { instanceOf: UartProxyError });
  t.is(err?.code, 'UARTPROXY_TIMEOUT');
  t.is(target.requests.length, 0);
  await client.recover({ quietMs: 20 });
  // The zeros completed the partial frame, which failed its checksum; the reply was discarded.
  t.is(target.requests.length, 2);
  t.is(target.requests[1]!.typeByte, T_NOP);
  t.deepEqual(errors, []);
  t.is(client.state, 'open');
  target.on(OP.P_READ32, () => 0x42n);
  t.is(await client.proxy(OP.P_READ32, [0x23b100000n]), 0x42n);
});

test('recover() keeps the negotiated features and fails the requests it abandons', async (t) => {
  const { client, target } = harness({ timeoutMs: 1000 });
  await client.nop();
  target.on(OP.P_READ32, () => 'ignore');
  const pending = client.proxy(OP.P_READ32, [0n]);
  await until(() => target.requests.length === 2, 'the request');
  await client.recover({ quietMs: 10, padBytes: 0 });
  t.is((await t.throwsAsync(pending, { instanceOf: UartProxyError }))?.code, 'UARTPROXY_DESYNC');
  const nop = target.requests[target.requests.length - 1]!;
  t.is(nop.typeByte, T_NOP);
  t.is(nop.words[0], 1n);
  t.false(client.dataChecksums);
});

test('recover() that gets no answer leaves the link in DESYNC', async (t) => {
  const { client, target } = harness({ timeoutMs: 30 });
  target.on(OP.P_READ32, () => 'ignore');
  await t.throwsAsync(client.proxy(OP.P_READ32, [0n]));
  target.incomingFilter = () => new Uint8Array(0); // the target hears nothing any more
  const err = await t.throwsAsync(client.recover({ quietMs: 10 }), { instanceOf: UartProxyError });
  t.is(err?.code, 'UARTPROXY_TIMEOUT');
  t.is(client.state, 'desync');
});

test('a CSUMERR reply (the target saw a damaged request) fails that request only', async (t) => {
  const { client, target } = harness();
  target.on(OP.P_READ32, () => ({ status: ST_CSUMERR }));
  const err = await t.throwsAsync(client.proxy(OP.P_READ32, [0n]), { instanceOf: UartProxyError });
  t.is(err?.code, 'UARTPROXY_CSUMERR');
  t.is(client.state, 'open');
  t.is(await client.proxy(OP.P_NOP), 0n);
  t.false(target.requests.some((r) => r.typeByte === T_MEMREAD));
});
