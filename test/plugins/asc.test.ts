// The ASC/RTKit tracer fed the mailbox register accesses of spec apple-devices §4.3 (AP send:
// INBOX0 then INBOX1; AP receive: OUTBOX_CTRL, OUTBOX0, OUTBOX1) for the boot handshake of §5.3,
// syslog traffic whose entries (§5.5) sit in AP memory behind the DCP's DART (§6.2), a crash
// (§5.6), and unknown endpoints. Expected lines are written from §4.4 and §5.11 (the generic line
// `[<ep name>] <dir>0x<TYPE>(<name>) <msg0:016x> (<fields>)`, field rendering per §1.1).

import test from 'ava';
import { definePlugin } from '../../core/plugin/api.ts';
import { PluginHost } from '../../core/plugin/host.ts';
import asc, { type AscApi, type AscState } from '../../plugins/asc/index.ts';
import { crashDumpLines } from '../../plugins/asc/crash-dump.ts';
import { DartWalker, dvaToIova } from '../../plugins/asc/dart-walk.ts';
import { buildCrashDump } from '../../sim/coproc/rtkit/crash-dump.ts';
import { ANS_ASC, ApMailbox, AscBackend, DART_ANS, DART_DCP, DCP_ASC, syslogEntry } from './asc-fixture.ts';

async function setup(verbosity?: number): Promise<{ backend: AscBackend; host: PluginHost; ap: ApMailbox }> {
  const backend = new AscBackend();
  const host = new PluginHost(backend);
  await host.add(asc);
  if (verbosity !== undefined) host.setVerbosity('asc', verbosity);
  backend.take();
  return { backend, host, ap: new ApMailbox(backend, DCP_ASC) };
}

/** §5.2 example encodings and the §5.3 m1n1 C boot order, DCP endpoints {0,1,2,4} and 0x37. */
async function boot(ap: ApMailbox): Promise<void> {
  await ap.start();
  await ap.send(0, 0x0060000000000220n); // SET_IOP_POWER(INIT)
  await ap.recv(0, 0x00100000000c000bn); // HELLO min 11 max 12
  await ap.send(0, 0x00200000000c000cn); // HELLO_ACK v12
  await ap.recv(0, 0x0080000000000017n); // EPMAP base 0, bitmap 0x17, more to come
  await ap.send(0, 0x0080000000000001n); // EPMAP_ACK base 0, MORE
  await ap.recv(0, 0x0088000100800000n); // EPMAP base 1 (EP 0x37), LAST
  await ap.send(0, 0x0088000100000000n); // EPMAP_ACK base 1, LAST
  await ap.send(0, 0x0050000100000002n); // START_EP crashlog
  await ap.send(0, 0x0050000200000002n); // START_EP syslog
  await ap.send(0, 0x0050000400000002n); // START_EP ioreporting
  await ap.recv(1, 0x0010400000000000n); // crashlog buffer request, SIZE 4, DVA 0
  await ap.send(1, 0x0010400f00004000n); // the AP's reply (§5.4)
  await ap.recv(2, 0x0010400000000000n); // syslog buffer request
  await ap.send(2, 0x0010400f00008000n); // §5.4's example reply: SIZE 4, DVA 0xf00008000
  await ap.recv(2, 0x0080000080000040n); // syslog INIT: COUNT 0x40, ENTRYSIZE 0x80
  await ap.recv(0, 0x0070000000000020n); // IOP_POWER_ACK(ON)
  await ap.send(0, 0x00b0000000000020n); // SET_AP_POWER(ON)
  await ap.recv(0, 0x00b0000000000020n); // AP_POWER_ACK(ON)
}

const SYSLOG_IOVA = 0x8000n;
const SYSLOG_PA = 0x820000000n;

