// Nested callback sessions (§9.4), running-guest refusal, boot waiters and START_BOOT.
import test from 'ava';
import { UartProxyError } from '../../core/uartproxy/errors.ts';
import type { BootMessage } from '../../core/uartproxy/client-types.ts';
import { bootFrame } from './fake-target.ts';
import { OP, harness, until } from './client-harness.ts';

const START_HV = 3;
const START_EXCEPTION_LOWER = 2;
const HOOK_VM = 1;
const USER_INTERRUPT = 3;
const CPU_SWITCH = 5;
const INFO = [0x10000abcd00n, 0x10000abce00n, 0x10000abcf00n];

test('nested callbacks: HV_START in flight → REQ_BOOT → READ + P_EXIT → second REQ_BOOT → … → HV_START reply', async (t) => {
  const { client, target, errors } = harness();
  const script = [
    () => target.boot(START_HV, HOOK_VM, INFO[0]!),
    () => target.boot(START_EXCEPTION_LOWER, 0, INFO[1]!),
    () => target.proxyReply(OP.P_HV_START, 0n),
  ];
  let step = 0;
  target.on(OP.P_HV_START, () => (setImmediate(script[step++]!), 'defer'));
  target.on(OP.P_EXIT, () => ({ retval: 0n, then: script[step++]! }));
  target.on(OP.P_READ32, (req) => req.args[0]! & 0xffffn);
  const seen: unknown[] = [];
  client.onCallback(async (msg) => {
    seen.push({ ...msg, depthNow: client.depth, running: client.guestRunning });
    seen.push(await client.proxy(OP.P_READ32, [msg.info]));
    await client.proxy(OP.P_EXIT, [2n]);
  });
  t.is(await client.proxy(OP.P_HV_START, [0x800000000n], { runsGuest: true }), 0n);
  t.deepEqual(seen, [
    { reason: START_HV, code: HOOK_VM, info: INFO[0], depth: 1, depthNow: 1, running: false },
    0xcd00n,
    { reason: START_EXCEPTION_LOWER, code: 0, info: INFO[1], depth: 1, depthNow: 1, running: false },
    0xce00n,
  ]);
  t.deepEqual(
    target.requests.map((r) => r.opcode),
    [OP.P_HV_START, OP.P_READ32, OP.P_EXIT, OP.P_READ32, OP.P_EXIT],
  );
  t.is(client.depth, 0);
  t.false(client.guestRunning);
  t.deepEqual(errors, []);
});

test('sessions stack: a guest-running request inside a callback opens depth 2', async (t) => {
  const { client, target } = harness();
  let exits = 0;
  target.on(OP.P_HV_START, (req) => {
    // The outer start gets a callback; the inner one (arg 1) another, one level deeper.
    setImmediate(() => target.boot(START_HV, HOOK_VM, INFO[Number(req.args[0])]!));
    return 'defer';
  });
  target.on(OP.P_EXIT, () => ({
    retval: 0n,
    then: () => target.proxyReply(OP.P_HV_START, BigInt(++exits)),
  }));
  const depths: number[] = [];
  client.onCallback(async (msg) => {
    depths.push(msg.depth);
    if (msg.depth === 1) t.is(await client.proxy(OP.P_HV_START, [1n], { runsGuest: true }), 1n);
    await client.proxy(OP.P_EXIT, [2n]);
  });
  t.is(await client.proxy(OP.P_HV_START, [0n], { runsGuest: true }), 2n);
  t.deepEqual(depths, [1, 2]);
  t.is(client.depth, 0);
});

