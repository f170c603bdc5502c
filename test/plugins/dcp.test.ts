// The DCP tracer fed endpoint-0x37 traffic as spec apple-devices §7.5 describes it (AP calls in
// CMD/OOBCMD, DCP callbacks in CB/ASYNC, nested calls at the next 0x40-aligned offset), with the
// packets laid out in shared memory per §7.4/§7.8 and read through dart-dcp. Expected call-trace
// lines are written from §7.13 (the seed lines quoted there and its rendering rules), the live
// lines and the dump file from §7.12, DCPAV from §7.11 with §7.10's worked example blob.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { renderDump, type DcpState } from '../../plugins/dcp/index.ts';
import { PluginHost } from '../../core/plugin/host.ts';
import { ApMailbox, AscBackend, DCP_ASC } from './asc-fixture.ts';
import { bool4, cat, chars, CTX, DcpRig, u32, u64 } from './dcp-fixture.ts';

const E = new Uint8Array(0);
/** §7.12 chexdump of a short line: each 8-byte group left-justified to 23 columns. */
const shortLine = (bytes: string, ascii: string): string => `00000000  ${bytes.padEnd(23)}  ${''.padEnd(23)}  |${ascii.padEnd(16)}|`;
/** §7.9: 'd' count, then key 's' objects and 'n' u64 values, no alignment. */
function dict1(entries: Array<[string, bigint]>): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.of(0x64), u32(entries.length)];
  for (const [k, v] of entries) parts.push(Uint8Array.of(0x73), u32(k.length), new TextEncoder().encode(k), Uint8Array.of(0), Uint8Array.of(0x6e), u64(v));
  const d = cat(...parts);
  const field = new Uint8Array(0x1000);
  field.set(d);
  return field;
}
/** §7.10 worked example: {'a': 1, 'b': 'x', 'c': [2, b'\x01\x02\x03']}. */
const OSS_EXAMPLE = Uint8Array.from(
  ('d3 00 00 00 03 00 00 81 01 00 00 09 61 00 00 00 40 00 00 04 01 00 00 00 00 00 00 00 ' +
    '01 00 00 09 62 00 00 00 01 00 00 09 78 00 00 00 01 00 00 09 63 00 00 00 ' +
    '02 00 00 82 40 00 00 04 02 00 00 00 00 00 00 00 03 00 00 8a 01 02 03 00')
    .trim()
    .split(' ')
    .map((h) => parseInt(h, 16)),
);
const REFRESH: Array<[string, bigint]> = [
  ['displayMinRefreshInterval', 71582788n],
  ['displayMinRefreshIntervalMachTime', 399984n],
  ['displayMaxRefreshInterval', 71582788n],
  ['displayMaxRefreshIntervalMachTime', 399984n],
  ['displayRefreshStep', 0n],
  ['displayRefreshStepMachTime', 0n],
];

