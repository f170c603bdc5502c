// The demo guest's DCP driver on the virtual M1, under the hypervisor, over the pty: a minimal
// host (demo-guest-host.ts) boots the guest with the DCP's ASC range traced in SYNC mode
// (asc-sync-tracer.ts), and every mailbox message and shared-memory packet the guest and the
// DCP exchange is checked against apple-devices §5.2–§5.3 (handshake), §7.2 (EP 0x37 messages),
// §7.4–§7.5 (packets, nesting) and §7.8 (the byte layouts of the seed trace's calls).
import test, { type ExecutionContext } from 'ava';
import { runDemoGuest, type GuestRun } from './demo-guest-host.ts';
import { AscSyncTracer, type TracedCall } from './asc-sync-tracer.ts';

const u32 = (b: Uint8Array, at: number): number => new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(at, true);
const u64 = (b: Uint8Array, at: number): bigint => new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(at, true);
const cstr = (b: Uint8Array, at: number, max: number): string => {
  const s = b.subarray(at, at + max);
  const end = s.indexOf(0);
  return new TextDecoder().decode(end < 0 ? s : s.subarray(0, end));
};
const mgmt = (type: number, payload: bigint): bigint => (BigInt(type) << 52n) | payload;

interface Traced {
  run: GuestRun;
  tracer: AscSyncTracer;
}

// One traced guest run shared by the tests of this file (the rig's teardowns run after them all).
const teardowns: Array<() => unknown> = [];
let traced: Traced;

test.before(async () => {
  let tracer: AscSyncTracer | undefined;
  const host = { teardown: (fn: () => unknown) => void teardowns.push(fn) } as unknown as ExecutionContext;
  const run = await runDemoGuest(host, {
    beforeStart: async (link, scratch) => {
      tracer = new AscSyncTracer(link);
      await tracer.install(scratch);
    },
    onCallback: (_link, msg) => tracer!.handle(msg),
  });
  traced = { run, tracer: tracer! };
});

test.after.always(async () => {
  for (const fn of teardowns.reverse()) await fn();
});


test('the demo guest boots the DCP under the hypervisor and powers off with status 0', async (t) => {
  const { run, tracer } = traced;
  t.is(run.status, 0n, run.uart);
  t.deepEqual(run.others, []);
  t.regex(run.uart, /^rtkit: dcp: version 12, endpoints 0 1 2 4 8 37$/m);
  t.regex(run.uart, /^syslog: \[[^\]]+\].+$/m, 'syslog lines printed');
  t.regex(run.uart, /^dcp: <C\[0x0\] A401 = 0: boot sequence done/m);
  t.regex(run.uart, /^dcp: 3 swap\(s\) completed; /m);
  t.regex(run.uart, /, 3 DCP swap\(s\), .* 0 failure\(s\)$/m);
  t.true(tracer.hooks > tracer.messages.length * 2, 'every mailbox register access went through the host');
});

test('the RTKit handshake the guest performs is m1n1\'s (§5.3), message by message', async (t) => {
  const { tracer } = traced;
  const ep0 = tracer.messages.filter((m) => m.ep === 0);
  const tx = ep0.filter((m) => m.dir === '>').map((m) => m.msg0);
  const rx = ep0.filter((m) => m.dir === '<').map((m) => m.msg0);
  t.deepEqual(tx.slice(0, 8), [
    0x0060_0000_0000_0220n, // SET_IOP_POWER(INIT)
    0x0020_0000_000c_000cn, // HELLO_ACK v12
    0x0080_0000_0000_0001n, // EPMAP_ACK base 0, MORE
    mgmt(8, (1n << 51n) | (1n << 32n)), // EPMAP_ACK base 1, LAST
    ...[1n, 2n, 4n, 8n].map((ep) => mgmt(5, (ep << 32n) | 2n)), // START_EP crashlog, syslog, ioreporting, oslog
  ]);
  t.is(rx[0], 0x0010_0000_000c_000bn, 'HELLO first');
  t.true(rx.includes(0x0070_0000_0000_0020n) && rx.includes(0x00b0_0000_0000_0020n), 'IOP and AP power ON acknowledged');
  // Buffer replies carry IOVA | asc-dram-mask (§5.4).
  const replies = tracer.messages.filter((m) => m.dir === '>' && [1, 2, 4].includes(m.ep) && (m.msg0 >> 52n) === 1n);
  t.is(replies.length, 3);
  for (const r of replies) t.is(r.msg0 & 0xf_0000_0000n, 0xf_0000_0000n);
  // START_EP 0x37, then SET_SHMEM with FLAG 4, answered by INITIALIZED (§7.2).
  const i = tracer.messages.findIndex((m) => m.dir === '>' && m.ep === 0 && m.msg0 === 0x0050_0037_0000_0002n);
  t.true(i > 0);
  const shmem = tracer.messages.find((m) => m.ep === 0x37 && m.dir === '>')!;
  t.is(shmem.msg0 & 0xffffn, 0x40n, 'TYPE 0, FLAG 4');
  t.is((shmem.msg0 >> 16n) & 0xf_0000_0000n, 0xf_0000_0000n, 'the DVA carries asc-dram-mask');
  t.deepEqual(tracer.messages.find((m) => m.ep === 0x37 && m.dir === '<'), { dir: '<', ep: 0x37, msg0: 1n });
});

