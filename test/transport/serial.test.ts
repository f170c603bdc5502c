// The serial transport on a real device path that goes away and comes back: a symlink in a
// temp dir pointing at a pty slave, removed and re-created pointing at a new pty (as udev
// removes and re-creates /dev/m1n1 when the Mac reboots), with the old master closed (the
// kernel hangs up the open port, as it does a ttyACM whose USB device left).
import { mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { TransportError } from '../../core/transport/errors.ts';
import { createPty, type PtyEndpoint } from '../../core/transport/pty.ts';
import { DEFAULT_SERIAL_PATHS, openSerial, type SerialOptions } from '../../core/transport/serial.ts';
import { collect, drained, settle, watchClose } from './helpers.ts';

function tempDir(t: import('ava').ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'hvdbg-serial-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A "device" path whose pty can be unplugged and plugged back in. */
async function device(t: import('ava').ExecutionContext) {
  const link = join(tempDir(t), 'm1n1');
  let pty: PtyEndpoint | undefined;
  const plugIn = async () => {
    pty = await createPty();
    symlinkSync(pty.slavePath, link);
    return pty;
  };
  const unplug = async () => {
    unlinkSync(link);
    await pty?.close();
  };
  t.teardown(() => pty?.close());
  return { link, plugIn, unplug };
}

function statusLog(): { messages: string[]; next: (match: RegExp) => Promise<string>; onStatus: SerialOptions['onStatus'] } {
  const messages: string[] = [];
  const waiting: Array<{ match: RegExp; resolve: (m: string) => void }> = [];
  return {
    messages,
    onStatus: (m) => {
      messages.push(m);
      for (const w of waiting.filter((w) => w.match.test(m))) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(m);
      }
    },
    next: (match) =>
      new Promise((resolve) => {
        const seen = messages.find((m) => match.test(m));
        if (seen) resolve(seen);
        else waiting.push({ match, resolve });
      }),
  };
}

async function roundTrip(t: import('ava').ExecutionContext, master: PtyEndpoint, host: import('../../core/transport/transport.ts').ByteTransport, tag: number) {
  const bytes = Uint8Array.of(0xff, 0x55, 0xaa, tag, 0x0d, 0x0a, 0x03);
  const atHost = collect(host, bytes.length);
  master.write(bytes);
  t.deepEqual(await atHost, bytes);
  const atMaster = collect(master, bytes.length);
  host.write(bytes);
  t.deepEqual(await atMaster, bytes);
}

test("serial: m1n1's default device names", (t) => {
  t.deepEqual([...DEFAULT_SERIAL_PATHS], ['/dev/m1n1', '/dev/ttyACM0']);
});

test('serial: a missing device fails with TRANSPORT_OPEN_FAILED naming the path, with a hint', async (t) => {
  const path = join(tempDir(t), 'ttyACM9');
  const err = await t.throwsAsync(openSerial(path), { instanceOf: TransportError });
  t.is(err?.code, 'TRANSPORT_OPEN_FAILED');
  t.true(err?.message.includes(path));
  t.regex(err?.hint ?? '', /\/dev\/m1n1/);
  t.false(err?.fatal);
});

test('serial: a file that is not a tty fails with TRANSPORT_OPEN_FAILED', async (t) => {
  const path = join(tempDir(t), 'not-a-tty');
  writeFileSync(path, 'hello');
  const err = await t.throwsAsync(openSerial(path), { instanceOf: TransportError });
  t.is(err?.code, 'TRANSPORT_OPEN_FAILED');
  t.regex(err?.hint ?? '', /not a serial port/);
});

test('serial: the device vanishes and comes back; the same transport goes on both ways', async (t) => {
  const dev = await device(t);
  let master = await dev.plugIn();
  const status = statusLog();
  const host = await openSerial(dev.link, { reconnect: { waitMs: 5000, pollMs: 20 }, onStatus: status.onStatus });
  const hostClose = watchClose(host);
  let reconnects = 0;
  const reconnected = new Promise<void>((resolve) => host.onReconnect(() => (reconnects++, resolve())));
  t.is(host.description, `serial ${dev.link}`);
  await roundTrip(t, master, host, 1);

  await dev.unplug();
  t.is(await status.next(/vanished/), `serial ${dev.link} vanished; waiting up to 5 s for it to come back`);
  t.false(host.closed);
  // While the device is gone, writes are refused (and dropped); drain follows the reopen.
  t.false(host.write(Uint8Array.of(0xee)));
  const drainAfterReopen = drained(host);

  master = await dev.plugIn();
  await reconnected;
  await drainAfterReopen;
  t.is(await status.next(/is back/), `serial ${dev.link} is back`);
  await roundTrip(t, master, host, 2);
  await settle();
  t.is(reconnects, 1);
  t.is(hostClose.count(), 0, 'onClose did not fire');
  await host.close();
  t.is(await hostClose.closed, undefined);
});

test('serial: a device that does not come back within the bound closes with TRANSPORT_DEVICE_GONE', async (t) => {
  const dev = await device(t);
  await dev.plugIn();
  const status = statusLog();
  const host = await openSerial(dev.link, { reconnect: { waitMs: 300, pollMs: 20 }, onStatus: status.onStatus });
  const hostClose = watchClose(host);
  await dev.unplug();
  const err = (await hostClose.closed) as TransportError;
  t.true(err instanceof TransportError);
  t.is(err.code, 'TRANSPORT_DEVICE_GONE');
  t.is(err.message, `serial ${dev.link} vanished and did not come back within 0.3 s`);
  t.is(err.hint, 'check the USB cable; is m1n1 running on the Mac?');
  t.true(err.fatal);
  t.deepEqual(status.messages, [`serial ${dev.link} vanished; waiting up to 0.3 s for it to come back`]);
  const writeErr = t.throws(() => host.write(Uint8Array.of(1)), { instanceOf: TransportError });
  t.is(writeErr?.code, 'TRANSPORT_CLOSED');
  await settle();
  t.is(hostClose.count(), 1);
});

test('serial: closing while waiting for the device ends quietly, once', async (t) => {
  const dev = await device(t);
  await dev.plugIn();
  const status = statusLog();
  const host = await openSerial(dev.link, { reconnect: { waitMs: 5000, pollMs: 20 }, onStatus: status.onStatus });
  const hostClose = watchClose(host);
  await dev.unplug();
  await status.next(/vanished/);
  await host.close();
  t.is(await hostClose.closed, undefined);
  await dev.plugIn(); // too late: it must not be reopened
  await settle();
  t.is(hostClose.count(), 1);
  t.false(status.messages.some((m) => /is back/.test(m)));
});

test('serial: a pause survives a reconnect', async (t) => {
  const dev = await device(t);
  await dev.plugIn();
  const host = await openSerial(dev.link, { reconnect: { waitMs: 5000, pollMs: 20 } });
  const reconnected = new Promise<void>((resolve) => host.onReconnect(resolve));
  host.pause();
  await dev.unplug();
  const master = await dev.plugIn();
  await reconnected;
  let received = 0;
  const counting = host.onData((c) => (received += c.length));
  master.write(Uint8Array.of(1, 2, 3));
  await settle();
  t.is(received, 0, 'still paused after the reopen');
  counting.dispose();
  const got = collect(host, 3);
  host.resume();
  t.deepEqual(await got, Uint8Array.of(1, 2, 3));
  await host.close();
});
