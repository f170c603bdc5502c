// Stage-1 translation with tables built in RAM; faults with DFSC/level/FAR per Appendix B.
import test from 'ava';
import { machine, enter, put64, RAM_BASE, CODE, type Machine } from './helpers.ts';
import { EXCEPTION_TAKEN, type Syndrome } from '../../sim/cpu/index.ts';

const AF = 1n << 10n;
const PAGE = 3n | AF; // valid | page, AttrIndx 0, AP 00
const TABLE = 3n;
const BLOCK = 1n | AF;
const L1 = RAM_BASE + 0x100000;
const L2 = RAM_BASE + 0x101000;
const L3 = RAM_BASE + 0x102000;
const DATA = RAM_BASE + 0x200000;

/** 4K granule, T0SZ 25 (39-bit, start level 1), IPS 40 bits. VA 0x4000_0000 → page at DATA; VA 0x4020_0000 → 2 MiB block at RAM+0x40_0000. */
function setup4k(m: Machine, el = 1): void {
  const { ram, core } = m;
  put64(ram, L1 + 1 * 8, BigInt(L2) | TABLE);
  put64(ram, L2 + 0 * 8, BigInt(L3) | TABLE);
  put64(ram, L2 + 1 * 8, BigInt(RAM_BASE + 0x400000) | BLOCK);
  put64(ram, L3 + 0 * 8, BigInt(DATA) | PAGE);
  put64(ram, L3 + 2 * 8, BigInt(DATA + 0x2000) | 3n); // AF = 0
  put64(ram, L3 + 3 * 8, BigInt(DATA + 0x3000) | PAGE | (2n << 6n)); // AP = 10: read-only
  put64(ram, L3 + 4 * 8, BigInt(DATA + 0x4000) | PAGE | (1n << 6n)); // AP = 01: EL0 RW
  put64(ram, DATA, 0x1122334455667788n);
  put64(ram, RAM_BASE + 0x400000 + 0x1238, 0xabcdn);
  core.sysregs.set('TCR_EL1', 25n | (2n << 32n));
  core.sysregs.set('TTBR0_EL1', BigInt(L1));
  core.sysregs.writeAs('SCTLR_EL1', 0x30d00801n);
  enter(core, el, CODE);
}

function fault(access: () => void): void {
  try {
    access();
  } catch (e) {
    if (e !== EXCEPTION_TAKEN) throw e;
    return;
  }
  throw new Error('no fault');
}

test('4K granule: page and 2 MiB block mappings', (t) => {
  const m = machine();
  setup4k(m);
  t.is(m.core.read32(0x4000_0000), 0x55667788);
  t.is(m.core.memHi, 0); // untouched by a 32-bit load
  t.is(m.core.read64(0x4000_0000), 0x55667788);
  t.is(m.core.memHi, 0x11223344);
  t.is(m.core.read32(0x4020_1238), 0xabcd);
});

test('translation fault at level 3 and level 1: DFSC 0b0001LL, EC 0x25 at EL1, FAR = VA', (t) => {
  const m = machine();
  setup4k(m);
  fault(() => m.core.read32(0x4000_1010));
  t.is(m.core.sysregs.get('ESR_EL1'), 0x96000007n);
  t.is(m.core.sysregs.get('FAR_EL1'), 0x4000_1010n);
  t.is(m.core.sysregs.get('ELR_EL1'), BigInt(CODE));
  enter(m.core, 1, CODE);
  fault(() => m.core.read32(0x8000_0000));
  t.is(m.core.sysregs.get('ESR_EL1'), 0x96000005n);
});

test('access flag fault (level 3) and permission fault on a write to a read-only page (WnR)', (t) => {
  const m = machine();
  setup4k(m);
  fault(() => m.core.read8(0x4000_2000));
  t.is(m.core.sysregs.get('ESR_EL1'), 0x9600000bn);
  enter(m.core, 1, CODE);
  t.is(m.core.read8(0x4000_3000), 0);
  fault(() => m.core.write32(0x4000_3004, 1));
  t.is(m.core.sysregs.get('ESR_EL1'), 0x9600004fn);
  t.is(m.core.sysregs.get('FAR_EL1'), 0x4000_3004n);
});

test('EL0 may not read an AP=00 page (EC 0x24 to EL1); PAN stops EL1 reading an EL0 page', (t) => {
  const m = machine();
  setup4k(m, 0);
  fault(() => m.core.read32(0x4000_0000));
  t.is(m.core.sysregs.get('ESR_EL1'), 0x9200000fn);
  t.is(m.core.el, 1);
  enter(m.core, 0, CODE);
  t.is(m.core.read32(0x4000_4000), 0);
  enter(m.core, 1, CODE);
  m.core.sysregs.writeAs('PAN', 1n << 22n, 1);
  fault(() => m.core.read32(0x4000_4000));
  t.is(m.core.sysregs.get('ESR_EL1'), 0x9600000fn);
});

