// Watchpoint ranges as DBGWVR/DBGWCR pairs (spec §9.11; Arm ARM DBGWCR_EL1: BAS selects bytes
// of one aligned doubleword, MASK = log2 of a naturally aligned region of 8 B..2 GiB). The
// expected pieces are worked out by hand from those rules.
import test from 'ava';
import { planWatchRange, watchControl, watchedBytes } from '../../core/hv/index.ts';

const piece = (wvr: bigint, bas: number, mask = 0) => ({ wvr, bas, mask });

test('ranges inside one doubleword take one BAS pair', (t) => {
  t.deepEqual(planWatchRange(0x1000n, 8), [piece(0x1000n, 0xff)]);
  t.deepEqual(planWatchRange(0x1004n, 4), [piece(0x1000n, 0xf0)]);
  t.deepEqual(planWatchRange(0x1003n, 1), [piece(0x1000n, 0x08)]);
  t.deepEqual(planWatchRange(0x1001n, 6), [piece(0x1000n, 0x7e)]);
});

test('a small range across a doubleword boundary takes two BAS pairs', (t) => {
  t.deepEqual(planWatchRange(0x1006n, 4), [piece(0x1000n, 0xc0), piece(0x1008n, 0x03)]);
  t.deepEqual(planWatchRange(0x1004n, 8), [piece(0x1000n, 0xf0), piece(0x1008n, 0x0f)]);
  t.deepEqual(planWatchRange(0x1007n, 2), [piece(0x1000n, 0x80), piece(0x1008n, 0x01)]);
});

test('an aligned power-of-two region of 16 B..2 GiB takes one MASK pair', (t) => {
  t.deepEqual(planWatchRange(0x1010n, 16), [piece(0x1010n, 0xff, 4)]);
  t.deepEqual(planWatchRange(0x4000n, 0x1000), [piece(0x4000n, 0xff, 12)]);
  t.deepEqual(planWatchRange(0x8000_0000n, 0x8000_0000), [piece(0x8000_0000n, 0xff, 31)]);
  // 4 GiB: past one MASK's reach, two 2 GiB halves.
  t.deepEqual(planWatchRange(0x1_0000_0000n, 0x1_0000_0000), [piece(0x1_0000_0000n, 0xff, 31), piece(0x1_8000_0000n, 0xff, 31)]);
});

test('other ranges: partial doublewords at the ends, the largest aligned blocks between', (t) => {
  // [0x1008, 0x1020): 8 at 0x1008 (not 16-aligned), then 16 at 0x1010.
  t.deepEqual(planWatchRange(0x1008n, 0x18), [piece(0x1008n, 0xff), piece(0x1010n, 0xff, 4)]);
  // [0x1004, 0x1024): 4 bytes, 8, 16, 4 bytes.
  t.deepEqual(planWatchRange(0x1004n, 0x20), [piece(0x1000n, 0xf0), piece(0x1008n, 0xff), piece(0x1010n, 0xff, 4), piece(0x1020n, 0x0f)]);
  // A 32-byte region that is only 16-aligned: two MASK 4 pairs.
  t.deepEqual(planWatchRange(0x1010n, 32), [piece(0x1010n, 0xff, 4), piece(0x1020n, 0xff, 4)]);
});

test('no bytes, fractions and ranges past 2^64 are refused', (t) => {
  for (const [address, length] of [[0x1000n, 0], [0x1000n, -8], [0x1000n, 1.5], [-8n, 8], [0xffff_ffff_ffff_fffcn, 8]] as const) {
    t.throws(() => planWatchRange(address, length), { code: 'HV_BAD_ARGUMENT' }, `${address.toString(16)}+${length}`);
  }
  t.deepEqual(planWatchRange(0xffff_ffff_ffff_fff8n, 8), [piece(0xffff_ffff_ffff_fff8n, 0xff)], 'the last doubleword is fine');
});

test('DBGWCR values (§9.11 example) and what a pair watches', (t) => {
  t.is(watchControl(0x0f, 2), 0x1f7n, '4-byte store watch at an 8-aligned address');
  t.is(watchControl(0xff, 3, 12), 0x0c00_1fffn, 'MASK 12 in bits 28:24');
  t.deepEqual(watchedBytes(0x1000n, watchControl(0xf0, 1)), { lo: 0x1000n, hi: 0x1008n, bas: 0xf0 });
  t.deepEqual(watchedBytes(0x4000n, watchControl(0xff, 3, 12)), { lo: 0x4000n, hi: 0x5000n, bas: 0xff });
});
