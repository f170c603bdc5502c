// Packet-level behaviour of one gdb connection against the fixture target: what gdb sends, what
// it must get back (gdb manual, "Remote Protocol"), and what the target was asked to do.
import test from 'ava';
import { FixtureTarget, MEM_BASE } from './fixture-target.ts';
import { connect, frame } from './rsp-client.ts';

const le64 = (v: bigint) => Buffer.from(BigInt.asUintN(64, v).toString(16).padStart(16, '0'), 'hex').reverse().toString('hex');
const hexText = (hex: string) => Buffer.from(hex, 'hex').toString('utf8');

test('qSupported advertises the features and a hex PacketSize; gdb\'s swbreak+ is remembered', async (t) => {
  const { client, conn } = connect(new FixtureTarget());
  const reply = await client.request('qSupported:multiprocess+;swbreak+;hwbreak+;vContSupported+');
  const features = reply.split(';');
  t.true(features.includes('PacketSize=4000'));
  for (const f of ['qXfer:features:read+', 'qXfer:threads:read+', 'vContSupported+', 'swbreak+', 'hwbreak+', 'QStartNoAckMode+']) t.true(features.includes(f), f);
  t.deepEqual(conn.peer, { swbreak: true, hwbreak: true });
});

test('unknown packets get the empty reply, golden $#00; the connection goes on', async (t) => {
  const { client } = connect(new FixtureTarget());
  client.sendRaw('$vMustReplyEmpty#3a');
  await client.expectAck();
  t.deepEqual(await client.next(), { kind: 'packet', body: '', raw: '$#00' });
  client.sendRaw('+');
  for (const p of ['qTStatus', 'qCRC:0,4', 'vFile:open:6a', 'Qbogus', 'qOffsets', 'Z9,0,4']) t.is(await client.request(p), '', p);
  t.is(await client.request('qAttached'), '1');
});

test('a bad checksum is NAKed; the resent packet is answered', async (t) => {
  const { client, log } = connect(new FixtureTarget());
  client.sendRaw('$g#00');
  t.is((await client.next()).kind, 'nak');
  t.regex(log.join('\n'), /checksum 0x00, computed 0x67/);
  const regs = await client.request('g');
  t.is(regs.slice(0, 16), le64(0x100n), 'x0 of CPU 1');
});

test('a NAK from gdb makes the stub resend its last packet', async (t) => {
  const { client } = connect(new FixtureTarget());
  client.sendRaw(frame('qAttached'));
  await client.expectAck();
  const first = await client.next();
  client.sendRaw('-');
  const again = await client.next();
  t.deepEqual(again, first);
  t.is(first.kind === 'packet' ? first.raw : '', '$1#31');
});

test('a request split at every offset gets the same reply', async (t) => {
  const target = new FixtureTarget();
  target.memory.set([0xde, 0xad, 0xbe, 0xef], 0x10);
  const { client } = connect(target);
  const wire = frame(`m${(MEM_BASE + 0x10n).toString(16)},4`);
  for (let cut = 1; cut < wire.length; cut++) {
    client.sendRaw(wire.slice(0, cut));
    await new Promise((r) => setImmediate(r));
    client.sendRaw(wire.slice(cut));
    await client.expectAck();
    t.is(await client.packet(), 'deadbeef', `cut at ${cut}`);
    client.sendRaw('+');
  }
});

test('an oversized packet is rejected with E07 and the connection keeps working', async (t) => {
  const { client, log } = connect(new FixtureTarget(), { maxPacketBytes: 64 });
  const big = `M${MEM_BASE.toString(16)},40:${'00'.repeat(0x40)}`;
  t.is(await client.request(big), 'E07');
  t.regex(log.join('\n'), /exceeds the 64-byte PacketSize/);
  t.is(await client.request('qAttached'), '1');
});

