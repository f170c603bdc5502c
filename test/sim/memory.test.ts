// The virtual M1's physical memory: sparse RAM, MMIO regions, m1n1's RAM aliases (spec §7.3).
import test from 'ava';
import { AddressSpace, FAULT, M1_DRAM_BASE, MAC_MINI_8GB_RAM_SIZE, RAM_PAGE_SIZE, SparseRam, type MmioDevice } from '../../sim/memory/index.ts';
import { seq, toHex } from './helpers/bytes.ts';

test('SparseRam defaults to the M1 DRAM base and an 8 GiB Mac mini', (t) => {
  const ram = new SparseRam();
  t.is(ram.base, 0x8_0000_0000n);
  t.is(ram.base, M1_DRAM_BASE);
  t.is(ram.sizeBytes, 8n << 30n);
  t.is(ram.sizeBytes, MAC_MINI_8GB_RAM_SIZE);
  t.is(RAM_PAGE_SIZE, 16384);
});

test('reads of never-written RAM are zeros and allocate nothing', (t) => {
  const ram = new SparseRam();
  const out = new Uint8Array(100_000).fill(0xee);
  t.true(ram.readBlock(ram.base + 0x1_0000_0000n, out, 0, out.length));
  t.true(out.every((b) => b === 0));
  t.is(ram.read(ram.base + 0x12345n, 8), 0n);
  t.true(ram.write(ram.base, 4, 0n));
  t.is(ram.allocatedPages, 0, 'a zero store to an untouched page keeps it unallocated');
});

test('block writes and reads across page boundaries, at every offset around one', (t) => {
  const ram = new SparseRam({ base: 0x1000_0000n, sizeBytes: 0x10_0000n });
  const data = seq(40, 7);
  for (let k = 0; k <= 40; k++) {
    const addr = ram.base + BigInt(RAM_PAGE_SIZE - k);
    t.true(ram.writeBlock(addr, data, 0, data.length));
    const back = new Uint8Array(40);
    t.true(ram.readBlock(addr, back, 0, 40));
    t.is(toHex(back), toHex(data), `straddling by ${k}`);
  }
  t.is(ram.allocatedPages, 2);
});

test('width accesses are little-endian and may straddle pages', (t) => {
  const ram = new SparseRam({ base: 0x1000_0000n, sizeBytes: 0x10_0000n });
  const at = ram.base + BigInt(RAM_PAGE_SIZE - 3);
  t.true(ram.write(at, 8, 0x1122334455667788n));
  t.is(ram.read(at, 8), 0x1122334455667788n);
  t.is(ram.read(at, 4), 0x55667788n);
  t.is(ram.read(at + 4n, 2), 0x3344n);
  t.is(ram.read(at + 7n, 1), 0x11n);
  t.true(ram.write(at, 2, 0xffff_abcdn), 'the value is truncated to the width');
  t.is(ram.read(at, 4), 0x5566abcdn);
});

test('accesses outside the RAM fault', (t) => {
  const ram = new SparseRam({ base: 0x1000_0000n, sizeBytes: 0x4000n });
  const out = new Uint8Array(8);
  t.false(ram.readBlock(ram.base - 1n, out, 0, 2));
  t.false(ram.readBlock(ram.base + 0x3ffcn, out, 0, 8));
  t.is(ram.read(ram.base + 0x4000n, 1), FAULT);
  t.false(ram.write(ram.base + 0x3ffdn, 4, 1n));
  t.false(ram.probe(ram.base, 0x4001n, false));
  t.true(ram.probe(ram.base, 0x4000n, true));
  t.is(ram.read(-1n, 1), FAULT);
  t.is(ram.read(1n << 64n, 1), FAULT);
});

test('SparseRam rejects unusable geometry with a typed error', (t) => {
  t.throws(() => new SparseRam({ base: 0x1001n, sizeBytes: 0x4000n }), { code: 'SIM_BAD_RAM_REGION' });
  t.throws(() => new SparseRam({ sizeBytes: 0n }), { code: 'SIM_BAD_RAM_REGION' });
});

function mmioLog(): { device: MmioDevice; log: string[] } {
  const log: string[] = [];
  const regs = new Map<number, number>();
  return {
    log,
    device: {
      read32: (off) => (log.push(`r32 ${off}`), regs.get(off) ?? 0),
      write32: (off, v) => void (log.push(`w32 ${off}=${v.toString(16)}`), regs.set(off, v)),
      read64: (off) => (off === 0x10 ? FAULT : BigInt(off)),
    },
  };
}

