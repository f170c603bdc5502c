// The host-managed heap (spec §7.5): host-side bookkeeping only, first fit, 64-byte aligned.
import test from 'ava';
import { HvdbgError } from '../../core/errors.ts';
import { HostHeap } from '../../core/proxy/host-heap.ts';
import { OPCODES } from '../../core/proxy/opcodes.ts';
import { M1n1Proxy } from '../../core/proxy/proxy.ts';
import { RecordingTransport } from './fake-transport.ts';

const BASE = 0x9_0000_0000n;

test('allocations are 64-byte aligned, first fit, sizes rounded up', (t) => {
  const heap = new HostHeap(BASE, 4096);
  const a = heap.malloc(1);
  const b = heap.malloc(65);
  const c = heap.malloc(0);
  t.is(a, BASE);
  t.is(b, BASE + 64n);
  t.is(c, BASE + 192n, 'a 65-byte block takes 128 bytes; size 0 still gets its own block');
  t.is(heap.blockSize(b), 128);
  t.is(heap.usedBytes, 256);
  for (const p of [a, b, c]) t.is(p % 64n, 0n);
});

test('a freed hole is reused first (first fit)', (t) => {
  const heap = new HostHeap(BASE, 4096);
  const a = heap.malloc(64);
  heap.malloc(64);
  heap.free(a);
  t.is(heap.malloc(10), a);
});

test('freeing coalesces with both neighbours', (t) => {
  const heap = new HostHeap(BASE, 4096);
  const [a, b, c] = [heap.malloc(64), heap.malloc(64), heap.malloc(64)];
  heap.free(a);
  heap.free(c);
  t.is(heap.freeBlockCount, 2, 'a hole at the front, and c merged with the tail');
  heap.free(b);
  t.is(heap.freeBlockCount, 1);
  t.is(heap.freeBytes, 4096);
  t.is(heap.largestFreeBlock, 4096);
  t.is(heap.malloc(4096), BASE, 'the whole heap is one block again');
});

test('exhaustion throws PROXY_HEAP_EXHAUSTED and leaves the heap usable', (t) => {
  const heap = new HostHeap(BASE, 256);
  heap.malloc(128);
  const err = t.throws(() => heap.malloc(192), { instanceOf: HvdbgError });
  t.is(err?.code, 'PROXY_HEAP_EXHAUSTED');
  t.truthy(err?.hint);
  t.is(heap.malloc(128), BASE + 128n);
});

test('fragmentation: enough bytes in total but no single block fits', (t) => {
  const heap = new HostHeap(BASE, 256);
  const blocks = [heap.malloc(64), heap.malloc(64), heap.malloc(64), heap.malloc(64)];
  heap.free(blocks[0]!);
  heap.free(blocks[2]!);
  t.is(heap.freeBytes, 128);
  t.is(t.throws(() => heap.malloc(128), { instanceOf: HvdbgError })?.code, 'PROXY_HEAP_EXHAUSTED');
});

test('bad frees are refused: unknown, interior and double', (t) => {
  const heap = new HostHeap(BASE, 4096);
  const a = heap.malloc(128);
  for (const addr of [BASE + 4096n, a + 64n, BASE - 64n]) {
    t.is(t.throws(() => heap.free(addr), { instanceOf: HvdbgError })?.code, 'PROXY_HEAP_BAD_FREE');
  }
  heap.free(a);
  t.is(t.throws(() => heap.free(a), { instanceOf: HvdbgError })?.code, 'PROXY_HEAP_BAD_FREE');
});

test('larger alignments are honoured, the skipped head stays free', (t) => {
  const heap = new HostHeap(BASE + 64n, 0x10000);
  const p = heap.malloc(100, 0x4000);
  t.is(p % 0x4000n, 0n);
  t.is(p, BASE + 0x4000n);
  t.is(heap.malloc(64), BASE + 64n, 'the head before the aligned block is still free');
  t.is(t.throws(() => heap.malloc(64, 48), { instanceOf: HvdbgError })?.code, 'PROXY_BAD_ARGUMENT');
});

test('an unaligned base is rounded up to 64 bytes', (t) => {
  const heap = new HostHeap(BASE + 8n, 4096);
  t.is(heap.base, BASE + 64n);
  t.is(heap.sizeBytes, 4032);
  t.true(heap.contains(BASE + 64n, 4032));
  t.false(heap.contains(BASE, 1));
});

test('fromTarget: base = P_HEAPBLOCK_ALLOC(0) + 128 MiB (§7.5)', async (t) => {
  const fake = new RecordingTransport();
  fake.reply(OPCODES.P_HEAPBLOCK_ALLOC, 0x8_1234_0000n);
  const heap = await HostHeap.fromTarget(new M1n1Proxy(fake), 1 << 20);
  t.deepEqual(
    fake.proxyCalls.map((c) => [c.opcode, ...c.args]),
    [[OPCODES.P_HEAPBLOCK_ALLOC, 0n]],
  );
  t.is(heap.base, 0x8_1234_0000n + 0x800_0000n);
  t.is(heap.sizeBytes, 1 << 20);
});
