// The virtual UART of spec §11, driven as m1n1's Python host drives it: /arm-io/uart0 found in
// the ADT the target hands over (reg[0], interrupts[0]), P_HV_MAP_VUART with the host's own
// iodev, the guest's console on the USB device's second function (the vuart pty, /dev/m1n1-sec),
// host bytes on that pty read by the guest, HVLOG lines passed through to the m1n1 console on the
// proxy channel. Register offsets and status bits from §11; guest code from GNU as.
import test from 'ava';
import { adtRegPhys, getNode, parseAdt } from '../../core/formats/adt/index.ts';
import { adtPhysAddress, parseBootArgs } from '../../core/formats/boot-args.ts';
import { openTarget } from '../../core/transport/open-target.ts';
import { CODE, DATA, EC, HvHost, TYPE_HOOK, until } from './helpers/hv-host.ts';

// x0 = UART base, x1 = message, x2 = its length. Sends the message byte by byte to UTXH (0x20);
// waits until UFSTAT.RXCNT (0x18, bits 3:0) = 4; reads 4 bytes from URXH (0x24), each after
// UTRSTAT.RXD (0x10, bit 0), into x3 (first byte highest); x6 = UTRSTAT, x7 = UFSTAT afterwards;
// then the power-off HV call with x1 = x3.
const VUART_GUEST = [
  0xd2800003, // mov x3, #0
  0x38401424, // 1: ldrb w4, [x1], #1
  0xb9002004, // str w4, [x0, #0x20]
  0xf1000442, // subs x2, x2, #1
  0x54ffffa1, // b.ne 1b
  0xb9401804, // 2: ldr w4, [x0, #0x18]
  0x12000c84, // and w4, w4, #0xf
  0x7100109f, // cmp w4, #4
  0x54ffffa1, // b.ne 2b
  0xd2800085, // mov x5, #4
  0xb9401004, // 3: ldr w4, [x0, #0x10]
  0x3607ffe4, // tbz w4, #0, 3b
  0xb9402404, // ldr w4, [x0, #0x24]
  0x92401c84, // and x4, x4, #0xff
  0xaa032083, // orr x3, x4, x3, lsl #8
  0xf10004a5, // subs x5, x5, #1
  0x54ffff41, // b.ne 3b
  0xb9401006, // ldr w6, [x0, #0x10]
  0xb9401807, // ldr w7, [x0, #0x18]
  0xaa0303e1, // mov x1, x3
  0xd2800000, // mov x0, #0
  0xd4284840, // brk #0x4242
];
const MESSAGE = 'hello from the guest\r\nHVLOG: hi host\r\n';

async function uart0(host: HvHost): Promise<{ base: bigint; irq: number }> {
  const argsAddr = await host.proxy.getBootargs();
  const args = parseBootArgs(await host.client.memRead(argsAddr, 0x2e0));
  const adt = parseAdt(await host.client.memRead(adtPhysAddress(args), args.devtreeSize));
  const node = getNode(adt, '/arm-io/uart0');
  return { base: adtRegPhys(node, 0).addr, irq: node.u32Array('interrupts')[0]! };
}

test.serial('P_HV_MAP_VUART over /arm-io/uart0: guest output on the vuart pty, host input read by the guest, HVLOG on the console (§11)', async (t) => {
  const host = await HvHost.start(t, { cpus: 1, vuart: true });
  const { base, irq } = await uart0(host);
  t.is(base, 0x2_3520_0000n, 'uart0 at its M1 address');
  const iodev = await host.proxy.iodevWhoami();
  await host.proxy.hvMapVuart(base, irq, iodev);
  await host.tlbi();
  const walk = await host.proxy.hvPtWalk(base + 0x20n);
  t.is(walk & 1n, 0n, 'a software descriptor');
  t.is(walk & (7n << 50n), TYPE_HOOK, 'of type HOOK: the firmware handles the vuart page itself (§10.2)');

  const sec = await openTarget(host.vuart!.slavePath);
  t.teardown(() => sec.close());
  let secText = '';
  sec.onData((b) => (secText += Buffer.from(b).toString('latin1')));
  let console = '';
  host.client.onText((b) => (console += Buffer.from(b).toString('latin1')));

  await host.client.memWrite(DATA, new TextEncoder().encode(MESSAGE));
  await host.upload(CODE, VUART_GUEST);
  const seen: Array<{ reason: number; code: number; ec?: number }> = [];
  let regs: bigint[] = [];
  host.onSession((msg, ctx) => {
    seen.push({ reason: msg.reason, code: msg.code, ec: ctx?.ec });
    if (ctx) regs = [ctx.reg(1), ctx.reg(6), ctx.reg(7)];
    return 3;
  });
  const run = host.proxy.hvStart(CODE, base, DATA, BigInt(MESSAGE.length));
  await until(() => secText === MESSAGE, `the guest's output on the vuart pty (got ${JSON.stringify(secText)})`);
  sec.write(new TextEncoder().encode('ping'));
  await run;
  t.is(secText, MESSAGE, 'every byte written to UTXH, in order, and nothing else');
  t.deepEqual(seen, [{ reason: 2, code: 0, ec: EC.BRK }], 'the vuart needed no host callbacks');
  const [received, utrstat, ufstat] = regs;
  t.is(received, 0x70696e67n, 'the guest read "ping" from URXH in order');
  t.is(utrstat! & 7n, 6n, 'UTRSTAT: TXBE and TXE set, RXD clear once the queue is empty');
  t.is(ufstat! & 0x10fn, 0n, 'UFSTAT: RXCNT 0, not full');
  t.true(console.includes('HVLOG: hi host'), `HVLOG line passed through to the console: ${JSON.stringify(console)}`);
  t.false(console.includes('hello from the guest'), 'other guest output does not reach the console');
});

test.serial('the vuart drops guest output while nobody has the vuart pty open, and the guest is not stalled (§11)', async (t) => {
  const host = await HvHost.start(t, { cpus: 1, vuart: true });
  const { base, irq } = await uart0(host);
  await host.proxy.hvMapVuart(base, irq, await host.proxy.iodevWhoami());
  await host.tlbi();
  await host.client.memWrite(DATA, new TextEncoder().encode('lost'));
  // Only the transmit part of the guest, then the HV call.
  await host.upload(CODE, [...VUART_GUEST.slice(0, 5), 0xd2800000, 0xd4284840]);
  const ecs: number[] = [];
  host.onSession((_msg, ctx) => {
    ecs.push(ctx?.ec ?? -1);
    return 3;
  });
  await host.proxy.hvStart(CODE, base, DATA, 4n);
  t.deepEqual(ecs, [EC.BRK]);
  // Opened afterwards: nothing was kept for it.
  const sec = await openTarget(host.vuart!.slavePath);
  t.teardown(() => sec.close());
  let got = 0;
  sec.onData((b) => (got += b.length));
  await host.proxy.nop();
  t.is(got, 0);
});
