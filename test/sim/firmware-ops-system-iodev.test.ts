// P_GET_CPU_FEATURES (§8.3), P_SET_BAUD (§6.2) and the iodev data ops (§6.10), driven by the
// host's typed client over real frames against the virtual m1n1.
import test from 'ava';
import type { MmioDevice } from '../../sim/memory/index.ts';
import { adtRoot, ARM_IO_PHYS, device } from './helpers/extra-adt.ts';
import { DST, SRC, settle, startClientTarget } from './helpers/firmware-client.ts';

const ALL_ONES = 0xffff_ffff_ffff_ffffn;

test('P_GET_CPU_FEATURES(20) points at the M1 feature struct of §8.3; the same address every time', async (t) => {
  const target = startClientTarget();
  const ptr = await target.proxy.getCpuFeatures(20);
  t.not(ptr, 0n);
  // §8.3, M1 column: sleep_mode 2, uncore_version 2, then the flag bytes.
  const golden = Uint8Array.of(2, 0, 0, 0, 2, 0, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0, 0, 0);
  t.deepEqual(await target.client.memRead(ptr, 20), golden);
  t.is(await target.proxy.getCpuFeatures(20), ptr);
  await target.close();
});

test('P_GET_CPU_FEATURES with another size returns 0 and prints the size mismatch', async (t) => {
  const target = startClientTarget();
  t.is(await target.proxy.getCpuFeatures(24), 0n);
  await settle();
  t.regex(target.hostText(), /size mismatch: sizeof\(struct midr_part_features\) = 20 != 24/);
  await target.close();
});

/** A Samsung-style UART (apple-devices §9.4 register map) that records its register writes. */
function uartModel() {
  const writes: Array<[number, number]> = [];
  const dev: MmioDevice = {
    // UTRSTAT: TXBE | TXE always (the transmitter is idle).
    read32: (off) => (off === 0x10 ? 0b110 : 0),
    write32: (off, v) => void writes.push([off, v]),
  };
  return { dev, writes };
}

test('P_SET_BAUD over USB: prints the message, sets UBRDIV on the debug UART, sends the pattern there, replies 0', async (t) => {
  const { root, armIo } = adtRoot();
  device(armIo, 'uart0', [[0x3520_0000n, 0x4000n]]);
  const uart = uartModel();
  const target = startClientTarget({ adt: root, mmio: [[ARM_IO_PHYS + 0x3520_0000n, 0x4000, uart.dev]] });
  // What the Python host sends: (baud, 16, 0x005AA5F0) (§6.2).
  t.is(await target.proxy.request('P_SET_BAUD', [1_500_000, 16, 0x005aa5f0]), 0n);
  await settle();
  t.regex(target.hostText(), /Changing baud rate to 1500000\.\.\./);
  // UBRDIV = ((24 MHz / baud + 7) / 16) − 1 = 0 at 1.5 Mbaud.
  t.deepEqual(uart.writes[0], [0x28, 0]);
  const sent = uart.writes.slice(1);
  t.is(sent.length, 64);
  t.true(sent.every(([off]) => off === 0x20), 'bytes go to UTXH');
  t.deepEqual(
    sent.slice(0, 4).map(([, v]) => v),
    [0xf0, 0xa5, 0x5a, 0x00],
    'pattern little-endian',
  );
  t.is(await target.proxy.request('P_SET_BAUD', [115200, 0, 0]), 0n);
  t.deepEqual(uart.writes.at(-1), [0x28, 12], '((208 + 7) / 16) − 1 = 12 at 115200');
  await target.close();
});

test('P_SET_BAUD without a UART in the ADT only prints and replies 0', async (t) => {
  const target = startClientTarget();
  t.is(await target.proxy.request('P_SET_BAUD', [115200, 16, 0x005aa5f0]), 0n);
  t.is(await target.proxy.getExcCount(), 0);
  await target.close();
});