/** The §7.14 boot sequence (seed order, abbreviated) played through the mailbox. */
async function seedBoot(r: DcpRig): Promise<void> {
  await r.apCall('CMD', 0x0, CTX.CMD, 'A401', E, 4);
  await r.dcpCall('CB', 0x0, CTX.CB, 'D598', E, 0);
  await r.apAck('CB', CTX.CB);
  await r.dcpCall('CB', 0x0, CTX.CB, 'D107', E, 4);
  await r.apAck('CB', CTX.CB, bool4(true));
  await r.dcpCall('CB', 0x0, CTX.CB, 'D116', E, 4);
  // §7.8 A103: +0 u64 cmd, +8 u32 arg; output u64 ret. Nested: context CB, CMD buffer at 0x40.
  await r.apCall('CMD', 0x40, CTX.CB, 'A103', cat(u64(0n), u32(2863267840)), 8);
  await r.dcpAck('CMD', CTX.CB, u64(4638564681600n));
  await r.apCall('CMD', 0x40, CTX.CB, 'A029', E, 0);
  // §7.8 D401: fourcc obj ('PROV' stored as "VORP"), char[0x40] key, u64 value, u8 value_null, pad.
  await r.dcpCall('CB', 0x40, CTX.CB, 'D401', cat(Uint8Array.of(0x56, 0x4f, 0x52, 0x50), chars('minimum-frequency', 0x40), u64(0n), Uint8Array.of(0, 0, 0, 0)), 0xc);
  await r.apAck('CB', CTX.CB, cat(u64(0n), bool4(false)));
  // §7.8 D563: char[0x40] key, u64 value, u8 value_null, pad.
  await r.dcpCall('CB', 0x40, CTX.CB, 'D563', cat(chars('VideoClock', 0x40), u64(1188000000n), Uint8Array.of(0, 0, 0, 0)), 4);
  await r.apAck('CB', CTX.CB, bool4(true));
  await r.dcpAck('CMD', CTX.CB);
  await r.apCall('CMD', 0x40, CTX.CB, 'A000', E, 4);
  // §7.8 D003: u8 config_null, pad; output rt_bw_config (§7.6: t8103 answer).
  await r.dcpCall('CB', 0x40, CTX.CB, 'D003', Uint8Array.of(0, 0, 0, 0), 0x3c);
  await r.apAck('CB', CTX.CB, cat(u64(0n), u64(0x23b738014n), u64(0x23bc3c000n), u32(0), u32(2), new Uint8Array(28)));
  await r.dcpAck('CMD', CTX.CB, bool4(true));
  await r.apCall('CMD', 0x40, CTX.CB, 'A460', E, 4);
  // §7.8 D561: char[0x40] key, 0x1000-byte format-1 dictionary, u8 value_null, pad.
  await r.dcpCall('CB', 0x40, CTX.CB, 'D561', cat(chars('IOMFBDisplayRefresh', 0x40), dict1(REFRESH), Uint8Array.of(0, 0, 0, 0)), 4);
  await r.apAck('CB', CTX.CB, bool4(true));
  await r.dcpAck('CMD', CTX.CB, bool4(true));
  await r.apAck('CB', CTX.CB, bool4(true)); // D116 done
  // §7.11 DCPAV: Start(length = bytes + 1), one Chunk, End(key).
  await r.dcpCall('CB', 0x0, CTX.CB, 'D122', u32(OSS_EXAMPLE.length + 1), 4);
  await r.apAck('CB', CTX.CB, bool4(true));
  const data = new Uint8Array(0x1000);
  data.set(OSS_EXAMPLE);
  await r.dcpCall('CB', 0x0, CTX.CB, 'D123', cat(data, u32(0), u32(OSS_EXAMPLE.length)), 4);
  await r.apAck('CB', CTX.CB, bool4(true));
  await r.dcpCall('CB', 0x0, CTX.CB, 'D124', chars('TimingElements', 0x40), 4);
  await r.apAck('CB', CTX.CB, bool4(true));
  await r.dcpAck('CMD', CTX.CMD, u32(0));
}