test('16K granule through TTBR1 (TG1 = 0b01, T1SZ 28: levels 2 and 3) and TTBR0 (TG0 = 0b10)', (t) => {
  const m = machine();
  const { ram, core } = m;
  const t2 = RAM_BASE + 0x110000;
  const t3 = RAM_BASE + 0x114000;
  // VA 0xFFFF_FFF0_0000_4000: level 2 index (bits 35:25) 0, level 3 index (bits 24:14) 1.
  put64(ram, t2, BigInt(t3) | TABLE);
  put64(ram, t3 + 8, BigInt(DATA + 0x8000) | PAGE);
  put64(ram, DATA + 0x8000 + 0x10, 0x77n);
  // 32 MiB block at level 2 index 1 for TTBR0 (VA 0x200_0000).
  put64(ram, t2 + 8, BigInt(RAM_BASE + 0x200_0000) | BLOCK);
  put64(ram, RAM_BASE + 0x200_0000 + 0x18, 0x99n);
  core.sysregs.set('TCR_EL1', 28n | (2n << 14n) | (28n << 16n) | (1n << 30n) | (2n << 32n));
  core.sysregs.set('TTBR0_EL1', BigInt(t2));
  core.sysregs.set('TTBR1_EL1', BigInt(t2));
  core.sysregs.writeAs('SCTLR_EL1', 0x30d00801n);
  enter(core, 1, CODE);
  t.is(core.read32(-0x10_0000_0000 + 0x4010), 0x77);
  t.is(core.read32(0x200_0018), 0x99);
  // Below the TTBR1 range (T1SZ 28 → 36 bits): translation fault level 0.
  fault(() => core.read32(-0x10_0000_0000 - 8));
  t.is(core.sysregs.get('ESR_EL1'), 0x96000004n);
  t.is(core.sysregs.get('FAR_EL1'), 0xffff_ffef_ffff_fff8n);
});

test('the TLB keeps a translation until TLBI; a TTBR write flushes it', (t) => {
  const m = machine();
  setup4k(m);
  t.is(m.core.read32(0x4000_0000), 0x55667788);
  put64(m.ram, L3, BigInt(DATA + 0x1000) | PAGE);
  put64(m.ram, DATA + 0x1000, 0x42n);
  t.is(m.core.read32(0x4000_0000), 0x55667788);
  m.core.tlbi('va', 0x4000_0000);
  t.is(m.core.read32(0x4000_0000), 0x42);
  put64(m.ram, L3, BigInt(DATA) | PAGE);
  m.core.sysregs.writeAs('TTBR0_EL1', BigInt(L1), 1);
  t.is(m.core.read32(0x4000_0000), 0x55667788);
});

test('stage-2 hook: a fault is a data abort to EL2 (EC 0x24, HPFAR, FAR); emulate sees reads and writes', (t) => {
  const seen: Syndrome[] = [];
  const writes: [number, bigint][] = [];
  const m = machine({
    onTrapToEl2: (_c, s) => void seen.push(s),
    stage2: {
      translate: (ipa) => (ipa >= DATA + 0x4000 && ipa < DATA + 0x5000 ? { emulate: true } : ipa >= DATA && ipa < DATA + 0x1000 ? { fault: {} } : { pa: ipa }),
      emulateRead: (ipa) => BigInt(ipa - DATA),
      emulateWrite: (ipa, v) => void writes.push([ipa - DATA, v]),
    },
  });
  setup4k(m);
  fault(() => m.core.write32(0x4000_0008, 5));
  t.is(seen[0]!.esr, 0x92000047); // EC 0x24, IL, WnR, DFSC translation level 3
  t.is(seen[0]!.ipa, BigInt(DATA + 8));
  t.is(m.core.sysregs.get('HPFAR_EL2'), BigInt(Math.floor((DATA + 8) / 4096)) << 4n);
  t.is(m.core.sysregs.get('FAR_EL2'), 0x4000_0008n);
  enter(m.core, 1, CODE);
  t.is(m.core.read32(0x4000_4010), 0x4010);
  m.core.write16(0x4000_4020, 0xbeef);
  t.deepEqual(writes, [[0x4020, 0xbeefn]]);
});

test('execute permission: fetching from a PXN page at EL1 is an instruction abort, IFSC permission level 3', (t) => {
  const m = machine();
  setup4k(m);
  put64(m.ram, L3 + 5 * 8, BigInt(RAM_BASE + 0x10000) | PAGE | (1n << 53n)); // PXN
  enter(m.core, 1, 0x4000_5000);
  m.core.run(1);
  t.is(m.core.sysregs.get('ESR_EL1'), 0x8600000fn); // EC 0x21, IL, IFSC 0b0011LL, level 3
  t.is(m.core.sysregs.get('FAR_EL1'), 0x4000_5000n);
  t.is(m.core.sysregs.get('ELR_EL1'), 0x4000_5000n);
});

test('address size fault: a table above the IPS output size (IPS 0 = 32 bits) faults at the start level', (t) => {
  const m = machine();
  setup4k(m);
  m.core.sysregs.writeAs('TCR_EL1', 25n, 1); // IPS = 0: 32-bit output addresses, TTBR0 is above
  fault(() => m.core.read32(0x4000_0000));
  t.is(m.core.sysregs.get('ESR_EL1'), 0x96000001n); // DFSC 0b0000LL, level 1
});

test('non-global entries are tagged with the ASID: TLBI by another ASID keeps them, by theirs drops them', (t) => {
  const m = machine();
  setup4k(m);
  put64(m.ram, L3, BigInt(DATA) | PAGE | (1n << 11n)); // nG
  m.core.sysregs.writeAs('TTBR0_EL1', BigInt(L1) | (5n << 48n), 1);
  t.is(m.core.read32(0x4000_0000), 0x55667788);
  put64(m.ram, L3, BigInt(DATA + 0x1000) | PAGE | (1n << 11n));
  put64(m.ram, DATA + 0x1000, 0x42n);
  m.core.tlbi('asid', 0, 6);
  t.is(m.core.read32(0x4000_0000), 0x55667788);
  m.core.tlbi('asid', 0, 5);
  t.is(m.core.read32(0x4000_0000), 0x42);
});
