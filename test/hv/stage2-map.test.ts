// P_HV_MAP of every kind, then P_HV_PT_WALK and the raw table entries bit by bit as spec §10.1–§10.3
// define them (expected values worked out by hand from the spec, never from the code).
import test from 'ava';
import { SparseRam } from '../../sim/memory/index.ts';
import { Stage2Map } from '../../sim/hv/stage2-map.ts';

const RAM = 0x8_0000_0000n;
const ARENA = RAM + 0x100_0000n;
const HW = 0x7fdn; // valid | MemAttr 1111 | S2AP RW | SH 11 | AF
const TRACE_R = 0x8000_0000_0000_0000n;
const TRACE_W = 0x4000_0000_0000_0000n;
const TRACE_UNBUF = 0x2000_0000_0000_0000n;
const HOOK = 0x0004_0000_0000_0000n;
const PROXY_R = 0x0008_0000_0000_0000n;
const PROXY_RW = 0x0010_0000_0000_0000n;

function setup(opts: { paRange?: number; arenaSize?: bigint; ramBase?: bigint; m1n1Base?: bigint } = {}) {
  const ram = new SparseRam({ base: RAM, sizeBytes: 0x1000_0000n });
  const lines: string[] = [];
  const s2 = new Stage2Map({
    memory: ram,
    arena: { base: ARENA, size: opts.arenaSize ?? 0x100_0000n },
    paRange: opts.paRange ?? 1,
    ramBase: opts.ramBase,
    m1n1Base: opts.m1n1Base,
    log: (l) => lines.push(l),
  });
  const entry = (table: bigint, index: bigint) => ram.read(table + index * 8n, 8) as bigint;
  return { ram, s2, lines, entry };
}

test('36-bit IPA: VTCR_EL2 as §10.1 (PS 1, TG0 16K, SH0 3, ORGN0/IRGN0 1, SL0 1, T0SZ 28) and no L1', (t) => {
  const { s2 } = setup({ paRange: 1 });
  t.is(s2.ipaBits, 36);
  t.is(s2.vtcr, (1n << 16n) | (2n << 14n) | (3n << 12n) | (1n << 10n) | (1n << 8n) | (1n << 6n) | 28n);
});

test('40-bit IPA: SL0 2, T0SZ 24, an L1 table entry (valid | table) for IPA bit 36', (t) => {
  const { s2, entry } = setup({ paRange: 2 });
  t.is(s2.ipaBits, 40);
  t.is(s2.vtcr, (2n << 16n) | (2n << 14n) | (3n << 12n) | (1n << 10n) | (1n << 8n) | (2n << 6n) | 24n);
  t.is(s2.map(0x10_0000_0000n, 0x10_0000_0000n | HW, 0x200_0000n, 1n), 0);
  const l1 = entry(s2.top, 1n);
  t.is(l1 & 3n, 3n);
  // The L2 table it points at holds a 32 MiB block descriptor (bit 1 = 0).
  t.is(entry(l1 & 0x3_ffff_ffff_c000n, 0n), 0x10_0000_0000n | HW);
  t.is(s2.walk(0x10_0000_0004n), 0x10_0000_0000n | 1n | 4n);
  t.is(s2.walk(0x20_0000_0000n), 0n);
});

test('HW map of 32 MiB-aligned range: L2 block descriptors; PT_WALK clears attributes 13:2 and ORs the offset', (t) => {
  const { s2, entry } = setup();
  t.is(s2.map(0x2_0000_0000n, 0x2_0000_0000n | HW, 0x400_0000n, 1n), 0);
  // L2 index = IPA bits 35:25 = 0x100; the block descriptor is the template (bit 1 = 0: block).
  t.is(entry(s2.top, 0x100n), 0x2_0000_07fdn);
  t.is(entry(s2.top, 0x101n), 0x2_0200_07fdn);
  t.is(s2.walk(0x2_0000_1234n), 0x2_0000_1235n);
  t.is(s2.walk(0x2_0200_0008n), 0x2_0200_0009n);
  const r = s2.resolve(0x2_0000_1234n);
  t.like(r, { kind: 'hw', level: 2, pa: 0x2_0000_1234n, readable: true, writable: true, accessFlag: true });
  t.deepEqual(s2.stage2Answer(0x2_0000_1234, true), { pa: 0x2_0000_1234 });
});

