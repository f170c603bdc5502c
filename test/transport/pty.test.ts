// The virtual M1's pty: the master in this process, the host on the slave path through the
// same serial transport a user's `--target /dev/pts/N` takes.
import { constants, existsSync, openSync, closeSync, readSync, writeSync } from 'node:fs';
import test from 'ava';
import { createPty } from '../../core/transport/pty.ts';
import { openSerial } from '../../core/transport/serial.ts';
import type { ByteTransport } from '../../core/transport/transport.ts';
import { collect, delay, settle, watchClose } from './helpers.ts';
import { transportContract } from './contract.ts';

transportContract(
  'pty master ↔ serial on its slave',
  async () => {
    const a = await createPty();
    const b = await openSerial(a.slavePath);
    return { a, b };
  },
  { closeBClosesA: false, bErrorWhenAClosesIt: 'TRANSPORT_DEVICE_GONE' },
);

const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);
// The ones a cooked tty would eat or change: ^C (ISIG), LF/CR (ONLCR, ICRNL), XON/XOFF (IXON),
// DEL (erase), ^D (EOF), ^Z, ^\ (signals).
const TTY_SPECIAL = Uint8Array.of(0x03, 0x0a, 0x0d, 0x11, 0x13, 0x7f, 0x04, 0x1a, 0x1c, 0x0d, 0x0a, 0x00, 0xff);

async function exchange(t: import('ava').ExecutionContext, master: ByteTransport, host: ByteTransport, bytes: Uint8Array) {
  const atHost = collect(host, bytes.length);
  master.write(bytes);
  t.deepEqual(await atHost, bytes, 'master → host unchanged');
  const atMaster = collect(master, bytes.length);
  host.write(bytes);
  t.deepEqual(await atMaster, bytes, 'host → master unchanged');
}

test('pty: the slave path is a /dev/pts node and the description names it', async (t) => {
  const pty = await createPty();
  t.regex(pty.slavePath, /^\/dev\/pts\/\d+$/);
  t.true(existsSync(pty.slavePath));
  t.is(pty.description, `pty ${pty.slavePath}`);
  await pty.close();
  t.false(existsSync(pty.slavePath), 'closing releases the pty');
});

test('pty: the slave is raw from the start, before anyone sets its line discipline', async (t) => {
  const pty = await createPty();
  // A plain open, as `cat` would do: nothing here touches termios.
  const fd = openSync(pty.slavePath, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
  try {
    const sent = new Uint8Array([...ALL_BYTES, ...TTY_SPECIAL]);
    pty.write(sent);
    const got = new Uint8Array(sent.length);
    let n = 0;
    for (let tries = 0; n < got.length && tries < 500; tries++) {
      try {
        n += readSync(fd, got, n, got.length - n, null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
        await delay(2);
      }
    }
    t.deepEqual(got, sent, 'master → slave: no CR/LF mapping, no ^C/^S/^Q handling, 8 bits');
    const atMaster = collect(pty, sent.length);
    t.is(writeSync(fd, sent), sent.length);
    t.deepEqual(await atMaster, sent, 'slave → master unchanged, and no echo of what the master sent');
  } finally {
    closeSync(fd);
    await pty.close();
  }
});

test('pty: every byte value passes both ways through the serial transport', async (t) => {
  const pty = await createPty();
  const host = await openSerial(pty.slavePath);
  const bytes = new Uint8Array([...ALL_BYTES, ...TTY_SPECIAL, ...ALL_BYTES.slice().reverse()]);
  await exchange(t, pty, host, bytes);
  await host.close();
  await pty.close();
});

test('pty: the master survives the host closing and re-opening the slave', async (t) => {
  const pty = await createPty();
  const masterClose = watchClose(pty);
  for (let round = 0; round < 3; round++) {
    const host = await openSerial(pty.slavePath);
    await exchange(t, pty, host, Uint8Array.of(round, 0x0d, 0x0a, 0x03, 0xff));
    await host.close();
    await settle();
    t.false(pty.closed, `master still open after host close #${round + 1}`);
    t.is(masterClose.count(), 0);
    t.true(pty.write(Uint8Array.of(1, 2, 3)), 'the master still takes writes with no host');
  }
  await pty.close();
  t.is(await masterClose.closed, undefined);
});

test('pty: what the target wrote before the host opened is flushed at open, what follows arrives', async (t) => {
  const pty = await createPty();
  pty.write(new TextEncoder().encode('stale boot text\r\n'));
  const host = await openSerial(pty.slavePath);
  const fresh = Uint8Array.of(0xff, 0x55, 0xaa, 0x00);
  const got = collect(host, fresh.length);
  pty.write(fresh);
  t.deepEqual(await got, fresh);
  await host.close();
  await pty.close();
});

test('pty: closing the master hangs up the host, which reports the device gone', async (t) => {
  const pty = await createPty();
  const host = await openSerial(pty.slavePath);
  const hostClose = watchClose(host);
  await pty.close();
  const err = await hostClose.closed;
  t.is((err as { code?: string } | undefined)?.code, 'TRANSPORT_DEVICE_GONE');
  t.regex((err as { hint?: string }).hint ?? '', /USB cable/);
});