test('X writes escaped binary (# $ } * and 0x03); X with length 0 is the probe; m reads back', async (t) => {
  const target = new FixtureTarget();
  const { client } = connect(target);
  t.is(await client.request(`X${MEM_BASE.toString(16)},0:`), 'OK');
  const escaped = '}\x03}\x04}]}\x0a\x03\x00';
  t.is(await client.request(`X${MEM_BASE.toString(16)},6:${escaped}`), 'OK');
  t.deepEqual([...target.memory.subarray(0, 6)], [0x23, 0x24, 0x7d, 0x2a, 0x03, 0x00]);
  t.is(await client.request(`m${MEM_BASE.toString(16)},6`), '23247d2a0300');
  t.is(await client.request(`X${MEM_BASE.toString(16)},7:${escaped}`), 'E16', 'length disagrees with the data');
});

test('M writes hex; m of unmapped memory is E0e, a read running off the end is short', async (t) => {
  const target = new FixtureTarget();
  const { client } = connect(target);
  t.is(await client.request(`M${(MEM_BASE + 0x20n).toString(16)},2:cafe`), 'OK');
  t.deepEqual([...target.memory.subarray(0x20, 0x22)], [0xca, 0xfe]);
  t.is(await client.request('m10,4'), 'E0e');
  t.is(await client.request(`m${(MEM_BASE + 0xfffen).toString(16)},4`), '0000');
  t.is(await client.request('M10,2:cafe'), 'E0e');
  t.is(await client.request('mzz,4'), 'E16');
});

test('g is the core + FPU set in regnum order; p/P by number incl. system registers', async (t) => {
  const target = new FixtureTarget();
  const { client } = connect(target);
  const g = await client.request('g');
  // x0–x30, sp, pc: 8 bytes; cpsr 4; v0–v31 16; fpsr, fpcr 4 (gdb's aarch64 layout)
  t.is(g.length, 2 * (33 * 8 + 4 + 32 * 16 + 8));
  t.is(g.slice(32 * 16, 33 * 16), le64(MEM_BASE + 0x100n), 'pc at regnum 32');
  t.is(g.slice(33 * 16, 33 * 16 + 8), 'c5030000', 'cpsr, 32-bit');
  t.is(await client.request('p20'), le64(MEM_BASE + 0x100n));
  t.is(await client.request('p44'), le64(0x30d00800n), 'sctlr_el1 = regnum 68');
  t.is(await client.request('p1'), le64(0x101n));
  t.is(await client.request(`P1=${le64(5n)}`), 'OK');
  t.is(await client.request('p1'), le64(5n));
  t.is(target.regs.get(1)!.get('x1'), 5n);
  t.is(await client.request(`P44=${le64(0x30d00801n)}`), 'OK', 'system registers are writable');
  t.is(target.regs.get(1)!.get('sctlr_el1'), 0x30d00801n);
  t.is(await client.request('p99'), 'E16');
  t.is(await client.request('P1=05'), 'E16', 'value too short');
  target.regs.get(1)!.delete('tcr_el1');
  t.is(await client.request('p45'), 'x'.repeat(16), 'unavailable');
});

test('G writes every register of the g set', async (t) => {
  const target = new FixtureTarget();
  const { client } = connect(target);
  const g = await client.request('g');
  const changed = le64(0x1234n) + g.slice(16);
  t.is(await client.request(`G${changed}`), 'OK');
  t.is(target.regs.get(1)!.get('x0'), 0x1234n);
  t.is(await client.request(`G${changed.slice(2)}`), 'E16');
});

test('threads are CPUs: list, extra info with MPIDR and cluster, H selects, T checks, qC', async (t) => {
  const { client } = connect(new FixtureTarget());
  t.is(await client.request('qfThreadInfo'), 'm1,2,3,4');
  t.is(await client.request('qsThreadInfo'), 'l');
  t.is(hexText(await client.request('qThreadExtraInfo,3')), 'MPIDR 0x80000100, cluster 1 (p), stopped');
  t.is(await client.request('Hg2'), 'OK');
  t.is(await client.request('p0'), le64(0x200n), 'x0 of CPU 2');
  t.is(await client.request('qC'), 'QC2');
  t.is(await client.request('T4'), 'OK');
  t.is(await client.request('T5'), 'E03');
  t.is(await client.request('Hg9'), 'E03');
  t.is(await client.request('Hc-1'), 'OK');
  const xml = await client.request('qXfer:threads:read::0,1000');
  t.true(xml.startsWith('l<?xml'));
  t.regex(xml, /<thread id="3" core="2" name="cpu2">MPIDR 0x80000100, cluster 1 \(p\)<\/thread>/);
});

