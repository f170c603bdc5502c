// The TCP front door: where it listens, what it tells the user, one gdb at a time, and a gdb
// that vanishes mid-step leaving the stub ready for the next one.
import test from 'ava';
import * as net from 'node:net';
import { connectTcp } from '../../core/transport/tcp.ts';
import { GdbStubError } from '../../gdbstub/errors.ts';
import { GdbServer } from '../../gdbstub/server.ts';
import { sourceDirectories } from '../../gdbstub/source-dirs.ts';
import { spinElfFile } from '../helpers/tiny-elf.ts';
import { REPO_ROOT } from '../cli/helpers.ts';
import { FixtureTarget, MEM_BASE } from './fixture-target.ts';
import { frame, RawClient } from './rsp-client.ts';

test('listens on 127.0.0.1 by default and prints the gdb command line to attach', async (t) => {
  const server = new GdbServer(new FixtureTarget());
  const { host, port } = await server.listen(undefined, 0);
  t.is(host, '127.0.0.1');
  t.true(port > 0);
  t.is(server.gdbCommand('examples/demo/build/demo.elf'), `gdb-multiarch -q -ex 'target remote 127.0.0.1:${port}' examples/demo/build/demo.elf`);
  t.is(server.gdbCommand('g.elf', ['/src/a', '/src/b']), `gdb-multiarch -q -ex 'directory /src/a' -ex 'directory /src/b' -ex 'target remote 127.0.0.1:${port}' g.elf`);
  await server.close();
});

test('source directories: a reproducible build\'s missing compilation directory is replaced by where its sources are', (t) => {
  // The demo guest's units are src/*.c under /hvdbg/examples/guest (-ffile-prefix-map, examples/guest/README.md).
  t.deepEqual(sourceDirectories(`${REPO_ROOT}examples/guest/build/demo.elf`), [`${REPO_ROOT}examples/guest`]);
  t.deepEqual(sourceDirectories(spinElfFile()), [], 'no DWARF: nothing to add');
  t.deepEqual(sourceDirectories(`${REPO_ROOT}package.json`), [], 'not an ELF: nothing to add');
  t.deepEqual(sourceDirectories('/no/such/file.elf'), []);
});

test('a port in use is a GDB_LISTEN_FAILED error with a hint', async (t) => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as net.AddressInfo).port;
  const server = new GdbServer(new FixtureTarget());
  const err = await t.throwsAsync(server.listen('127.0.0.1', port), { instanceOf: GdbStubError });
  t.is(err?.code, 'GDB_LISTEN_FAILED');
  t.regex(err?.hint ?? '', /another program uses that port/);
  await new Promise((resolve) => blocker.close(resolve));
});

test('a second connection is refused with E.message; the first one is unaffected', async (t) => {
  const server = new GdbServer(new FixtureTarget());
  const { port } = await server.listen('127.0.0.1', 0);
  const first = new RawClient(await connectTcp('127.0.0.1', port));
  t.is(await first.request('qAttached'), '1');
  const second = new RawClient(await connectTcp('127.0.0.1', port));
  second.sendRaw(frame('qSupported'));
  await second.expectAck();
  t.regex(await second.packet(), /^E\.hvdbg: another gdb is already attached/);
  t.is(await first.request('qC'), 'QC1');
  await first.transport.close();
  await server.close();
});

test('gdb dropped mid-step over TCP: cleanup, then the next gdb is welcome', async (t) => {
  const target = new FixtureTarget({ holdSteps: true });
  const server = new GdbServer(target);
  const { port } = await server.listen('127.0.0.1', 0);
  const gone = new Promise<void>((resolve) => server.onDisconnected(() => resolve()));
  const gdb = new RawClient(await connectTcp('127.0.0.1', port));
  t.is(await gdb.request(`Z0,${(MEM_BASE + 0x200n).toString(16)},4`), 'OK');
  gdb.sendRaw(frame('vCont;s:1'));
  await gdb.expectAck();
  await gdb.transport.close();
  while (target.threadState(1).state !== 'running') await new Promise((r) => setImmediate(r));
  target.releaseSteps();
  await gone;
  t.deepEqual(target.breakpoints, []);
  t.is(target.threadState(1).state, 'stopped');
  const next = new RawClient(await connectTcp('127.0.0.1', port));
  t.regex(await next.request('?'), /^T05thread:1;/);
  await next.transport.close();
  await server.close();
});