test('attaches by ADT: /arm-io/dcp by path and /arm-io/ans by compatible iop,ascwrap, reg[0] traced SYNC', async (t) => {
  const { backend, host } = await setup();
  const ranges = backend.active().map((r) => [r.owner, r.base, r.size, r.mode]);
  t.deepEqual(ranges, [
    ['asc@/arm-io/dcp', DCP_ASC, 0xc000n, 'sync'],
    ['asc@/arm-io/ans', ANS_ASC, 0xc000n, 'sync'],
  ]);
  const s = host.state<AscState>('asc', '/arm-io/dcp')!;
  t.like(s.route, { path: '/arm-io/dart-dcp', base: DART_DCP, sid: 0, dramMask: 0xf00000000n });
  t.like(host.state<AscState>('asc', '/arm-io/ans')!.route, { path: '/arm-io/dart-ans', base: DART_ANS, sid: 1, dramMask: 0n });
});

test('§5.3 boot handshake: every management and system-endpoint message decoded per §5.11', async (t) => {
  const { backend, host, ap } = await setup();
  await boot(ap);
  t.deepEqual(backend.take(), [
    '[asc] CPU_CONTROL = 0x10 (RUN=1)',
    '[asc] [management] >0x6(SetIOPPower) 0060000000000220 (TYPE=0x6, STATE=0x220)',
    '[asc] [management] <0x1(HELLO) 00100000000c000b (TYPE=0x1)',
    '[asc] [management] >0x2(HELLO_ACK) 00200000000c000c (TYPE=0x2)',
    '[asc] [management]   Adding endpoint #0x0 (management)',
    '[asc] [management]   Adding endpoint #0x1 (crashlog)',
    '[asc] [management]   Adding endpoint #0x2 (syslog)',
    '[asc] [management]   Adding endpoint #0x4 (ioreporting)',
    '[asc] [management] <0x8(EPMap) 0080000000000017 (TYPE=0x8, LAST=0, BASE=0, BITMAP=0x17)',
    '[asc] [management] >0x8(EPMap_Ack) 0080000000000001 (TYPE=0x8, LAST=0, BASE=0, MORE=1)',
    '[asc] [management]   Adding endpoint #0x37',
    '[asc] [management] <0x8(EPMap) 0088000100800000 (TYPE=0x8, LAST=1, BASE=1, BITMAP=0x800000)',
    '[asc] [management] >0x8(EPMap_Ack) 0088000100000000 (TYPE=0x8, LAST=1, BASE=1, MORE=0)',
    '[asc] [management]   Starting endpoint #0x1 (crashlog)',
    '[asc] [management] >0x5(StartEP) 0050000100000002 (TYPE=0x5, EP=0x1, FLAG=2)',
    '[asc] [management]   Starting endpoint #0x2 (syslog)',
    '[asc] [management] >0x5(StartEP) 0050000200000002 (TYPE=0x5, EP=0x2, FLAG=2)',
    '[asc] [management]   Starting endpoint #0x4 (ioreporting)',
    '[asc] [management] >0x5(StartEP) 0050000400000002 (TYPE=0x5, EP=0x4, FLAG=2)',
    '[asc] [crashlog] <0x1(GetBuf) 0010400000000000 (TYPE=0x1, SIZE=0x4, DVA=0x0)',
    '[asc] [crashlog] >0x1(GetBuf_Ack) 0010400f00004000 (TYPE=0x1, SIZE=0x4, DVA=0xf00004000)',
    '[asc] [syslog] <0x1(GetBuf) 0010400000000000 (TYPE=0x1, SIZE=0x4, DVA=0x0)',
    '[asc] [syslog] >0x1(GetBuf_Ack) 0010400f00008000 (TYPE=0x1, SIZE=0x4, DVA=0xf00008000)',
    '[asc] [syslog] <0x8(INIT) 0080000080000040 (TYPE=0x8, ENTRYSIZE=0x80, COUNT=0x40)',
    '[asc] [management] <0x7(SetIOPPowerAck) 0070000000000020 (TYPE=0x7, STATE=0x20)',
    '[asc] [management] >0xb(SetAPPower) 00b0000000000020 (TYPE=0xb, STATE=0x20)',
    '[asc] [management] <0xb(SetAPPowerAck) 00b0000000000020 (TYPE=0xb, STATE=0x20)',
  ]);
  const s = host.state<AscState>('asc', '/arm-io/dcp')!;
  t.deepEqual(s.present, [0, 1, 2, 4, 0x37]);
  t.deepEqual(s.started, [1, 2, 4]);
  t.is(s.iopPower, 0x20);
  t.is(s.apPower, 0x20);
  t.true(s.running);
  t.like(s.eps[2], { dva: 0xf00008000n, count: 0x40, entrySize: 0x80 });
});