test('qXfer:features:read serves target.xml and its features in windows', async (t) => {
  const { client } = connect(new FixtureTarget());
  const whole = await client.request('qXfer:features:read:target.xml:0,1000');
  t.true(whole.startsWith('l'));
  t.regex(whole, /<architecture>aarch64<\/architecture>/);
  for (const f of ['aarch64-core.xml', 'aarch64-fpu.xml', 'hvdbg-sysregs.xml']) t.true(whole.includes(`<xi:include href="${f}"/>`), f);
  const first = await client.request('qXfer:features:read:target.xml:0,10');
  t.is(first, `m${whole.slice(1, 17)}`);
  t.is(await client.request(`qXfer:features:read:target.xml:${(whole.length - 1).toString(16)},10`), 'l');
  t.is(await client.request('qXfer:features:read:nope.xml:0,10'), 'E00');
  const sys = await client.request('qXfer:features:read:hvdbg-sysregs.xml:0,1000');
  t.regex(sys, /<feature name="org.hvdbg.aarch64.sysregs">/);
  t.regex(sys, /<reg name="sctlr_el1" bitsize="64" type="uint64" regnum="68"/);
});

test('vCont: per-thread actions; the stop reply names the thread and carries pc sp fp lr cpsr', async (t) => {
  const target = new FixtureTarget();
  const { client, conn } = connect(target);
  t.is(await client.request('vCont?'), 'vCont;c;C;s;S;t');
  await client.request('Hg2');
  await client.request('g'); // warm the cache for CPU 2
  const reply = await client.request('vCont;s:2');
  t.is(target.calls.at(-1 - target.calls.slice().reverse().findIndex((c) => c.startsWith('resume'))), 'resume 1:stop 2:step 3:stop 4:stop');
  const pc = MEM_BASE + 0xf000n + 0x20n + 4n;
  const sp = MEM_BASE + 0x8000n - 0x200n;
  t.is(reply, `T05thread:2;20:${le64(pc)};1f:${le64(sp)};1d:${le64(0x21dn)};1e:${le64(0x21en)};21:c5030000;`);
  // The cache was dropped on resume; the stop fetched the expedited set once; p pc is free.
  const reads = conn.registers.targetReads;
  t.is(await client.request('p20'), le64(pc));
  t.is(conn.registers.targetReads, reads);
  // Leftmost matching action wins; threads without one stay stopped.
  await client.request('vCont;s:1;c:1;c');
  t.true(target.calls.includes('resume 1:step 2:continue 3:continue 4:continue'));
  t.is(await client.request('vCont;c:9'), 'E03');
  t.is(await client.request('vCont;x'), 'E16');
});

test('software and hardware breakpoints report swbreak/hwbreak only to a gdb that asked', async (t) => {
  const target = new FixtureTarget();
  const { client } = connect(target);
  const bp = (MEM_BASE + 0x200n).toString(16);
  t.is(await client.request(`Z0,${bp},4`), 'OK');
  t.is(await client.request(`Z0,${bp},4`), 'OK', 'idempotent');
  t.is(target.breakpoints.length, 1);
  t.regex(await client.request('c'), /^T05thread:1;20:/, 'no swbreak+ from gdb: plain T05');
  t.is(await client.request(`z0,${bp},4`), 'OK');
  await client.request('qSupported:swbreak+;hwbreak+');
  t.is(await client.request(`Z1,${(MEM_BASE + 0x300n).toString(16)},4`), 'OK');
  t.regex(await client.request('vCont;c'), /^T05thread:1;hwbreak:;20:/);
  t.is(await client.request(`Z0,${(MEM_BASE + 0x400n).toString(16)},4;X3,220027`), 'OK', 'conditions are ignored');
  t.regex(await client.request('vCont;c'), /^T05thread:1;swbreak:;20:00040040/);
});