const SEED_TRACE = [
  ">C[0x0] A401 IOMobileFramebufferAP::start_signal()",
  "  <d[0x0] D598 IOMobileFramebufferAP::find_swap_function_gated()",
  "  >d[0x0] D598 IOMobileFramebufferAP::find_swap_function_gated()",
  "  <d[0x0] D107 UnifiedPipeline2::create_provider_service()",
  "  >d[0x0] D107 UnifiedPipeline2::create_provider_service() = True",
  "  <d[0x0] D116 UnifiedPipeline2::start_hardware_boot()",
  "    >C[0x40] A103 UPPipe2::test_control(cmd=0, arg=2863267840)",
  "    <C[0x40] A103 UPPipe2::test_control(cmd=0, arg=2863267840) = 4638564681600",
  "    >C[0x40] A029 UPPipeAP_H13P::setup_video_limits()",
  "      <d[0x40] D401 ServiceRelay::sr_get_uint_prop(obj='PROV', key='minimum-frequency', value=0)",
  "      >d[0x40] D401 ServiceRelay::sr_get_uint_prop(obj='PROV', key='minimum-frequency', value=0) = False",
  "      <d[0x40] D563 IOMobileFramebufferAP::setProperty_int(key='VideoClock', value=1188000000)",
  "      >d[0x40] D563 IOMobileFramebufferAP::setProperty_int(key='VideoClock', value=1188000000) = True",
  "    <C[0x40] A029 UPPipeAP_H13P::setup_video_limits()",
  "    >C[0x40] A000 UPPipeAP_H13P::late_init_signal()",
  "      <d[0x40] D003 UPPipeAP_H13P::rt_bandwidth_setup_ap(config=<out>)",
  "      >d[0x40] D003 UPPipeAP_H13P::rt_bandwidth_setup_ap(config=...)",
  "        config = Container: ",
  "          unk1 = 0",
  "          reg_scratch = 0x000000023B738014",
  "          reg_doorbell = 0x000000023BC3C000",
  "          unk2 = 0",
  "          doorbell_bit = 2",
  `          padding = b'${'\\x00'.repeat(28)}' (total 28)`,
  "    <C[0x40] A000 UPPipeAP_H13P::late_init_signal() = True",
  "    >C[0x40] A460 IOMobileFramebufferAP::setDisplayRefreshProperties()",
  "      <d[0x40] D561 IOMobileFramebufferAP::setProperty_dict(key='IOMFBDisplayRefresh', value=...)",
  "        value = {'displayMinRefreshInterval': 71582788,",
  "                 'displayMinRefreshIntervalMachTime': 399984,",
  "                 'displayMaxRefreshInterval': 71582788,",
  "                 'displayMaxRefreshIntervalMachTime': 399984,",
  "                 'displayRefreshStep': 0,",
  "                 'displayRefreshStepMachTime': 0}",
  "      >d[0x40] D561 IOMobileFramebufferAP::setProperty_dict(key='IOMFBDisplayRefresh', value=...) = True",
  "    <C[0x40] A460 IOMobileFramebufferAP::setDisplayRefreshProperties() = True",
  "  >d[0x0] D116 UnifiedPipeline2::start_hardware_boot() = True",
  "  <d[0x0] D122 UnifiedPipeline2::setDCPAVPropStart(length=77)",
  "  >d[0x0] D122 UnifiedPipeline2::setDCPAVPropStart(length=77) = True",
  "  <d[0x0] D123 UnifiedPipeline2::setDCPAVPropChunk(data=..., offset=0, length=76)",
  "    data = (0x1000 bytes)",
  "      00000000  d3 00 00 00 03 00 00 81  01 00 00 09 61 00 00 00  |............a...|",
  "      00000010  40 00 00 04 01 00 00 00  00 00 00 00 01 00 00 09  |@...............|",
  "      00000020  62 00 00 00 01 00 00 09  78 00 00 00 01 00 00 09  |b.......x.......|",
  "      00000030  63 00 00 00 02 00 00 82  40 00 00 04 02 00 00 00  |c.......@.......|",
  "      00000040  00 00 00 00 03 00 00 8a  01 02 03 00 00 00 00 00  |................|",
  "      00000050  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|",
  "      00000060  *",
  "  >d[0x0] D123 UnifiedPipeline2::setDCPAVPropChunk(data=..., offset=0, length=76) = True",
  "  <d[0x0] D124 UnifiedPipeline2::setDCPAVPropEnd(key='TimingElements')",
  "    DCPAV TimingElements = {'a': 1, 'b': 'x', 'c': [2, b'\\x01\\x02\\x03']}",
  "  >d[0x0] D124 UnifiedPipeline2::setDCPAVPropEnd(key='TimingElements') = True",
  "<C[0x0] A401 IOMobileFramebufferAP::start_signal() = 0",
];

test('§7.12: SET_SHMEM prints the DVA and its generic line, INITIALIZED its generic line; EP 0x37 is named dcpep', async (t) => {
  const r = await DcpRig.create();
  await r.ap.send(0, 0x0050003700000002n);
  await r.ap.send(0x37, 0x000f100000000040n);
  await r.ap.recv(0x37, 1n);
  t.deepEqual(r.lines(), [
    '[asc] [management]   Starting endpoint #0x37 (dcpep)',
    '[asc] [management] >0x5(StartEP) 0050003700000002 (TYPE=0x5, EP=0x37, FLAG=2)',
    '[dcp] [dcpep] Shared memory DVA: 0xf10000000',
    '[dcp] [dcpep] >0x0(SetShmem) 000f100000000040 (TYPE=0x0, DVA=0xf10000000, FLAG=0x4)',
    '[dcp] [dcpep] <0x1(InitComplete) 0000000000000001 (TYPE=0x1)',
  ]);
  t.is(r.host.state<DcpState>('dcp')!.shmem, 0xf10000000n);
});