test('P_IODEV_CAN_READ / READ / WRITE / CAN_WRITE on a USB iodev move bytes between the device and target memory', async (t) => {
  const target = startClientTarget();
  target.iodevs.add(5, { usage: 3 });
  target.iodevs.feed(5, 'hello, m1n1');
  t.is(await target.proxy.iodevCanRead(5), 11);
  t.true(await target.proxy.iodevCanWrite(5));
  t.is(await target.proxy.iodevRead(5, DST, 5), 5);
  t.deepEqual(new TextDecoder().decode(await target.client.memRead(DST, 5)), 'hello');
  t.is(await target.proxy.iodevCanRead(5), 6);
  await target.client.memWrite(SRC, new TextEncoder().encode('to the host'));
  t.is(await target.proxy.iodevWrite(5, SRC, 11), 11);
  t.is(new TextDecoder().decode(target.iodevs.written(5)), 'to the host');
  await target.proxy.iodevSetUsage(5, 1);
  t.is(target.iodevs.usage(5), 1);
  await target.close();
});

test('P_IODEV_READ on an open USB pipe waits until all the bytes asked for have arrived', async (t) => {
  const target = startClientTarget();
  target.iodevs.add(4);
  target.iodevs.feed(4, 'abc');
  let done = false;
  const read = target.proxy.iodevRead(4, DST, 6).then((n) => {
    done = true;
    return n;
  });
  await settle();
  t.false(done);
  target.iodevs.feed(4, 'def');
  t.is(await read, 6);
  t.is(new TextDecoder().decode(await target.client.memRead(DST, 6)), 'abcdef');
  await target.close();
});

test('iodev ops on an unregistered or out-of-range iodev answer as m1n1: 0, false, −1', async (t) => {
  const target = startClientTarget();
  for (const id of [2, 12, 13, 0x1_0000_0002]) {
    t.is(await target.proxy.request('P_IODEV_CAN_READ', [id]), 0n);
    t.is(await target.proxy.request('P_IODEV_CAN_WRITE', [id]), 0n);
    t.is(await target.proxy.request('P_IODEV_READ', [id, DST, 4]), ALL_ONES);
    t.is(await target.proxy.request('P_IODEV_WRITE', [id, SRC, 4]), ALL_ONES);
    t.is(await target.proxy.request('P_IODEV_SET_USAGE', [id, 1]), 0n);
  }
  await target.close();
});

test('P_USB_IODEV_VUART_SETUP binds USB_VUART only for USB0..USB7; before that the vuart has no device', async (t) => {
  const target = startClientTarget();
  target.iodevs.add(3).add(6);
  await target.client.memWrite(SRC, Uint8Array.of(0x41));
  t.is(await target.proxy.request('P_IODEV_WRITE', [3, SRC, 1]), ALL_ONES, 'write without a device: −1');
  t.is(await target.proxy.request('P_IODEV_READ', [3, DST, 1]), 0n, 'read without a device: 0');
  t.false(await target.proxy.iodevCanWrite(3));
  await target.proxy.usbIodevVuartSetup(2);
  await target.proxy.usbIodevVuartSetup(12);
  t.is(target.iodevs.vuartBoundTo, undefined, 'other ids are ignored');
  await target.proxy.usbIodevVuartSetup(6);
  t.is(target.iodevs.vuartBoundTo, 6);
  t.true(await target.proxy.iodevCanWrite(3));
  t.is(await target.proxy.request('P_IODEV_WRITE', [3, SRC, 1]), 1n);
  await target.close();
});

test('P_IODEV_READ into an unmapped buffer under GUARD_SKIP counts the fault; the bytes were consumed', async (t) => {
  const target = startClientTarget();
  target.iodevs.add(4);
  target.iodevs.feed(4, 'xyz');
  await target.proxy.setExcGuard(1);
  t.is(await target.proxy.request('P_IODEV_READ', [4, 0x1000, 3]), 3n);
  t.is(await target.proxy.getExcCount(), 1);
  t.is(await target.proxy.iodevCanRead(4), 0);
  await target.close();
});
