// DCP codecs against the spec: EP 0x37 messages (apple-devices §7.2 example table), the packet
// tag order (§7.4), dictionary format 1 (§7.9 example) and format 2 (§7.10 worked example),
// round trips, truncation at every offset and corrupt input → typed errors.
import test from 'ava';
import { decodeDcpMessage, encodeDcpMessage } from '../../core/dcp/messages.ts';
import { decodePacket, decodePacketHeader, encodePacket } from '../../core/dcp/packet.ts';
import { decodeDict1, encodeDict1, encodeDict1Field } from '../../core/dcp/dict-format1.ts';
import { decodeOsSerialize, encodeOsSerialize } from '../../core/dcp/dict-format2.ts';
import { DcpCodecError, type DcpCodecErrorCode } from '../../core/dcp/errors.ts';
import { apCallChannel, dcpCallChannel } from '../../core/dcp/channels.ts';

const hex = (s: string): Uint8Array => Uint8Array.from(s.trim().split(/\s+/).filter(Boolean).map((b) => parseInt(b, 16)));
const toHex = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');

function throwsCode(t: import('ava').ExecutionContext, fn: () => unknown, code: DcpCodecErrorCode): void {
  const err = t.throws(fn, { instanceOf: DcpCodecError });
  t.is(err?.code, code);
  t.truthy(err?.hint);
}

// ---- §7.2 ----

test('EP 0x37 messages encode to the §7.2 example values', (t) => {
  t.is(encodeDcpMessage({ type: 'setShmem', dva: 0xf10000000n, flag: 4 }), 0x000f100000000040n);
  t.is(encodeDcpMessage({ type: 'initialized' }), 1n);
  t.is(encodeDcpMessage({ type: 'msg', ctx: 2, off: 0, len: 0x10, ack: false }), 0x0000001000000202n);
  t.is(encodeDcpMessage({ type: 'msg', ctx: 2, off: 0, len: 0, ack: true }), 0x0000000000000242n);
  t.is(encodeDcpMessage({ type: 'msg', ctx: 2, off: 0x40, len: 0, ack: true }), 0x0000000000400242n);
  t.is(encodeDcpMessage({ type: 'msg', ctx: 0, off: 0, len: 0, ack: true }), 0x0000000000000042n);
});

test('EP 0x37 messages decode from the §7.2 example values', (t) => {
  t.deepEqual(decodeDcpMessage(0x000f100000000040n), { type: 'setShmem', dva: 0xf10000000n, flag: 4 });
  t.deepEqual(decodeDcpMessage(1n), { type: 'initialized' });
  t.deepEqual(decodeDcpMessage(0x0000001000000202n), { type: 'msg', len: 0x10, off: 0, ctx: 2, ack: false });
  t.deepEqual(decodeDcpMessage(0x0000000000400242n), { type: 'msg', len: 0, off: 0x40, ctx: 2, ack: true });
  throwsCode(t, () => decodeDcpMessage(0x5n), 'DCP_MSG_UNKNOWN_TYPE');
  throwsCode(t, () => encodeDcpMessage({ type: 'msg', ctx: 2, off: 0x10000, len: 0, ack: false }), 'DCP_MSG_BAD_FIELD');
});

test('channels route contexts as §7.3 says (Linux rule for OOB)', (t) => {
  t.is(apCallChannel(2)?.base, 0x0);
  t.is(apCallChannel(0)?.base, 0x0);
  t.is(apCallChannel(6)?.base, 0x8000);
  t.is(apCallChannel(4)?.base, 0x8000);
  t.is(apCallChannel(3), undefined);
  t.is(dcpCallChannel(3)?.base, 0x40000);
  t.is(dcpCallChannel(7)?.base, 0x48000);
  t.is(dcpCallChannel(0)?.base, 0x60000);
  t.is(dcpCallChannel(4)?.base, 0x68000);
  t.is(dcpCallChannel(6), undefined);
});

// ---- §7.4 ----

test('packet: tag stored reversed, then in_len and out_len (§7.4)', (t) => {
  const p = encodePacket('A401', new Uint8Array(0), 4);
  t.is(toHex(p), '31 30 34 41 00 00 00 00 04 00 00 00 00 00 00 00');
  const d = decodePacket(p, 0x10);
  t.is(d.tag, 'A401');
  t.is(d.inLen, 0);
  t.is(d.outLen, 4);
  t.is(d.output.length, 4);
});

test('packet: truncated at every offset, wrong LEN and bad tags are typed errors', (t) => {
  const p = encodePacket('D401', new Uint8Array(0x50), 0xc);
  for (let n = 0; n < p.length; n++) {
    const err = t.throws(() => decodePacket(p.subarray(0, n)), { instanceOf: DcpCodecError });
    t.is(err?.code, 'DCP_PACKET_TRUNCATED', `cut at ${n}`);
  }
  throwsCode(t, () => decodePacket(p, 0x60), 'DCP_PACKET_BAD_LENGTH');
  throwsCode(t, () => decodePacketHeader(hex('01 30 34 41 00 00 00 00 00 00 00 00')), 'DCP_PACKET_BAD_TAG');
  throwsCode(t, () => encodePacket('A40', new Uint8Array(0), 0), 'DCP_PACKET_BAD_TAG');
});

// ---- §7.9 ----

const DICT1_A1 = '64 01 00 00 00 73 01 00 00 00 61 00 6e 01 00 00 00 00 00 00 00';

test("format 1: {'a': 1} is the §7.9 example", (t) => {
  t.is(toHex(encodeDict1(new Map([['a', 1n]]))), DICT1_A1);
  const d = decodeDict1(hex(DICT1_A1));
  t.deepEqual(d.value, new Map([['a', 1n]]));
  t.is(d.length, 21);
});

