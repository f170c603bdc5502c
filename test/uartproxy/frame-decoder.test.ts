// The target→host stream decoder, fed the worked examples of m1n1-protocol.md §2.5 (golden
// bytes quoted from the spec) with console text between them, split at every offset, byte by
// byte and at random; plus corrupt and truncated frames.
import test, { type ExecutionContext } from 'ava';
import { FrameDecoder, type FrameDecoderOptions, type ReplyFrame } from '../../core/uartproxy/frame-decoder.ts';
import { ascii, cat, hex, toHex as show, zeros } from '../helpers/bytes.ts';

// §2.5 "Other reference frames".
const G = {
  nopReply1: cat(hex('ff 55 aa 00 00 00 00 00 01'), zeros(23), hex('2b 2b ec 34')),
  pNopReply: cat(hex('ff 55 aa 01 00 00 00 00'), zeros(24), hex('63 64 81 a9')),
  pExitReply: cat(hex('ff 55 aa 01 00 00 00 00 01'), zeros(23), hex('ca c5 f4 cd')),
  unknownOpReply: cat(hex('ff 55 aa 01 00 00 00 00 55 55 00 00 00 00 00 00 ff ff ff ff ff ff ff ff'), zeros(8), hex('35 97 f0 3f')),
  bootStart: cat(hex('ff 55 aa 04 00 00 00 00'), zeros(24), hex('dc 92 9b f4')),
  bootHv: cat(hex('ff 55 aa 04 00 00 00 00 03 00 00 00 01 00 00 00 00 cd ab 00 00 01 00 00'), zeros(8), hex('b3 75 06 76')),
  csumErr: cat(hex('ff 55 aa 00 fc ff ff ff'), zeros(24), hex('0f b7 35 1f')),
  memReadOn: cat(hex('ff 55 aa 02 00 00 00 00 ca 10 dc 58'), zeros(20), hex('38 4e ec b1')),
  memReadOff: cat(hex('ff 55 aa 02 00 00 00 00 de ca de d0'), zeros(20), hex('e8 25 db 34')),
  memWriteReply: cat(hex('ff 55 aa 03 00 00 00 00 ca 10 dc 58'), zeros(20), hex('db 18 f7 4e')),
  irqEvent: hex('ff 55 aa 05 08 00 02 00 01 00 00 00 01 00 2a 00 9d 8a 74 2a'),
  mmioEvent: hex(`ff 55 aa 05 20 00 01 00 22 00 00 00 00 00 00 00 56 34 12 07 00 fe ff ff
                  00 00 10 3b 02 00 00 00 01 00 00 00 00 00 00 00 2b 77 d0 64`),
};
const DATA16 = Uint8Array.from({ length: 16 }, (_, i) => i);
const TRAILER = hex('10 cc ca b0');

type Out =
  | { k: 'text'; bytes: string }
  | { k: 'reply'; type: number; status: number; body: string; ok: boolean }
  | { k: 'event'; type: number; payload: string }
  | { k: 'eventError'; reason: string; eventType: number; length: number }
  | { k: 'payload'; data: string; checksum: number | undefined; trailerOk: boolean | undefined };

interface RunOptions extends FrameDecoderOptions {
  /** Claim a MEMREAD payload of this many bytes after each good MEMREAD reply with status 0. */
  payload?: { length: number; checksum: boolean; trailer: boolean };
}

/** Feeds `chunks` to a fresh decoder and returns what it reported, adjacent text merged. */
function run(chunks: Uint8Array[], options: RunOptions = {}): Out[] {
  const out: Out[] = [];
  let text: number[] = [];
  let into = new Uint8Array(0);
  const flush = () => {
    if (text.length) out.push({ k: 'text', bytes: show(Uint8Array.from(text)) });
    text = [];
  };
  const dec: FrameDecoder = new FrameDecoder(
    {
      text: (b) => void text.push(...b),
      reply: (f: ReplyFrame) => {
        flush();
        out.push({ k: 'reply', type: f.type, status: f.status, body: show(f.body), ok: f.checksumOk });
        if (options.payload && f.checksumOk && f.type === 0x02aa55ff && f.status === 0) {
          into = new Uint8Array(options.payload.length + 3);
          dec.expectPayload({ ...options.payload, into, offset: 3 });
        }
      },
      event: (type, payload) => (flush(), out.push({ k: 'event', type, payload: show(payload) })),
      eventError: (e) => (flush(), out.push({ k: 'eventError', reason: e.reason, eventType: e.eventType, length: e.length })),
      payloadEnd: (r) => {
        flush();
        out.push({ k: 'payload', data: show(into.subarray(3)), checksum: r.dataChecksum, trailerOk: r.trailerOk });
      },
    },
    options,
  );
  for (const c of chunks) dec.push(c);
  dec.end();
  flush();
  return out;
}