test('the boot sequence: the seed\'s calls, channels, offsets and nesting (§7.5, §7.14 item 4)', async (t) => {
  const { tracer } = traced;
  const line = (c: TracedCall): string => `${'  '.repeat(c.depth)}${c.dir}${c.channel}.${c.off.toString(16)} ${c.tag}`;
  const seq = tracer.calls.map(line);
  const a401 = seq.indexOf('>CMD.0 A401');
  t.is(a401, 0);
  t.deepEqual(seq.slice(0, 34), [
    '>CMD.0 A401',
    ...['D598', 'D107', 'D108', 'D109', 'D110', 'D111', 'D000', 'D001', 'D116'].map((tag) => `  <CB.0 ${tag}`),
    '    >CMD.40 A357',
    '    >CMD.40 A443',
    '    >CMD.40 A103',
    '    >CMD.40 A029',
    ...['D107', 'D401', 'D107', 'D408', 'D300', 'D563', 'D563', 'D563'].map((tag) => `      <CB.40 ${tag}`),
    '    >CMD.40 A463',
    '    >CMD.40 A036',
    '    >CMD.40 A000',
    '      <CB.40 D003',
    '    >CMD.40 A460',
    '      <CB.40 D561',
    '  <CB.0 D122',
    '  <CB.0 D123',
    '  <CB.0 D123',
    '  <CB.0 D124',
    '  <CB.0 D122',
    '  <CB.0 D123',
    '  <CB.0 D124',
  ].slice(0, 34));
  // Nested AP calls use CTX CB (0) and are acknowledged with CTX CB at their offset; the top one CMD (2).
  const byTag = (tag: string): TracedCall => tracer.calls.find((c) => c.tag === tag)!;
  t.is(byTag('A401').ctx, 2);
  t.is(byTag('A401').ackMsg, 0x242n);
  t.is(byTag('A357').ctx, 0);
  t.is(byTag('A357').ackMsg, 0x0040_0042n);
  // The AP acknowledges each callback with OFF 0 (§7.5 b step 5).
  t.is(byTag('D598').ackMsg, 0x42n);
  t.is(byTag('D401').ackMsg, 0x42n);
  for (const c of tracer.calls) t.not(c.output, undefined, `${c.tag} at ${c.channel}.${c.off.toString(16)} was acknowledged`);
});