test('format 1: nested round trip keeps key order; fixed field is zero padded', (t) => {
  const v = new Map<string, bigint | string | Map<string, bigint>>([
    ['zeta', 0xffffffffffffffffn],
    ['alpha', 'héllo'],
    ['mid', new Map([['x', 0n]])],
  ]);
  const field = encodeDict1Field(v, 0x1000);
  t.is(field.length, 0x1000);
  t.deepEqual([...(decodeDict1(field).value as Map<string, unknown>).keys()], ['zeta', 'alpha', 'mid']);
  t.deepEqual(decodeDict1(field).value, v);
  throwsCode(t, () => encodeDict1Field(new Map([['k', 'x'.repeat(0x1000)]]), 0x1000), 'DCP_DICT1_TOO_LARGE');
  throwsCode(t, () => encodeDict1(new Map([['neg', -1n]])), 'DCP_DICT1_BAD_VALUE');
});

test('format 1: truncated at every offset, unknown tags and non-string keys are typed errors', (t) => {
  const bytes = hex(DICT1_A1);
  for (let n = 0; n < bytes.length; n++) {
    const err = t.throws(() => decodeDict1(bytes.subarray(0, n)), { instanceOf: DcpCodecError });
    t.is(err?.code, 'DCP_DICT1_TRUNCATED', `cut at ${n}`);
  }
  throwsCode(t, () => decodeDict1(hex('78 00')), 'DCP_DICT1_UNKNOWN_TAG');
  throwsCode(t, () => decodeDict1(new Uint8Array(16)), 'DCP_DICT1_UNKNOWN_TAG');
  throwsCode(t, () => decodeDict1(hex('64 01 00 00 00 6e 01 00 00 00 00 00 00 00 6e 01 00 00 00 00 00 00 00')), 'DCP_DICT1_BAD_KEY');
  throwsCode(t, () => decodeDict1(hex('64 ff ff ff ff')), 'DCP_DICT1_TRUNCATED');
});

// ---- §7.10 ----

const OSS_EXAMPLE = `
d3 00 00 00  03 00 00 81  01 00 00 09 61 00 00 00  40 00 00 04 01 00 00 00 00 00 00 00
01 00 00 09 62 00 00 00  01 00 00 09 78 00 00 00  01 00 00 09 63 00 00 00
02 00 00 82  40 00 00 04 02 00 00 00 00 00 00 00  03 00 00 8a 01 02 03 00`;

const OSS_VALUE = new Map<string, unknown>([
  ['a', 1n],
  ['b', 'x'],
  ['c', [2n, Uint8Array.of(1, 2, 3)]],
]);

test('format 2: the §7.10 worked example encodes and decodes byte for byte', (t) => {
  const encoded = encodeOsSerialize(new Map<string, never>(OSS_VALUE as Map<string, never>));
  t.is(toHex(encoded), toHex(hex(OSS_EXAMPLE)));
  t.deepEqual(decodeOsSerialize(hex(OSS_EXAMPLE)), OSS_VALUE);
});

test('format 2: booleans are type 11, empty collections and data round trip', (t) => {
  const enc = encodeOsSerialize([true, false, 7n, []]);
  // array of 4 (LAST), bool 1, bool 0, number, empty array (LAST).
  t.is(toHex(enc.subarray(0, 16)), 'd3 00 00 00 04 00 00 82 01 00 00 0b 00 00 00 0b');
  t.is(toHex(enc.subarray(enc.length - 4)), '00 00 00 82');
  t.deepEqual(decodeOsSerialize(enc), [true, false, 7n, []]);
  const nested = new Map<string, never>([['k', new Map([['deep', [Uint8Array.of(9), 'str', new Map()]]]) as never]]);
  t.deepEqual(decodeOsSerialize(encodeOsSerialize(nested)), nested);
});

test('format 2: truncated at every offset and corrupt blobs are typed errors', (t) => {
  const bytes = hex(OSS_EXAMPLE);
  // The last byte is the padding after the final object's data, which a blob may omit.
  t.deepEqual(decodeOsSerialize(bytes.subarray(0, bytes.length - 1)), OSS_VALUE);
  for (let n = 0; n < bytes.length - 1; n++) {
    const err = t.throws(() => decodeOsSerialize(bytes.subarray(0, n)), { instanceOf: DcpCodecError });
    t.true(['DCP_OSS_TRUNCATED', 'DCP_OSS_BAD_SIGNATURE'].includes(err!.code), `cut at ${n}: ${err?.code}`);
  }
  throwsCode(t, () => decodeOsSerialize(hex('d4 00 00 00 00 00 00 8b')), 'DCP_OSS_BAD_SIGNATURE');
  throwsCode(t, () => decodeOsSerialize(hex('d3 00 00 00 00 00 00 83')), 'DCP_OSS_UNKNOWN_TYPE'); // a set
  throwsCode(t, () => decodeOsSerialize(hex('d3 00 00 00 01 00 00 0b')), 'DCP_OSS_BAD_LAST'); // top without LAST
  throwsCode(t, () => decodeOsSerialize(hex('d3 00 00 00 01 00 00 81 00 00 00 0b 00 00 00 8b')), 'DCP_OSS_BAD_KEY');
  throwsCode(t, () => decodeOsSerialize(hex('d3 00 00 00 01 00 00 8b 05 00 00 00')), 'DCP_OSS_TRAILING');
  throwsCode(t, () => decodeOsSerialize(hex('d3 00 00 00 ff ff ff 82')), 'DCP_OSS_TRUNCATED');
  let deep = 'd3 00 00 00';
  for (let i = 0; i < 100; i++) deep += ' 01 00 00 82';
  throwsCode(t, () => decodeOsSerialize(hex(deep)), 'DCP_OSS_TOO_DEEP');
});