test('the structured event of a message carries EP, direction, TYPE, name, fields, CPU, PC and seq', async (t) => {
  const { backend, ap } = await setup();
  const ap3 = new ApMailbox(backend, DCP_ASC, 3);
  await ap3.recv(0, 0x00100000000c000bn);
  const ev = backend.outputs.find((o) => o.kind === 'asc-message')!;
  t.is(ev.plugin, 'asc');
  t.is(ev.device, '/arm-io/dcp');
  t.is(ev.cpu, 3);
  t.is(ev.seq, 3, 'the OUTBOX1 read is the third access of the receive sequence');
  t.like(ev.fields, { ep: 0, endpoint: 'management', dir: 'rx', type: 1, name: 'HELLO', msg0: 0x00100000000c000bn, TYPE: 1 });
  t.is(ev.line, '[asc] [management] <0x1(HELLO) 00100000000c000b (TYPE=0x1)');
  t.truthy(ap);
});

test('§5.5 syslog: LOG reads entry INDEX at buf + INDEX·(0x20 + ENTRYSIZE) through the DART; the echo is silent', async (t) => {
  const { backend, ap } = await setup();
  backend.map(DART_DCP, 0, SYSLOG_IOVA, SYSLOG_PA, 0x8000);
  await boot(ap);
  backend.take();
  const stride = 0x20 + 0x80;
  backend.writeIova(DART_DCP, 0, SYSLOG_IOVA, syslogEntry('RTKit', 'RTKit virtual firmware for dcp (t8103)\n', 0x80));
  backend.writeIova(DART_DCP, 0, SYSLOG_IOVA + BigInt(stride * 0x3f), syslogEntry('dcp', 'iomfb: waiting for the AP (EP 0x37)\n\n', 0x80));
  await ap.recv(2, 0x0050000000000000n); // LOG index 0
  await ap.send(2, 0x0050000000000000n); // the AP echoes it (§5.5)
  await ap.recv(2, 0x005000000000003fn); // LOG index 0x3f: crosses into the second 16 KiB page
  await ap.send(2, 0x005000000000003fn);
  t.deepEqual(backend.take(), ['[asc] [syslog] * [RTKit]RTKit virtual firmware for dcp (t8103)', '[asc] [syslog] * [dcp]iomfb: waiting for the AP (EP 0x37)']);
  t.true(backend.memReads.includes(DART_DCP + 0x200n), 'TTBR[0][0] was read');
  t.true(backend.memReads.includes(SYSLOG_PA), 'the entry was read at the physical address the tables give');
});

test('a second ASC found by compatible reads its syslog through its own DART stream (mapper reg = 1, no dram mask)', async (t) => {
  const { backend } = await setup();
  const ans = new ApMailbox(backend, ANS_ASC);
  backend.map(DART_ANS, 1, 0x10000n, 0x830000000n, 0x4000);
  backend.writeIova(DART_ANS, 1, 0x10000n + 2n * 0xa0n, syslogEntry('ans', 'nvme ready', 0x80));
  await ans.send(2, 0x0010100000010000n); // GetBuf_Ack: SIZE 1, DVA 0x10000
  await ans.recv(2, 0x0050000000000002n);
  t.deepEqual(backend.take(), ['[asc] [syslog] >0x1(GetBuf_Ack) 0010100000010000 (TYPE=0x1, SIZE=0x1, DVA=0x10000)', '[asc] [syslog] * [ans]nvme ready']);
  t.true(backend.memReads.includes(DART_ANS + 0x210n), 'TTBR[1][0] (0x200 + 16·sid) was read');
});

