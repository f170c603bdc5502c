// The RSP client's framing against a scripted stub on loopback (no qemu needed), and the
// runner's instruction classification on words whose meaning llvm-objdump-16 printed.
import { createServer, type Socket } from 'node:net';
import test, { type ExecutionContext } from 'ava';
import { exclusiveSequenceStops, isLoadExclusive, isStoreExclusive, mayWriteFpState } from './instruction-classes.ts';
import { parseStopReply, RspClient, rspChecksum, RspError } from './rsp-client.ts';

const frame = (body: string) => `$${body}#${rspChecksum(body)}`;

/** A stub that answers each packet body with `script(body)` (raw bytes, framing included). */
async function fakeStub(
  t: ExecutionContext,
  script: (body: string, socket: Socket) => string | undefined,
  onNak?: (socket: Socket) => void,
): Promise<{ client: RspClient; acks: string[] }> {
  const acks: string[] = [];
  const server = createServer((socket) => {
    socket.setEncoding('latin1');
    let buffer = '';
    socket.on('data', (d: string) => {
      buffer += d;
      for (;;) {
        buffer = buffer.replace(/^[+-]+/, (a) => {
          acks.push(a);
          if (a.includes('-')) onNak?.(socket);
          return '';
        });
        const m = /^\$([^#]*)#[0-9a-f]{2}/.exec(buffer);
        if (!m) return;
        buffer = buffer.slice(m[0].length);
        socket.write('+');
        const reply = script(m[1]!, socket);
        if (reply !== undefined) socket.write(reply, 'latin1');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const client = await RspClient.connect(port, '127.0.0.1', 2_000);
  t.teardown(() => (client.close(), new Promise<void>((resolve) => server.close(() => resolve()))));
  return { client, acks };
}

test('checksums are the byte sum mod 256, two hex digits', (t) => {
  t.is(rspChecksum(''), '00');
  t.is(rspChecksum('g'), '67');
  t.is(rspChecksum('OK'), '9a');
  t.is(rspChecksum('qSupported'), '37');
});

test('a reply with a bad checksum is refused with - and the resent one is taken', async (t) => {
  // The first reply is damaged on the way ('QC1' with a wrong checksum); on '-' the stub resends it whole.
  const { client, acks } = await fakeStub(
    t,
    () => '$QC1#00',
    (socket) => socket.write(frame('QC1')),
  );
  t.is(await client.request('qC'), 'QC1');
  t.true(acks.join('').startsWith('-'), acks.join(''));
});

test('run-length encoding and binary escapes are undone', async (t) => {
  const { client } = await fakeStub(t, (body) => (body === 'g' ? frame('0* 1') : frame('a}\x5db')));
  t.is(await client.request('g'), '00001');
  t.is(await client.request('m0,1'), 'a}b');
});

test('an Exx reply to a command is an RspError; a silent stub times out', async (t) => {
  const { client } = await fakeStub(t, (body) => (body.startsWith('m') ? frame('E14') : undefined));
  const err = await t.throwsAsync(client.readMemory(0n, 4), { instanceOf: RspError });
  t.is(err?.code, 'RSP_ERROR_REPLY');
  const late = await t.throwsAsync(client.request('?'), { instanceOf: RspError });
  t.is(late?.code, 'RSP_TIMEOUT');
});

test('stop replies: signal, exit code, termination', (t) => {
  t.like(parseStopReply('T05thread:1cd0;'), { kind: 'signal', signal: 5 });
  t.like(parseStopReply('S0b'), { kind: 'signal', signal: 11 });
  t.like(parseStopReply('W0b'), { kind: 'exited', code: 11 });
  t.like(parseStopReply('X09'), { kind: 'terminated', signal: 9 });
  t.throws(() => parseStopReply('OK'), { instanceOf: RspError });
});

// glibc's __aarch64_cas4_acq, as llvm-objdump-16 prints it (a static gcc binary):
//   45175c: 885ffc40 ldaxr w0, [x2]        451768: 88117c41 stxr w17, w1, [x2]
//   451760: 6b10001f cmp w0, w16           45176c: 35ffff91 cbnz w17, 0x45175c
//   451764: 54000061 b.ne 0x451770
test('an exclusive sequence is run to just after its store-exclusive or out through its branch', (t) => {
  const words = [0x885ffc40, 0x6b10001f, 0x54000061, 0x88117c41, 0x35ffff91];
  const code = new Uint8Array(new Uint32Array(words).buffer);
  t.true(isLoadExclusive(words[0]!));
  t.true(isStoreExclusive(words[3]!));
  t.false(isLoadExclusive(0x88e07c41)); // casa w0, w1, [x2]
  t.false(isStoreExclusive(0x88e07c41));
  t.false(isLoadExclusive(0xc8dffc20)); // ldar x0, [x1]
  t.deepEqual(exclusiveSequenceStops(0x45175cn, code)?.sort(), [0x45176cn, 0x451770n]);
  t.is(exclusiveSequenceStops(0x45175cn, code.subarray(0, 12)), undefined);
});

test('FP-state writers are told from the rest by their encoding class', (t) => {
  // fmul d0, d0, d0; ldr q0, [x0]; msr fpcr, x0; svc #0 — may write v/fpsr/fpcr.
  for (const w of [0x1e600800, 0x3dc00000, 0xd51b4400, 0xd4000001]) t.true(mayWriteFpState(w), w.toString(16));
  // add x0, x0, #1; ldr x0, [x1]; b.ne; cbnz; stxr — cannot.
  for (const w of [0x91000400, 0xf9400020, 0x54000061, 0x35ffff91, 0x88117c41]) t.false(mayWriteFpState(w), w.toString(16));
});
