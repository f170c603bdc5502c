// RSP framing: golden packets from the gdb manual's rules ("Overview": `$`body`#`checksum,
// escapes 0x7d + byte^0x20, run-length `c*N`), every split offset, damage and oversize.
import test from 'ava';
import {
  encodePacket,
  escapeBinary,
  PacketDecoder,
  runLengthEncode,
  unescapeBinary,
  type DecodedItem,
} from '../../gdbstub/rsp/packet-codec.ts';

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');

function summary(items: DecodedItem[]): string[] {
  return items.map((i) => (i.kind === 'packet' ? `packet:${i.body}` : i.kind === 'bad-checksum' || i.kind === 'oversized' ? `${i.kind}:${i.error.code}` : i.kind));
}

test('encoder: classic golden packets', (t) => {
  t.is(text(encodePacket('OK')), '$OK#9a');
  t.is(text(encodePacket('')), '$#00');
  t.is(text(encodePacket('g')), '$g#67');
  t.is(text(encodePacket('?')), '$?#3f');
});

// + $g#67 - ^C $X40000000,2:}]}\x03#xx  (X with two escaped bytes: 0x7d and 0x23)
const X_BODY = 'X40000000,2:}]}\x03';
const X_SUM = [...X_BODY].reduce((s, c) => (s + c.charCodeAt(0)) % 256, 0);
const STREAM = `+$g#67-\x03$${X_BODY}#${X_SUM.toString(16).padStart(2, '0')}`;
const EXPECTED = ['ack', 'packet:g', 'nak', 'interrupt', `packet:${X_BODY}`];

test('decoder: acks, naks, Ctrl-C and packets in one chunk', (t) => {
  t.deepEqual(summary(new PacketDecoder(64).feed(bytes(STREAM))), EXPECTED);
});

test('decoder: the same stream split at every offset, and byte by byte', (t) => {
  const all = bytes(STREAM);
  for (let cut = 0; cut <= all.length; cut++) {
    const d = new PacketDecoder(64);
    t.deepEqual(summary([...d.feed(all.subarray(0, cut)), ...d.feed(all.subarray(cut))]), EXPECTED, `cut at ${cut}`);
  }
  const d = new PacketDecoder(64);
  t.deepEqual(summary([...all].flatMap((b) => d.feed(Uint8Array.of(b)))), EXPECTED);
});

test('decoder: 0x03 inside a packet body is data, not an interrupt', (t) => {
  t.deepEqual(summary(new PacketDecoder(64).feed(bytes(`$${'\x03'}#03`))), ['packet:\x03']);
});

test('decoder: wrong, non-hex and upper-case checksums', (t) => {
  const d = new PacketDecoder(64);
  t.deepEqual(summary(d.feed(bytes('$g#68$g#zz$OK#9A$OK#9a'))), [
    'bad-checksum:GDB_BAD_CHECKSUM',
    'bad-checksum:GDB_BAD_CHECKSUM',
    'packet:OK',
    'packet:OK',
  ]);
});

test('decoder: a packet past the limit is reported once and the stream goes on', (t) => {
  const d = new PacketDecoder(8);
  const big = 'M40000000,4:01020304';
  const items = d.feed(bytes(`$${big}#${[...big].reduce((s, c) => (s + c.charCodeAt(0)) % 256, 0).toString(16).padStart(2, '0')}$g#67`));
  t.deepEqual(summary(items), ['oversized:GDB_PACKET_TOO_LARGE', 'packet:g']);
  const err = items[0]!.kind === 'oversized' ? items[0].error : undefined;
  t.regex(err?.message ?? '', /20 bytes exceeds the 8-byte PacketSize/);
});

test('decoder: exactly at the limit is fine', (t) => {
  t.deepEqual(summary(new PacketDecoder(2).feed(bytes('$OK#9a'))), ['packet:OK']);
});

test('decoder: a new $ abandons a truncated packet; noise between packets is ignored', (t) => {
  t.deepEqual(summary(new PacketDecoder(64).feed(bytes('$m4000$g#67junk\r\n$?#3f$g#6$?#3f'))), ['packet:g', 'packet:?', 'packet:?']);
});

test('binary escapes: # $ } * are escaped as 0x7d, byte ^ 0x20', (t) => {
  const data = Uint8Array.of(0x23, 0x24, 0x7d, 0x2a, 0x00, 0x41, 0xff);
  t.is(escapeBinary(data), '}\x03}\x04}]}\x0a\x00A\xff');
  t.deepEqual(unescapeBinary('}\x03}\x04}]}\x0a\x00A\xff'), data);
  t.is(unescapeBinary('ab}'), undefined, 'ends inside an escape');
});

test('run-length encoding: the manual\'s example and the forbidden # and $ counts', (t) => {
  t.is(runLengthEncode('0000'), '0* ', '"0* " means the same as "0000"');
  t.is(runLengthEncode('000'), '000', 'too short to pay');
  t.is(runLengthEncode('0000000'), '0*"0', '7 zeros: 6 repeats would be #, so 5 + 1');
  t.is(runLengthEncode('00000000'), '0*"00', '8 zeros: 7 repeats would be $');
  t.is(runLengthEncode('a'.repeat(100)), 'a*~aa', 'at most 97 repeats (~) per run');
});