const textOut = (b: Uint8Array): Out => ({ k: 'text', bytes: show(b) });
const replyOut = (frame: Uint8Array, ok = true): Out => ({
  k: 'reply',
  type: new DataView(frame.buffer, frame.byteOffset).getUint32(0, true),
  status: new DataView(frame.buffer, frame.byteOffset).getInt32(4, true),
  body: show(frame.subarray(8, 32)),
  ok,
});

/** Every way to cut `stream` once, all single bytes, and seeded random chunkings. */
function splits(stream: Uint8Array): Array<{ name: string; chunks: Uint8Array[] }> {
  const out: Array<{ name: string; chunks: Uint8Array[] }> = [];
  for (let cut = 0; cut <= stream.length; cut++) out.push({ name: `cut at ${cut}`, chunks: [stream.subarray(0, cut), stream.subarray(cut)] });
  out.push({ name: 'byte by byte', chunks: Array.from(stream, (b) => Uint8Array.of(b)) });
  let seed = 12345;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) / (1 << 24);
  for (let r = 0; r < 100; r++) {
    const chunks: Uint8Array[] = [];
    for (let o = 0; o < stream.length; ) {
      const k = 1 + Math.floor(rnd() * 50);
      chunks.push(stream.subarray(o, o + k));
      o += k;
    }
    out.push({ name: `random chunking ${r}`, chunks });
  }
  return out;
}

/**
 * Decodes `stream` cut in every way `splits` makes, then whole; each must give `expected`. Stops at
 * the first chunking that differs (one readable failure, not hundreds) and then returns false.
 */
function decodesAlikeHoweverSplit(t: ExecutionContext, stream: Uint8Array, expected: Out[], options: RunOptions = {}): boolean {
  for (const { name, chunks } of splits(stream)) {
    const got = run(chunks, options);
    if (JSON.stringify(got) !== JSON.stringify(expected)) {
      t.deepEqual(got, expected, name);
      return false;
    }
  }
  t.deepEqual(run([stream], options), expected);
  return true;
}

// A session's worth of traffic: every golden frame with console text between, including text
// bytes that start a marker and turn out not to be one.
const SEGMENTS: Array<{ bytes: Uint8Array; expect: Out[] }> = [
  { bytes: ascii('m1n1 v1.4.11\nTTY> '), expect: [textOut(ascii('m1n1 v1.4.11\nTTY> '))] },
  { bytes: G.pNopReply, expect: [replyOut(G.pNopReply)] },
  { bytes: hex('ff 20 73 74 72 61 79'), expect: [textOut(hex('ff 20 73 74 72 61 79'))] },
  { bytes: G.pExitReply, expect: [replyOut(G.pExitReply)] },
  { bytes: hex('ff 55 20 68 61 6c 66'), expect: [textOut(hex('ff 55 20 68 61 6c 66'))] },
  { bytes: G.unknownOpReply, expect: [replyOut(G.unknownOpReply)] },
  { bytes: hex('ff ff'), expect: [textOut(hex('ff ff'))] },
  { bytes: G.bootStart, expect: [replyOut(G.bootStart)] },
  { bytes: G.bootHv, expect: [replyOut(G.bootHv)] },
  { bytes: hex('ff 55 ff'), expect: [textOut(hex('ff 55 ff'))] },
  { bytes: G.csumErr, expect: [replyOut(G.csumErr)] },
  { bytes: G.nopReply1, expect: [replyOut(G.nopReply1)] },
  { bytes: G.memWriteReply, expect: [replyOut(G.memWriteReply)] },
  { bytes: G.irqEvent, expect: [{ k: 'event', type: 2, payload: '01 00 00 00 01 00 2a 00' }] },
  { bytes: ascii('x'), expect: [textOut(ascii('x'))] },
  { bytes: G.mmioEvent, expect: [{ k: 'event', type: 1, payload: show(G.mmioEvent.subarray(8, 40)) }] },
  {
    bytes: cat(G.memReadOn, DATA16),
    expect: [replyOut(G.memReadOn), { k: 'payload', data: show(DATA16), checksum: 0x58dc10ca, trailerOk: undefined }],
  },
  { bytes: ascii('done\n'), expect: [textOut(ascii('done\n'))] },
  // A marker prefix at the very end of the stream is text once the stream ends.
  { bytes: hex('ff 55'), expect: [textOut(hex('ff 55'))] },
];

const merge = (outs: Out[]): Out[] => {
  const merged: Out[] = [];
  for (const o of outs) {
    const last = merged[merged.length - 1];
    if (o.k === 'text' && last?.k === 'text') last.bytes = `${last.bytes} ${o.bytes}`;
    else merged.push({ ...o });
  }
  return merged;
};

