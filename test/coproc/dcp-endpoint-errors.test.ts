// Bad input to the virtual DCP's endpoint 0x37 costs nothing: a typed diagnostic, an answer where
// the AP would otherwise wait forever, and the endpoint keeps working (apple-devices §7.3–7.5,
// §7.12's "Overlapping call" and "ACK without call" cases).
import test from 'ava';
import { createDcpEndpoint } from '../../sim/coproc/dcp/dcp-endpoint.ts';
import { ApSide, tagBytes } from './dcp-ap-side.ts';
import { installMacos } from './dcp-macos.ts';

function setup(boot = true): { ap: ApSide; dcp: ReturnType<typeof createDcpEndpoint> } {
  const dcp = createDcpEndpoint();
  const ap = new ApSide(dcp);
  installMacos(ap);
  if (boot) ap.boot();
  return { ap, dcp };
}

/** Writes a raw packet at CMD+off and sends MSG{ctx, off, len}. */
function rawCall(ap: ApSide, bytes: Uint8Array, off: number, len: number, ctx = 2): bigint[] {
  ap.write(ap.shm(off), bytes);
  ap.send((BigInt(len) << 32n) | (BigInt(off) << 16n) | (BigInt(ctx) << 8n) | 2n);
  return ap.takeAll();
}

function header(tag: string, inLen: number, outLen: number): Uint8Array {
  const b = new Uint8Array(12 + inLen + outLen);
  b.set(tagBytes(tag), 0);
  new DataView(b.buffer).setUint32(4, inLen, true);
  new DataView(b.buffer).setUint32(8, outLen, true);
  return b;
}

const codes = (dcp: ReturnType<typeof createDcpEndpoint>): string[] => dcp.diagnostics.map((d) => d.code);

test('an unknown method is acknowledged with a zeroed output block', (t) => {
  const { ap, dcp } = setup();
  const out = ap.call('A999', new Uint8Array(8), 8, { fillOut: 0xee });
  t.deepEqual([...out], [0, 0, 0, 0, 0, 0, 0, 0]);
  t.is(ap.calls[0]!.ackMsg0, 0x242n);
  t.deepEqual(codes(dcp), ['DCP_FW_UNKNOWN_CALL']);
  t.true(ap.logLines.some((l) => l.includes('A999')));
});

test('a known method with the wrong block sizes is answered with zeros', (t) => {
  const { ap, dcp } = setup();
  const out = ap.call('A401', new Uint8Array(0), 8, { fillOut: 0xee });
  t.deepEqual([...out], new Array(8).fill(0));
  t.deepEqual(codes(dcp), ['DCP_FW_SIZE_MISMATCH']);
  t.is(ap.callbacks.length, 0, 'the method did not run');
});

test('corrupt MSGs and packets: typed diagnostics, an ACK when a call was made, no crash', (t) => {
  const { ap, dcp } = setup();
  // LEN disagrees with 12 + in_len + out_len.
  t.deepEqual(rawCall(ap, header('A401', 0, 4), 0, 0x20), [0x242n]);
  // A tag that is not printable ASCII.
  const badTag = header('A401', 0, 4);
  badTag[0] = 0x01;
  t.deepEqual(rawCall(ap, badTag, 0, 0x10), [0x242n]);
  // LEN shorter than a header, and a packet running past the end of the 0x8000 buffer.
  t.deepEqual(rawCall(ap, header('A401', 0, 4), 0, 4), [0x242n]);
  t.deepEqual(rawCall(ap, header('A401', 0, 4), 0x7ff0, 0x40), [0x7ff00242n]);
  t.deepEqual(codes(dcp), ['DCP_FW_BAD_PACKET', 'DCP_FW_BAD_PACKET', 'DCP_FW_BAD_PACKET', 'DCP_FW_BAD_PACKET']);
  // Not answered: unknown TYPE, INITIALIZED from the AP, an AP "call" in ASYNC, an ACK with
  // nothing outstanding on CB, an ACK in context CMD.
  for (const msg of [0x5n, 0x1n, 0x0000001000000302n, 0x42n, 0x242n]) {
    ap.send(msg);
    t.deepEqual(ap.takeAll(), [], `0x${msg.toString(16)} gets no answer`);
  }
  t.deepEqual(codes(dcp).slice(4), ['DCP_FW_BAD_MESSAGE', 'DCP_FW_BAD_MESSAGE', 'DCP_FW_BAD_CONTEXT', 'DCP_FW_ACK_WITHOUT_CALL', 'DCP_FW_BAD_CONTEXT']);
  // Still healthy.
  t.is(new DataView(ap.call('A401', new Uint8Array(0), 4).buffer).getUint32(0, true), 0);
  t.is(codes(dcp).length, 9);
});

test('MSG before SET_SHMEM is ignored; START_EP again waits for a new SET_SHMEM', (t) => {
  const { ap, dcp } = setup(false);
  dcp.start(ap.io);
  t.deepEqual(rawCall(ap, header('A401', 0, 4), 0, 0x10), []);
  t.deepEqual(codes(dcp), ['DCP_FW_NO_SHMEM']);
  t.deepEqual(ap.boot(), [1n]);
  dcp.start(ap.io);
  t.false(dcp.snapshot().initialized);
  t.deepEqual(rawCall(ap, header('A401', 0, 4), 0, 0x10), []);
  t.deepEqual(ap.boot(), [1n]);
  ap.call('A401', new Uint8Array(0), 4);
  t.deepEqual(codes(dcp), ['DCP_FW_NO_SHMEM', 'DCP_FW_NO_SHMEM']);
});

test('shared memory the DART cannot reach: a DMA-fault diagnostic and still an ACK', (t) => {
  const { ap, dcp } = setup(false);
  dcp.start(ap.io);
  ap.send(((0x7000000n | 0xf00000000n) << 16n) | 0x40n); // IOVA beyond the test memory
  t.deepEqual(ap.takeAll(), [1n]);
  ap.send(0x0000001000000202n);
  t.deepEqual(ap.takeAll(), [0x242n]);
  t.deepEqual(codes(dcp), ['DCP_FW_DMA_FAULT']);
});

test('an AP call overlapping an outstanding packet is refused but acknowledged (§7.12)', (t) => {
  const { ap, dcp } = setup();
  const plain = ap.handlers['D598']!;
  let reply: bigint[] = [];
  ap.handlers['D598'] = (input, a, seen) => {
    // A401 is outstanding at CMD 0x0; a nested call there would overwrite it.
    reply = rawCall(a, header('A440', 0, 4), 0, 0x10, 0);
    return plain(input, a, seen);
  };
  // rawCall writes over A401's packet, which the DCP already read: the boot still completes.
  ap.call('A401', new Uint8Array(0), 4);
  t.deepEqual(reply, [0x42n]);
  t.deepEqual(codes(dcp), ['DCP_FW_OVERLAPPING_CALL']);
  t.true(ap.callbacks.some((c) => c.tag === 'D124'), 'the boot sequence went on');
});
