// The virtual DCP's endpoint 0x37 driven by an AP written from the spec (dcp-ap-side.ts,
// dcp-macos.ts): SET_SHMEM, the seed's boot sequence inside A401 with its nested callbacks and
// calls, checked byte by byte against apple-devices §7.2–7.5 and §7.8, DCPAV transfers (§7.11)
// and swaps (§7.14 item 5).
import test from 'ava';
import { createDcpEndpoint } from '../../sim/coproc/dcp/dcp-endpoint.ts';
import { decodeDict1 } from '../../core/dcp/dict-format1.ts';
import { decodeOsSerialize } from '../../core/dcp/dict-format2.ts';
import { ApSide, readU32, readU64, tagBytes } from './dcp-ap-side.ts';
import { D408_CLOCK, installMacos } from './dcp-macos.ts';

function bootedAp(): { ap: ApSide; dcp: ReturnType<typeof createDcpEndpoint>; rec: ReturnType<typeof installMacos> } {
  const dcp = createDcpEndpoint();
  const ap = new ApSide(dcp);
  const rec = installMacos(ap);
  return { ap, dcp, rec };
}

test('endpoint 0x37 "dcpep" answers SET_SHMEM with INITIALIZED (msg0 = 1)', (t) => {
  const { ap, dcp } = bootedAp();
  t.is(dcp.endpoint, 0x37);
  t.is(dcp.name, 'dcpep');
  // §7.2 example: DVA 0xf10000000 → msg0 0x000f100000000040.
  ap.shmemIova = 0x10000000n;
  t.is(((ap.shmemIova | 0xf00000000n) << 16n) | 0x40n, 0x000f100000000040n);
  ap.shmemIova = 0x100000n;
  t.deepEqual(ap.boot(), [1n]);
  t.true(dcp.snapshot().initialized);
  t.is(dcp.snapshot().shmemIova, 0x100000n);
});

test('A401 start_signal runs the seed boot sequence with nested callbacks and calls', (t) => {
  const { ap, dcp, rec } = bootedAp();
  ap.boot();
  const out = ap.call('A401', new Uint8Array(0), 4);
  t.is(readU32(out, 0), 0, 'start_signal = 0');
  t.is(ap.calls[0]!.msg0, 0x0000001000000202n, '§7.2: A401 on CMD at 0 with LEN 0x10');
  t.is(ap.calls[0]!.ackMsg0, 0x0000000000000242n, '§7.2: the DCP ack of that call');

  const top = ap.callbacks.filter((c) => c.parent === 'A401').map((c) => c.tag);
  t.is(top[0], 'D598', 'the first callback is find_swap_function_gated');
  t.is(top[1], 'D107');
  const i000 = top.indexOf('D000');
  const i001 = top.indexOf('D001');
  const i116 = top.indexOf('D116');
  t.true(i000 > 0 && i000 < i001 && i001 < i116, 'D000, D001, then D116');
  t.true(top.slice(i116 + 1).includes('D122'), 'DCPAV transfers after D116');
  // Every callback of A401 completes before the next: all sit at CB 0x0, depth 1.
  for (const c of ap.callbacks.filter((c) => c.parent === 'A401')) {
    t.is(c.channel, 'CB');
    t.is(c.ctx, 0);
    t.is(c.off, 0, `${c.tag} at CB 0x0`);
    t.is(c.depth, 1);
  }

  // D116: the AP's nested calls go to CMD 0x40 with context CB, acked with ctx CB (§7.5 b.4).
  const nested = ap.calls.filter((c) => c.tag !== 'A401');
  t.deepEqual(nested.map((c) => c.tag), ['A357', 'A443', 'A103', 'A029', 'A463', 'A036', 'A000', 'A460']);
  for (const c of nested) {
    t.is(c.ctx, 0);
    t.is(c.off, 0x40);
    t.is(c.ackMsg0, 0x0000000000400042n, `${c.tag} ack: CTX CB, OFF 0x40, ACK`);
  }
  t.deepEqual([...rec.nested['A103']!], [0x80, 0x07, 0, 0, 0x38, 0x04, 0, 0], 'A103 = 4638564681600 (1920, 1080)');
  t.is(readU32(rec.nested['A443']!, 0), 0);
  t.deepEqual([...rec.nested['A036']!], [0, 0, 0, 0], 'apt_supported = False');
  t.deepEqual([...rec.nested['A000']!], [1, 0, 0, 0], 'late_init_signal = True');
  t.deepEqual([...rec.nested['A460']!], [1, 0, 0, 0], 'setDisplayRefreshProperties = True');
  t.deepEqual(dcp.diagnostics, []);
  t.deepEqual(Object.values(dcp.snapshot().outstanding).flat(), [], 'every stack is empty afterwards');
});