test('golden frames between console text decode identically however the stream is split', (t) => {
  const stream = cat(...SEGMENTS.map((s) => s.bytes));
  const expected = merge(SEGMENTS.flatMap((s) => s.expect));
  const payload = { length: 16, checksum: true, trailer: false };
  decodesAlikeHoweverSplit(t, stream, expected, { payload });
});

test('reply fields decode as the spec tables say', (t) => {
  const [boot] = run([G.bootHv]);
  t.deepEqual(boot, { k: 'reply', type: 0x04aa55ff, status: 0, body: '03 00 00 00 01 00 00 00 00 cd ab 00 00 01 00 00 00 00 00 00 00 00 00 00', ok: true });
  const [csum] = run([G.csumErr]);
  t.like(csum, { type: 0x00aa55ff, status: -4, ok: true });
  const [unknown] = run([G.unknownOpReply]);
  t.like(unknown, { type: 0x01aa55ff, status: 0, body: `55 55 00 00 00 00 00 00 ff ff ff ff ff ff ff ff ${show(zeros(8))}` });
});

test('with data checksums off: MEMREAD data plus DATA_END_SENTINEL trailer, events with 0xD0DECADE', (t) => {
  const irqOff = cat(G.irqEvent.subarray(0, 16), hex('de ca de d0'));
  const stream = cat(ascii('a'), G.memReadOff, DATA16, TRAILER, ascii('b'), irqOff, G.pNopReply);
  const expected: Out[] = [
    textOut(ascii('a')),
    replyOut(G.memReadOff),
    { k: 'payload', data: show(DATA16), checksum: undefined, trailerOk: true },
    textOut(ascii('b')),
    { k: 'event', type: 2, payload: '01 00 00 00 01 00 2a 00' },
    replyOut(G.pNopReply),
  ];
  const options = { dataChecksums: false, payload: { length: 16, checksum: false, trailer: true } };
  if (!decodesAlikeHoweverSplit(t, stream, expected, options)) return;
  // In that mode a real checksum trailer is wrong.
  t.like(run([G.irqEvent], { dataChecksums: false })[0], { k: 'eventError', reason: 'checksum', eventType: 2, length: 8 });
});

test('a wrong DATA_END_SENTINEL is reported and its bytes are scanned again', (t) => {
  const stream = cat(G.memReadOff, DATA16, hex('de ad be ef'), G.pExitReply);
  t.deepEqual(run([stream], { dataChecksums: false, payload: { length: 16, checksum: false, trailer: true } }), [
    replyOut(G.memReadOff),
    { k: 'payload', data: show(DATA16), checksum: undefined, trailerOk: false },
    textOut(hex('de ad be ef')),
    replyOut(G.pExitReply),
  ]);
});

test('a reply with a corrupt checksum is reported, its bytes rescanned, the next frame decodes', (t) => {
  const bad = G.pNopReply.slice();
  bad[35] ^= 0xff;
  const stream = cat(ascii('a'), bad, G.pExitReply, ascii('z'));
  const expected: Out[] = [textOut(ascii('a')), replyOut(bad, false), textOut(bad.subarray(4)), replyOut(G.pExitReply), textOut(ascii('z'))];
  decodesAlikeHoweverSplit(t, stream, expected);
});

test('a truncated reply followed by a good one: the good one is found by rescanning', (t) => {
  const truncated = G.unknownOpReply.subarray(0, 20);
  const stream = cat(truncated, G.pExitReply, ascii('ok'));
  const swallowed = cat(truncated, G.pExitReply.subarray(0, 16));
  t.deepEqual(run([stream]), [replyOut(swallowed, false), textOut(truncated.subarray(4)), replyOut(G.pExitReply), textOut(ascii('ok'))]);
  for (const { chunks } of splits(stream)) t.deepEqual(run(chunks), run([stream]));
});

test('a truncated event followed by a good reply: event error, then the reply', (t) => {
  const truncated = G.mmioEvent.subarray(0, 20);
  const stream = cat(truncated, G.pNopReply, ascii('ok'));
  t.deepEqual(run([stream]), [
    { k: 'eventError', reason: 'checksum', eventType: 1, length: 32 },
    textOut(truncated.subarray(4)),
    replyOut(G.pNopReply),
    textOut(ascii('ok')),
  ]);
  for (const { chunks } of splits(stream)) t.deepEqual(run(chunks), run([stream]));
});

test('a marker followed by another marker: the first three bytes are text, the frame decodes', (t) => {
  const stream = cat(hex('ff 55 aa'), G.pExitReply);
  const expected: Out[] = [textOut(hex('ff 55 aa')), replyOut(G.pExitReply)];
  decodesAlikeHoweverSplit(t, stream, expected);
});