test('an unmapped syslog buffer (no INIT seen: m1n1\'s 0xa0 stride) is reported with the DART fault and costs nothing else', async (t) => {
  const { backend, ap } = await setup();
  await ap.send(2, 0x0010400f00008000n);
  await ap.recv(2, 0x0050000000000001n);
  await ap.recv(0, 0x0070000000000020n);
  const lines = backend.take();
  t.is(lines.length, 3);
  t.regex(lines[1]!, /^\[asc\] \[syslog\] !!! <ep:02 0050000000000001 not decoded: \/arm-io\/dart-dcp stream 0: IOVA 0x80a0 does not translate \(NO_TTBR/);
  t.is(lines[2], '[asc] [management] <0x7(SetIOPPowerAck) 0070000000000020 (TYPE=0x7, STATE=0x20)');
});

test('§4.4: an endpoint without a decoder prints raw; an unknown management TYPE prints <unknown>', async (t) => {
  const { backend, ap } = await setup();
  await ap.send(0, 0x0050003700000002n);
  await ap.send(0x37, 0x000f100000000040n);
  await ap.recv(0x37, 0x0000000000000001n);
  await ap.send(0, 0x00c0000000000000n);
  t.deepEqual(backend.take(), [
    '[asc] [management]   Starting endpoint #0x37',
    '[asc] [management] >0x5(StartEP) 0050003700000002 (TYPE=0x5, EP=0x37, FLAG=2)',
    '[asc] >ep:37 000f100000000040 ()',
    '[asc] <ep:37 0000000000000001 ()',
    '[asc] [management] >0xc(<unknown>) 00c0000000000000 (TYPE=0xc)',
  ]);
});

test('§4.4 at verbosity 2: SEND/RECV lines with msg0:msg1 and the msg1 fields; §1.3 generic lines of handler-less registers; control writes', async (t) => {
  const { backend, ap } = await setup(2);
  await ap.send(0, 0x0050000200000002n);
  await ap.recv(0, 0x00100000000c000bn);
  await backend.write(DCP_ASC + 0x8110n, 0x1n);
  const lines = backend.take().filter((l) => !l.includes('endpoint #'));
  t.deepEqual(lines, [
    '[asc] MMIO: W.8   INBOX0 = 0x50000200000002 ()',
    '[asc] SEND: 0050000200000002:0000000000000000  | EP=0x0',
    '[asc] [management] >0x5(StartEP) 0050000200000002 (TYPE=0x5, EP=0x2, FLAG=2)',
    '[asc] MMIO: R.4   OUTBOX_CTRL = 0x100001 (FIFOCNT=0x1, OVERFLOW=0, EMPTY=0, FULL=0, RPTR=0x0, WPTR=0x0, ENABLE=1)',
    '[asc] MMIO: R.8   OUTBOX0 = 0x100000000c000b ()',
    '[asc] RECV: 00100000000c000b:0000000000000000  | OUTCNT=0x0, INCNT=0x0, OUTPTR=0x0, INPTR=0x0, EP=0x0',
    '[asc] [management] <0x1(HELLO) 00100000000c000b (TYPE=0x1)',
    '[asc] INBOX_CTRL = 0x1 (FIFOCNT=0x0, OVERFLOW=0, EMPTY=0, FULL=0, RPTR=0x0, WPTR=0x0, ENABLE=1)',
  ]);
});

test('§5.6 crashlog: the first TYPE 1 is the buffer request, a later one a crash whose dump is listed', async (t) => {
  const { backend, ap } = await setup();
  backend.map(DART_DCP, 0, 0x4000n, 0x828000000n, 0x4000);
  await ap.recv(1, 0x0010100000000000n);
  await ap.send(1, 0x0010100f00004000n);
  const dump = buildCrashDump({ uuid: new Uint8Array(16).fill(0xab), version: 'RTKit_iOS-1826.120.10', message: 'panic: syslog overflow', time: 0x1234n, mailbox: [{ endpoint: 2, message: 0x0050000000000001n, timestamp: 7 }] });
  backend.writeIova(DART_DCP, 0, 0x4000n, dump);
  backend.take();
  await ap.recv(1, 0x0010100f00004000n);
  t.deepEqual(backend.take(), [
    '[asc] [crashlog] <0x1(Crashed) 0010100f00004000 (TYPE=0x1, SIZE=0x1, DVA=0xf00004000)',
    '[asc] [crashlog] IOP crashed!',
    `[asc] [crashlog]   Crash dump v2, 0x${dump.length.toString(16)} bytes`,
    `[asc] [crashlog]   Cver: RTKit_iOS-1826.120.10 (uuid ${'ab'.repeat(16)})`,
    '[asc] [crashlog]   Cstr: [0] panic: syslog overflow',
    '[asc] [crashlog]   Ctim: 0x1234',
    '[asc] [crashlog]   Cmbx: 1 mailbox record',
  ]);
});

test('endpoint decoders are extensible: a dependent plugin registers one and gets its lines; a throwing one is contained', async (t) => {
  const { backend, host, ap } = await setup();
  const seen: bigint[] = [];
  await host.add(
    definePlugin({
      name: 'myep',
      needs: ['asc'],
      attach: { path: '/arm-io/dcp' },
      ranges: [],
      setup(ctx) {
        ctx.dep<AscApi>('asc').registerEndpoint(ctx, 0x40, {
          name: 'doorbell',
          messages: [
            {
              name: 'Ring',
              handle(v, e) {
                seen.push(v.raw);
                if (v.raw === 0xdeadn) throw new Error('bad doorbell');
                e.log(`ring ${v.raw}`);
                return v.raw !== 2n;
              },
            },
          ],
        });
      },
    }),
  );
  backend.take();
  await ap.send(0x40, 1n);
  await ap.recv(0x40, 2n);
  await ap.send(0x40, 0xdeadn);
  await ap.send(0, 0x0050004000000002n);
  const ring = backend.outputs.find((o) => o.plugin === 'myep')!;
  t.like(ring, { seq: 2, cpu: 0 }, 'the INBOX1 write (seq 2) the line came from');
  t.deepEqual(backend.take(), [
    '[myep] [doorbell] ring 1',
    '[myep] [doorbell] ring 2',
    '[myep] [doorbell] <(Ring) 0000000000000002 ()',
    '[myep] [doorbell] !!! >ep:40 000000000000dead not decoded: bad doorbell',
    '[asc] [management]   Starting endpoint #0x40 (doorbell)',
    '[asc] [management] >0x5(StartEP) 0050004000000002 (TYPE=0x5, EP=0x40, FLAG=2)',
  ]);
  t.deepEqual(seen, [1n, 2n, 0xdeadn]);
});

test('state survives a reload of the plugin: the syslog buffer learnt before decodes a LOG after', async (t) => {
  const { backend, host, ap } = await setup();
  backend.map(DART_DCP, 0, SYSLOG_IOVA, SYSLOG_PA, 0x4000);
  backend.writeIova(DART_DCP, 0, SYSLOG_IOVA, syslogEntry('RTKit', 'after reload', 0x80));
  await boot(ap);
  const r = await host.reload('asc');
  t.true(r.ok);
  backend.take();
  await ap.recv(2, 0x0050000000000000n);
  t.deepEqual(backend.take(), ['[asc] [syslog] * [RTKit]after reload']);
});

test('§5.6 crash dumps cut at every length or with a bad entry length list what they can and end with a !!! line', (t) => {
  const dump = buildCrashDump({ uuid: new Uint8Array(16), version: 'v', message: 'm', time: 1n, mailbox: [] });
  for (let n = 0; n < dump.length; n++) {
    const lines = crashDumpLines(dump.subarray(0, n));
    t.true(lines.length >= 1);
    if (n < dump.length) t.regex(lines.at(-1)!.text, /!!!/, `cut at ${n}`);
  }
  t.false(crashDumpLines(dump).some((l) => l.text.includes('!!!')), 'the whole dump lists cleanly');
  const bad = dump.slice();
  new DataView(bad.buffer).setUint32(0x20 + 12, 0xffff, true); // Cver's len
  t.deepEqual(crashDumpLines(bad).map((l) => l.text), ['  Crash dump v2, 0x' + dump.length.toString(16) + ' bytes', "  !!! entry 'Cver' at 0x20 has bad length 0xffff"]);
});

test('§6.2/§6.3 DART walk: TTBR[sid][iova>>36] → L1 → L2, t6000 PTEs hold PA>>14 at [39:10], bypass streams, faults named', async (t) => {
  const mem = new Map<bigint, bigint>();
  const regs = new Map<bigint, number>();
  const io = {
    mmio32: async (a: bigint): Promise<number> => regs.get(a) ?? 0,
    memory: async (a: bigint, n: number): Promise<Uint8Array> => {
      const out = new Uint8Array(n);
      const v = new DataView(out.buffer);
      if (n === 8) v.setBigUint64(0, mem.get(a) ?? 0n, true);
      else for (let i = 0; i < n; i++) out[i] = Number((a + BigInt(i)) & 0xffn);
      return out;
    },
  };
  const base = 0x23130c000n;
  // IOVA 0x1_0200_4123 in stream 2: TTBR[2][1] (bits 37:36 = 1), L1 index 1 (bits 35:25), L2 index 1.
  const iova = (1n << 36n) | (1n << 25n) | (1n << 14n) | 0x123n;
  regs.set(base + 0x100n + 8n, 0x80);
  regs.set(base + 0x200n + 32n + 4n, (0x80000000 | Number(0x810000000n >> 12n)) >>> 0);
  mem.set(0x810000000n + 8n, 0x810004000n | 3n);
  mem.set(0x810004000n + 8n, 0x850008000n | (0xfffn << 40n) | 3n);
  const route = { path: '/arm-io/dart-dcp', base, sid: 2, dramMask: 0n, pte: 't8020' as const };
  t.is(await new DartWalker(route, io).translate(iova), 0x850008123n);
  // t6000: the same tables with OFFSET = PA >> 14 stored at bit 10.
  mem.set(0x810000000n + 8n, ((0x810004000n >> 14n) << 10n) | 3n);
  mem.set(0x810004000n + 8n, ((0x850008000n >> 14n) << 10n) | 3n);
  t.is(await new DartWalker({ ...route, pte: 't6000' }, io).translate(iova), 0x850008123n);
  // A read across a page boundary translates each page.
  // read() takes a DVA: masked to 36 bits (§4.4), so it walks TTBR[sid][0]; point that at the same L1.
  regs.set(base + 0x200n + 32n, (0x80000000 | Number(0x810000000n >> 12n)) >>> 0);
  const walker = new DartWalker({ ...route, pte: 't6000' }, io);
  const pageEnd = (iova & 0xfffffc000n) + 0x3ff0n;
  t.deepEqual([...(await walker.read(pageEnd, 0x10))], [...Array(16).keys()].map((i) => (0xf0 + i) & 0xff), 'bytes of PA 0x85000bff0…');
  await t.throwsAsync(walker.read(pageEnd, 0x20), { message: /IOVA 0x2008000 does not translate \(NO_PTE/ }, 'the next page (L2 index 2) is not mapped');
  // TCR BYPASS_DART: PA = IOVA.
  regs.set(base + 0x100n + 8n, 0x100);
  t.is(await new DartWalker(route, io).translate(0x4000n), 0x4000n);
  regs.set(base + 0x100n + 8n, 0x80);
  await t.throwsAsync(new DartWalker({ ...route, sid: 3 }, io).translate(0x4000n), { message: /stream 3: IOVA 0x4000 does not translate \(NO_TTBR/ });
  t.is(dvaToIova(0xf00008000n, 0xf00000000n), 0x8000n);
});