test('inside A029 the DCP calls D107, D401, D107, D408, D300, D563×3 at CB 0x40 (§7.14 4.3, §7.8)', (t) => {
  const { ap, rec } = bootedAp();
  ap.boot();
  ap.call('A401', new Uint8Array(0), 4);
  const inA029 = ap.callbacks.filter((c) => c.parent === 'A029');
  t.deepEqual(inA029.map((c) => c.tag), ['D107', 'D401', 'D107', 'D408', 'D300', 'D563', 'D563', 'D563']);
  for (const c of inA029) {
    t.is(c.off, 0x40, `${c.tag}: after D116's packet at 0x0`);
    t.is(c.depth, 3);
  }
  t.deepEqual(inA029.map((c) => c.len), [0x10, 0x68, 0x10, 0x1c, 0x14, 0x5c, 0x5c, 0x5c]);

  // D401 byte by byte: header, fourcc 'PROV' as "VORP", key, u64 value 0, null flag 0, padding,
  // then the output area (zeroed by the DCP).
  const d401 = inA029[1]!.packet;
  const expected = new Uint8Array(0x68);
  expected.set(tagBytes('D401'), 0);
  expected.set([0x50, 0, 0, 0, 0x0c, 0, 0, 0], 4);
  expected.set([0x56, 0x4f, 0x52, 0x50], 12);
  expected.set(new TextEncoder().encode('minimum-frequency'), 16);
  t.deepEqual([...d401], [...expected]);

  const d408 = inA029[3]!.packet;
  t.deepEqual([...d408.subarray(0, 20)], [...tagBytes('D408'), 8, 0, 0, 0, 8, 0, 0, 0, 0x56, 0x4f, 0x52, 0x50, 0, 0, 0, 0]);
  const d300 = inA029[4]!.packet;
  t.is(readU32(d300, 12), 38, 'pr_publish prop_id 38');
  t.deepEqual(rec.properties.filter((p) => p.tag === 'D563').map((p) => p.key), ['MaxVideoSrcDownscalingWidth', 'VideoClock', 'PixelClock']);
  for (const p of rec.properties.filter((p) => p.tag === 'D563')) {
    t.is(p.bytes.length, 0x4c);
    t.is(p.bytes[0x48], 0, 'value present');
    t.true(readU64(p.bytes, 0x40) > 0n);
  }
  t.is(readU64(rec.properties.find((p) => p.key === 'VideoClock')!.bytes, 0x40), D408_CLOCK);
});

test('A000 calls D003 and A460 calls D561 IOMFBDisplayRefresh with a format-1 dict (depth 3)', (t) => {
  const { ap, rec } = bootedAp();
  ap.boot();
  ap.call('A401', new Uint8Array(0), 4);
  const d003 = ap.callbacks.filter((c) => c.parent === 'A000');
  t.deepEqual(d003.map((c) => [c.tag, c.off, c.inLen, c.outLen]), [['D003', 0x40, 4, 0x3c]]);
  t.deepEqual([...d003[0]!.packet.subarray(12, 16)], [0, 0, 0, 0], 'config_null 0 + padding');
  const d561 = ap.callbacks.filter((c) => c.parent === 'A460');
  t.deepEqual(d561.map((c) => [c.tag, c.off, c.depth, c.inLen, c.outLen]), [['D561', 0x40, 3, 0x1044, 4]]);
  const prop = rec.properties.find((p) => p.tag === 'D561')!;
  t.is(prop.key, 'IOMFBDisplayRefresh');
  t.is(prop.bytes[0x1040], 0);
  const dict = decodeDict1(prop.bytes.subarray(0x40, 0x1040)).value as Map<string, bigint>;
  t.deepEqual([...dict.keys()], [
    'displayMinRefreshInterval', 'displayMinRefreshIntervalMachTime',
    'displayMaxRefreshInterval', 'displayMaxRefreshIntervalMachTime',
    'displayRefreshStep', 'displayRefreshStepMachTime',
  ]);
  t.is(dict.get('displayMinRefreshInterval'), 71582788n, 'the seed value for 60 Hz');
  t.is(dict.get('displayMinRefreshIntervalMachTime'), 399984n);
});

test('DCPAV transfers: Start(total+1), contiguous ≤0x1000 chunks, End(key), format-2 blobs (§7.11)', (t) => {
  const { ap, rec } = bootedAp();
  ap.boot();
  ap.call('A401', new Uint8Array(0), 4);
  t.true(rec.dcpav.length >= 1);
  t.true(rec.dcpav.some((d) => d.key === 'TimingElements'));
  for (const d of rec.dcpav) {
    t.is(d.start, d.blob.length + 1, `${d.key}: total == length - 1`);
    let expect = 0;
    for (const c of d.chunks) {
      t.is(c.offset, expect);
      t.true(c.length > 0 && c.length <= 0x1000);
      expect += c.length;
    }
    const value = decodeOsSerialize(d.blob);
    t.true(Array.isArray(value) && value.length > 0, `${d.key} is a non-empty array`);
  }
  const timings = decodeOsSerialize(rec.dcpav.find((d) => d.key === 'TimingElements')!.blob) as Array<Map<string, unknown>>;
  t.true(timings.length > 1);
  t.true(rec.dcpav.find((d) => d.key === 'TimingElements')!.chunks.length > 1, 'a multi-chunk transfer');
});

test('the boot sequence is deterministic: two runs send identical messages and bytes', (t) => {
  const run = (): { msgs: bigint[]; shm: Uint8Array } => {
    const { ap } = bootedAp();
    ap.boot();
    ap.call('A401', new Uint8Array(0), 4);
    return { msgs: ap.allFromDcp, shm: ap.mem.slice(0x100000, 0x200000) };
  };
  const a = run();
  const b = run();
  t.deepEqual(a.msgs, b.msgs);
  t.true(Buffer.from(a.shm).equals(Buffer.from(b.shm)));
});