test('an event header announcing more than maxEventPayload is corruption: reported, resynchronised', (t) => {
  const stream = cat(G.mmioEvent, G.irqEvent);
  const got = run([stream], { maxEventPayload: 16 });
  t.deepEqual(got, [
    { k: 'eventError', reason: 'length', eventType: 1, length: 32 },
    textOut(G.mmioEvent.subarray(4)),
    { k: 'event', type: 2, payload: '01 00 00 00 01 00 2a 00' },
  ]);
});

test('an event with a damaged payload fails its checksum and does not reach the event handler', (t) => {
  const bad = G.irqEvent.slice();
  bad[14] = 0x2b;
  const got = run([cat(bad, G.pNopReply)]);
  t.like(got[0], { k: 'eventError', reason: 'checksum', eventType: 2, length: 8 });
  t.false(got.some((o) => o.k === 'event'));
  t.deepEqual(got[got.length - 1], replyOut(G.pNopReply));
});

test('console text arrives in runs, one callback per chunk of plain text', (t) => {
  const calls: number[] = [];
  const dec = new FrameDecoder({ text: (b) => void calls.push(b.length), reply: () => {}, event: () => {}, eventError: () => {}, payloadEnd: () => {} });
  dec.push(ascii('HV: switching to CPU #1\n'));
  dec.push(cat(ascii('abc'), G.pNopReply, ascii('defg')));
  t.deepEqual(calls, [24, 3, 4]);
});

test('a 16 MiB payload lands in the destination with its checksum computed on the way', (t) => {
  const size = 16 * 1024 * 1024;
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (i * 7 + (i >> 12)) & 0xff;
  const dest = new Uint8Array(size);
  let end: { dataChecksum: number | undefined } | undefined;
  let progressCalls = 0;
  const dec: FrameDecoder = new FrameDecoder({
    text: () => {},
    reply: () => dec.expectPayload({ length: size, into: dest, checksum: true, trailer: false }),
    event: () => {},
    eventError: () => {},
    payloadEnd: (r) => (end = r),
    payloadProgress: () => void progressCalls++,
  });
  const stream = cat(G.memReadOn, data);
  for (let o = 0; o < stream.length; o += 65536) dec.push(stream.subarray(o, o + 65536));
  t.true(end !== undefined);
  t.is(Buffer.compare(dest, data), 0);
  // Independent reference: the §2.5 algorithm written out here.
  let s = 0xdeadbeef;
  for (let i = 0; i < size; i++) s = (Math.imul(s, 31337) + (data[i]! ^ 0x5a)) >>> 0;
  t.is(end!.dataChecksum, (s ^ 0xaddedbad) >>> 0);
  t.is(progressCalls, Math.ceil(stream.length / 65536));
});

test('expectPayload is refused outside the reply handler and when it would overflow', (t) => {
  let overflow: unknown;
  const dec: FrameDecoder = new FrameDecoder({
    text: () => {},
    reply: () => {
      try {
        dec.expectPayload({ length: 16, into: new Uint8Array(8), checksum: true, trailer: false });
      } catch (e) {
        overflow = e;
      }
    },
    event: () => {},
    eventError: () => {},
    payloadEnd: () => {},
  });
  t.throws(() => dec.expectPayload({ length: 1, into: null, checksum: false, trailer: false }));
  dec.push(G.memReadOn);
  t.true(overflow instanceof Error);
});

test('input pushed from inside a handler is queued and decoded in order', (t) => {
  const seen: string[] = [];
  let fed = false;
  const dec: FrameDecoder = new FrameDecoder({
    text: (b) => void seen.push(`text ${String.fromCharCode(...b)}`),
    reply: (f) => {
      seen.push(`reply ${f.type.toString(16)}`);
      if (!fed) {
        fed = true;
        dec.push(cat(ascii('B'), G.pExitReply));
      }
    },
    event: () => {},
    eventError: () => {},
    payloadEnd: () => {},
  });
  dec.push(cat(G.pNopReply, ascii('A')));
  t.deepEqual(seen, ['reply 1aa55ff', 'text A', 'text B', 'reply 1aa55ff']);
});

test('reset() drops a partial frame; decoding restarts cleanly', (t) => {
  const seen: number[] = [];
  const dec = new FrameDecoder({ text: () => {}, reply: (f) => void seen.push(f.status), event: () => {}, eventError: () => {}, payloadEnd: () => {} });
  dec.push(G.csumErr.subarray(0, 20));
  t.false(dec.idle);
  dec.reset();
  t.true(dec.idle);
  dec.push(G.pNopReply);
  t.deepEqual(seen, [0]);
});
