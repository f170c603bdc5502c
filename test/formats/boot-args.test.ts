// boot_args (spec m1n1-protocol §8.1, §8.2) and the CPU feature structure (§8.3) against bytes
// laid out here from the spec's field tables, field by field at the table's offsets.
import test from 'ava';
import {
  adtPhysAddress,
  bootArgsSize,
  guestBootArgs,
  guestVirtBase,
  parseBootArgs,
  serializeBootArgs,
  type BootArgs,
} from '../../core/formats/boot-args.ts';
import { CPU_FEATURES_SIZE, M1_CPU_FEATURES, parseCpuFeatures, serializeCpuFeatures } from '../../core/formats/cpu-features.ts';
import { HvdbgError } from '../../core/errors.ts';

/** A revision-`rev` structure written at the §8.1 table's offsets, with `cmdline` at 0x06C. */
function golden(rev: number, total: number, bootFlagsAt: number, memActualAt: number, cmdline: string): Uint8Array {
  const b = new Uint8Array(total);
  const v = new DataView(b.buffer);
  v.setUint16(0x000, rev, true);
  v.setUint16(0x002, 2, true);
  v.setBigUint64(0x008, 0xffff_fe00_1000_0000n, true);
  v.setBigUint64(0x010, 0x8_0000_0000n, true);
  v.setBigUint64(0x018, 0x1_ff00_0000n, true);
  v.setBigUint64(0x020, 0x8_0600_0000n, true);
  v.setBigUint64(0x028, 0x9_ff00_0000n, true);
  v.setBigUint64(0x030, 1n, true);
  v.setBigUint64(0x038, 7680n, true);
  v.setBigUint64(0x040, 1920n, true);
  v.setBigUint64(0x048, 1080n, true);
  v.setBigUint64(0x050, 0x1_001en, true);
  v.setUint32(0x058, 0x1234, true);
  v.setBigUint64(0x060, 0xffff_fe00_1200_0000n, true);
  v.setUint32(0x068, 0x1f70, true);
  for (let i = 0; i < cmdline.length; i++) b[0x06c + i] = cmdline.charCodeAt(i);
  v.setBigUint64(bootFlagsAt, 0x5n, true);
  v.setBigUint64(memActualAt, 0x2_0000_0000n, true);
  return b;
}

const EXPECTED: Omit<BootArgs, 'revision' | 'cmdline'> = {
  version: 2,
  virtBase: 0xffff_fe00_1000_0000n,
  physBase: 0x8_0000_0000n,
  memSize: 0x1_ff00_0000n,
  topOfKernelData: 0x8_0600_0000n,
  video: { base: 0x9_ff00_0000n, display: 1n, stride: 7680n, width: 1920n, height: 1080n, depth: 0x1_001en },
  machineType: 0x1234,
  devtree: 0xffff_fe00_1200_0000n,
  devtreeSize: 0x1f70,
  bootFlags: 5n,
  memSizeActual: 0x2_0000_0000n,
};

const REVISIONS = [
  { rev: 1, size: 0x180, bootFlags: 0x170, memActual: 0x178, cmdlineLength: 256 },
  { rev: 2, size: 0x2e0, bootFlags: 0x2d0, memActual: 0x2d8, cmdlineLength: 608 },
  { rev: 3, size: 0x480, bootFlags: 0x470, memActual: 0x478, cmdlineLength: 1024 },
] as const;

for (const r of REVISIONS) {
  test(`revision ${r.rev}: ${r.size} bytes, parsed and serialised at the §8.1 offsets`, (t) => {
    const bytes = golden(r.rev, r.size, r.bootFlags, r.memActual, 'serial=3 -v');
    t.is(bootArgsSize(r.rev), r.size);
    const args = parseBootArgs(bytes);
    t.deepEqual(args, { ...EXPECTED, revision: r.rev, cmdline: 'serial=3 -v' });
    t.deepEqual(serializeBootArgs(args), bytes);
  });

  test(`revision ${r.rev}: a ${r.cmdlineLength - 1}-byte command line fits, ${r.cmdlineLength} does not`, (t) => {
    const longest = 'x'.repeat(r.cmdlineLength - 1);
    const bytes = golden(r.rev, r.size, r.bootFlags, r.memActual, longest);
    t.is(parseBootArgs(bytes).cmdline, longest);
    t.deepEqual(serializeBootArgs({ ...EXPECTED, revision: r.rev, cmdline: longest }), bytes);
    const err = t.throws(() => serializeBootArgs({ ...EXPECTED, revision: r.rev, cmdline: longest + 'x' }), { instanceOf: HvdbgError });
    t.is(err?.code, 'BOOTARGS_CMDLINE_TOO_LONG');
  });

  test(`revision ${r.rev}: every truncation is BOOTARGS_TRUNCATED`, (t) => {
    const bytes = golden(r.rev, r.size, r.bootFlags, r.memActual, '');
    for (let len = 0; len < r.size; len++) {
      const err = t.throws(() => parseBootArgs(bytes.subarray(0, len)), { instanceOf: HvdbgError });
      t.is(err?.code, 'BOOTARGS_TRUNCATED', `length ${len}`);
    }
  });
}