test('hardware slots: past the capacity Z answers E1c (ENOSPC); watchpoints report their address', async (t) => {
  const target = new FixtureTarget({ capacity: { hardwareBreakpoints: 1, watchpoints: 1 } });
  const { client } = connect(target);
  t.is(await client.request(`Z1,${(MEM_BASE + 0x300n).toString(16)},4`), 'OK');
  t.is(await client.request(`Z1,${(MEM_BASE + 0x304n).toString(16)},4`), 'E1c');
  t.is(await client.request(`z1,${(MEM_BASE + 0x300n).toString(16)},4`), 'OK');
  const w = (MEM_BASE + 0x400n).toString(16);
  t.is(await client.request(`Z2,${w},4`), 'OK');
  t.is(await client.request(`Z3,${w},4`), 'E1c');
  t.is(await client.request('vCont;c'), `T05thread:1;watch:${w};20:${le64(MEM_BASE + 0x100n)};1f:${le64(MEM_BASE + 0x7f00n)};1d:${le64(0x11dn)};1e:${le64(0x11en)};21:c5030000;`);
  t.is(await client.request(`z2,${w},4`), 'OK');
  t.is(await client.request(`Z4,${w},8`), 'OK');
  t.regex(await client.request('vCont;c'), new RegExp(`^T05thread:1;awatch:${w};`));
  t.is(await client.request(`z4,${w},8`), 'OK');
  t.is(await client.request(`Z3,${w},1`), 'OK');
  t.regex(await client.request('vCont;c'), new RegExp(`^T05thread:1;rwatch:${w};`));
});

test('Ctrl-C interrupts a running guest: T02 for the running thread', async (t) => {
  const target = new FixtureTarget();
  const { client } = connect(target);
  client.sendRaw(frame('vCont;c'));
  await client.expectAck();
  while (target.threadState(1).state !== 'running') await new Promise((r) => setImmediate(r));
  client.sendRaw(Uint8Array.of(0x03));
  t.regex(await client.packet(), /^T02thread:1;20:/);
  client.sendRaw('+');
  t.true(target.calls.includes('interrupt'));
});

test('Ctrl-C in the same segment as vCont;c (as gdb sends it) interrupts that continue: T02', async (t) => {
  t.timeout(30_000, 'a dropped Ctrl-C leaves the guest running and the stop reply never comes');
  const target = new FixtureTarget();
  const { client, log } = connect(target);
  client.sendRaw(`${frame('vCont;c')}\x03`);
  await client.expectAck();
  t.regex(await client.packet(), /^T02thread:1;20:/);
  client.sendRaw('+');
  t.deepEqual(
    target.calls.filter((c) => c.startsWith('resume') || c === 'interrupt').map((c) => c.split(' ')[0]),
    ['resume', 'interrupt'],
    'interrupted after the resume, not dropped before it',
  );
  t.notRegex(log.join('\n'), /ignored/);
  t.is(await client.request('qC'), 'QC1', 'the connection goes on');
});

test('Ctrl-C while a step is in flight: one stop reply, the step\'s; the next request gets its own reply', async (t) => {
  const target = new FixtureTarget({ holdSteps: true });
  const { client } = connect(target);
  client.sendRaw(frame('vCont;s:1'));
  await client.expectAck();
  while (target.threadState(1).state !== 'running') await new Promise((r) => setImmediate(r));
  client.sendRaw(Uint8Array.of(0x03));
  while (!target.calls.includes('interrupt')) await new Promise((r) => setImmediate(r));
  target.releaseSteps();
  t.regex(await client.packet(), new RegExp(`^T05thread:1;20:${le64(MEM_BASE + 0x104n)};`), 'the step completed: pc + 4');
  client.sendRaw('+');
  t.is(await client.request('qC'), 'QC1', 'no second stop reply in between');
  t.is(client.pending, '');
});

test('Ctrl-C after a stop, or with a packet that does not resume: ignored, the guest stays stopped', async (t) => {
  const target = new FixtureTarget();
  const { client, log } = connect(target);
  t.regex(await client.request('vCont;s:1'), /^T05thread:1;/);
  client.sendRaw(Uint8Array.of(0x03)); // late: the step's stop reply crossed it
  client.sendRaw(`${frame('qC')}\x03`);
  await client.expectAck();
  t.is(await client.packet(), 'QC1');
  client.sendRaw('+');
  t.is(await client.request('qAttached'), '1');
  t.false(target.calls.includes('interrupt'));
  t.is(log.filter((l) => /Ctrl-C while the guest is stopped: ignored/.test(l)).length, 2);
  t.is(target.threadState(1).state, 'stopped');
});