test('HW map whose PA is not 32 MiB aligned uses L3 pages (bit 1 set)', (t) => {
  const { s2, entry } = setup();
  s2.map(0x2_0000_0000n, 0x3_0000_4000n | HW, 0x200_0000n, 1n);
  const l2 = entry(s2.top, 0x100n);
  t.is(l2 & 3n, 3n, 'L2 entry is a table');
  t.is(entry(l2 & ~0x3fffn, 0n), 0x3_0000_47ffn);
  t.is(s2.walk(0x2_0000_0010n), 0x3_0000_4013n);
  t.is(s2.walk(0x2_0000_4010n), 0x3_0000_8013n);
  t.like(s2.resolve(0x2_0000_4010n), { kind: 'hw', level: 3, pa: 0x3_0000_8010n });
});

test('HW map not 16 KiB aligned is refused with m1n1\'s console line and maps nothing', (t) => {
  const { s2, lines } = setup();
  t.is(s2.map(0x2_0000_2000n, 0x2_0000_2000n | HW, 0x4000n, 1n), -1);
  t.deepEqual(lines, ['HV: cannot use L4 pages with HW mappings (0x200002000 -> 0x2000027fd)']);
  t.is(s2.walk(0x2_0000_2000n), 0n);
  t.is(s2.map(0x2_0000_0002n, 0x2_0000_0000n, 4n, 1n), -1, 'IPA not 4-byte aligned');
});

test('software MAP page with trace bits: walk adds the offset; resolve says map + trace flags; the CPU emulates', (t) => {
  const { s2 } = setup();
  s2.map(0x2_3b10_0000n, 0x2_3b10_0000n | TRACE_R | TRACE_W, 0x4000n, 1n);
  t.is(s2.walk(0x2_3b10_0104n), 0xc000_0002_3b10_0104n);
  t.like(s2.resolve(0x2_3b10_0106n), { kind: 'map', level: 3, pa: 0x2_3b10_0106n, traceRead: true, traceWrite: true, traceUnbuf: false });
  t.deepEqual(s2.stage2Answer(0x2_3b10_0104, false), { emulate: true });
});

test('software MAP as an L2 block needs no output alignment; walk adds offset bits 24:2', (t) => {
  const { s2, entry } = setup();
  s2.map(0x2_0000_0000n, 0x3_0000_1000n, 0x200_0000n, 1n);
  t.is(entry(s2.top, 0x100n), 0x3_0000_1000n);
  t.is(s2.walk(0x2_0012_3454n), 0x3_0012_4454n);
});

test('proxy hook on a sub-page: L4 entries (bit 1 set) hang off a software L3 table entry; incr 0 keeps the id', (t) => {
  const { s2, entry } = setup();
  s2.map(0x2_3b10_4008n, (7n << 2n) | PROXY_RW | TRACE_UNBUF, 8n, 0n);
  const l2 = entry(s2.top, (0x2_3b10_4008n >> 25n) & 0x7ffn);
  const l3e = entry(l2 & ~0x3fffn, (0x2_3b10_4008n >> 14n) & 0x7ffn);
  t.is(l3e & 3n, 2n, 'L3 entry: software table (bit 1 set, bit 0 clear)');
  t.is(s2.walk(0x2_3b10_4008n), 0x2010_0000_0000_001en);
  t.is(s2.walk(0x2_3b10_400cn), 0x2010_0000_0000_001en);
  t.is(s2.walk(0x2_3b10_4010n), 0n);
  t.is(s2.walk(0x2_3b10_4004n), 0n);
  t.like(s2.resolve(0x2_3b10_400an), { kind: 'proxy-hook', level: 4, hookId: 7n, hookRead: true, hookWrite: true, traceUnbuf: true });
  t.like(s2.resolve(0x2_3b10_4004n), { kind: 'unmapped', level: 4 });
});

test('refining a HW page to L4 turns the rest of that page into a software MAP to the same PA', (t) => {
  const { s2 } = setup();
  s2.map(0x2_0000_0000n, 0x2_0000_0000n | HW, 0x4000n, 1n);
  t.deepEqual(s2.stage2Answer(0x2_0000_0200, false), { pa: 0x2_0000_0200 });
  s2.map(0x2_0000_0100n, (3n << 2n) | PROXY_R, 4n, 0n);
  t.is(s2.walk(0x2_0000_0100n), 0x0008_0000_0000_000en);
  t.is(s2.walk(0x2_0000_0200n), 0x2_0000_0202n);
  t.like(s2.resolve(0x2_0000_0201n), { kind: 'map', level: 4, pa: 0x2_0000_0201n });
  t.like(s2.resolve(0x2_0000_0100n), { kind: 'proxy-hook', hookId: 3n, hookRead: true, hookWrite: false });
  t.deepEqual(s2.stage2Answer(0x2_0000_0000, false), { emulate: true });
  // The neighbouring page is untouched hardware.
  t.is(s2.walk(0x2_0000_4000n), 0n);
});