test('§7.13/§7.14: the seed boot sequence renders line for line in the seed format, nesting by indentation', async (t) => {
  const r = await DcpRig.create();
  await seedBoot(r);
  t.deepEqual(r.lines(), SEED_TRACE.map((l) => `[dcp] ${l}`));
  const s = r.host.state<DcpState>('dcp')!;
  t.is(s.calls, 15);
  t.is(s.replies, 15);
  t.deepEqual(s.nesting, { normal: 0, oob: 0 });
  t.true(Object.values(s.stacks).every((st) => st.length === 0));
  t.deepEqual([...((s.properties.TimingElements as Map<string, unknown>) ?? new Map()).keys()], ['a', 'b', 'c']);
});

test('structured call events carry tag, channel, offset, depth, the dump line and the MMIO event they came from', async (t) => {
  const r = await DcpRig.create();
  await r.apCall('CMD', 0x0, CTX.CMD, 'A401', E, 4);
  await r.dcpCall('CB', 0x0, CTX.CB, 'D107', E, 4);
  const [call, cb] = r.backend.outputs.filter((o) => o.kind === 'dcp-call');
  t.like(call!.fields, { channel: 'CMD', off: 0, tag: 'A401', dir: '>', depth: 0, dump: 'CALL > 0x0000001000000202 CMD 0x0 A401 0x0 0x4 ' });
  t.like(cb!.fields, { channel: 'CB', off: 0, tag: 'D107', dir: '<', depth: 1 });
  t.is(call!.plugin, 'dcp');
  t.is(call!.device, '/arm-io/dcp');
  t.like(call!.fields, { event: { device: '/arm-io/dcp', cpu: 0 } });
});

test('§7.12 live lines at verbosity 1 (and 2: input dump; 3: output dump)', async (t) => {
  const r = await DcpRig.create({}, 3);
  await r.apCall('CMD', 0x0, CTX.CMD, 'A401', E, 4);
  await r.dcpCall('CB', 0x0, CTX.CB, 'D107', E, 4);
  await r.apAck('CB', CTX.CB, bool4(true));
  await r.dcpAck('CMD', CTX.CMD, u32(0));
  t.deepEqual(r.lines(), [
    '[dcp] [dcpep] >CMD.0 A401:IOMobileFramebufferAP::start_signal() (0x1000000202 (TYPE=0x2, LEN=0x10, OFF=0x0, CTX=0x2(CMD), ACK=0))',
    '[dcp] Message: A401 (IOMobileFramebufferAP::start_signal()): (in 0x0, out 0x4)',
    '[dcp] > Input (0x0 bytes):',
    '[dcp] >C[0x0] A401 IOMobileFramebufferAP::start_signal()',
    '[dcp] [dcpep] 0x1000000002 (TYPE=0x2, LEN=0x10, OFF=0x0, CTX=0x0(CB), ACK=0)',
    '[dcp] [dcpep] <CB.0 D107:UnifiedPipeline2::create_provider_service() (0x1000000002 (TYPE=0x2, LEN=0x10, OFF=0x0, CTX=0x0(CB), ACK=0))',
    '[dcp] Message: D107 (UnifiedPipeline2::create_provider_service()): (in 0x0, out 0x4)',
    '[dcp] < Input (0x0 bytes):',
    '[dcp]   <d[0x0] D107 UnifiedPipeline2::create_provider_service()',
    '[dcp] [dcpep] >ACK CB.0 (0x42 (TYPE=0x2, LEN=0x0, OFF=0x0, CTX=0x0(CB), ACK=1))',
    '[dcp] >CB.0 Output buffer (0x4 bytes):',
    `[dcp] ${shortLine('01 00 00 00', '....')}`,
    '[dcp]   >d[0x0] D107 UnifiedPipeline2::create_provider_service() = True',
    '[dcp] [dcpep] 0x242 (TYPE=0x2, LEN=0x0, OFF=0x0, CTX=0x2(CMD), ACK=1)',
    '[dcp] [dcpep] <ACK CMD.0 (0x242 (TYPE=0x2, LEN=0x0, OFF=0x0, CTX=0x2(CMD), ACK=1))',
    '[dcp] <CMD.0 Output buffer (0x4 bytes):',
    `[dcp] ${shortLine('00 00 00 00', '....')}`,
    '[dcp] <C[0x0] A401 IOMobileFramebufferAP::start_signal() = 0',
  ]);
});

