// Every typed method sends its spec opcode with the spec's argument order (§6.2–§6.12), with
// the marshalling of §7.1, against a recording fake transport. The data tables are in
// op-cases.ts / op-cases-2.ts; together they cover all 151 opcodes.
import test from 'ava';
import { HostHeap } from '../../core/proxy/host-heap.ts';
import { OPCODES, OPCODE_INFOS } from '../../core/proxy/opcodes.ts';
import { M1n1Proxy } from '../../core/proxy/proxy.ts';
import { RecordingTransport } from './fake-transport.ts';
import { H, HEAP_SIZE, OP_CASES_PART1, type OpCase } from './op-cases.ts';
import { OP_CASES_PART2 } from './op-cases-2.ts';

const CASES: readonly OpCase[] = [...OP_CASES_PART1, ...OP_CASES_PART2];
const bytesOf = (w: { text?: string; bytes?: number[] }): number[] =>
  w.text !== undefined ? [...new TextEncoder().encode(w.text), 0] : (w.bytes ?? []);

test('the cases cover every opcode of the table', (t) => {
  const covered = new Set(CASES.map((c) => c.op));
  t.deepEqual(
    OPCODE_INFOS.map((i) => i.name).filter((n) => !covered.has(n)),
    [],
  );
});

for (const c of CASES) {
  test(`${c.op}: ${c.title}`, async (t) => {
    const fake = new RecordingTransport();
    const heap = new HostHeap(H, HEAP_SIZE);
    const proxy = new M1n1Proxy(fake);
    proxy.useHeap(heap);
    if (c.reply !== undefined) fake.reply(OPCODES[c.op], c.reply);

    const result = await c.call(proxy);

    t.deepEqual(
      fake.proxyCalls.map((p) => ({ opcode: p.opcode, args: p.args })),
      [{ opcode: OPCODES[c.op], args: c.args }],
      'one request, spec opcode and argument order',
    );
    t.deepEqual(fake.proxyCalls[0]!.opts, c.opts ?? { label: c.op }, 'reply handling');
    t.deepEqual(result, c.result);
    t.deepEqual(
      fake.memWrites.map((w) => ({ addr: w.addr, bytes: [...w.data] })),
      (c.writes ?? []).map((w) => ({ addr: w.addr, bytes: bytesOf(w) })),
      'string/buffer arguments written before the op (§7.1)',
    );
    if (c.writes) t.true(fake.calls.findIndex((x) => x.kind === 'proxy') > fake.calls.findIndex((x) => x.kind === 'memWrite'));
    t.is(heap.usedBytes, 0, 'scratch buffers freed after the reply');
  });
}