test('AddressSpace: RAM, MMIO with per-width handlers, unmapped faults', (t) => {
  const ram = new SparseRam({ base: 0x8_0000_0000n, sizeBytes: 0x10000n });
  const { device, log } = mmioLog();
  const space = new AddressSpace().addRam(ram).addMmio(0x2_0000_0000n, 0x100, device, 'dev');
  t.true(space.write(0x8_0000_0010n, 4, 0xdeadbeefn));
  t.is(ram.read(0x8_0000_0010n, 4), 0xdeadbeefn);
  t.true(space.write(0x2_0000_0008n, 4, 0x1_0000_0042n));
  t.is(space.read(0x2_0000_0008n, 4), 0x42n);
  t.deepEqual(log, ['w32 8=42', 'r32 8']);
  t.is(space.read(0x2_0000_0008n, 2), FAULT, 'no 16-bit handler');
  t.is(space.read(0x2_0000_0018n, 8), 0x18n);
  t.is(space.read(0x2_0000_0010n, 8), FAULT, 'the device refused');
  t.is(space.read(0x3_0000_0000n, 4), FAULT);
  t.is(space.read(0x2_0000_00fen, 4), FAULT, 'a width access must not straddle the region end');
});

test('AddressSpace: m1n1 RAM aliases at bits 41–43 reach the same RAM (§7.3)', (t) => {
  const ram = new SparseRam({ base: 0x8_0000_0000n, sizeBytes: 0x10000n });
  const space = new AddressSpace().addRam(ram).addRamAliases(ram);
  t.true(space.write(0x8_0000_0100n | 0xc00_0000_0000n, 8, 0xd65f03c0d53c1100n));
  t.is(space.read(0x8_0000_0100n, 8), 0xd65f03c0d53c1100n);
  t.is(space.read(0x8_0000_0104n | 0x800_0000_0000n, 4), 0xd65f03c0n);
  const out = new Uint8Array(4);
  t.true(space.readBlock(0x8_0000_0100n | 0xa00_0000_0000n, out, 0, 4));
  t.is(toHex(out), '00 11 3c d5');
  t.true(space.isRam(0x8_0000_0000n | 0xc00_0000_0000n, 0x10000));
  t.false(space.isRam(0x8_0000_0000n | 0xc00_0000_0000n, 0x10001));
  t.deepEqual(
    space.regions().map((r) => [r.kind, r.base, r.target]),
    [
      ['ram', 0x8_0000_0000n, undefined],
      ['alias', 0x808_0000_0000n, 0x8_0000_0000n],
      ['alias', 0xa08_0000_0000n, 0x8_0000_0000n],
      ['alias', 0xc08_0000_0000n, 0x8_0000_0000n],
    ],
  );
});

test('AddressSpace block access walks RAM regions and faults at a gap', (t) => {
  const a = new SparseRam({ base: 0x1_0000_0000n, sizeBytes: 0x4000n });
  const b = new SparseRam({ base: 0x1_0000_4000n, sizeBytes: 0x4000n });
  const space = new AddressSpace().addRam(a, 'a').addRam(b, 'b');
  const data = seq(32);
  t.true(space.writeBlock(0x1_0000_3ff0n, data, 0, 32));
  const back = new Uint8Array(32);
  t.true(space.readBlock(0x1_0000_3ff0n, back, 0, 32));
  t.is(toHex(back), toHex(data));
  t.is(a.read(0x1_0000_3ff0n, 1), 0n);
  t.is(b.read(0x1_0000_4000n, 1), 16n);
  t.false(space.readBlock(0x1_0000_7ff0n, back, 0, 32), 'runs past the end of b');
  t.true(space.probe(0x1_0000_0000n, 0x8000n, true));
  t.false(space.probe(0x1_0000_0000n, 0x8001n, false));
});

test('block accesses to MMIO are byte accesses: devices without 8-bit handlers fault them', (t) => {
  const bytes: number[] = [];
  const space = new AddressSpace()
    .addMmio(0x1000n, 0x10, { read8: (off) => off + 0x40, write8: (_o, v) => void bytes.push(v) }, 'bytes')
    .addMmio(0x2000n, 0x10, { read32: () => 0 }, 'words');
  const out = new Uint8Array(4);
  t.true(space.readBlock(0x1000n, out, 0, 4));
  t.is(toHex(out), '40 41 42 43');
  t.true(space.writeBlock(0x1004n, Uint8Array.of(9, 8), 0, 2));
  t.deepEqual(bytes, [9, 8]);
  t.false(space.readBlock(0x2000n, out, 0, 4));
  t.false(space.probe(0x2000n, 4, false));
  t.false(space.isRam(0x1000n, 4));
});

test('overlapping regions are refused with a typed error', (t) => {
  const space = new AddressSpace().addMmio(0x1000n, 0x100, {}, 'one');
  t.throws(() => space.addMmio(0x10f0n, 0x20, {}, 'two'), { code: 'SIM_REGION_OVERLAP' });
  t.throws(() => space.addMmio(0x2000n, 0, {}, 'empty'), { code: 'SIM_BAD_REGION' });
});