test('while the guest runs requests are refused with UARTPROXY_GUEST_RUNNING; sendInterrupt() brings a callback', async (t) => {
  const { client, target } = harness();
  target.on(OP.P_HV_START, () => 'defer');
  target.on(OP.P_EXIT, (req) => ({ retval: 0n, then: () => req.args[0] === 3n && target.proxyReply(OP.P_HV_START, 0n) }));
  const run = client.proxy(OP.P_HV_START, [0x800000000n], { runsGuest: true });
  t.true(client.guestRunning);
  const err = await t.throwsAsync(client.proxy(OP.P_READ32, [0x23b100000n]), { instanceOf: UartProxyError });
  t.is(err?.code, 'UARTPROXY_GUEST_RUNNING');
  t.regex(err!.message, /cannot send REQ_PROXY op 0x105 \(P_READ32 0x23b100000\): the guest is running \(REQ_PROXY op 0xc02 \(P_HV_START/);
  t.truthy(err?.hint);
  await t.throwsAsync(client.memRead(0x800000000n, 16), { code: 'UARTPROXY_GUEST_RUNNING' });

  const got: BootMessage[] = [];
  client.onCallback(async (msg) => {
    got.push(msg);
    await client.proxy(OP.P_EXIT, [3n]); // EXC_EXIT_GUEST
  });
  await until(() => target.requests.length === 1, 'P_HV_START at the target');
  client.sendInterrupt();
  await until(() => target.noise.includes(0x21), 'the interrupt byte');
  target.boot(START_HV, USER_INTERRUPT, INFO[0]!);
  t.is(await run, 0n);
  t.deepEqual(got, [{ reason: START_HV, code: USER_INTERRUPT, info: INFO[0]!, depth: 1 }]);
  t.false(client.guestRunning);
});

test('requests issued after P_EXIT in the same callback are refused: the guest resumes', async (t) => {
  const { client, target } = harness();
  target.on(OP.P_HV_START, () => (setImmediate(() => target.boot(START_HV, HOOK_VM, INFO[0]!)), 'defer'));
  target.on(OP.P_EXIT, () => ({ retval: 0n, then: () => target.proxyReply(OP.P_HV_START, 0n) }));
  let refused: unknown;
  client.onCallback(async () => {
    const exit = client.proxy(OP.P_EXIT, [3n]);
    refused = await client.proxy(OP.P_NOP).catch((e: unknown) => e);
    await exit;
  });
  await client.proxy(OP.P_HV_START, [], { runsGuest: true });
  t.true(refused instanceof UartProxyError);
  t.is((refused as UartProxyError).code, 'UARTPROXY_GUEST_RUNNING');
});

test('waitForBoot() takes the next REQ_BOOT instead of the handler, and its session (CPU switch)', async (t) => {
  const { client, target } = harness();
  const script = [
    () => target.boot(START_HV, CPU_SWITCH, INFO[1]!), // after the first P_EXIT
    () => target.proxyReply(OP.P_HV_START, 0n), // after the second
  ];
  let step = 0;
  target.on(OP.P_HV_START, () => (setImmediate(() => target.boot(START_HV, HOOK_VM, INFO[0]!)), 'defer'));
  target.on(OP.P_HV_SWITCH_CPU, () => 1n);
  target.on(OP.P_EXIT, () => ({ retval: 0n, then: script[step++]! }));
  target.on(OP.P_READ32, () => 0x55n);
  let handlerCalls = 0;
  let switched: BootMessage | undefined;
  client.onCallback(async () => {
    handlerCalls++;
    t.is(await client.proxy(OP.P_HV_SWITCH_CPU, [1n]), 1n);
    const next = client.waitForBoot(2000);
    await client.proxy(OP.P_EXIT, [2n]);
    switched = await next;
    t.is(client.depth, 1); // the waiter now owns that session
    t.is(await client.proxy(OP.P_READ32, [switched.info]), 0x55n);
    await client.proxy(OP.P_EXIT, [2n]);
  });
  await client.proxy(OP.P_HV_START, [], { runsGuest: true });
  t.is(handlerCalls, 1);
  t.deepEqual(switched, { reason: START_HV, code: CPU_SWITCH, info: INFO[1]!, depth: 1 });
});

test('waitForBoot() after P_VECTOR gets the new START_BOOT', async (t) => {
  const { client, target } = harness();
  target.on(OP.P_VECTOR, () => ({ retval: 0n, then: () => (target.text('m1n1 again\n'), target.boot(0, 0, 0n)) }));
  const boot = client.waitForBoot(2000);
  t.is(await client.proxy(OP.P_VECTOR, [0x800000000n]), 0n);
  t.deepEqual(await boot, { reason: 0, code: 0, info: 0n, depth: 0 });
  t.is(await client.proxy(OP.P_NOP), 0n);
});

test('waitForBoot(timeoutMs) rejects with UARTPROXY_TIMEOUT when nothing comes', async (t) => {
  const { client } = harness();
  const err = await t.throwsAsync(client.waitForBoot(20), { instanceOf: UartProxyError });
  t.is(err?.code, 'UARTPROXY_TIMEOUT');
  t.regex(err!.message, /no REQ_BOOT within 20 ms/);
});

test('START_BOOT with no waiter is ignored; top-level requests in flight stay (the new loop answers them)', async (t) => {
  const { client, target, errors } = harness();
  target.on(OP.P_READ32, (_req, tg) => (tg.boot(0, 0, 0n), 5n)); // restart announced just before the reply
  t.is(await client.proxy(OP.P_READ32, [0n]), 5n);
  target.boot(0, 0, 0n);
  t.is(await client.proxy(OP.P_NOP), 0n);
  t.deepEqual(errors, []);
});

test('START_BOOT fails the running guest and every open callback session with UARTPROXY_TARGET_RESTARTED', async (t) => {
  const { client, target } = harness();
  await client.nop();
  t.false(client.dataChecksums);
  target.on(OP.P_HV_START, () => (setImmediate(() => target.boot(START_HV, HOOK_VM, INFO[0]!)), 'defer'));
  target.on(OP.P_READ32, () => 'defer');
  let inCallback: Promise<bigint> | undefined;
  client.onCallback(() => void (inCallback = client.proxy(OP.P_READ32, [INFO[0]!])));
  const run = client.proxy(OP.P_HV_START, [], { runsGuest: true });
  await until(() => target.requests.length === 3, 'the READ inside the callback');
  target.text('Guest exception not handled, rebooting.\n');
  target.boot(0, 0, 0n);
  t.is((await t.throwsAsync(run, { instanceOf: UartProxyError }))?.code, 'UARTPROXY_TARGET_RESTARTED');
  t.is((await t.throwsAsync(inCallback!, { instanceOf: UartProxyError }))?.code, 'UARTPROXY_TARGET_RESTARTED');
  t.is(client.depth, 0);
  t.true(client.dataChecksums); // a fresh target starts with data checksums on (§2.6)
  t.is(await client.proxy(OP.P_NOP), 0n);
});

test('a callback with no handler, or whose handler throws, is reported through onError', async (t) => {
  const { client, target, errors } = harness();
  let n = 0;
  target.on(OP.P_HV_START, () => (setImmediate(() => target.boot(START_HV, HOOK_VM, INFO[n++]!)), 'defer'));
  target.on(OP.P_EXIT, () => ({ retval: 0n, then: () => target.proxyReply(OP.P_HV_START, 0n) }));
  const run = client.proxy(OP.P_HV_START, [], { runsGuest: true });
  await until(() => errors.length === 1, 'the unhandled-callback report');
  t.is(errors[0]!.code, 'UARTPROXY_UNHANDLED_CALLBACK');
  t.regex(errors[0]!.message, /reason 3, code 1, info 0x10000abcd00/);
  t.is(client.depth, 1); // the session is open; someone can still end it
  await client.proxy(OP.P_EXIT, [2n]);
  await run;

  const disposable = client.onCallback(() => {
    throw new Error('handler bug');
  });
  const run2 = client.proxy(OP.P_HV_START, [], { runsGuest: true });
  await until(() => errors.length === 2, 'the handler failure');
  t.is(errors[1]!.code, 'UARTPROXY_CALLBACK_FAILED');
  t.regex(errors[1]!.message, /handler bug/);
  disposable.dispose();
  await client.proxy(OP.P_EXIT, [2n]);
  await run2;
});

test('a damaged frame while the guest runs is reported, and the running request is not failed', async (t) => {
  const { client, target, errors } = harness();
  target.on(OP.P_HV_START, () => 'defer');
  const run = client.proxy(OP.P_HV_START, [], { runsGuest: true });
  await until(() => target.requests.length === 1, 'P_HV_START at the target');
  const bad = bootFrame(START_HV, HOOK_VM, INFO[0]!);
  bad[20] ^= 0x40;
  target.send(bad);
  await until(() => errors.length === 1, 'the report');
  t.is(errors[0]!.code, 'UARTPROXY_BAD_CHECKSUM');
  t.regex(errors[0]!.message, /while REQ_PROXY op 0xc02 \(P_HV_START\) runs the guest/);
  target.proxyReply(OP.P_HV_START, 0n);
  t.is(await run, 0n);
});

test('if the target refuses the request that would run the guest (ST_CSUMERR), that request fails', async (t) => {
  const { client, target } = harness();
  target.on(OP.P_HV_START, () => ({ status: -4 }));
  const err = await t.throwsAsync(client.proxy(OP.P_HV_START, [], { runsGuest: true }), { instanceOf: UartProxyError });
  t.is(err?.code, 'UARTPROXY_CSUMERR');
  t.false(client.guestRunning);
  t.is(await client.proxy(OP.P_NOP), 0n);
});
