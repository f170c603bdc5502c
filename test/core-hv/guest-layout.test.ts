// Where a guest goes (spec §13.4 step 1, §7.5): Python's layout for relocatable images; an
// absolute image keeps its addresses and the host heap moves out of its way.
import test from 'ava';
import { planGuestLayout, type LayoutInput } from '../../core/hv/index.ts';
import type { GuestLoadPlan } from '../../core/formats/guest-image.ts';

const MiB = 0x10_0000n;
const input: LayoutInput = {
  heapTop: 0x8_0600_0000n,
  physBase: 0x8_0000_0000n,
  memSize: 0x1_ff00_0000n,
  memSizeActual: 0x2_0000_0000n,
  devtreeSize: 0x2_0000,
  trustCacheSize: 0x4000n,
  sepfwSize: MiB,
  preoslogSize: 0n,
};
const seg = (addr: bigint, size: number) => ({ name: 's', addr, bytes: new Uint8Array(size), memSize: BigInt(size) });

test('a Mach-O-style relative image: phys_base = end of the host heap (top + 128 MiB, 128 MiB), ADT at +16 MiB, image after the TrustCache', (t) => {
  const plan: GuestLoadPlan = { placement: { kind: 'relative', align: 0x4000n, linkBase: 0xffff_fe00_0700_4000n }, segments: [seg(0n, 0x10000)], entry: 0x800n, boot: 'xnu', symbols: undefined };
  const l = planGuestLayout(plan, input);
  t.is(l.hostHeapBase, input.heapTop + 128n * MiB);
  t.is(l.hostHeapSize, 128n * MiB);
  t.is(l.guestPhysBase, input.heapTop + 256n * MiB);
  t.is(l.adtBase, l.guestPhysBase + 16n * MiB);
  t.true(l.adtReserved >= 0x2_0000n && l.adtReserved % 0x4000n === 0n);
  t.is(l.trustCacheBase, l.adtBase + l.adtReserved);
  t.is(l.imageBase, l.trustCacheBase + 0x4000n);
  t.is(l.entry, l.imageBase + 0x800n);
  t.is(l.sepfwBase, l.imageBase + 0x10000n);
  t.is(l.bootArgsBase, l.sepfwBase + MiB);
  t.is(l.topOfKernelData, l.bootArgsBase + 0x4000n);
  t.is(l.memSize, input.physBase + input.memSize - l.guestPhysBase);
});

test('the demo guest at 0x8_1000_0000: kept there; the host heap moves below it; ADT and boot_args after it', (t) => {
  const plan: GuestLoadPlan = { placement: { kind: 'absolute' }, segments: [seg(0x8_1000_0000n, 0x8000), seg(0x8_1000_8000n, 0x1000)], entry: 0x8_1000_0000n, boot: 'bare', symbols: undefined };
  const l = planGuestLayout(plan, input);
  t.is(l.entry, 0x8_1000_0000n);
  t.true(l.hostHeapBase + l.hostHeapSize <= 0x8_1000_0000n, 'heap ends below the image');
  t.true(l.hostHeapBase > input.heapTop, 'and above m1n1');
  t.is(l.guestPhysBase, l.hostHeapBase + l.hostHeapSize);
  t.is(l.adtBase, 0x8_1000_c000n, 'first 16 KiB boundary past the image');
  t.true(l.bootArgsBase > l.adtBase);
});

test('an absolute image with no room for the host heap, or outside RAM, is a typed layout error', (t) => {
  const low: GuestLoadPlan = { placement: { kind: 'absolute' }, segments: [seg(0x8_0720_0000n, 0x1000)], entry: 0x8_0720_0000n, boot: 'bare', symbols: undefined };
  t.throws(() => planGuestLayout(low, input), { message: /no room for the host's scratch heap/ });
  const onM1n1: GuestLoadPlan = { placement: { kind: 'absolute' }, segments: [seg(0x8_0380_0000n, 0x1000)], entry: 0x8_0380_0000n, boot: 'bare', symbols: undefined };
  t.throws(() => planGuestLayout(onM1n1, input), { message: /overlaps m1n1/ });
  const outside: GuestLoadPlan = { placement: { kind: 'absolute' }, segments: [seg(0x20_0000_0000n, 0x1000)], entry: 0x20_0000_0000n, boot: 'bare', symbols: undefined };
  t.throws(() => planGuestLayout(outside, input), { message: /not inside the target's RAM/ });
});