test('§7.13: OOB calls nest separately behind the [OOB] prefix; ASYNC callbacks use letter a', async (t) => {
  const r = await DcpRig.create();
  await r.apCall('CMD', 0x0, CTX.CMD, 'A401', E, 4);
  await r.apCall('OOBCMD', 0x0, CTX.OOBCMD, 'A440', E, 4);
  await r.dcpCall('OOBCB', 0x0, CTX.OOBCB, 'D576', u64(1n), 0);
  await r.apAck('OOBCB', CTX.OOBCB);
  await r.dcpAck('OOBCMD', CTX.OOBCMD, u32(1920));
  await r.dcpCall('ASYNC', 0x0, CTX.ASYNC, 'D577', Uint8Array.of(1, 0, 0, 0), 0);
  await r.apAck('ASYNC', CTX.ASYNC);
  await r.dcpAck('CMD', CTX.CMD, u32(0));
  t.deepEqual(r.lines(), [
    '[dcp] >C[0x0] A401 IOMobileFramebufferAP::start_signal()',
    '[dcp] [OOB] -----------> >O[0x0] A440 IOMobileFramebufferAP::display_width()',
    '[dcp] [OOB] ----------->   <o[0x0] D576 IOMobileFramebufferAP::hotPlug_notify_gated(arg0=1)',
    '[dcp] [OOB] ----------->   >o[0x0] D576 IOMobileFramebufferAP::hotPlug_notify_gated(arg0=1)',
    '[dcp] [OOB] -----------> <O[0x0] A440 IOMobileFramebufferAP::display_width() = 1920',
    '[dcp]   <a[0x0] D577 IOMobileFramebufferAP::powerstate_notify(arg0=True, arg1=False)',
    '[dcp]   >a[0x0] D577 IOMobileFramebufferAP::powerstate_notify(arg0=True, arg1=False)',
    '[dcp] <C[0x0] A401 IOMobileFramebufferAP::start_signal() = 0',
  ]);
});

test('§7.13: unknown tags show sizes then raw bytes; a size mismatch shows the field dump; NULL pointers print NULL', async (t) => {
  const r = await DcpRig.create();
  await r.apCall('CMD', 0x0, CTX.CMD, 'A999', Uint8Array.of(0x41, 0x42, 0x43, 0x44), 4);
  await r.dcpAck('CMD', CTX.CMD, u32(7));
  await r.apCall('CMD', 0x0, CTX.CMD, 'A410', E, 4);
  await r.dcpAck('CMD', CTX.CMD, u32(0));
  await r.dcpCall('CB', 0x0, CTX.CB, 'D563', cat(chars('k', 0x40), u64(0n), Uint8Array.of(1, 0, 0, 0)), 4);
  await r.apAck('CB', CTX.CB, bool4(false));
  t.deepEqual(r.lines(), [
    '[dcp] >C[0x0] A999 0x4/0x4',
    `[dcp]     ${shortLine('41 42 43 44', 'ABCD')}`,
    '[dcp] <C[0x0] A999 0x4/0x4',
    `[dcp]     ${shortLine('07 00 00 00', '....')}`,
    '[dcp] >C[0x0] A410 IOMobileFramebufferAP::set_display_device( !! Expected 0x4 bytes, got 0x0 bytes (in)',
    '[dcp]     0x0: arg0 in (0x4)',
    '[dcp] <C[0x0] A410 IOMobileFramebufferAP::set_display_device(arg0=?) = 0',
    "[dcp] <d[0x0] D563 IOMobileFramebufferAP::setProperty_int(key='k', value=NULL)",
    "[dcp] >d[0x0] D563 IOMobileFramebufferAP::setProperty_int(key='k', value=NULL) = False",
  ]);
});