test('firmware HOOK descriptor: walk returns it as stored (no offset)', (t) => {
  const { s2 } = setup();
  const desc = HOOK | 0x8_0001_0000n;
  s2.map(0x2_3510_0000n, desc, 0x4000n, 0n);
  t.is(s2.walk(0x2_3510_0010n), desc);
  t.like(s2.resolve(0x2_3510_0010n), { kind: 'hook', handler: 0x8_0001_0000n });
});

test('unmapping a page inside a HW block splits it into HW pages; neighbours keep their PA', (t) => {
  const { s2 } = setup();
  s2.map(0x2_0000_0000n, 0x2_0000_0000n | HW, 0x200_0000n, 1n);
  s2.map(0x2_0000_4000n, 0n, 0x4000n, 0n);
  t.is(s2.walk(0x2_0000_4000n), 0n);
  t.is(s2.walk(0x2_0000_8000n), 0x2_0000_8003n);
  t.is(s2.walk(0x2_0000_0004n), 0x2_0000_0007n);
  t.deepEqual(s2.stage2Answer(0x2_0000_4000, false), { fault: { fsc: 0x07 } }, 'translation fault, level 3');
  t.deepEqual(s2.stage2Answer(0x2_4000_0000, false), { fault: { fsc: 0x06 } }, 'translation fault, level 2');
});

test('S2AP read-only hardware page: writes take a permission fault at its level', (t) => {
  const { s2 } = setup();
  s2.map(0x2_0000_0000n, 0x2_0000_0000n | 0x77dn, 0x4000n, 1n);
  t.deepEqual(s2.stage2Answer(0x2_0000_0000, false), { pa: 0x2_0000_0000 });
  t.deepEqual(s2.stage2Answer(0x2_0000_0000, true), { fault: { fsc: 0x0f } });
});

test('overwriting finer tables frees them (a 64 KiB arena survives repeated split/unsplit)', (t) => {
  const { s2 } = setup({ arenaSize: 0x10000n });
  for (let i = 0; i < 6; i++) {
    s2.map(0x2_0000_0100n, (1n << 2n) | PROXY_RW, 4n, 0n);
    s2.map(0x2_0000_0000n, 0n, 0x200_0000n, 0n);
  }
  t.is(s2.walk(0x2_0000_0100n), 0n);
  t.throws(() => {
    s2.map(0x2_0000_0100n, (1n << 2n) | PROXY_RW, 4n, 0n);
    s2.map(0x2_0200_0100n, (1n << 2n) | PROXY_RW, 4n, 0n);
  }, { message: /arena is full/ });
});

test('CTRR rule: no L2 block across the range between RAM base and m1n1 (§10.2)', (t) => {
  const from = 0x8_0000_4000n;
  const size = 0x800_0000n - 0x4000n;
  const plain = setup();
  plain.s2.map(from, from | HW, size, 1n);
  t.is(plain.s2.walk(0x8_0200_0000n), 0x8_0200_0001n, 'block without the rule');
  const ctrr = setup({ ramBase: 0x8_0000_0000n, m1n1Base: 0x8_0380_0000n });
  ctrr.s2.map(from, from | HW, size, 1n);
  t.is(ctrr.s2.walk(0x8_0200_0000n), 0x8_0200_0003n, 'pages up to the 32 MiB boundary above m1n1');
  t.is(ctrr.s2.walk(0x8_0400_0000n), 0x8_0400_0001n, 'blocks from there');
});

test('resolve() sees every map() (its cache is invalidated)', (t) => {
  const { s2 } = setup();
  s2.map(0x2_0000_0000n, 0x2_0000_0000n | HW, 0x4000n, 1n);
  t.is(s2.resolve(0x2_0000_0010n).kind, 'hw');
  s2.map(0x2_0000_0000n, 0x2_0000_0000n, 0x4000n, 1n);
  t.is(s2.resolve(0x2_0000_0010n).kind, 'map');
  s2.map(0x2_0000_0000n, 0n, 0x4000n, 0n);
  t.is(s2.resolve(0x2_0000_0010n).kind, 'unmapped');
  t.is(s2.resolve(1n << 40n).kind, 'unmapped', 'beyond the IPA width');
});

test('a map beyond the IPA width is refused (m1n1 would assert)', (t) => {
  const { s2, lines } = setup();
  t.is(s2.map(0xf_ffff_c000n, 0n, 0x8000n, 0n), -1);
  t.regex(lines[0]!, /beyond the 36-bit IPA space/);
});