test('revision 0 reads as revision 1 (§8.1: revisions ≤ 1 share a layout); revision 4 is BAD_REVISION', (t) => {
  const bytes = golden(0, 0x180, 0x170, 0x178, 'a');
  t.is(parseBootArgs(bytes).memSizeActual, 0x2_0000_0000n);
  const four = golden(4, 0x480, 0x470, 0x478, '');
  t.is(t.throws(() => parseBootArgs(four), { instanceOf: HvdbgError })?.code, 'BOOTARGS_BAD_REVISION');
});

test('a command line without NUL in its field reads whole', (t) => {
  const bytes = golden(1, 0x180, 0x170, 0x178, '');
  bytes.fill(0x41, 0x6c, 0x6c + 256);
  t.is(parseBootArgs(bytes).cmdline, 'A'.repeat(256));
});

test('adt_phys = (devtree − virt_base + phys_base) mod 2^64 (§8.1)', (t) => {
  t.is(adtPhysAddress({ devtree: 0xffff_fe00_1200_0000n, virtBase: 0xffff_fe00_1000_0000n, physBase: 0x8_0000_0000n }), 0x8_0200_0000n);
  // Wraps: a devtree below virt_base.
  t.is(adtPhysAddress({ devtree: 0x10n, virtBase: 0x20n, physBase: 0x0n }), 0xffff_ffff_ffff_fff0n);
  t.is(adtPhysAddress({ devtree: 0xffff_ffff_ffff_fff0n, virtBase: 0x0n, physBase: 0x20n }), 0x10n);
});

test('guestBootArgs changes exactly the §8.2 fields', (t) => {
  const original: BootArgs = { ...EXPECTED, revision: 2, cmdline: 'old' };
  const guest = guestBootArgs(original, {
    physBase: 0x8_1234_4000n,
    memSize: 0x1000_0000n,
    adtBase: 0x8_1334_4000n,
    topOfKernelData: 0x8_2000_0000n,
    cmdline: 'console=ttySAC0 -v',
  });
  t.is(guest.virtBase, 0xffff_fe00_1000_0000n + (0x8_1234_4000n % 0x200_0000n));
  t.is(guest.virtBase, guestVirtBase(0x8_1234_4000n));
  t.is(guest.devtree, 0x8_1334_4000n - 0x8_1234_4000n + guest.virtBase);
  t.is(adtPhysAddress(guest), 0x8_1334_4000n);
  t.is(guest.physBase, 0x8_1234_4000n);
  t.is(guest.memSize, 0x1000_0000n);
  t.is(guest.topOfKernelData, 0x8_2000_0000n);
  t.is(guest.cmdline, 'console=ttySAC0 -v');
  t.is(guest.video.display, 0n);
  // Everything else unchanged, and the original untouched.
  t.deepEqual({ ...guest.video, display: 1n }, original.video);
  t.is(guest.devtreeSize, original.devtreeSize);
  t.is(guest.memSizeActual, original.memSizeActual);
  t.is(guest.bootFlags, original.bootFlags);
  t.is(guest.machineType, original.machineType);
  t.is(guest.revision, 2);
  t.is(original.cmdline, 'old');
  t.is(guestBootArgs(original, { physBase: 0n, memSize: 0n, adtBase: 0n, topOfKernelData: 0n, cmdline: 'quiet' }).video.display, 1n);
});

// §8.3 table, M1 (T8103) column.
const M1_FEATURE_BYTES = Uint8Array.from([2, 0, 0, 0, 2, 0, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0, 0, 0]);

test('CPU features: the §8.3 M1 column parses to M1_CPU_FEATURES and back', (t) => {
  t.is(CPU_FEATURES_SIZE, 20);
  t.deepEqual(parseCpuFeatures(M1_FEATURE_BYTES), { ...M1_CPU_FEATURES });
  t.deepEqual(serializeCpuFeatures(M1_CPU_FEATURES), M1_FEATURE_BYTES);
  const f = parseCpuFeatures(M1_FEATURE_BYTES);
  t.true(f.appleSysregsUnlocked);
  t.false(f.actlrEl2);
  t.is(f.sleepMode, 2);
});

test('CPU features: each flag byte maps to its own field', (t) => {
  const names = ['disableDcMva', 'accCfg', 'appleSysregsUnlocked', 'workaroundCycloneCache', 'nexPowergating', 'fastIpi', 'mmuSprr', 'siqCfg', 'amx', 'actlrEl2', 'counterRedirect'] as const;
  names.forEach((name, i) => {
    const bytes = new Uint8Array(20);
    bytes[0x08 + i] = 1;
    const f = parseCpuFeatures(bytes);
    t.deepEqual(names.filter((n) => f[n]), [name]);
  });
});

test('CPU features: a short structure is CPU_FEATURES_TRUNCATED', (t) => {
  for (let len = 0; len < 20; len++) {
    t.is(t.throws(() => parseCpuFeatures(M1_FEATURE_BYTES.subarray(0, len)), { instanceOf: HvdbgError })?.code, 'CPU_FEATURES_TRUNCATED');
  }
});