test('the packets of the seed\'s calls have the byte layouts of §7.8', async (t) => {
  const { tracer } = traced;
  const all = (tag: string): TracedCall[] => tracer.calls.filter((c) => c.tag === tag);
  const one = (tag: string): TracedCall => all(tag)[0]!;
  const sizes = (tag: string): [number, number] => [one(tag).inLen, one(tag).outLen];
  t.deepEqual(sizes('A401'), [0, 4]);
  t.is(u32(one('A401').output!, 0), 0, 'start_signal = 0');
  t.deepEqual(sizes('D598'), [0, 0]);
  for (const tag of ['D107', 'D116', 'D000', 'D001']) {
    t.deepEqual(sizes(tag), [0, 4], tag);
    t.deepEqual([...one(tag).output!], [1, 0, 0, 0], `${tag} = True`);
  }
  // A103 (2021 decode): +0 u64 cmd 0, +8 u32 arg 0xaaaa0000 (the seed's bytes); out u64.
  t.deepEqual(sizes('A103'), [0xc, 8]);
  t.deepEqual([...one('A103').input], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xaa, 0xaa]);
  t.is(u64(one('A103').output!, 0), 4638564681600n);
  t.deepEqual(sizes('A029'), [0, 0]);
  // D401: +0 fourcc obj ('PROV' stored 56 4f 52 50), +4 char[0x40] key, +0x44 u64, +0x4c u8 null flag, 3 pad.
  const d401 = one('D401');
  t.deepEqual(sizes('D401'), [0x50, 0xc]);
  t.deepEqual([...d401.input.subarray(0, 4)], [0x56, 0x4f, 0x52, 0x50]);
  t.is(cstr(d401.input, 4, 0x40), 'minimum-frequency');
  t.true(d401.input.subarray(4 + 'minimum-frequency'.length, 0x44).every((b) => b === 0), 'key NUL-padded');
  t.is(u64(d401.input, 0x44), 0n);
  t.deepEqual([...d401.input.subarray(0x4c, 0x50)], [0, 0, 0, 0]);
  t.deepEqual([...d401.output!], new Array(0xc).fill(0), 'value 0, ret False (the seed)');
  // D408: +0 fourcc, +4 u32 arg; out u64.
  t.deepEqual(sizes('D408'), [8, 8]);
  t.deepEqual([...one('D408').input], [0x56, 0x4f, 0x52, 0x50, 0, 0, 0, 0]);
  t.true(u64(one('D408').output!, 0) > 0n);
  // D300: +0 u32 prop_id, +4 i32 value.
  t.deepEqual(sizes('D300'), [8, 0]);
  t.is(u32(one('D300').input, 0), 38);
  // D563 ×3: +0 char[0x40] key, +0x40 u64 value, +0x48 null flag, 3 pad; out bool True.
  t.deepEqual(all('D563').map((c) => cstr(c.input, 0, 0x40)), ['MaxVideoSrcDownscalingWidth', 'VideoClock', 'PixelClock']);
  for (const c of all('D563')) {
    t.deepEqual([c.inLen, c.outLen], [0x4c, 4]);
    t.is(c.input[0x48], 0);
    t.is(c.output![0], 1);
  }
  // VideoClock is the clock the AP answered D408 with.
  t.is(u64(all('D563')[1]!.input, 0x40), u64(one('D408').output!, 0));
  // A463 flush_supportsPower(True): bool + 3 pad.
  t.deepEqual(sizes('A463'), [4, 0]);
  t.deepEqual([...one('A463').input], [1, 0, 0, 0]);
  t.deepEqual([...one('A036').output!], [0, 0, 0, 0], 'apt_supported = False');
  t.deepEqual([...one('A000').output!], [1, 0, 0, 0], 'late_init_signal = True');
  // D003: in = config_null + 3 pad; out rt_bw_config (0x3c) with t8103's values (§7.6).
  t.deepEqual(sizes('D003'), [4, 0x3c]);
  t.deepEqual([...one('D003').input], [0, 0, 0, 0]);
  t.is(u64(one('D003').output!, 8), 0x23b738014n);
  t.is(u64(one('D003').output!, 16), 0x23bc3c000n);
  t.is(u32(one('D003').output!, 28), 2);
  // D561: +0 key, +0x40 0x1000 bytes of format-1 dictionary, +0x1040 null flag.
  const d561 = one('D561');
  t.deepEqual(sizes('D561'), [0x1044, 4]);
  t.is(cstr(d561.input, 0, 0x40), 'IOMFBDisplayRefresh');
  t.is(d561.input[0x1040], 0);
  const dict = new TextDecoder('latin1').decode(d561.input.subarray(0x40, 0x1040));
  for (const key of ['displayMinRefreshInterval', 'displayMinRefreshIntervalMachTime', 'displayMaxRefreshInterval', 'displayRefreshStep']) t.true(dict.includes(key), key);
  t.deepEqual([...d561.output!], [1, 0, 0, 0]);
  t.deepEqual([...one('A460').output!], [1, 0, 0, 0], 'setDisplayRefreshProperties = True');
  // D122/D123/D124: u32 length; 0x1000 data + u32 offset + u32 length; char[0x40] key.
  t.deepEqual(sizes('D122'), [4, 4]);
  t.deepEqual(sizes('D123'), [0x1008, 4]);
  t.deepEqual(sizes('D124'), [0x40, 4]);
  t.deepEqual(all('D124').map((c) => cstr(c.input, 0, 0x40)), ['TimingElements', 'ColorElements']);
});

test('swaps: A407 hands out an id, A408 submits it, an ASYNC D589 completes it (§7.7, §7.14 item 5)', async (t) => {
  const { tracer } = traced;
  const starts = tracer.calls.filter((c) => c.tag === 'A407');
  const submits = tracer.calls.filter((c) => c.tag === 'A408');
  const completes = tracer.calls.filter((c) => c.tag === 'D589');
  t.is(starts.length, 3);
  t.is(submits.length, 3);
  t.is(completes.length, 3);
  for (let i = 0; i < 3; i++) {
    const id = u32(starts[i]!.output!, 0);
    t.deepEqual([starts[i]!.inLen, starts[i]!.outLen, submits[i]!.inLen, submits[i]!.outLen], [0x18, 0x18, 0xb64, 8]);
    t.is(u32(starts[i]!.output!, 0x14), 0, 'swap_start = 0');
    t.is(u32(submits[i]!.input, 0x50), id, 'IOMFBSwapRec.swap_id');
    // Null flags after the values: swap_rec present, four surfaces absent, unkOutBool present.
    t.deepEqual([...submits[i]!.input.subarray(0xb5d, 0xb63)], [0, 1, 1, 1, 1, 0]);
    t.deepEqual([completes[i]!.channel, completes[i]!.ctx, completes[i]!.inLen, completes[i]!.outLen], ['ASYNC', 3, 0x69c, 0]);
    t.is(u32(completes[i]!.input, 0), id, 'D589 completes that swap');
    t.is(completes[i]!.ackMsg, 0x342n, 'acknowledged with CTX ASYNC, OFF 0');
  }
});