test('? on a running guest stops it first (attach); on a stopped one reports the last stop', async (t) => {
  const target = new FixtureTarget();
  await target.detach(); // the guest runs, as when gdb attaches late
  const { client } = connect(target);
  t.regex(await client.request('?'), /^T02thread:1;/);
  t.is(target.threadState(2).state, 'stopped');
  t.regex(await client.request('?'), /^T02thread:1;/);
});

test('QStartNoAckMode: OK is acked, then neither side acks', async (t) => {
  const { client } = connect(new FixtureTarget());
  t.is(await client.request('QStartNoAckMode'), 'OK');
  t.is(await client.request('qAttached', true), '1');
  client.sendRaw('$g#00'); // damaged and cannot be NAKed: dropped, not run
  t.is(await client.request('qC', true), 'QC1');
  t.is(client.pending, '');
});

test('monitor: hex command in, O packets out, then OK; a failure prints why and answers E', async (t) => {
  const target = new FixtureTarget();
  const { client } = connect(target);
  client.sendRaw(frame(`qRcmd,${Buffer.from('help').toString('hex')}`));
  await client.expectAck();
  const out = await client.packet();
  t.true(out.startsWith('O'));
  t.regex(hexText(out.slice(1)), /fixture monitor commands:\n {2}help/);
  t.is(await client.packet(), 'OK');
  client.sendRaw(frame(`qRcmd,${Buffer.from('frobnicate').toString('hex')}`));
  await client.expectAck();
  t.is(hexText((await client.packet()).slice(1)), 'unknown monitor command "frobnicate"\n  hint: try "monitor help"\n');
  t.is(await client.packet(), 'E01');
});

test('D removes the breakpoints, detaches (guest runs) and closes', async (t) => {
  const target = new FixtureTarget();
  const { client, conn } = connect(target);
  await client.request(`Z0,${(MEM_BASE + 0x200n).toString(16)},4`);
  await client.request(`Z2,${(MEM_BASE + 0x400n).toString(16)},4`);
  t.is(await client.request('D'), 'OK');
  await conn.finished;
  t.deepEqual(target.breakpoints, []);
  t.deepEqual(target.watchpoints, []);
  t.true(target.calls.includes('detach'));
  t.is(target.threadState(1).state, 'running');
  t.true(client.closed);
});

test('k kills without a reply and closes', async (t) => {
  const target = new FixtureTarget();
  const { client, conn } = connect(target);
  client.sendRaw(frame('k'));
  await client.expectAck();
  await conn.finished;
  t.true(target.calls.includes('kill'));
  t.is(client.pending, '');
});

test('connection dropped mid-step: the step ends, breakpoints go, the guest stays stopped', async (t) => {
  const target = new FixtureTarget({ holdSteps: true });
  const { client, conn, log } = connect(target);
  await client.request(`Z0,${(MEM_BASE + 0x200n).toString(16)},4`);
  client.sendRaw(frame('vCont;s:1'));
  await client.expectAck();
  await client.transport.close();
  target.releaseSteps();
  await conn.finished;
  t.deepEqual(target.breakpoints, []);
  t.is(target.threadState(1).state, 'stopped');
  t.is(target.regs.get(1)!.get('pc'), MEM_BASE + 0x104n, 'the step completed');
  t.false(target.calls.includes('detach'));
  t.regex(log.join('\n'), /guest left stopped/);
});

test('connection dropped mid-continue: interrupted, breakpoints out, the guest runs on', async (t) => {
  const target = new FixtureTarget();
  const { client, conn, log } = connect(target);
  await client.request(`Z1,${(MEM_BASE + 0x50n).toString(16)},4`); // below pc: never hit
  client.sendRaw(frame('vCont;c'));
  await client.expectAck();
  while (target.threadState(1).state !== 'running') await new Promise((r) => setImmediate(r));
  await client.transport.close();
  await conn.finished;
  t.deepEqual(target.breakpoints, []);
  t.true(target.calls.includes('interrupt'));
  t.true(target.calls.includes('detach'));
  t.is(target.threadState(1).state, 'running');
  t.regex(log.join('\n'), /guest left running/);
});