test('§7.12: an ACK without a call, an overlapping call and a corrupt packet are reported; the trace goes on', async (t) => {
  const r = await DcpRig.create();
  await r.ap.recv(0x37, 0x0000000000000042n); // an RX ACK in CTX 0 belongs to CMD, which is idle
  await r.apCall('CMD', 0x0, CTX.CMD, 'A401', E, 4);
  await r.apCall('CMD', 0x0, CTX.CMD, 'A401', E, 4); // the same offset again
  await r.ap.recv(0x37, (0x10n << 32n) | (0x7ff0n << 16n) | 2n); // a CB call over zeroed memory: no valid tag
  await r.ap.send(0x37, 0x42n);
  await r.dcpAck('CMD', CTX.CMD, u32(0));
  t.deepEqual(r.lines(), [
    '[dcp] [dcpep] <ACK CMD.0 !!! ACK without call (0x42 (TYPE=0x2, LEN=0x0, OFF=0x0, CTX=0x0(CB), ACK=1))',
    '[dcp] >C[0x0] A401 IOMobileFramebufferAP::start_signal()',
    '[dcp] [dcpep] >CMD.0 !!! Overlapping call (0x1000000202 (TYPE=0x2, LEN=0x10, OFF=0x0, CTX=0x2(CMD), ACK=0))',
    '[dcp] >C[0x0] A401 IOMobileFramebufferAP::start_signal()',
    '[dcp] [dcpep] <CB.7ff0 !!! packet unreadable: tag "\\u0000\\u0000\\u0000\\u0000" is not 4 printable ASCII characters (0x107ff00002 (TYPE=0x2, LEN=0x10, OFF=0x7ff0, CTX=0x0(CB), ACK=0))',
    '[dcp]   <d[0x7ff0] ???? 0x0/0x0',
    '[dcp]   >d[0x7ff0] ???? 0x0/0x0',
    '[dcp] <C[0x0] A401 IOMobileFramebufferAP::start_signal() = 0',
  ]);
  t.deepEqual(r.host.state<DcpState>('dcp')!.nesting, { normal: 0, oob: 0 });
});

test('a call before SET_SHMEM and a shared memory outside the DART are reported, not fatal', async (t) => {
  const r = await DcpRig.create();
  await r.ap.send(0x37, (0xf20000000n << 16n) | 0x40n); // SET_SHMEM to a DVA nothing maps
  await r.apCall('CMD', 0x0, CTX.CMD, 'A401', E, 4);
  const lines = r.lines();
  t.is(lines[2], '[dcp] [dcpep] >CMD.0 !!! packet unreadable: /arm-io/dart-dcp stream 0: IOVA 0x20000000 does not translate (NO_PMD: L1 entry 0x0 is not valid) (0x1000000202 (TYPE=0x2, LEN=0x10, OFF=0x0, CTX=0x2(CMD), ACK=0))');
  t.is(lines[3], '[dcp] >C[0x0] ???? 0x0/0x0');
});

test('§7.12 dump file: CALL/ACK lines written to config.dumpFile, the rendered trace to traceFile; the offline renderer (§7.13) reproduces the trace and reports bad lines', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hvdbg-dcp-'));
  try {
    const file = join(dir, 'dcp.trace');
    const rendered = join(dir, 'dcp.txt');
    const r = await DcpRig.create({ dumpFile: file, traceFile: rendered });
    await seedBoot(r);
    t.is(readFileSync(rendered, 'utf8'), SEED_TRACE.filter((l) => !l.includes('DCPAV ')).join('\n') + '\n', 'traceFile: the seed-format lines without the [dcp] prefix');
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    t.is(lines[0], 'CALL > 0x0000001000000202 CMD 0x0 A401 0x0 0x4 ');
    t.is(lines[1], 'CALL < 0x0000000c00000002 CB 0x0 D598 0x0 0x0 ');
    t.is(lines[2], 'ACK > 0x0000000000000042 CB 0x0 ');
    t.is(lines[6], 'CALL > 0x0000002000400002 CMD 0x40 A103 0xc 0x8 00000000000000000000aaaa');
    t.is(lines[7], 'ACK < 0x0000000000400042 CMD 0x40 8007000038040000');
    t.is(lines.at(-2), 'ACK < 0x0000000000000242 CMD 0x0 00000000');
    // The DCPAV summary is the live tracer's own line; the dump holds only calls and replies.
    t.deepEqual(renderDump(text), SEED_TRACE.filter((l) => !l.includes('DCPAV ')));
    t.deepEqual(renderDump('CALL > 0x0 CMD 0x0 A401 0x0 0x4 \nACK < 0x0 CMD 0x40 00000000\nBOGUS\n'), [
      '>C[0x0] A401 IOMobileFramebufferAP::start_signal()',
      '!! line 2: ACK for CMD 0x40, but the call on top is at 0x0',
      '!! line 3: bad direction undefined',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the AFK endpoints 0x20–0x2d are named and their messages decoded (§5.10, §7.1)', async (t) => {
  const r = await DcpRig.create();
  await r.ap.send(0, 0x0050002300000002n);
  await r.ap.send(0x23, 0x0080000000000000n);
  await r.ap.recv(0x23, 0x0089000000401234n);
  t.deepEqual(r.lines(), [
    '[asc] [management]   Starting endpoint #0x23 (disp0)',
    '[asc] [management] >0x5(StartEP) 0050002300000002 (TYPE=0x5, EP=0x23, FLAG=2)',
    '[dcp] [disp0] >0x80(INIT) 0080000000000000 (TYPE=0x80)',
    '[dcp] [disp0] <0x89(GETBUF) 0089000000401234 (TYPE=0x89, SIZE=0x40, TAG=0x1234)',
  ]);
});

test('a reload of either plugin keeps the DCP decoder and the call stacks: the reply after it still matches', async (t) => {
  const r = await DcpRig.create();
  await r.apCall('CMD', 0x0, CTX.CMD, 'A401', E, 4);
  t.true((await r.host.reload('asc')).ok);
  await r.dcpCall('CB', 0x0, CTX.CB, 'D107', E, 4);
  t.true((await r.host.reload('dcp')).ok);
  await r.apAck('CB', CTX.CB, bool4(true));
  await r.dcpAck('CMD', CTX.CMD, u32(0));
  t.deepEqual(r.lines(), [
    '[dcp] >C[0x0] A401 IOMobileFramebufferAP::start_signal()',
    '[dcp]   <d[0x0] D107 UnifiedPipeline2::create_provider_service()',
    '[dcp]   >d[0x0] D107 UnifiedPipeline2::create_provider_service() = True',
    '[dcp] <C[0x0] A401 IOMobileFramebufferAP::start_signal() = 0',
  ]);
});

test('the built-in plugins load by name from plugins/ (esbuild): dcp pulls in asc through needs', async (t) => {
  const backend = new AscBackend();
  const host = new PluginHost(backend);
  const summary = await host.load('dcp');
  t.deepEqual(summary.needs, ['asc']);
  t.deepEqual(summary.ranges, [], 'dcp traces nothing itself');
  t.deepEqual(
    host.list().map((p) => [p.name, p.devices]),
    [
      ['asc', ['/arm-io/dcp', '/arm-io/ans']],
      ['dcp', ['/arm-io/dcp']],
    ],
  );
  const ap = new ApMailbox(backend, DCP_ASC);
  await ap.send(0, 0x0050003700000002n);
  await ap.send(0x37, 0x000f100000000040n);
  t.true(backend.take().includes('[dcp] [dcpep] Shared memory DVA: 0xf10000000'));
  await t.throwsAsync(host.unload('asc'), { message: /needed by dcp/ });
  await host.close();
});
